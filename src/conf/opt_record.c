/*
 * The lines a configuration was made of, as parsed (name and parameters,
 * inline blocks included), kept when options.record_lines asks: a server
 * compares two readings at SIGHUP to tell what changed (daemon/
 * server_reload.c) without a comparison of every field.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "conf/optable.h"

int opt_record_line(struct options *o, char **argv, unsigned int argc)
{
	size_t len = 0, at = 0;
	char **slot, *line;

	if (!o->record_lines)
		return 0;
	for (unsigned int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	line = malloc(len + 1);
	if (!line)
		return -ENOMEM;
	/* 0x1f (unit separator) never ends up in a token of a real config
	 * in a way that makes two different lines equal */
	for (unsigned int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		memcpy(line + at, argv[i], n);
		at += n;
		line[at++] = i + 1 < argc ? '\x1f' : '\0';
	}
	if (!argc)
		line[0] = '\0';
	slot = opt_grow(&o->lines, &o->n_lines, sizeof(*slot));
	if (!slot) {
		free(line);
		return -ENOMEM;
	}
	*slot = line;
	return 0;
}

void opt_record_free(struct options *o)
{
	for (size_t i = 0; i < o->n_lines; i++) {
		/* an inline <key> or a password may be among them */
		mem_wipe(o->lines[i], strlen(o->lines[i]));
		free(o->lines[i]);
	}
	free(o->lines);
	o->lines = NULL;
	o->n_lines = 0;
}
