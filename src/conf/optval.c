/* Option values: numbers, ports, protocols, addresses; messages; storage. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "conf/optable.h"

static void vformat(struct opt_ctx *c, char *buf, size_t len, const char *fmt,
		    va_list ap)
{
	char msg[OPT_ERR_LEN];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(buf, len, "%s:%u: %s", c->file, c->line, msg);
}

int opt_fail(struct opt_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err && c->err_len) {
		va_start(ap, fmt);
		vformat(c, c->err, c->err_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void opt_warn(struct opt_ctx *c, const char *fmt, ...)
{
	char line[OPT_ERR_LEN + 64];
	va_list ap;

	va_start(ap, fmt);
	vformat(c, line, sizeof(line), fmt, ap);
	va_end(ap);
	log_warn("%s", line);
	c->o->warnings++;
}

static int parse_long(const char *s, long long lo, long long hi,
		      long long *out)
{
	char *end;
	long long v;

	if (!*s || (s[0] == '-' && lo >= 0) || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int optval_int(struct opt_ctx *c, const char *s, int lo, int hi, int *out)
{
	long long v;

	if (parse_long(s, lo, hi, &v))
		return opt_fail(c, "--%s: bad number '%s' (expected %d..%d)",
				c->name, s, lo, hi);
	*out = (int)v;
	return 0;
}

int optval_int64(struct opt_ctx *c, const char *s, int64_t *out)
{
	long long v;

	if (parse_long(s, 0, LLONG_MAX, &v))
		return opt_fail(c, "--%s: bad number '%s'", c->name, s);
	*out = v;
	return 0;
}

int optval_port(struct opt_ctx *c, const char *s, bool allow_zero)
{
	long long v;

	if (parse_long(s, allow_zero ? 0 : 1, 65535, &v))
		return opt_fail(c, "--%s: bad port number '%s'", c->name, s);
	return 0;
}

static const struct {
	const char *name;
	enum opt_proto proto;
	enum opt_family family;
} protos[] = {
	{ "udp", OPT_PROTO_UDP, OPT_AF_ANY },
	{ "udp4", OPT_PROTO_UDP, OPT_AF_INET },
	{ "udp6", OPT_PROTO_UDP, OPT_AF_INET6 },
	{ "tcp", OPT_PROTO_TCP, OPT_AF_ANY },
	{ "tcp4", OPT_PROTO_TCP, OPT_AF_INET },
	{ "tcp6", OPT_PROTO_TCP, OPT_AF_INET6 },
	{ "tcp-client", OPT_PROTO_TCP_CLIENT, OPT_AF_ANY },
	{ "tcp4-client", OPT_PROTO_TCP_CLIENT, OPT_AF_INET },
	{ "tcp6-client", OPT_PROTO_TCP_CLIENT, OPT_AF_INET6 },
	{ "tcp-server", OPT_PROTO_TCP_SERVER, OPT_AF_ANY },
	{ "tcp4-server", OPT_PROTO_TCP_SERVER, OPT_AF_INET },
	{ "tcp6-server", OPT_PROTO_TCP_SERVER, OPT_AF_INET6 },
};

int optval_transport(struct opt_ctx *c, const char *s,
		     struct opt_transport *out)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (!strcmp(s, protos[i].name)) {
			out->proto = protos[i].proto;
			out->family = protos[i].family;
			return 0;
		}
	}
	return opt_fail(c, "--%s: bad protocol '%s' (udp, udp4, udp6, tcp, "
			"tcp-client, tcp-server, tcp4-client, ...)", c->name, s);
}

int optval_ip4(struct opt_ctx *c, const char *s, struct in_addr *out)
{
	if (inet_pton(AF_INET, s, out) != 1)
		return opt_fail(c, "--%s: bad IPv4 address '%s'", c->name, s);
	return 0;
}

int optval_ip6(struct opt_ctx *c, const char *s, struct in6_addr *out)
{
	if (inet_pton(AF_INET6, s, out) != 1)
		return opt_fail(c, "--%s: bad IPv6 address '%s'", c->name, s);
	return 0;
}

/* "addr/bits"; without "/bits" the prefix is /128, as OpenVPN. */
int optval_ip6_bits(struct opt_ctx *c, const char *s, struct in6_addr *out,
		    int *bits)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long long b = 128;

	if (n >= sizeof(addr))
		return opt_fail(c, "--%s: bad IPv6 address '%s'", c->name, s);
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, out) != 1)
		return opt_fail(c, "--%s: bad IPv6 address '%s'", c->name, s);
	if (slash && parse_long(slash + 1, 0, 128, &b))
		return opt_fail(c, "--%s: bad IPv6 prefix length in '%s'",
				c->name, s);
	*bits = (int)b;
	return 0;
}

int optval_word(struct opt_ctx *c, const char *s, const char *const *words)
{
	char list[160] = "";
	size_t used = 0;

	for (int i = 0; words[i]; i++)
		if (!strcmp(s, words[i]))
			return i;
	for (int i = 0; words[i] && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", i ? ", " : "", words[i]);
	return opt_fail(c, "--%s: bad value '%s' (expected %s)", c->name, s,
			list);
}

int opt_strset(char **field, const char *s)
{
	char *dup = strdup(s);

	if (!dup)
		return -ENOMEM;
	free(*field);
	*field = dup;
	return 0;
}

void opt_strfree(char **field, bool secret)
{
	if (*field && secret)
		mem_wipe(*field, strlen(*field));
	free(*field);
	*field = NULL;
}

void *opt_grow(void *arr_ptr, size_t *n, size_t size)
{
	char **arr = arr_ptr;
	char *na;

	if (*n >= SIZE_MAX / size - 1)
		return NULL;
	na = realloc(*arr, (*n + 1) * size);
	if (!na)
		return NULL;
	*arr = na;
	memset(na + *n * size, 0, size);
	return na + (*n)++ * size;
}

int opt_strv_push(struct opt_strv *v, const char *s)
{
	char *dup = strdup(s);
	char **slot;

	if (!dup)
		return -ENOMEM;
	slot = opt_grow(&v->v, &v->n, sizeof(*v->v));
	if (!slot) {
		free(dup);
		return -ENOMEM;
	}
	*slot = dup;
	return 0;
}

void opt_strv_free(struct opt_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

int opt_pairs_push(struct opt_pairs *p, const char *name, const char *value)
{
	char *n = strdup(name), *val = strdup(value ? value : "");
	struct opt_pair *slot = NULL;

	if (n && val)
		slot = opt_grow(&p->v, &p->n, sizeof(*p->v));
	if (!slot) {
		free(n);
		free(val);
		return -ENOMEM;
	}
	slot->name = n;
	slot->value = val;
	return 0;
}

void opt_pairs_free(struct opt_pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void opt_file_free(struct opt_file *f)
{
	opt_strfree(&f->path, false);
	if (f->data)
		mem_wipe(f->data, f->len);
	free(f->data);
	f->data = NULL;
	f->len = 0;
}
