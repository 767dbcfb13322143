/* The differential check of the AEAD backends (aead_diff.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aead_diff.h"
#include "dco/aead.h"

/* One backend's pair of contexts for the case's key. */
struct side {
	struct aead enc, dec;
	uint8_t *ct;
	uint8_t tag[AEAD_TAG_LEN];
};

static int side_init(struct side *s, enum dco_aead_backend b,
		     const struct aead_diff_case *c)
{
	size_t klen = dco_cipher_key_len(c->cipher);

	*s = (struct side){ 0 };
	s->ct = malloc(c->len ? c->len : 1);
	if (!s->ct || aead_init(&s->enc, b, c->cipher, c->key, klen, c->tail, true) ||
	    aead_init(&s->dec, b, c->cipher, c->key, klen, c->tail, false) ||
	    s->enc.backend != b)
		return -1;
	memcpy(s->ct, c->pt, c->len);
	return aead_seal(&s->enc, c->pktid, c->aad, c->aad_len, s->ct, c->len,
			 s->tag);
}

static void side_free(struct side *s)
{
	aead_free(&s->enc);
	aead_free(&s->dec);
	free(s->ct);
}

/* @s opens what @from sealed, into @out, and gets the plaintext back. */
static bool opens(struct side *s, const struct side *from,
		  const struct aead_diff_case *c, uint8_t *out)
{
	return aead_open(&s->dec, c->pktid, c->aad, c->aad_len, from->ct, out,
			 c->len, from->tag) == 0 &&
	       memcmp(out, c->pt, c->len) == 0;
}

/* The tampered open of what @s sealed: -EBADMSG expected. */
static int open_tampered(struct side *s, const struct aead_diff_case *c,
			 uint8_t *scratch)
{
	uint8_t tag[AEAD_TAG_LEN], mask = c->tamper_mask ? c->tamper_mask : 1;
	uint8_t *aad = scratch, *ct = scratch + c->aad_len;
	uint32_t pktid = c->pktid;

	memcpy(tag, s->tag, sizeof(tag));
	memcpy(aad, c->aad, c->aad_len);
	memcpy(ct, s->ct, c->len);
	if (c->tamper_what == 1 && c->aad_len)
		aad[c->tamper_at % c->aad_len] ^= mask;
	else if (c->tamper_what == 2 && c->len)
		ct[c->tamper_at % c->len] ^= mask;
	else if (c->tamper_what == 3)
		pktid ^= mask;
	else
		tag[c->tamper_at % AEAD_TAG_LEN] ^= mask;
	return aead_open(&s->dec, pktid, aad, c->aad_len, ct, ct, c->len, tag);
}

static const char *compare(struct side *o, struct side *m,
			   const struct aead_diff_case *c, uint8_t *scratch)
{
	if (memcmp(o->ct, m->ct, c->len))
		return "ciphertexts differ";
	if (memcmp(o->tag, m->tag, AEAD_TAG_LEN))
		return "tags differ";
	if (!opens(o, m, c, scratch))
		return "OpenSSL does not open what ipsec-mb sealed";
	if (!opens(m, o, c, scratch))
		return "ipsec-mb does not open what OpenSSL sealed";
	/* in place, as the receive path does when the packet is its own */
	memcpy(scratch, m->ct, c->len);
	if (aead_open(&m->dec, c->pktid, c->aad, c->aad_len, scratch, scratch,
		      c->len, m->tag) || memcmp(scratch, c->pt, c->len))
		return "ipsec-mb does not open in place";
	if (open_tampered(o, c, scratch) != -EBADMSG)
		return "OpenSSL accepts a tampered packet";
	if (open_tampered(m, c, scratch) != -EBADMSG)
		return "ipsec-mb accepts a tampered packet";
	return NULL;
}

const char *aead_diff_check(const struct aead_diff_case *c)
{
	struct side o = { 0 }, m = { 0 };
	uint8_t *scratch = malloc(c->aad_len + c->len + 1);
	const char *verdict = "setting up a backend failed";

	if (scratch && !side_init(&o, DCO_AEAD_OPENSSL, c) &&
	    !side_init(&m, DCO_AEAD_IPSEC_MB, c))
		verdict = compare(&o, &m, c, scratch);
	side_free(&o);
	side_free(&m);
	free(scratch);
	return verdict;
}
