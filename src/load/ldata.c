/* A load client's data channel: seal, open, keepalive and echo packets. */
#include <errno.h>
#include <string.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/mem.h"
#include "io/csum.h"
#include "load/ldata.h"
#include "proto/datapkt.h"

#define V2_AAD_LEN (DATAPKT_V2_HDR_LEN + DATAPKT_PKTID_LEN)
#define ICMP_ECHO_REQUEST 8u
#define ICMP_ECHO_REPLY 0u
#define IPPROTO_ICMP_NUM 1u

int ldata_init(struct ldata *d, const struct dco_key_config *kc, int peer_id)
{
	size_t klen = dco_cipher_key_len(kc->cipher);
	int ret;

	memset(d, 0, sizeof(*d));
	if (kc->cipher == DCO_CIPHER_NONE || !klen || (kc->epoch && peer_id < 0))
		return -EPROTONOSUPPORT;
	d->peer_id = peer_id;
	d->key_id = kc->key_id;
	if (kc->epoch)
		return epoch_init(&d->ep, kc->cipher, DCO_AEAD_AUTO,
				  kc->epoch_limit, 1, kc->encrypt.key,
				  kc->decrypt.key, PKTID_WINDOW_DEFAULT,
				  PKTID_EXPIRE_DEFAULT_S);
	ret = aead_init(&d->enc, DCO_AEAD_AUTO, kc->cipher, kc->encrypt.key,
			klen, kc->encrypt.nonce_tail, true);
	if (ret)
		return ret;
	ret = aead_init(&d->dec, DCO_AEAD_AUTO, kc->cipher, kc->decrypt.key,
			klen, kc->decrypt.nonce_tail, false);
	if (ret) {
		aead_free(&d->enc);
		return ret;
	}
	d->peer_id = peer_id;
	d->key_id = kc->key_id;
	return 0;
}

void ldata_free(struct ldata *d)
{
	aead_free(&d->enc);
	aead_free(&d->dec);
	epoch_free(d->ep);
	mem_wipe(d, sizeof(*d));
}

/* The epoch format, through the engine's own code on a packet view of
 * @out. */
static ssize_t seal_epoch(struct ldata *d, const uint8_t *plain, size_t len,
			  uint8_t *out, size_t cap)
{
	struct pkt p = { .base = out, .cap = (uint32_t)cap,
			 .data = out + DATAPKT_EPOCH_AAD_LEN,
			 .len = (uint32_t)len };
	int err;

	if (DATAPKT_EPOCH_AAD_LEN + len + DATAPKT_TAG_LEN > cap)
		return -ENOSPC;
	memcpy(p.data, plain, len);
	err = epoch_encrypt(d->ep, 0, &p, d->key_id, (uint32_t)d->peer_id);
	return err ? err : (ssize_t)p.len;
}

static ssize_t open_epoch(struct ldata *d, uint8_t *pkt, size_t len,
			  const uint8_t **plain)
{
	struct pkt p = { .base = pkt, .cap = (uint32_t)len, .data = pkt,
			 .len = (uint32_t)len };
	int err = epoch_decrypt(d->ep, &p, clock_now_ms());

	if (err)
		return err;
	*plain = p.data;
	return (ssize_t)p.len;
}

ssize_t ldata_seal(struct ldata *d, const uint8_t *plain, size_t len,
		   uint8_t *out, size_t cap)
{
	bool v1 = d->peer_id < 0;
	size_t hdr = v1 ? DATAPKT_V1_HDR_LEN : DATAPKT_V2_HDR_LEN;
	uint8_t *pid = out + hdr, *tag = pid + DATAPKT_PKTID_LEN;
	uint8_t *body = tag + DATAPKT_TAG_LEN;

	if (d->ep)
		return seal_epoch(d, plain, len, out, cap);
	if (hdr + DATAPKT_PKTID_LEN + DATAPKT_TAG_LEN + len > cap)
		return -ENOSPC;
	if (d->tx_id == UINT32_MAX)
		return -ERANGE;
	if (v1)
		out[0] = opcode_byte(P_DATA_V1, d->key_id);
	else
		datapkt_put_v2_hdr(out, d->key_id, (uint32_t)d->peer_id);
	store_be32(pid, ++d->tx_id);
	memcpy(body, plain, len);
	/* V2 authenticates its header too; V1 only the packet-id. */
	if (aead_seal(&d->enc, d->tx_id, v1 ? pid : out,
		      v1 ? DATAPKT_PKTID_LEN : V2_AAD_LEN, body, len, tag))
		return -EIO;
	return (ssize_t)(body - out + len);
}

ssize_t ldata_open(struct ldata *d, uint8_t *pkt, size_t len,
		   const uint8_t **plain)
{
	size_t hdr = datapkt_hdr_len(pkt[0]);
	size_t min = hdr + DATAPKT_PKTID_LEN + DATAPKT_TAG_LEN;
	bool v1 = hdr == DATAPKT_V1_HDR_LEN;
	uint8_t *pid = pkt + hdr, *tag = pid + DATAPKT_PKTID_LEN;
	uint8_t *body = tag + DATAPKT_TAG_LEN;

	if (d->ep)
		return open_epoch(d, pkt, len, plain);
	if (len < min)
		return -EINVAL;
	if (aead_open(&d->dec, load_be32(pid), v1 ? pid : pkt,
		      v1 ? DATAPKT_PKTID_LEN : V2_AAD_LEN, body, body,
		      len - min, tag))
		return -EBADMSG;
	*plain = body;
	return (ssize_t)(len - min);
}

size_t ldata_echo(struct ldata *d, uint8_t *buf, size_t cap, size_t payload)
{
	size_t len = LDATA_IP4_HDR + LDATA_ICMP_HDR + payload;
	uint8_t *icmp = buf + LDATA_IP4_HDR;

	if (len > cap || len > UINT16_MAX)
		return 0;
	memset(buf, 0, len);
	buf[0] = 0x45;
	store_be16(buf + 2, (uint16_t)len);
	buf[8] = 64;
	buf[9] = IPPROTO_ICMP_NUM;
	memcpy(buf + 12, d->vpn, 4);
	memcpy(buf + 16, d->gw, 4);
	csum_ip4_header(buf, LDATA_IP4_HDR);
	icmp[0] = ICMP_ECHO_REQUEST;
	store_be16(icmp + 4, d->echo_id);
	store_be16(icmp + 6, ++d->echo_seq);
	memset(icmp + LDATA_ICMP_HDR, 0xa5, payload);
	store_be16(icmp + 2, csum_finish(csum_add(0, icmp, len - LDATA_IP4_HDR)));
	return len;
}

bool ldata_is_echo_reply(const struct ldata *d, const uint8_t *p, size_t len)
{
	size_t ihl;

	if (len < LDATA_IP4_HDR + LDATA_ICMP_HDR || (p[0] >> 4) != 4)
		return false;
	ihl = (size_t)(p[0] & 0x0f) * 4u;
	if (ihl < LDATA_IP4_HDR || len < ihl + LDATA_ICMP_HDR ||
	    p[9] != IPPROTO_ICMP_NUM)
		return false;
	return !memcmp(p + 12, d->gw, 4) && !memcmp(p + 16, d->vpn, 4) &&
	       p[ihl] == ICMP_ECHO_REPLY && load_be16(p + ihl + 4) == d->echo_id;
}
