/*
 * management-external-key: the client's private key stays with the
 * manager; its signatures are asked for when TLS needs one, in the forms
 * OpenVPN 2.6 uses (see tls_extkey.c), chosen by what the manager said it
 * can do (the option's flags).
 */
#ifndef DCOVPN_CTL_TLS_EXTKEY_H
#define DCOVPN_CTL_TLS_EXTKEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

/* management-external-key's flags: what the manager can sign */
#define TLS_EXTKEY_NOPADDING 0x1u  /* a whole RSA block, padded here */
#define TLS_EXTKEY_PKCS1     0x2u  /* PKCS#1 v1.5 (the default) */
#define TLS_EXTKEY_PSS       0x4u  /* RSA-PSS */
#define TLS_EXTKEY_DIGEST    0x8u  /* the message itself, hashed there */

struct tls_ext_signer {
	/* Sign @in as @alg (the text after the data in ">PK_SIGN:data,alg",
	 * e.g. "RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest");
	 * the signature (DER for ECDSA) in @sig, room @*siglen, set to its
	 * length. 0 or -errno. */
	int (*sign)(void *ctx, const char *alg, const uint8_t *in, size_t inlen,
		    uint8_t *sig, size_t *siglen);
	void *ctx;
	unsigned flags;         /* TLS_EXTKEY_* */
};

/* The context's certificate (loaded) gets a key that signs through @s,
 * which must outlive @sctx. 0, or -errno with @err. */
int tls_extkey_use(SSL_CTX *sctx, const struct tls_ext_signer *s, char *err,
		   size_t errlen);

#endif
