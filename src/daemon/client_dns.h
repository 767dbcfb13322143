/*
 * Who applies the client's --dns settings (local and pushed), as OpenVPN
 * 2.7 decides with --dns-updown, and dcovpn's own default:
 * - no "dns server" profile, or "dns-updown disable": nobody;
 * - "dns-updown CMD": CMD runs (script_type dns-up, then dns-down) with the
 *   dns_* variables, as 2.7 runs it;
 * - otherwise, unless an --up script is configured without "dns-updown
 *   force" (2.7 leaves DNS to that script then): systemd-resolved over
 *   D-Bus (dns_resolved.h), where 2.7 runs its default dns-updown script,
 *   which does the same through resolvectl. Without resolved on the bus,
 *   the settings are not applied and the log says how to apply them (2.7's
 *   script would edit /etc/resolv.conf; dcovpn does not rewrite that file).
 */
#ifndef DCOVPN_DAEMON_CLIENT_DNS_H
#define DCOVPN_DAEMON_CLIENT_DNS_H

#include <stdbool.h>

#include "daemon/client_script.h"
#include "daemon/dns_resolved.h"

struct client_dns {
	struct dns_resolved resolved;
	bool cmd_up;		/* dns-updown's dns-up ran: dns-down owed */
};

void client_dns_init(struct client_dns *d, struct loop *loop);
void client_dns_free(struct client_dns *d);
/* The tunnel is up on link @ifindex; @call is for kind SCRIPT_DNS_UP. */
void client_dns_up(struct client_dns *d, struct client_script *cs,
		   const struct client_script_call *call, int ifindex);
/* The tunnel goes: undo what client_dns_up did (bounded waits). */
void client_dns_down(struct client_dns *d, struct client_script *cs,
		     const struct client_script_call *call);

#endif
