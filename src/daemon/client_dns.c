/* The client's --dns settings: resolved, a dns-updown command, or nobody. */
#include "daemon/client_dns.h"

#include <errno.h>
#include <string.h>

#include "base/log.h"

void client_dns_init(struct client_dns *d, struct loop *loop)
{
	memset(d, 0, sizeof(*d));
	dns_resolved_init(&d->resolved, loop);
}

void client_dns_free(struct client_dns *d)
{
	dns_resolved_free(&d->resolved);
}

static void resolved_done(void *ctx, enum dns_resolved_result r)
{
	(void)ctx;
	if (r == DNS_RESOLVED_APPLIED)
		log_info("DNS settings handed to systemd-resolved");
	else if (r == DNS_RESOLVED_ABSENT)
		log_warn("DNS settings not applied: systemd-resolved is not on "
			 "the system bus (set --dns-updown CMD to apply them "
			 "another way)");
}

static void via_resolved(struct client_dns *d, const struct options *o,
			 int ifindex)
{
	int ret = dns_resolved_apply(&d->resolved, ifindex, &o->dns,
				     resolved_done, d);

	if (ret == -ENODATA)
		log_warn("DNS settings not applied: no --dns server profile "
			 "usable without DNS-over-HTTPS");
	else if (ret)
		log_warn("DNS settings not applied: no system bus (error %d); "
			 "set --dns-updown CMD to apply them another way", ret);
}

void client_dns_up(struct client_dns *d, struct client_script *cs,
		   const struct client_script_call *call, int ifindex)
{
	const struct options *o = call->o;

	if (!o->dns.n_servers || ifindex <= 0)
		return;
	switch (o->dns_updown_mode) {
	case OPT_DNS_UPDOWN_DISABLE:
		return;
	case OPT_DNS_UPDOWN_USER:
		/* waited for by the script runner, not by the tunnel */
		d->cmd_up = client_script_start(cs, call, NULL, NULL, NULL) == 0;
		return;
	case OPT_DNS_UPDOWN_DEFAULT:
		if (o->up)
			return;
		/* fall through */
	case OPT_DNS_UPDOWN_FORCE:
		via_resolved(d, o, ifindex);
		return;
	}
}

void client_dns_down(struct client_dns *d, struct client_script *cs,
		     const struct client_script_call *call)
{
	dns_resolved_revert(&d->resolved);
	if (d->cmd_up) {
		d->cmd_up = false;
		client_script_wait(cs, call);
	}
}
