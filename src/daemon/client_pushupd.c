/*
 * PUSH_UPDATE on a dcovpn client (OpenVPN 2.7; ctl/pushupd.h): the server
 * changes options of the running connection. dcovpn announces it (IV_PROTO
 * bit 12, pull clients) and applies route, route-ipv6 and dns: the first
 * of one kind in an update sequence takes the old ones off the tun device
 * (dns: reverted, dns-down run) and out of the options (dns: local ones
 * too, as 2.7 clears them all), "-route" / "-route-ipv6" / "-dns" only do
 * that, and when the sequence is complete they are applied again (dns:
 * dns-updown or systemd-resolved, as at start; 2.7 reopens the device for
 * the same effect). The other updatable options are logged as not
 * applied. As 2.7: an
 * option that may not be updated (or is malformed, or rejected by
 * pull-filter) restarts the connection unless marked optional ('?');
 * pull-filter "ignore" and --route-nopull leave the routes as they are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "ctl/pushupd.h"
#include "daemon/client_conn.h"
#include "daemon/netcfg.h"

#define UPD_ROUTE4 1u
#define UPD_ROUTE6 2u
#define UPD_DNS 4u

/* Are the routes on the device (and ours to change)? */
static bool upd_routes_live(const struct conn *c)
{
	return c->routes_added && !c->dev_null && !c->o->route_noexec;
}

/* The first route (or route-ipv6) of the sequence: the old ones go. */
static void upd_reset(struct conn *c, bool v6)
{
	unsigned bit = v6 ? UPD_ROUTE6 : UPD_ROUTE4;

	if (c->pushupd_reset & bit)
		return;
	c->pushupd_reset |= bit;
	if (upd_routes_live(c))
		netcfg_routes_del(c->o, dco_ifindex(c->dco), v6);
	options_routes_clear(c->o, v6);
}

/* Take the option's new value; -EINVAL: refused and not optional. */
static int upd_apply(struct conn *c, const struct pushupd_opt *o)
{
	char err[OPT_ERR_LEN] = "";
	int ret = options_apply_push(c->o, o->text, strlen(o->text), err,
				     sizeof(err));

	if (ret)
		log_warn("PUSH_UPDATE: %s", err);
	return ret < 0 && !o->optional ? -EINVAL : 0;
}

static int upd_route(struct conn *c, const struct pushupd_opt *o)
{
	if (c->o->route_nopull) {
		log_info("PUSH_UPDATE: '%s' not accepted (--route-nopull)",
			 o->text);
		return 0;
	}
	upd_reset(c, pushupd_is(o, "route-ipv6"));
	return o->remove ? 0 : upd_apply(c, o);
}

/* The first dns of the sequence: what the old ones set is undone. */
static void upd_dns_reset(struct conn *c)
{
	struct client_script_call call;

	if (c->pushupd_reset & UPD_DNS)
		return;
	c->pushupd_reset |= UPD_DNS;
	call = conn_call(c, SCRIPT_DNS_DOWN, c->o->dns_updown);
	client_dns_down(c->dns, c->scripts, &call);
	dns_free(&c->o->dns);
}

static int upd_dns(struct conn *c, const struct pushupd_opt *o)
{
	upd_dns_reset(c);
	return o->remove ? 0 : upd_apply(c, o);
}

/* One option of the update; -EINVAL: one we must not take. */
static int upd_option(struct conn *c, const char *line, int *cont)
{
	struct pushupd_opt o;

	if (pushupd_parse_opt(line, &o)) {
		log_warn("Pushed option is malformed: '%s'.", line);
		return -EINVAL;
	}
	if (!o.updatable && o.optional) {
		log_info("Pushed dispensable option is not updatable: '%s'. "
			 "Ignoring.", line);
		return 0;
	}
	if (!o.updatable) {
		log_warn("Pushed option is not updatable: '%s'.", line);
		return -EINVAL;
	}
	switch (options_pull_filter(c->o, o.text)) {
	case OPT_FILTER_IGNORE:
		log_info("PUSH_UPDATE: '%s' removed by pull-filter", o.text);
		return 0;
	case OPT_FILTER_REJECT:
		log_warn("PUSH_UPDATE: '%s' rejected by pull-filter", o.text);
		return o.optional ? 0 : -EINVAL;
	default:
		break;
	}
	if (pushupd_is(&o, "push-continuation")) {
		*cont = o.remove ? 0 : atoi(o.text + o.name_len);
		return 0;
	}
	if (pushupd_is(&o, "route") || pushupd_is(&o, "route-ipv6"))
		return upd_route(c, &o);
	if (pushupd_is(&o, "dns"))
		return upd_dns(c, &o);
	log_warn("PUSH_UPDATE: '%s' is not applied by dcovpn (only route, "
		 "route-ipv6 and dns are)", o.text);
	return 0;
}

/* The sequence is complete: routes and dns as the options say now. */
static void upd_finish(struct conn *c)
{
	if (c->pushupd_reset & UPD_DNS) {
		struct client_script_call call = conn_call(c, SCRIPT_DNS_UP,
							   c->o->dns_updown);

		client_dns_up(c->dns, c->scripts, &call, dco_ifindex(c->dco));
		log_info("PUSH_UPDATE: %zu DNS server(s) now", c->o->dns.n_servers);
	}
	if (!(c->pushupd_reset & (UPD_ROUTE4 | UPD_ROUTE6))) {
		c->pushupd_reset = 0;
		return;
	}
	c->pushupd_reset = 0;
	if (upd_routes_live(c))
		netcfg_routes(c->o, dco_ifindex(c->dco), &c->remote, c->undo);
	log_info("PUSH_UPDATE: routes now %zu IPv4, %zu IPv6", c->o->n_routes,
		 c->o->n_routes6);
}

void client_push_update(struct conn *c, const char *msg)
{
	const char *body = msg + strlen(PUSHUPD_CMD);
	char *copy, *save = NULL;
	int cont = 0, ret = 0;

	log_info("PUSH: Received control message: '%.256s'", msg);
	if (*body != ',' || !c->up) {
		log_warn("PUSH_UPDATE ignored: %s", *body != ',' ?
			 "malformed" : "the tunnel is not up yet");
		return;
	}
	copy = strdup(body + 1);
	if (!copy)
		return;
	for (char *t = strtok_r(copy, ",", &save); t && !ret;
	     t = strtok_r(NULL, ",", &save))
		ret = upd_option(c, t, &cont);
	free(copy);
	if (ret) {
		log_err("Offending option received from server: restarting");
		c->pushupd_reset = 0;
		conn_end(c, END_RESTART);
		return;
	}
	if (cont != 2)
		upd_finish(c);
}
