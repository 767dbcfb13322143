/*
 * A reload's push lines as one PUSH_UPDATE (server_reload.h): for each
 * option whose push lines changed, its new lines (the first of a name in
 * an update replaces all its earlier values at the client) or "-name"
 * when none is left.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/options.h"
#include "ctl/pushupd.h"
#include "daemon/server_reload.h"

static size_t name_len(const char *s)
{
	return strcspn(s, " \t");
}

static bool same_name(const char *a, const char *b)
{
	size_t n = name_len(a);

	return n == name_len(b) && !strncmp(a, b, n);
}

/* Are the lines named as @ref the same, in order, in @a and @b? */
static bool same_lines(const struct opt_strv *a, const struct opt_strv *b,
		       const char *ref)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->n && !same_name(a->v[i], ref))
			i++;
		while (j < b->n && !same_name(b->v[j], ref))
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (strcmp(a->v[i++], b->v[j++]))
			return false;
	}
}

/* Seen before index @i of @v, or in @w (done already)? */
static bool seen(const struct opt_strv *v, size_t i, const struct opt_strv *w)
{
	for (size_t k = 0; k < i; k++)
		if (same_name(v->v[k], v->v[i]))
			return true;
	for (size_t k = 0; w && k < w->n; k++)
		if (same_name(w->v[k], v->v[i]))
			return true;
	return false;
}

/* May a connected client take a change of @line's option? */
static bool updatable(const char *line)
{
	struct pushupd_opt o;

	/* dcovpn does not move a client's address (server_pushupd.c) */
	return !pushupd_parse_opt(line, &o) && o.updatable &&
	       !pushupd_is(&o, "ifconfig") && !pushupd_is(&o, "ifconfig-ipv6");
}

static int append(char **out, size_t *len, const char *s, size_t n)
{
	char *p = realloc(*out, *len + n + 2);

	if (!p)
		return -ENOMEM;
	if (*len)
		p[(*len)++] = ',';
	memcpy(p + *len, s, n);
	*len += n;
	p[*len] = '\0';
	*out = p;
	return 0;
}

/* The changes for the option named as @new->v[i] / @old->v[i] (@from). */
static int add_option(const struct opt_strv *old, const struct opt_strv *new,
		      const char *ref, char **out, size_t *len)
{
	char rm[128];
	bool any = false;

	if (same_lines(old, new, ref))
		return 0;
	if (!updatable(ref))
		return -EPERM;
	for (size_t k = 0; k < new->n; k++) {
		if (!same_name(new->v[k], ref))
			continue;
		any = true;
		if (append(out, len, new->v[k], strlen(new->v[k])))
			return -ENOMEM;
	}
	if (any)
		return 0;
	if (name_len(ref) + 2 > sizeof(rm))
		return -EPERM;
	rm[0] = '-';
	memcpy(rm + 1, ref, name_len(ref));
	return append(out, len, rm, name_len(ref) + 1);
}

char *server_reload_update(const struct opt_strv *old, const struct opt_strv *new)
{
	char *out = calloc(1, 1);
	size_t len = 0;
	int ret = out ? 0 : -ENOMEM;

	for (size_t i = 0; !ret && i < new->n; i++)
		if (!seen(new, i, NULL))
			ret = add_option(old, new, new->v[i], &out, &len);
	for (size_t i = 0; !ret && i < old->n; i++)
		if (!seen(old, i, new))
			ret = add_option(old, new, old->v[i], &out, &len);
	if (ret) {
		free(out);
		return NULL;
	}
	return out;
}
