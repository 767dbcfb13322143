/*
 * dcovpn's options: what OpenVPN 2.6 config files, command lines and
 * PUSH_REPLY messages say, parsed through one table (optable.c) into
 * struct options.
 *
 * Sources and where an option may appear (the table's "where" column):
 *   config file, command line (--name args...), pushed by a server
 *   (PUSH_REPLY), client-config-dir file (server side, later).
 * Everything is applied in order; a later scalar overrides an earlier one,
 * list options (remote, route, setenv, ...) append, as in OpenVPN.
 *
 * Errors stop parsing and read "file:line: what is wrong", for instance
 *   client.conf:7: unrecognized option or missing or extra parameter(s): foo
 * Options listed earlier in "ignore-unknown-option", and unknown options
 * behind "setenv opt", only warn (log_warn, counted in options.warnings).
 *
 * Recognised but unsupported options are refused with a message saying so
 * (e.g. fragment, pkcs12, management); options OpenVPN itself
 * ignores on Linux (block-outside-dns, ...) are accepted and ignored.
 *
 * Strings are heap copies owned by struct options; inline blocks and
 * auth-token may be secrets and are wiped by options_free.
 * Not thread-safe: one struct options per parser.
 */
#ifndef DCOVPN_CONF_OPTIONS_H
#define DCOVPN_CONF_OPTIONS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/dns.h"
#include "dcovpn/dco.h"

#define OPT_ERR_LEN 384u
#define OPT_MAX_DEPTH 10	/* nested "config", as OpenVPN */
#define OPT_MAX_REMOTES 64	/* OpenVPN's CONNECTION_LIST_SIZE */
#define OPT_MAX_LOCALS 8	/* listening sockets (the engine's UDP limit) */
#define OPT_MAX_FILE (4u << 20)	/* a config file larger than this is refused */
#define OPT_MAX_FILE_TEXT "4 MiB"

enum opt_proto {
	OPT_PROTO_NONE = 0,	/* not given: UDP, as OpenVPN's default */
	OPT_PROTO_UDP,
	OPT_PROTO_TCP_CLIENT,
	OPT_PROTO_TCP_SERVER,
	OPT_PROTO_TCP,		/* "tcp": client or server decided by mode */
};

enum opt_family {
	OPT_AF_ANY = 0,		/* udp, tcp: v4 or v6 as resolved */
	OPT_AF_INET,		/* udp4, tcp4-client, ... */
	OPT_AF_INET6,
};

struct opt_transport {
	enum opt_proto proto;
	enum opt_family family;
};

/* A local line (2.7: "local host|* [port] [proto]"; a server may have
 * several, one socket each). */
struct opt_local {
	char *host;		/* NULL: '*', the system's choice */
	char *port;		/* NULL: use --lport/--port */
	struct opt_transport tr;	/* proto NONE: use the global proto */
};

/* A remote line, or a <connection> block (remote, proto, port in it). */
struct opt_proxy;
struct opt_remote {
	char *host;
	char *port;		/* NULL: use the global port/rport */
	struct opt_transport tr;	/* proto NONE: use the global proto */
	struct opt_proxy *http_proxy;	/* its <connection> block's own
					 * http-proxy (heap), or NULL */
};

/* A file name or inline content (<ca>...</ca>); inline wins if both. */
struct opt_file {
	char *path;
	char *data;		/* inline content, NUL-terminated */
	size_t len;
};

enum opt_key_dir {
	OPT_KEYDIR_UNSET = -1,
	OPT_KEYDIR_NORMAL = 0,	/* "0" */
	OPT_KEYDIR_INVERSE = 1, /* "1" */
	OPT_KEYDIR_BIDIR = 2,	/* "bidirectional" */
};

struct opt_route {
	char *network;		/* address, host name or vpn_gateway/... */
	char *netmask;		/* NULL: 255.255.255.255 */
	char *gateway;		/* NULL: route-gateway / vpn gateway */
	int metric;		/* -1: not given */
};

struct opt_route6 {
	char *network;		/* "addr/bits" */
	char *gateway;
	int metric;
};

struct opt_strv {
	char **v;
	size_t n;
};

/* http-proxy / socks-proxy SERVER PORT [AUTHFILE|auto|auto-nct] [METHOD] */
enum opt_proxy_auth {
	OPT_PROXY_AUTH_NONE = 0,
	OPT_PROXY_AUTH_BASIC,	/* user:password in the clear (base64) */
	OPT_PROXY_AUTH_DIGEST,	/* RFC 2617, only learnt from a 407 (auto) */
	OPT_PROXY_AUTH_NTLM2,	/* NTLMv2 (http-proxy ... ntlm2) */
};

struct opt_proxy {
	char *host, *port;
	char *authfile;		/* user and password, two lines */
	enum opt_proxy_auth auth;
	bool auto_auth;		/* auto: learn the method from a 407 */
	bool no_cleartext;	/* auto-nct: never basic */
};

/* setenv NAME VALUE and dhcp-option TYPE [VALUE]: pairs, in order. */
struct opt_pair {
	char *name;
	char *value;		/* may be "" */
};

struct opt_pairs {
	struct opt_pair *v;
	size_t n;
};

enum opt_filter_action { OPT_FILTER_ACCEPT, OPT_FILTER_IGNORE, OPT_FILTER_REJECT };

struct opt_filter {
	enum opt_filter_action action;
	char *prefix;
};

enum opt_topology { OPT_TOPO_UNSET = 0, OPT_TOPO_NET30, OPT_TOPO_P2P, OPT_TOPO_SUBNET };
enum opt_dev_type { OPT_DEV_UNSET = 0, OPT_DEV_TUN, OPT_DEV_TAP, OPT_DEV_NULL };
enum opt_comp { OPT_COMP_UNSET = 0, OPT_COMP_NO, OPT_COMP_STUB, OPT_COMP_STUB_V2,
		OPT_COMP_LZO, OPT_COMP_LZ4, OPT_COMP_LZ4_V2, OPT_COMP_MIGRATE };
enum opt_allow_comp { OPT_ALLOWCOMP_UNSET = 0, OPT_ALLOWCOMP_NO,
		      OPT_ALLOWCOMP_ASYM, OPT_ALLOWCOMP_YES };
enum opt_auth_retry { OPT_AUTHRETRY_NONE = 0, OPT_AUTHRETRY_NOINTERACT,
		      OPT_AUTHRETRY_INTERACT };

/* redirect-gateway flags */
#define OPT_REDIR_ENABLE	(1u << 0)
#define OPT_REDIR_LOCAL		(1u << 1)
#define OPT_REDIR_AUTOLOCAL	(1u << 2)
#define OPT_REDIR_DEF1		(1u << 3)
#define OPT_REDIR_BYPASS_DHCP	(1u << 4)
#define OPT_REDIR_BYPASS_DNS	(1u << 5)
#define OPT_REDIR_BLOCK_LOCAL	(1u << 6)
#define OPT_REDIR_IPV6		(1u << 7)
#define OPT_REDIR_NOT_IPV4	(1u << 8)

/* protocol-flags (pushed) */
#define OPT_PF_CC_EXIT		(1u << 0)
#define OPT_PF_TLS_EKM		(1u << 1)
#define OPT_PF_DYN_TLS_CRYPT	(1u << 2)
#define OPT_PF_AEAD_EPOCH	(1u << 3)

#define OPT_SEEN_WORDS 8	/* bitmap over the option table */

struct opt_server;

/*
 * Config files as first read (copies, wiped when freed). A process that
 * gives up root (--user) parses its configuration again for every
 * reconnect from these, as OpenVPN never re-reads its files on SIGUSR1.
 */
#define OPT_TEXT_CACHE_MAX 16
struct opt_text_cache {
	/* Set for a client's parse again at reconnect: `cd` does not move,
	 * the process is where the first parse left it (and the files come
	 * from here, read by that parse). */
	bool replay;
	unsigned n;
	struct {
		char *path, *text;
		size_t len;
	} files[OPT_TEXT_CACHE_MAX];
};
void opt_text_cache_free(struct opt_text_cache *tc);

struct options {
	struct opt_text_cache *text_cache; /* NULL: read files from disk */
	/* mode */
	bool client, pull, tls_client, tls_server;

	/* device */
	char *dev;
	enum opt_dev_type dev_type;
	char *dev_node;
	int txqueuelen;		/* 0: default */
	enum opt_topology topology;
	int tun_mtu;		/* 0: default (1500) */
	int max_packet_size;	/* control packets; 0: 1250 */
	bool auth_user_pass_optional;	/* server: clients may come without */
	int mssfix;		/* -1: default, 0: off */
	bool mssfix_mtu, mssfix_fixed;

	/* transport */
	struct opt_transport proto;
	struct opt_remote *remotes;
	size_t n_remotes;
	bool remote_random;
	bool remote_random_hostname;	/* look names up with a random prefix */
	/*
	 * As OpenVPN: "port" sets both, "lport"/"rport" one; the last line
	 * wins. lport_defined only by "lport" (it asks for a bound port).
	 */
	char *lport;
	char *rport;
	bool lport_defined;
	char *local;		/* the first local line's host (a client's bind) */
	struct opt_local *locals;
	size_t n_locals;
	bool nobind, bind, floating;
	int resolv_retry;	/* seconds, -1: infinite, -2: unset */
	int connect_retry, connect_retry_max_delay;
	int connect_retry_max;	/* 0: unlimited */
	bool tls_exit;		/* exit, not restart, on a TLS error */
	int sndbuf, rcvbuf;
	bool fast_io;
	enum dco_aead_backend aead_backend;	/* 0: auto */
	bool persist_key, persist_tun;
	bool down_pre;                  /* down script before the tun closes */

	/* TLS */
	struct opt_file ca, cert, key, extra_certs, crl_verify;
	struct opt_file pkcs12;	/* cert, key and CAs (inline: base64) */
	char *capath;		/* hashed directory of CAs and CRLs */
	bool crl_verify_dir;			/* crl-verify DIR dir */
	struct opt_file tls_auth, tls_crypt, tls_crypt_v2;
	struct opt_file secret;	/* static key mode (P2P, no TLS) */
	bool tls_crypt_v2_force_cookie;		/* server: tls-crypt-v2 FILE force-cookie */
	enum opt_key_dir key_direction;	/* from key-direction or tls-auth's arg */
	char *remote_cert_tls;	/* "server" or "client" */
	bool remote_cert_ku_set;	/* remote-cert-ku given */
	unsigned remote_cert_ku[15];	/* its hex values; none: KU required */
	size_t n_remote_cert_ku;
	char *remote_cert_eku;	/* OID or long name ("TLS Web Server Auth...") */
	char *x509_username_field[15];	/* x509-username-field FIELD... */
	size_t n_x509_username_field;
	char *verify_x509_name;
	char *verify_x509_type;	/* "subject" (default), "name", "name-prefix" */
	char *tls_version_min;	/* "1.2" */
	bool tls_version_min_or_highest;
	char *tls_version_max;
	char *tls_cipher, *tls_ciphersuites, *tls_groups;
	unsigned tls_cert_profile;	/* 0 legacy (default), 1 insecure,
					 * 2 preferred, 3 suiteb: enum
					 * tls_cert_profile's order */
	uint8_t (*peer_fingerprints)[32];	/* peer-fingerprint (SHA-256)
						 * or verify-hash digests */
	size_t n_peer_fingerprints;
	unsigned fpr_depth;	/* 0: peer-fingerprint, 1: verify-hash */
	unsigned fpr_len;	/* 32 (SHA-256) or 20 (verify-hash SHA1) */
	int reneg_sec, reneg_sec_max;	/* -1: unset */
	int64_t reneg_bytes, reneg_pkts;	/* -1: unset */
	int hand_window, tran_window, tls_timeout;	/* -1: unset */

	/* data channel */
	char *auth;
	char *cipher;
	char *data_ciphers;	/* "AES-256-GCM:AES-128-GCM" */
	char *data_ciphers_fallback;
	bool key_derivation_ekm;	/* pushed "key-derivation tls-ekm" */
	uint32_t protocol_flags;	/* OPT_PF_* */
	int peer_id;		/* -1: none pushed */
	int replay_window, replay_time;	/* -1: unset */
	bool mute_replay_warnings;
	enum opt_comp compress;	/* comp-lzo and compress both land here */
	bool comp_lzo_given;
	enum opt_allow_comp allow_compression;

	/* user authentication */
	bool auth_user_pass;
	struct opt_file auth_user_pass_file;	/* no path/data: prompt */
	char *static_challenge;	/* static-challenge TEXT ECHO [FORMAT] */
	bool static_challenge_echo;
	bool static_challenge_concat;	/* FORMAT concat; else scrv1 */
	bool askpass;				/* the private key is encrypted */
	struct opt_file askpass_file;		/* no path: prompt */
	bool auth_nocache;
	enum opt_auth_retry auth_retry;
	char *auth_token;	/* secret */
	char *auth_token_user;

	/* timers */
	int ping, ping_restart, ping_exit;	/* -1: unset */
	int keepalive_ping, keepalive_timeout;	/* -1: unset */
	int inactive;
	int64_t inactive_bytes;
	int session_timeout;	/* seconds a session may last; 0: no limit */
	int explicit_exit_notify;	/* 0: off */
	int connect_timeout;	/* -1: unset */

	/* addresses and routes (mostly pushed) */
	bool ifconfig_set;
	struct in_addr ifconfig_local, ifconfig_remote;	/* remote or netmask */
	bool ifconfig6_set;
	struct in6_addr ifconfig6_local, ifconfig6_remote;
	int ifconfig6_bits;
	struct opt_route *routes;
	size_t n_routes;
	struct opt_route6 *routes6;
	size_t n_routes6;
	char *route_gateway;	/* address or "dhcp" */
	int route_metric;	/* -1: unset */
	unsigned int redirect_gateway;	/* OPT_REDIR_* */
	int route_delay;	/* route-delay N: seconds before routes; 0 */
	unsigned int redirect_private;
	bool route_nopull, block_ipv6;
	struct opt_filter *pull_filters;
	size_t n_pull_filters;
	struct opt_pairs dhcp_options;	/* DNS, DOMAIN, ... as given */
	struct dns_opts dns;		/* --dns, local and pulled (conf/dns.h) */
	int push_continuation;	/* last pushed value, 0: none */

	/* process, logging, scripts */
	int verb, mute;		/* -1: unset */
	char *status_file;
	int status_interval;
	char *log_file;
	bool log_append;
	bool suppress_timestamps;	/* log lines without the date */
	bool machine_readable;		/* machine-readable-output */
	bool up_delay;			/* tun and --up after TLS (a client
					 * always does so); refused on a
					 * --mode server */
	struct opt_strv echo;		/* "echo" texts not yet handed to
					 * the management interface */
	/* show-ciphers/-digests/-tls/-groups: print the list, exit */
	bool show_ciphers, show_digests, show_tls, show_groups;
	char *writepid;
	bool mlock;		/* mlockall: keys never swapped out */
	bool push_peer_info;	/* send the full peer-info (peerinfo_full.h) */
	int nice;		/* --nice: nice(2) increment, 0 = none */
	/* management IP PORT [PWFILE] / management PATH unix [PWFILE] */
	char *mgmt_addr, *mgmt_port, *mgmt_pwfile;
	bool mgmt_unix;
	bool mgmt_hold;		/* management-hold */
	bool mgmt_query_passwords;	/* credentials from management */
	bool mgmt_client_auth;	/* management-client-auth (server) */
	bool mgmt_up_down;	/* management-up-down: >UPDOWN */
	bool mgmt_client;	/* management-client: connect out */
	bool mgmt_signal;	/* management-signal: SIGUSR1 when it leaves */
	bool mgmt_forget_disconnect;	/* forget passwords when it leaves */
	bool mgmt_query_remote;	/* management-query-remote: >REMOTE */
	bool mgmt_query_proxy;	/* management-query-proxy: >PROXY */
	bool mgmt_external_key;	/* management-external-key [flags]: >PK_SIGN */
	unsigned mgmt_extkey_flags;	/* its flags: TLS_EXTKEY_* */
	char *mgmt_external_cert;	/* management-external-cert HINT */
	int mgmt_log_cache;	/* management-log-cache N; -1: unset */
	char *tmp_dir;		/* tmp-dir: where scripts' files go */
	bool tcp_nodelay;	/* server: push socket-flags TCP_NODELAY */
	bool passtos;		/* outer TOS from the inner packet's */
	bool daemon;
	char *daemon_name;
	bool use_syslog;			/* --syslog [NAME] */
	char *syslog_name;
	char *user, *group;
	int script_security;	/* -1: unset (OpenVPN default 1) */
	char *up, *down, *route_up;
	/* dns-updown (2.7): NULL with mode DEFAULT: dcovpn's own resolver
	 * hand-off (daemon/dns_apply.c); else the command to run */
	char *dns_updown;
	enum { OPT_DNS_UPDOWN_DEFAULT = 0, OPT_DNS_UPDOWN_DISABLE,
	       OPT_DNS_UPDOWN_FORCE, OPT_DNS_UPDOWN_USER } dns_updown_mode;
	char *tls_verify;	/* tls-verify CMD (server: see server_tlsverify) */
	char *tls_export_cert;	/* tls-export-cert DIR: peer_cert for it */
	char *config_file;	/* the first "config" given (scripts' $config) */
	char *ipchange;		/* client: script once the peer is authenticated */
	struct opt_pairs setenv;
	/* plugin PATH [ARGS]: one argv per line (argv[0] the path), in order */
	struct opt_strv *plugins;
	size_t n_plugins;
	struct opt_strv ignore_unknown;

	/* around the tunnel (conf/opt_host.c): what dcovpn does to the host */
	bool route_noexec;	/* routes left to the up script (NetworkManager) */
	bool up_restart;	/* up again ("restart") on a kept tun */
	bool ifconfig_noexec;	/* addresses, MTU and link state too */
	bool ifconfig_nowarn;	/* no --ifconfig sanity or clash warning */
	bool persist_remote_ip;	/* SIGUSR1 restarts keep the remote's address */
	bool persist_local_ip;	/* ... and --local's */
	bool multihome;		/* UDP server: reply from the address the
				 * client sent to (IP_PKTINFO) */
	bool ping_timer_rem;	/* ping-restart/-exit only with a peer known */
	/* stale-routes-check AGE [INTERVAL]: 0 unset (server_stale.c) */
	int stale_routes_age, stale_routes_interval;
	bool single_session;	/* P2P: a second session request is refused
				 * (logged) until a restart */
	bool allow_pull_fqdn;	/* pushed ifconfig/route/route-gateway may
				 * name hosts (resolved); ifconfig and
				 * route-gateway anywhere, as OpenVPN */
	bool allow_recursive_routing;	/* tun packets to the peer's outer
					 * address are sent, not dropped */
	int route_table;	/* route-table N; 0: the main table */
	int tcp_queue_limit;	/* server, per TCP client; 64 default */
	int mark;		/* SO_MARK of the transport sockets; 0: none */
	char *bind_dev;		/* SO_BINDTODEVICE of the transport sockets */
	int mtu_disc;		/* IP_PMTUDISC_DONT/WANT/DO; -1: the kernel's */
	char *route_pre_down;	/* script before the routes go */
	char *chroot_dir;	/* chroot once the tunnel is up */
	char *mgmt_client_user, *mgmt_client_group;	/* unix socket peers */
	struct opt_proxy http_proxy;	/* http-proxy; host NULL: none */
	struct opt_file http_proxy_user_pass;
	char *http_proxy_version;	/* http-proxy-option VERSION; "1.0" */
	char *http_proxy_agent;		/* http-proxy-option AGENT */
	struct opt_pairs http_proxy_headers;	/* CUSTOM-HEADER name [value] */
	struct opt_proxy socks_proxy;	/* socks-proxy; host NULL: none */
	char *port_share_host, *port_share_port, *port_share_dir;
	bool forward_compatible;	/* setenv FORWARD_COMPATIBLE 1 */

	/* server mode (conf/opt_server.h); NULL: no server option given */
	struct opt_server *srv;

	/* bookkeeping */
	uint64_t seen[OPT_SEEN_WORDS];	/* table entries given at least once */
	/* the lines applied, "name\x1fparam..." (conf/opt_record.c), kept
	 * only with record_lines: a server compares readings at SIGHUP */
	bool record_lines;
	char **lines;
	size_t n_lines;
	unsigned int warnings;	/* warnings logged while parsing */
};

/* Defaults (the "unset" markers above). */
void options_init(struct options *o);
/* Wipe secrets, free everything; @o is left as after options_init. */
void options_free(struct options *o);

/* Read a config file (its nested "config" lines too). */
int options_parse_file(struct options *o, const char *path, char *err,
		       size_t err_len);
/* Parse config text held in memory; @name is used in messages. */
int options_parse_text(struct options *o, const char *name, const char *text,
		       size_t len, char *err, size_t err_len);
/*
 * Command line as OpenVPN: "prog FILE" is "--config FILE"; else every
 * "--name" takes the arguments up to the next "--". Errors read
 * "[CMD-LINE]:<argv index>: ...".
 */
int options_parse_argv(struct options *o, int argc, char *const argv[],
		       char *err, size_t err_len);

/*
 * Apply the options of a PUSH_REPLY: @msg is the text after "PUSH_REPLY,"
 * (comma-separated). Only options the table allows in push are applied
 * (route and dhcp-option classes not with route-nopull); "pull-filter"
 * rules apply first. As in OpenVPN, a disallowed, unknown or malformed
 * pushed option is logged and skipped: the return value is how many were
 * skipped, and @err holds the first such message ("[PUSH-OPTIONS]:N: ...").
 * A pull-filter "reject" match fails the whole push: -EPERM.
 */
int options_apply_push(struct options *o, const char *msg, size_t len,
		       char *err, size_t err_len);

/* What pull-filter says of the pushed option @item (PUSH_UPDATE checks
 * before it changes anything). */
enum opt_filter_action options_pull_filter(const struct options *o,
					   const char *item);

/* Forget every --route (@v6 false) or --route-ipv6 (true): PUSH_UPDATE. */
void options_routes_clear(struct options *o, bool v6);

/*
 * After all sources are parsed (before any push): are the options
 * consistent, and within what dcovpn supports? (OpenVPN's post-processing
 * checks of a client: one TLS mode, --dev, a CA, cert and key or
 * auth-user-pass, one of tls-auth/tls-crypt/tls-crypt-v2, ...) Returns 0,
 * or -EINVAL with the reason in @err (no file:line: it is about the whole).
 */
int options_check(const struct options *o, char *err, size_t err_len);

#define OPT_DEFAULT_PORT "1194"

/* Where remote entry @i leads, defaults applied (see options_remote). */
struct opt_endpoint {
	const char *host;	/* points into struct options */
	const char *port;
	enum opt_proto proto;	/* never NONE: UDP by default */
	enum opt_family family;
};

/*
 * Remote entry @i with OpenVPN's defaults: its own port, else rport/port,
 * else 1194; its own proto, else --proto, else UDP. -ENOENT past the end.
 */
int options_remote(const struct options *o, size_t i,
		   struct opt_endpoint *out);
/* A connection to remote entry @i uses its <connection> block's own
 * http-proxy, if it has one, instead of the global proxies: moved into
 * @o (a connection's own copy of the options). */
void options_use_remote_proxy(struct options *o, size_t i);
/* opt_ifwarn.c: OpenVPN's warning for a netmask-like peer address
 * in --ifconfig on a point-to-point topology (unless --ifconfig-nowarn). */
void options_ifconfig_warn(const struct options *o);
/* ... and its --local/--remote clash warnings, for the transport
 * addresses as resolved (either may be NULL; IPv4 ones are checked). */
struct sockaddr;
void options_ifconfig_clash_warn(const struct options *o,
				 const struct sockaddr *local,
				 const struct sockaddr *remote);

/*
 * Listening socket @i of a server with OpenVPN 2.7's defaults: a local
 * line's own port, else --lport/--port, else 1194; its own proto, else
 * --proto, else UDP. Without local lines, one socket (host NULL: any).
 * -ENOENT past the end.
 */
int options_local(const struct options *o, size_t i, struct opt_endpoint *out);
void options_locals_free(struct options *o);
/* Drop the recorded lines (wiped: they may hold inline keys). */
void opt_record_free(struct options *o);

/* Was option @name given (any source)? An alias counts under its own name. */
bool options_was_set(const struct options *o, const char *name);

/* One option as --help and the README's table describe it (opt_info.c). */
enum opt_status { OPT_SUPPORTED, OPT_IGNORED, OPT_REFUSED };
struct opt_info {
	const char *name;
	enum opt_status status;
	const char *args;	/* parameter synopsis; "" when it takes none */
	const char *text;	/* one line of help, or the refusal/ignore note */
	char args_buf[32];	/* args made from the arity when none is known */
};
/* Row @i of the option table: 0, or -ENOENT past its end. */
int options_info(size_t i, struct opt_info *out);
/* "supported", "ignored", "refused". */
const char *options_status_name(enum opt_status s);

#endif
