/* One simulated client: socket, control channel, pull, data channel. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "ctl/session_dyn.h"
#include "ctl/session_keys.h"
#include "load/fleet.h"
#include "load/lclient.h"
#include "proto/datapkt.h"
#include "proto/opcode.h"

#define LC_RX_BURST 64u         /* datagrams read per wake-up */
#define LC_CLOSE_MS 2000u       /* EXIT unacknowledged: close anyway */
#define LC_ECHO_BURST 256u      /* echo requests sent per tick at most */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Failures found inside session callbacks are acted on after the session
 * call returns (the session must not be freed under itself). */
static void lc_fail(struct lclient *c, const char *why)
{
	if (!c->fail_why)
		c->fail_why = why && *why ? why : "control channel failed";
}

static void lc_finish_fail(struct lclient *c)
{
	struct fleet *f = c->f;
	enum lc_state was = c->st;
	char why[256];

	snprintf(why, sizeof(why), "%s", c->fail_why);
	lclient_drop(c);
	fleet_client_failed(f, c, (int)was, why);
}

static int lc_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct lclient *c = ctx;

	if (send(c->fd, pkt, len, 0) < 0)
		return errno == EAGAIN || errno == ENOBUFS ? 0 : -errno;
	c->f->st.ctl_tx_bytes += len;
	return 0;
}

static void lc_send_data(struct lclient *c, const uint8_t *plain, size_t len)
{
	uint8_t pkt[LDATA_PKT_MAX];
	ssize_t n = ldata_seal(c->data, plain, len, pkt, sizeof(pkt));

	if (n > 0 && send(c->fd, pkt, (size_t)n, 0) == n) {
		c->f->st.data_tx_pkts++;
		c->f->st.data_tx_bytes += (uint64_t)n;
	}
}

static void lc_active(void *ctx)
{
	struct lclient *c = ctx;
	int hw = c->f->o->hand_window;

	push_start(&c->push, clock_now_ms(), hw > 0 ? (unsigned)hw : 60u);
	c->due_ms = 0;
}

/* The echo target: route-gateway (topology subnet), else the remote end
 * of a net30/p2p ifconfig. */
static int lc_addresses(struct lclient *c, const struct options *o)
{
	struct in_addr gw;

	if (!o->ifconfig_set)
		return load_args_echo(c->f->a) ? -EDESTADDRREQ : 0;
	memcpy(c->data->vpn, &o->ifconfig_local, 4);
	if (o->route_gateway && inet_pton(AF_INET, o->route_gateway, &gw) == 1)
		memcpy(c->data->gw, &gw, 4);
	else if (o->topology != OPT_TOPO_SUBNET)
		memcpy(c->data->gw, &o->ifconfig_remote, 4);
	else
		return load_args_echo(c->f->a) ? -EDESTADDRREQ : 0;
	return 0;
}

static int lc_keys(struct lclient *c, const struct options *o)
{
	bool ekm = o->key_derivation_ekm || (o->protocol_flags & OPT_PF_TLS_EKM);
	struct dco_key_config kc;
	enum dco_cipher cipher;
	char err[256];
	int ret;

	ret = push_cipher(c->f->o, o->cipher, &cipher, err, sizeof(err));
	if (ret)
		return ret;
	/* epoch keys too, since we announce them (KM2_IV_PROTO_DEFAULT) */
	ret = session_data_keys(&c->sess, cipher, ekm,
				(o->protocol_flags & OPT_PF_AEAD_EPOCH) &&
				o->peer_id >= 0, &kc);
	/* pushed to us since we announce it (KM2_IV_PROTO_DEFAULT) */
	if (!ret && (o->protocol_flags & OPT_PF_DYN_TLS_CRYPT))
		ret = session_dyn_start(&c->sess);
	if (!ret)
		ret = ldata_init(c->data, &kc, o->peer_id);
	dco_key_config_wipe(&kc);
	return ret;
}

/* PUSH_REPLY complete: data keys, addresses, timers; the client is UP. */
static void lc_up(struct lclient *c, const struct options *o)
{
	const struct load_args *a = c->f->a;
	uint64_t now = clock_now_ms();

	c->data = calloc(1, sizeof(*c->data));
	if (!c->data || lc_keys(c, o)) {
		lc_fail(c, "cannot set up the data channel (cipher or keys)");
		return;
	}
	if (lc_addresses(c, o)) {
		lc_fail(c, "no ifconfig / route-gateway pushed: nothing to ping");
		return;
	}
	c->data->echo_id = (uint16_t)(c->idx & 0xffff);
	c->cc_exit = o->protocol_flags & OPT_PF_CC_EXIT;
	c->ka_ms = 1000u * (a->keepalive_s ? a->keepalive_s :
			    o->ping > 0 ? (unsigned)o->ping : 10u);
	c->next_ka_ms = now + c->ka_ms;
	c->next_echo_ms = now;
	c->echo_t0_ms = now;
	c->echo_sent = 0;
	c->st = LC_UP;
	fleet_client_up(c->f, c, now);
}

static void lc_message(void *ctx, const char *msg)
{
	struct lclient *c = ctx;
	struct options *o = &c->f->scratch;

	/* a fresh reply starts from nothing (a continued one keeps what
	 * its first parts set) */
	if (!strncmp(msg, "PUSH_REPLY", 10) && !c->push.parts)
		options_free(o);
	switch (push_message(&c->push, o, msg)) {
	case PUSH_DONE:
		if (c->st == LC_HANDSHAKE)
			lc_up(c, o);
		break;
	case PUSH_IGNORED:
	case PUSH_PARTIAL:
	case PUSH_LATE:
		break;
	case PUSH_AUTH_FAILED:
		lc_fail(c, "AUTH_FAILED");
		break;
	default:
		lc_fail(c, "the server refused or ended the session "
			"(RESTART, HALT, EXIT or a refused push)");
	}
}

static const struct session_ops lc_ops = {
	.send = lc_send,
	.message = lc_message,
	.active = lc_active,
};

static int lc_socket(struct lclient *c)
{
	struct fleet *f = c->f;
	const struct load_args *a = f->a;
	int fd, on = 1;

	fd = socket(f->remote.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (a->have_src && f->remote.ss_family == AF_INET) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_addr.s_addr = htonl(a->src_first + c->idx % a->src_count),
		};

		/* an address routed to us (AnyIP) but not on an interface */
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on, sizeof(on));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			goto err;
	}
	if (connect(fd, (struct sockaddr *)&f->remote, f->remote_len))
		goto err;
	c->fd = fd;
	return 0;
err:
	on = -errno;
	close(fd);
	return on;
}

static void lc_data(struct lclient *c, uint8_t *pkt, size_t len)
{
	struct load_stats *st = &c->f->st;
	const uint8_t *plain;
	ssize_t n;

	if (!c->data || c->st != LC_UP)
		return;
	n = ldata_open(c->data, pkt, len, &plain);
	if (n < 0) {
		st->data_bad++;
		return;
	}
	st->data_rx_pkts++;
	st->data_rx_bytes += len;
	if (datapkt_is_ping(plain, (size_t)n)) {
		st->keepalive_rx++;
	} else if (ldata_is_echo_reply(c->data, plain, (size_t)n)) {
		st->echo_rx++;
		c->echo_ok = true;
	}
}

static void lc_schedule(struct lclient *c)
{
	uint64_t d = session_next_deadline(&c->sess);

	if (c->st == LC_HANDSHAKE && c->push.started)
		d = min_u64(d, push_next_deadline(&c->push));
	if (c->st == LC_UP) {
		d = min_u64(d, c->next_ka_ms);
		if (load_args_echo(c->f->a))
			d = min_u64(d, c->next_echo_ms);
	}
	if (c->st == LC_CLOSING)
		d = min_u64(d, c->close_ms);
	c->due_ms = d;
}

static void lc_readable(void *ctx, uint32_t events)
{
	struct lclient *c = ctx;
	uint8_t buf[LDATA_PKT_MAX];
	uint64_t now = clock_now_ms();

	(void)events;
	for (unsigned i = 0; i < LC_RX_BURST && !c->fail_why; i++) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

		if (n <= 0)
			break;
		if (opcode_of(buf[0]) == P_DATA_V1 || opcode_of(buf[0]) == P_DATA_V2) {
			lc_data(c, buf, (size_t)n);
			continue;
		}
		c->f->st.ctl_rx_bytes += (uint64_t)n;
		if (session_recv(&c->sess, buf, (size_t)n, now))
			lc_fail(c, session_error(&c->sess));
	}
	if (c->fail_why) {
		lc_finish_fail(c);
		return;
	}
	/* an ACK of our EXIT, a reply to send: the next tick looks */
	c->due_ms = c->st == LC_CLOSING ? 0 : c->due_ms;
	if (c->st != LC_CLOSING)
		lc_schedule(c);
}

int lclient_start(struct lclient *c, uint64_t now_ms)
{
	struct fleet *f = c->f;
	int ret;

	ret = lc_socket(c);
	if (ret)
		return ret;
	ret = loop_add(&f->loop, c->fd, EPOLLIN, lc_readable, c);
	if (!ret)
		ret = session_init(&c->sess, &f->sc, &lc_ops, c, now_ms);
	if (ret) {
		loop_del(&f->loop, c->fd);
		close(c->fd);
		c->fd = -1;
		return ret;
	}
	c->sess_up = true;
	push_init(&c->push);
	c->st = LC_HANDSHAKE;
	c->start_ms = now_ms;
	lc_schedule(c);
	return 0;
}

static void lc_push_tick(struct lclient *c, uint64_t now)
{
	if (!session_active(&c->sess) || !c->push.started)
		return;
	if (push_request_due(&c->push, now))
		session_send_message(&c->sess, PUSH_MSG, now);
	if (push_check_timeout(&c->push, now))
		lc_fail(c, "no PUSH_REPLY within hand-window");
}

/* Echo requests owed now: one per --ping-ms, or --pps on average (a
 * burst per tick, at most LC_ECHO_BURST; a client that fell further
 * behind forgets the rest rather than flooding). */
static unsigned lc_echo_owed(struct lclient *c, uint64_t now)
{
	const struct load_args *a = c->f->a;
	uint64_t owed;

	if (!a->pps)
		return now >= c->next_echo_ms;
	owed = (now - c->echo_t0_ms) * a->pps / 1000u - c->echo_sent;
	if (owed > LC_ECHO_BURST) {
		c->echo_t0_ms = now;
		c->echo_sent = 0;
		owed = LC_ECHO_BURST;
	}
	c->echo_sent += owed;
	return (unsigned)owed;
}

static void lc_echo(struct lclient *c, uint64_t now)
{
	const struct load_args *a = c->f->a;
	uint8_t ip[LDATA_PKT_MAX];
	unsigned n = lc_echo_owed(c, now);

	for (unsigned i = 0; i < n; i++) {
		size_t len = ldata_echo(c->data, ip, sizeof(ip) - DATAPKT_MAX_OVERHEAD,
					a->size);

		if (!len)
			break;
		lc_send_data(c, ip, len);
		c->f->st.echo_tx++;
	}
	c->next_echo_ms = now + (a->pps ? 1u : a->ping_ms);
}

static void lc_data_tick(struct lclient *c, uint64_t now)
{
	if (now >= c->next_ka_ms) {
		lc_send_data(c, datapkt_ping_magic, DATAPKT_PING_LEN);
		c->f->st.keepalive_tx++;
		c->next_ka_ms = now + c->ka_ms;
	}
	if (load_args_echo(c->f->a) && now >= c->next_echo_ms)
		lc_echo(c, now);
}

static bool lc_exit_done(const struct lclient *c, uint64_t now)
{
	const struct keystate *ks = c->sess.ks[0];

	return now >= c->close_ms || !c->cc_exit || !ks ||
	       reliable_send_empty(ks->rel);
}

void lclient_tick(struct lclient *c, uint64_t now_ms)
{
	if (c->st == LC_IDLE || now_ms < c->due_ms)
		return;
	if (c->st == LC_CLOSING && lc_exit_done(c, now_ms)) {
		lclient_drop(c);
		fleet_client_closed(c->f, c);
		return;
	}
	if (session_tick(&c->sess, now_ms))
		lc_fail(c, session_error(&c->sess));
	if (c->st == LC_HANDSHAKE && !c->fail_why)
		lc_push_tick(c, now_ms);
	if (c->st == LC_UP && !c->fail_why)
		lc_data_tick(c, now_ms);
	if (c->fail_why) {
		lc_finish_fail(c);
		return;
	}
	lc_schedule(c);
}

void lclient_close(struct lclient *c, uint64_t now_ms)
{
	uint8_t occ[DATAPKT_OCC_MAGIC_LEN + 1];

	if (c->st != LC_UP) {
		lclient_drop(c);
		return;
	}
	if (c->cc_exit) {
		session_send_message(&c->sess, "EXIT", now_ms);
	} else {
		/* explicit-exit-notify without cc-exit: OCC_EXIT, twice */
		memcpy(occ, datapkt_occ_magic, DATAPKT_OCC_MAGIC_LEN);
		occ[DATAPKT_OCC_MAGIC_LEN] = DATAPKT_OCC_EXIT;
		lc_send_data(c, occ, sizeof(occ));
		lc_send_data(c, occ, sizeof(occ));
	}
	c->st = LC_CLOSING;
	c->close_ms = now_ms + LC_CLOSE_MS;
	lc_schedule(c);
}

void lclient_drop(struct lclient *c)
{
	if (c->data) {
		ldata_free(c->data);
		free(c->data);
		c->data = NULL;
	}
	if (c->sess_up)
		session_free(&c->sess);
	if (c->fd >= 0) {
		loop_del(&c->f->loop, c->fd);
		close(c->fd);
	}
	c->fd = -1;
	c->sess_up = false;
	c->fail_why = NULL;
	c->st = LC_IDLE;
	c->due_ms = 0;
}
