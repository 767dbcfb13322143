/*
 * stale-routes-check AGE [INTERVAL] on a server, as OpenVPN 2.6's
 * check_stale_routes (multi.c): every INTERVAL seconds, the routes no
 * packet used for AGE seconds are removed, a client's own VPN addresses
 * and its iroutes alike, each with learn-address "delete ADDR" (script
 * and plugin; ADDR "a.b.c.d" or "net/bits"). The client stays connected;
 * its packets from a removed address are dropped as from a foreign
 * source, and none reach it there, until it connects again (OpenVPN
 * learns no address back on a tun either). Unlike OpenVPN, traffic
 * through an iroute keeps the iroute itself alive (OpenVPN ages the
 * iroute and keeps only its per-host cache entries fresh). The workers
 * note each route's use (dco_expire_routes); the sweep runs here, on the
 * event loop, in batches.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "daemon/server_int.h"
#include "daemon/server_script.h"

#define STALE_BATCH 64u

/* As OpenVPN prints a learned address: the host, or the network/bits. */
static void route_text(const struct dco_route *r, char *buf, size_t len)
{
	unsigned host = r->family == AF_INET ? 32u : 128u;
	size_t n;

	inet_ntop(r->family, r->addr, buf, (socklen_t)len);
	n = strlen(buf);
	if (r->prefix_len != host)
		snprintf(buf + n, len - n, "/%u", r->prefix_len);
}

/* @r was @c's own address: its delete is said now, not at disconnect. */
static void mark_gone(struct srv_client *c, const struct dco_route *r)
{
	if (r->family == AF_INET && r->prefix_len == 32 && c->has4 &&
	    !memcmp(r->addr, &c->vpn4, 4))
		c->stale4 = true;
	if (r->family == AF_INET6 && r->prefix_len == 128 && c->has6 &&
	    !memcmp(r->addr, &c->vpn6, 16))
		c->stale6 = true;
}

static void stale_delete(struct server *s, const struct dco_route *r)
{
	char a[INET6_ADDRSTRLEN + 8];
	struct srv_client *c = server_client(s, r->peer_id);

	route_text(r, a, sizeof(a));
	/* an iroute is printed with its bits, /32 too (as OpenVPN) */
	if (c && !c->dead && server_learn_iroute_gone(c, r) &&
	    !strchr(a, '/'))
		snprintf(a + strlen(a), sizeof(a) - strlen(a), "/%u",
			 r->prefix_len);
	log_msg(LOG_TRACE, "MULTI: Deleting stale route for address '%s'", a);
	if (!c || c->dead)
		return;
	mark_gone(c, r);
	server_plugin_learn_addr(c, "delete", a);
	server_script_learn_delete(c, a);
}

void server_stale_tick(struct server *s, uint64_t now, uint64_t *next)
{
	uint64_t every = (uint64_t)s->o->stale_routes_interval * 1000u;
	struct dco_route r[STALE_BATCH];
	int n;

	if (!every)
		return;
	if (!s->stale_next_ms) {
		log_info("Initializing stale route check timer to run every %d "
			 "seconds and to removing routes with activity timeout "
			 "older than %d seconds", s->o->stale_routes_interval,
			 s->o->stale_routes_age);
		s->stale_next_ms = now + every;
	}
	if (now >= s->stale_next_ms) {
		do {
			n = dco_expire_routes(s->dco,
					      (uint64_t)s->o->stale_routes_age * 1000u,
					      r, STALE_BATCH);
			for (int i = 0; i < n; i++)
				stale_delete(s, &r[i]);
		} while (n == (int)STALE_BATCH);
		s->stale_next_ms = now + every;
	}
	if (s->stale_next_ms < *next)
		*next = s->stale_next_ms;
}
