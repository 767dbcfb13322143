/* PUSH_UPDATE: splitting (server) and option prefixes. See pushupd.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/pushupd.h"

static const char *const pushupd_updatable[] = {
	"block-ipv6", "block-outside-dns", "dhcp-option", "dns", "ifconfig",
	"ifconfig-ipv6", "push-continuation", "redirect-gateway",
	"redirect-private", "route", "route-gateway", "route-ipv6",
	"route-metric", "topology", "tun-mtu", "keepalive",
};

/* Where the part starting at @s must end: after the last whole option
 * within PUSHUPD_PART_MAX bytes (at a comma), or all of it. 0: none fits. */
static size_t part_len(const char *s)
{
	size_t len = strlen(s);

	if (len <= PUSHUPD_PART_MAX)
		return len;
	for (size_t i = PUSHUPD_PART_MAX; i > 0; i--)
		if (s[i] == ',')
			return i;
	return 0;
}

int pushupd_split(const char *opts, char **out)
{
	size_t len = opts ? strlen(opts) : 0, cap, off = 0;
	const char *s = opts;
	unsigned n = 0;
	char *buf;

	*out = NULL;
	if (!len)
		return -EINVAL;
	/* each part: command, comma, text, continuation, NUL */
	cap = len + (len / PUSHUPD_PART_MAX + 2) * (sizeof(PUSHUPD_CMD) + 24);
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	while (*s) {
		size_t pl = part_len(s);
		bool last = pl == strlen(s);
		const char *cont = !last ? ",push-continuation 2" :
				   n ? ",push-continuation 1" : "";

		if (!pl) {
			free(buf);
			return -EINVAL;
		}
		off += (size_t)snprintf(buf + off, cap - off, "%s,%.*s%s",
					PUSHUPD_CMD, (int)pl, s, cont) + 1;
		n++;
		s += last ? pl : pl + 1;
	}
	*out = buf;
	return (int)n;
}

int pushupd_parse_opt(const char *line, struct pushupd_opt *o)
{
	const char *p = line;

	memset(o, 0, sizeof(*o));
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-') {
		o->remove = true;
		p++;
	}
	if (*p == '?') {
		o->optional = true;
		p++;
	}
	if (!*p || *p == '-' || *p == ' ')
		return -EINVAL;
	o->text = p;
	o->name_len = strcspn(p, " \t");
	if (o->remove && p[o->name_len + strspn(p + o->name_len, " \t")])
		return -EINVAL; /* "-name" takes no arguments */
	for (size_t i = 0; i < sizeof(pushupd_updatable) /
			       sizeof(pushupd_updatable[0]); i++)
		if (pushupd_is(o, pushupd_updatable[i]))
			o->updatable = true;
	return 0;
}

bool pushupd_is(const struct pushupd_opt *o, const char *want)
{
	return strlen(want) == o->name_len &&
	       !strncmp(o->text, want, o->name_len);
}
