/*
 * A minimal OpenSSL 3 provider ("dcovpn-extkey") whose RSA, EC and EdDSA keys
 * hold only a public key and sign through a callback: libssl hands a
 * provider key its whole signing request (the message, the digest name,
 * the padding mode and the PSS salt length), which the deprecated
 * RSA_METHOD/EC_KEY_METHOD hooks never see (they get a block already
 * PSS-padded, or a bare digest). management-external-key needs all of it
 * to ask the manager as OpenVPN 2.6 does (tls_extkey.c).
 *
 * The provider is loaded into the default library context once, the
 * first time a key is made; the default properties are then set to
 * prefer every other provider ("?provider!=dcovpn-extkey"), so only keys
 * made here are ever served by it.
 */
#ifndef DCOVPN_CTL_TLS_XKEYPROV_H
#define DCOVPN_CTL_TLS_XKEYPROV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* One signature libssl wants. */
struct xkey_req {
	EVP_PKEY *pub;        /* the public key (default provider) */
	bool ec;              /* ECDSA; else RSA or EdDSA */
	const char *eddsa;    /* "ED25519"/"ED448": over the message; NULL */
	const char *pad;      /* RSA: "pkcs1", "pss" or "none" */
	const char *md;       /* "SHA256", ...: OpenSSL's short name */
	const char *saltlen;  /* RSA-PSS: "digest", "max" or "auto" */
	const uint8_t *tbs;   /* the message, or its digest (@is_digest) */
	size_t tbslen;
	bool is_digest;
};

/* Signs @r into @sig (room *@siglen, set to the length; DER for ECDSA).
 * 0 or -errno. */
typedef int (*xkeyprov_sign_fn)(const void *arg, const struct xkey_req *r,
				uint8_t *sig, size_t *siglen);

struct xkeyprov_signer {
	xkeyprov_sign_fn sign;
	const void *arg;
};

/* A key with @pub's public half whose signatures come from @s (copied;
 * its @arg must outlive the key). RSA, EC, Ed25519 or Ed448; NULL on
 * failure. */
EVP_PKEY *xkeyprov_key(EVP_PKEY *pub, const struct xkeyprov_signer *s);

#endif
