/* Client connection life: transport, session, pull, data channel. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"
#include "ctl/keymethod2.h"
#include "ctl/push.h"
#include "ctl/session.h"
#include "daemon/client.h"
#include "daemon/client_limits.h"
#include "daemon/client_script.h"
#include "daemon/client_mgmt.h"
#include "daemon/client_plugin.h"
#include "daemon/client_status.h"
#include "daemon/clientcfg.h"
#include "daemon/confine.h"
#include "daemon/engine_log.h"
#include "daemon/netcfg.h"
#include "daemon/addrtext.h"
#include "daemon/linkopt.h"
#include "daemon/localbind.h"
#include "daemon/privdrop.h"
#include "daemon/proxy.h"
#include "daemon/randhost.h"
#include "daemon/sdnotify.h"
#include "ev/loop.h"
#include "io/tcp.h"
#include "io/tun.h"
#include "io/udp.h"
#include "proto/datapkt.h"

#define CLIENT_TCP_CONNECT_MS 10000u

enum conn_end {
	END_NONE = 0,
	END_RESTART,        /* reconnect, same remote if we were up */
	END_NEXT,           /* reconnect to the next remote */
	END_POLL,           /* the next remote at once: server-poll-timeout */
	END_EXIT,           /* stop */
	END_FATAL,          /* stop with an error */
	END_RELOAD,         /* SIGHUP */
};

/* A TCP stream read one frame at a time, so the engine can take over the
 * socket at a frame boundary. */
struct tcp_rx {
	size_t have;
	uint8_t buf[2 + TCP_FRAME_MAX];
};

#define CONN_HELD_MAX 16u

struct conn {
	struct options *o;
	struct clientcfg *cc;
	struct loop *loop;
	struct dco *dco;
	struct session sess;
	bool sess_up;
	struct push push;
	char *config_cipher;            /* --cipher before any push */
	struct opt_endpoint ep;
	struct sockaddr_storage remote;
	socklen_t remote_len;
	bool remote_open;               /* P2P server: first valid peer wins */
	char remote_desc[INET6_ADDRSTRLEN + 32];
	enum dco_transport tr;
	int udp_fd;                     /* attached to the engine */
	int tcp_fd;                     /* ours until the peer exists */
	struct tcp_rx tcprx;
	bool peer_added;
	uint32_t peer_id;
	bool up;                        /* Initialization Sequence Completed */
	bool dev_null;                  /* dev null: no tun device */
	bool cc_exit;
	char ifname[32];
	char mod_host[256], mod_port[16];  /* remote MOD from the manager */
	struct netcfg_undo *undo;       /* the run's (routes outlive a kept tun) */
	int reneg_key_id;               /* key the counters below belong to */
	uint64_t reneg_bytes0, reneg_pkts0;
	uint64_t status_next_ms;        /* --status file: next rewrite */
	struct privdrop *pd;            /* --user/--group, after the first up */
	struct plugin_host *plugins;    /* --plugin lines (the run's) */
	struct tun *kept_tun;           /* persist-tun: the device outlives us */
	int status_fd;                  /* --status, opened as root; -1: none */
	bool *up_done;                  /* the up script ran on the kept tun */
	struct client_mgmt *cm;         /* --management (cm->m NULL: none) */
	bool *reask;                    /* auth-retry interact: ask again */
	const char *end_desc;           /* why it ended, for management */
	uint64_t poll_deadline_ms;      /* server-poll-timeout; 0: none */
	uint64_t session_deadline_ms;   /* session-timeout; 0: none */
	uint64_t routes_at_ms;          /* route-delay: routes due; 0: none */
	struct client_inactive inact;   /* --inactive */
	enum conn_end end;
	struct client_script *scripts;
	struct scriptrun_job *job;      /* up or route-up running */
	bool routes_added;
	bool up_failed;                 /* fatal: no down script */
	const char *signal;             /* the one that ended us ("sigterm") */
	char signal_text[32];           /* else why, for down's $signal */
	char *held[CONN_HELD_MAX];      /* PUSH_REPLYs while tls-verify runs */
	unsigned n_held;
};

static void conn_end(struct conn *c, enum conn_end why)
{
	if (c->end == END_NONE || why == END_EXIT || why == END_FATAL)
		c->end = why;
}

/* A TLS error restarts, or with --tls-exit ends the process (OpenVPN's
 * SIGTERM "tls-error"). */
static enum conn_end conn_tls_failed(struct conn *c)
{
	if (!c->o->tls_exit)
		return END_RESTART;
	log_info("TLS error with --tls-exit: exiting");
	c->end_desc = "tls-error";
	return END_EXIT;
}

/* ---- transport ------------------------------------------------------------ */

static int conn_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct conn *c = ctx;
	uint8_t frame[2 + DCO_CONTROL_MAX + TLSCRYPTV2_WKC_MAX];

	if (c->peer_added)
		return dco_send_control(c->dco, c->peer_id, pkt, len);
	if (c->tr == DCO_TRANSPORT_UDP)
		return dco_send_control_to(c->dco, c->udp_fd,
					   (struct sockaddr *)&c->remote,
					   c->remote_len, pkt, len);
	if (len > sizeof(frame) - 2)
		return -EMSGSIZE;
	store_be16(frame, (uint16_t)len);
	memcpy(frame + 2, pkt, len);
	return tcp_write_all(c->tcp_fd, frame, len + 2, 5000u);
}

/* Read what is there, one frame at a time, never past a frame's end. */
static void conn_tcp_readable(void *ctx, uint32_t events)
{
	struct conn *c = ctx;
	struct tcp_rx *rx = &c->tcprx;

	(void)events;
	while (c->tcp_fd >= 0 && c->end == END_NONE) {
		size_t need = rx->have < 2 ? 2 : 2u + load_be16(rx->buf);
		ssize_t n;

		if (rx->have >= 2 && need == 2) {
			log_err("TCP: bad packet length 0, restarting");
			conn_end(c, END_RESTART);
			return;
		}
		n = recv(c->tcp_fd, rx->buf + rx->have, need - rx->have, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			log_err("Connection reset, restarting [%d]", n < 0 ? errno : 0);
			conn_end(c, END_RESTART);
			return;
		}
		if (n < 0)
			return;
		rx->have += (size_t)n;
		if (rx->have >= 2 && rx->have == 2u + load_be16(rx->buf)) {
			if (session_recv(&c->sess, rx->buf + 2, rx->have - 2,
					 clock_now_ms()))
				conn_end(c, END_RESTART);
			rx->have = 0;
		}
	}
}

static int conn_resolve(struct conn *c)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV }, *res;
	/* through a proxy, the proxy is where we connect; it resolves the
	 * server's name itself */
	const struct opt_proxy *px = proxy_of(c->o);
	const char *host = px ? px->host : c->ep.host;
	const char *port = px ? px->port : c->ep.port;
	char rnd[320];
	int err;

	if (!px)	/* --remote-random-hostname */
		host = randhost_apply(c->o, host, rnd, sizeof(rnd));

	hints.ai_family = c->ep.family == OPT_AF_INET ? AF_INET :
			  c->ep.family == OPT_AF_INET6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = c->tr == DCO_TRANSPORT_UDP ? SOCK_DGRAM : SOCK_STREAM;
	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		log_err("RESOLVE: Cannot resolve host address: %s:%s (%s)",
			host, port, gai_strerror(err));
		return -EHOSTUNREACH;
	}
	memcpy(&c->remote, res->ai_addr, res->ai_addrlen);
	c->remote_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void conn_describe(struct conn *c)
{
	addrtext(&c->remote, NULL, 0, c->remote_desc, sizeof(c->remote_desc));
}

static int conn_open_udp(struct conn *c)
{
	struct sockaddr_storage local;
	socklen_t len;
	struct sock_opts so;
	int fd, ret;

	/* a P2P server waiting for any peer: --local may pick the family */
	bool any = c->remote_open && c->o->proto.family == OPT_AF_ANY;

	ret = localbind_get(c->o, any ? AF_UNSPEC : c->remote.ss_family,
			    false, &local, &len);
	if (ret < 0)
		return ret;
	if (c->remote_open)	/* the peer comes in the family we listen on */
		c->remote.ss_family = local.ss_family;
	so = linkopt(c->o);
	fd = udp_open_so((struct sockaddr *)&local, len, &so);
	if (fd < 0) {
		log_err("cannot open UDP socket: %s", strerror(-fd));
		return fd;
	}
	ret = dco_attach_udp(c->dco, fd);
	if (ret) {
		close(fd);
		log_err("cannot attach UDP socket: %s", strerror(-ret));
		return ret;
	}
	c->udp_fd = fd;
	log_info("UDP link remote: %s", c->remote_desc);
	return 0;
}

static int conn_proxy_connect(struct conn *c, const struct sock_opts *so)
{
	struct proxy_target t = {
		.host = c->ep.host, .port = c->ep.port,
		.proxy = (struct sockaddr *)&c->remote,
		.proxy_len = c->remote_len, .so = so, .asker = c->cc->asker,
		.timeout_ms = CLIENT_TCP_CONNECT_MS,
	};

	return proxy_connect(c->o, &t);
}

static int conn_open_tcp(struct conn *c)
{
	struct sockaddr_storage local;
	struct sock_opts so;
	socklen_t len;
	int fd, ret;

	log_info("Attempting to establish TCP connection with %s", c->remote_desc);
	ret = localbind_get(c->o, c->remote.ss_family, true, &local, &len);
	if (ret < 0)
		return ret;
	so = linkopt(c->o);
	if (proxy_of(c->o))
		fd = conn_proxy_connect(c, &so);
	else
		fd = tcp_connect_so(ret ? (struct sockaddr *)&local : NULL, len,
				    (struct sockaddr *)&c->remote,
				    c->remote_len, CLIENT_TCP_CONNECT_MS, &so);
	if (fd < 0) {
		log_err("TCP: connect to %s failed: %s", c->remote_desc,
			strerror(-fd));
		return fd;
	}
	c->tcp_fd = fd;
	log_info("TCP connection established with %s", c->remote_desc);
	return loop_add(c->loop, fd, EPOLLIN, conn_tcp_readable, c);
}

/* ---- data channel --------------------------------------------------------- */

/*
 * Compression framing as OpenVPN 2.6 does it with allow-compression no (its
 * default): whatever a server pushes, we frame but never compress, and a
 * really compressed packet from the server is dropped (and counted). The
 * engine's stubs carry the framing (src/dco/compstub.h).
 */
static enum dco_comp conn_compression(const struct conn *c)
{
	switch (c->o->compress) {
	case OPT_COMP_NO:
	case OPT_COMP_LZO:
		return DCO_COMP_LZO_STUB;
	case OPT_COMP_STUB:
	case OPT_COMP_LZ4:
		return DCO_COMP_STUB_SWAP;
	case OPT_COMP_STUB_V2:
	case OPT_COMP_LZ4_V2:
		return DCO_COMP_STUB_V2;
	default:
		return DCO_COMP_NONE;
	}
}

static void conn_log_compression(const struct conn *c)
{
	if (c->o->compress == OPT_COMP_LZO || c->o->compress == OPT_COMP_LZ4 ||
	    c->o->compress == OPT_COMP_LZ4_V2)
		log_warn("WARNING: the server asks for compression; dcovpn "
			 "never compresses (VORACLE) and frames packets "
			 "uncompressed, as OpenVPN 2.6 with allow-compression "
			 "no; compressed packets from the server are dropped");
}

static int conn_add_peer(struct conn *c)
{
	struct dco_peer_config pc = {
		.peer_id = c->o->peer_id >= 0 ? (uint32_t)c->o->peer_id : 0,
		.transport = c->tr,
		.tx_data_v1 = c->o->peer_id < 0,
		.comp = conn_compression(c),
	};
	int ret;

	if (c->tr == DCO_TRANSPORT_UDP) {
		pc.fd = c->udp_fd;
		memcpy(&pc.remote, &c->remote, c->remote_len);
		pc.remote_len = c->remote_len;
	} else {
		/* The engine owns the stream from here, at a frame boundary. */
		loop_del(c->loop, c->tcp_fd);
		pc.fd = c->tcp_fd;
		c->tcp_fd = -1;
	}
	ret = dco_new_peer(c->dco, &pc);
	if (ret) {
		log_err("cannot add the peer to the engine: %s", strerror(-ret));
		return ret;
	}
	c->peer_added = true;
	c->peer_id = pc.peer_id;
	return 0;
}

/*
 * The cipher to check: the pushed one; if the server pushed the same name
 * as our --cipher (or none), --cipher counts when data-ciphers allows it,
 * else push_cipher() falls back to data-ciphers-fallback.
 */
static const char *conn_pushed_cipher(const struct conn *c)
{
	const char *now = c->o->cipher;

	if (!now)
		return NULL;
	if (c->config_cipher && !strcmp(now, c->config_cipher) &&
	    !push_cipher_allowed(c->o, now))
		return NULL;
	return now;
}

static int conn_keepalive(struct conn *c)
{
	const struct options *o = c->o;
	int ping = o->ping > 0 ? o->ping : 0;
	int restart = o->ping_restart > 0 ? o->ping_restart :
		      o->ping_exit > 0 ? o->ping_exit : 0;

	if (o->keepalive_ping > 0 && !ping)
		ping = o->keepalive_ping;
	if (o->keepalive_timeout > 0 && !restart)
		restart = o->keepalive_timeout;
	return dco_set_peer(c->dco, c->peer_id, (unsigned)ping, (unsigned)restart);
}

/* What a script (and the plugins) of @kind are told now (client_script.h). */
static struct client_script_call conn_call(const struct conn *c,
					   enum script_kind kind,
					   const char *cmd)
{
	return (struct client_script_call){
		.kind = kind,
		.cmd = cmd,
		.o = c->o,
		.dev = c->ifname[0] ? c->ifname : NULL,
		.mtu = c->o->tun_mtu > 0 ? (unsigned)c->o->tun_mtu : 1500u,
		.remote = &c->remote,
		.tls = c->sess_up && c->sess.ks[0] ? c->sess.ks[0]->tls : NULL,
		.routes_added = c->routes_added,
		.signal = c->signal ? c->signal : "sigterm",
		.plugins = c->plugins,
	};
}

static void conn_script_wait(struct conn *c, enum script_kind kind,
			     const char *cmd)
{
	struct client_script_call call = conn_call(c, kind, cmd);

	client_script_wait(c->scripts, &call);
}

/* management-up-down: >UPDOWN:UP / DOWN with the scripts' environment. */
static void conn_updown(struct conn *c, const char *what)
{
	bool up = !strcmp(what, "UP");
	struct client_script_call call = conn_call(c, up ? SCRIPT_UP :
						   SCRIPT_DOWN, NULL);
	struct scriptenv env;

	if (!c->cm->m || !c->o->mgmt_up_down ||
	    client_script_env(c->scripts, &call, &env))
		return;
	client_mgmt_updown(c->cm, what, (const char *const *)scriptenv_vec(&env));
	scriptenv_free(&env);
}

/* A pushed auth-token replaces the password in later key exchanges. */
static void conn_auth_token(struct conn *c)
{
	if (!c->o->auth_token || !c->cc->username)
		return;
	clientcfg_set_token(c->cc, c->o->auth_token);
	c->sess.cfg.password = c->cc->auth_token;
}

/* The last step: the scripts have run. */
static void conn_complete(struct conn *c)
{
	char err[160];

	log_milestone("Initialization Sequence Completed");
	sdnotify_completed();
	client_mgmt_state_addr(c->cm, "CONNECTED", c->o, &c->remote);
	if (privdrop_apply(c->pd, err, sizeof(err))) {
		/* asked to run unprivileged: never carry on as root */
		log_err("--user/--group: %s; exiting", err);
		conn_end(c, END_FATAL);
		return;
	}
	if (plugin_host_post_uid(c->plugins, c->o)) {
		conn_end(c, END_FATAL);
		return;
	}
	confine_daemon(c->o);
}

/* As OpenVPN: a plugin failing up or route-up is fatal, and so is a
 * failing --up script. */
static void conn_fatal(struct conn *c)
{
	log_err("Exiting due to fatal error");
	c->up_failed = true;
	conn_end(c, END_FATAL);
}

static void conn_route_up_done(void *ctx, int result)
{
	struct conn *c = ctx;

	c->job = NULL;
	if (result)
		scriptrun_log_failure("route-up", result);
	conn_complete(c);
}

static void conn_routes_up(struct conn *c)
{
	struct client_script_call call;
	int ret;

	/* as OpenVPN: only when there are IPv4 routes to add */
	if (c->o->n_routes || c->o->redirect_gateway)
		client_mgmt_state(c->cm, "ADD_ROUTES", NULL);
	if (!c->dev_null && !c->o->route_noexec)
		netcfg_routes(c->o, dco_ifindex(c->dco), &c->remote, c->undo);
	c->routes_added = true;
	conn_updown(c, "UP");
	call = conn_call(c, SCRIPT_ROUTE_UP, c->o->route_up);
	ret = client_script_start(c->scripts, &call, conn_route_up_done, c,
				  &c->job);
	if (ret == -ENOTRECOVERABLE)
		conn_fatal(c);
	else if (ret)
		conn_complete(c);
}

/* route-delay N: the routes (and route-up, and the end of initialization)
 * N seconds after the tunnel came up, as OpenVPN's route_wakeup timer;
 * conn_tick adds them when due. */
static void conn_routes_due(struct conn *c)
{
	if (c->o->route_delay > 0)
		c->routes_at_ms = clock_now_ms() +
				  (uint64_t)c->o->route_delay * 1000u;
	else
		conn_routes_up(c);
}

static void conn_up_done(void *ctx, int result)
{
	struct conn *c = ctx;

	c->job = NULL;
	if (result) {
		scriptrun_log_failure("up/--down", result);
		conn_fatal(c);
		return;
	}
	if (c->up_done && c->kept_tun && c->kept_tun->fd >= 0)
		*c->up_done = true;
	conn_routes_due(c);
}

/* up, then routes and route-up, each script waited for by the loop. */
static void conn_up_script(struct conn *c)
{
	struct client_script_call call = conn_call(c, SCRIPT_UP, c->o->up);
	int ret;

	/* a kept tun ran its up script when it first came up; with
	 * up-restart it runs again, told "restart" (NetworkManager's helper
	 * then hands the new addresses over) */
	if (c->up_done && *c->up_done && !c->o->up_restart) {
		conn_routes_due(c);
		return;
	}
	call.restart = c->up_done && *c->up_done;
	ret = client_script_start(c->scripts, &call, conn_up_done, c, &c->job);
	if (ret == -ENOTRECOVERABLE)
		conn_fatal(c);
	else if (ret)
		conn_up_done(c, ret > 0 ? 0 : ret);
}

/* Data channel up with the negotiated @cipher and key derivation. */
static int conn_data_up(struct conn *c, enum dco_cipher cipher, bool ekm)
{
	uint64_t now = clock_now_ms();
	int ret;

	conn_log_compression(c);
	ret = conn_add_peer(c);
	if (!ret)
		ret = session_set_data(&c->sess, c->dco, c->peer_id, cipher, ekm,
				       now);
	if (!ret)
		ret = conn_keepalive(c);
	if (ret)
		return ret;
	/* OpenVPN starts its timers again when a push brings timer options
	 * (a pushed session-timeout counts from here) */
	if (c->o->pull)
		c->session_deadline_ms = client_session_deadline(c->o, now);
	client_mgmt_state_addr(c->cm, "ASSIGN_IP", c->o, NULL);
	ret = c->dev_null || c->o->ifconfig_noexec ? 0 :
	      netcfg_addresses(c->o, dco_ifindex(c->dco), dco_ifname(c->dco));
	if (!ret)
		ret = dco_start(c->dco);
	if (ret) {
		log_err("cannot bring up %s: %s", dco_ifname(c->dco), strerror(-ret));
		return ret;
	}
	log_info("TUN/TAP device %s opened", dco_ifname(c->dco));
	snprintf(c->ifname, sizeof(c->ifname), "%s", dco_ifname(c->dco));
	c->up = true;
	conn_auth_token(c);
	conn_up_script(c);
	return 0;
}

/* Pull: the PUSH_REPLY decided cipher, key derivation, peer-id. */
static int conn_pull_up(struct conn *c)
{
	char err[256] = "";
	enum dco_cipher cipher;
	int ret;

	ret = push_cipher(c->o, conn_pushed_cipher(c), &cipher, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		return ret;
	}
	c->cc_exit = c->o->protocol_flags & OPT_PF_CC_EXIT;
	return conn_data_up(c, cipher,
			    c->o->key_derivation_ekm ||
			    (c->o->protocol_flags & OPT_PF_TLS_EKM));
}

/* Is @name in the ':'-separated @list (case-insensitive)? */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncasecmp(p, name, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* The TLS server's list order wins (2.6 get_p2p_ncp_cipher). @peer is
 * the peer's IV_CIPHERS; the result points into @peer or @buf. */
static const char *conn_p2p_cipher(const struct conn *c, char *peer,
				   char *buf, size_t len)
{
	if (!c->o->tls_server) {
		for (char *save, *t = strtok_r(peer, ":", &save); t;
		     t = strtok_r(NULL, ":", &save))
			if (push_cipher_allowed(c->o, t))
				return t;
		return NULL;
	}
	snprintf(buf, len, "%s", c->o->data_ciphers ? c->o->data_ciphers :
		 "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
	for (char *save, *t = strtok_r(buf, ":", &save); t;
	     t = strtok_r(NULL, ":", &save))
		if (in_list(peer, t))
			return t;
	return NULL;
}

/*
 * P2P (tls-client without pull), as 2.6's p2p_mode_ncp: the cipher is the
 * first of the TLS server's IV_CIPHERS that we allow; TLS-EKM, DATA_V2
 * and cc-exit when the peer's IV_PROTO has them; the peer-id is "vpn"
 * (0x76706e) or, with EKM, 3 exported bytes.
 */
static int conn_p2p_up(struct conn *c)
{
	const char *pi = c->sess.peer_info;
	unsigned proto = pi ? km2_peer_info_proto(pi) : 0;
	char list[512] = "", ours[512], err[256] = "";
	const char *pick = NULL;
	enum dco_cipher cipher;
	bool ekm = false;
	int ret;

	if ((proto & KM2_IV_PROTO_NCP_P2P) &&
	    km2_peer_info_get(pi, "IV_CIPHERS", list, sizeof(list)) == 0)
		pick = conn_p2p_cipher(c, list, ours, sizeof(ours));
	if (!(proto & KM2_IV_PROTO_NCP_P2P))
		proto = 0;
	ret = push_cipher(c->o, pick, &cipher, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		return ret;
	}
	c->o->peer_id = -1;
	if (proto & KM2_IV_PROTO_DATA_V2)
		c->o->peer_id = 0x76706e;
	if (proto & KM2_IV_PROTO_TLS_KEY_EXPORT) {
		uint8_t id[3];

		ekm = true;
		if ((proto & KM2_IV_PROTO_DATA_V2) &&
		    session_export(&c->sess, "EXPORTER-OpenVPN-p2p-peerid", id,
				   sizeof(id)) == 0)
			c->o->peer_id = (int)((unsigned)id[0] << 16 |
					      (unsigned)id[1] << 8 | id[2]);
	}
	c->cc_exit = proto & KM2_IV_PROTO_CC_EXIT_NOTIFY;
	log_info("P2P mode NCP negotiation result: TLS_export=%d, DATA_v2=%d, "
		 "peer-id %d, cipher=%s", ekm, c->o->peer_id >= 0,
		 c->o->peer_id, dco_cipher_name(cipher));
	return conn_data_up(c, cipher, ekm);
}

/* A mismatch of configuration does not heal by reconnecting. */
static void conn_after_up(struct conn *c, int ret)
{
	if (ret == -EINVAL || ret == -EPROTONOSUPPORT)
		conn_end(c, END_FATAL);
	else if (ret)
		conn_end(c, END_RESTART);
}

/* ---- control messages ------------------------------------------------------ */

/* auth-retry nointeract: try the same credentials again; interact: ask
 * for new ones before the next connection (client_run, once this one is
 * closed). true if the connection restarts. */
static bool conn_auth_retry(struct conn *c)
{
	if (c->o->auth_retry == OPT_AUTHRETRY_NONE || !c->cc->username)
		return false;
	*c->reask = c->o->auth_retry == OPT_AUTHRETRY_INTERACT;
	log_info("AUTH: authentication failed, retrying "
		 "(auth-retry %s)", c->o->auth_retry == OPT_AUTHRETRY_INTERACT ?
		 "interact" : "nointeract");
	conn_end(c, END_RESTART);
	return true;
}

static void conn_message(void *ctx, const char *msg)
{
	struct conn *c = ctx;

	/* a 2.6 server pushes unasked (once): kept until tls-verify has
	 * accepted it */
	if (c->scripts->tv && !strncmp(msg, "PUSH_REPLY", 10)) {
		if (c->n_held < CONN_HELD_MAX)
			c->held[c->n_held++] = strdup(msg);
		return;
	}
	switch (push_message(&c->push, c->o, msg)) {
	case PUSH_DONE:
		conn_after_up(c, conn_pull_up(c));
		break;
	case PUSH_LATE:
		conn_auth_token(c);
		break;
	case PUSH_AUTH_FAILED:
		/* With a token, only the token failed: retry with the password. */
		if (c->cc->auth_token) {
			log_info("AUTH: dropping the auth-token, reconnecting");
			c->sess.cfg.password = c->cc->password;
			clientcfg_set_token(c->cc, NULL);
			conn_end(c, END_RESTART);
			break;
		}
		client_mgmt_auth_failed(c->cm);
		if (conn_auth_retry(c))
			break;
		log_err("SIGTERM[soft,auth-failure] received, process exiting");
		c->end_desc = "auth-failure";
		conn_end(c, END_FATAL);
		break;
	case PUSH_HALT:
		c->end_desc = "server-pushed-halt";
		conn_end(c, END_EXIT);
		break;
	case PUSH_RESTART:
	case PUSH_EXIT:
		conn_end(c, END_RESTART);
		break;
	case PUSH_RESTART_NEXT:
		conn_end(c, END_NEXT);
		break;
	case PUSH_ERROR:
		conn_end(c, END_FATAL);
		break;
	default:
		break;
	}
}

/* The server answered our reset: OpenVPN's AUTH state. */
static void conn_peer_found(void *ctx)
{
	struct conn *c = ctx;

	client_mgmt_state(c->cm, "AUTH", NULL);
}

static void conn_verified(void *ctx, int result);
static void conn_get_config(struct conn *c);

/* The PUSH_REPLYs held while tls-verify ran: taken now (@use) or dropped. */
static void conn_release_held(struct conn *c, bool use)
{
	unsigned n = c->n_held;

	c->n_held = 0;
	for (unsigned i = 0; i < n; i++) {
		if (use && c->held[i] && c->end == END_NONE)
			conn_message(c, c->held[i]);
		free(c->held[i]);
		c->held[i] = NULL;
	}
}

static void conn_active(void *ctx)
{
	struct conn *c = ctx;
	struct client_script_call call = conn_call(c, SCRIPT_TLS_VERIFY, NULL);
	int ret;

	/* the plugins' look at the server's chain (OpenVPN: during the
	 * handshake); a refusal is a TLS error */
	if (client_plugin_tls(c->scripts, &call)) {
		conn_end(c, END_RESTART);
		return;
	}
	/* then the tls-verify script, from the loop (OpenVPN: during the
	 * handshake, blocking); its refusal is a TLS error too */
	call = conn_call(c, SCRIPT_TLS_VERIFY, c->o->tls_verify);
	ret = client_script_tlsverify(c->scripts, &call, conn_verified, c);
	if (ret < 0)
		conn_verified(c, ret);
	else if (ret > 0)
		conn_get_config(c);
}

/* The server's chain passed tls-verify (@result 0): on, as OpenVPN once
 * "Peer Connection Initiated". */
static void conn_verified(void *ctx, int result)
{
	struct conn *c = ctx;

	if (result) {
		c->end_desc = "tls-error";
		conn_end(c, END_RESTART);
		return;
	}
	conn_get_config(c);
}

static void conn_get_config(struct conn *c)
{
	unsigned hw = c->o->hand_window > 0 ? (unsigned)c->o->hand_window : 60u;
	struct client_script_call call = conn_call(c, SCRIPT_IPCHANGE,
						   c->o->ipchange);

	/* as OpenVPN at "Peer Connection Initiated"; not waited for */
	client_script_start(c->scripts, &call, NULL, NULL, NULL);

	if (!c->o->pull) {
		conn_after_up(c, conn_p2p_up(c));
		return;
	}
	client_mgmt_state(c->cm, "GET_CONFIG", NULL);
	push_start(&c->push, clock_now_ms(), hw);
	conn_release_held(c, true);
}

/* ---- engine events ------------------------------------------------------- */

/*
 * A P2P server without --remote answers whoever sends a valid reset: the
 * source becomes the remote for the reply (@before) and stays so once the
 * session took the packet.
 */
static void conn_learn_remote(struct conn *c, const struct dco_event *ev,
			      bool before)
{
	if (!c->remote_open || c->tr != DCO_TRANSPORT_UDP)
		return;
	if (before) {
		memcpy(&c->remote, &ev->addr, ev->addr_len);
		c->remote_len = ev->addr_len;
		return;
	}
	if (!c->sess.have_peer_sid) {
		c->remote_len = 0;
		return;
	}
	c->remote_open = false;
	conn_describe(c);
	log_info("Peer Connection from %s", c->remote_desc);
}

static bool conn_from_remote(const struct conn *c, const struct dco_event *ev)
{
	if (c->tr != DCO_TRANSPORT_UDP || c->remote_open)
		return true;
	return ev->addr_len == c->remote_len &&
	       !memcmp(&ev->addr, &c->remote, c->remote_len);
}

static void conn_engine_event(struct conn *c, const struct dco_event *ev)
{
	switch (ev->type) {
	case DCO_EV_CONTROL:
		if (!conn_from_remote(c, ev))
			break;
		conn_learn_remote(c, ev, true);
		if (session_recv(&c->sess, ev->data, ev->len, clock_now_ms()))
			conn_end(c, conn_tls_failed(c));
		conn_learn_remote(c, ev, false);
		break;
	case DCO_EV_PEER_DELETED:
		c->peer_added = false;
		if (ev->reason == DCO_DEL_EXPIRED && c->o->ping_exit > 0 &&
		    c->o->ping_restart <= 0) {
			log_info("[server] Inactivity timeout (--ping-exit), exiting");
			c->end_desc = "ping-exit";
			conn_end(c, END_EXIT);
			break;
		}
		if (ev->reason == DCO_DEL_EXPIRED) {
			log_info("[server] Inactivity timeout (--ping-restart), restarting");
			c->end_desc = "ping-restart";
		} else {
			log_info("Connection reset, restarting");
		}
		conn_end(c, END_RESTART);
		break;
	case DCO_EV_PEER_FLOAT:
		/* Data authenticated from a new address: control follows. */
		if (ev->addr_len && ev->addr_len <= sizeof(c->remote)) {
			memcpy(&c->remote, &ev->addr, ev->addr_len);
			c->remote_len = ev->addr_len;
			conn_describe(c);
			log_info("Peer float: now %s", c->remote_desc);
		}
		break;
	case DCO_EV_KEY_NEAR_WRAP:
		log_info("TLS: packet-id of key-id %u near its end, renegotiating",
			 ev->key_id);
		session_renegotiate(&c->sess, clock_now_ms());
		break;
	default:
		break;
	}
}

static void conn_engine_readable(void *ctx, uint32_t events)
{
	struct conn *c = ctx;
	struct dco_event *ev = malloc(sizeof(*ev));

	(void)events;
	if (!ev)
		return;
	while (c->end == END_NONE && dco_read_event(c->dco, ev) == 0)
		conn_engine_event(c, ev);
	free(ev);
}

/* ---- one connection -------------------------------------------------------- */

/* Statistics, OpenVPN's way: into the --status file, or (SIGUSR2) the log. */
static void conn_status(struct conn *c, bool to_file)
{
	struct dco_stats st = { 0 };
	int err;

	if (c->dco)
		dco_get_stats(c->dco, DCO_PEER_ID_NONE, &st);
	if (!to_file) {
		client_status_log(&st);
		return;
	}
	err = c->status_fd < 0 ? -EBADF : client_status_write(c->status_fd, &st);
	if (err) /* once per --status interval at most */
		log_warn("cannot write the status file %s: %s",
			 c->o->status_file, strerror(-err));
}

static void conn_signal(struct conn *c, int sig)
{
	switch (sig) {
	case SIGINT:
	case SIGTERM:
		/* OpenVPN names what it does about it: telling the server */
		c->signal = c->o->explicit_exit_notify > 0 &&
			    c->tr == DCO_TRANSPORT_UDP ? "exit-with-notification" :
			    sig == SIGINT ? "sigint" : "sigterm";
		/* management's EXITING reason: the same, as OpenVPN names it
		 * (management-client: what the interface said) */
		c->end_desc = !strcmp(c->signal, "sigint") ? "SIGINT" :
			      !strcmp(c->signal, "sigterm") ? "SIGTERM" : c->signal;
		if (mgmt_exit_reason(c->cm->m))
			c->end_desc = mgmt_exit_reason(c->cm->m);
		log_info("SIGTERM[hard,] received, process exiting");
		conn_end(c, END_EXIT);
		break;
	case SIGUSR1:
		log_info("SIGUSR1[hard,] received, process restarting");
		c->signal = "sigusr1";
		c->end_desc = "SIGUSR1";
		conn_end(c, END_RESTART);
		break;
	case SIGHUP:
		log_info("SIGHUP[hard,] received, process restarting");
		c->signal = "sighup";
		conn_end(c, END_RELOAD);
		break;
	case SIGUSR2:
		conn_status(c, false);
		break;
	default:
		break;
	}
}

/*
 * reneg-bytes / reneg-pkts: the engine counts what crosses the link; the
 * control plane compares it with the totals when the current key started.
 */
static void conn_check_reneg_counters(struct conn *c, uint64_t now)
{
	const struct options *o = c->o;
	struct dco_stats st;
	uint64_t bytes, pkts;
	int kid;

	if ((o->reneg_bytes <= 0 && o->reneg_pkts <= 0) || !c->peer_added ||
	    !c->sess.ks[0] || dco_get_stats(c->dco, c->peer_id, &st))
		return;
	bytes = st.link_rx_bytes + st.link_tx_bytes;
	pkts = st.link_rx_packets + st.link_tx_packets;
	kid = c->sess.ks[0]->key_id;
	if (kid != c->reneg_key_id) {
		c->reneg_key_id = kid;
		c->reneg_bytes0 = bytes;
		c->reneg_pkts0 = pkts;
		return;
	}
	if ((o->reneg_bytes > 0 && bytes - c->reneg_bytes0 >= (uint64_t)o->reneg_bytes) ||
	    (o->reneg_pkts > 0 && pkts - c->reneg_pkts0 >= (uint64_t)o->reneg_pkts)) {
		if (session_renegotiate(&c->sess, now) == 0)
			log_info("TLS: soft reset after %llu bytes / %llu packets",
				 (unsigned long long)(bytes - c->reneg_bytes0),
				 (unsigned long long)(pkts - c->reneg_pkts0));
	}
}

/* server-poll-timeout, session-timeout and --inactive (client_limits.c). */
static void conn_check_limits(struct conn *c, uint64_t now)
{
	struct dco_stats st = { 0 };

	if (c->session_deadline_ms && now >= c->session_deadline_ms) {
		log_info("Session timeout, exiting");
		c->end_desc = "session-timeout";
		conn_end(c, END_EXIT);
		return;
	}
	if (client_poll_expired(c->poll_deadline_ms, c->sess.have_peer_sid,
				now)) {
		c->end_desc = "server_poll";
		conn_end(c, END_POLL);
		return;
	}
	if (!c->inact.deadline_ms || now < c->inact.deadline_ms)
		return;
	if (c->peer_added)
		dco_get_stats(c->dco, c->peer_id, &st);
	if (client_inactive_expired(&c->inact, st.tun_rx_bytes +
				    st.tun_tx_bytes, now)) {
		log_info("Inactivity timeout (--inactive), exiting");
		c->end_desc = "inactive";
		conn_end(c, END_EXIT);
	}
}

static void conn_tick(struct conn *c, uint64_t now)
{
	conn_check_reneg_counters(c, now);
	if (c->routes_at_ms && now >= c->routes_at_ms) {
		c->routes_at_ms = 0;
		conn_routes_up(c);
	}
	mgmt_tick(c->cm->m, now);
	scriptrun_tick(&c->scripts->run, now);
	if (c->o->status_file && now >= c->status_next_ms) {
		unsigned iv = c->o->status_interval > 0 ?
				      (unsigned)c->o->status_interval : 60u;

		conn_status(c, true);
		c->status_next_ms = now + iv * 1000ull;
	}
	if (session_tick(&c->sess, now)) {
		conn_end(c, conn_tls_failed(c));
		return;
	}
	conn_check_limits(c, now);
	if (push_request_due(&c->push, now) &&
	    session_send_message(&c->sess, PUSH_MSG, now) == 0)
		log_info("SENT CONTROL [server]: 'PUSH_REQUEST' (status=1)");
	if (push_check_timeout(&c->push, now)) {
		log_err("No reply from server to push requests in %us",
			c->o->hand_window > 0 ? c->o->hand_window : 60);
		conn_end(c, END_RESTART);
	}
}

/* reneg-bytes / reneg-pkts are polled: often enough to land near the limit. */
#define CONN_COUNTER_POLL_MS 200u

static uint64_t conn_deadline(const struct conn *c)
{
	uint64_t a = session_next_deadline(&c->sess);
	uint64_t b = push_next_deadline(&c->push);
	uint64_t d = a < b ? a : b;

	if (c->poll_deadline_ms && !c->sess.have_peer_sid &&
	    c->poll_deadline_ms < d)
		d = c->poll_deadline_ms;
	if (c->inact.deadline_ms && c->inact.deadline_ms < d)
		d = c->inact.deadline_ms;
	if (c->session_deadline_ms && c->session_deadline_ms < d)
		d = c->session_deadline_ms;
	if (c->routes_at_ms && c->routes_at_ms < d)
		d = c->routes_at_ms;

	if (c->peer_added && (c->o->reneg_bytes > 0 || c->o->reneg_pkts > 0)) {
		uint64_t p = clock_now_ms() + CONN_COUNTER_POLL_MS;

		d = d < p ? d : p;
	}
	if (c->o->status_file && c->status_next_ms < d)
		d = c->status_next_ms;
	if (mgmt_deadline(c->cm->m) < d)
		d = mgmt_deadline(c->cm->m);
	if (scriptrun_deadline(&c->scripts->run) < d)
		d = scriptrun_deadline(&c->scripts->run);
	return d;
}

/*
 * Tell the server we go, if asked to with explicit-exit-notify: an EXIT
 * control message where it speaks cc-exit (2.6), else OpenVPN's older
 * in-band OCC_EXIT on the data channel (2.4/2.5 servers), sent twice as
 * UDP may lose one.
 */
static void conn_exit_notify(struct conn *c)
{
	uint8_t occ[DATAPKT_OCC_MAGIC_LEN + 1];
	unsigned sent = 0;

	if (!c->up || !c->o->explicit_exit_notify || c->tr != DCO_TRANSPORT_UDP)
		return;
	if (c->cc_exit) {
		if (session_send_message(&c->sess, "EXIT", clock_now_ms()) == 0)
			log_info("SIGTERM: sent EXIT to the server "
				 "(explicit-exit-notify)");
		return;
	}
	memcpy(occ, datapkt_occ_magic, DATAPKT_OCC_MAGIC_LEN);
	occ[DATAPKT_OCC_MAGIC_LEN] = DATAPKT_OCC_EXIT;
	for (unsigned i = 0; i < 2; i++)
		sent += dco_send_data_msg(c->dco, c->peer_id, occ, sizeof(occ)) == 0;
	if (sent)
		log_info("SIGTERM: sent OCC_EXIT to the server "
			 "(explicit-exit-notify; it has no cc-exit)");
}

static int conn_session(struct conn *c)
{
	struct session_config sc = {
		.server = c->o->tls_server,
		.tls = c->cc->tls,
		.wrap = c->cc->has_wrap ? &c->cc->wrap : NULL,
		.v2 = c->cc->v2,
		.hand_window_s = c->o->hand_window > 0 ? (unsigned)c->o->hand_window : 0,
		.tls_timeout_s = c->o->tls_timeout > 0 ? (unsigned)c->o->tls_timeout : 0,
		.reneg_sec = c->o->reneg_sec >= 0 ? (unsigned)c->o->reneg_sec : 3600u,
		.tran_window_s = c->o->tran_window > 0 ? (unsigned)c->o->tran_window : 0,
		.max_packet = (unsigned)c->o->max_packet_size,
		.options_string = c->cc->occ,
		.peer_info = c->cc->peer_info,
		.username = c->cc->username,
		.password = c->cc->auth_token ? c->cc->auth_token : c->cc->password,
		.remote_desc = c->remote_desc,
	};
	struct session_ops ops = {
		.send = conn_send,
		.message = conn_message,
		.active = conn_active,
		.peer_found = conn_peer_found,
	};
	int ret;

	clientcfg_occ(c->cc, c->o, c->ep.proto, c->remote.ss_family == AF_INET6);
	ret = session_init(&c->sess, &sc, &ops, c, clock_now_ms());
	if (ret)
		log_err("cannot start the control channel: %s", strerror(-ret));
	c->sess_up = ret == 0;
	return ret;
}

static bool opts_dev_null(const struct options *o)
{
	return (o->dev && !strcmp(o->dev, "null")) || o->dev_type == OPT_DEV_NULL;
}

/* The tun name asked for: --dev NAME, or the kernel's next tunN. */
static const char *opts_ifname(const struct options *o)
{
	return o->dev && strcmp(o->dev, "tun") && strcmp(o->dev, "null") ?
		       o->dev : "tun%d";
}

static int conn_open(struct conn *c)
{
	struct dco_config dc = {
		.ifname = NULL,
		.mtu = c->o->tun_mtu > 0 ? (unsigned)c->o->tun_mtu : 1500u,
		.mode = DCO_MODE_P2P,
		.replay_window = c->o->replay_window > 0 ?
				 (unsigned)c->o->replay_window : 0,
		.replay_window_secs = c->o->replay_time > 0 ?
				      (unsigned)c->o->replay_time : 0,
		.aead_backend = c->o->aead_backend,
	};
	int ret;

	/* dev null: the control channel (and keys) without a tun device */
	c->dev_null = opts_dev_null(c->o);
	dc.no_tun = c->dev_null;
	dc.keep_link = c->o->ifconfig_noexec;
	dc.ifname = opts_ifname(c->o);
	if (c->kept_tun && c->kept_tun->fd >= 0) {
		dc.adopt_tun = true;
		dc.tun_fd = c->kept_tun->fd;
	}
	if (c->o->tls_server && !c->o->n_remotes) {
		/* P2P server, no --remote: whoever comes first. */
		c->remote_open = true;
		c->remote.ss_family = c->o->proto.family == OPT_AF_INET6 ? AF_INET6 :
				      c->o->proto.family == OPT_AF_INET ? AF_INET :
				      AF_INET6;
		snprintf(c->remote_desc, sizeof(c->remote_desc), "[undef]");
	} else {
		ret = conn_resolve(c);
		if (ret)
			return ret;
		conn_describe(c);
	}
	if (c->o->tls_server && c->tr != DCO_TRANSPORT_UDP) {
		log_err("Options error: --tls-server over TCP is not supported yet");
		return -EINVAL;
	}
	dc.mss = netcfg_mss(c->o, c->remote.ss_family == AF_INET6,
			    c->tr == DCO_TRANSPORT_TCP);
	ret = dco_open(&c->dco, &dc);
	if (ret) {
		log_err("cannot open the tun device: %s", strerror(-ret));
		return ret;
	}
	ret = loop_add(c->loop, dco_event_fd(c->dco), EPOLLIN,
		       conn_engine_readable, c);
	if (ret)
		return ret;
	c->cm->dco = c->dco;
	client_mgmt_state(c->cm, c->tr == DCO_TRANSPORT_UDP ? "WAIT" :
			  "TCP_CONNECT", NULL);
	ret = c->tr == DCO_TRANSPORT_UDP ? conn_open_udp(c) : conn_open_tcp(c);
	if (ret)
		return ret;
	return conn_session(c);
}

/* The connection ends for good (no restart keeps the tun). */
static bool conn_last(const struct conn *c)
{
	return c->end == END_EXIT || c->end == END_FATAL || c->end == END_RELOAD;
}

/* The tunnel goes down with this connection (down script, >UPDOWN). */
static bool conn_goes_down(const struct conn *c)
{
	bool kept = c->kept_tun && c->kept_tun->fd >= 0;

	return c->up && (!kept || conn_last(c));
}

/*
 * With a kept tun (persist-tun) a restart leaves the device, its routes
 * and the up/down scripts alone, as OpenVPN does; only the last
 * connection of a run (exit, fatal error, SIGHUP) takes them down.
 */
static void conn_close(struct conn *c)
{
	bool kept = c->kept_tun && c->kept_tun->fd >= 0;
	bool last = conn_last(c);
	bool down = conn_goes_down(c);

	c->cm->dco = NULL;
	if (c->sess_up)
		session_free(&c->sess);
	if (c->tcp_fd >= 0) {
		loop_del(c->loop, c->tcp_fd);
		close(c->tcp_fd);
	}
	if (c->job)
		scriptrun_detach(&c->scripts->run, c->job);
	client_script_cancel(c->scripts);
	conn_release_held(c, false);
	down = down && !c->up_failed;
	/* $signal as OpenVPN's signal_description: the reason, if one was
	 * given ("ping-restart", "auth-failure"), else the signal's name */
	if (!c->signal && !c->end_desc && c->end == END_RESTART)
		c->signal = "connection-reset";
	if (!c->signal && c->end_desc) {
		for (size_t i = 0; i + 1 < sizeof(c->signal_text) && c->end_desc[i]; i++)
			c->signal_text[i] = (char)tolower((unsigned char)c->end_desc[i]);
		c->signal = c->signal_text;
	}
	/* route-pre-down: before the routes go (with the device), first */
	if (down && c->routes_added)
		conn_script_wait(c, SCRIPT_ROUTE_PRE_DOWN, c->o->route_pre_down);
	/* --down-pre: the script still sees the tun device and its routes */
	if (down && c->o->down_pre)
		conn_script_wait(c, SCRIPT_DOWN, c->o->down);
	if (c->dco) {
		if (c->up && kept && !last && !c->o->ifconfig_noexec)
			netcfg_addresses_del(c->o, dco_ifindex(c->dco));
		loop_del(c->loop, dco_event_fd(c->dco));
		engine_log_stats(c->dco, NULL);
		dco_close(c->dco);
	}
	if (kept && last)
		tun_close(c->kept_tun);
	if (!kept || last)
		netcfg_undo(c->undo);
	if (down && !c->o->down_pre)
		conn_script_wait(c, SCRIPT_DOWN, c->o->down);
	c->dco = NULL;
	c->tcp_fd = -1;
	c->sess_up = false;
}

static enum conn_end conn_run(struct conn *c)
{
	if (conn_open(c))
		return c->end != END_NONE ? c->end : END_NEXT;
	c->poll_deadline_ms = client_poll_deadline(c->o, clock_now_ms());
	c->session_deadline_ms = client_session_deadline(c->o, clock_now_ms());
	client_inactive_start(&c->inact, c->o, clock_now_ms());
	while (c->end == END_NONE) {
		uint64_t now = clock_now_ms();

		conn_tick(c, now);
		if (c->end != END_NONE)
			break;
		if (loop_wait(c->loop, conn_deadline(c)) < 0)
			conn_end(c, END_FATAL);
		conn_signal(c, loop_take_signal(c->loop));
	}
	if (c->end == END_EXIT)
		conn_exit_notify(c);
	return c->end;
}

/* ---- the reconnect loop ---------------------------------------------------- */

/* Wait @ms for a retry, unless a signal says otherwise. */
static enum conn_end client_pause(struct loop *loop, struct mgmt *m,
				  unsigned ms)
{
	uint64_t until = clock_now_ms() + ms;

	while (clock_now_ms() < until) {
		uint64_t d = mgmt_deadline(m);
		int sig;

		loop_wait(loop, d < until ? d : until);
		mgmt_tick(m, clock_now_ms());
		sig = loop_take_signal(loop);
		if (sig == SIGTERM || sig == SIGINT)
			return END_EXIT;
		if (sig == SIGHUP)
			return END_RELOAD;
	}
	return END_NONE;
}

/* Each connection starts from the options as configured: pulled ones of
 * an earlier connection must not leak into the next. */
static int client_fresh_options(struct options *o, const struct client_args *a,
				struct opt_text_cache *tc)
{
	char err[OPT_ERR_LEN];

	options_init(o);
	if (a->tc) {
		tc = a->tc;
		tc->replay = true;
	}
	o->text_cache = tc;
	if (options_parse_argv(o, a->argc, a->argv, err, sizeof(err))) {
		log_err("%s", err);
		options_free(o);
		return -EINVAL;
	}
	return 0;
}

/* management-query-remote / -proxy: which remote (SKIP goes on at once,
 * as OpenVPN), and how. 0, or SIGTERM when a signal ended the wait. */
static int client_pick_remote(struct client_mgmt *cm, const struct options *o,
			      size_t *idx, struct client_pick *pick)
{
	for (;;) {
		if (client_mgmt_pick(cm, o, *idx, pick))
			return SIGTERM;
		if (!pick->skip || !o->n_remotes)
			return 0;
		*idx = (*idx + pick->skip) % o->n_remotes;
	}
}

/* What lasts across the connections of one client_run. */
struct client_keep {
	struct clientcfg cc;
	struct loop loop;
	struct opt_text_cache tc;
	struct privdrop pd;
	struct tun tun;                 /* fd -1 unless kept across connections */
	int status_fd;                  /* --status, in the main keep */
	struct netcfg_undo undo;
	bool up_done;
	bool reask;                     /* credentials to be asked again */
	struct client_mgmt cm;
	struct plugin_host plugins;
	struct client_script scripts;
};

/*
 * persist-tun, and always when giving up root: one tun device for every
 * connection. Reopening /dev/net/tun may need root (it is 0600 on some
 * systems); a device already open needs only CAP_NET_ADMIN to configure.
 */
static int client_keep_tun(struct client_keep *k, const struct options *o)
{
	bool offload;
	int err;

	k->tun.fd = -1;
	if (opts_dev_null(o) ||
	    !(o->persist_tun || privdrop_wanted(&k->pd)))
		return 0;
	err = tun_open_offload(&k->tun, opts_ifname(o), true, &offload);
	if (err)
		log_err("cannot open the tun device: %s", strerror(-err));
	return err;
}

/* The manager's answer to >REMOTE / >PROXY, on this connection's own
 * copy of the options (freed with them). */
static void conn_apply_pick(struct conn *c, struct options *o,
			    const struct client_pick *p)
{
	struct opt_proxy *px = p->proxy == PICK_HTTP ? &o->http_proxy :
			       &o->socks_proxy;

	if (p->mod) {
		snprintf(c->mod_host, sizeof(c->mod_host), "%s", p->host);
		snprintf(c->mod_port, sizeof(c->mod_port), "%s", p->port);
		c->ep.host = c->mod_host;
		c->ep.port = c->mod_port;
	}
	if (p->proxy == PICK_DIRECT)
		return;
	free(px->host);
	free(px->port);
	px->host = strdup(p->phost);
	px->port = strdup(p->pport);
	px->no_cleartext = p->nct;
}

static enum conn_end client_connect_once(const struct client_args *a,
					 struct client_keep *k, size_t idx,
					 const struct client_pick *pick,
					 bool *was_up)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct options *o = malloc(sizeof(*o));
	enum conn_end end;

	if (!c || !o || client_fresh_options(o, a, &k->tc)) {
		free(c);
		free(o);
		return END_FATAL;
	}
	c->o = o;
	c->cc = &k->cc;
	c->loop = &k->loop;
	c->pd = &k->pd;
	c->plugins = &k->plugins;
	c->scripts = &k->scripts;
	c->kept_tun = &k->tun;
	c->status_fd = k->status_fd;
	c->undo = &k->undo;
	c->up_done = &k->up_done;
	c->cm = &k->cm;
	c->reask = &k->reask;
	c->tcp_fd = -1;
	c->udp_fd = -1;
	c->reneg_key_id = -1;
	push_init(&c->push);
	if (options_remote(o, idx, &c->ep)) {
		/* No remote: a P2P server listening for its peer. */
		c->ep.proto = o->proto.proto == OPT_PROTO_NONE ? OPT_PROTO_UDP :
			      o->proto.proto;
		c->ep.family = o->proto.family;
	}
	conn_apply_pick(c, o, pick);
	c->tr = c->ep.proto == OPT_PROTO_UDP ? DCO_TRANSPORT_UDP : DCO_TRANSPORT_TCP;
	c->config_cipher = o->cipher ? strdup(o->cipher) : NULL;
	end = conn_run(c);
	*was_up = c->up;
	/* as OpenVPN: >UPDOWN:DOWN before the EXITING/RECONNECTING state */
	if (conn_goes_down(c))
		conn_updown(c, "DOWN");
	if (end == END_RESTART || end == END_NEXT || end == END_POLL)
		client_mgmt_state(&k->cm, "RECONNECTING", c->end_desc ?
				  c->end_desc : "connection-reset");
	else
		client_mgmt_state(&k->cm, "EXITING", c->end_desc ? c->end_desc :
				  end == END_EXIT ? "SIGTERM" : "error");
	conn_close(c);
	free(c->config_cipher);
	free(c);
	options_free(o);
	free(o);
	return end;
}

/* Options dcovpn parses but does not act on (yet): say so once. */
static void client_warn_unused(const struct options *o)
{
	static const char *const names[] = {
		"fragment",
		"route-metric", "block-ipv6",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (options_was_set(o, names[i]))
			log_warn("WARNING: --%s is accepted but has no effect in "
				 "dcovpn yet", names[i]);
}

/* client_run with the plugins loaded into @k */
static enum client_exit client_run_keep(const struct options *o,
					const struct client_args *a,
					struct client_keep *k)
{
	char err[CLIENTCFG_ERR_LEN];
	unsigned delay = o->connect_retry > 0 ? (unsigned)o->connect_retry : 1u;
	unsigned max_delay = o->connect_retry_max_delay > 0 ?
			     (unsigned)o->connect_retry_max_delay : 300u;
	enum client_exit ret = CLIENT_EXIT_OK;
	struct client_retry retry;
	size_t idx = 0;

	client_retry_init(&retry, o);
	/* Credentials asked on the terminal come before loop_init(), which
	 * blocks SIGINT (Ctrl-C must still end a prompt); asked through
	 * management-query-passwords, after the interface is up. */
	bool ask_mgmt = o->mgmt_addr && (o->mgmt_query_passwords ||
					 o->mgmt_external_key);
	/* as OpenVPN: the certificate is asked for after the first hold */
	bool early_hold = ask_mgmt && o->mgmt_external_cert;

	if (!ask_mgmt && clientcfg_init(&k->cc, o, NULL, err, sizeof(err))) {
		log_err("%s", err);
		clientcfg_free(&k->cc);
		return CLIENT_EXIT_FATAL;
	}
	if (loop_init(&k->loop)) {
		clientcfg_free(&k->cc);
		return CLIENT_EXIT_FATAL;
	}
	client_script_init(&k->scripts, &k->loop);
	if (client_mgmt_open(&k->cm, o, &k->loop) ||
	    (early_hold && mgmt_hold(k->cm.m, &k->loop, 0)) ||
	    (ask_mgmt && clientcfg_init(&k->cc, o, client_mgmt_asker(&k->cm, o),
					err, sizeof(err)))) {
		if (ask_mgmt && k->cm.m)
			log_err("%s", err);
		client_mgmt_close(&k->cm);
		loop_free(&k->loop);
		clientcfg_free(&k->cc);
		return CLIENT_EXIT_FATAL;
	}
	if (client_keep_tun(k, o)) {
		client_mgmt_close(&k->cm);
		loop_free(&k->loop);
		clientcfg_free(&k->cc);
		return CLIENT_EXIT_FATAL;
	}
	/* Ready before connecting, as OpenVPN: a server that cannot be
	 * reached must not fail the unit's start; it is retried. */
	sdnotify_ready();
	if (o->remote_random && o->n_remotes > 1)
		idx = (size_t)clock_now_ms() % o->n_remotes;
	for (;;) {
		bool was_up = false;
		struct client_pick pick;
		int held = early_hold ? 0 : mgmt_hold(k->cm.m, &k->loop, delay);
		enum conn_end end;

		early_hold = false;
		if (!held)
			held = client_pick_remote(&k->cm, o, &idx, &pick);
		end = held == SIGHUP ? END_RELOAD : held ? END_EXIT :
		      client_connect_once(a, k, idx, &pick, &was_up);

		if (end == END_EXIT || end == END_FATAL || end == END_RELOAD) {
			ret = end == END_EXIT ? CLIENT_EXIT_OK :
			      end == END_FATAL ? CLIENT_EXIT_FATAL : CLIENT_EXIT_RELOAD;
			break;
		}
		if (k->reask) {
			k->reask = false;
			if (clientcfg_userpass_again(&k->cc, o, err, sizeof(err))) {
				log_err("%s", err);
				ret = CLIENT_EXIT_FATAL;
				break;
			}
		}
		if (client_retry_exhausted(&retry, was_up)) {
			ret = CLIENT_EXIT_FATAL;
			break;
		}
		if (!was_up || end == END_NEXT || end == END_POLL)
			idx = o->n_remotes ? (idx + 1) % o->n_remotes : 0;
		delay = was_up ? 1u : delay;
		/* after a server poll timeout the next remote is tried at once */
		if (end != END_POLL)
			log_info("Restart pause, %u second(s)", delay);
		end = client_pause(&k->loop, k->cm.m,
				   end == END_POLL ? 0 : delay * 1000u);
		if (end != END_NONE) {
			ret = end == END_EXIT ? CLIENT_EXIT_OK : CLIENT_EXIT_RELOAD;
			break;
		}
		if (!was_up && delay < max_delay)
			delay = delay * 2 > max_delay ? max_delay : delay * 2;
	}
	netcfg_undo(&k->undo);
	if (k->tun.fd >= 0)
		tun_close(&k->tun);
	client_script_free(&k->scripts);
	client_mgmt_close(&k->cm);
	loop_free(&k->loop);
	clientcfg_free(&k->cc);
	opt_text_cache_free(&k->tc);
	return ret;
}

enum client_exit client_run(const struct options *o, const struct client_args *a)
{
	char err[CLIENTCFG_ERR_LEN];
	struct client_keep k = { 0 };
	enum client_exit ret = CLIENT_EXIT_FATAL;

	client_warn_unused(o);
	/* opened before the privileges go, kept across restarts (keep.h) */
	k.status_fd = client_status_open(o, a->keep);
	/* a server's only (server_tlsverify.h): never ignored */
	if (o->tls_export_cert) {
		log_err("Options error: --tls-export-cert is supported on a "
			"server only (yet)");
		return CLIENT_EXIT_FATAL;
	}
	if (privdrop_prepare(&k.pd, o->user, o->group, err, sizeof(err)) ||
	    privdrop_chroot(&k.pd, o->chroot_dir, err, sizeof(err))) {
		log_err("Options error: %s", err);
		return CLIENT_EXIT_FATAL;
	}
	/* as root, before the signals are blocked (what a plugin forks
	 * inherits the mask) and before the privileges go */
	if (!plugin_host_load(&k.plugins, o))
		ret = client_run_keep(o, a, &k);
	plugin_host_close(&k.plugins);
	return ret;
}
