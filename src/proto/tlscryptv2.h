/*
 * tls-crypt-v2 keys (PROTOCOL.md 3.5).
 *
 * Client key file, `openvpn --genkey tls-crypt-v2-client`: PEM
 * "-----BEGIN OpenVPN tls-crypt-v2 client key-----" around base64 of
 *
 *   Kc (256 bytes, a static key: used as a tls-crypt v1 key) | WKc
 *
 * WKc, the client key wrapped by the server key, opaque to the client:
 *
 *   tag (32) | AES-256-CTR(Ke, IV = tag[0..15], Kc | metadata) | len (2)
 *   tag = HMAC-SHA256(Ka, len | Kc | metadata), len = WKc's total length
 *
 * The client sends WKc after the tls-crypt output of its
 * P_CONTROL_HARD_RESET_CLIENT_V3 and P_CONTROL_WKC_V1 packets (not covered
 * by the tls-crypt tag); the server finds it from the last two bytes.
 *
 * Server key file, `openvpn --genkey tls-crypt-v2-server`: PEM
 * "-----BEGIN OpenVPN tls-crypt-v2 server key-----" around base64 of one
 * 128-byte key: Ke = bytes 0..31, Ka = bytes 64..95.
 */
#ifndef DCOVPN_PROTO_TLSCRYPTV2_H
#define DCOVPN_PROTO_TLSCRYPTV2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/statickey.h"
#include "proto/opcode.h"
#include "proto/tlswrap.h"

#define TLSCRYPTV2_WKC_MAX 1024u
#define TLSCRYPTV2_TAG_LEN 32u
#define TLSCRYPTV2_LEN_LEN 2u
#define TLSCRYPTV2_WKC_MIN (TLSCRYPTV2_TAG_LEN + STATICKEY_BYTES + TLSCRYPTV2_LEN_LEN)
#define TLSCRYPTV2_METADATA_MAX (TLSCRYPTV2_WKC_MAX - TLSCRYPTV2_WKC_MIN)
#define TLSCRYPTV2_SERVER_KEY_BYTES 128u
#define TLSCRYPTV2_METADATA_USER 0x00u
#define TLSCRYPTV2_METADATA_TIMESTAMP 0x01u

struct tlscryptv2_client_key {
	struct statickey kc;
	uint8_t wkc[TLSCRYPTV2_WKC_MAX];
	size_t wkc_len;
};

struct tlscryptv2_server_key {
	uint8_t ke[32];
	uint8_t ka[32];
};

/*
 * Parse a client key file's text. 0 or -EINVAL with a one-line reason in
 * @err ("no OpenVPN tls-crypt-v2 client key PEM block", "WKc length field
 * says 300, WKc has 298 bytes"). @out is wiped on error.
 */
int tlscryptv2_client_parse(const char *text, size_t len,
			    struct tlscryptv2_client_key *out, char *err,
			    size_t err_len);
int tlscryptv2_client_load(const char *path, struct tlscryptv2_client_key *out,
			   char *err, size_t err_len);
void tlscryptv2_client_wipe(struct tlscryptv2_client_key *ck);

/* The client's tls-crypt key: Kc in the client direction. */
int tlscryptv2_client_wrap_key(const struct tlscryptv2_client_key *ck,
			       struct tlswrap_key *k);

/* Does a packet with this first byte carry WKc after the tls-crypt part? */
static inline bool tlscryptv2_opcode_has_wkc(uint8_t byte0)
{
	enum opcode op = opcode_of(byte0);

	return op == P_CONTROL_HARD_RESET_CLIENT_V3 || op == P_CONTROL_WKC_V1;
}

/*
 * Append WKc to the wrapped packet in @pkt (@len bytes used, @cap
 * available) if its opcode calls for it; *@out_len is the new length.
 * 0 or -ENOSPC.
 */
int tlscryptv2_append_wkc(const struct tlscryptv2_client_key *ck, uint8_t *pkt,
			  size_t len, size_t cap, size_t *out_len);

/*
 * Server side: split a HARD_RESET_CLIENT_V3 / CONTROL_WKC_V1 datagram into
 * the tls-crypt part (*@wrapped_len bytes from the start) and WKc.
 * 0 or -EBADMSG (length field impossible).
 */
int tlscryptv2_split_wkc(const uint8_t *pkt, size_t len, size_t *wrapped_len,
			 const uint8_t **wkc, size_t *wkc_len);

/* Parse a server key file's text; as tlscryptv2_client_parse(). */
int tlscryptv2_server_parse(const char *text, size_t len,
			    struct tlscryptv2_server_key *out, char *err,
			    size_t err_len);
int tlscryptv2_server_load(const char *path, struct tlscryptv2_server_key *out,
			   char *err, size_t err_len);
void tlscryptv2_server_wipe(struct tlscryptv2_server_key *sk);

/*
 * Unwrap WKc with the server key: Kc into @kc, metadata (type byte first)
 * into @meta (up to TLSCRYPTV2_METADATA_MAX bytes). 0, -EBADMSG (bad
 * length or tag), -ENOSPC (@meta_cap too small) or -EIO.
 */
int tlscryptv2_unwrap_wkc(const struct tlscryptv2_server_key *sk,
			  const uint8_t *wkc, size_t wkc_len,
			  struct statickey *kc, uint8_t *meta, size_t meta_cap,
			  size_t *meta_len);

/*
 * Server: the client key carried by a HARD_RESET_CLIENT_V3 or
 * CONTROL_WKC_V1 datagram. Splits WKc off, unwraps it into @kc and the
 * metadata (@meta may be NULL to skip it) and gives the length of the
 * tls-crypt part in *@wrapped_len. 0 or the errors of the two steps.
 */
int tlscryptv2_server_client_key(const struct tlscryptv2_server_key *sk,
				 const uint8_t *pkt, size_t len,
				 size_t *wrapped_len, struct statickey *kc,
				 uint8_t *meta, size_t meta_cap,
				 size_t *meta_len);

/*
 * Wrap a client key: WKc of Kc @kc and @meta (type byte first, up to
 * TLSCRYPTV2_METADATA_MAX bytes) under @sk into @wkc (@cap >=
 * TLSCRYPTV2_WKC_MAX suffices). 0, -EINVAL (metadata too long) or -EIO.
 */
int tlscryptv2_wrap_client_key(const struct tlscryptv2_server_key *sk,
			       const struct statickey *kc, const uint8_t *meta,
			       size_t meta_len, uint8_t *wkc, size_t cap,
			       size_t *wkc_len);

/* The server's tls-crypt key for one client: Kc in the server direction. */
int tlscryptv2_server_wrap_key(const struct statickey *kc,
			       struct tlswrap_key *k);

#endif
