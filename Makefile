# dcovpn: one non-recursive GNU Makefile.
#   make            build build/dcovpn-cli (and the library)
#   make check      install what is missing (as root), build, run every test
#   make demo       install what is missing, build, run the two-namespace
#                   demos: static-key tunnel, then TLS server + client
#   make fuzz       build libFuzzer targets (clang)
#   make bench      run the side-by-side benchmark
# Knobs: SAN=address,undefined  CC=clang  BUILD=build-dir  V=1  TEST_JOBS=2
BUILD   ?= build
CC      ?= cc
PKGS    := openssl libmnl libcap
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE -MMD -MP
# The host triple, for --version's first line (as OpenVPN prints it).
HOST_TRIPLE := $(shell $(CC) -dumpmachine 2>/dev/null)
$(BUILD)/src/daemon/usage.o: CPPFLAGS += -DDCOVPN_HOST='"$(HOST_TRIPLE)"'
CFLAGS  ?= -O2 -g
# "override": these stay even when CFLAGS is given on the command line
# (as the fuzz build does).
override CFLAGS += -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -pthread
override CFLAGS += $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -pthread
ifneq ($(SAN),)
override CFLAGS  += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=$(SAN)
endif

# Every .c under src/ is library code except the programs' main folders.
PROG_DIRS := src/cli src/daemon
LIB_SRCS  := $(filter-out $(addsuffix /%,$(PROG_DIRS)),$(wildcard src/*/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libdcovpn.a

CLI_SRCS  := $(wildcard src/cli/*.c)
CLI       := $(BUILD)/dcovpn-cli
DAEMON_SRCS := $(wildcard src/daemon/*.c)
DAEMON    := $(if $(DAEMON_SRCS),$(BUILD)/dcovpn)

# The crypto stage of the benchmark's ceiling estimate (bench/run.sh).
AEAD_SPEED := $(BUILD)/aead-speed

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(filter-out tests/unit/test_%,$(wildcard tests/unit/*.c))

FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%)

ifeq ($(V),)
Q := @
endif

all: $(CLI) $(DAEMON) $(AEAD_SPEED)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(CLI): $(CLI_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# sd_notify (Type=notify units): the daemon only.
$(BUILD)/src/daemon/sdnotify.o: CFLAGS += $(shell pkg-config --cflags libsystemd)
$(BUILD)/dcovpn: $(DAEMON_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs libsystemd)

$(AEAD_SPEED): $(BUILD)/bench/aead_speed.o $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UNIT_HELPERS:%.c=$(BUILD)/%.o) $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cmocka)

unit: $(UNIT_BINS)

# Fuzz targets: clang with libFuzzer; the library is rebuilt instrumented.
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined
fuzz:
	$(MAKE) BUILD=$(BUILD)-fuzz CC=clang SAN= \
	  CFLAGS="-O1 -g $(FUZZ_FLAGS)" LDFLAGS="$(FUZZ_FLAGS)" fuzz-bins
fuzz-bins: $(FUZZ_BINS)
$(BUILD)/fuzz/%: $(BUILD)/fuzz/%.o $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

deps:
	@scripts/install-deps.sh

# Interop scripts two at a time (each in its own namespaces); TEST_JOBS=1
# runs everything one by one.
TEST_JOBS ?= 2
check: deps
	$(MAKE) all unit
	BUILD=$(BUILD) TEST_JOBS=$(TEST_JOBS) tests/run

demo: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/demo.sh
	BUILD=$(BUILD) scripts/demo-server.sh

bench: deps
	$(MAKE) all
	BUILD=$(BUILD) bench/run.sh

# The README's option table, from the option table (scripts/options-table.sh).
options-table: $(BUILD)/dcovpn
	BUILD=$(BUILD) scripts/options-table.sh

clean:
	rm -rf $(BUILD) $(BUILD)-fuzz $(BUILD)-san

.PHONY: all unit fuzz fuzz-bins deps check demo bench clean options-table
.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
