/*
 * Internal to the server (daemon/server*.c, daemon/status.c): its state
 * and one client's.
 */
#ifndef DCOVPN_DAEMON_SERVER_INT_H
#define DCOVPN_DAEMON_SERVER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "base/log.h"
#include "base/memtrim.h"
#include "conf/opt_server.h"
#include "ctl/authtoken.h"
#include "ctl/mudp.h"
#include "ctl/pool.h"
#include "ctl/session.h"
#include "daemon/client_limits.h"
#include "daemon/clientcfg.h"
#include "daemon/engine_events.h"
#include "daemon/keep.h"
#include "daemon/plugin.h"
#include "daemon/plugin_worker.h"
#include "daemon/portshare.h"
#include "daemon/server.h"
#include "daemon/server_ccd.h"
#include "daemon/server_listen.h"
#include "daemon/server_reload.h"
#include "daemon/server_script.h"
#include "daemon/server_tlsverify.h"
#include "dcovpn/dco.h"
#include "base/idq.h"
#include "ev/dueheap.h"
#include "io/tcp.h"
#include "io/tcp_pending.h"
#include "io/tcp_rx.h"

struct server;
struct plugin_cc;

/* A fixed-window rate limit (connect-freq): up to n events per window. */
struct rate_window {
	uint64_t start_ms;
	unsigned count;
};

/* A plugin's deferred auth (auth_control_file): where it stands. */
enum auth_state { AUTH_NONE, AUTH_CALLING, AUTH_PENDING, AUTH_OK, AUTH_FAILED };

struct auth_deferred {
	enum auth_state state;       /* CALLING: the plugin thread has it */
	uint32_t serial;             /* of the last call: older results dropped */
	bool final_done;             /* TLS_FINAL called for these credentials */
	enum auth_state after_final; /* the plugins' answer while TLS_FINAL runs */
	char *acf, *apf, *afr;       /* control, pending, failed-reason files */
	uint64_t deadline_ms;        /* hand-window: refused then */
};

/* A client's way in at PUSH_REQUEST (server_admit.c). */
enum srv_admit {
	ADMIT_NONE,                  /* no PUSH_REQUEST yet */
	ADMIT_VERIFY,                /* tls-verify running */
	ADMIT_DEFERRED,              /* a plugin or the manager has not answered */
	ADMIT_AUTH,                  /* auth-user-pass-verify running/deferred */
	ADMIT_CONNECT,               /* client-connect running/deferred */
	ADMIT_DONE,                  /* PUSH_REPLY built */
	ADMIT_FAILED,
};

/* management-client-auth: the manager's decision on a client's key. */
struct srv_mauth {
	enum auth_state state;
	unsigned kid, next_kid;      /* the request out, the next one's */
	bool announced;              /* >CLIENT:CONNECT sent */
	bool answer;                 /* approved: push at the next tick */
	char *config;                /* client-auth's block, until applied */
	uint64_t deadline_ms;        /* refused then, still undecided */
};

/* An iroute installed for a client, for learn-address (server_learn.c). */
struct server_iroute {
	struct dco_route r;
	bool gone;                   /* stale-routes-check removed it */
};

/* A TLS_VERIFY or TLS_FINAL call out (server_plugin_tls.c). */
struct srv_client;
typedef void (*server_plugin_tls_fn)(struct srv_client *c, int ret);
struct srv_plugin_tls {
	server_plugin_tls_fn done;   /* NULL: nothing out */
	uint32_t serial;             /* of the call out: older results dropped */
	int depth;                   /* TLS_VERIFY: the certificate asked about */
};

struct srv_client {
	struct server *srv;
	uint32_t peer_id;            /* = slot in srv->clients */
	uint32_t client_id;          /* OpenVPN's CID, counts up */
	enum dco_transport tr;
	const struct srv_listener *ln; /* the socket it came in on */
	struct sockaddr_storage addr;
	socklen_t addr_len;
	/* UDP, --multihome: our address it talks to, where replies leave
	 * from (the engine's peer keeps its own, moved by floats) */
	struct dco_local local;
	char real[INET6_ADDRSTRLEN + 8];   /* "198.18.0.2:5000" */
	char desc[INET6_ADDRSTRLEN + 20];  /* "[AF_INET]198.18.0.2:5000" */
	/* heap strings sized to fit (server_client_name; never NULL once
	 * the client exists): fixed arrays cost 568 bytes per client */
	char *cn;                          /* "" until known */
	char *prefix;                      /* "cn/ip:port" */
	struct session sess;
	bool sess_up;
	bool muted;                  /* drop sends (see session_init_accepted) */
	int tcp_fd;                  /* ours until the engine takes it */
	/* a TCP client's frame being read, while tcp_fd is ours: 64 kB,
	 * so allocated only then (not in every UDP client) */
	struct tcp_rx *rx;
	bool peer_added;
	/* control bytes before the engine counted for the peer (the TLS
	 * handshake), kept when the peer is added */
	uint64_t pre_rx_bytes, pre_tx_bytes;
	bool pushed;                 /* data channel up, PUSH_REPLY built */
	char *push_reply;            /* n_push_msgs messages, each NUL-ended */
	unsigned n_push_msgs;
	uint64_t push_again_ms;      /* a PUSH_REQUEST before: not answered */
	int pool_idx;                /* -1: none (ccd ifconfig-push or none) */
	bool has4, has6;
	bool stale4, stale6;         /* its route went stale (server_stale.c) */
	struct in_addr vpn4;
	struct in6_addr vpn6;
	enum dco_cipher cipher;
	bool epoch;                  /* OpenVPN 2.7 epoch data keys */
	time_t since;
	bool dead;                   /* reaped at the next server_reap */
	struct srv_client *dead_next; /* on srv->dead, once dead */
	struct due_node due;         /* in srv->due: its next visit (server_due.c) */
	/* in srv->idx (server_index.c) once admitted to the table */
	bool indexed;
	/* chains with a back link (each unlink O(1): with duplicate-cn
	 * every client may share one name, so one bucket) */
	struct srv_client *addr_next, **addr_pprev; /* address (UDP clients) */
	struct srv_client *cn_next, **cn_pprev;     /* common name */
	uint64_t kill_at_ms;         /* AUTH_FAILED sent: end then */
	struct plugin_client *plugin; /* per-client plugin contexts (plugin thread) */
	bool ipchange_done;          /* IPCHANGE called */
	struct plugin_cc *pcc;       /* a CLIENT_CONNECT under way, or NULL */
	uint32_t pcc_serial;         /* tags its plugin-thread calls */
	struct auth_deferred auth;   /* a plugin's deferred answer */
	struct srv_plugin_tls ptls;  /* TLS_VERIFY/TLS_FINAL out */
	struct server_iroute *iroutes; /* installed, as learned (heap) */
	size_t n_iroutes;
	struct srv_mauth mauth;      /* management-client-auth */
	enum srv_admit admit;        /* server_admit.c */
	struct options *co;          /* ccd + client-connect, while admitted */
	struct srv_scripts scr;
	struct srv_tlsverify tv;     /* tls-verify, before admission */
	struct client_inactive inact; /* --inactive (server_idle.c) */
	uint64_t session_deadline_ms; /* session-timeout; 0: none */
	uint8_t ccd_digest[SERVER_CCD_DIGEST_LEN]; /* its ccd file at admission */
};

/* The clients by transport address and by common name (server_index.c):
 * what a packet from an unknown peer-id and a new connection's CN check
 * look up, without a walk over every slot. Chained through the clients. */
struct srv_index {
	struct srv_client **by_addr;
	struct srv_client **by_cn;
	uint32_t mask;               /* buckets - 1 (a power of two) */
	uint32_t seed;               /* the sender picks its address */
};

struct server {
	const struct options *o;
	const struct opt_server *so;
	struct clientcfg cc;
	struct loop *loop;
	struct dco *dco;
	struct engine_events events; /* the engine's queue, to server_engine_event */
	struct srv_listeners ls;          /* --local sockets (server_listen.c) */
	struct srv_reload reload;         /* SIGHUP in place (server_reload.c) */
	struct portshare ps;              /* port-share: other protocols */
	struct mudp mudp;
	struct mem_trim trim;             /* after clients leave (memtrim.h) */
	struct mudp_result mres;
	uint64_t cookie_replies;
	uint64_t auth_drops;         /* strangers' packets failing the wrap */
	uint64_t auth_drop_log_ms;   /* last time one was logged */
	struct rate_window new_clients;   /* connect-freq */
	struct rate_window cookie_rate;   /* connect-freq-initial */
	struct srv_client **clients;     /* by slot (= peer-id) */
	uint32_t max_clients, n_clients, next_client_id;
	uint32_t n_pushed;           /* clients pushed and not dead */
	struct idq free_slots;       /* the slots no client holds */
	struct srv_index idx;
	struct dueheap due;          /* the live clients by next visit */
	struct srv_client *dead;     /* killed, freed by server_reap */
	/* addressing (server_plan) */
	enum opt_topology topo;
	struct in_addr local4, remote4, mask4;   /* our tun; remote: net30 */
	bool has6;
	struct in6_addr local6;
	int bits6;
	bool has_pool;
	struct pool pool;
	uint64_t pool_save_ms;
	int pool_fd;                 /* ifconfig-pool-persist, in s->keep */
	struct log_ratelimit pool_log;
	/* status file */
	int status_fd;               /* -1: none; owned by s->keep */
	uint64_t status_next_ms;
	uint64_t stale_next_ms;      /* stale-routes-check; 0: not started */
	struct log_ratelimit status_log;
	struct keep *keep;           /* what outlives a restart (main's) */
	bool tun_kept;               /* the tun is keep's (persist-tun) */
	bool has_token_key;          /* auth-gen-token */
	struct authtoken_key token_key;
	struct mgmt *mgmt;           /* --management, or NULL */
	struct plugin_host plugins;  /* --plugin lines */
	struct srv_scriptrun scripts;
	struct plugin_worker pw;     /* the thread that calls the plugins */
	uint32_t auth_serial;
	bool stop;
	bool restart;                /* SIGHUP/SIGUSR1: run again, config re-read */
	int stop_sig;                /* the signal that ended it, or 0 */
};

/* server_clients.c: the client table, a client's session and life. */
struct srv_client *server_client(struct server *s, uint32_t peer_id);
void server_client_kill(struct srv_client *c, const char *why);
/* @c's data channel is up (PUSH_REPLY built) or down again: c->pushed,
 * and the server's count of such live clients with it. */
void server_client_set_pushed(struct srv_client *c, bool pushed);
/* Send @msg (NULL: none), end the client a moment later. */
void server_client_kill_later(struct srv_client *c, const char *msg);
/* A UDP client comes with @ev (its packet) and, past the cookie check,
 * @cookie; a TCP client with @tcp_fd. @ln: the socket it came to. NULL
 * when refused (max-clients, connect-freq) or on failure. */
struct srv_client *server_client_new(struct server *s,
				     const struct srv_listener *ln,
				     const struct sockaddr_storage *a,
				     socklen_t alen, int tcp_fd,
				     const struct mudp_result *cookie,
				     const struct dco_event *ev);
void server_client_free(struct server *s, struct srv_client *c);
/* The client's (new) link address and its description. */
/* @c's common name becomes @cn (NULL: unchanged) and its log prefix
 * "cn/real" is rebuilt; 0 or -ENOMEM (then both are as they were). */
int server_client_name(struct srv_client *c, const char *cn);
void server_client_set_addr(struct srv_client *c,
			    const struct sockaddr_storage *a, socklen_t len);
/* May one more happen now: at most @n per @secs (n 0: no limit)? */
bool server_rate_allow(struct rate_window *w, int n, int secs, uint64_t now);
/* Free the dead clients (never from inside their own callbacks). */
void server_reap(struct server *s);

/* server_index.c: see struct srv_index. A client is in it from its
 * admission to the table (server_client_new) to its free; its address and
 * name changes are followed (server_client_set_addr, server_client_name). */
int server_index_init(struct srv_index *x, uint32_t max_clients);
void server_index_free(struct srv_index *x);
void server_index_link(struct srv_index *x, struct srv_client *c);
void server_index_unlink(struct srv_index *x, struct srv_client *c);
/* A live UDP client at @a, or NULL. */
struct srv_client *server_index_addr(const struct srv_index *x,
				     const struct sockaddr_storage *a,
				     socklen_t len);
/* The first client after @after (NULL: the first) named @cn, or NULL. */
struct srv_client *server_index_cn(const struct srv_index *x, const char *cn,
				   const struct srv_client *after);

/*
 * server_due.c: each live client is visited (session timers, hand-window,
 * inactive/session-timeout, deferred answers, kill delay) only when its
 * next deadline comes, not on every turn of the loop. Whatever may bring
 * a client's deadline closer wakes it for the next tick: its packets, its
 * sends, answers from scripts, plugins and the manager, kill_later. A
 * visit computes the next deadline from the whole state again.
 */
void server_client_wake(struct srv_client *c);
void server_due_wake_all(struct server *s);
/* Visit the clients due by @now; lowers *@next to the next one's time. */
void server_due_run(struct server *s, uint64_t now, uint64_t *next);

/* server_events.c: the transports' and the engine's events. */
/* A TCP connection's first frame (io/tcp_pending.c); port-share's
 * foreign one. */
int server_tcp_first(void *ctx, int fd,
		     const struct sockaddr_storage *a, socklen_t alen,
		     uint8_t *frame, size_t len);
int server_tcp_foreign(void *ctx, int fd,
		       const struct sockaddr_storage *a, socklen_t alen,
		       const uint8_t *head, size_t len);
/* One event of the engine's (engine_events.h): always true, go on. */
bool server_engine_event(void *ctx, const struct dco_event *ev);

/* status.c: a client's link bytes each way, as OpenVPN counts them
 * (control packets included). */
void server_client_bytes(const struct srv_client *c, uint64_t *rx,
			 uint64_t *tx);

/* server_mgmt.c: --management for the server. Open it (and wait there
 * for "hold release" with management-hold): 0, the signal that ended the
 * wait, or -1 (cannot listen). */
int server_mgmt_open(struct server *s);
/* Initialization done: state CONNECTED. */
void server_mgmt_connected(struct server *s);
/* The instance is down (after s->stop_sig): state EXITING or, for a
 * restart, RECONNECTING, named for the signal, as OpenVPN. */
void server_mgmt_ending(struct server *s);
/* A SIGHUP applied in place: the manager sees what a restart shows
 * (RECONNECTING,SIGHUP, then ASSIGN_IP and CONNECTED), as OpenVPN's. */
void server_mgmt_reloaded(struct server *s);
/* Close it; for a restart it goes to s->keep, its manager connected. */
void server_mgmt_close(struct server *s);

/* server_mgmt_env.c: a >CLIENT notification's environment (@env, from
 * server_script_env, NULL-ended) reordered in place as OpenVPN 2.6 prints
 * it, newest first; at a CONNECT, what client-connect sets is left out
 * (freed). */
enum sma_env { SMA_ENV_CONNECT, SMA_ENV_REAUTH, SMA_ENV_ESTABLISHED,
	       SMA_ENV_DISCONNECT, SMA_ENV_KINDS };
void sma_env_order(char **env, enum sma_env kind);

/* server_mgmt_auth.c: >CLIENT notifications, management-client-auth. */
/* 0 (approved, or no management-client-auth), -EACCES (denied) or
 * -EINPROGRESS (the manager is asked / not answered yet: the decision
 * answers the PUSH_REQUEST when it comes). */
int server_mgmt_auth(struct srv_client *c);
/* A renegotiation: >CLIENT:REAUTH (a denial ends the client). */
void server_mgmt_reauth(struct srv_client *c);
/* client-auth's config block into @co, as a client-connect file's. */
int server_mgmt_connect(struct srv_client *c, struct options *co);
/* Set up: >CLIENT:ADDRESS and >CLIENT:ESTABLISHED. */
void server_mgmt_established(struct srv_client *c);
/* Gone: >CLIENT:DISCONNECT (after a CONNECT). */
void server_mgmt_client_free(struct srv_client *c);
/* @c undecided past the deadline: refused; an approval answered; lowers
 * *@next. */
void server_mgmt_auth_client_tick(struct srv_client *c, uint64_t now,
				  uint64_t *next);
/* The mgmt_ops client_auth / client_pending (ctx: the server). */
int server_mgmt_decide(void *ctx, unsigned long cid, unsigned kid, bool ok,
		       const char *config, const char *reason,
		       const char *client_reason);
int server_mgmt_pending(void *ctx, unsigned long cid, unsigned kid,
			const char *extra, unsigned timeout);

/* server_plan.c */
int server_plan(struct server *s);
int server_net_up(struct server *s);
/* The addresses server_net_up gave a tun that outlives this instance. */
void server_net_down(struct server *s);
void server_routes_up(struct server *s);
/* server_push.c */
void server_client_disconnect(struct srv_client *c);

/* server_pool.c: ifconfig-pool-persist, read at start and written every
 * SECONDS and at exit, through the file kept across restarts. */
void server_pool_load(struct server *s);
void server_pool_save(struct server *s);
/* Admission steps (server_admit.c drives them): username-as-common-name,
 * ccd file, NCP, address; then, once client-connect said yes, the
 * client-connect address, the peer, the data channel and the PUSH_REPLY.
 * 0 or <0: refuse. */
int server_client_identify(struct srv_client *c, struct options *co);
int server_client_setup(struct srv_client *c, struct options *co);
/* auth-gen-token: a (renewed) token for the client; false: none. */
bool server_client_token(const struct srv_client *c, char token[AUTHTOKEN_MAX]);
/* Send the PUSH_REPLY built by server_client_setup. As OpenVPN
 * (process_incoming_push_request), a PUSH_REQUEST within
 * SERVER_PUSH_AGAIN_MS of it is not answered again. */
#define SERVER_PUSH_AGAIN_MS 30000u
void server_push_send(struct srv_client *c);
/* Log a control message sent to @c as OpenVPN does ("SENT CONTROL"). */
void server_log_sent(const struct srv_client *c, const char *msg);
/* A client the management commands see: connected, pushed to, not on
 * its way out (server_mgmt.c). */
bool server_mgmt_listed(const struct srv_client *c);
/* server_pushupd.c: the management push-update commands (mgmt.h). */
int server_push_update(void *ctx, const unsigned long *cid, const char *opts,
		       uint32_t *peer_id);

/* server_admit.c: PUSH_REQUEST starts admission (plugins, the manager,
 * auth-user-pass-verify, client-connect, each maybe deferred) and, once
 * admitted, answers with the PUSH_REPLY; a refusal sends AUTH_FAILED and
 * ends the client. Also called again when a deferred plugin or manager
 * answer came. Returns 0 (a refusal is acted on here). */
int server_push(struct srv_client *c);
/*
 * At "Peer Connection Initiated": a client whose IV_PROTO announces
 * REQUEST_PUSH (2.5+) is admitted and answered at once, as OpenVPN takes
 * that bit for its first PUSH_REQUEST; without it the client waits for
 * its own push-request timer (about a second) before it asks.
 */
void server_push_if_requested(struct srv_client *c);
/* A renegotiation brought credentials: check them again (AUTH_FAILED and
 * the end of the client if they fail), renew the auth-token. */
void server_reauth(struct srv_client *c);
/* The client goes: its admission state. */
void server_admit_free(struct srv_client *c);

/* server_script*.c (the rest in server_script.h) */
/* Before a password check: 0 none needed (auth-user-pass-optional without
 * credentials, or an auth-token of ours), -EACCES refused, 1 check it. */
int server_auth_precheck(struct srv_client *c);
/* A private temporary file in --tmp-dir (else /tmp), its path in @path:
 * the open fd or -errno. */
int server_script_tmpfile(const struct srv_client *c, char *path, size_t len,
			  const char *tag);
/* The environment a @type script of @c gets (without script_type, as
 * plugins get it), plus @extra "name=value" strings: NULL-ended, malloc'd,
 * freed (and wiped: it may hold the password) by server_script_env_free. */
char **server_script_env(const struct srv_client *c, const char *type,
			 const char *const *extra);
void server_script_env_free(char **env);

/* server_plugin.c: the --plugin events of a server and its clients. */
/* Load and open the plugins (as root, before anything else opens). */
int server_plugin_open(struct server *s);
/* --user/--group done: open the POST_UID_CHANGE ones. */
int server_plugin_post_uid(struct server *s);
void server_plugin_close(struct server *s);
/* Stop the plugin thread once its queue ran (the clients are gone). */
void server_plugin_drain(struct server *s);
/* The client's plugin contexts (none without plugins). 0 or -ENOMEM. */
int server_plugin_client_new(struct srv_client *c);
void server_plugin_client_free(struct srv_client *c);
/* AUTH_USER_PASS_VERIFY: 0 accepted, -EACCES refused, -EINPROGRESS the
 * answer is deferred (asked again at the next PUSH_REQUEST; the tick
 * acts on it as soon as it comes). */
int server_plugin_auth(struct srv_client *c);
/* Forget the last answer: the credentials are checked again (rekey). */
void server_plugin_auth_reset(struct srv_client *c);
/* @c's deferred answers: act on those that came, refuse those past their
 * deadline; lowers *@next while some are pending. */
void server_plugin_client_tick(struct srv_client *c, uint64_t now,
			       uint64_t *next);

/* server_quota.c: installs @cs's iroutes for @c in the engine, those
 * --max-routes-per-client lets it hold, in OpenVPN's order. */
void server_quota_iroutes(struct srv_client *c, const struct opt_server *cs);

/* server_idle.c: --inactive per client, as OpenVPN's client instances:
 * true when @c was ended for carrying too little; else *@next is moved to
 * its deadline if that is sooner. */
bool server_idle_check(struct server *s, struct srv_client *c, uint64_t now,
		       uint64_t *next);
/* server_stale.c: stale-routes-check, run from the tick; *@next is moved
 * to its next sweep. */
void server_stale_tick(struct server *s, uint64_t now, uint64_t *next);
/* One call for @c with its @script_type environment (plus @extra
 * "name=value" strings) on the plugin thread; @wait for the answer (and
 * @config) or not (the answer is then PLUGIN_OK). */
struct server_plugin_call {
	int type;
	const char *script_type;
	const char *const *args, *const *extra;
	bool wait;
	char **config;
};
enum plugin_result server_plugin_call(struct srv_client *c,
				      const struct server_plugin_call *pc);

/* server_plugin_cc.c: CLIENT_CONNECT(_V2), deferred as OpenVPN 2.6 lets
 * them (client_connect_deferred_file, CLIENT_CONNECT_DEFER(_V2)). 0 done,
 * -errno refused, -EINPROGRESS: @done(c, result) comes from the tick. The
 * config they return goes into @co as a client-connect file's would. */
typedef void (*server_plugin_cc_done)(struct srv_client *c, int ret);
int server_plugin_connect(struct srv_client *c, struct options *co,
			  server_plugin_cc_done done);
/* @c's deferred client-connect: poll it (lowers *@next while it waits). */
void server_plugin_cc_client_tick(struct srv_client *c, uint64_t now,
				  uint64_t *next);
void server_plugin_cc_free(struct srv_client *c);
/*
 * TLS_VERIFY for each certificate of the client's chain, the CA's first
 * (argv: depth, subject; the X509 as current_cert), and TLS_FINAL once the
 * key state is authenticated (credentials and all), on the plugin thread
 * (server_plugin_tls.c): 0 nothing to call (or TLS_FINAL done already),
 * -EINPROGRESS @done(c, 0 | -EPERM | -EACCES) comes later, on the loop,
 * unless the client is gone; other -errno: could not be called.
 */
int server_plugin_tls_verify(struct srv_client *c, server_plugin_tls_fn done);
int server_plugin_tls_final(struct srv_client *c, server_plugin_tls_fn done);
/* The client's address is known (TLS done): IPCHANGE, not waited for. */
void server_plugin_ipchange(struct srv_client *c);
void server_plugin_disconnect(struct srv_client *c);
void server_plugin_learn(struct srv_client *c, const char *op);
/* server_learn.c: learn-address for iroutes, after the client's own
 * addresses; @op "add" or "delete" (those still held). */
void server_learn_iroute_installed(struct srv_client *c,
				   const struct opt_iroute *r);
void server_learn_iroutes(struct srv_client *c, const char *op);
/* >CLIENT:ADDRESS,CID,NET/BITS,0 for each (client-auth managers) */
void server_learn_iroutes_mgmt(struct srv_client *c);
/* stale-routes-check removed @r: true if it was one of @c's iroutes */
bool server_learn_iroute_gone(struct srv_client *c, const struct dco_route *r);
void server_learn_free(struct srv_client *c);
/* learn-address @op for one address text of @c's (an iroute: "net/bits") */
void server_plugin_learn_addr(struct srv_client *c, const char *op,
			      const char *addr);

#endif
