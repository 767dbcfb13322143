/*
 * One client connection, shared by the files that run it (internal to the
 * client, not an API):
 *   client.c        the reconnect loop: remotes, retries, what outlives a
 *                   connection (client_keep)
 *   client_conn.c   one connection's life: open, tick, deadlines, signals,
 *                   close
 *   client_link.c   the transport (UDP, TCP, proxy) and the engine's events
 *   client_pull.c   control messages: PUSH_REPLY, AUTH_FAILED, RESTART...,
 *                   tls-verify, the connect check (GET_CONFIG)
 *   client_info.c   INFO_PRE / INFO (>INFOMSG), AUTH_PENDING
 *   client_data.c   the data channel: cipher from the push or P2P NCP,
 *                   peer, keepalive, tun addresses
 *   client_static.c static key mode (--secret): the key file's keys
 *   client_upseq.c  after the data channel: up script, routes, route-up,
 *                   Initialization Sequence Completed
 */
#ifndef DCOVPN_DAEMON_CLIENT_CONN_H
#define DCOVPN_DAEMON_CLIENT_CONN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/options.h"
#include "ctl/push.h"
#include "ctl/session.h"
#include "daemon/client_dns.h"
#include "daemon/client_limits.h"
#include "daemon/client_mgmt.h"
#include "daemon/client_script.h"
#include "daemon/clientcfg.h"
#include "daemon/engine_events.h"
#include "daemon/netcfg.h"
#include "daemon/plugin.h"
#include "daemon/privdrop.h"
#include "dcovpn/dco.h"
#include "ev/loop.h"
#include "io/tcp.h"
#include "io/tcp_rx.h"
#include "io/tun.h"

struct socks_udp;

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

#define CONN_HELD_MAX 16u

struct conn {
	struct options *o;
	struct clientcfg *cc;
	struct loop *loop;
	struct dco *dco;
	struct engine_events events; /* the engine's queue, to conn_engine_event */
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
	unsigned pushupd_reset;         /* PUSH_UPDATE: route families
					 * replaced in this sequence */
	struct client_inactive inact;   /* --inactive */
	enum conn_end end;
	struct client_script *scripts;
	struct client_dns *dns;
	struct scriptrun_job *job;      /* up or route-up running */
	bool routes_added;
	bool up_failed;                 /* fatal: no down script */
	const char *signal;             /* the one that ended us ("sigterm") */
	int exit_sig;                   /* SIGINT/SIGTERM that ended it, or 0 */
	char signal_text[32];           /* else why, for down's $signal */
	uint64_t established_ms;        /* the first key state became active */
	bool initiated;                 /* Peer Connection Initiated, verified */
	uint64_t connect_check_ms;      /* next connect check; 0: none */
	char *held[CONN_HELD_MAX];      /* PUSH_REPLYs while tls-verify runs */
	unsigned n_held;
	struct socks_udp *socks;        /* UDP through --socks-proxy, or NULL */
	struct client_persist *persist; /* the run's (client_persist.h) */
	struct sockaddr_storage local;  /* --local as bound; len 0: none */
	socklen_t local_len;
};

/* client_conn.c */
void conn_end(struct conn *c, enum conn_end why);
/* OpenVPN's "SIGTERM[soft,exit-with-notification] received, process
 * exiting" once the connection is down, if a signal ended it. */
void conn_log_exit(const struct conn *c);
/* client_pushupd.c: a PUSH_UPDATE message from the server. */
void client_push_update(struct conn *c, const char *msg);
/* A TLS error: what ends the connection (tls-exit or restart). */
enum conn_end conn_tls_failed(struct conn *c);
/* Open, run until it ends, send explicit-exit-notify if asked. */
enum conn_end conn_run(struct conn *c);
void conn_close(struct conn *c);
bool conn_goes_down(const struct conn *c);
bool opts_dev_null(const struct options *o);

/* client_data.c: the engine's ping and ping-restart for the peer (none
 * yet while a ping-timer-rem end waits for its peer). */
int conn_keepalive(struct conn *c);

/* client_link.c */
int conn_send(void *ctx, const uint8_t *pkt, size_t len);
int conn_resolve(struct conn *c);
/* OpenVPN's --ifconfig clash warnings for the addresses as resolved: a
 * configured --ifconfig when the socket opens, a pulled one (@pulled)
 * when the push came. */
void conn_clash_warn(const struct conn *c, bool pulled);
void conn_describe(struct conn *c);
int conn_open_udp(struct conn *c);
int conn_open_tcp(struct conn *c);
bool conn_engine_event(void *ctx, const struct dco_event *ev);

/* client_socks.c: UDP through --socks-proxy; c->remote (the proxy's
 * address when called) becomes the relay's shim. 0 or -errno (logged). */
int conn_socks_udp(struct conn *c);
void conn_socks_close(struct conn *c);

/* client_pull.c: the session's callbacks (ctl/session.h) */
void conn_message(void *ctx, const char *msg);
void conn_active(void *ctx);
void conn_peer_found(void *ctx);
void conn_release_held(struct conn *c, bool use);
void conn_auth_token(struct conn *c);
/* The connect check (OpenVPN's wait_for_connect): GET_CONFIG and the
 * first PUSH_REQUEST, unless a PUSH_REPLY came first; then the requests
 * every 5 s until the reply, or giving up ("no-push-reply"). */
void conn_pull_arm(struct conn *c, uint64_t now);
void conn_pull_tick(struct conn *c, uint64_t now);

/* client_info.c: INFO_PRE, INFO, AUTH_PENDING; false: not one of them. */
bool conn_info_message(struct conn *c, const char *msg);

/* client_data.c */
int conn_pull_up(struct conn *c);
int conn_p2p_up(struct conn *c);
void conn_after_up(struct conn *c, int ret);

/* client_static.c: install the --secret key for @cipher */
int client_static_key(struct conn *c, enum dco_cipher cipher);
/* No --remote: an unspecified address (port 0: nothing leaves) until the
 * first packet that authenticates moves the peer there (a float). */
void client_static_wait_peer(struct conn *c);
/* client_data.c: static key mode's data channel, instead of a session */
int conn_static_up(struct conn *c);

/* client_upseq.c */
struct client_script_call conn_call(const struct conn *c,
				    enum script_kind kind, const char *cmd);
void conn_script_wait(struct conn *c, enum script_kind kind, const char *cmd);
void conn_updown(struct conn *c, const char *what);
void conn_up_script(struct conn *c);
void conn_routes_up(struct conn *c);

#endif
