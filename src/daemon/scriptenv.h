/*
 * An environment for a script or a plugin: "name=value" strings, in the
 * order set, NULL-terminated for execve() and for a plugin's envp.
 *
 * Names and values are filtered as OpenVPN's setenv_str does (env_set.c):
 * a name keeps only letters, digits and '_'; a value drops every byte
 * below 0x20 and DEL, so no newline reaches a script through a variable.
 * Setting a name again replaces its value. Values are never cut. Every
 * string is wiped on free (a password may be among them).
 */
#ifndef DCOVPN_DAEMON_SCRIPTENV_H
#define DCOVPN_DAEMON_SCRIPTENV_H

#include <stddef.h>

struct scriptenv {
	size_t n, cap;
	char **v;               /* n strings, then NULL (when cap > 0) */
	int err;                /* first allocation failure, -ENOMEM */
};

void scriptenv_init(struct scriptenv *e);
/* name=printf(fmt, ...); an allocation failure is kept in e->err. */
void scriptenv_set(struct scriptenv *e, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "name=value" as one string (already joined). */
void scriptenv_put(struct scriptenv *e, const char *name_value);
/* name_N=... (OpenVPN's setenv_*_i). */
void scriptenv_set_i(struct scriptenv *e, const char *name, unsigned i,
		     const char *value);
/* Copy every entry of @from into @e (replacing same names). */
void scriptenv_merge(struct scriptenv *e, const struct scriptenv *from);
/* The value of @name, or NULL. */
const char *scriptenv_get(const struct scriptenv *e, const char *name);
/* Remove every variable whose name starts with @prefix (wiped). */
void scriptenv_drop_prefix(struct scriptenv *e, const char *prefix);
/* NULL-terminated array owned by @e; NULL only if out of memory. */
char **scriptenv_vec(struct scriptenv *e);
/* The array itself, now the caller's (free each string, then the array);
 * @e is left empty. NULL if out of memory. */
char **scriptenv_steal(struct scriptenv *e);
void scriptenv_free(struct scriptenv *e);

#endif
