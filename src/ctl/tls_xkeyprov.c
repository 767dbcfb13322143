/*
 * The dcovpn-extkey provider (see tls_xkeyprov.h): a key manager for RSA,
 * EC, Ed25519 and Ed448 keys that keeps a public key and a signer, and a signature
 * implementation that passes libssl's request to the signer unchanged.
 * Everything but signing (sizes, security bits, the curve) is answered by
 * the public key, which lives in the default provider.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

#include "ctl/tls_xkeyprov.h"

#define XKP_NAME "dcovpn-extkey"
#define XKP_PROPS "provider=" XKP_NAME
/* Import parameters that make one of our keys (pointers, process-local) */
#define XKP_PARAM_PUB "dcovpn-pub"
#define XKP_PARAM_SIGNER "dcovpn-signer"
#define XKP_PARAM_PROV "dcovpn-prov"

typedef void (*xkp_fn)(void);

struct xkp_key {
	EVP_PKEY *pub;
	struct xkeyprov_signer signer;  /* .sign NULL: public only */
	OSSL_PROVIDER *prov;            /* our load, released with the key */
};

struct xkp_sig {
	struct xkp_key *key;    /* borrowed: the EVP_PKEY outlives the op */
	const char *pad, *md, *saltlen;
};

/* ---- key management ---- */

static void *km_new(void *provctx)
{
	(void)provctx;
	return calloc(1, sizeof(struct xkp_key));
}

static void km_free(void *kd)
{
	struct xkp_key *k = kd;

	if (k) {
		EVP_PKEY_free(k->pub);
		/* the EVP_KEYMGMT still holds the provider: not torn down
		 * under our feet */
		if (k->prov)
			OSSL_PROVIDER_unload(k->prov);
	}
	free(k);
}

static int km_has(const void *kd, int sel)
{
	const struct xkp_key *k = kd;
	int ok = k && k->pub;

	if (sel & OSSL_KEYMGMT_SELECT_PRIVATE_KEY)
		ok = ok && k->signer.sign;
	return ok;
}

static int km_match(const void *kd1, const void *kd2, int sel)
{
	const struct xkp_key *a = kd1, *b = kd2;
	int ok = a && b && a->pub && b->pub;

	if (ok && (sel & OSSL_KEYMGMT_SELECT_KEYPAIR))
		ok = EVP_PKEY_eq(a->pub, b->pub) == 1;
	if (ok && (sel & OSSL_KEYMGMT_SELECT_ALL_PARAMETERS))
		ok = EVP_PKEY_parameters_eq(a->pub, b->pub) == 1;
	return ok;
}

/* One of ours (xkeyprov_key), or a plain public key given as OpenSSL's
 * parameters (libssl compares the certificate's key with ours that way);
 * keys are immutable once made. */
static int km_import_as(struct xkp_key *k, const char *type,
			const OSSL_PARAM params[])
{
	const OSSL_PARAM *pp = OSSL_PARAM_locate_const(params, XKP_PARAM_PUB);
	const OSSL_PARAM *ps = OSSL_PARAM_locate_const(params, XKP_PARAM_SIGNER);
	const OSSL_PARAM *pv = OSSL_PARAM_locate_const(params, XKP_PARAM_PROV);
	const void *pub = NULL, *signer = NULL, *prov = NULL;
	EVP_PKEY_CTX *c;
	size_t len;
	int ok;

	if (!k || k->pub)
		return 0;
	if (pp && ps && pv) {
		if (!OSSL_PARAM_get_octet_ptr(pp, &pub, &len) ||
		    !OSSL_PARAM_get_octet_ptr(ps, &signer, &len) ||
		    !OSSL_PARAM_get_octet_ptr(pv, &prov, &len) || !pub ||
		    !signer || !prov || !EVP_PKEY_up_ref((EVP_PKEY *)pub))
			return 0;
		k->pub = (EVP_PKEY *)pub;
		k->signer = *(const struct xkeyprov_signer *)signer;
		k->prov = *(OSSL_PROVIDER **)prov;      /* taken over */
		*(OSSL_PROVIDER **)prov = NULL;
		return 1;
	}
	c = EVP_PKEY_CTX_new_from_name(NULL, type, "provider!=" XKP_NAME);
	ok = c && EVP_PKEY_fromdata_init(c) == 1 &&
	     EVP_PKEY_fromdata(c, &k->pub, EVP_PKEY_PUBLIC_KEY,
			       (OSSL_PARAM *)params) == 1;
	EVP_PKEY_CTX_free(c);
	return ok;
}

static int km_import_rsa(void *kd, int sel, const OSSL_PARAM params[])
{
	(void)sel;
	return km_import_as(kd, "RSA", params);
}

static int km_import_ec(void *kd, int sel, const OSSL_PARAM params[])
{
	(void)sel;
	return km_import_as(kd, "EC", params);
}

static const OSSL_PARAM *km_import_types(int sel)
{
	static const OSSL_PARAM none[] = { OSSL_PARAM_END };

	(void)sel;
	return none;
}

static int km_get_params(void *kd, OSSL_PARAM params[])
{
	struct xkp_key *k = kd;

	return k && k->pub && EVP_PKEY_get_params(k->pub, params);
}

static const OSSL_PARAM *km_gettable_params(void *provctx)
{
	static const OSSL_PARAM p[] = {
		OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
		OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL),
		OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, NULL),
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_DEFAULT_DIGEST, NULL, 0),
		OSSL_PARAM_END
	};

	(void)provctx;
	return p;
}

static int km_import_ed25519(void *kd, int sel, const OSSL_PARAM params[])
{
	(void)sel;
	return km_import_as(kd, "ED25519", params);
}

static int km_import_ed448(void *kd, int sel, const OSSL_PARAM params[])
{
	(void)sel;
	return km_import_as(kd, "ED448", params);
}

static const char *km_ec_opname(int op)
{
	return op == OSSL_OP_SIGNATURE ? "ECDSA" : "EC";
}

static const char *km_ed25519_opname(int op)
{
	(void)op;
	return "ED25519";
}

static const char *km_ed448_opname(int op)
{
	(void)op;
	return "ED448";
}

static const char *km_rsa_opname(int op)
{
	(void)op;
	return "RSA";
}

#define XKP_KEYMGMT(import, opname) { \
	{ OSSL_FUNC_KEYMGMT_NEW, (xkp_fn)km_new }, \
	{ OSSL_FUNC_KEYMGMT_FREE, (xkp_fn)km_free }, \
	{ OSSL_FUNC_KEYMGMT_HAS, (xkp_fn)km_has }, \
	{ OSSL_FUNC_KEYMGMT_MATCH, (xkp_fn)km_match }, \
	{ OSSL_FUNC_KEYMGMT_IMPORT, (xkp_fn)(import) }, \
	{ OSSL_FUNC_KEYMGMT_IMPORT_TYPES, (xkp_fn)km_import_types }, \
	{ OSSL_FUNC_KEYMGMT_GET_PARAMS, (xkp_fn)km_get_params }, \
	{ OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (xkp_fn)km_gettable_params }, \
	{ OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, (xkp_fn)(opname) }, \
	{ 0, NULL } }

static const OSSL_DISPATCH km_rsa[] = XKP_KEYMGMT(km_import_rsa, km_rsa_opname);
static const OSSL_DISPATCH km_ec[] = XKP_KEYMGMT(km_import_ec, km_ec_opname);
static const OSSL_DISPATCH km_ed25519[] =
	XKP_KEYMGMT(km_import_ed25519, km_ed25519_opname);
static const OSSL_DISPATCH km_ed448[] =
	XKP_KEYMGMT(km_import_ed448, km_ed448_opname);

/* ---- signature ---- */

static void *sig_newctx(void *provctx, const char *propq)
{
	struct xkp_sig *s = calloc(1, sizeof(*s));

	(void)provctx;
	(void)propq;
	if (s) {
		s->pad = "pkcs1";       /* OpenSSL's default for RSA */
		s->saltlen = "digest";
	}
	return s;
}

static void sig_freectx(void *ctx)
{
	free(ctx);
}

/* OpenSSL's short name ("SHA256") for any of a digest's names, as a
 * string that lives as long as the library; NULL if unknown. */
static const char *md_shortname(const char *name)
{
	EVP_MD *md = name ? EVP_MD_fetch(NULL, name, NULL) : NULL;
	int nid = md ? EVP_MD_get_type(md) : NID_undef;

	EVP_MD_free(md);
	return nid == NID_undef ? NULL : OBJ_nid2sn(nid);
}

static const char *pad_name(const OSSL_PARAM *p)
{
	const char *s = NULL;
	int mode = 0;

	if (p->data_type == OSSL_PARAM_UTF8_STRING &&
	    OSSL_PARAM_get_utf8_string_ptr(p, &s))
		mode = !strcmp(s, OSSL_PKEY_RSA_PAD_MODE_PKCSV15) ? RSA_PKCS1_PADDING :
		       !strcmp(s, OSSL_PKEY_RSA_PAD_MODE_PSS) ? RSA_PKCS1_PSS_PADDING :
		       RSA_NO_PADDING;
	else if (!OSSL_PARAM_get_int(p, &mode))
		return NULL;
	return mode == RSA_PKCS1_PADDING ? "pkcs1" :
	       mode == RSA_PKCS1_PSS_PADDING ? "pss" : "none";
}

/* As OpenVPN 2.6: "digest", "max" or "auto"; a number is taken as
 * "digest" (TLS only ever asks for that). */
static const char *saltlen_name(const OSSL_PARAM *p)
{
	const char *s = NULL;
	int n = 0;

	if (p->data_type == OSSL_PARAM_UTF8_STRING &&
	    OSSL_PARAM_get_utf8_string_ptr(p, &s))
		return !strcmp(s, "max") ? "max" : !strcmp(s, "auto") ? "auto" :
		       "digest";
	if (!OSSL_PARAM_get_int(p, &n))
		return NULL;
	return n == RSA_PSS_SALTLEN_MAX ? "max" :
	       n == RSA_PSS_SALTLEN_AUTO ? "auto" : "digest";
}

static int sig_set_ctx_params(void *ctx, const OSSL_PARAM params[])
{
	struct xkp_sig *s = ctx;
	const OSSL_PARAM *p;
	const char *v = NULL;

	if (!params)
		return 1;
	p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PAD_MODE);
	if (p && !(s->pad = pad_name(p)))
		return 0;
	p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PSS_SALTLEN);
	if (p && !(s->saltlen = saltlen_name(p)))
		return 0;
	p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_DIGEST);
	if (p && (!OSSL_PARAM_get_utf8_string_ptr(p, &v) ||
		  !(s->md = md_shortname(v))))
		return 0;
	return 1;
}

static const OSSL_PARAM *sig_settable_ctx_params(void *ctx, void *provctx)
{
	static const OSSL_PARAM p[] = {
		OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, NULL, 0),
		OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
		OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, NULL, 0),
		OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, NULL, 0),
		OSSL_PARAM_END
	};

	(void)ctx;
	(void)provctx;
	return p;
}

static int sig_init(void *ctx, void *provkey, const OSSL_PARAM params[])
{
	struct xkp_sig *s = ctx;

	s->key = provkey;
	return s->key && s->key->signer.sign && sig_set_ctx_params(s, params);
}

static int sig_digest_init(void *ctx, const char *mdname, void *provkey,
			   const OSSL_PARAM params[])
{
	struct xkp_sig *s = ctx;

	if (!sig_init(ctx, provkey, params))
		return 0;
	if (mdname && !(s->md = md_shortname(mdname)))
		return 0;
	return 1;
}

/* "ED25519" / "ED448" for an EdDSA key, else NULL. */
static const char *xkp_eddsa(EVP_PKEY *pk)
{
	return EVP_PKEY_is_a(pk, "ED25519") ? "ED25519" :
	       EVP_PKEY_is_a(pk, "ED448") ? "ED448" : NULL;
}

static int sig_run(struct xkp_sig *s, uint8_t *sig, size_t *siglen,
		   size_t sigsize, const uint8_t *tbs, size_t tbslen,
		   bool is_digest)
{
	const struct xkeyprov_signer *sg = &s->key->signer;
	struct xkey_req r = {
		.pub = s->key->pub,
		.ec = EVP_PKEY_is_a(s->key->pub, "EC"),
		.eddsa = xkp_eddsa(s->key->pub),
		.pad = s->pad, .md = s->md, .saltlen = s->saltlen,
		.tbs = tbs, .tbslen = tbslen, .is_digest = is_digest,
	};
	size_t len = sigsize;

	if (!sig) {             /* the size asked first */
		*siglen = (size_t)EVP_PKEY_get_size(s->key->pub);
		return 1;
	}
	if (sg->sign(sg->arg, &r, sig, &len))
		return 0;
	*siglen = len;
	return 1;
}

static int sig_sign(void *ctx, unsigned char *sig, size_t *siglen,
		    size_t sigsize, const unsigned char *tbs, size_t tbslen)
{
	return sig_run(ctx, sig, siglen, sigsize, tbs, tbslen, true);
}

static int sig_digest_sign(void *ctx, unsigned char *sig, size_t *siglen,
			   size_t sigsize, const unsigned char *tbs,
			   size_t tbslen)
{
	return sig_run(ctx, sig, siglen, sigsize, tbs, tbslen, false);
}

static const OSSL_DISPATCH sig_fns[] = {
	{ OSSL_FUNC_SIGNATURE_NEWCTX, (xkp_fn)sig_newctx },
	{ OSSL_FUNC_SIGNATURE_FREECTX, (xkp_fn)sig_freectx },
	{ OSSL_FUNC_SIGNATURE_SIGN_INIT, (xkp_fn)sig_init },
	{ OSSL_FUNC_SIGNATURE_SIGN, (xkp_fn)sig_sign },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, (xkp_fn)sig_digest_init },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN, (xkp_fn)sig_digest_sign },
	{ OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, (xkp_fn)sig_set_ctx_params },
	{ OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS,
	  (xkp_fn)sig_settable_ctx_params },
	{ 0, NULL }
};

/* ---- the provider ---- */

static const OSSL_ALGORITHM *prov_query(void *provctx, int op, int *no_store)
{
	static const OSSL_ALGORITHM keymgmt[] = {
		{ "RSA:rsaEncryption", XKP_PROPS, km_rsa, NULL },
		{ "EC:id-ecPublicKey", XKP_PROPS, km_ec, NULL },
		{ "ED25519", XKP_PROPS, km_ed25519, NULL },
		{ "ED448", XKP_PROPS, km_ed448, NULL },
		{ NULL, NULL, NULL, NULL }
	};
	static const OSSL_ALGORITHM signature[] = {
		{ "RSA:rsaEncryption", XKP_PROPS, sig_fns, NULL },
		{ "ECDSA", XKP_PROPS, sig_fns, NULL },
		/* EdDSA: one-shot DigestSign over the message, no digest */
		{ "ED25519", XKP_PROPS, sig_fns, NULL },
		{ "ED448", XKP_PROPS, sig_fns, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	(void)provctx;
	*no_store = 0;
	return op == OSSL_OP_KEYMGMT ? keymgmt :
	       op == OSSL_OP_SIGNATURE ? signature : NULL;
}

static int prov_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
		     const OSSL_DISPATCH **out, void **provctx)
{
	static const OSSL_DISPATCH fns[] = {
		{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, (xkp_fn)prov_query },
		{ 0, NULL }
	};

	(void)handle;
	(void)in;
	*out = fns;
	*provctx = (void *)fns;         /* unused, but must not be NULL */
	return 1;
}

/* Loaded (a reference, which each key made holds and releases: the
 * provider is active while keys of it exist). The default properties
 * are set to prefer every other provider for everything else. */
static OSSL_PROVIDER *xkeyprov_load(void)
{
	OSSL_PROVIDER *p;

	ERR_set_mark();
	/* retain_fallbacks: the default provider still loads implicitly */
	p = OSSL_PROVIDER_try_load(NULL, XKP_NAME, 1);
	if (!p && OSSL_PROVIDER_add_builtin(NULL, XKP_NAME, prov_init))
		p = OSSL_PROVIDER_try_load(NULL, XKP_NAME, 1);
	ERR_pop_to_mark();
	if (p && !EVP_set_default_properties(NULL, "?provider!=" XKP_NAME)) {
		OSSL_PROVIDER_unload(p);
		p = NULL;
	}
	return p;
}

EVP_PKEY *xkeyprov_key(EVP_PKEY *pub, const struct xkeyprov_signer *s)
{
	const char *type = EVP_PKEY_is_a(pub, "RSA") ? "RSA" :
			   EVP_PKEY_is_a(pub, "EC") ? "EC" : xkp_eddsa(pub);
	OSSL_PROVIDER *prov = type ? xkeyprov_load() : NULL;
	void *sp = (void *)s;   /* copied by km_import_as */
	void *pv = &prov;       /* taken over (set to NULL) by km_import_as */
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_octet_ptr(XKP_PARAM_PUB, (void **)&pub,
					       sizeof(pub)),
		OSSL_PARAM_construct_octet_ptr(XKP_PARAM_SIGNER, &sp,
					       sizeof(*s)),
		OSSL_PARAM_construct_octet_ptr(XKP_PARAM_PROV, &pv,
					       sizeof(prov)),
		OSSL_PARAM_construct_end()
	};
	EVP_PKEY_CTX *c = prov ? EVP_PKEY_CTX_new_from_name(NULL, type,
							    XKP_PROPS) : NULL;
	EVP_PKEY *pk = NULL;

	if (!c || EVP_PKEY_fromdata_init(c) != 1 ||
	    EVP_PKEY_fromdata(c, &pk, EVP_PKEY_KEYPAIR, p) != 1)
		pk = NULL;
	if (prov)       /* no key took it over */
		OSSL_PROVIDER_unload(prov);
	EVP_PKEY_CTX_free(c);
	return pk;
}
