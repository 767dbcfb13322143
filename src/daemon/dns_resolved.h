/*
 * --dns settings handed to systemd-resolved over D-Bus (org.freedesktop.
 * resolve1, SetLinkDNSEx/SetLinkDomains/SetLinkDefaultRoute/SetLinkDNSSEC/
 * SetLinkDNSOverTLS on the tun's link; RevertLink at the end), with the
 * choices OpenVPN 2.7's dns-updown script makes through resolvectl: the
 * first server profile that does not need DNS-over-HTTPS, its addresses
 * (port, and SNI for DoT), the search domains, and either its
 * resolve-domains as routing-only domains or, without any, the link as the
 * default route ("~.").
 *
 * The calls are sent at once and their replies read from the event loop
 * (the bus socket is watched), bounded by a timer: a slow or missing
 * resolved never holds up the tunnel. Only the revert at the end waits,
 * bounded, as down scripts do.
 */
#ifndef DCOVPN_DAEMON_DNS_RESOLVED_H
#define DCOVPN_DAEMON_DNS_RESOLVED_H

#include <stdbool.h>

#include "conf/dns.h"
#include "ev/loop.h"

struct sd_bus;

/* What became of an apply; reported once through the done callback. */
enum dns_resolved_result {
	DNS_RESOLVED_APPLIED,
	DNS_RESOLVED_ABSENT,	/* no resolved on the system bus */
	DNS_RESOLVED_FAILED,	/* it refused a call, or timed out */
};

typedef void (*dns_resolved_done)(void *ctx, enum dns_resolved_result r);

struct dns_resolved {
	struct sd_bus *bus;	/* NULL: nothing in flight */
	struct loop *loop;
	int bus_fd, timer_fd;	/* watched while calls are in flight */
	unsigned pending;	/* replies still awaited */
	enum dns_resolved_result result;
	int ifindex;		/* the link set, 0: none */
	bool applied;		/* RevertLink owed at the end */
	dns_resolved_done done;
	void *ctx;
};

void dns_resolved_init(struct dns_resolved *r, struct loop *loop);
/* Send the settings of @d for link @ifindex. 0: sent (done() follows from
 * the loop); -ENODATA: no usable server profile (nothing sent); <0 other:
 * no system bus (done() not called). */
int dns_resolved_apply(struct dns_resolved *r, int ifindex,
		       const struct dns_opts *d, dns_resolved_done done,
		       void *ctx);
/* RevertLink if settings were applied (waits at most ~1 s), and forget
 * anything in flight. */
void dns_resolved_revert(struct dns_resolved *r);
void dns_resolved_free(struct dns_resolved *r);

#endif
