# dcovpn: one non-recursive GNU Makefile.
#   make            build build/dcovpn-cli (and the library)
#   make check      install what is missing (as root), build, run every test
#   make demo       install what is missing, build, run the two-namespace
#                   demos: static-key tunnel, then TLS server + client
#   make fuzz       build libFuzzer targets (clang)
#   make bench      run the side-by-side benchmark
# Knobs: SAN=address,undefined (or SAN=thread: see .ci/run)  CC=clang
#        BUILD=build-dir  V=1  TEST_JOBS=2
BUILD   ?= build
CC      ?= cc
PKGS    := openssl libmnl libcap libseccomp liburcu-qsbr
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
# Reproducible: the source directory never reaches the binaries (debug
# info, __FILE__), so any checkout builds byte-identical programs.
override CFLAGS += -ffile-prefix-map=$(CURDIR)=.
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -pthread
# intel-ipsec-mb (Debian 12: libipsec-mb-dev, no .pc file): the fast AES-GCM
# backend when its header is there; without it, OpenSSL alone
# (src/dco/aead_imb.c). IPSEC_MB=0 builds without it on purpose.
IPSEC_MB ?= $(if $(wildcard /usr/include/intel-ipsec-mb.h),1,0)
ifeq ($(IPSEC_MB),1)
override CPPFLAGS += -DDCOVPN_HAVE_IPSEC_MB
LDLIBS  += -lIPSec_MB
endif
ifneq ($(SAN),)
override CFLAGS  += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=$(SAN)
endif

# Every .c under src/ is library code except the programs' main folders.
PROG_DIRS := src/cli src/daemon src/load
LIB_SRCS  := $(filter-out $(addsuffix /%,$(PROG_DIRS)),$(wildcard src/*/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libdcovpn.a

CLI_SRCS  := $(wildcard src/cli/*.c)
CLI       := $(BUILD)/dcovpn-cli
DAEMON_SRCS := $(wildcard src/daemon/*.c)
DAEMON    := $(if $(DAEMON_SRCS),$(BUILD)/dcovpn)

# The load generator: its own folder plus the daemon's client set-up
# (TLS context, wrapping key, peer-info) that it shares with the client.
LOAD_SRCS := $(wildcard src/load/*.c) src/daemon/clientcfg.c \
	     src/daemon/peerinfo_full.c src/daemon/prompt.c
LOAD      := $(BUILD)/dcovpn-load

# The crypto stage of the benchmark's ceiling estimate (bench/run.sh).
AEAD_SPEED := $(BUILD)/aead-speed
# OpenVPN 2.6's data format against 2.7's epoch format, whole packet step.
EPOCH_SPEED := $(BUILD)/epoch-speed
SPAWN_SPEED := $(BUILD)/spawn-speed

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(filter-out tests/unit/test_%,$(wildcard tests/unit/*.c))

FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%)

ifeq ($(V),)
Q := @
endif

all: $(CLI) $(DAEMON) $(LOAD) $(AEAD_SPEED) $(EPOCH_SPEED) $(SPAWN_SPEED)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(CLI): $(CLI_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# sd_notify (Type=notify units), sd-bus (systemd-resolved): the daemon only.
$(BUILD)/src/daemon/sdnotify.o $(BUILD)/src/daemon/dns_resolved.o: CFLAGS += $(shell pkg-config --cflags libsystemd)
$(BUILD)/dcovpn: $(DAEMON_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs libsystemd)

$(LOAD): $(LOAD_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(AEAD_SPEED): $(BUILD)/bench/aead_speed.o $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(EPOCH_SPEED): $(BUILD)/bench/epoch_speed.o $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(SPAWN_SPEED): $(BUILD)/bench/spawn_speed.o
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UNIT_HELPERS:%.c=$(BUILD)/%.o) $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter-out $(LIB),$^) $(LIB) $(LDLIBS) $(shell pkg-config --libs cmocka)

# dcovpn-load's pieces are program code, not library code
$(BUILD)/tests/test_load: $(BUILD)/src/load/ldata.o $(BUILD)/src/load/args.o
# the script runner is the daemon's
$(BUILD)/tests/test_scriptrun: $(BUILD)/src/daemon/scriptrun.o

unit: $(UNIT_BINS)

# Fuzz targets: clang with libFuzzer; the library is rebuilt instrumented.
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined
fuzz:
	$(MAKE) BUILD=$(BUILD)-fuzz CC=clang SAN= \
	  CFLAGS="-O1 -g $(FUZZ_FLAGS)" LDFLAGS="$(FUZZ_FLAGS)" fuzz-bins
fuzz-bins: $(FUZZ_BINS)
# the differential check the unit test uses too
$(BUILD)/fuzz/fuzz_aead_diff: $(BUILD)/tests/unit/aead_diff.o
$(BUILD)/fuzz/%: $(BUILD)/fuzz/%.o $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter-out $(LIB),$^) $(LIB) $(LDLIBS)

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

# The scale run (bench/scale.sh): dcovpn-load against dcovpn and openvpn
# 2.6 on one config, SCALE_N clients (1000 and 10000); SCALE_SHORT=1 for a
# 200-client smoke run.
bench-scale: deps
	$(MAKE) all
	BUILD=$(BUILD) bench/scale.sh

# The soak (tests/soak/run.sh; not part of check): a server with clients
# for SOAK_SECONDS (180) under renegotiation, churn, a garbage flood and a
# manager that never reads. SOAK_SERVER=openvpn: the same against openvpn.
soak: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/soak/run.sh

# The README's option table, from the option table (scripts/options-table.sh).
options-table: $(BUILD)/dcovpn
	BUILD=$(BUILD) scripts/options-table.sh

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the programs, the
# man page, the systemd units (ExecStart points at $(SBINDIR)), the README.
PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/dcovpn
UNITDIR ?= $(PREFIX)/lib/systemd/system
UNITS   := dcovpn-server@.service dcovpn-client@.service
install: $(CLI) $(BUILD)/dcovpn $(LOAD)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	  $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BUILD)/dcovpn $(CLI) $(LOAD) $(DESTDIR)$(SBINDIR)/
	install -m 0644 dist/dcovpn.8 dist/dcovpn-cli.8 dist/dcovpn-load.8 \
	  $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/
	for u in $(UNITS); do \
	  sed 's#@SBINDIR@#$(SBINDIR)#g' dist/systemd/$$u.in \
	    >$(DESTDIR)$(UNITDIR)/$$u && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; \
	done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/dcovpn $(DESTDIR)$(SBINDIR)/dcovpn-cli \
	  $(DESTDIR)$(SBINDIR)/dcovpn-load $(DESTDIR)$(MANDIR)/man8/dcovpn-load.8 \
	  $(DESTDIR)$(MANDIR)/man8/dcovpn.8 $(DESTDIR)$(MANDIR)/man8/dcovpn-cli.8 \
	  $(DESTDIR)$(DOCDIR)/README.md \
	  $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))

# make deb: a Debian package (debian/), built from a copy of the tree in
# $(BUILD)/deb with dpkg-buildpackage -us -uc -b, then checked by lintian.
DEB_DIR := $(BUILD)/deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/dcovpn
	tar -C . --exclude='./build*' --exclude=./.git -cf - . | \
	  tar -C $(DEB_DIR)/dcovpn -xf -
	cd $(DEB_DIR)/dcovpn && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning \
	  $(DEB_DIR)/*.changes
	@ls $(DEB_DIR)/*.deb

clean:
	rm -rf $(BUILD) $(BUILD)-fuzz $(BUILD)-san

.PHONY: all unit fuzz fuzz-bins deps check demo bench bench-scale soak clean options-table \
	install uninstall deb
.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
