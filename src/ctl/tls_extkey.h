/*
 * management-external-key: the client's private key stays with the
 * manager; its signatures are asked for when TLS needs one. The key
 * object given to OpenSSL carries the certificate's public key and signs
 * through @sign (EC keys: ECDSA over the digest; RSA keys: PKCS#1 over the
 * DigestInfo, or a block already padded).
 */
#ifndef DCOVPN_CTL_TLS_EXTKEY_H
#define DCOVPN_CTL_TLS_EXTKEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct tls_ext_signer {
	/* Sign @in as @alg ("ECDSA", "RSA_PKCS1_PADDING", "RSA_NO_PADDING");
	 * the signature (DER for ECDSA) in @sig, room @*siglen, set to its
	 * length. 0 or -errno. */
	int (*sign)(void *ctx, const char *alg, const uint8_t *in, size_t inlen,
		    uint8_t *sig, size_t *siglen);
	void *ctx;
};

/* The context's certificate (loaded) gets a key that signs through @s,
 * which must outlive @sctx. 0, or -errno with @err. */
int tls_extkey_use(SSL_CTX *sctx, const struct tls_ext_signer *s, char *err,
		   size_t errlen);

#endif
