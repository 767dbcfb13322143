/*
 * Consistency of a parsed configuration, checked once every source is in
 * (OpenVPN's options_postprocess_verify, the client-side part, plus what
 * dcovpn cannot do). One small function per rule, run in order.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf/opt_server.h"
#include "conf/options.h"
#include "dcovpn/dco.h"

typedef const char *(*check_fn)(const struct options *o);

static bool has_file(const struct opt_file *f)
{
	return f->path || f->data;
}

/* OpenVPN's static key mode: --secret and no TLS role. */
static bool static_mode(const struct options *o)
{
	return has_file(&o->secret) && !o->tls_client && !o->tls_server;
}

static const char *check_mode(const struct options *o)
{
	if ((o->tls_client && o->tls_server) ||
	    (has_file(&o->secret) && (o->tls_client || o->tls_server)))
		return "specify only one of --tls-server, --tls-client, or "
		       "--secret";
	if (!o->tls_client && !o->tls_server && !has_file(&o->secret))
		return "no mode given: use --client, --tls-client, "
		       "--tls-server or --secret";
	if (o->pull && !o->tls_client)
		return "--pull needs --tls-client (or use --client)";
	return NULL;
}

static const char *check_dev(const struct options *o)
{
	if (!o->dev)
		return "You must define TUN/TAP device (--dev)";
	if (o->dev_type == OPT_DEV_UNSET)
		return "cannot tell the device type from --dev: add --dev-type "
		       "tun";
	return NULL;
}

static const char *check_remote(const struct options *o)
{
	if (o->pull && !o->n_remotes)
		return "--client/--pull needs at least one --remote";
	return NULL;
}

#define STATIC_TCP_SERVER "static key mode (--secret) takes no TCP connections in " \
	"dcovpn yet: use UDP, or --proto tcp-client with --remote"

/* What dcovpn's static key mode carries: a CBC cipher over UDP or as a
 * TCP client. */
static const char *check_static(const struct options *o)
{
	struct opt_endpoint ep;
	enum dco_cipher c;

	if (!static_mode(o))
		return NULL;
	if (!o->cipher)
		return "static key mode (--secret) needs --cipher AES-128-CBC, "
		       "AES-192-CBC or AES-256-CBC (OpenVPN's default BF-CBC is "
		       "not available)";
	if (dco_cipher_from_name(o->cipher, &c) || !dco_cipher_is_cbc(c))
		return "static key mode (--secret) carries only AES-128-CBC, "
		       "AES-192-CBC or AES-256-CBC as --cipher";
	if (!o->n_remotes && o->proto.proto != OPT_PROTO_NONE &&
	    o->proto.proto != OPT_PROTO_UDP)
		return STATIC_TCP_SERVER;
	for (size_t i = 0; options_remote(o, i, &ep) == 0; i++)
		if (ep.proto != OPT_PROTO_UDP && ep.proto != OPT_PROTO_TCP_CLIENT)
			return STATIC_TCP_SERVER;
	return NULL;
}

static const char *check_ca(const struct options *o)
{
	if (static_mode(o))
		return NULL;
	/* verify-hash checks the CA's digest: a chain is still needed */
	if (has_file(&o->ca) || o->capath || has_file(&o->pkcs12) ||
	    (o->n_peer_fingerprints && !o->fpr_depth))
		return NULL;
	return "You must define CA file (--ca) or CA path (--capath) and/or "
	       "peer fingerprint verification (--peer-fingerprint)";
}

/* A pulling client may log in by password alone; a TLS peer needs both. */
static const char *check_cert_key(const struct options *o)
{
	if (static_mode(o))
		return NULL;
	/* management-external-key/-cert stand for --key/--cert */
	int sum = (has_file(&o->cert) || o->mgmt_external_cert) +
		  (has_file(&o->key) || o->mgmt_external_key);

	if (o->mgmt_external_cert && !o->mgmt_external_key)
		return "--management-external-cert must be used with "
		       "--management-external-key";

	if (has_file(&o->pkcs12) && sum)
		return has_file(&o->cert) ? "Parameter --cert cannot be used when "
		       "--pkcs12 is also specified." : "Parameter --key cannot be "
		       "used when --pkcs12 is also specified.";
	if (has_file(&o->pkcs12))
		return NULL;
	if (sum == 1)
		return "If you use one of --cert or --key, you must use them both";
	if (sum == 0 && o->pull && !o->auth_user_pass)
		return "No client-side authentication method is specified.  "
		       "You must use either --cert/--key or --auth-user-pass";
	if (sum == 0 && !o->pull)
		return "You must define certificate file (--cert) and private "
		       "key file (--key)";
	return NULL;
}

static const char *check_wrappers(const struct options *o)
{
	bool ta = has_file(&o->tls_auth), tc = has_file(&o->tls_crypt);

	if (ta && tc)
		return "--tls-auth and --tls-crypt are mutually exclusive";
	if (o->tls_client && has_file(&o->tls_crypt_v2) && (ta || tc))
		return "--tls-crypt-v2, --tls-auth and --tls-crypt are mutually "
		       "exclusive in client mode";
	return NULL;
}

static const char *check_auth_user_pass(const struct options *o)
{
	if (o->auth_user_pass && !o->pull)
		return "--auth-user-pass requires --pull";
	return NULL;
}

static const char *check_timers(const struct options *o)
{
	if (options_was_set(o, "keepalive") &&
	    (options_was_set(o, "ping") || options_was_set(o, "ping-restart") ||
	     options_was_set(o, "ping-exit")))
		return "--keepalive conflicts with --ping, --ping-exit, or "
		       "--ping-restart. If you use --keepalive, you don't need "
		       "any of the other --ping directives.";
	if (o->ping_exit >= 0 && o->ping_restart >= 0)
		return "only one of --ping-exit or --ping-restart options may be "
		       "specified";
	return NULL;
}

static const char *check_tls_versions(const struct options *o)
{
	/* "1.0".."1.3": same length, so strcmp orders them. */
	if (o->tls_version_min && o->tls_version_max &&
	    !o->tls_version_min_or_highest &&
	    strcmp(o->tls_version_min, o->tls_version_max) > 0)
		return "--tls-version-min is higher than --tls-version-max";
	return NULL;
}

static const char *check_compression(const struct options *o)
{
	switch (o->compress) {
	case OPT_COMP_LZO:
	case OPT_COMP_LZ4:
	case OPT_COMP_LZ4_V2:
	case OPT_COMP_MIGRATE:
		return "compression is not supported: the offload engine does "
		       "not compress; remove --comp-lzo/--compress or use "
		       "--compress stub-v2";
	default:
		return NULL;
	}
}

static const char *check_mgmt_peer(const struct options *o)
{
	if ((o->mgmt_client_user || o->mgmt_client_group) &&
	    !(o->mgmt_addr && o->mgmt_unix))
		return "--management-client-(user|group) can only be used on "
		       "unix domain sockets";
	return NULL;
}

/* As OpenVPN 2.6: an HTTP proxy carries a TCP client only; a SOCKS one
 * also UDP (UDP ASSOCIATE, daemon/socks_udp.h). */
static const char *check_proxy(const struct options *o)
{
	struct opt_endpoint ep;

	if (o->http_proxy.host && o->socks_proxy.host)
		return "--http-proxy can not be used together with --socks-proxy";
	for (size_t i = 0; options_remote(o, i, &ep) == 0; i++) {
		bool own = o->remotes[i].http_proxy != NULL;

		if (ep.proto == OPT_PROTO_TCP_CLIENT || ep.proto == OPT_PROTO_TCP ||
		    (!own && !o->http_proxy.host))
			continue;
		return "--http-proxy MUST be used in TCP Client mode (i.e. "
		       "--proto tcp-client)";
	}
	return NULL;
}

/* Is any listening socket a TCP one (port-share needs one)? */
static bool has_tcp_server(const struct options *o)
{
	struct opt_endpoint ep;

	for (size_t i = 0; options_local(o, i, &ep) == 0; i++)
		if (ep.proto == OPT_PROTO_TCP_SERVER ||
		    (ep.proto == OPT_PROTO_TCP && o->tls_server))
			return true;
	return false;
}

static const char *check_port_share(const struct options *o)
{
	bool tcp_server = has_tcp_server(o);

	if (o->port_share_host && !tcp_server)
		return "--port-share only works in TCP server mode (--proto "
		       "values of tcp-server, tcp4-server, or tcp6-server)";
	return NULL;
}

/* OpenVPN 2.7's words: one socket unless a multi-client server. */
static const char *check_locals(const struct options *o)
{
	if (o->n_locals > 1 && !(o->srv && o->srv->mode_server))
		return "multiple --local statements only allowed in --server "
		       "mode";
	return NULL;
}

/* A multi-client server opens its tun at start, always (as OpenVPN). */
static const char *check_up_delay(const struct options *o)
{
	if (o->up_delay && o->srv && o->srv->mode_server)
		return "--up-delay cannot be used with --mode server";
	return NULL;
}

/* As 2.6's dns_options_verify: a profile needs an address to be usable. */
static const char *check_dns(const struct options *o)
{
	char why[128];

	if (dns_verify(&o->dns, why, sizeof(why)))
		return "--dns server without an address: every 'dns server N ...' "
		       "needs a 'dns server N address ...' line";
	return NULL;
}

static const check_fn checks[] = {
	check_mode, check_static, check_dev, check_remote, check_ca, check_cert_key,
	check_wrappers, check_auth_user_pass, check_timers,
	check_tls_versions, check_compression, check_mgmt_peer, check_proxy,
	check_port_share, check_locals, check_up_delay, check_dns,
};

int options_check(const struct options *o, char *err, size_t err_len)
{
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const char *why = checks[i](o);

		if (why) {
			if (err && err_len)
				snprintf(err, err_len, "%s", why);
			return -EINVAL;
		}
	}
	return 0;
}
