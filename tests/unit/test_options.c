/*
 * The option table through its three sources: config text/files (the
 * sample tests/conf/client.conf, run from the repository root as tests/run
 * does), the command line and PUSH_REPLY lists. Every error class is
 * checked against its exact "file:line: ..." message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/log.h"
#include "conf/opt_server.h"
#include "conf/options.h"

#define SAMPLE "tests/conf/client.conf"

static int parse(struct options *o, const char *text, char *err)
{
	return options_parse_text(o, "e.conf", text, strlen(text), err,
				  OPT_ERR_LEN);
}

/* Parse @text into fresh options; expect failure with exactly @msg. */
static void expect_error(const char *text, const char *msg)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";

	options_init(&o);
	assert_int_equal(parse(&o, text, err), -EINVAL);
	assert_string_equal(err, msg);
	options_free(&o);
}

static void expect_ok(struct options *o, const char *text)
{
	char err[OPT_ERR_LEN] = "";

	options_init(o);
	assert_int_equal(parse(o, text, err), 0);
	assert_string_equal(err, "");
}

static bool ip4_is(struct in_addr a, const char *s)
{
	struct in_addr b;

	return inet_pton(AF_INET, s, &b) == 1 && a.s_addr == b.s_addr;
}

static void test_sample_client(void **state)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";

	(void)state;
	options_init(&o);
	assert_int_equal(options_parse_file(&o, SAMPLE, err, sizeof(err)), 0);
	assert_true(o.client && o.pull && o.tls_client && !o.tls_server);
	assert_string_equal(o.dev, "tun");
	assert_int_equal(o.dev_type, OPT_DEV_TUN);
	assert_int_equal(o.proto.proto, OPT_PROTO_UDP);
	assert_int_equal(o.n_remotes, 2);
	assert_string_equal(o.remotes[0].host, "198.18.0.1");
	assert_string_equal(o.remotes[0].port, "1194");
	assert_int_equal(o.remotes[0].tr.proto, OPT_PROTO_NONE);
	assert_string_equal(o.remotes[1].host, "vpn2.example.test");
	assert_string_equal(o.remotes[1].port, "1195");
	assert_int_equal(o.remotes[1].tr.proto, OPT_PROTO_TCP_CLIENT);
	assert_false(o.remote_random);
	assert_int_equal(o.resolv_retry, -1);
	assert_true(o.nobind && o.persist_key && o.persist_tun);
	assert_string_equal(o.remote_cert_tls, "server");
	assert_string_equal(o.verify_x509_name, "server.example.test");
	assert_string_equal(o.verify_x509_type, "name");
	assert_string_equal(o.data_ciphers,
			    "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
	assert_string_equal(o.auth, "SHA256");
	assert_int_equal(o.key_direction, OPT_KEYDIR_INVERSE);
	assert_int_equal(o.verb, 3);
	assert_int_equal(o.mute, -1);
	assert_non_null(o.ca.data);
	assert_null(o.ca.path);
	assert_int_equal(strncmp(o.ca.data, "-----BEGIN CERTIFICATE-----\n", 28), 0);
	assert_int_equal(o.ca.len, strlen(o.ca.data));
	assert_non_null(strstr(o.cert.data, "dummyClientCertificate"));
	assert_non_null(strstr(o.key.data, "-----END PRIVATE KEY-----\n"));
	assert_string_equal(o.tls_auth.data,
			    "#\n# 2048 bit OpenVPN static key\n#\n"
			    "-----BEGIN OpenVPN Static key V1-----\n"
			    "00112233445566778899aabbccddeeff\n"
			    "ffeeddccbbaa99887766554433221100\n"
			    "-----END OpenVPN Static key V1-----\n");
	assert_true(options_was_set(&o, "persist-key"));
	assert_false(options_was_set(&o, "remote-random"));
	assert_false(options_was_set(&o, "no-such-option"));
	assert_int_equal(o.warnings, 0);
	options_free(&o);
	/* options_free leaves a usable, empty struct. */
	assert_null(o.dev);
	assert_int_equal(o.n_remotes, 0);
	assert_int_equal(o.verb, -1);
}

/* The whole table, each file option once: parses, and the set bits agree. */
static void test_full_table(void **state)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";

	(void)state;
	options_init(&o);
	assert_int_equal(options_parse_file(&o, "tests/conf/full.conf", err,
					    sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(o.warnings, 2);	/* the two future options */
	assert_int_equal(o.n_remotes, 3);
	assert_int_equal(o.n_routes, 2);
	assert_null(o.routes[1].gateway);
	assert_int_equal(o.routes[1].metric, 7);
	assert_string_equal(o.verify_x509_name, "CN=server, O=Example");
	assert_string_equal(o.setenv.v[1].name, "OPENVPN_SAFE_NAME");
	assert_int_equal(o.dns.n_servers, 1);
	assert_int_equal(o.dns.servers[0].addr[0].bytes[3], 53);
	assert_true(o.log_append);
	assert_true(options_was_set(&o, "tls-crypt-v2"));
	assert_true(options_was_set(&o, "nice"));
	assert_false(options_was_set(&o, "peer-id"));
	options_free(&o);
}

/* remote-cert-ku/eku, tls-crypt-v2's cookie word: values and errors. */
static void test_cert_usage_and_v2(void **state)
{
	struct options o;

	(void)state;
	expect_ok(&o, "remote-cert-ku a0 88\nremote-cert-eku \"TLS Web Server "
		      "Authentication\"\ntls-crypt-v2 v2.key force-cookie\n");
	assert_true(o.remote_cert_ku_set);
	assert_int_equal(o.n_remote_cert_ku, 2);
	assert_int_equal(o.remote_cert_ku[0], 0xa0);
	assert_int_equal(o.remote_cert_ku[1], 0x88);
	assert_string_equal(o.remote_cert_eku, "TLS Web Server Authentication");
	assert_true(o.tls_crypt_v2_force_cookie);
	options_free(&o);
	expect_ok(&o, "remote-cert-ku\ntls-crypt-v2 v2.key allow-noncookie\n");
	assert_true(o.remote_cert_ku_set);
	assert_int_equal(o.n_remote_cert_ku, 0);
	assert_false(o.tls_crypt_v2_force_cookie);
	options_free(&o);
	/* tls-cert-profile: enum tls_cert_profile's order, legacy by default */
	expect_ok(&o, "single-session\nallow-pull-fqdn\n");
	assert_true(o.single_session);
	assert_true(o.allow_pull_fqdn);
	options_free(&o);
	expect_ok(&o, "tls-cert-profile preferred\n");
	assert_int_equal(o.tls_cert_profile, 2);
	options_free(&o);
	expect_ok(&o, "tls-cert-profile suiteb\ntls-cert-profile insecure\n");
	assert_int_equal(o.tls_cert_profile, 1);
	options_free(&o);
	expect_ok(&o, "client\n");
	assert_int_equal(o.tls_cert_profile, 0);
	options_free(&o);
	expect_error("tls-cert-profile strong\n", "e.conf:1: --tls-cert-profile: "
		     "bad value 'strong' (expected legacy, insecure, preferred, "
		     "suiteb)");
	expect_error("remote-cert-ku a0 zz\n", "e.conf:1: --remote-cert-ku: 'zz' "
		     "is not a key usage in hex (e.g. a0)");
	expect_error("tls-crypt-v2 v2.key sometimes\n", "e.conf:1: --tls-crypt-v2: "
		     "the second parameter can be 'force-cookie' or "
		     "'allow-noncookie', not 'sometimes'");
	/* process and server options of installers' and hardened configs */
	expect_ok(&o, "mlock\ntmp-dir /dev/shm\nmax-routes 200\npasstos\n"
		      "socket-flags TCP_NODELAY\ntcp-nodelay\nmode server\n"
		      "connect-freq 3 60\nconnect-freq-initial 100 10\n");
	assert_true(o.mlock);
	assert_string_equal(o.tmp_dir, "/dev/shm");
	assert_true(o.tcp_nodelay);
	assert_true(o.passtos);
	assert_false(o.single_session);
	assert_int_equal(o.srv->connect_freq_n, 3);
	assert_int_equal(o.srv->connect_freq_s, 60);
	assert_int_equal(o.srv->connect_init_n, 100);
	assert_int_equal(o.srv->connect_init_s, 10);
	assert_int_equal(o.srv->max_routes, 256);	/* OpenVPN's default */
	options_free(&o);
	/* as OpenVPN: any number below 1 is 1 */
	expect_ok(&o, "mode server\nmax-routes-per-client 0\n");
	assert_int_equal(o.srv->max_routes, 1);
	options_free(&o);
	expect_error("max-routes-per-client many\n", "e.conf:1: "
		     "--max-routes-per-client: bad number 'many' (expected "
		     "-2147483648..2147483647)");
	expect_ok(&o, "static-challenge \"Enter OTP\" 1 concat\n");
	assert_string_equal(o.static_challenge, "Enter OTP");
	assert_true(o.static_challenge_echo);
	assert_true(o.static_challenge_concat);
	options_free(&o);
	expect_error("static-challenge OTP yes\n", "e.conf:1: --static-challenge: "
		     "ECHO must be 0 or 1, not 'yes'");
}

static void test_values(void **state)
{
	struct options o;

	(void)state;
	expect_ok(&o, "proto tcp6-client\nport 1194\nlport 0\nrport 443\n"
		      "connect-retry 5 300\nconnect-retry-max 3\n"
		      "tls-auth ta.key 1\nkey-direction 0\n"
		      "tls-version-min 1.2 or-highest\nreneg-sec 3600 4000\n"
		      "reneg-bytes 9000000000\nkeepalive 10 60\n"
		      "explicit-exit-notify\ncompress stub-v2\n"
		      "allow-compression asym\nauth-user-pass\n"
		      "auth-retry nointeract\nscript-security 2\n"
		      "up \"/etc/up.sh arg\"\nsetenv FOO bar\nmssfix 1400 mtu\n"
		      "tun-mtu 1420\ndhcp-option DNS 198.18.0.53\n"
		      "redirect-gateway def1 bypass-dhcp ipv6\n"
		      "dev mytap\ndev-type tap\nstatus /tmp/s 10\n"
		      "log-append /tmp/l\nncp-ciphers AES-128-GCM\n"
		      "block-outside-dns\n");
	assert_int_equal(o.proto.proto, OPT_PROTO_TCP_CLIENT);
	assert_int_equal(o.proto.family, OPT_AF_INET6);
	assert_string_equal(o.lport, "0");
	assert_string_equal(o.rport, "443");
	assert_true(o.lport_defined);
	assert_int_equal(o.connect_retry, 5);
	assert_int_equal(o.connect_retry_max_delay, 300);
	assert_string_equal(o.tls_auth.path, "ta.key");
	assert_int_equal(o.key_direction, OPT_KEYDIR_NORMAL);	/* later wins */
	assert_true(o.tls_version_min_or_highest);
	assert_int_equal(o.reneg_sec_max, 4000);
	assert_true(o.reneg_bytes == 9000000000LL);
	assert_int_equal(o.ping, 10);
	assert_int_equal(o.ping_restart, 60);
	assert_int_equal(o.explicit_exit_notify, 1);
	assert_int_equal(o.compress, OPT_COMP_STUB_V2);
	assert_int_equal(o.allow_compression, OPT_ALLOWCOMP_ASYM);
	assert_true(o.auth_user_pass);
	assert_null(o.auth_user_pass_file.path);
	assert_int_equal(o.auth_retry, OPT_AUTHRETRY_NOINTERACT);
	assert_string_equal(o.up, "/etc/up.sh arg");
	assert_string_equal(o.setenv.v[0].name, "FOO");
	assert_true(o.mssfix == 1400 && o.mssfix_mtu);
	assert_int_equal(o.tun_mtu, 1420);
	assert_string_equal(o.dhcp_options.v[0].value, "198.18.0.53");
	assert_int_equal(o.redirect_gateway,
			 OPT_REDIR_ENABLE | OPT_REDIR_DEF1 |
			 OPT_REDIR_BYPASS_DHCP | OPT_REDIR_IPV6);
	assert_int_equal(o.dev_type, OPT_DEV_TAP);
	assert_int_equal(o.status_interval, 10);
	assert_true(o.log_append);
	assert_string_equal(o.data_ciphers, "AES-128-GCM");
	options_free(&o);
}

/* 2.7's DEFAULT in --data-ciphers stands for the default list (a literal
 * "DEFAULT" in IV_CIPHERS matches no peer's cipher). */
static void test_data_ciphers_default(void **state)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";
	char text[300] = "data-ciphers ";

	(void)state;
	expect_ok(&o, "data-ciphers DEFAULT\n");
	assert_string_equal(o.data_ciphers,
			    "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
	options_free(&o);
	expect_ok(&o, "ncp-ciphers AES-128-CBC:DEFAULT::\n");
	assert_string_equal(o.data_ciphers, "AES-128-CBC:AES-256-GCM:"
			    "AES-128-GCM:CHACHA20-POLY1305");
	options_free(&o);
	expect_ok(&o, "data-ciphers default:AES-256-GCM\n");
	assert_string_equal(o.data_ciphers, "default:AES-256-GCM");
	options_free(&o);
	for (int i = 0; i < 30; i++)
		strcat(text, "DEFAULT:");
	strcat(text, "\n");
	options_init(&o);
	assert_int_equal(parse(&o, text, err), -EINVAL);
	assert_non_null(strstr(err, "--data-ciphers: list longer than"));
	options_free(&o);
}

/* Remote entries with OpenVPN's defaults filled in. */
static void test_remote_defaults(void **state)
{
	struct opt_endpoint ep;
	struct options o;

	(void)state;
	expect_ok(&o, "remote a\nremote b 443 tcp-client\n");
	assert_int_equal(options_remote(&o, 0, &ep), 0);
	assert_string_equal(ep.host, "a");
	assert_string_equal(ep.port, "1194");
	assert_int_equal(ep.proto, OPT_PROTO_UDP);
	assert_int_equal(options_remote(&o, 1, &ep), 0);
	assert_string_equal(ep.port, "443");
	assert_int_equal(ep.proto, OPT_PROTO_TCP_CLIENT);
	assert_int_equal(options_remote(&o, 2, &ep), -ENOENT);
	options_free(&o);
	/* The last of port/rport wins; port also sets the local port. */
	expect_ok(&o, "remote a\nrport 2000\nport 1000\nproto udp6\n");
	assert_int_equal(options_remote(&o, 0, &ep), 0);
	assert_string_equal(ep.port, "1000");
	assert_int_equal(ep.family, OPT_AF_INET6);
	assert_string_equal(o.lport, "1000");
	assert_false(o.lport_defined);
	options_free(&o);
	expect_ok(&o, "port 1000\nrport 2000\nremote a\n");
	assert_int_equal(options_remote(&o, 0, &ep), 0);
	assert_string_equal(ep.port, "2000");
	options_free(&o);
	options_init(&o);
	assert_int_equal(options_remote(&o, 0, &ep), -ENOENT);
}

/* 2.7's "local host|* [port] [proto]": one socket per line in a server. */
static void test_locals(void **state)
{
	struct opt_endpoint ep;
	struct options o;

	(void)state;
	expect_ok(&o, "port 1000\nproto tcp6-server\nlocal 198.18.0.1\n"
		  "local * 2000 udp4\nlocal fd00::1 0\n");
	assert_int_equal(options_local(&o, 0, &ep), 0);
	assert_string_equal(ep.host, "198.18.0.1");
	assert_string_equal(ep.port, "1000");
	assert_int_equal(ep.proto, OPT_PROTO_TCP_SERVER);
	assert_int_equal(ep.family, OPT_AF_INET6);
	assert_int_equal(options_local(&o, 1, &ep), 0);
	assert_null(ep.host);
	assert_string_equal(ep.port, "2000");
	assert_int_equal(ep.proto, OPT_PROTO_UDP);
	assert_int_equal(ep.family, OPT_AF_INET);
	assert_int_equal(options_local(&o, 2, &ep), 0);
	assert_string_equal(ep.port, "0");
	assert_int_equal(options_local(&o, 3, &ep), -ENOENT);
	/* the first line's host is a client's bind address */
	assert_string_equal(o.local, "198.18.0.1");
	options_free(&o);
	/* no local line: one socket from proto and port */
	expect_ok(&o, "proto tcp-server\n");
	assert_int_equal(options_local(&o, 0, &ep), 0);
	assert_null(ep.host);
	assert_string_equal(ep.port, "1194");
	assert_int_equal(ep.proto, OPT_PROTO_TCP_SERVER);
	assert_int_equal(options_local(&o, 1, &ep), -ENOENT);
	options_free(&o);
	expect_error("local a 70000\n", "e.conf:1: --local: bad port number "
		     "'70000'");
	expect_error("local a 1 sctp\n", "e.conf:1: --local: bad protocol "
		     "'sctp' (udp, udp4, udp6, tcp, tcp-client, tcp-server, "
		     "tcp4-client, ...)");
	expect_error("local a 1 udp x\n", "e.conf:1: unrecognized option or "
		     "missing or extra parameter(s): local");
	expect_error("local a\nlocal a\nlocal a\nlocal a\nlocal a\nlocal a\n"
		     "local a\nlocal a\nlocal a\n", "e.conf:9: too many --local "
		     "entries (8 max)");
}

/* record_lines: what a server's SIGHUP compares (conf/opt_record.c). */
static void test_record_lines(void **state)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";

	(void)state;
	options_init(&o);
	o.record_lines = true;
	assert_int_equal(parse(&o, "dev tun\npush \"route 198.18.0.0 "
			       "255.255.0.0\"\nlocal * 1195 udp4\n", err), 0);
	assert_int_equal(o.n_lines, 3);
	assert_string_equal(o.lines[0], "dev\x1ftun");
	assert_string_equal(o.lines[1], "push\x1froute 198.18.0.0 255.255.0.0");
	assert_string_equal(o.lines[2], "local\x1f*\x1f" "1195\x1fudp4");
	options_free(&o);
	assert_int_equal(o.n_lines, 0);
	/* off by default */
	expect_ok(&o, "dev tun\n");
	assert_int_equal(o.n_lines, 0);
	options_free(&o);
}

static void test_inline_options(void **state)
{
	static const char fp[] =
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
		"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
	char text[1024];
	struct options o;

	(void)state;
	snprintf(text, sizeof(text),
		 "<auth-user-pass>\nuser\npass\n</auth-user-pass>\n"
		 "<peer-fingerprint>\n# server\n%s\n\n%s\n</peer-fingerprint>\n"
		 "peer-fingerprint %s\n<tls-crypt-v2>\nV2\n</tls-crypt-v2>\n",
		 fp, fp, fp);
	expect_ok(&o, text);
	assert_string_equal(o.auth_user_pass_file.data, "user\npass\n");
	assert_int_equal(o.n_peer_fingerprints, 3);
	assert_int_equal(o.peer_fingerprints[2][10], 0xaa);
	assert_int_equal(o.peer_fingerprints[1][31], 0xff);
	assert_string_equal(o.tls_crypt_v2.data, "V2\n");
	options_free(&o);
	expect_error("peer-fingerprint 00:11\n",
		     "e.conf:1: --peer-fingerprint: bad SHA-256 fingerprint "
		     "'00:11' (32 hex bytes separated by ':')");
}

/* verify-hash as OpenVPN 2.6 parses it: SHA1 unless said (inline:
 * SHA256), not beside peer-fingerprint. */
static void test_verify_hash(void **state)
{
	static const char sha1[] = "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:"
				   "ee:ff:00:11:22:33";
	static const char sha256[] =
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
		"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
	char text[512];
	struct options o;

	(void)state;
	snprintf(text, sizeof(text), "verify-hash %s\nverify-hash %s SHA1\n",
		 sha1, sha1);
	expect_ok(&o, text);
	assert_int_equal(o.n_peer_fingerprints, 2);
	assert_int_equal(o.fpr_depth, 1);
	assert_int_equal(o.fpr_len, 20);
	assert_int_equal(o.peer_fingerprints[1][19], 0x33);
	options_free(&o);
	snprintf(text, sizeof(text), "<verify-hash>\n; ca\n%s\n</verify-hash>\n"
		 "verify-hash %s SHA256\n", sha256, sha256);
	expect_ok(&o, text);
	assert_int_equal(o.n_peer_fingerprints, 2);
	assert_int_equal(o.fpr_len, 32);
	options_free(&o);
	snprintf(text, sizeof(text), "verify-hash %s MD5\n", sha1);
	expect_error(text, "e.conf:1: invalid or unsupported hashing algorithm: "
		     "MD5 (only SHA1 and SHA256 are supported)");
	snprintf(text, sizeof(text), "verify-hash %s SHA256\n", sha1);
	expect_error(text, "e.conf:1: --verify-hash: bad SHA-256 fingerprint "
		     "'00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33'"
		     " (32 hex bytes separated by ':')");
	snprintf(text, sizeof(text), "peer-fingerprint %s\nverify-hash %s\n",
		 sha256, sha1);
	expect_error(text, "e.conf:2: ERROR: Setting verify-hash not allowed. "
		     "--verify-hash and --peer-fingerprint are mutually exclusive");
}

/* Every tag OpenVPN knows as inline reaches its option's handler (secret
 * too, since static key mode is carried). */
static void test_inline_tags(void **state)
{
	static const char *const accepted[] = { "ca", "cert", "key", "tls-auth",
		"tls-crypt", "tls-crypt-v2", "dh", "extra-certs", "crl-verify",
		"auth-user-pass", "http-proxy-user-pass", "pkcs12", "secret",
		NULL };
	char text[128];
	struct options o;

	(void)state;
	for (int i = 0; accepted[i]; i++) {
		snprintf(text, sizeof(text), "<%s>\nX\n</%s>\n", accepted[i],
			 accepted[i]);
		expect_ok(&o, text);
		options_free(&o);
	}
	expect_ok(&o, "<secret>\nK\n</secret>\n");
	assert_string_equal(o.secret.data, "K\n");
	options_free(&o);
}

static void test_error_messages(void **state)
{
	(void)state;
	expect_error("client\nfrobnicate 1\n",
		     "e.conf:2: unrecognized option or missing or extra "
		     "parameter(s): frobnicate");
	expect_error("verb\n", "e.conf:1: unrecognized option or missing or "
		     "extra parameter(s): verb");
	expect_error("\n\nnobind yes\n", "e.conf:3: unrecognized option or "
		     "missing or extra parameter(s): nobind");
	expect_error("verb x\n", "e.conf:1: --verb: bad number 'x' "
		     "(expected 0..2147483647)");
	expect_error("verb 9999999999\n", "e.conf:1: --verb: bad number "
		     "'9999999999' (expected 0..2147483647)");
	expect_error("verb 3x\n", "e.conf:1: --verb: bad number '3x' "
		     "(expected 0..2147483647)");
	expect_error("script-security 4\n", "e.conf:1: --script-security: bad "
		     "number '4' (expected 0..3)");
	expect_error("ping -1\n", "e.conf:1: --ping: bad number '-1' "
		     "(expected 0..2147483647)");
	expect_error("remote h 70000\n",
		     "e.conf:1: --remote: bad port number '70000'");
	expect_error("port 0\n", "e.conf:1: --port: bad port number '0'");
	expect_error("remote h 1194 sctp\n",
		     "e.conf:1: --remote: bad protocol 'sctp' (udp, udp4, udp6, "
		     "tcp, tcp-client, tcp-server, tcp4-client, ...)");
	expect_error("proto udp5\n", "e.conf:1: --proto: bad protocol 'udp5' "
		     "(udp, udp4, udp6, tcp, tcp-client, tcp-server, "
		     "tcp4-client, ...)");
	expect_error("ifconfig 198.18.0.300 255.255.255.0\n",
		     "e.conf:1: ifconfig parms '198.18.0.300' and "
		     "'255.255.255.0' must be valid addresses");
	expect_error("ifconfig-ipv6 fd00::1/129 fd00::2\n",
		     "e.conf:1: --ifconfig-ipv6: bad IPv6 prefix length in "
		     "'fd00::1/129'");
	expect_error("route 198.18.1.0 255.255.0\n",
		     "e.conf:1: --route: bad IPv4 address '255.255.0'");
	expect_error("topology star\n", "e.conf:1: --topology: bad value "
		     "'star' (expected net30, p2p, subnet)");
	expect_error("keepalive 10 15\n", "e.conf:1: --keepalive: the timeout "
		     "(15) must be at least twice the ping interval (10)");
	expect_error("# x\nremote \"h\n", "e.conf:2: no closing quotation (\")");
	expect_error("<ca>\nX\n", "e.conf:1: inline block <ca> is not closed "
		     "(</ca> missing)");
}

static void test_refused_and_misplaced(void **state)
{
	struct options o;

	(void)state;
	expect_error("fragment 1300\n", "e.conf:1: --fragment is not supported: "
		     "the offload data path does not fragment (as OpenVPN's "
		     "DCO); remove it on both ends");
	expect_error("link-mtu 1500\n",
		     "e.conf:1: --link-mtu is not supported; use --tun-mtu");
	expect_error("management 127.0.0.1 port\n",
		     "e.conf:1: --management: bad port number 'port'");
	expect_error("peer-id 3\n", "e.conf:1: option 'peer-id' is not allowed "
		     "in a config file");
	expect_error("<verb>\n3\n</verb>\n", "e.conf:1: option 'verb' cannot be "
		     "given as an inline <verb> block");
	/* Ignored as OpenVPN ignores it on Linux: no error, no warning. */
	expect_ok(&o, "block-outside-dns\n");
	assert_int_equal(o.warnings, 0);
	options_free(&o);
}

/* plugin PATH [ARGS]: as OpenVPN, one argument is an init string split
 * into words, several are kept as given; at most 16 lines. */
static void test_plugin_lines(void **state)
{
	char text[1200];
	struct options o;
	size_t len = 0;

	(void)state;
	expect_ok(&o, "plugin auth-pam.so \"login login USERNAME\"\n"
		      "plugin /x/down-root.so \"/bin/down arg\" two\n");
	assert_int_equal(o.n_plugins, 2);
	assert_int_equal(o.plugins[0].n, 4);
	assert_string_equal(o.plugins[0].v[0], "auth-pam.so");
	assert_string_equal(o.plugins[0].v[3], "USERNAME");
	assert_int_equal(o.plugins[1].n, 3);
	assert_string_equal(o.plugins[1].v[1], "/bin/down arg");
	options_free(&o);
	for (int i = 0; i < 17; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"plugin p%d.so\n", i);
	expect_error(text, "e.conf:17: --plugin: at most 16 plugins");
	expect_error("plugin\n", "e.conf:1: unrecognized option or missing or "
		     "extra parameter(s): plugin");
}

static void test_ignore_unknown_and_setenv_opt(void **state)
{
	struct options o;

	(void)state;
	expect_ok(&o, "ignore-unknown-option foo --bar\nfoo 1 2\nbar\n"
		      "setenv opt baz 1\nsetenv opt verb 4\n"
		      "setenv opt nobind extra\n");
	assert_int_equal(o.warnings, 4);
	assert_int_equal(o.verb, 4);	/* known: applied */
	assert_false(o.nobind);
	options_free(&o);
	/* Only options after the ignore-unknown-option line are ignored. */
	expect_error("foo\nignore-unknown-option foo\n", "e.conf:1: "
		     "unrecognized option or missing or extra parameter(s): foo");
	/* A malformed known option is still an error behind setenv opt. */
	expect_error("setenv opt verb x\n", "e.conf:1: --verb: bad number 'x' "
		     "(expected 0..2147483647)");
	expect_ok(&o, "setenv FORWARD_COMPATIBLE 1\nfuture-option x\n");
	assert_int_equal(o.warnings, 1);
	assert_true(o.forward_compatible);
	options_free(&o);
}

static void test_command_line(void **state)
{
	char *over[] = { "dcovpn", "--config", SAMPLE, "--verb", "5",
			 "--remote", "198.18.0.9", "--dev", "tun7", NULL };
	char *under[] = { "dcovpn", "--verb", "5", "--config", SAMPLE, NULL };
	char *bare[] = { "dcovpn", SAMPLE, NULL };
	char *noflag[] = { "dcovpn", "--verb", "4", "extra", "--", NULL };
	char *bad[] = { "dcovpn", "verb", "4", NULL };
	char *unknown[] = { "dcovpn", "--client", "--frob", "1", NULL };
	char *pushonly[] = { "dcovpn", "--peer-id", "1", NULL };
	char err[OPT_ERR_LEN];
	struct options o;

	(void)state;
	options_init(&o);
	assert_int_equal(options_parse_argv(&o, 9, over, err, sizeof(err)), 0);
	assert_int_equal(o.verb, 5);		/* later overrides */
	assert_int_equal(o.n_remotes, 3);	/* lists append, in order */
	assert_string_equal(o.remotes[2].host, "198.18.0.9");
	assert_null(o.remotes[2].port);
	assert_string_equal(o.dev, "tun7");
	options_free(&o);
	assert_int_equal(options_parse_argv(&o, 5, under, err, sizeof(err)), 0);
	assert_int_equal(o.verb, 3);		/* the file came later */
	options_free(&o);
	assert_int_equal(options_parse_argv(&o, 2, bare, err, sizeof(err)), 0);
	assert_true(o.client);
	options_free(&o);
	assert_int_equal(options_parse_argv(&o, 5, noflag, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "[CMD-LINE]:1: unrecognized option or missing "
			    "or extra parameter(s): verb");
	options_free(&o);
	assert_int_equal(options_parse_argv(&o, 3, bad, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "[CMD-LINE]:1: I'm trying to parse \"verb\" as "
			    "an --option parameter but I don't see a leading "
			    "'--'");
	options_free(&o);
	assert_int_equal(options_parse_argv(&o, 4, unknown, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "[CMD-LINE]:2: unrecognized option or missing "
			    "or extra parameter(s): frob");
	options_free(&o);
	assert_int_equal(options_parse_argv(&o, 3, pushonly, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "[CMD-LINE]:1: option 'peer-id' is not allowed "
			    "on the command line");
	options_free(&o);
}

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* One byte over the size limit, all comment lines. */
static void big_file(void)
{
	char path[128], line[101];
	FILE *f;

	snprintf(path, sizeof(path), "%s/big.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	memset(line, '#', 99);
	line[99] = '\n';
	line[100] = '\0';
	for (unsigned int i = 0; i < OPT_MAX_FILE / 100; i++)
		fputs(line, f);
	fwrite(line, 1, OPT_MAX_FILE % 100 + 1, f);
	fclose(f);
}

static void test_nested_config(void **state)
{
	char path[128], text[256], err[OPT_ERR_LEN], want[OPT_ERR_LEN];
	struct options o;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/conf-test.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(text, sizeof(text), "verb 2\nconfig %s/inner.conf\nmute 5\n",
		 tmpdir);
	write_file("outer.conf", text);
	write_file("inner.conf", "verb 6\nnobind\n");
	snprintf(text, sizeof(text), "config %s/self.conf\n", tmpdir);
	write_file("self.conf", text);
	write_file("bad.conf", "verb 1\n\nping x\n");

	options_init(&o);
	snprintf(path, sizeof(path), "%s/outer.conf", tmpdir);
	assert_int_equal(options_parse_file(&o, path, err, sizeof(err)), 0);
	assert_true(o.verb == 6 && o.nobind && o.mute == 5);
	options_free(&o);

	snprintf(path, sizeof(path), "%s/self.conf", tmpdir);
	assert_int_equal(options_parse_file(&o, path, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: maximum config nesting depth (10) "
		 "exceeded including '%s' (does a file include itself?)", path,
		 path);
	assert_string_equal(err, want);
	options_free(&o);

	/* An error in an included file names that file and its line. */
	snprintf(text, sizeof(text), "config %s/bad.conf\n", tmpdir);
	assert_int_equal(parse(&o, text, err), -EINVAL);
	snprintf(want, sizeof(want), "%s/bad.conf:3: --ping: bad number 'x' "
		 "(expected 0..2147483647)", tmpdir);
	assert_string_equal(err, want);
	options_free(&o);

	assert_int_equal(parse(&o, "\nconfig /nonexistent/x.conf\n", err),
			 -EINVAL);
	assert_string_equal(err, "e.conf:2: cannot read config file "
			    "'/nonexistent/x.conf': No such file or directory");
	options_free(&o);
	assert_int_equal(parse(&o, "config /dev/zero\n", err), -EINVAL);
	assert_string_equal(err, "e.conf:1: cannot read config file "
			    "'/dev/zero': not a regular file or pipe");
	options_free(&o);
	big_file();
	snprintf(text, sizeof(text), "config %s/big.conf\n", tmpdir);
	assert_int_equal(parse(&o, text, err), -EINVAL);
	snprintf(want, sizeof(want), "e.conf:1: cannot read config file "
		 "'%s/big.conf': larger than 4 MiB", tmpdir);
	assert_string_equal(err, want);
	options_free(&o);
	assert_int_equal(options_parse_file(&o, "/nonexistent/y", err,
					    sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/y: cannot read config file: No "
			    "such file or directory");
	options_free(&o);
	for (const char *const *n = (const char *const[]){ "outer.conf",
			"inner.conf", "self.conf", "bad.conf", "big.conf", NULL }; *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, *n);
		unlink(path);
	}
	rmdir(tmpdir);
}

static int push(struct options *o, const char *msg, char *err)
{
	err[0] = '\0';
	return options_apply_push(o, msg, strlen(msg), err, OPT_ERR_LEN);
}

/* Once accepted without effect, acting now (issue 11): stale-routes-check
 * (INTERVAL defaults to AGE; OpenVPN's message for values under 1), the
 * persist-*-ip flags and ping-timer-rem. */
static void test_routes_and_persist_flags(void **state)
{
	struct options o;

	(void)state;
	expect_ok(&o, "stale-routes-check 30\npersist-remote-ip\n"
		      "persist-local-ip\nping-timer-rem\n");
	assert_int_equal(o.stale_routes_age, 30);
	assert_int_equal(o.stale_routes_interval, 30);
	assert_true(o.persist_remote_ip && o.persist_local_ip &&
		    o.ping_timer_rem);
	options_free(&o);
	expect_ok(&o, "stale-routes-check 30 5\n");
	assert_int_equal(o.stale_routes_age, 30);
	assert_int_equal(o.stale_routes_interval, 5);
	options_free(&o);
	expect_error("stale-routes-check 0\n", "e.conf:1: --stale-routes-check "
		     "aging time and/or check interval must be >= 1");
	expect_error("stale-routes-check 10 -1\n", "e.conf:1: "
		     "--stale-routes-check aging time and/or check interval "
		     "must be >= 1");
}

/* Once ignored, acting now: echo (pushed lines kept for the manager,
 * config lines not), machine-readable-output, management-forget-disconnect;
 * the options that act in OpenVPN only elsewhere stay silent. */
static void test_echo_and_acting_flags(void **state)
{
	char err[OPT_ERR_LEN];
	char long_echo[400];
	struct options o;

	(void)state;
	expect_ok(&o, "echo msg from the config\nmachine-readable-output\n"
		      "management-forget-disconnect\nroute-method exe\n"
		      "hash-size 256 256\nifconfig-nowarn\n"
		      "allow-recursive-routing\n");
	assert_int_equal(o.echo.n, 0);
	assert_true(o.machine_readable && o.mgmt_forget_disconnect);
	assert_true(o.ifconfig_nowarn && o.allow_recursive_routing);
	assert_int_equal(o.warnings, 0);
	assert_int_equal(push(&o, "echo msg hi there,echo,echo forget-passwords",
			      err), 0);
	assert_int_equal(o.echo.n, 3);
	assert_string_equal(o.echo.v[0], "msg hi there");
	assert_string_equal(o.echo.v[1], "");
	assert_string_equal(o.echo.v[2], "forget-passwords");
	/* too long to keep: OpenVPN warns and drops it */
	memset(long_echo, 'x', sizeof(long_echo) - 1);
	long_echo[sizeof(long_echo) - 1] = '\0';
	memcpy(long_echo, "echo ", 5);
	assert_true(push(&o, long_echo, err) >= 0);
	assert_int_equal(o.echo.n, 3);
	options_free(&o);
}

/* Pushed names: refused without --allow-pull-fqdn (OpenVPN's messages),
 * resolved with it ("localhost", from /etc/hosts). */
static void test_push_fqdn(void **state)
{
	static const char reply[] =
		"route vpn.example 255.255.255.255,"
		"route 198.18.9.0 255.255.255.0 gw.example,"
		"route 198.18.10.0 255.255.255.0 vpn_gateway,"
		"ifconfig localhost 255.255.255.0,route-gateway localhost";
	char err[OPT_ERR_LEN];
	struct options o;

	(void)state;
	options_init(&o);
	assert_int_equal(push(&o, reply, err), 4);
	assert_string_equal(err, "[PUSH-OPTIONS]:1: route parameter network/IP "
			    "'vpn.example' must be a valid address");
	assert_int_equal(o.n_routes, 1);	/* the keyword is fine */
	assert_false(o.ifconfig_set);
	assert_null(o.route_gateway);
	options_free(&o);

	options_init(&o);
	o.allow_pull_fqdn = true;
	assert_int_equal(push(&o, reply, err), 0);
	assert_int_equal(o.n_routes, 3);
	assert_string_equal(o.routes[0].network, "vpn.example");
	assert_string_equal(o.routes[1].gateway, "gw.example");
	assert_true(o.ifconfig_set && ip4_is(o.ifconfig_local, "127.0.0.1"));
	assert_string_equal(o.route_gateway, "127.0.0.1");
	options_free(&o);

	/* a name that does not resolve, or is no name at all */
	options_init(&o);
	o.allow_pull_fqdn = true;
	assert_int_equal(push(&o, "ifconfig no-such-host.invalid 255.255.255.0,"
			      "route 'a b' 255.255.255.255", err), 2);
	assert_string_equal(err, "[PUSH-OPTIONS]:1: RESOLVE: Cannot resolve "
			    "host address: no-such-host.invalid");
	assert_int_equal(o.n_routes, 0);
	options_free(&o);
}

static void test_push_accepted(void **state)
{
	static const char reply[] =
		"route-gateway 198.18.8.1,topology subnet,ping 10,"
		"ping-restart 120,ifconfig 198.18.8.2 255.255.255.0,"
		"ifconfig-ipv6 fd00:8::1000/64 fd00:8::1,"
		"route 198.18.9.0 255.255.255.0,route-ipv6 fd00:9::/64,"
		"redirect-gateway def1,dhcp-option DNS 198.18.8.53,"
		"peer-id 7,cipher AES-256-GCM,key-derivation tls-ekm,"
		"protocol-flags cc-exit tls-ekm,tun-mtu 1500,comp-lzo no,"
		"auth-token SESS_ID_x,explicit-exit-notify 3, verb 4,"
		"block-outside-dns,setenv-safe X y,";
	char err[OPT_ERR_LEN];
	struct options o;

	(void)state;
	options_init(&o);
	assert_int_equal(push(&o, reply, err), 0);
	assert_string_equal(err, "");
	assert_string_equal(o.route_gateway, "198.18.8.1");
	assert_int_equal(o.topology, OPT_TOPO_SUBNET);
	assert_int_equal(o.ping, 10);
	assert_int_equal(o.ping_restart, 120);
	assert_true(o.ifconfig_set && ip4_is(o.ifconfig_local, "198.18.8.2"));
	assert_true(ip4_is(o.ifconfig_remote, "255.255.255.0"));
	assert_true(o.ifconfig6_set && o.ifconfig6_bits == 64);
	assert_int_equal(o.n_routes, 1);
	assert_string_equal(o.routes[0].netmask, "255.255.255.0");
	assert_null(o.routes[0].gateway);
	assert_int_equal(o.n_routes6, 1);
	assert_true(o.redirect_gateway & OPT_REDIR_DEF1);
	assert_string_equal(o.dhcp_options.v[0].name, "DNS");
	assert_int_equal(o.peer_id, 7);
	assert_string_equal(o.cipher, "AES-256-GCM");
	assert_true(o.key_derivation_ekm);
	assert_int_equal(o.protocol_flags, OPT_PF_CC_EXIT | OPT_PF_TLS_EKM);
	assert_int_equal(o.tun_mtu, 1500);
	assert_int_equal(o.compress, OPT_COMP_NO);
	assert_string_equal(o.auth_token, "SESS_ID_x");
	assert_int_equal(o.explicit_exit_notify, 3);
	assert_int_equal(o.verb, 4);
	assert_string_equal(o.setenv.v[0].name, "OPENVPN_X");
	options_free(&o);
}

static void test_push_rejected(void **state)
{
	char err[OPT_ERR_LEN];
	struct options o;

	(void)state;
	options_init(&o);
	assert_int_equal(push(&o, "ping 5,up /bin/sh,script-security 3,"
			      "remote 198.18.0.7,frob 1,ping-exit x,"
			      "setenv opt frob,ping-restart 30", err), 6);
	assert_string_equal(err, "[PUSH-OPTIONS]:2: option 'up' is not allowed "
			    "in a pushed option list");
	assert_null(o.up);
	assert_int_equal(o.script_security, -1);
	assert_int_equal(o.n_remotes, 0);
	/* The rest of the list is still applied, as OpenVPN does. */
	assert_int_equal(o.ping, 5);
	assert_int_equal(o.ping_restart, 30);
	assert_int_equal(push(&o, "frob 1", err), 1);
	assert_string_equal(err, "[PUSH-OPTIONS]:1: unrecognized option or "
			    "missing or extra parameter(s): frob");
	assert_int_equal(push(&o, "ca foo,route 1.2.3.4 255.255.0", err), 2);
	assert_string_equal(err, "[PUSH-OPTIONS]:1: option 'ca' is not allowed "
			    "in a pushed option list");
	options_free(&o);
}

static void test_push_filters(void **state)
{
	char err[OPT_ERR_LEN];
	struct options o;

	(void)state;
	expect_ok(&o, "route-nopull\npull-filter ignore \"dhcp-option\"\n"
		      "pull-filter accept \"route 198.18.1.\"\n"
		      "pull-filter reject \"route \"\n");
	assert_int_equal(push(&o, "route-ipv6 fd00::/8,dhcp-option DNS 1.1.1.1,"
			      "ping 3", err), 1);
	assert_string_equal(err, "[PUSH-OPTIONS]:1: option 'route-ipv6' not "
			    "accepted from the server (--route-nopull)");
	assert_int_equal(o.dhcp_options.n, 0);	/* filtered before route-nopull */
	assert_int_equal(o.ping, 3);
	assert_int_equal(push(&o, "route 198.18.2.0 255.255.255.0", err), -EPERM);
	assert_string_equal(err, "[PUSH-OPTIONS]:1: pushed option rejected by "
			    "pull-filter: 'route 198.18.2.0 255.255.255.0'");
	options_free(&o);
	/* A credential is never echoed in a message. */
	expect_ok(&o, "pull-filter reject auth-token\n");
	assert_int_equal(push(&o, "auth-token SECRET", err), -EPERM);
	assert_string_equal(err, "[PUSH-OPTIONS]:1: pushed option rejected by "
			    "pull-filter: 'auth-token'");
	assert_null(o.auth_token);
	options_free(&o);
}

static void test_connection_blocks(void **state)
{
	struct options o;

	(void)state;
	expect_ok(&o, "remote 198.18.0.1\n<connection>\n# first\n"
		      "remote 198.18.0.2 443\nproto tcp-client\n</connection>\n"
		      "<connection>\nport 1195\nremote vpn.example.test\n"
		      "</connection>\n");
	assert_int_equal(o.n_remotes, 3);
	assert_string_equal(o.remotes[1].host, "198.18.0.2");
	assert_string_equal(o.remotes[1].port, "443");
	assert_int_equal(o.remotes[1].tr.proto, OPT_PROTO_TCP_CLIENT);
	assert_string_equal(o.remotes[2].host, "vpn.example.test");
	assert_string_equal(o.remotes[2].port, "1195");
	assert_int_equal(o.remotes[2].tr.proto, OPT_PROTO_NONE);
	options_free(&o);
	expect_error("verb 1\n<connection>\nremote a\nverb 4\n</connection>\n",
		     "e.conf:4: 'verb' is not supported in a <connection> block "
		     "(dcovpn takes one remote, proto, port, rport and "
		     "http-proxy there)");
	expect_error("<connection>\nremote a 1 udp\nremote b\n</connection>\n",
		     "e.conf:3: 'remote' is not supported in a <connection> "
		     "block (dcovpn takes one remote, proto, port, rport and "
		     "http-proxy there)");
	/* http-proxy in a block (was refused): that entry's own proxy */
	expect_ok(&o, "client\ndev tun\nca c\nproto tcp-client\n"
		      "<connection>\nremote a\n</connection>\n"
		      "<connection>\nremote b\nhttp-proxy p 8080 auto\n"
		      "</connection>\n");
	assert_null(o.remotes[0].http_proxy);
	assert_string_equal(o.remotes[1].http_proxy->host, "p");
	assert_true(o.remotes[1].http_proxy->auto_auth);
	{
		char err[OPT_ERR_LEN] = "";

		options_check(&o, err, sizeof(err));
		assert_null(strstr(err, "proxy"));	/* other reasons only */
	}
	options_use_remote_proxy(&o, 0);
	assert_null(o.http_proxy.host);
	options_use_remote_proxy(&o, 1);
	assert_string_equal(o.http_proxy.host, "p");
	options_free(&o);
	expect_error("<connection>\nremote b\nhttp-proxy p\n</connection>\n",
		     "e.conf:3: http-proxy port number not defined");
	expect_ok(&o, "client\ndev tun\nca c\nauth-user-pass\n<connection>\nremote b\n"
		      "http-proxy p 8080\n</connection>\n");
	{
		char err[OPT_ERR_LEN];

		assert_int_equal(options_check(&o, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, "--http-proxy MUST be used in TCP "
				    "Client mode (i.e. --proto tcp-client)");
	}
	options_free(&o);
	expect_error("<connection>\nproto udp\n</connection>\n",
		     "e.conf:1: <connection> block without a remote");
	expect_error("<connection>\nremote a 1 sctp\n</connection>\n",
		     "e.conf:2: --remote: bad protocol 'sctp' (udp, udp4, udp6, "
		     "tcp, tcp-client, tcp-server, tcp4-client, ...)");
	expect_error("<connection>\nremote \"a\n</connection>\n",
		     "e.conf:2: no closing quotation (\")");
	expect_error("connection x\n", "e.conf:1: --connection must be an "
		     "inline <connection> block");
}

static void expect_consistency(const char *text, const char *msg)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";

	expect_ok(&o, text);
	assert_int_equal(options_check(&o, err, sizeof(err)), msg ? -EINVAL : 0);
	assert_string_equal(err, msg ? msg : "");
	options_free(&o);
}

#define CLIENT "client\ndev tun\nremote 198.18.0.1\nca ca.crt\n"
#define STATIC "dev tun\nremote 198.18.0.1\nsecret k 1\n"

static void test_check(void **state)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";

	(void)state;
	options_init(&o);
	assert_int_equal(options_parse_file(&o, SAMPLE, err, sizeof(err)), 0);
	assert_int_equal(options_check(&o, err, sizeof(err)), 0);
	options_free(&o);
	expect_consistency(CLIENT "cert c\nkey k\n", NULL);
	expect_consistency(CLIENT "auth-user-pass\n", NULL);
	expect_consistency(CLIENT "auth-user-pass\nlocal 198.18.0.2 5000\n", NULL);
	expect_consistency(CLIENT "auth-user-pass\nlocal a\nlocal b\n",
			   "multiple --local statements only allowed in "
			   "--server mode");
	expect_consistency("tls-client\ndev tun\nca c\ncert c\nkey k\n", NULL);
	expect_consistency("dev tun\nca c\ncert c\nkey k\n", "no mode given: "
		     "use --client, --tls-client, --tls-server or --secret");
	expect_consistency(CLIENT "tls-server\nauth-user-pass\n", "specify only one "
		     "of --tls-server, --tls-client, or --secret");
	/* static key mode: no CA or certificate; a CBC cipher over UDP */
	expect_consistency(STATIC "cipher AES-256-CBC\n", NULL);
	expect_consistency(STATIC "cipher AES-256-CBC\ntls-client\n",
			   "specify only one of --tls-server, --tls-client, or "
			   "--secret");
	expect_consistency(STATIC, "static key mode (--secret) needs --cipher "
			   "AES-128-CBC, AES-192-CBC or AES-256-CBC (OpenVPN's "
			   "default BF-CBC is not available)");
	expect_consistency(STATIC "cipher AES-256-GCM\n", "static key mode "
			   "(--secret) carries only AES-128-CBC, AES-192-CBC or "
			   "AES-256-CBC as --cipher");
	expect_consistency(STATIC "cipher AES-128-CBC\nproto tcp-client\n", NULL);
	expect_consistency(STATIC "cipher AES-128-CBC\nproto tcp-server\n",
			   "static key mode (--secret) takes no TCP connections "
			   "in dcovpn yet: use UDP, or --proto tcp-client with "
			   "--remote");
	/* no --remote: the first peer whose packets authenticate */
	expect_consistency("dev tun\nsecret k 1\ncipher AES-128-CBC\n", NULL);
	expect_consistency("dev tun\nsecret k\ncipher AES-128-CBC\nproto "
			   "tcp-server\n", "static key mode (--secret) takes no TCP "
			   "connections in dcovpn yet: use UDP, or --proto "
			   "tcp-client with --remote");
	expect_consistency("client\nremote h\nca c\nauth-user-pass\n",
		     "You must define TUN/TAP device (--dev)");
	/* a tap client (layer 2) is accepted; a tap server is refused later */
	expect_consistency(CLIENT "dev tap0\nauth-user-pass\n", NULL);
	expect_consistency("client\ndev tun\nca c\nauth-user-pass\n",
		     "--client/--pull needs at least one --remote");
	expect_consistency("client\ndev tun\nremote h\nauth-user-pass\n",
		     "You must define CA file (--ca) or CA path (--capath) "
		     "and/or peer fingerprint verification (--peer-fingerprint)");
	/* pkcs12 brings cert, key and CA; capath is a CA source */
	expect_consistency("client\ndev tun\nremote h\npkcs12 p\n", NULL);
	expect_consistency("client\ndev tun\nremote h\npkcs12 p\ncert c\n",
		     "Parameter --cert cannot be used when --pkcs12 is also "
		     "specified.");
	expect_consistency("client\ndev tun\nremote h\ncapath d\ncert c\n"
		     "key k\n", NULL);
	expect_consistency("client\ndev tun\nremote h\nverify-hash "
		     "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33\n"
		     "cert c\nkey k\n", "You must define CA file (--ca) or CA "
		     "path (--capath) and/or peer fingerprint verification "
		     "(--peer-fingerprint)");
	expect_consistency(CLIENT "cert c\n", "If you use one of --cert or --key, "
		     "you must use them both");
	expect_consistency(CLIENT, "No client-side authentication method is "
		     "specified.  You must use either --cert/--key or "
		     "--auth-user-pass");
	expect_consistency(CLIENT "auth-user-pass\ntls-auth a 1\ntls-crypt b\n",
		     "--tls-auth and --tls-crypt are mutually exclusive");
	expect_consistency(CLIENT "auth-user-pass\ntls-crypt b\ntls-crypt-v2 c\n",
		     "--tls-crypt-v2, --tls-auth and --tls-crypt are mutually "
		     "exclusive in client mode");
	expect_consistency(CLIENT "auth-user-pass\nkeepalive 10 60\nping 5\n",
		     "--keepalive conflicts with --ping, --ping-exit, or "
		     "--ping-restart. If you use --keepalive, you don't need any "
		     "of the other --ping directives.");
	expect_consistency(CLIENT "auth-user-pass\nping-exit 5\nping-restart 6\n",
		     "only one of --ping-exit or --ping-restart options may be "
		     "specified");
	expect_consistency(CLIENT "auth-user-pass\ntls-version-min 1.3\n"
		     "tls-version-max 1.2\n", "--tls-version-min is higher than "
		     "--tls-version-max");
	expect_consistency(CLIENT "auth-user-pass\ncomp-lzo\n", "compression is not "
		     "supported: the offload engine does not compress; remove "
		     "--comp-lzo/--compress or use --compress stub-v2");
	expect_consistency(CLIENT "auth-user-pass\ncomp-lzo no\ncompress stub-v2\n",
		     NULL);
	expect_error("allow-compression no\nallow-compression yes\n",
		     "e.conf:2: Cannot set allow-compression to 'yes' after set "
		     "to 'no'");
}

static void test_override_no_leak(void **state)
{
	struct options o;

	(void)state;
	/* Repeated scalars replace (and free) the earlier value. */
	expect_ok(&o, "ca a\nca b\n<ca>\nX\n</ca>\nca c\ndev tun0\ndev tun1\n"
		      "auth-user-pass f\n<auth-user-pass>\nu\np\n</auth-user-pass>\n"
		      "auth-user-pass\nauth-token t1\nauth-token t2\n");
	assert_string_equal(o.ca.path, "c");
	assert_null(o.ca.data);
	assert_string_equal(o.dev, "tun1");
	assert_null(o.auth_user_pass_file.data);
	assert_string_equal(o.auth_token, "t2");
	options_free(&o);
}

/* Lines from provider and installer profiles seen in the wild: parsed,
 * each to its effect (or knowingly none). */
static void test_provider_profiles(void **state)
{
	struct options o;

	(void)state;
	expect_ok(&o, "client\ntun-mtu-extra 32\ndisable-occ\nping-timer-rem\n"
		  "down-pre\nsyslog\naskpass /etc/openvpn/pass\n"
		  "auth-user-pass\nstatus /run/st 5\n");
	assert_true(o.down_pre);
	assert_true(o.use_syslog);
	assert_null(o.syslog_name);
	assert_true(o.askpass);
	assert_string_equal(o.askpass_file.path, "/etc/openvpn/pass");
	assert_true(o.auth_user_pass);
	assert_null(o.auth_user_pass_file.path);
	assert_int_equal(o.status_interval, 5);
	options_free(&o);
	expect_ok(&o, "syslog vpn-name\naskpass\n");
	assert_string_equal(o.syslog_name, "vpn-name");
	assert_true(o.askpass);
	assert_null(o.askpass_file.path);
	options_free(&o);
	expect_error("askpass a b\n", "e.conf:1: unrecognized option or missing "
		     "or extra parameter(s): askpass");
	expect_error("syslog a b\n", "e.conf:1: unrecognized option or missing "
		     "or extra parameter(s): syslog");
}

/* Around the tunnel: NetworkManager's plugin line, chroot, sockets, routes. */
static void test_host_options(void **state)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";

	(void)state;
	expect_ok(&o, "route-noexec\nifconfig-noexec\nchroot /var/empty\n"
		      "management /run/m.sock unix\n"
		      "management-client-user root\n"
		      "management-client-group root\n");
	assert_true(o.route_noexec && o.ifconfig_noexec);
	assert_string_equal(o.chroot_dir, "/var/empty");
	assert_string_equal(o.mgmt_client_user, "root");
	assert_string_equal(o.mgmt_client_group, "root");
	options_free(&o);
	expect_ok(&o, "route-table 100\nmark 7\nbind-dev vrf1\nmtu-disc yes\n"
		      "route-pre-down /bin/true\n");
	assert_int_equal(o.route_table, 100);
	assert_int_equal(o.mark, 7);
	assert_string_equal(o.bind_dev, "vrf1");
	assert_int_equal(o.mtu_disc, IP_PMTUDISC_DO);
	assert_string_equal(o.route_pre_down, "/bin/true");
	options_free(&o);
	expect_ok(&o, "http-proxy proxy.example 3128 /etc/p.txt\n"
		      "http-proxy-option VERSION 1.1\n"
		      "http-proxy-option CUSTOM-HEADER X-A b\n");
	assert_string_equal(o.http_proxy.host, "proxy.example");
	assert_string_equal(o.http_proxy.port, "3128");
	assert_string_equal(o.http_proxy.authfile, "/etc/p.txt");
	assert_int_equal(o.http_proxy.auth, OPT_PROXY_AUTH_BASIC);
	assert_string_equal(o.http_proxy_version, "1.1");
	assert_int_equal(o.http_proxy_headers.n, 1);
	options_free(&o);
	expect_ok(&o, "http-proxy p 8080 auto-nct\nsocks-proxy s\n");
	assert_true(o.http_proxy.auto_auth && o.http_proxy.no_cleartext);
	assert_string_equal(o.socks_proxy.port, "1080");
	options_free(&o);
	expect_ok(&o, "port-share 127.0.0.1 8443 /run/ps\nproto tcp-server\n"
		      "tls-server\n");
	assert_string_equal(o.port_share_port, "8443");
	assert_string_equal(o.port_share_dir, "/run/ps");
	assert_int_equal(options_check(&o, err, sizeof(err)), -EINVAL);
	assert_null(strstr(err, "port-share"));	/* other reasons only */
	options_free(&o);
	expect_ok(&o, "client\ndev tun\nremote h\nca c\nauth-user-pass\n"
		      "port-share 127.0.0.1 8443\n");
	assert_int_equal(options_check(&o, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--port-share only works in TCP server mode "
			    "(--proto values of tcp-server, tcp4-server, or "
			    "tcp6-server)");
	options_free(&o);
	expect_error("http-proxy p\n", "e.conf:1: http-proxy port number not "
		     "defined");
	expect_ok(&o, "http-proxy p 8080 f ntlm2\n");
	assert_int_equal(o.http_proxy.auth, OPT_PROXY_AUTH_NTLM2);
	options_free(&o);
	expect_ok(&o, "http-proxy p 8080 f ntlm\n");      /* v2, as 2.7 */
	assert_int_equal(o.http_proxy.auth, OPT_PROXY_AUTH_NTLM2);
	options_free(&o);
	expect_error("http-proxy-option FOO 1\n", "e.conf:1: Bad "
		     "http-proxy-option or missing or extra parameter: 'FOO'");
	expect_error("mtu-disc sometimes\n", "e.conf:1: --mtu-disc: bad value "
		     "'sometimes' (expected no, maybe, yes)");
	expect_error("mark -1\n", "e.conf:1: --mark: bad number '-1' "
		     "(expected 0..2147483647)");
	/* only on a unix socket, as OpenVPN */
	expect_ok(&o, "client\ndev tun\nremote h\nca c\nauth-user-pass\n"
		      "management 127.0.0.1 7505\n"
		      "management-client-user root\n");
	assert_int_equal(options_check(&o, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--management-client-(user|group) can only "
			    "be used on unix domain sockets");
	options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_client),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_cert_usage_and_v2),
		cmocka_unit_test(test_remote_defaults),
		cmocka_unit_test(test_locals),
		cmocka_unit_test(test_record_lines),
		cmocka_unit_test(test_data_ciphers_default),
		cmocka_unit_test(test_inline_options),
		cmocka_unit_test(test_verify_hash),
		cmocka_unit_test(test_inline_tags),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_refused_and_misplaced),
		cmocka_unit_test(test_echo_and_acting_flags),
		cmocka_unit_test(test_routes_and_persist_flags),
		cmocka_unit_test(test_plugin_lines),
		cmocka_unit_test(test_ignore_unknown_and_setenv_opt),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_nested_config),
		cmocka_unit_test(test_push_accepted),
		cmocka_unit_test(test_push_rejected),
		cmocka_unit_test(test_push_filters),
		cmocka_unit_test(test_connection_blocks),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_override_no_leak),
		cmocka_unit_test(test_provider_profiles),
		cmocka_unit_test(test_push_fqdn),
		cmocka_unit_test(test_host_options),
	};

	log_set_level(LOG_FATAL);	/* warnings are counted, not shown */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
