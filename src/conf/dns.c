/* The --dns option: parsing with OpenVPN's grammar, and its script variables. */
#include "conf/dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* OpenVPN 2.7's check: letters, digits, '.', '-', '_' and any byte >= 0x80
 * (IDNs); anything else (spaces, quotes, control bytes) is refused before it
 * can reach a script's environment or the resolver. */
static bool domain_ok(const char *s)
{
	if (!*s)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		      *p == '_' || *p >= 0x80))
			return false;
	return true;
}

/* OpenVPN's messages: "--dns server <prio>: ... '<arg>'" or "--dns ... '<arg>'". */
static int fail_prio(char *err, size_t len, const char *fmt, long prio,
		     const char *arg)
{
	snprintf(err, len, fmt, prio, arg);
	return -EINVAL;
}

static int fail_arg(char *err, size_t len, const char *fmt, const char *arg)
{
	snprintf(err, len, fmt, arg);
	return -EINVAL;
}

static int domains_add(struct dns_domains *l, char **names, unsigned int n)
{
	char **v;

	for (unsigned int i = 0; i < n; i++)
		if (!domain_ok(names[i]))
			return -EINVAL;
	v = realloc(l->v, (l->n + n) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	for (unsigned int i = 0; i < n; i++) {
		v[l->n] = strdup(names[i]);
		if (!v[l->n])
			return -ENOMEM;
		l->n++;
	}
	return 0;
}

static void domains_free(struct dns_domains *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void server_clear(struct dns_server *s)
{
	long prio = s->priority;

	domains_free(&s->resolve_domains);
	free(s->sni);
	memset(s, 0, sizeof(*s));
	s->priority = prio;
}

/* "1.2.3.4", "1.2.3.4:853", "fd00::1", "[fd00::1]:853", as 2.6 reads them. */
static bool addr_parse(const char *text, struct dns_addr *a)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *first = strchr(text, ':'), *last = strrchr(text, ':');
	const char *port = NULL;
	size_t len = strlen(text);
	unsigned long p = 0;
	char *end;

	memset(a, 0, sizeof(*a));
	if (!first || first == last) {
		a->family = AF_INET;
		if (last) {
			len = (size_t)(last - text);
			port = last + 1;
		}
	} else {
		a->family = AF_INET6;
		if (text[0] == '[') {
			if (last - 1 <= text + 1 || last[-1] != ']')
				return false;
			text++;
			len = (size_t)(last - 1 - text);
			port = last + 1;
		}
	}
	if (!len || len >= sizeof(host))
		return false;
	memcpy(host, text, len);
	host[len] = '\0';
	if (port) {
		errno = 0;
		p = strtoul(port, &end, 10);
		if (errno || *end || !*port || p == 0 || p > 65535 ||
		    *port == '-' || *port == '+')
			return false;
		a->port = (uint16_t)p;
	}
	return inet_pton(a->family, host, a->bytes) == 1;
}

/* The profile of @prio, created in order; a pulled line replaces what the
 * local config set for the same priority (once). NULL: no memory. */
static struct dns_server *server_get(struct dns_opts *d, long prio,
				     bool pulled)
{
	struct dns_server *v;
	size_t i;

	for (i = 0; i < d->n_servers && d->servers[i].priority < prio; i++)
		;
	if (i < d->n_servers && d->servers[i].priority == prio) {
		if (pulled && !d->servers[i].pulled) {
			server_clear(&d->servers[i]);
			d->servers[i].pulled = true;
		}
		return &d->servers[i];
	}
	v = realloc(d->servers, (d->n_servers + 1) * sizeof(*v));
	if (!v)
		return NULL;
	d->servers = v;
	memmove(&v[i + 1], &v[i], (d->n_servers - i) * sizeof(*v));
	memset(&v[i], 0, sizeof(*v));
	v[i].priority = prio;
	v[i].pulled = pulled;
	d->n_servers++;
	return &v[i];
}

static bool prio_parse(const char *s, bool pulled, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < (pulled ? 0 : -128) || v > 127)
		return false;
	*out = v;
	return true;
}

static int server_addrs(struct dns_server *s, char **argv, unsigned int argc,
			char *err, size_t len)
{
	for (unsigned int i = 4; i < argc; i++) {
		if (s->n_addr >= DNS_MAX_ADDRS ||
		    !addr_parse(argv[i], &s->addr[s->n_addr]))
			return fail_prio(err, len, "--dns server %ld: malformed address "
				    "or maximum exceeded '%s'",
				 s->priority, argv[i]);
		s->n_addr++;
	}
	return 0;
}

static int server_word(const char *v, const char *const *names, int *out)
{
	for (int i = 1; names[i]; i++)
		if (!strcmp(v, names[i])) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

static const char *const dnssec_names[] = { "unset", "no", "optional",
					    "yes", NULL };
static const char *const transport_names[] = { "unset", "plain", "DoH",
					       "DoT", NULL };

static int server_line(struct dns_opts *d, char **argv, unsigned int argc,
		       bool pulled, char *err, size_t len)
{
	struct dns_server *s;
	const char *what = argv[3];
	long prio;
	int v, r;

	if (!prio_parse(argv[2], pulled, &prio))
		return fail_arg(err, len, "--dns server: invalid priority value "
			    "'%s'",
				argv[2]);
	s = server_get(d, prio, pulled);
	if (!s)
		return -ENOMEM;
	if (!strcmp(what, "address"))
		return server_addrs(s, argv, argc, err, len);
	if (!strcmp(what, "resolve-domains")) {
		r = domains_add(&s->resolve_domains, argv + 4, argc - 4);
		if (r == -EINVAL)
			return fail_prio(err, len, "--dns server %ld: %s contain "
				    "invalid characters",
				 prio, what);
		return r;
	}
	if (argc == 5 && !strcmp(what, "dnssec")) {
		if (server_word(argv[4], dnssec_names, &v))
			return fail_prio(err, len, "--dns server %ld: malformed "
				    "dnssec value '%s'",
				 prio, argv[4]);
		s->dnssec = (enum dns_dnssec)v;
		return 0;
	}
	if (argc == 5 && !strcmp(what, "transport")) {
		if (server_word(argv[4], transport_names, &v))
			return fail_prio(err, len, "--dns server %ld: malformed "
				    "transport value '%s'",
				 prio, argv[4]);
		s->transport = (enum dns_transport)v;
		return 0;
	}
	if (argc == 5 && !strcmp(what, "sni")) {
		if (!domain_ok(argv[4]))
			return fail_prio(err, len, "--dns server %ld: %s contains "
				    "invalid characters",
				 prio, what);
		free(s->sni);
		s->sni = strdup(argv[4]);
		return s->sni ? 0 : -ENOMEM;
	}
	return fail_prio(err, len, "--dns server %ld: unknown option type '%s' or "
		    "missing or unknown parameter",
				 prio, what);
}

int dns_parse(struct dns_opts *d, char **argv, unsigned int argc, bool pulled,
	      char *err, size_t err_len)
{
	int r;

	if (argc >= 3 && !strcmp(argv[1], "search-domains")) {
		r = domains_add(&d->search_domains, argv + 2, argc - 2);
		if (r == -EINVAL)
			return fail_arg(err, err_len, "--dns %s contain invalid "
				    "characters",
				argv[1]);
		return r;
	}
	if (argc >= 5 && !strcmp(argv[1], "server"))
		return server_line(d, argv, argc, pulled, err, err_len);
	return fail_arg(err, err_len, "--dns: unknown option type '%s' or missing "
		    "or unknown parameter",
				argc > 1 ? argv[1] : "");
}

int dns_verify(const struct dns_opts *d, char *err, size_t err_len)
{
	for (size_t i = 0; i < d->n_servers; i++)
		if (!d->servers[i].n_addr) {
			snprintf(err, err_len, "dns server %ld does not have "
				 "an address assigned", d->servers[i].priority);
			return -EINVAL;
		}
	return 0;
}

void dns_free(struct dns_opts *d)
{
	for (size_t i = 0; i < d->n_servers; i++)
		server_clear(&d->servers[i]);
	free(d->servers);
	domains_free(&d->search_domains);
	memset(d, 0, sizeof(*d));
}

const char *dns_dnssec_name(enum dns_dnssec v)
{
	return v <= DNS_DNSSEC_YES ? dnssec_names[v] : "unset";
}

const char *dns_transport_name(enum dns_transport v)
{
	return v <= DNS_TRANSPORT_DOT ? transport_names[v] : "unset";
}

static void put_fmt(dns_put_fn put, void *ctx, const char *value,
		    const char *fmt, size_t i, size_t j)
{
	char name[96];

	snprintf(name, sizeof(name), fmt, i, j);
	put(ctx, name, value);
}

static void server_env(const struct dns_server *s, size_t n, dns_put_fn put,
		       void *ctx)
{
	char text[INET6_ADDRSTRLEN], port[8];

	for (size_t j = 0; j < s->n_addr; j++) {
		inet_ntop(s->addr[j].family, s->addr[j].bytes, text,
			  sizeof(text));
		put_fmt(put, ctx, text, "dns_server_%zu_address_%zu", n, j + 1);
		if (s->addr[j].port) {
			snprintf(port, sizeof(port), "%u", s->addr[j].port);
			put_fmt(put, ctx, port, "dns_server_%zu_port_%zu", n,
				j + 1);
		}
	}
	for (size_t j = 0; j < s->resolve_domains.n; j++)
		put_fmt(put, ctx, s->resolve_domains.v[j],
			"dns_server_%zu_resolve_domain_%zu", n, j + 1);
	if (s->dnssec)
		put_fmt(put, ctx, dns_dnssec_name(s->dnssec),
			"dns_server_%zu_dnssec", n, 0);
	if (s->transport)
		put_fmt(put, ctx, dns_transport_name(s->transport),
			"dns_server_%zu_transport", n, 0);
	if (s->sni)
		put_fmt(put, ctx, s->sni, "dns_server_%zu_sni", n, 0);
}

/* Numbered from 1 in priority order, as OpenVPN's setenv_dns_options. */
void dns_env(const struct dns_opts *d, dns_put_fn put, void *ctx)
{
	for (size_t i = 0; i < d->search_domains.n; i++)
		put_fmt(put, ctx, d->search_domains.v[i],
			"dns_search_domain_%zu", i + 1, 0);
	for (size_t i = 0; i < d->n_servers; i++)
		server_env(&d->servers[i], i + 1, put, ctx);
}

const struct dns_server *dns_link_profile(const struct dns_opts *d)
{
	for (size_t i = 0; i < d->n_servers; i++)
		if (d->servers[i].n_addr &&
		    d->servers[i].transport != DNS_TRANSPORT_DOH)
			return &d->servers[i];
	return NULL;
}

static bool listed(const struct dns_domains *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return true;
	return false;
}

void dns_link_domains(const struct dns_opts *d, const struct dns_server *s,
		      void (*put)(void *ctx, const char *name, bool routing),
		      void *ctx)
{
	for (size_t i = 0; i < d->search_domains.n; i++)
		put(ctx, d->search_domains.v[i], false);
	if (!s->resolve_domains.n) {
		put(ctx, ".", true);
		return;
	}
	for (size_t i = 0; i < s->resolve_domains.n; i++)
		if (!listed(&d->search_domains, s->resolve_domains.v[i]))
			put(ctx, s->resolve_domains.v[i], true);
}
