/* The environment handed to scripts and plugins (see scriptenv.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "daemon/scriptenv.h"

void scriptenv_init(struct scriptenv *e)
{
	memset(e, 0, sizeof(*e));
}

static bool name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

/* OpenVPN's CC_PRINT: bytes 0x20..0x7e and 0x80..0xff. */
static bool value_char(unsigned char ch)
{
	return ch >= 0x20 && ch != 0x7f;
}

/* "name=value" filtered: a fresh string, or NULL. */
static char *env_join(const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value), o = 0;
	char *s = malloc(nl + vl + 2);

	if (!s)
		return NULL;
	for (size_t i = 0; i < nl; i++)
		if (name_char((unsigned char)name[i]))
			s[o++] = name[i];
	s[o++] = '=';
	for (size_t i = 0; i < vl; i++)
		if (value_char((unsigned char)value[i]))
			s[o++] = value[i];
	s[o] = '\0';
	return s;
}

/* Room for one more entry and the NULL after it. */
static int env_grow(struct scriptenv *e)
{
	size_t cap = e->cap ? e->cap * 2 : 16;
	char **v;

	if (e->n + 2 <= e->cap)
		return 0;
	v = realloc(e->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	e->v = v;
	e->cap = cap;
	e->v[e->n] = NULL;
	return 0;
}

static char **env_slot(struct scriptenv *e, const char *s)
{
	size_t nl = strcspn(s, "=");

	for (size_t i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], s, nl + 1))
			return &e->v[i];
	if (env_grow(e))
		return NULL;
	e->v[++e->n] = NULL;
	return &e->v[e->n - 1];
}

static void env_store(struct scriptenv *e, char *s)
{
	char **slot = s ? env_slot(e, s) : NULL;

	if (!slot) {
		if (s) {
			mem_wipe(s, strlen(s));
			free(s);
		}
		e->err = -ENOMEM;
		return;
	}
	if (*slot) {
		mem_wipe(*slot, strlen(*slot));
		free(*slot);
	}
	*slot = s;
}

void scriptenv_set(struct scriptenv *e, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *val = NULL;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (len < 0) {
		e->err = -ENOMEM;
		return;
	}
	env_store(e, env_join(name, val));
	mem_wipe(val, (size_t)len);
	free(val);
}

void scriptenv_put(struct scriptenv *e, const char *name_value)
{
	const char *eq = strchr(name_value, '=');
	char name[128];

	if (!eq || eq == name_value || (size_t)(eq - name_value) >= sizeof(name))
		return;
	memcpy(name, name_value, (size_t)(eq - name_value));
	name[eq - name_value] = '\0';
	env_store(e, env_join(name, eq + 1));
}

void scriptenv_set_i(struct scriptenv *e, const char *name, unsigned i,
		     const char *value)
{
	char n[128];

	if (!value)
		return;
	snprintf(n, sizeof(n), "%s_%u", name, i);
	env_store(e, env_join(n, value));
}

void scriptenv_merge(struct scriptenv *e, const struct scriptenv *from)
{
	for (size_t i = 0; i < from->n; i++)
		env_store(e, strdup(from->v[i]));
}

const char *scriptenv_get(const struct scriptenv *e, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], name, nl) && e->v[i][nl] == '=')
			return e->v[i] + nl + 1;
	return NULL;
}

void scriptenv_drop_prefix(struct scriptenv *e, const char *prefix)
{
	size_t k = 0, pl = strlen(prefix);

	for (size_t i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], prefix, pl)) {
			e->v[k++] = e->v[i];
			continue;
		}
		mem_wipe(e->v[i], strlen(e->v[i]));
		free(e->v[i]);
	}
	e->n = k;
	if (e->cap)
		e->v[k] = NULL;
}

char **scriptenv_vec(struct scriptenv *e)
{
	if (!e->cap && env_grow(e))
		return NULL;
	return e->v;
}

char **scriptenv_steal(struct scriptenv *e)
{
	char **v = scriptenv_vec(e);

	scriptenv_init(e);
	return v;
}

void scriptenv_free(struct scriptenv *e)
{
	for (size_t i = 0; i < e->n; i++) {
		mem_wipe(e->v[i], strlen(e->v[i]));
		free(e->v[i]);
	}
	free(e->v);
	scriptenv_init(e);
}
