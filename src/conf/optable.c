/*
 * The option table: every option dcovpn knows, with its arity, where it may
 * appear (OpenVPN 2.6's permission classes: what a client accepts in a push
 * is OpenVPN's pull_permission_mask) and the handler storing it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "conf/optable.h"

#define OFF(f) offsetof(struct options, f)
#define FLAG(n, w, f) { n, 0, 0, w, h_flag, OFF(f), 0, 0, NULL }
#define STR(n, w, f) { n, 1, 1, w, h_str, OFF(f), 0, 0, NULL }
#define INT(n, w, f, lo, hi) { n, 1, 1, w, h_int, OFF(f), lo, hi, NULL }
#define FILEOPT(n, f) { n, 1, 1, OPT_W_LOCAL | OPT_W_INLINE, h_file, OFF(f), 0, 0, NULL }
#define FN(n, mn, mx, w, fn) { n, mn, mx, w, fn, 0, 0, 0, NULL }
#define FNO(n, mn, mx, w, fn, f) { n, mn, mx, w, fn, OFF(f), 0, 0, NULL }
#define REFUSE(n, mx, msg)                                                  \
	{ n, 0, mx, OPT_W_LOCAL | OPT_W_CCD | OPT_W_INLINE, h_refuse, 0, 0, 0, msg }
#define IGNORE(n, mx, w, msg) { n, 0, mx, w, h_ignore, 0, 0, 0, msg }
/* Accepted silently as OpenVPN on Linux; @why (for --help and the README)
 * says why it changes nothing here, or what dcovpn does instead. */
#define NOEFFECT(n, mx, w, why) { n, 0, mx, w, h_ignore_quiet, 0, 0, 0, why }

#define PULLED_ROUTES (OPT_W_PULLED | OPT_W_ROUTES)
#define NOT_YET "is not supported by dcovpn yet"

static const struct opt_desc table[] = {
	/* mode and includes */
	FN("config", 1, 1, OPT_W_LOCAL | OPT_W_CCD, h_config),
	FN("client", 0, 0, OPT_W_LOCAL, h_client),
	FLAG("pull", OPT_W_LOCAL, pull),
	FLAG("tls-client", OPT_W_LOCAL, tls_client),
	FLAG("tls-server", OPT_W_LOCAL, tls_server),
	/* device */
	FN("dev", 1, 1, OPT_W_LOCAL, h_dev),
	FN("dev-type", 1, 1, OPT_W_LOCAL, h_dev_type),
	STR("dev-node", OPT_W_LOCAL, dev_node),
	INT("txqueuelen", OPT_W_LOCAL, txqueuelen, 0, INT_MAX),
	FN("topology", 1, 1, OPT_W_PULLED, h_topology),
	FN("tun-mtu", 1, 2, OPT_W_PULLED, h_tun_mtu),
	FN("mssfix", 0, 2, OPT_W_LOCAL, h_mssfix),
	IGNORE("tun-ipv6", 0, OPT_W_PULLED, "--tun-ipv6 ignored: IPv6 on tun "
	       "needs no special handling (as OpenVPN 2.6)"),
	REFUSE("fragment", 2, "--fragment is not supported: the offload data "
	       "path does not fragment (as OpenVPN's DCO); remove it on both ends"),
	REFUSE("link-mtu", 1, "--link-mtu is not supported; use --tun-mtu"),
	NOEFFECT("tun-mtu-extra", 1, OPT_W_PULLED, "Accepted; no effect: "
		 "OpenVPN only enlarges its read buffers by it (TAP slack); "
		 "dcovpn's buffers take the largest packet or frame already."),
	FN("mtu-disc", 1, 1, OPT_W_LOCAL, h_mtu_disc),
	/* transport */
	FN("proto", 1, 1, OPT_W_LOCAL, h_proto),
	FN("remote", 1, 3, OPT_W_LOCAL, h_remote),
	FLAG("remote-random", OPT_W_LOCAL, remote_random),
	FN("port", 1, 1, OPT_W_LOCAL, h_port),
	FN("lport", 1, 1, OPT_W_LOCAL, h_port),
	FN("rport", 1, 1, OPT_W_LOCAL, h_port),
	FN("local", 1, 3, OPT_W_LOCAL, h_local),
	FLAG("nobind", OPT_W_LOCAL, nobind),
	{ "bind", 0, 1, OPT_W_LOCAL, h_flag, OFF(bind), 0, 0, NULL },
	FLAG("float", OPT_W_LOCAL, floating),
	FN("resolv-retry", 1, 1, OPT_W_LOCAL, h_resolv_retry),
	FN("connect-retry", 1, 2, OPT_W_LOCAL, h_connect_retry),
	INT("connect-retry-max", OPT_W_LOCAL, connect_retry_max, 0, INT_MAX),
	INT("connect-timeout", OPT_W_LOCAL, connect_timeout, 0, INT_MAX),
	INT("server-poll-timeout", OPT_W_LOCAL, connect_timeout, 0, INT_MAX),
	INT("sndbuf", OPT_W_PULLED, sndbuf, 0, INT_MAX),
	INT("rcvbuf", OPT_W_PULLED, rcvbuf, 0, INT_MAX),
	FLAG("fast-io", OPT_W_LOCAL, fast_io),
	/* dcovpn's own: who does the AEAD arithmetic (src/dco/aead.h) */
	FN("aead-backend", 1, 1, OPT_W_LOCAL, h_aead_backend),
	FLAG("persist-key", OPT_W_PULLED, persist_key),
	FLAG("persist-tun", OPT_W_PULLED, persist_tun),
	FLAG("persist-remote-ip", OPT_W_PULLED, persist_remote_ip),
	FN("http-proxy", 1, 4, OPT_W_LOCAL, h_http_proxy),
	FILEOPT("http-proxy-user-pass", http_proxy_user_pass),
	FN("http-proxy-option", 1, 3, OPT_W_LOCAL, h_http_proxy_option),
	FN("socks-proxy", 1, 3, OPT_W_LOCAL, h_socks_proxy),
	/* NetworkManager's plugin still passes these (2.6 warns, as here) */
	IGNORE("http-proxy-retry", 0, OPT_W_LOCAL, "DEPRECATED OPTION: "
	       "http-proxy-retry and socks-proxy-retry: In OpenVPN 2.4 proxy "
	       "connection retries are handled like regular connections. Use "
	       "connect-retry-max 1 to get a similar behavior as before."),
	IGNORE("socks-proxy-retry", 0, OPT_W_LOCAL, "DEPRECATED OPTION: "
	       "http-proxy-retry and socks-proxy-retry: In OpenVPN 2.4 proxy "
	       "connection retries are handled like regular connections. Use "
	       "connect-retry-max 1 to get a similar behavior as before."),
	IGNORE("http-proxy-timeout", 1, OPT_W_LOCAL, "DEPRECATED OPTION: "
	       "http-proxy-timeout: In OpenVPN 2.4 the timeout until a "
	       "connection to a server is established is managed with a "
	       "single timeout set by connect-timeout"),
	FN("connection", 1, 1, OPT_W_LOCAL | OPT_W_INLINE, h_connection),
	/* TLS */
	FILEOPT("ca", ca),
	FILEOPT("cert", cert),
	FILEOPT("key", key),
	FILEOPT("extra-certs", extra_certs),
	{ "crl-verify", 1, 2, OPT_W_LOCAL | OPT_W_INLINE, h_crl_verify,
	  OFF(crl_verify), 0, 0, NULL },
	IGNORE("dh", 1, OPT_W_LOCAL | OPT_W_INLINE, "--dh ignored: key exchange is "
	       "(EC)DHE from the TLS groups, as OpenVPN 2.6 with 'dh none'"),
	FILEOPT("pkcs12", pkcs12),
	/* static key mode: FILE [DIRECTION], as tls-auth's arguments */
	FNO("secret", 1, 2, OPT_W_LOCAL | OPT_W_INLINE, h_tls_auth, secret),
	STR("capath", OPT_W_LOCAL, capath),
	FNO("tls-auth", 1, 2, OPT_W_LOCAL | OPT_W_INLINE, h_tls_auth, tls_auth),
	FILEOPT("tls-crypt", tls_crypt),
	{ "tls-crypt-v2", 1, 2, OPT_W_LOCAL | OPT_W_INLINE, h_tls_crypt_v2,
	  OFF(tls_crypt_v2), 0, 0, NULL },
	FN("key-direction", 1, 1, OPT_W_LOCAL, h_key_direction),
	FN("remote-cert-tls", 1, 1, OPT_W_LOCAL, h_remote_cert_tls),
	FN("verify-x509-name", 1, 2, OPT_W_LOCAL, h_verify_x509_name),
	REFUSE("ns-cert-type", 1, "--ns-cert-type is no longer supported "
	       "(as in OpenVPN 2.6); use --remote-cert-tls server"),
	FN("remote-cert-ku", 0, 15, OPT_W_LOCAL, h_remote_cert_ku),
	FN("remote-cert-eku", 1, 1, OPT_W_LOCAL, h_remote_cert_eku),
	FN("x509-username-field", 1, 15, OPT_W_LOCAL, h_x509_username_field),
	FNO("tls-verify", 1, 1, OPT_W_LOCAL, h_script, tls_verify),
	FN("verify-hash", 1, 2, OPT_W_LOCAL | OPT_W_INLINE, h_verify_hash),
	FN("tls-version-min", 1, 2, OPT_W_LOCAL, h_tls_version_min),
	FN("tls-version-max", 1, 1, OPT_W_LOCAL, h_tls_version_max),
	STR("tls-cipher", OPT_W_LOCAL, tls_cipher),
	STR("tls-ciphersuites", OPT_W_LOCAL, tls_ciphersuites),
	STR("tls-groups", OPT_W_LOCAL, tls_groups),
	STR("ecdh-curve", OPT_W_LOCAL, tls_groups),
	FN("peer-fingerprint", 1, 1, OPT_W_LOCAL | OPT_W_INLINE, h_peer_fingerprint),
	FN("reneg-sec", 1, 2, OPT_W_LOCAL, h_reneg_sec),
	FNO("reneg-bytes", 1, 1, OPT_W_LOCAL, h_int64, reneg_bytes),
	FNO("reneg-pkts", 1, 1, OPT_W_LOCAL, h_int64, reneg_pkts),
	INT("hand-window", OPT_W_LOCAL, hand_window, 0, INT_MAX),
	INT("tran-window", OPT_W_LOCAL, tran_window, 0, INT_MAX),
	INT("tls-timeout", OPT_W_LOCAL, tls_timeout, 0, INT_MAX),
	/* data channel */
	STR("auth", OPT_W_LOCAL, auth),
	STR("cipher", OPT_W_PULLED | OPT_W_CCD, cipher),
	FNO("data-ciphers", 1, 1, OPT_W_LOCAL | OPT_W_CCD, h_data_ciphers, data_ciphers),
	FNO("ncp-ciphers", 1, 1, OPT_W_LOCAL | OPT_W_CCD, h_data_ciphers, data_ciphers),
	STR("data-ciphers-fallback", OPT_W_LOCAL | OPT_W_CCD, data_ciphers_fallback),
	FN("key-derivation", 1, 1, OPT_W_PUSH, h_key_derivation),
	FN("protocol-flags", 1, 15, OPT_W_PUSH, h_protocol_flags),
	INT("peer-id", OPT_W_PUSH, peer_id, 0, 0xFFFFFE),
	FN("replay-window", 1, 2, OPT_W_LOCAL, h_replay_window),
	FLAG("mute-replay-warnings", OPT_W_LOCAL, mute_replay_warnings),
	FN("comp-lzo", 0, 1, OPT_W_PULLED | OPT_W_CCD, h_comp_lzo),
	FN("compress", 0, 1, OPT_W_PULLED | OPT_W_CCD, h_compress),
	FN("allow-compression", 1, 1, OPT_W_LOCAL, h_allow_compression),
	/* user authentication */
	FN("auth-user-pass", 0, 1, OPT_W_LOCAL | OPT_W_INLINE, h_auth_user_pass),
	FN("static-challenge", 2, 3, OPT_W_LOCAL, h_static_challenge),
	FN("askpass", 0, 1, OPT_W_LOCAL, h_askpass),
	FLAG("auth-nocache", OPT_W_LOCAL, auth_nocache),
	FN("auth-retry", 1, 1, OPT_W_LOCAL, h_auth_retry),
	FNO("auth-token", 1, 1, OPT_W_PULLED, h_secret_str, auth_token),
	STR("auth-token-user", OPT_W_PULLED, auth_token_user),
	/* timers */
	INT("ping", OPT_W_PULLED, ping, 0, INT_MAX),
	INT("ping-restart", OPT_W_PULLED, ping_restart, 0, INT_MAX),
	INT("ping-exit", OPT_W_PULLED, ping_exit, 0, INT_MAX),
	FLAG("ping-timer-rem", OPT_W_PULLED, ping_timer_rem),
	NOEFFECT("allow-deprecated-insecure-static-crypto", 0, OPT_W_LOCAL,
		 "Accepted (OpenVPN 2.7 wants it for --secret); no effect: "
		 "dcovpn runs static key mode as OpenVPN 2.6 does."),
	NOEFFECT("disable-occ", 0, OPT_W_LOCAL, "Accepted; no effect: "
		 "OpenVPN 2.6 sends OCC requests and compares option strings "
		 "only in static-key mode, where dcovpn sends none."),
	FN("keepalive", 2, 2, OPT_W_LOCAL, h_keepalive),
	FN("inactive", 1, 2, OPT_W_PULLED, h_inactive),
	FN("explicit-exit-notify", 0, 1, OPT_W_PULLED, h_explicit_exit),
	/* addresses and routes */
	FN("ifconfig", 2, 2, OPT_W_PULLED, h_ifconfig),
	FN("ifconfig-ipv6", 2, 2, OPT_W_PULLED, h_ifconfig6),
	FN("route", 1, 4, PULLED_ROUTES, h_route),
	FN("route-ipv6", 1, 3, PULLED_ROUTES, h_route6),
	FN("route-gateway", 1, 1, OPT_W_PULLED, h_route_gateway),
	INT("route-metric", PULLED_ROUTES, route_metric, 0, INT_MAX),
	FN("route-delay", 0, 2, OPT_W_PULLED, h_route_delay),
	FNO("redirect-gateway", 0, 15, PULLED_ROUTES, h_redirect, redirect_gateway),
	FNO("redirect-private", 0, 15, PULLED_ROUTES, h_redirect, redirect_private),
	FLAG("route-nopull", OPT_W_LOCAL, route_nopull),
	FLAG("block-ipv6", PULLED_ROUTES, block_ipv6),
	FN("pull-filter", 2, 2, OPT_W_LOCAL, h_pull_filter),
	FN("dhcp-option", 1, 2, PULLED_ROUTES, h_dhcp_option),
	FN("dns", 2, 15, PULLED_ROUTES, h_dns),
	FN("dns-updown", 1, 1, OPT_W_LOCAL, h_dns_updown),
	IGNORE("block-outside-dns", 0, PULLED_ROUTES,
	       "--block-outside-dns is a Windows option, ignored"),
	FLAG("route-noexec", OPT_W_LOCAL, route_noexec),
	FLAG("ifconfig-noexec", OPT_W_LOCAL, ifconfig_noexec),
	/* OpenVPN 2.7's (not in 2.6): routes into this table */
	INT("route-table", OPT_W_LOCAL, route_table, 0, INT_MAX),
	FN("push-continuation", 1, 1, OPT_W_PUSH, h_push_continuation),
	FN("echo", 0, 15, OPT_W_PULLED, h_echo),
	/* process, logging, scripts */
	INT("verb", OPT_W_PULLED, verb, 0, INT_MAX),	/* any, as OpenVPN */
	INT("mute", OPT_W_PULLED, mute, 0, INT_MAX),
	FN("status", 1, 2, OPT_W_LOCAL, h_status),
	FN("log", 1, 1, OPT_W_LOCAL, h_log),
	FN("log-append", 1, 1, OPT_W_LOCAL, h_log),
	STR("writepid", OPT_W_LOCAL, writepid),
	FLAG("mlock", OPT_W_LOCAL, mlock),
	INT("max-packet-size", OPT_W_LOCAL, max_packet_size, 154, 65535),
	FLAG("auth-user-pass-optional", OPT_W_LOCAL, auth_user_pass_optional),
	/* OpenVPN 2.6 accepts these on Linux; tuning or no-ops here */
	NOEFFECT("bcast-buffers", 1, OPT_W_LOCAL, "Accepted; no effect: "
		 "OpenVPN's server queues broadcast (tap) datagrams in these "
		 "buffers; dcovpn's engine sends each broadcast frame and each "
		 "client-to-client packet at once, without a queue."),
	/* a server's data packets waiting per TCP client (engine, tcp_queue.h) */
	INT("tcp-queue-limit", OPT_W_LOCAL, tcp_queue_limit, 1, INT_MAX),
	NOEFFECT("hash-size", 2, OPT_W_LOCAL, "Accepted; no effect: it sizes "
		 "OpenVPN's client hash tables (speed only); dcovpn sizes its "
		 "own tables."),
	FN("stale-routes-check", 1, 2, OPT_W_LOCAL, h_stale_routes),
	NOEFFECT("comp-noadapt", 0, OPT_W_PULLED, "Accepted; no effect: it "
		 "stops OpenVPN's adaptive LZO compression; dcovpn never "
		 "compresses."),
	NOEFFECT("errors-to-stderr", 0, OPT_W_LOCAL, "Accepted; no effect: "
		 "dcovpn writes every log line to stderr already (OpenVPN "
		 "logs to stdout, and errors too without this option)."),
	/* silences the --ifconfig sanity and clash warnings (opt_ifwarn.c) */
	FLAG("ifconfig-nowarn", OPT_W_LOCAL, ifconfig_nowarn),
	FLAG("allow-recursive-routing", OPT_W_LOCAL, allow_recursive_routing),
	FLAG("remote-random-hostname", OPT_W_LOCAL, remote_random_hostname),
	NOEFFECT("route-method", 1, OPT_W_PULLED, "Accepted; no effect: "
		 "Windows only (how routes are added there); OpenVPN ignores "
		 "it on Linux too."),
	/* what a dcovpn client does anyway: tun and --up once TLS is up */
	FLAG("up-delay", OPT_W_LOCAL, up_delay),
	FLAG("up-restart", OPT_W_LOCAL, up_restart),
	IGNORE("mtu-test", 0, OPT_W_LOCAL, "--mtu-test ignored: OpenVPN "
	       "measures the path with OCC load packets through its user-space "
	       "data path, which dcovpn does not send; set --tun-mtu/--mssfix"),
	IGNORE("opt-verify", 0, OPT_W_LOCAL, "DEPRECATED OPTION: --opt-verify "
	       "was removed in OpenVPN 2.7."),
	IGNORE("engine", 1, OPT_W_LOCAL, "--engine ignored: OpenSSL 3 "
	       "providers do this"),
	IGNORE("providers", 15, OPT_W_LOCAL, "--providers ignored: OpenSSL's "
	       "default provider is used"),
	FN("tls-cert-profile", 1, 1, OPT_W_LOCAL, h_tls_cert_profile),
	FLAG("allow-pull-fqdn", OPT_W_LOCAL, allow_pull_fqdn),
	FLAG("persist-local-ip", OPT_W_LOCAL, persist_local_ip),
	FLAG("multihome", OPT_W_LOCAL, multihome),
	FLAG("single-session", OPT_W_LOCAL, single_session),
	FLAG("tls-exit", OPT_W_LOCAL, tls_exit),
	IGNORE("replay-persist", 1, OPT_W_LOCAL, "WARNING: --replay-persist has "
	       "no effect: replay windows start fresh with each key"),
	INT("session-timeout", OPT_W_PULLED, session_timeout, 0, INT_MAX),
	REFUSE("no-replay", 0, "--no-replay is not supported: replay "
	       "protection stays on"),
	STR("bind-dev", OPT_W_LOCAL, bind_dev),
	FN("port-share", 2, 3, OPT_W_LOCAL, h_port_share),
	STR("tmp-dir", OPT_W_LOCAL, tmp_dir),
	FLAG("tcp-nodelay", OPT_W_LOCAL, tcp_nodelay),
	IGNORE("socket-flags", 1, OPT_W_PULLED, "--socket-flags ignored: "
	       "dcovpn sets TCP_NODELAY on every TCP socket"),
	IGNORE("max-routes", 1, OPT_W_LOCAL, "DEPRECATED OPTION: --max-routes "
	       "option ignored."),
	FLAG("passtos", OPT_W_LOCAL, passtos),
	FN("daemon", 0, 1, OPT_W_LOCAL, h_daemon),
	STR("user", OPT_W_LOCAL, user),
	STR("group", OPT_W_LOCAL, group),
	INT("script-security", OPT_W_LOCAL, script_security, 0, 3),
	FNO("up", 1, 1, OPT_W_LOCAL, h_script, up),
	FNO("down", 1, 1, OPT_W_LOCAL, h_script, down),
	FLAG("down-pre", OPT_W_LOCAL, down_pre),
	FNO("route-up", 1, 1, OPT_W_LOCAL, h_script, route_up),
	FNO("route-pre-down", 1, 1, OPT_W_LOCAL, h_script, route_pre_down),
	FNO("ipchange", 1, 1, OPT_W_LOCAL, h_script, ipchange),
	STR("tls-export-cert", OPT_W_LOCAL, tls_export_cert),
	FN("setenv", 1, 2, OPT_W_LOCAL, h_setenv),
	FN("setenv-safe", 1, 2, OPT_W_PULLED, h_setenv),
	FN("ignore-unknown-option", 1, 15, OPT_W_LOCAL, h_ignore_unknown),
	FN("management", 2, 3, OPT_W_LOCAL, h_management),
	FLAG("management-hold", OPT_W_LOCAL, mgmt_hold),
	INT("management-log-cache", OPT_W_LOCAL, mgmt_log_cache, 1, 100000),
	FLAG("management-signal", OPT_W_LOCAL, mgmt_signal),
	FLAG("management-forget-disconnect", OPT_W_LOCAL, mgmt_forget_disconnect),
	FLAG("management-query-passwords", OPT_W_LOCAL, mgmt_query_passwords),
	STR("management-client-user", OPT_W_LOCAL, mgmt_client_user),
	STR("management-client-group", OPT_W_LOCAL, mgmt_client_group),
	FLAG("management-client-auth", OPT_W_LOCAL, mgmt_client_auth),
	FN("management-external-key", 0, 15, OPT_W_LOCAL, h_mgmt_external_key),
	STR("management-external-cert", OPT_W_LOCAL, mgmt_external_cert),
	FLAG("management-client", OPT_W_LOCAL, mgmt_client),
	FLAG("management-query-remote", OPT_W_LOCAL, mgmt_query_remote),
	FLAG("management-query-proxy", OPT_W_LOCAL, mgmt_query_proxy),
	FLAG("management-up-down", OPT_W_LOCAL, mgmt_up_down),
	FN("plugin", 1, 15, OPT_W_LOCAL, h_plugin),
	STR("chroot", OPT_W_LOCAL, chroot_dir),
	FN("cd", 1, 1, OPT_W_LOCAL, h_cd),
	FN("syslog", 0, 1, OPT_W_LOCAL, h_syslog),
	INT("mark", OPT_W_LOCAL, mark, 0, INT_MAX),
	IGNORE("disable-dco", 0, OPT_W_LOCAL,
	       "--disable-dco ignored: dcovpn always uses its offload engine"),
	FLAG("suppress-timestamps", OPT_W_LOCAL, suppress_timestamps),
	FLAG("show-ciphers", OPT_W_LOCAL, show_ciphers),
	FLAG("show-digests", OPT_W_LOCAL, show_digests),
	FLAG("show-tls", OPT_W_LOCAL, show_tls),
	FLAG("show-groups", OPT_W_LOCAL, show_groups),
	FLAG("show-curves", OPT_W_LOCAL, show_groups),
	FLAG("machine-readable-output", OPT_W_LOCAL, machine_readable),
	FLAG("push-peer-info", OPT_W_LOCAL, push_peer_info),
	/* nice(2) once at start, before any thread (threads inherit it) */
	INT("nice", OPT_W_LOCAL, nice, -40, 40),
	/* server side (conf/opt_server.c) */
#define SRV(n, mn, mx, w) FN(n, mn, mx, w, h_server_opt)
	SRV("server", 2, 3, OPT_W_LOCAL),
	SRV("server-ipv6", 1, 1, OPT_W_LOCAL),
	SRV("server-bridge", 0, 4, OPT_W_LOCAL),
	SRV("mode", 1, 1, OPT_W_LOCAL),
	SRV("push", 1, 1, OPT_W_LOCAL | OPT_W_CCD),
	SRV("push-reset", 0, 0, OPT_W_CCD),
	SRV("push-remove", 1, 1, OPT_W_CCD),
	SRV("client-config-dir", 1, 1, OPT_W_LOCAL),
	SRV("ccd-exclusive", 0, 0, OPT_W_LOCAL),
	SRV("ifconfig-pool", 2, 3, OPT_W_LOCAL),
	SRV("ifconfig-ipv6-pool", 1, 1, OPT_W_LOCAL),
	SRV("ifconfig-pool-persist", 1, 2, OPT_W_LOCAL),
	SRV("ifconfig-push", 2, 3, OPT_W_CCD),
	SRV("ifconfig-ipv6-push", 1, 2, OPT_W_CCD),
	SRV("iroute", 1, 2, OPT_W_CCD),
	SRV("iroute-ipv6", 1, 1, OPT_W_CCD),
	SRV("disable", 0, 0, OPT_W_CCD),
	SRV("client-to-client", 0, 0, OPT_W_LOCAL),
	SRV("duplicate-cn", 0, 0, OPT_W_LOCAL),
	SRV("max-clients", 1, 1, OPT_W_LOCAL),
	SRV("max-routes-per-client", 1, 1, OPT_W_LOCAL),
	SRV("connect-freq", 2, 2, OPT_W_LOCAL),
	SRV("connect-freq-initial", 2, 2, OPT_W_LOCAL),
	SRV("verify-client-cert", 1, 1, OPT_W_LOCAL),
	SRV("username-as-common-name", 0, 0, OPT_W_LOCAL),
	SRV("auth-gen-token", 0, 3, OPT_W_LOCAL),
	SRV("auth-gen-token-secret", 1, 1, OPT_W_LOCAL),
	SRV("auth-user-pass-verify", 2, 2, OPT_W_LOCAL),
	SRV("client-connect", 1, 1, OPT_W_LOCAL),
	SRV("client-disconnect", 1, 1, OPT_W_LOCAL),
	SRV("learn-address", 1, 1, OPT_W_LOCAL),
	SRV("tls-crypt-v2-verify", 1, 1, OPT_W_LOCAL),
	SRV("tls-crypt-v2-max-age", 1, 1, OPT_W_LOCAL),
	SRV("force-tls-key-material-export", 0, 0, OPT_W_LOCAL),
	SRV("status-version", 1, 1, OPT_W_LOCAL),
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))
_Static_assert(TABLE_LEN <= OPT_SEEN_WORDS * 64, "grow OPT_SEEN_WORDS");

const struct opt_desc *optable_find(const char *name, size_t *index)
{
	for (size_t i = 0; i < TABLE_LEN; i++) {
		if (!strcmp(table[i].name, name)) {
			if (index)
				*index = i;
			return &table[i];
		}
	}
	return NULL;
}

const struct opt_desc *optable_at(size_t i)
{
	return i < TABLE_LEN ? &table[i] : NULL;
}

static const char *source_name(unsigned int source)
{
	switch (source) {
	case OPT_W_CMDLINE:
		return "on the command line";
	case OPT_W_PUSH:
		return "in a pushed option list";
	case OPT_W_CCD:
		return "in a client-config-dir file";
	default:
		return "in a config file";
	}
}

static bool ignored_unknown(const struct options *o, const char *name)
{
	if (o->forward_compatible)
		return true;
	for (size_t i = 0; i < o->ignore_unknown.n; i++)
		if (!strcmp(o->ignore_unknown.v[i], name))
			return true;
	return false;
}

/* Unknown, or wrong parameter count: OpenVPN cannot tell these apart. */
static int unknown(struct opt_ctx *c, const char *name, bool soft)
{
	static const char msg[] =
		"unrecognized option or missing or extra parameter(s): %s";

	if (soft || ignored_unknown(c->o, name)) {
		opt_warn(c, msg, name);
		return 0;
	}
	return opt_fail(c, msg, name);
}

static int check_place(struct opt_ctx *c, const struct opt_desc *d)
{
	if (!(d->where & c->source))
		return opt_fail(c, "option '%s' is not allowed %s", d->name,
				source_name(c->source));
	if (c->source == OPT_W_PUSH && (d->where & OPT_W_ROUTES) &&
	    c->o->route_nopull)
		return opt_fail(c, "option '%s' not accepted from the server "
				"(--route-nopull)", d->name);
	if (c->is_inline && !(d->where & OPT_W_INLINE))
		return opt_fail(c, "option '%s' cannot be given as an inline "
				"<%s> block", d->name, d->name);
	return 0;
}

/*
 * "setenv opt NAME ..." outside a push: NAME is applied as an option, but
 * if it is unknown that is only a warning (OpenVPN's way to write configs
 * for newer versions).
 */
static bool strip_setenv_opt(struct opt_ctx *c, char ***argv,
			     unsigned int *argc)
{
	if (c->source == OPT_W_PUSH || *argc < 2 ||
	    strcmp((*argv)[0], "setenv") || strcmp((*argv)[1], "opt"))
		return false;
	*argv += 2;
	*argc -= 2;
	return true;
}

int optable_apply(struct opt_ctx *c, char **argv, unsigned int argc)
{
	const struct opt_desc *d;
	bool soft = strip_setenv_opt(c, &argv, &argc);
	size_t idx;
	int ret;

	if (!argc)
		return unknown(c, "setenv opt", true);
	c->name = argv[0];
	d = optable_find(argv[0], &idx);
	if (!d || argc - 1 < d->min || argc - 1 > d->max)
		return unknown(c, argv[0], soft);
	ret = check_place(c, d);
	if (ret)
		return ret;
	ret = d->fn(c, d, argv, argc);
	if (!ret)
		c->o->seen[idx / 64] |= 1ull << (idx % 64);
	/* what the configuration itself says (not a push, not a ccd file) */
	if (!ret && !(c->source & (OPT_W_PUSH | OPT_W_CCD)))
		ret = opt_record_line(c->o, argv, argc);
	return ret;
}

bool options_was_set(const struct options *o, const char *name)
{
	size_t idx;

	if (!optable_find(name, &idx))
		return false;
	return (o->seen[idx / 64] >> (idx % 64)) & 1;
}

/* The generic handlers. */

static void *field(struct opt_ctx *c, const struct opt_desc *d)
{
	return (char *)c->o + d->off;
}

int h_flag(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	   unsigned int argc)
{
	(void)argv;
	(void)argc;
	*(bool *)field(c, d) = true;
	return 0;
}

int h_str(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	  unsigned int argc)
{
	(void)argc;
	return opt_strset(field(c, d), argv[1]);
}

int h_int(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	  unsigned int argc)
{
	(void)argc;
	return optval_int(c, argv[1], d->lo, d->hi, field(c, d));
}

/* A path, or inline content (which replaces any earlier path). */
int h_file(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	   unsigned int argc)
{
	struct opt_file *f = field(c, d);
	char *copy = NULL;

	(void)argc;
	if (c->is_inline) {
		copy = malloc(c->inline_len + 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, argv[1], c->inline_len + 1);
		opt_file_free(f);
		f->data = copy;
		f->len = c->inline_len;
		return 0;
	}
	opt_file_free(f);
	return opt_strset(&f->path, argv[1]);
}

int h_refuse(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	(void)argv;
	(void)argc;
	return opt_fail(c, "%s", d->note);
}

/* As h_ignore, but OpenVPN says nothing either: the note is for --help. */
int h_ignore_quiet(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		   unsigned int argc)
{
	(void)d;
	(void)argc;
	log_debug("%s:%u: --%s has no effect here", c->file, c->line, argv[0]);
	return 0;
}

int h_ignore(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	(void)argc;
	if (d->note)
		log_info("%s:%u: %s", c->file, c->line, d->note);
	else
		log_debug("%s:%u: --%s ignored", c->file, c->line, argv[0]);
	return 0;
}
