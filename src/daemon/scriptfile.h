/*
 * The files scripts and the daemon exchange: private temporary files
 * (mode 0600, in --tmp-dir or /tmp: credentials, client-connect configs,
 * deferred auth control files) and the one-byte or one-line answers
 * scripts write into them. Reads never follow a symlink and are bounded.
 */
#ifndef DCOVPN_DAEMON_SCRIPTFILE_H
#define DCOVPN_DAEMON_SCRIPTFILE_H

#include <stddef.h>

/* A new empty file "<dir>/dcovpn_<tag>_XXXXXX" (@dir NULL: /tmp): its
 * path (malloc'd), or NULL (logged). With @fd, left open there. */
char *scriptfile_make(const char *dir, const char *tag, int *fd);
/* Remove the file and free its name; NULL-safe, sets *@path NULL. */
void scriptfile_drop(char **path);
/* The file's first byte, 0 if it is missing or empty. */
int scriptfile_first(const char *path);
/* The first line (up to @len - 1 bytes, no newline); "" if none. */
void scriptfile_line(const char *path, char *buf, size_t len);
/* Up to @len - 1 bytes of the file, NUL-terminated; its length or -1. */
long scriptfile_read(const char *path, char *buf, size_t len);

#endif
