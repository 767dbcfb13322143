/*
 * Control channel TLS (src/ctl/tls.c): a client and a server session in one
 * process, ciphertext pumped between them in control-packet-sized chunks.
 * Throwaway certificates are made in memory with the OpenSSL API (P-256
 * keys; one RSA server for the summary line) and handed over as inline PEM.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/safename.h"
#include "ctl/kdf.h"
#include "ctl/tls.h"
#include "ctl/tls_username.h"

#define CHUNK 1100	/* about what fits a control packet */

enum kind { K_CA, K_SERVER, K_CLIENT, K_SERVER_NO_KU };

struct ident {
	EVP_PKEY *key;
	X509 *cert;
	struct opt_file cert_pem, key_pem;
	uint8_t fpr[TLS_FPR_LEN];
};

struct pki {
	struct ident ca, other_ca, server, server_rsa, client, server_no_ku,
		     client_as_server, inter, server_via_inter;
};

/* ------------------------------------------------------ certificate kit */

static char *bio_string(BIO *bio, size_t *len)
{
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	char *s = malloc((size_t)n + 1);

	assert_non_null(s);
	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(ext);
	assert_true(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
}

static void kind_exts(X509 *x, X509 *issuer, enum kind kind)
{
	switch (kind) {
	case K_CA:
		add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
		break;
	case K_SERVER:
		add_ext(x, issuer, NID_key_usage, "digitalSignature,keyEncipherment");
		add_ext(x, issuer, NID_ext_key_usage, "serverAuth");
		break;
	case K_CLIENT:
		add_ext(x, issuer, NID_key_usage, "digitalSignature,keyAgreement");
		add_ext(x, issuer, NID_ext_key_usage, "clientAuth");
		break;
	case K_SERVER_NO_KU:
		add_ext(x, issuer, NID_ext_key_usage, "serverAuth");
		break;
	}
}

static void ident_make(struct ident *id, const char *cn, const struct ident *ca,
		       enum kind kind, bool rsa)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	static long serial = 1;
	unsigned n = 0;
	BIO *bio;

	id->key = rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
	assert_non_null(id->key);
	assert_true(X509_set_version(x, X509_VERSION_3));
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
				   (const unsigned char *)"dcovpn-test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, ca ? X509_get_subject_name(ca->cert) : name);
	X509_set_pubkey(x, id->key);
	kind_exts(x, ca ? ca->cert : x, kind);
	assert_true(X509_sign(x, ca ? ca->key : id->key, EVP_sha256()) > 0);
	X509_NAME_free(name);
	id->cert = x;
	assert_true(X509_digest(x, EVP_sha256(), id->fpr, &n) && n == TLS_FPR_LEN);

	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(bio, x);
	id->cert_pem.data = bio_string(bio, &id->cert_pem.len);
	BIO_free(bio);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(bio, id->key, NULL, NULL, 0, NULL, NULL);
	id->key_pem.data = bio_string(bio, &id->key_pem.len);
	BIO_free(bio);
}

static void ident_free(struct ident *id)
{
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
	free(id->cert_pem.data);
	free(id->key_pem.data);
}

static int pki_setup(void **state)
{
	struct pki *p = calloc(1, sizeof(*p));

	ident_make(&p->ca, "test-ca", NULL, K_CA, false);
	ident_make(&p->other_ca, "other-ca", NULL, K_CA, false);
	ident_make(&p->server, "server", &p->ca, K_SERVER, false);
	ident_make(&p->server_rsa, "server", &p->ca, K_SERVER, true);
	ident_make(&p->client, "client1", &p->ca, K_CLIENT, false);
	ident_make(&p->server_no_ku, "server", &p->ca, K_SERVER_NO_KU, false);
	/* A client-usage certificate used by a server: remote-cert-tls bait. */
	ident_make(&p->client_as_server, "server", &p->ca, K_CLIENT, false);
	ident_make(&p->inter, "test-intermediate", &p->ca, K_CA, false);
	ident_make(&p->server_via_inter, "server", &p->inter, K_SERVER, false);
	*state = p;
	return 0;
}

static int pki_teardown(void **state)
{
	struct pki *p = *state;
	struct ident *all[] = { &p->ca, &p->other_ca, &p->server, &p->server_rsa,
				&p->client, &p->server_no_ku, &p->client_as_server,
				&p->inter, &p->server_via_inter };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		ident_free(all[i]);
	free(p);
	return 0;
}

/* ------------------------------------------------------------ harness */

static void cfg_client(struct tls_config *c, struct pki *p)
{
	memset(c, 0, sizeof(*c));
	c->role = TLS_ROLE_CLIENT;
	c->ca = &p->ca.cert_pem;
	c->cert = &p->client.cert_pem;
	c->key = &p->client.key_pem;
	c->remote_cert = TLS_REMOTE_CERT_SERVER;
}

static void cfg_server(struct tls_config *c, struct pki *p, struct ident *id)
{
	memset(c, 0, sizeof(*c));
	c->role = TLS_ROLE_SERVER;
	c->ca = &p->ca.cert_pem;
	c->cert = &id->cert_pem;
	c->key = &id->key_pem;
	c->remote_cert = TLS_REMOTE_CERT_CLIENT;
}

struct pair {
	struct tls_ctx *cctx, *sctx;
	struct tls_session *c, *s;
	enum tls_hs_state cst, sst;
};

static void pair_new(struct pair *pr, const struct tls_config *cc,
		     const struct tls_config *sc)
{
	char err[TLS_ERR_LEN] = "";

	memset(pr, 0, sizeof(*pr));
	if (tls_ctx_new(&pr->cctx, cc, err, sizeof(err)))
		fail_msg("client ctx: %s", err);
	if (tls_ctx_new(&pr->sctx, sc, err, sizeof(err)))
		fail_msg("server ctx: %s", err);
	assert_int_equal(tls_session_new(&pr->c, pr->cctx, err, sizeof(err)), 0);
	assert_int_equal(tls_session_new(&pr->s, pr->sctx, err, sizeof(err)), 0);
}

static void pair_free(struct pair *pr)
{
	tls_session_free(pr->c);
	tls_session_free(pr->s);
	tls_ctx_free(pr->cctx);
	tls_ctx_free(pr->sctx);
}

/* Move everything pending from @a to @b in chunks; true if anything moved. */
static bool move(struct tls_session *a, struct tls_session *b)
{
	uint8_t buf[CHUNK];
	bool moved = false;
	ssize_t n;

	while ((n = tls_session_get_ciphertext(a, buf, sizeof(buf))) > 0) {
		assert_true(n <= CHUNK);
		assert_int_equal(tls_session_put_ciphertext(b, buf, (size_t)n), 0);
		moved = true;
	}
	assert_true(n == 0);
	return moved;
}

static void pump(struct pair *pr)
{
	for (int i = 0; i < 50; i++) {
		bool moved;

		pr->cst = tls_session_handshake(pr->c);
		moved = move(pr->c, pr->s);
		pr->sst = tls_session_handshake(pr->s);
		moved |= move(pr->s, pr->c);
		if (!moved && pr->cst != TLS_HS_IN_PROGRESS &&
		    pr->sst != TLS_HS_IN_PROGRESS)
			return;
		if (!moved && (pr->cst == TLS_HS_FAILED || pr->sst == TLS_HS_FAILED))
			return;
	}
}

static void send_text(struct tls_session *from, struct tls_session *to,
		      const char *msg)
{
	uint8_t buf[256];
	ssize_t n;

	assert_int_equal(tls_session_write(from, (const uint8_t *)msg,
					   strlen(msg) + 1), 0);
	move(from, to);
	n = tls_session_read(to, buf, sizeof(buf));
	assert_int_equal(n, (ssize_t)strlen(msg) + 1);
	assert_string_equal((char *)buf, msg);
	assert_int_equal(tls_session_read(to, buf, sizeof(buf)), 0);
}

static void expect_fail(struct pair *pr, struct tls_session *s,
			const char *needle)
{
	const char *e;

	pump(pr);
	assert_int_equal(tls_session_handshake(s), TLS_HS_FAILED);
	e = tls_session_error(s);
	if (!strstr(e, needle))
		fail_msg("error '%s' lacks '%s'", e, needle);
}

/* --------------------------------------------------------------- tests */

static void test_handshake_ok(void **state)
{
	struct pki *p = *state;
	struct tls_config cc, sc;
	uint8_t ekm_c[KDF_KEY_BLOCK_LEN], ekm_s[KDF_KEY_BLOCK_LEN];
	struct kdf_key_block kb_c, kb_s;
	char buf[256];
	struct pair pr;

	cfg_client(&cc, p);
	cc.verify_x509_name = "server";
	cc.verify_x509_type = TLS_X509_NAME;
	cfg_server(&sc, p, &p->server_rsa);
	pair_new(&pr, &cc, &sc);
	assert_int_equal(tls_session_write(pr.c, (const uint8_t *)"x", 1), -EAGAIN);
	assert_int_equal(tls_session_export(pr.c, KDF_EKM_LABEL, ekm_c, 16), -EAGAIN);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	assert_int_equal(pr.sst, TLS_HS_DONE);
	assert_string_equal(tls_session_error(pr.c), "");
	assert_int_equal(tls_session_version(pr.c), TLS1_3_VERSION);

	send_text(pr.c, pr.s, "key method 2 stand-in");
	send_text(pr.s, pr.c, "PUSH_REPLY,ping 10");

	assert_int_equal(tls_session_export(pr.c, KDF_EKM_LABEL, ekm_c,
					    sizeof(ekm_c)), 0);
	assert_int_equal(tls_session_export(pr.s, KDF_EKM_LABEL, ekm_s,
					    sizeof(ekm_s)), 0);
	assert_memory_equal(ekm_c, ekm_s, sizeof(ekm_c));
	assert_int_equal(kdf_ekm(pr.c, &kb_c), 0);
	assert_int_equal(kdf_ekm(pr.s, &kb_s), 0);
	assert_memory_equal(kb_c.b, ekm_c, sizeof(ekm_c));
	assert_memory_equal(kb_s.b, ekm_c, sizeof(ekm_c));

	assert_int_equal(tls_session_peer_cn(pr.c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "server");
	assert_int_equal(tls_session_peer_cn(pr.s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "client1");
	assert_int_equal(tls_session_peer_cn(pr.s, buf, 3), -E2BIG);

	assert_int_equal(tls_session_summary(pr.c, buf, sizeof(buf)), 0);
	/* The form openvpn 2.6.14 logs (tests/vectors/kdf-ekm.txt); the RSA
	 * server certificate is signed by the P-256 CA. */
	assert_string_equal(buf, "Control Channel: TLSv1.3, cipher TLSv1.3 "
			    "TLS_AES_256_GCM_SHA384, peer certificate: 2048 "
			    "bits RSA, signature: ecdsa-with-SHA256, peer "
			    "temporary key: 253 bits X25519");
	assert_int_equal(tls_session_summary(pr.s, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "peer certificate: 256 bits EC, curve "
			       "prime256v1, signature: ecdsa-with-SHA256"));
	assert_int_equal(tls_session_summary(pr.s, buf, 20), -ENOSPC);
	pair_free(&pr);
}

static void test_tls12_ekm(void **state)
{
	struct pki *p = *state;
	struct tls_config cc, sc;
	uint8_t a[KDF_KEY_BLOCK_LEN], b[KDF_KEY_BLOCK_LEN];
	char buf[256];
	struct pair pr;

	cfg_client(&cc, p);
	cc.version_max = "1.2";
	cfg_server(&sc, p, &p->server);
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	assert_int_equal(pr.sst, TLS_HS_DONE);
	assert_int_equal(tls_session_version(pr.s), TLS1_2_VERSION);
	assert_int_equal(tls_session_export(pr.c, KDF_EKM_LABEL, a, sizeof(a)), 0);
	assert_int_equal(tls_session_export(pr.s, KDF_EKM_LABEL, b, sizeof(b)), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(tls_session_summary(pr.c, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "Control Channel: TLSv1.2, cipher TLSv1.2 "));
	send_text(pr.s, pr.c, "over 1.2");
	pair_free(&pr);
}

static void test_wrong_ca(void **state)
{
	struct pki *p = *state;
	struct tls_config cc, sc;
	struct pair pr;

	cfg_client(&cc, p);
	cc.ca = &p->other_ca.cert_pem;
	cfg_server(&sc, p, &p->server);
	pair_new(&pr, &cc, &sc);
	/* The server sends its CA along (OpenSSL builds the chain from its
	 * store, as for openvpn), so the untrusted link is depth 1. */
	expect_fail(&pr, pr.c, "VERIFY ERROR: depth=1, error=self-signed "
		    "certificate in certificate chain: O=dcovpn-test, CN=test-ca");
	/* The client's alert reaches the server, which fails too. */
	assert_int_equal(pr.sst, TLS_HS_FAILED);
	assert_int_equal(tls_session_write(pr.c, (const uint8_t *)"x", 1), -EPROTO);
	pair_free(&pr);
}

static void test_remote_cert_tls(void **state)
{
	struct pki *p = *state;
	struct tls_config cc, sc;
	struct pair pr;

	/* A server presenting a clientAuth certificate: OpenSSL's own purpose
	 * check (SSL client: serverAuth) refuses it before ours runs. */
	cfg_client(&cc, p);
	cfg_server(&sc, p, &p->client_as_server);
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "VERIFY ERROR: depth=0, error=unsuitable "
		    "certificate purpose: O=dcovpn-test, CN=server");
	pair_free(&pr);

	/* serverAuth but no key usage extension: OpenVPN refuses it too. */
	cfg_server(&sc, p, &p->server_no_ku);
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "VERIFY KU/EKU ERROR: O=dcovpn-test, CN=server "
		    "lacks key usage or extended key usage TLS Web Server "
		    "Authentication");
	pair_free(&pr);

	/* Without remote-cert-tls the same server is accepted. */
	cc.remote_cert = TLS_REMOTE_CERT_ANY;
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);

	/* The server's remote-cert-tls client refuses a server certificate. */
	cfg_client(&cc, p);
	cc.cert = &p->server.cert_pem;
	cc.key = &p->server.key_pem;
	cfg_server(&sc, p, &p->server);
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.s, "VERIFY ERROR: depth=0, error=unsuitable "
		    "certificate purpose");
	pair_free(&pr);
}

/* remote-cert-ku / remote-cert-eku against the server's certificate
 * (key usage digitalSignature + keyEncipherment = a0, EKU serverAuth). */
static void test_remote_cert_ku_eku(void **state)
{
	static const unsigned a0[] = { 0x80, 0xa0 }, b8[] = { 0x88, 0x08 };
	struct pki *p = *state;
	struct tls_config cc, sc;
	struct pair pr;

	cfg_client(&cc, p);
	cc.remote_cert = TLS_REMOTE_CERT_ANY;
	cfg_server(&sc, p, &p->server);
	cc.remote_ku = true;
	cc.remote_ku_values = a0;
	cc.n_remote_ku = 2;
	cc.remote_eku = "TLS Web Server Authentication";
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);
	cc.remote_eku = "1.3.6.1.5.5.7.3.1";
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);

	cc.remote_ku_values = b8;
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "VERIFY KU ERROR: O=dcovpn-test, CN=server: "
		    "certificate has key usage 00a0, not one of the "
		    "--remote-cert-ku values");
	pair_free(&pr);

	cc.remote_ku_values = a0;
	cc.remote_eku = "TLS Web Client Authentication";
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "VERIFY EKU ERROR: O=dcovpn-test, CN=server: "
		    "certificate has no extended key usage 'TLS Web Client "
		    "Authentication'");
	pair_free(&pr);

	/* remote-cert-ku without values: the extension must be there */
	cc.remote_eku = NULL;
	cc.n_remote_ku = 0;
	cfg_server(&sc, p, &p->server_no_ku);
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "VERIFY KU ERROR: O=dcovpn-test, CN=server: "
		    "certificate has no key usage extension");
	pair_free(&pr);
}

/* x509-username-field on a certificate with two CNs, an e-mail address in
 * the subject and two in subjectAltName, serial 0x1f2e. */
static void test_username_field(void **state)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	char buf[128];
	const char *f1[] = { "emailAddress" }, *f2[] = { "ext:subjectAltName" },
		   *f3[] = { "serialNumber" }, *f4[] = { "CN", "emailAddress" },
		   *f5[] = { "OU" };

	(void)state;
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x1f2e);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"first", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"alice", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "emailAddress", MBSTRING_ASC,
				   (const unsigned char *)"alice@example.org",
				   -1, -1, 0);
	X509_set_subject_name(x, name);
	add_ext(x, x, NID_subject_alt_name,
		"email:a1@example.org,DNS:host.example.org,email:a2@example.org");
	assert_int_equal(tls_cert_username(x, NULL, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "alice");              /* the last CN */
	assert_int_equal(tls_cert_username(x, f1, 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "alice@example.org");
	assert_int_equal(tls_cert_username(x, f2, 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a2@example.org");     /* the last e-mail */
	assert_int_equal(tls_cert_username(x, f3, 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0x1F2E");
	assert_int_equal(tls_cert_username(x, f4, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "alice_alice@example.org");
	assert_int_equal(tls_cert_username(x, f5, 1, buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "OU");
	assert_int_equal(tls_cert_username(x, f4, 2, buf, 10), -E2BIG);
	assert_true(tls_username_field_ok("ext:issuerAltName"));
	assert_false(tls_username_field_ok("ext:keyUsage"));
	assert_false(tls_username_field_ok("no such attribute"));
	X509_NAME_free(name);
	X509_free(x);
}

/* A certificate with only @cn (NULL: no CN at all). */
static X509 *cn_cert(const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();

	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
				   (const unsigned char *)"org", -1, -1, 0);
	/* the raw type: MBSTRING_* would refuse a CN over 64 characters */
	if (cn)
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN",
				 V_ASN1_UTF8STRING, (const unsigned char *)cn,
				 -1, -1, 0), 1);
	X509_set_subject_name(x, name);
	X509_NAME_free(name);
	return x;
}

/* Names as OpenVPN 2.6 takes them: control bytes and DEL mapped to '_'
 * (UTF-8 and shell metacharacters kept), 64 characters kept whole, 65 or
 * none refused. */
static void test_username_hostile(void **state)
{
	static const struct {
		const char *cn, *want;
		int ret;
	} cases[] = {
		{ "evil\nCLIENT_LIST,x", "evil_CLIENT_LIST,x", 0 },
		{ "a\rb\tc\x01" "d\x7f", "a_b_c_d_", 0 },
		{ "$(id);`id`|&<>'\"", "$(id);`id`|&<>'\"", 0 },
		{ "../..", "../..", 0 },
		{ "caf\xc3\xa9", "caf\xc3\xa9", 0 },
		{ "-x", "-x", 0 },
		{ "0123456789012345678901234567890123456789012345678901234567890123",
		  "0123456789012345678901234567890123456789012345678901234567890123",
		  0 },
		{ "01234567890123456789012345678901234567890123456789012345678901234",
		  "CN", -ENOSPC },
		{ NULL, "CN", -ENOENT },
	};
	char buf[SAFENAME_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		X509 *x = cn_cert(cases[i].cn);

		assert_int_equal(tls_cert_username(x, NULL, 0, buf, sizeof(buf)),
				 cases[i].ret);
		assert_string_equal(buf, cases[i].want);
		X509_free(x);
	}
}

static void test_verify_x509_name(void **state)
{
	struct pki *p = *state;
	static const struct {
		enum tls_x509_type type;
		const char *name;
		bool ok;
	} cases[] = {
		{ TLS_X509_NAME, "server", true },
		{ TLS_X509_NAME, "serve", false },
		{ TLS_X509_NAME, "server2", false },
		{ TLS_X509_NAME_PREFIX, "serv", true },
		{ TLS_X509_NAME_PREFIX, "client", false },
		{ TLS_X509_SUBJECT, "O=dcovpn-test, CN=server", true },
		{ TLS_X509_SUBJECT, "CN=server", false },
	};
	struct tls_config cc, sc;
	struct pair pr;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg_client(&cc, p);
		cc.verify_x509_name = cases[i].name;
		cc.verify_x509_type = cases[i].type;
		cfg_server(&sc, p, &p->server);
		pair_new(&pr, &cc, &sc);
		if (cases[i].ok) {
			pump(&pr);
			assert_int_equal(pr.cst, TLS_HS_DONE);
		} else {
			expect_fail(&pr, pr.c, "VERIFY X509NAME ERROR: "
				    "O=dcovpn-test, CN=server, must be");
		}
		pair_free(&pr);
	}
}

static void test_peer_fingerprint(void **state)
{
	struct pki *p = *state;
	uint8_t fprs[2][TLS_FPR_LEN];
	struct tls_config cc, sc;
	struct pair pr;

	memset(fprs[0], 0xab, TLS_FPR_LEN);
	memcpy(fprs[1], p->server.fpr, TLS_FPR_LEN);
	/* No CA: the fingerprint alone decides. */
	cfg_client(&cc, p);
	cc.ca = NULL;
	cc.peer_fingerprints = (const uint8_t (*)[TLS_FPR_LEN])fprs;
	cc.n_peer_fingerprints = 2;
	cfg_server(&sc, p, &p->server);
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	assert_int_equal(pr.sst, TLS_HS_DONE);
	pair_free(&pr);

	/* Not in the list. */
	cc.n_peer_fingerprints = 1;
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "TLS Error: --tls-verify/--peer-fingerprint "
		    "certificate hash verification failed. (got certificate "
		    "fingerprint: ");
	pair_free(&pr);

	/* With a CA, both must hold: a wrong CA still fails. */
	cc.n_peer_fingerprints = 2;
	cc.ca = &p->other_ca.cert_pem;
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "VERIFY ERROR: depth=1");
	pair_free(&pr);
	cc.ca = &p->ca.cert_pem;
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);
}

/* verify-hash: the digest of the certificate at depth 1 (the CA), SHA256
 * or SHA1, besides the chain check. */
static void test_verify_hash(void **state)
{
	struct pki *p = *state;
	uint8_t fprs[1][TLS_FPR_LEN] = { { 0 } };
	struct tls_config cc, sc;
	unsigned n = 0;
	struct pair pr;

	cfg_client(&cc, p);
	cc.peer_fingerprints = (const uint8_t (*)[TLS_FPR_LEN])fprs;
	cc.n_peer_fingerprints = 1;
	cc.fpr_depth = 1;
	cfg_server(&sc, p, &p->server);
	memcpy(fprs[0], p->ca.fpr, TLS_FPR_LEN);
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);

	cc.fpr_len = 20;
	memset(fprs[0], 0, sizeof(fprs[0]));
	assert_true(X509_digest(p->ca.cert, EVP_sha1(), fprs[0], &n) && n == 20);
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);

	/* the peer's own digest is not its issuer's */
	cc.fpr_len = 0;
	memcpy(fprs[0], p->server.fpr, TLS_FPR_LEN);
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "certificate hash verification failed");
	pair_free(&pr);
}

static void test_versions(void **state)
{
	struct pki *p = *state;
	struct tls_config cc, sc;
	char err[TLS_ERR_LEN];
	struct tls_ctx *ctx;
	struct pair pr;

	cfg_client(&cc, p);
	cc.version_min = "1.3";
	cfg_server(&sc, p, &p->server);
	sc.version_max = "1.2";
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "TLS handshake failed: ");
	assert_int_equal(pr.sst, TLS_HS_FAILED);
	pair_free(&pr);

	cc.version_min = "1.4";
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown tls-version-min '1.4'");
	cc.version_min_or_highest = true;	/* "1.4 or-highest" is 1.3 */
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), 0);
	tls_ctx_free(ctx);
	cc.version_min = "1.3";
	cc.version_max = "1.2";
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is above tls-version-max"));
}

static void test_verify_client_cert(void **state)
{
	struct pki *p = *state;
	struct tls_config cc, sc;
	char cn[64];
	struct pair pr;

	cfg_client(&cc, p);
	cc.cert = NULL;
	cc.key = NULL;
	cfg_server(&sc, p, &p->server);
	/* require (default): a client without a certificate fails. */
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.s, "TLS handshake failed");
	pair_free(&pr);
	sc.verify_client = TLS_VERIFY_CLIENT_OPTIONAL;
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.sst, TLS_HS_DONE);
	assert_int_equal(tls_session_peer_cn(pr.s, cn, sizeof(cn)), 0);
	assert_string_equal(cn, "");
	pair_free(&pr);
	sc.verify_client = TLS_VERIFY_CLIENT_NONE;
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.sst, TLS_HS_DONE);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);
}

static void test_ciphers(void **state)
{
	struct pki *p = *state;
	struct tls_config cc, sc;
	char buf[256], err[TLS_ERR_LEN];
	struct tls_ctx *ctx;
	struct pair pr;

	cfg_client(&cc, p);
	cc.ciphersuites = "TLS_CHACHA20_POLY1305_SHA256";
	cfg_server(&sc, p, &p->server);
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	assert_int_equal(tls_session_summary(pr.c, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "TLS_CHACHA20_POLY1305_SHA256"));
	pair_free(&pr);

	cc.ciphersuites = NULL;
	cc.version_max = "1.2";
	cc.cipher = "ECDHE-ECDSA-AES128-GCM-SHA256";
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	assert_int_equal(tls_session_summary(pr.c, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "ECDHE-ECDSA-AES128-GCM-SHA256"));
	pair_free(&pr);

	/* IANA names with dashes, as OpenVPN configs write them. */
	cc.cipher = "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384:"
		    "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384";
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	assert_int_equal(tls_session_summary(pr.c, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "ECDHE-ECDSA-AES256-GCM-SHA384"));
	pair_free(&pr);

	cc.version_max = NULL;
	cc.ciphersuites = "TLS-AES-128-GCM-SHA256";
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	assert_int_equal(tls_session_summary(pr.c, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "TLSv1.3 TLS_AES_128_GCM_SHA256"));
	pair_free(&pr);

	cc.ciphersuites = "TLS_NOTHING";
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "tls-ciphersuites: no usable suite"));
	cc.ciphersuites = NULL;
	cc.cipher = "NO-SUCH-CIPHER";
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "tls-cipher: no usable cipher"));
}

static void test_ctx_errors(void **state)
{
	struct pki *p = *state;
	struct opt_file junk = { .data = (char *)"not a certificate", .len = 17 };
	struct opt_file missing = { .path = (char *)"/nonexistent/ca.crt" };
	struct tls_config cc;
	char err[TLS_ERR_LEN];
	struct tls_ctx *ctx = NULL;

	cfg_client(&cc, p);
	cc.ca = &junk;
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "ca: cannot parse certificate in inline <ca>");
	assert_null(ctx);

	cc.ca = &missing;
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "ca: cannot open /nonexistent/ca.crt: "
			    "No such file or directory");

	cfg_client(&cc, p);
	cc.key = &p->server.key_pem;
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "key does not match cert");

	cfg_client(&cc, p);
	cc.cert = &junk;
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "cert: cannot parse certificate in inline <cert>");

	cfg_client(&cc, p);
	cc.key = &junk;
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "key: cannot parse private key in inline <key>"));

	cfg_client(&cc, p);
	cc.key = NULL;
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "cert given without key");

	cfg_client(&cc, p);
	cc.ca = NULL;
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "ca or peer-fingerprint is required to verify "
			    "the peer");
}

static void test_parse_options(void **state)
{
	enum tls_remote_cert rc;
	enum tls_x509_type xt;
	char err[TLS_ERR_LEN];

	(void)state;
	assert_int_equal(tls_parse_remote_cert("server", &rc, err, sizeof(err)), 0);
	assert_int_equal(rc, TLS_REMOTE_CERT_SERVER);
	assert_int_equal(tls_parse_remote_cert("client", &rc, err, sizeof(err)), 0);
	assert_int_equal(rc, TLS_REMOTE_CERT_CLIENT);
	assert_int_equal(tls_parse_remote_cert("both", &rc, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "--remote-cert-tls must be 'client' or 'server'");
	assert_int_equal(tls_parse_x509_type(NULL, &xt, err, sizeof(err)), 0);
	assert_int_equal(xt, TLS_X509_SUBJECT);
	assert_int_equal(tls_parse_x509_type("name-prefix", &xt, err, sizeof(err)), 0);
	assert_int_equal(xt, TLS_X509_NAME_PREFIX);
	assert_int_equal(tls_parse_x509_type("cn", &xt, err, sizeof(err)), -EINVAL);
}

/* Garbage from the "peer" fails the handshake cleanly with a reason. */
static void test_garbage_input(void **state)
{
	struct pki *p = *state;
	struct tls_config sc;
	char err[TLS_ERR_LEN];
	struct tls_ctx *ctx;
	struct tls_session *s;
	uint8_t junk[300];

	memset(junk, 0x17, sizeof(junk));
	cfg_server(&sc, p, &p->server);
	assert_int_equal(tls_ctx_new(&ctx, &sc, err, sizeof(err)), 0);
	assert_int_equal(tls_session_new(&s, ctx, err, sizeof(err)), 0);
	assert_int_equal(tls_session_handshake(s), TLS_HS_IN_PROGRESS);
	assert_int_equal(tls_session_put_ciphertext(s, junk, sizeof(junk)), 0);
	assert_int_equal(tls_session_handshake(s), TLS_HS_FAILED);
	assert_non_null(strstr(tls_session_error(s), "TLS handshake failed: error:"));
	assert_int_equal(tls_session_handshake(s), TLS_HS_FAILED);
	tls_session_free(s);
	tls_ctx_free(ctx);
}

/* A CRL from @ca revoking @revoked (none if NULL), as inline PEM. */
static void make_crl(const struct ident *ca, const struct ident *revoked,
		     struct opt_file *out)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *now = X509_gmtime_adj(NULL, -60);
	ASN1_TIME *next = X509_gmtime_adj(NULL, 86400);
	BIO *bio = BIO_new(BIO_s_mem());

	assert_true(X509_CRL_set_version(crl, X509_CRL_VERSION_2));
	assert_true(X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)));
	assert_true(X509_CRL_set1_lastUpdate(crl, now));
	assert_true(X509_CRL_set1_nextUpdate(crl, next));
	if (revoked) {
		X509_REVOKED *r = X509_REVOKED_new();

		X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked->cert));
		X509_REVOKED_set_revocationDate(r, now);
		assert_true(X509_CRL_add0_revoked(crl, r));
	}
	X509_CRL_sort(crl);
	assert_true(X509_CRL_sign(crl, ca->key, EVP_sha256()) > 0);
	PEM_write_bio_X509_CRL(bio, crl);
	memset(out, 0, sizeof(*out));
	out->data = bio_string(bio, &out->len);
	BIO_free(bio);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	X509_CRL_free(crl);
}

static void test_crl(void **state)
{
	struct pki *p = *state;
	struct opt_file crl;
	struct tls_config cc, sc;
	char err[TLS_ERR_LEN];
	struct tls_ctx *ctx;
	struct pair pr;

	cfg_client(&cc, p);
	cfg_server(&sc, p, &p->server);
	make_crl(&p->ca, &p->server, &crl);
	cc.crl_verify = &crl;
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "VERIFY ERROR: depth=0, error=certificate revoked");
	pair_free(&pr);
	free(crl.data);

	make_crl(&p->ca, NULL, &crl);
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);
	free(crl.data);

	crl.data = (char *)"-----BEGIN X509 CRL-----\nnope\n";
	crl.len = strlen(crl.data);
	assert_int_equal(tls_ctx_new(&ctx, &cc, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "crl-verify: cannot parse CRL in inline <crl-verify>");
}

static char *concat(const struct opt_file *a, const struct opt_file *b)
{
	char *s = malloc(a->len + b->len + 1);

	assert_non_null(s);
	memcpy(s, a->data, a->len);
	memcpy(s + a->len, b->data, b->len + 1);
	return s;
}

/* The server's chain through an intermediate: in its cert file or in
 * extra-certs; without it the client cannot build the chain. */
static void test_intermediate(void **state)
{
	struct pki *p = *state;
	struct opt_file chain = { 0 };
	struct tls_config cc, sc;
	struct pair pr;

	cfg_client(&cc, p);
	cfg_server(&sc, p, &p->server_via_inter);
	pair_new(&pr, &cc, &sc);
	expect_fail(&pr, pr.c, "VERIFY ERROR: depth=0, error=unable to get "
		    "local issuer certificate: O=dcovpn-test, CN=server");
	pair_free(&pr);

	sc.extra_certs = &p->inter.cert_pem;
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);

	chain.data = concat(&p->server_via_inter.cert_pem, &p->inter.cert_pem);
	chain.len = strlen(chain.data);
	sc.extra_certs = NULL;
	sc.cert = &chain;
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);
	free(chain.data);
}

/* Files by path, as most configs give them. */
static void test_files(void **state)
{
	struct pki *p = *state;
	char ca_path[] = "/tmp/dcovpn-test-tls-ca.XXXXXX";
	struct opt_file ca = { .path = ca_path };
	struct tls_config cc, sc;
	struct pair pr;
	int fd;

	fd = mkstemp(ca_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p->ca.cert_pem.data, p->ca.cert_pem.len),
			 (ssize_t)p->ca.cert_pem.len);
	close(fd);
	cfg_client(&cc, p);
	cc.ca = &ca;
	cfg_server(&sc, p, &p->server);
	pair_new(&pr, &cc, &sc);
	pump(&pr);
	unlink(ca_path);
	assert_int_equal(pr.cst, TLS_HS_DONE);
	pair_free(&pr);
}

static void test_input_bound(void **state)
{
	struct pki *p = *state;
	static uint8_t junk[64 * 1024];
	struct tls_config sc;
	char err[TLS_ERR_LEN];
	struct tls_ctx *ctx;
	struct tls_session *s;
	int ret = 0;

	cfg_server(&sc, p, &p->server);
	assert_int_equal(tls_ctx_new(&ctx, &sc, err, sizeof(err)), 0);
	assert_int_equal(tls_session_new(&s, ctx, err, sizeof(err)), 0);
	for (int i = 0; i < 20 && !ret; i++)
		ret = tls_session_put_ciphertext(s, junk, sizeof(junk));
	assert_int_equal(ret, -ENOBUFS);
	tls_session_free(s);
	tls_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_ok),
		cmocka_unit_test(test_tls12_ekm),
		cmocka_unit_test(test_wrong_ca),
		cmocka_unit_test(test_remote_cert_tls),
		cmocka_unit_test(test_remote_cert_ku_eku),
		cmocka_unit_test(test_username_field),
		cmocka_unit_test(test_username_hostile),
		cmocka_unit_test(test_verify_x509_name),
		cmocka_unit_test(test_peer_fingerprint),
		cmocka_unit_test(test_verify_hash),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_verify_client_cert),
		cmocka_unit_test(test_ciphers),
		cmocka_unit_test(test_ctx_errors),
		cmocka_unit_test(test_parse_options),
		cmocka_unit_test(test_garbage_input),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_intermediate),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_input_bound),
	};

	return cmocka_run_group_tests(tests, pki_setup, pki_teardown);
}
