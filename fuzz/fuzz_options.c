/*
 * libFuzzer target for the option parser: the input is used three ways,
 * as config file text, as a PUSH_REPLY option list, and (split at NUL
 * bytes) as a command line. Each run starts from fresh options and must
 * end with everything freed (ASan's leak checker watches).
 * "config /dev/stdin" is a legal include (pipes are allowed, for
 * "--config <(...)"), so stdin is pointed at /dev/null first.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "conf/options.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

static void as_config(const char *text, size_t size)
{
	struct options o;
	char err[OPT_ERR_LEN];

	options_init(&o);
	if (!options_parse_text(&o, "fuzz.conf", text, size, err, sizeof(err)))
		options_check(&o, err, sizeof(err));
	options_free(&o);
}

static void as_push(const char *text, size_t size)
{
	struct options o;
	char err[OPT_ERR_LEN];

	options_init(&o);
	/* Filters and route-nopull change which pushed options apply. */
	options_parse_text(&o, "pre", "pull-filter ignore \"dhcp\"\n", 26, err,
			   sizeof(err));
	options_apply_push(&o, text, size, err, sizeof(err));
	options_free(&o);
}

/* @buf is a NUL-terminated copy of the input: split it into argv. */
static void as_argv(char *buf, size_t size)
{
	char *argv[MAX_ARGS + 1] = { "fuzz" };
	int argc = 1;
	struct options o;
	char err[OPT_ERR_LEN];

	for (size_t i = 0; i < size && argc < MAX_ARGS; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	argv[argc] = NULL;
	options_init(&o);
	options_parse_argv(&o, argc, argv, err, sizeof(err));
	options_free(&o);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "r", stdin))
		return -1;
	log_set_level(-1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so ASan sees any read past the input. */
	char *buf = malloc(size + 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	as_config(buf, size);
	as_push(buf, size);
	as_argv(buf, size);
	free(buf);
	return 0;
}
