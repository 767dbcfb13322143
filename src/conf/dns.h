/*
 * The --dns option (OpenVPN 2.6/2.7): search domains and DNS server profiles
 * ordered by priority, each with up to DNS_MAX_ADDRS addresses (optional
 * port), resolve-domains (split DNS), dnssec, transport and SNI. Parsed with
 * OpenVPN's grammar and messages; a pushed "dns server N" (N 0..127) replaces
 * the local profile of the same priority, as 2.6's pull merge does.
 */
#ifndef DCOVPN_CONF_DNS_H
#define DCOVPN_CONF_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_MAX_ADDRS 8

enum dns_dnssec { DNS_DNSSEC_UNSET = 0, DNS_DNSSEC_NO, DNS_DNSSEC_OPTIONAL,
		  DNS_DNSSEC_YES };
enum dns_transport { DNS_TRANSPORT_UNSET = 0, DNS_TRANSPORT_PLAIN,
		     DNS_TRANSPORT_DOH, DNS_TRANSPORT_DOT };

struct dns_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t bytes[16];	/* 4 or 16 used, network order */
	uint16_t port;		/* 0: not given */
};

struct dns_domains {
	char **v;
	size_t n;
};

struct dns_server {
	long priority;
	bool pulled;		/* set by a PUSH_REPLY: replaces a local one */
	struct dns_addr addr[DNS_MAX_ADDRS];
	size_t n_addr;
	struct dns_domains resolve_domains;
	enum dns_dnssec dnssec;
	enum dns_transport transport;
	char *sni;
};

struct dns_opts {
	struct dns_domains search_domains;
	struct dns_server *servers;	/* sorted by priority, ascending */
	size_t n_servers;
};

/*
 * One "dns ..." line, argv[0] being "dns". @pulled: from a PUSH_REPLY. 0, or
 * -EINVAL with OpenVPN's message in @err, -ENOMEM.
 */
int dns_parse(struct dns_opts *d, char **argv, unsigned int argc, bool pulled,
	      char *err, size_t err_len);
/* Every server has an address (2.6's dns_options_verify): 0 or -EINVAL. */
int dns_verify(const struct dns_opts *d, char *err, size_t err_len);
void dns_free(struct dns_opts *d);
static inline bool dns_any(const struct dns_opts *d)
{
	return d->n_servers || d->search_domains.n;
}

const char *dns_dnssec_name(enum dns_dnssec v);
const char *dns_transport_name(enum dns_transport v);

/* The dns_* script variables, as OpenVPN names them, through @put. */
typedef void (*dns_put_fn)(void *ctx, const char *name, const char *value);
void dns_env(const struct dns_opts *d, dns_put_fn put, void *ctx);

/*
 * For a resolver with one server set per link (systemd-resolved), as
 * OpenVPN 2.7's dns-updown chooses: the first profile that has an address
 * and does not need DNS-over-HTTPS, or NULL.
 */
const struct dns_server *dns_link_profile(const struct dns_opts *d);
/* Its link domains through @put(ctx, name, routing_only): the search
 * domains, then each resolve-domain not already listed (routing only), or
 * "." (routing only: the link is the default route) when it has none. */
void dns_link_domains(const struct dns_opts *d, const struct dns_server *s,
		      void (*put)(void *ctx, const char *name, bool routing),
		      void *ctx);

#endif
