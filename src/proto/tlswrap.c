/*
 * tls-auth and tls-crypt wrapping of control packets (tlswrap.h).
 *
 * All crypto is OpenSSL's: EVP_MAC "HMAC" and EVP AES-256-CTR. Each call
 * builds its own short-lived contexts from the key bytes, so a key can be
 * shared between threads and checked before any session exists.
 */
#include "proto/tlswrap.h"

#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "base/bytes.h"
#include "base/mem.h"

/* Plaintext is decrypted through a buffer this big when nobody wants it. */
#define SCRATCH_LEN 256u

struct chunk {
	const uint8_t *p;
	size_t n;
};

/* ------------------------------------------------------------------ keys */

static int digest_size(const char *name, size_t *size)
{
	EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
	int n;

	if (!md)
		return -EINVAL;
	n = EVP_MD_get_size(md);
	EVP_MD_free(md);
	if (n <= 0 || (size_t)n > TLSWRAP_HMAC_MAX)
		return -EINVAL;
	*size = (size_t)n;
	return 0;
}

static int key_set_auth(struct tlswrap_key *k, const char *digest)
{
	int ret;

	if (strlen(digest) >= sizeof(k->digest))
		return -EINVAL;
	ret = digest_size(digest, &k->hmac_len);
	if (ret)
		return ret;
	strcpy(k->digest, digest);
	k->mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	return k->mac ? 0 : -ENOSYS;
}

static void key_copy_parts(struct tlswrap_key *k,
			   const struct statickey_slices *s)
{
	memcpy(k->send_hmac, s->send_hmac, k->hmac_len);
	memcpy(k->recv_hmac, s->recv_hmac, k->hmac_len);
	if (k->mode != TLSWRAP_CRYPT)
		return;
	memcpy(k->send_cipher, s->send_cipher, TLSWRAP_CRYPT_KEY_LEN);
	memcpy(k->recv_cipher, s->recv_cipher, TLSWRAP_CRYPT_KEY_LEN);
}

int tlswrap_key_init(struct tlswrap_key *k, enum tlswrap_mode mode,
		     const struct statickey *sk, enum statickey_dir dir,
		     const char *digest)
{
	struct statickey_slices s;
	int ret;

	*k = (struct tlswrap_key){ .mode = mode };
	if (mode == TLSWRAP_NONE)
		return 0;
	if ((mode != TLSWRAP_AUTH && mode != TLSWRAP_CRYPT) || !sk)
		return -EINVAL;
	ret = statickey_slice(sk, dir, &s);
	if (ret)
		return ret;
	if (mode == TLSWRAP_CRYPT)
		digest = "SHA256";
	ret = key_set_auth(k, digest ? digest : "SHA1");
	if (ret)
		goto err_free;
	if (mode == TLSWRAP_CRYPT) {
		k->ctr = EVP_CIPHER_fetch(NULL, "AES-256-CTR", NULL);
		if (!k->ctr) {
			ret = -ENOSYS;
			goto err_free;
		}
	}
	key_copy_parts(k, &s);
	return 0;

err_free:
	tlswrap_key_free(k);
	return ret;
}

void tlswrap_key_free(struct tlswrap_key *k)
{
	EVP_MAC_free(k->mac);
	EVP_CIPHER_free(k->ctr);
	mem_wipe(k, sizeof(*k));
	k->mode = TLSWRAP_NONE;
}

size_t tlswrap_overhead(const struct tlswrap_key *k)
{
	switch (k->mode) {
	case TLSWRAP_AUTH:
		return k->hmac_len + TLSWRAP_PID_LEN;
	case TLSWRAP_CRYPT:
		return TLSWRAP_PID_LEN + TLSWRAP_CRYPT_TAG_LEN;
	case TLSWRAP_NONE:
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------- OpenSSL */

static EVP_MAC_CTX *mac_start(const struct tlswrap_key *k, const uint8_t *key)
{
	char digest[sizeof(k->digest)];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(k->mac);

	if (!ctx)
		return NULL;
	memcpy(digest, k->digest, sizeof(digest));
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, k->hmac_len, params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* HMAC over the concatenation of @c[0..n) with @key into @tag. */
static int mac_chunks(const struct tlswrap_key *k, const uint8_t *key,
		      const struct chunk *c, size_t n, uint8_t *tag)
{
	EVP_MAC_CTX *ctx = mac_start(k, key);
	size_t out = 0;
	int ret = -EIO;

	if (!ctx)
		return -EIO;
	for (size_t i = 0; i < n; i++) {
		if (!EVP_MAC_update(ctx, c[i].p, c[i].n))
			goto out;
	}
	if (EVP_MAC_final(ctx, tag, &out, TLSWRAP_HMAC_MAX) &&
	    out == k->hmac_len)
		ret = 0;
out:
	EVP_MAC_CTX_free(ctx);
	return ret;
}

static EVP_CIPHER_CTX *ctr_start(const struct tlswrap_key *k,
				 const uint8_t *key, const uint8_t *iv)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (ctx && !EVP_EncryptInit_ex2(ctx, k->ctr, key, iv, NULL)) {
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* CTR mode: encryption and decryption are the same stream XOR. */
static int ctr_xor(EVP_CIPHER_CTX *ctx, const uint8_t *in, size_t n,
		   uint8_t *out)
{
	int outl = 0;

	while (n) {
		int step = n > 1u << 30 ? 1 << 30 : (int)n;

		if (!EVP_EncryptUpdate(ctx, out, &outl, in, step) || outl != step)
			return -EIO;
		in += step;
		out += step;
		n -= (size_t)step;
	}
	return 0;
}

/* -------------------------------------------------------------- tls-auth */

static int auth_wrap(const struct tlswrap_key *k, const uint8_t *pidb,
		     const uint8_t *in, size_t in_len, uint8_t *out)
{
	struct chunk c[] = {
		{ pidb, TLSWRAP_PID_LEN },
		{ in, TLSWRAP_HDR_LEN },
		{ in + TLSWRAP_HDR_LEN, in_len - TLSWRAP_HDR_LEN },
	};
	uint8_t *hmac = out + TLSWRAP_HDR_LEN;

	memcpy(out, in, TLSWRAP_HDR_LEN);
	memcpy(hmac + k->hmac_len, pidb, TLSWRAP_PID_LEN);
	memcpy(hmac + k->hmac_len + TLSWRAP_PID_LEN, in + TLSWRAP_HDR_LEN,
	       in_len - TLSWRAP_HDR_LEN);
	return mac_chunks(k, k->send_hmac, c, 3, hmac);
}

/* Verify a tls-auth packet; the clear rest starts at @pkt + *@rest_off. */
static int auth_verify(const struct tlswrap_key *k, const uint8_t *pkt,
		       size_t len, size_t *rest_off)
{
	size_t off = TLSWRAP_HDR_LEN + k->hmac_len + TLSWRAP_PID_LEN;
	uint8_t tag[TLSWRAP_HMAC_MAX];
	struct chunk c[3];
	int ret;

	if (len < off)
		return -EBADMSG;
	c[0] = (struct chunk){ pkt + off - TLSWRAP_PID_LEN, TLSWRAP_PID_LEN };
	c[1] = (struct chunk){ pkt, TLSWRAP_HDR_LEN };
	c[2] = (struct chunk){ pkt + off, len - off };
	ret = mac_chunks(k, k->recv_hmac, c, 3, tag);
	if (!ret && CRYPTO_memcmp(tag, pkt + TLSWRAP_HDR_LEN, k->hmac_len))
		ret = -EBADMSG;
	*rest_off = off;
	return ret;
}

/* ------------------------------------------------------------- tls-crypt */

static int crypt_wrap(const struct tlswrap_key *k, const uint8_t *pidb,
		      const uint8_t *in, size_t in_len, uint8_t *out)
{
	uint8_t *tag = out + TLSWRAP_CRYPT_OFF_TAG;
	size_t rest = in_len - TLSWRAP_HDR_LEN;
	EVP_CIPHER_CTX *cctx;
	int ret;

	memcpy(out, in, TLSWRAP_HDR_LEN);
	memcpy(out + TLSWRAP_CRYPT_OFF_PID, pidb, TLSWRAP_PID_LEN);
	{
		struct chunk c[] = {
			{ out, TLSWRAP_CRYPT_OFF_TAG },
			{ in + TLSWRAP_HDR_LEN, rest },
		};

		ret = mac_chunks(k, k->send_hmac, c, 2, tag);
		if (ret)
			return ret;
	}
	/* Synthetic IV: the first 128 bits of the tag. */
	cctx = ctr_start(k, k->send_cipher, tag);
	if (!cctx)
		return -EIO;
	ret = ctr_xor(cctx, in + TLSWRAP_HDR_LEN, rest,
		      out + TLSWRAP_CRYPT_OFF_CT);
	EVP_CIPHER_CTX_free(cctx);
	return ret;
}

/*
 * Decrypt the ciphertext of @pkt (into @out, or piecewise into a scratch
 * buffer when @out is NULL) while feeding the plaintext to the MAC, then
 * compare tags. Decrypt-then-verify is safe here because nothing of the
 * plaintext is used before the tag matched.
 */
static int crypt_open(const struct tlswrap_key *k, const uint8_t *pkt,
		      size_t len, uint8_t *out)
{
	const uint8_t *tag = pkt + TLSWRAP_CRYPT_OFF_TAG;
	uint8_t scratch[SCRATCH_LEN], check[TLSWRAP_HMAC_MAX];
	EVP_CIPHER_CTX *cctx = NULL;
	EVP_MAC_CTX *mctx = NULL;
	size_t off = TLSWRAP_CRYPT_OFF_CT, got = 0;
	int ret = -EIO;

	if (len < TLSWRAP_CRYPT_OFF_CT)
		return -EBADMSG;
	cctx = ctr_start(k, k->recv_cipher, tag);
	mctx = mac_start(k, k->recv_hmac);
	if (!cctx || !mctx ||
	    !EVP_MAC_update(mctx, pkt, TLSWRAP_CRYPT_OFF_TAG))
		goto out;
	while (off < len) {
		size_t n = len - off;
		uint8_t *dst = out ? out + (off - TLSWRAP_CRYPT_OFF_CT) : scratch;

		if (!out && n > sizeof(scratch))
			n = sizeof(scratch);
		if (ctr_xor(cctx, pkt + off, n, dst) ||
		    !EVP_MAC_update(mctx, dst, n))
			goto out;
		off += n;
	}
	if (!EVP_MAC_final(mctx, check, &got, sizeof(check)) ||
	    got != TLSWRAP_CRYPT_TAG_LEN)
		goto out;
	ret = CRYPTO_memcmp(check, tag, TLSWRAP_CRYPT_TAG_LEN) ? -EBADMSG : 0;
out:
	mem_wipe(scratch, sizeof(scratch));
	EVP_MAC_CTX_free(mctx);
	EVP_CIPHER_CTX_free(cctx);
	return ret;
}

/* ------------------------------------------------------------ entry points */

static void pid_store(uint8_t *p, const struct tlswrap_pid *pid)
{
	store_be32(p, pid->id);
	store_be32(p + 4, pid->net_time);
}

static void pid_load(const uint8_t *p, struct tlswrap_pid *pid)
{
	pid->id = load_be32(p);
	pid->net_time = load_be32(p + 4);
}

int tlswrap_wrap(const struct tlswrap_key *k, const struct tlswrap_pid *pid,
		 const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		 size_t *out_len)
{
	size_t need = in_len + tlswrap_overhead(k);
	uint8_t pidb[TLSWRAP_PID_LEN];
	int ret = 0;

	if (in_len < TLSWRAP_HDR_LEN)
		return -EINVAL;
	if (out_cap < need || need < in_len)
		return -ENOSPC;
	pid_store(pidb, pid);
	switch (k->mode) {
	case TLSWRAP_NONE:
		memcpy(out, in, in_len);
		break;
	case TLSWRAP_AUTH:
		ret = auth_wrap(k, pidb, in, in_len, out);
		break;
	case TLSWRAP_CRYPT:
		ret = crypt_wrap(k, pidb, in, in_len, out);
		break;
	}
	if (ret)
		return ret;
	*out_len = need;
	return 0;
}

/* Where the replay id sits in a wire packet of @k's mode. */
static size_t pid_offset(const struct tlswrap_key *k)
{
	if (k->mode == TLSWRAP_AUTH)
		return TLSWRAP_HDR_LEN + k->hmac_len;
	return TLSWRAP_CRYPT_OFF_PID;
}

int tlswrap_check(const struct tlswrap_key *k, const uint8_t *pkt, size_t len,
		  struct tlswrap_pid *pid)
{
	size_t rest_off;
	int ret;

	if (len < TLSWRAP_HDR_LEN)
		return -EBADMSG;
	switch (k->mode) {
	case TLSWRAP_NONE:
		if (pid)
			*pid = (struct tlswrap_pid){ 0 };
		return 0;
	case TLSWRAP_AUTH:
		ret = auth_verify(k, pkt, len, &rest_off);
		break;
	case TLSWRAP_CRYPT:
		ret = crypt_open(k, pkt, len, NULL);
		break;
	default:
		return -EINVAL;
	}
	if (!ret && pid)
		pid_load(pkt + pid_offset(k), pid);
	return ret;
}

int tlswrap_unwrap(const struct tlswrap_key *k, const uint8_t *pkt, size_t len,
		   uint8_t *out, size_t out_cap, size_t *out_len,
		   struct tlswrap_pid *pid)
{
	size_t clear_len, rest_off = TLSWRAP_HDR_LEN;
	int ret;

	if (len < TLSWRAP_HDR_LEN || len - TLSWRAP_HDR_LEN < tlswrap_overhead(k))
		return -EBADMSG;
	clear_len = len - tlswrap_overhead(k);
	if (out_cap < clear_len)
		return -ENOSPC;
	*pid = (struct tlswrap_pid){ 0 };
	switch (k->mode) {
	case TLSWRAP_NONE:
		ret = 0;
		break;
	case TLSWRAP_AUTH:
		ret = auth_verify(k, pkt, len, &rest_off);
		break;
	case TLSWRAP_CRYPT:
		ret = crypt_open(k, pkt, len, out + TLSWRAP_HDR_LEN);
		break;
	default:
		return -EINVAL;
	}
	if (ret) {
		mem_wipe(out, clear_len);
		return ret;
	}
	memcpy(out, pkt, TLSWRAP_HDR_LEN);
	if (k->mode != TLSWRAP_CRYPT)
		memcpy(out + TLSWRAP_HDR_LEN, pkt + rest_off, len - rest_off);
	if (k->mode != TLSWRAP_NONE)
		pid_load(pkt + pid_offset(k), pid);
	*out_len = clear_len;
	return 0;
}

/* -------------------------------------------------------- replay ids, send */

void tlswrap_tx_init(struct tlswrap_tx *tx, uint32_t start, uint32_t now_s)
{
	tx->last_id = start;
	tx->net_time = now_s;
}

int tlswrap_tx_next(struct tlswrap_tx *tx, uint32_t now_s,
		    struct tlswrap_pid *pid)
{
	if (tx->last_id == UINT32_MAX) {
		/* Long form may start over only with a later net-time, so the
		 * receiver sees a new sequence rather than a replay. */
		if (now_s <= tx->net_time)
			return -ENOSPC;
		tx->net_time = now_s;
		tx->last_id = 0;
	}
	tx->last_id++;
	pid->id = tx->last_id;
	pid->net_time = tx->net_time;
	return 0;
}

/* ------------------------------------------------------ replay ids, receive */

int tlswrap_replay_init(struct tlswrap_replay *r, uint32_t expire_s)
{
	*r = (struct tlswrap_replay){ .expire_s = expire_s };
	return pktid_window_init(&r->win, PKTID_WINDOW_DEFAULT, expire_s);
}

void tlswrap_replay_free(struct tlswrap_replay *r)
{
	pktid_window_free(&r->win);
	*r = (struct tlswrap_replay){ 0 };
}

enum pktid_verdict tlswrap_replay_check(const struct tlswrap_replay *r,
					const struct tlswrap_pid *pid,
					uint64_t now_ms)
{
	if (pid->id == 0)
		return PKTID_INVALID;
	if (!r->started || pid->net_time > r->net_time)
		return PKTID_OK;
	if (pid->net_time < r->net_time)
		return PKTID_TOO_OLD;
	return pktid_check(&r->win, pid->id, now_ms);
}

/* The peer started a new sequence: forget the old one's window. */
static int replay_restart(struct tlswrap_replay *r, uint32_t net_time)
{
	struct pktid_window fresh;

	if (r->started) {
		if (pktid_window_init(&fresh, PKTID_WINDOW_DEFAULT, r->expire_s))
			return -ENOMEM;
		pktid_window_free(&r->win);
		r->win = fresh;
	}
	r->started = true;
	r->net_time = net_time;
	return 0;
}

enum pktid_verdict tlswrap_replay_accept(struct tlswrap_replay *r,
					 const struct tlswrap_pid *pid,
					 uint64_t now_ms)
{
	enum pktid_verdict v = tlswrap_replay_check(r, pid, now_ms);

	if (v != PKTID_OK)
		return v;
	if ((!r->started || pid->net_time > r->net_time) &&
	    replay_restart(r, pid->net_time))
		return PKTID_INVALID;
	return pktid_accept(&r->win, pid->id, now_ms);
}

/* ---------------------------------------------------------- whole paths */

int tlswrap_send(const struct tlswrap_key *k, struct tlswrap_tx *tx,
		 uint32_t now_s, const uint8_t *in, size_t in_len, uint8_t *out,
		 size_t out_cap, size_t *out_len)
{
	struct tlswrap_pid pid = { 0 };
	int ret;

	if (k->mode != TLSWRAP_NONE) {
		ret = tlswrap_tx_next(tx, now_s, &pid);
		if (ret)
			return ret;
	}
	return tlswrap_wrap(k, &pid, in, in_len, out, out_cap, out_len);
}

int tlswrap_recv(const struct tlswrap_key *k, struct tlswrap_replay *r,
		 uint64_t now_ms, const uint8_t *pkt, size_t len, uint8_t *out,
		 size_t out_cap, size_t *out_len, enum pktid_verdict *verdict)
{
	enum pktid_verdict v = PKTID_OK;
	struct tlswrap_pid pid;
	int ret;

	ret = tlswrap_unwrap(k, pkt, len, out, out_cap, out_len, &pid);
	if (ret)
		return ret;
	if (k->mode != TLSWRAP_NONE)
		v = tlswrap_replay_accept(r, &pid, now_ms);
	if (verdict)
		*verdict = v;
	if (v != PKTID_OK) {
		mem_wipe(out, *out_len);
		return -EALREADY;
	}
	return 0;
}
