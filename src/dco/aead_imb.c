/*
 * AES-GCM and ChaCha20-Poly1305 through intel-ipsec-mb (aead_imb.h), the
 * library DPDK and VPP use: on a CPU with VAES and AVX-512 its one-shot GCM
 * is about four times OpenSSL 3.0's (issue 12), its ChaCha20-Poly1305 about
 * twice (1400 bytes: 1.26 vs 0.51-0.75 GB/s measured here). A GCM key is
 * expanded once per key (GCM_PRE); each packet is one call of the
 * library's direct API (ChaCha20-Poly1305: init, update, finalize) with a
 * context on the stack, so any number of threads may use one key at once.
 *
 * Why one manager per process, set up once: the manager is the library's
 * table of code paths for this CPU (what OpenSSL keeps internally too). It
 * is written once under pthread_once and only read afterwards; each key
 * copies the two function pointers it needs, so the packet path never
 * touches it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dco/aead_imb.h"

#ifdef DCOVPN_HAVE_IPSEC_MB
#include <limits.h>
#include <pthread.h>

#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>

#include "base/mem.h"

struct imb_lib {
	IMB_MGR *mgr;
	IMB_ARCH arch;
};

static struct imb_lib lib;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_setup(void)
{
	lib.mgr = alloc_mb_mgr(0);
	if (!lib.mgr)
		return;
	init_mb_mgr_auto(lib.mgr, &lib.arch);
	/* SSE without AES-NI would be slower than OpenSSL: not worth it. */
	if (lib.arch < IMB_ARCH_AVX2 || !(lib.mgr->features & IMB_FEATURE_AESNI) ||
	    imb_get_errno(lib.mgr)) {
		free_mb_mgr(lib.mgr);
		lib.mgr = NULL;
	}
}

static IMB_MGR *lib_mgr(void)
{
	pthread_once(&lib_once, lib_setup);
	return lib.mgr;
}

bool aead_imb_usable(void)
{
	return lib_mgr() != NULL;
}

const char *aead_imb_arch(void)
{
	static const char *const names[] = {
		[IMB_ARCH_SSE] = "SSE", [IMB_ARCH_AVX] = "AVX",
		[IMB_ARCH_AVX2] = "AVX2", [IMB_ARCH_AVX512] = "AVX512",
	};

	if (!lib_mgr() || lib.arch >= IMB_ARCH_NUM || !names[lib.arch])
		return "none";
	return names[lib.arch];
}

int aead_imb_init(struct aead *a, const uint8_t *key)
{
	IMB_MGR *m = lib_mgr();
	struct gcm_key_data *kd;

	if (!m)
		return -ENOTSUP;
	/* the library's vector loads want the key data 64-byte aligned */
	kd = aligned_alloc(64, (sizeof(*kd) + 63) & ~(size_t)63);
	if (!kd)
		return -ENOMEM;
	switch (a->cipher) {
	case DCO_CIPHER_AES_128_GCM:
		IMB_AES128_GCM_PRE(m, key, kd);
		a->imb_seal = (void (*)(void))m->gcm128_enc;
		a->imb_open = (void (*)(void))m->gcm128_dec;
		break;
	case DCO_CIPHER_AES_192_GCM:
		IMB_AES192_GCM_PRE(m, key, kd);
		a->imb_seal = (void (*)(void))m->gcm192_enc;
		a->imb_open = (void (*)(void))m->gcm192_dec;
		break;
	case DCO_CIPHER_AES_256_GCM:
		IMB_AES256_GCM_PRE(m, key, kd);
		a->imb_seal = (void (*)(void))m->gcm256_enc;
		a->imb_open = (void (*)(void))m->gcm256_dec;
		break;
	case DCO_CIPHER_CHACHA20_POLY1305:
		/* no key schedule: the key itself, in the same wiped block */
		memcpy(kd, key, 32);
		break;
	default:
		free(kd);
		return -ENOTSUP;
	}
	a->imb_key = kd;
	return 0;
}

void aead_imb_free(struct aead *a)
{
	if (!a->imb_key)
		return;
	mem_wipe(a->imb_key, sizeof(struct gcm_key_data));
	free(a->imb_key);
	a->imb_key = NULL;
}

/* One whole-packet GCM call; @out may be @in. */
static int gcm_run(struct aead *a, void (*fn)(void), const uint8_t *iv,
		   const uint8_t *aad, size_t aad_len, const uint8_t *in,
		   uint8_t *out, size_t len, uint8_t tag[AEAD_TAG_LEN])
{
	aes_gcm_enc_dec_t gcm = (aes_gcm_enc_dec_t)fn;
	struct gcm_context_data ctx;
	uint8_t none[1];

	if (!a->imb_key || len > INT_MAX || aad_len > INT_MAX)
		return -EINVAL;
	/* the library refuses NULL buffers even when their length is 0 */
	gcm(a->imb_key, &ctx, len ? out : none, len ? in : none, len, iv,
	    aad_len ? aad : none, aad_len, tag, AEAD_TAG_LEN);
	/* the context holds keystream and hash state of this packet */
	mem_wipe(&ctx, sizeof(ctx));
	return 0;
}

/* ChaCha20-Poly1305 in three calls of the library's direct API. */
static int chacha_run(struct aead *a, bool seal, const uint8_t *iv,
		      const uint8_t *aad, size_t aad_len, const uint8_t *in,
		      uint8_t *out, size_t len, uint8_t tag[AEAD_TAG_LEN])
{
	struct chacha20_poly1305_context_data ctx;
	uint8_t none[1];
	IMB_MGR *m = lib.mgr;   /* set: this key was made with it */

	if (!a->imb_key || len > INT_MAX || aad_len > INT_MAX)
		return -EINVAL;
	IMB_CHACHA20_POLY1305_INIT(m, a->imb_key, &ctx, iv,
				   aad_len ? aad : none, aad_len);
	if (len && seal)
		IMB_CHACHA20_POLY1305_ENC_UPDATE(m, a->imb_key, &ctx, out, in, len);
	else if (len)
		IMB_CHACHA20_POLY1305_DEC_UPDATE(m, a->imb_key, &ctx, out, in, len);
	IMB_CHACHA20_POLY1305_ENC_FINALIZE(m, &ctx, tag, AEAD_TAG_LEN);
	mem_wipe(&ctx, sizeof(ctx));
	return 0;
}

int aead_imb_seal(struct aead *a, const uint8_t iv[AEAD_IV_LEN], const uint8_t *aad,
		  size_t aad_len, uint8_t *buf, size_t len,
		  uint8_t tag[AEAD_TAG_LEN])
{
	if (a->cipher == DCO_CIPHER_CHACHA20_POLY1305)
		return chacha_run(a, true, iv, aad, aad_len, buf, buf, len, tag);
	return gcm_run(a, a->imb_seal, iv, aad, aad_len, buf, buf, len, tag);
}

int aead_imb_open(struct aead *a, const uint8_t iv[AEAD_IV_LEN], const uint8_t *aad,
		  size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
		  const uint8_t tag[AEAD_TAG_LEN])
{
	uint8_t computed[AEAD_TAG_LEN];
	int err = a->cipher == DCO_CIPHER_CHACHA20_POLY1305 ?
		chacha_run(a, false, iv, aad, aad_len, in, out, len, computed) :
		gcm_run(a, a->imb_open, iv, aad, aad_len, in, out, len,
			computed);

	if (err)
		return err;
	/* constant time: the comparison must not tell how much matched */
	return CRYPTO_memcmp(computed, tag, AEAD_TAG_LEN) ? -EBADMSG : 0;
}

#else /* !DCOVPN_HAVE_IPSEC_MB: OpenSSL only */

bool aead_imb_usable(void)
{
	return false;
}

const char *aead_imb_arch(void)
{
	return "not built in";
}

int aead_imb_init(struct aead *a, const uint8_t *key)
{
	(void)a;
	(void)key;
	return -ENOTSUP;
}

void aead_imb_free(struct aead *a)
{
	(void)a;
}

int aead_imb_seal(struct aead *a, const uint8_t iv[AEAD_IV_LEN], const uint8_t *aad,
		  size_t aad_len, uint8_t *buf, size_t len,
		  uint8_t tag[AEAD_TAG_LEN])
{
	(void)a, (void)iv, (void)aad, (void)aad_len, (void)buf, (void)len;
	(void)tag;
	return -ENOTSUP;
}

int aead_imb_open(struct aead *a, const uint8_t iv[AEAD_IV_LEN], const uint8_t *aad,
		  size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
		  const uint8_t tag[AEAD_TAG_LEN])
{
	(void)a, (void)iv, (void)aad, (void)aad_len, (void)in, (void)out;
	(void)len, (void)tag;
	return -ENOTSUP;
}

#endif
