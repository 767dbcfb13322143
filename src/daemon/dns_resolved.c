/* --dns settings to systemd-resolved over D-Bus, read from the event loop. */
#include "daemon/dns_resolved.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "base/log.h"

#define RESOLVE1 "org.freedesktop.resolve1"
#define RESOLVE1_PATH "/org/freedesktop/resolve1"
#define RESOLVE1_MANAGER "org.freedesktop.resolve1.Manager"
/* Bound of the whole apply, and of each call: resolved answers in
 * milliseconds; a bus that does not is not waited for longer. */
#define APPLY_TIMEOUT_S 3
#define CALL_TIMEOUT_US (2 * 1000 * 1000)
#define REVERT_TIMEOUT_US (1000 * 1000)

void dns_resolved_init(struct dns_resolved *r, struct loop *loop)
{
	memset(r, 0, sizeof(*r));
	r->loop = loop;
	r->bus_fd = r->timer_fd = -1;
}

/* Stop reading the bus; the connection itself stays for the revert. */
static void unwatch(struct dns_resolved *r)
{
	if (r->bus_fd >= 0)
		loop_del(r->loop, r->bus_fd);
	r->bus_fd = -1;
	if (r->timer_fd >= 0) {
		loop_del(r->loop, r->timer_fd);
		close(r->timer_fd);
	}
	r->timer_fd = -1;
}

static void finish(struct dns_resolved *r)
{
	dns_resolved_done done = r->done;

	unwatch(r);
	r->pending = 0;
	r->done = NULL;
	if (r->result == DNS_RESOLVED_APPLIED)
		r->applied = true;
	if (done)
		done(r->ctx, r->result);
}

static bool absent_error(const sd_bus_error *e)
{
	return sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER);
}

static int on_reply(sd_bus_message *m, void *ctx, sd_bus_error *unused)
{
	struct dns_resolved *r = ctx;
	const sd_bus_error *e = sd_bus_message_get_error(m);

	(void)unused;
	if (e && r->result == DNS_RESOLVED_APPLIED) {
		if (absent_error(e)) {
			r->result = DNS_RESOLVED_ABSENT;
		} else {
			r->result = DNS_RESOLVED_FAILED;
			log_warn("systemd-resolved refused %s: %s",
				 sd_bus_message_get_member(m) ?
				 sd_bus_message_get_member(m) : "a call",
				 e->message ? e->message : e->name);
		}
	}
	if (r->pending && --r->pending == 0)
		finish(r);
	return 0;
}

/* The loop's watch: let sd-bus read and write what it can. */
static void on_bus(void *ctx, uint32_t events)
{
	struct dns_resolved *r = ctx;
	int ev;

	(void)events;
	while (r->bus && r->pending && sd_bus_process(r->bus, NULL) > 0)
		;
	if (!r->pending || !r->bus)
		return;
	ev = sd_bus_get_events(r->bus);
	if (ev >= 0)
		loop_mod(r->loop, r->bus_fd, (uint32_t)ev);
}

static void on_timer(void *ctx, uint32_t events)
{
	struct dns_resolved *r = ctx;

	(void)events;
	log_warn("systemd-resolved did not answer within %d s; DNS settings "
		 "of the tunnel may be incomplete", APPLY_TIMEOUT_S);
	r->result = DNS_RESOLVED_FAILED;
	finish(r);
}

static int call_new(struct dns_resolved *r, sd_bus_message **m,
		    const char *member)
{
	int ret = sd_bus_message_new_method_call(r->bus, m, RESOLVE1,
						 RESOLVE1_PATH,
						 RESOLVE1_MANAGER, member);

	return ret < 0 ? ret : sd_bus_message_append(*m, "i", r->ifindex);
}

static int call_send(struct dns_resolved *r, sd_bus_message *m, int ret)
{
	if (ret >= 0)
		ret = sd_bus_call_async(r->bus, NULL, m, on_reply, r,
					CALL_TIMEOUT_US);
	sd_bus_message_unref(m);
	if (ret >= 0)
		r->pending++;
	return ret;
}

/* SetLinkDNSEx(i a(iayqs)): address family, bytes, port (0: default), SNI. */
static int send_servers(struct dns_resolved *r, const struct dns_server *s)
{
	bool dot = s->transport == DNS_TRANSPORT_DOT;
	sd_bus_message *m = NULL;
	int ret = call_new(r, &m, "SetLinkDNSEx");

	if (ret >= 0)
		ret = sd_bus_message_open_container(m, 'a', "(iayqs)");
	for (size_t i = 0; ret >= 0 && i < s->n_addr; i++) {
		const struct dns_addr *a = &s->addr[i];

		ret = sd_bus_message_open_container(m, 'r', "iayqs");
		if (ret >= 0)
			ret = sd_bus_message_append(m, "i", a->family);
		if (ret >= 0)
			ret = sd_bus_message_append_array(m, 'y', a->bytes,
				a->family == AF_INET ? 4 : 16);
		if (ret >= 0)
			ret = sd_bus_message_append(m, "qs", a->port,
				dot && s->sni ? s->sni : "");
		if (ret >= 0)
			ret = sd_bus_message_close_container(m);
	}
	if (ret >= 0)
		ret = sd_bus_message_close_container(m);
	return call_send(r, m, ret);
}

struct domains_msg {
	sd_bus_message *m;
	int ret;
};

static void put_domain(void *ctx, const char *name, bool routing)
{
	struct domains_msg *dm = ctx;

	if (dm->ret >= 0)
		dm->ret = sd_bus_message_append(dm->m, "(sb)", name, routing);
}

/* SetLinkDomains(i a(sb)) and SetLinkDefaultRoute(i b). */
static int send_domains(struct dns_resolved *r, const struct dns_opts *d,
			const struct dns_server *s)
{
	struct domains_msg dm = { NULL, 0 };

	dm.ret = call_new(r, &dm.m, "SetLinkDomains");
	if (dm.ret >= 0)
		dm.ret = sd_bus_message_open_container(dm.m, 'a', "(sb)");
	if (dm.ret >= 0)
		dns_link_domains(d, s, put_domain, &dm);
	if (dm.ret >= 0)
		dm.ret = sd_bus_message_close_container(dm.m);
	dm.ret = call_send(r, dm.m, dm.ret);
	if (dm.ret < 0)
		return dm.ret;
	dm.ret = call_new(r, &dm.m, "SetLinkDefaultRoute");
	if (dm.ret >= 0)
		dm.ret = sd_bus_message_append(dm.m, "b",
					       s->resolve_domains.n == 0);
	return call_send(r, dm.m, dm.ret);
}

static int send_string(struct dns_resolved *r, const char *member,
		       const char *value)
{
	sd_bus_message *m = NULL;
	int ret = call_new(r, &m, member);

	if (ret >= 0)
		ret = sd_bus_message_append(m, "s", value);
	return call_send(r, m, ret);
}

static const char *dnssec_mode(enum dns_dnssec v)
{
	return v == DNS_DNSSEC_YES ? "yes" :
	       v == DNS_DNSSEC_OPTIONAL ? "allow-downgrade" : "no";
}

static int send_all(struct dns_resolved *r, const struct dns_opts *d,
		    const struct dns_server *s)
{
	int ret = send_servers(r, s);

	if (ret >= 0)
		ret = send_domains(r, d, s);
	if (ret >= 0)
		ret = send_string(r, "SetLinkDNSSEC", dnssec_mode(s->dnssec));
	if (ret >= 0)
		ret = send_string(r, "SetLinkDNSOverTLS",
				  s->transport == DNS_TRANSPORT_DOT ? "yes" :
				  "no");
	return ret;
}

static int watch(struct dns_resolved *r)
{
	struct itimerspec t = { .it_value = { .tv_sec = APPLY_TIMEOUT_S } };
	int ev = sd_bus_get_events(r->bus), ret;

	r->bus_fd = sd_bus_get_fd(r->bus);
	if (ev < 0 || r->bus_fd < 0)
		return ev < 0 ? ev : r->bus_fd;
	ret = loop_add(r->loop, r->bus_fd, (uint32_t)ev, on_bus, r);
	if (ret) {
		r->bus_fd = -1;
		return ret;
	}
	r->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC |
				     TFD_NONBLOCK);
	if (r->timer_fd < 0 || timerfd_settime(r->timer_fd, 0, &t, NULL) ||
	    loop_add(r->loop, r->timer_fd, EPOLLIN, on_timer, r)) {
		ret = -errno;
		if (r->timer_fd >= 0)
			close(r->timer_fd);
		r->timer_fd = -1;
		return ret ? ret : -EIO;
	}
	return 0;
}

int dns_resolved_apply(struct dns_resolved *r, int ifindex,
		       const struct dns_opts *d, dns_resolved_done done,
		       void *ctx)
{
	const struct dns_server *s = dns_link_profile(d);
	int ret;

	if (!s)
		return -ENODATA;
	dns_resolved_revert(r);
	if (!r->bus) {
		/* sd_bus_open_system: DBUS_SYSTEM_BUS_ADDRESS or the
		 * standard socket; the connect is local, the rest async */
		ret = sd_bus_open_system(&r->bus);
		if (ret < 0) {
			r->bus = NULL;
			return ret;
		}
	}
	r->ifindex = ifindex;
	r->result = DNS_RESOLVED_APPLIED;
	r->done = done;
	r->ctx = ctx;
	ret = send_all(r, d, s);
	if (ret >= 0)
		ret = watch(r);
	if (ret < 0) {
		unwatch(r);
		r->pending = 0;
		r->done = NULL;
		r->bus = sd_bus_flush_close_unref(r->bus);
	}
	return ret < 0 ? ret : 0;
}

void dns_resolved_revert(struct dns_resolved *r)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	int ret;

	unwatch(r);
	r->pending = 0;
	r->done = NULL;
	if (!r->bus || !r->applied)
		return;
	r->applied = false;
	ret = call_new(r, &m, "RevertLink");
	if (ret >= 0)
		ret = sd_bus_call(r->bus, m, REVERT_TIMEOUT_US, &e, NULL);
	sd_bus_message_unref(m);
	if (ret < 0)
		log_warn("systemd-resolved: RevertLink for link %d failed: %s",
			 r->ifindex, e.message ? e.message : strerror(-ret));
	sd_bus_error_free(&e);
}

void dns_resolved_free(struct dns_resolved *r)
{
	dns_resolved_revert(r);
	if (r->bus)
		r->bus = sd_bus_flush_close_unref(r->bus);
}
