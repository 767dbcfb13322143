/* Client set-up from options: TLS, wrapping key, credentials, peer-info. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/mem.h"
#include "conf/opt_server.h"
#include "conf/statickey.h"
#include "daemon/peerinfo_full.h"
#include "ctl/keymethod2.h"
#include "daemon/clientcfg.h"
#include "daemon/prompt.h"

static bool file_given(const struct opt_file *f)
{
	return f && (f->data || f->path);
}

static int clientcfg_askpass(const struct clientcfg *c,
			     const struct options *o, char *pass, size_t len,
			     char *err, size_t errlen);

/* management-external-cert: the certificate from the manager, inline. */
static int clientcfg_ext_cert(struct clientcfg *c, const struct options *o,
			      struct opt_file *f, char *err, size_t errlen)
{
	int ret = c->asker && c->asker->cert ?
		  c->asker->cert(c->asker->ctx, o->mgmt_external_cert, &f->data) :
		  -EINVAL;

	if (ret) {
		snprintf(err, errlen, "management-external-cert: no certificate "
			 "from the management interface");
		return ret;
	}
	f->len = strlen(f->data);
	return 0;
}

static int clientcfg_tls(struct clientcfg *c, const struct options *o,
			 char *err, size_t errlen)
{
	struct opt_file ext_cert = { 0 };
	char pass[CLIENTCFG_SECRET_MAX];
	struct tls_config tc = {
		.role = o->tls_server ? TLS_ROLE_SERVER : TLS_ROLE_CLIENT,
		.ca = file_given(&o->ca) ? &o->ca : NULL,
		.cert = file_given(&o->cert) ? &o->cert : NULL,
		.key = file_given(&o->key) ? &o->key : NULL,
		.ext_signer = o->mgmt_external_key && c->asker ?
			      c->asker->signer : NULL,
		.extra_certs = file_given(&o->extra_certs) ? &o->extra_certs : NULL,
		.pkcs12 = file_given(&o->pkcs12) ? &o->pkcs12 : NULL,
		.capath = o->capath,
		.crl_verify = file_given(&o->crl_verify) ? &o->crl_verify : NULL,
		.crl_verify_dir = o->crl_verify_dir,
		.version_min = o->tls_version_min,
		.version_min_or_highest = o->tls_version_min_or_highest,
		.version_max = o->tls_version_max,
		.cipher = o->tls_cipher,
		.ciphersuites = o->tls_ciphersuites,
		.groups = o->tls_groups,
		.cert_profile = (enum tls_cert_profile)o->tls_cert_profile,
		.verify_x509_name = o->verify_x509_name,
		.remote_ku = o->remote_cert_ku_set,
		.remote_ku_values = o->remote_cert_ku,
		.n_remote_ku = o->n_remote_cert_ku,
		.remote_eku = o->remote_cert_eku,
		.username_fields = (const char *const *)o->x509_username_field,
		.n_username_fields = o->n_x509_username_field,
		.peer_fingerprints = (const uint8_t (*)[TLS_FPR_LEN])o->peer_fingerprints,
		.n_peer_fingerprints = o->n_peer_fingerprints,
		.fpr_depth = o->fpr_depth,
		.fpr_len = o->fpr_len,
		/* server: verify-client-cert (same order of values) */
		.verify_client = o->srv ? (enum tls_verify_client)
				 o->srv->verify_client_cert : TLS_VERIFY_CLIENT_REQUIRE,
	};
	int ret;

	if (o->remote_cert_tls) {
		ret = tls_parse_remote_cert(o->remote_cert_tls, &tc.remote_cert,
					    err, errlen);
		if (ret)
			return ret;
	}
	if (o->verify_x509_type) {
		ret = tls_parse_x509_type(o->verify_x509_type,
					  &tc.verify_x509_type, err, errlen);
		if (ret)
			return ret;
	}
	if (o->askpass) {
		ret = clientcfg_askpass(c, o, pass, sizeof(pass), err, errlen);
		if (ret)
			return ret;
		tc.key_passphrase = pass;
	}
	if (o->mgmt_external_cert) {
		ret = clientcfg_ext_cert(c, o, &ext_cert, err, errlen);
		if (ret)
			return ret;
		tc.cert = &ext_cert;
	}
	ret = tls_ctx_new(&c->tls, &tc, err, errlen);
	mem_wipe(pass, sizeof(pass));
	free(ext_cert.data);
	return ret;
}

enum statickey_dir clientcfg_keydir(enum opt_key_dir d)
{
	switch (d) {
	case OPT_KEYDIR_NORMAL:
		return STATICKEY_DIR_NORMAL;
	case OPT_KEYDIR_INVERSE:
		return STATICKEY_DIR_INVERSE;
	default:
		return STATICKEY_DIR_NONE;
	}
}

static int load_statickey(const struct opt_file *f, struct statickey *sk,
			  char *err, size_t errlen)
{
	if (f->data)
		return statickey_parse(f->data, f->len, sk, err, errlen);
	return statickey_load(f->path, sk, err, errlen);
}

/* A server's tls-crypt-v2 key: it unwraps each client's own key. */
static int clientcfg_v2_server(struct clientcfg *c, const struct options *o,
			       char *err, size_t errlen)
{
	const struct opt_file *f = &o->tls_crypt_v2;

	c->v2s = calloc(1, sizeof(*c->v2s));
	if (!c->v2s)
		return -ENOMEM;
	if (f->data)
		return tlscryptv2_server_parse(f->data, f->len, c->v2s, err,
					       errlen);
	return tlscryptv2_server_load(f->path, c->v2s, err, errlen);
}

static int clientcfg_v2(struct clientcfg *c, const struct options *o,
			char *err, size_t errlen)
{
	const struct opt_file *f = &o->tls_crypt_v2;
	int ret;

	if (o->tls_server)
		return clientcfg_v2_server(c, o, err, errlen);
	c->v2 = calloc(1, sizeof(*c->v2));
	if (!c->v2)
		return -ENOMEM;
	if (f->data)
		ret = tlscryptv2_client_parse(f->data, f->len, c->v2, err, errlen);
	else
		ret = tlscryptv2_client_load(f->path, c->v2, err, errlen);
	if (ret)
		return ret;
	ret = tlscryptv2_client_wrap_key(c->v2, &c->wrap);
	if (ret) {
		snprintf(err, errlen, "tls-crypt-v2: cannot set up the key");
		return ret;
	}
	c->has_wrap = true;
	return 0;
}

static int clientcfg_wrap(struct clientcfg *c, const struct options *o,
			  char *err, size_t errlen)
{
	struct statickey sk;
	int ret;

	if (file_given(&o->tls_crypt_v2))
		return clientcfg_v2(c, o, err, errlen);
	if (!file_given(&o->tls_auth) && !file_given(&o->tls_crypt))
		return 0;
	if (file_given(&o->tls_crypt)) {
		ret = load_statickey(&o->tls_crypt, &sk, err, errlen);
		if (!ret)
			ret = tlswrap_key_init(&c->wrap, TLSWRAP_CRYPT, &sk,
					       tlswrap_crypt_dir(o->tls_server), NULL);
	} else {
		ret = load_statickey(&o->tls_auth, &sk, err, errlen);
		if (!ret)
			ret = tlswrap_key_init(&c->wrap, TLSWRAP_AUTH, &sk,
					       clientcfg_keydir(o->key_direction),
					       o->auth);
	}
	if (!ret)
		c->wrap_sk = sk;
	statickey_wipe(&sk);
	if (ret && !err[0])
		snprintf(err, errlen, "cannot set up the tls-auth/tls-crypt key: %s",
			 strerror(-ret));
	c->has_wrap = ret == 0;
	return ret;
}

/* Read a whole small file (auth-user-pass); NUL-terminated heap copy. */
static char *read_small_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;

	if (fd < 0)
		return NULL;
	buf = calloc(1, 8192);
	if (buf) {
		n = read(fd, buf, 8191);
		*len = n > 0 ? (size_t)n : 0;
	}
	close(fd);
	return buf;
}

static char *dup_line(const char *s, const char **next)
{
	size_t n = strcspn(s, "\r\n");
	char *out = strndup(s, n);

	s += n;
	while (*s == '\r' || *s == '\n')
		s++;
	*next = s;
	return out;
}

#define CLIENTCFG_USER_MAX 256

/* auth-user-pass without a file: ask on the terminal, as OpenVPN does,
 * or through the management interface (c->asker). */
static int clientcfg_userpass_ask(struct clientcfg *c, const struct options *o,
				  char *err, size_t errlen)
{
	char user[CLIENTCFG_USER_MAX], pass[CLIENTCFG_SECRET_MAX];
	int ret;

	if (c->asker && c->asker->ask) {
		ret = c->asker->ask(c->asker->ctx, "Auth", user, sizeof(user), pass,
				    sizeof(pass), o->static_challenge,
				    o->static_challenge_echo);
		if (ret)
			snprintf(err, errlen, "auth-user-pass: no credentials "
				 "from the management interface");
		/* a manager answers a static challenge in the password */
		c->challenge_done = o->static_challenge != NULL;
	} else {
		ret = prompt_line("Enter Auth Username:", true, user, sizeof(user));
		if (!ret)
			ret = prompt_line("Enter Auth Password:", false, pass,
					  sizeof(pass));
		if (ret)
			snprintf(err, errlen, "auth-user-pass: %s", ret == -ENXIO ?
				 "no terminal to ask for the username and "
				 "password on; give them in a file "
				 "(auth-user-pass FILE)" : strerror(-ret));
	}
	if (ret) {
		mem_wipe(pass, sizeof(pass));
		return ret;
	}
	c->username = strdup(user);
	c->password = strdup(pass);
	mem_wipe(pass, sizeof(pass));
	if (!c->username || !c->password || !user[0]) {
		snprintf(err, errlen, "auth-user-pass: need a username");
		return -EINVAL;
	}
	return 0;
}

/* askpass: the key's passphrase, from the file's first line or the tty. */
static int clientcfg_askpass(const struct clientcfg *c,
			     const struct options *o, char *pass, size_t len,
			     char *err, size_t errlen)
{
	const struct opt_file *f = &o->askpass_file;
	const char *rest;
	size_t flen = 0;
	char *text, *line;
	int ret;

	if (!f->path && c->asker && c->asker->ask) {
		ret = c->asker->ask(c->asker->ctx, "Private Key", NULL, 0, pass,
				    len, NULL, false);
		if (ret)
			snprintf(err, errlen, "askpass: no passphrase from the "
				 "management interface");
		return ret;
	}
	if (!f->path) {
		ret = prompt_line("Enter Private Key Password:", false, pass, len);
		if (ret)
			snprintf(err, errlen, "askpass: %s", ret == -ENXIO ?
				 "no terminal to ask for the key's passphrase "
				 "on; give it in a file (askpass FILE)" :
				 strerror(-ret));
		return ret;
	}
	text = read_small_file(f->path, &flen);
	if (!text) {
		snprintf(err, errlen, "askpass: cannot read %s", f->path);
		return -EINVAL;
	}
	line = dup_line(text, &rest);
	mem_wipe(text, flen);
	free(text);
	ret = line && strlen(line) < len ? 0 : -EINVAL;
	if (!ret)
		memcpy(pass, line, strlen(line) + 1);
	else
		snprintf(err, errlen, "askpass: no usable passphrase line in %s",
			 f->path);
	if (line) {
		mem_wipe(line, strlen(line));
		free(line);
	}
	return ret;
}

static void wipe_free(char **p)
{
	if (!*p)
		return;
	mem_wipe(*p, strlen(*p));
	free(*p);
	*p = NULL;
}

/* base64 of @s into a new string (NULL: no memory). */
static char *b64_dup(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s,
				(int)n);
	return out;
}

/*
 * static-challenge: the one-time response is asked on the terminal
 * ("CHALLENGE: TEXT") and joined to the password as OpenVPN does:
 * "SCRV1:" base64(password) ":" base64(response), or appended (concat).
 */
static int clientcfg_challenge(struct clientcfg *c, const struct options *o,
			       char *err, size_t errlen)
{
	char q[512], resp[CLIENTCFG_SECRET_MAX], *bp = NULL, *br = NULL;
	char *out = NULL;
	int ret;

	snprintf(q, sizeof(q), "CHALLENGE: %s", o->static_challenge);
	ret = prompt_line(q, o->static_challenge_echo, resp, sizeof(resp));
	if (ret) {
		snprintf(err, errlen, "static-challenge: %s", ret == -ENXIO ?
			 "no terminal to ask for the challenge response on" :
			 strerror(-ret));
		return ret;
	}
	if (o->static_challenge_concat) {
		if (asprintf(&out, "%s%s", c->password, resp) < 0)
			out = NULL;
	} else {
		bp = b64_dup(c->password);
		br = b64_dup(resp);
		if (!bp || !br || asprintf(&out, "SCRV1:%s:%s", bp, br) < 0)
			out = NULL;
	}
	ret = out ? 0 : -ENOMEM;
	mem_wipe(resp, sizeof(resp));
	wipe_free(&bp);
	wipe_free(&br);
	if (ret)
		return ret;
	wipe_free(&c->password);
	c->password = out;
	return 0;
}

static int clientcfg_userpass_read(struct clientcfg *c,
				   const struct options *o, char *err,
				   size_t errlen)
{
	const struct opt_file *f = &o->auth_user_pass_file;
	char *text;
	const char *p;
	size_t len = 0;

	if (!o->auth_user_pass)
		return 0;
	if (!f->data && !f->path)
		return clientcfg_userpass_ask(c, o, err, errlen);
	text = f->data ? strdup(f->data) : read_small_file(f->path, &len);
	if (!text) {
		snprintf(err, errlen, "auth-user-pass: cannot read %s",
			 f->path ? f->path : "inline block");
		return -EINVAL;
	}
	c->username = dup_line(text, &p);
	c->password = dup_line(p, &p);
	mem_wipe(text, strlen(text));
	free(text);
	if (!c->username || !c->password || !c->username[0]) {
		snprintf(err, errlen, "auth-user-pass: need a username and a "
			 "password line");
		return -EINVAL;
	}
	return 0;
}

static int clientcfg_userpass(struct clientcfg *c, const struct options *o,
			      char *err, size_t errlen)
{
	int ret = clientcfg_userpass_read(c, o, err, errlen);

	if (!ret && o->auth_user_pass && o->static_challenge &&
	    !c->challenge_done)
		ret = clientcfg_challenge(c, o, err, errlen);
	return ret;
}

/* The last "setenv @name VALUE", or NULL. */
static const char *clientcfg_setenv(const struct options *o, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < o->setenv.n; i++)
		if (!strcmp(o->setenv.v[i].name, name))
			v = o->setenv.v[i].value;
	return v;
}

int clientcfg_init(struct clientcfg *c, const struct options *o,
		   const struct clientcfg_asker *asker, char *err, size_t errlen)
{
	struct km2_peer_info_cfg pi = {
		.pull = o->pull,
		.ciphers = o->data_ciphers,
		.full = o->push_peer_info,
	};
	char extra[512];
	int ret;

	if (o->push_peer_info) {
		peerinfo_full(o, extra, sizeof(extra));
		pi.extra = extra;
	} else {
		/* as OpenVPN's pull client (peer-info detail 2): these two
		 * setenv values always go (push-peer-info passes them on with
		 * the rest); IV_SSO tells the server which client-pending-auth
		 * methods (webauth, crtext, openurl) we can show */
		pi.gui_ver = clientcfg_setenv(o, "IV_GUI_VER");
		pi.sso = clientcfg_setenv(o, "IV_SSO");
	}

	/* Test hook: announce no TLS-EKM, so the server makes us use the PRF
	 * (OpenVPN has no option for this; interop tests need it). */
	if (getenv("DCOVPN_TEST_NO_EKM"))
		pi.proto = KM2_IV_PROTO_DATA_V2 | KM2_IV_PROTO_CC_EXIT_NOTIFY;
	/* Test hook: no cc-exit, as a 2.4/2.5 server would leave us, so
	 * explicit-exit-notify must fall back to OCC_EXIT. */
	if (getenv("DCOVPN_TEST_NO_CC_EXIT"))
		pi.proto = KM2_IV_PROTO_DATA_V2 | KM2_IV_PROTO_TLS_KEY_EXPORT;
	/* Test hook: no epoch data keys announced, so a 2.7 or dcovpn
	 * server keeps the 2.6 data format (the bench compares the two). */
	if (getenv("DCOVPN_TEST_NO_EPOCH"))
		pi.proto = (pi.proto ? pi.proto : KM2_IV_PROTO_DEFAULT) &
			   ~KM2_IV_PROTO_DATA_EPOCH;
	memset(c, 0, sizeof(*c));
	c->asker = asker;
	err[0] = 0;
	/* static key mode: the key file is all there is (client_static.c) */
	if (file_given(&o->secret) && !o->tls_client && !o->tls_server) {
		ret = load_statickey(&o->secret, &c->secret, err, errlen);
		c->has_secret = ret == 0;
		return ret;
	}
	ret = clientcfg_tls(c, o, err, errlen);
	if (!ret)
		ret = clientcfg_wrap(c, o, err, errlen);
	if (!ret)
		ret = clientcfg_userpass(c, o, err, errlen);
	if (!ret) {
		ret = km2_peer_info(&pi, c->peer_info, sizeof(c->peer_info),
				    err, errlen);
		ret = ret < 0 ? ret : 0;
	}
	if (ret)
		clientcfg_free(c);
	return ret;
}

void clientcfg_set_token(struct clientcfg *c, const char *token)
{
	if (token && c->auth_token && !strcmp(token, c->auth_token))
		return;
	wipe_free(&c->auth_token);
	if (token)
		c->auth_token = strdup(token);
}

void clientcfg_free(struct clientcfg *c)
{
	wipe_free(&c->auth_token);
	tls_ctx_free(c->tls);
	if (c->has_wrap)
		tlswrap_key_free(&c->wrap);
	statickey_wipe(&c->wrap_sk);
	statickey_wipe(&c->secret);
	if (c->v2) {
		tlscryptv2_client_wipe(c->v2);
		free(c->v2);
	}
	if (c->v2s) {
		tlscryptv2_server_wipe(c->v2s);
		free(c->v2s);
	}
	wipe_free(&c->password);
	free(c->username);
	memset(c, 0, sizeof(*c));
}

/* As 2.6's options_string() for a client without --cipher (4.2). */
void clientcfg_occ(struct clientcfg *c, const struct options *o,
		   enum opt_proto proto, bool ipv6)
{
	clientcfg_occ_text(c->occ, sizeof(c->occ), o, proto, ipv6);
}

void clientcfg_occ_text(char *buf, size_t len, const struct options *o,
			enum opt_proto proto, bool ipv6)
{
	int mtu = o->tun_mtu > 0 ? o->tun_mtu : 1500;
	bool tcp = proto != OPT_PROTO_UDP;

	snprintf(buf, len,
		 "V4,dev-type %s,link-mtu %d,tun-mtu %d,proto %s%s%s,"
		 "auth %s,keysize 128%s,key-method 2,%s",
		 o->dev_type == OPT_DEV_TAP ? "tap" : "tun", mtu + 49, mtu, tcp ? "TCPv" : "UDPv", ipv6 ? "6" : "4",
		 tcp ? (o->tls_server ? "_SERVER" : "_CLIENT") : "",
		 o->auth ? o->auth : "SHA1",
		 file_given(&o->tls_auth) ? ",tls-auth" : "",
		 o->tls_server ? "tls-server" : "tls-client");
}

int clientcfg_userpass_again(struct clientcfg *c, const struct options *o,
			     char *err, size_t errlen)
{
	wipe_free(&c->password);
	free(c->username);
	c->username = NULL;
	c->challenge_done = false;
	return clientcfg_userpass(c, o, err, errlen);
}
