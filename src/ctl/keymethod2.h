/*
 * The key method 2 message (PROTOCOL.md 4.1, 6.5; OpenVPN ssl.c
 * key_method_2_write / key_method_2_read / push_peer_info). Each side sends
 * one, as TLS plaintext, right after its handshake completes:
 *
 *   +--------+------+------------+---------+---------+---------+-----+-----+-----------+
 *   | u32 0  | u8 2 | pre_master | random1 | random2 | options | user| pass| peer-info |
 *   |        |      | 48 (client)|   32    |   32    |  str    | str | str | str (opt) |
 *   +--------+------+------------+---------+---------+---------+-----+-----+-----------+
 *
 *   str = u16 length (big endian, counting the trailing NUL) | bytes | NUL,
 *         or u16 0 for an absent / empty string.
 *
 * Sizes: options <= 512 bytes with its NUL (TLS_OPTIONS_LEN), username and
 * password < 4096 (USER_PASS_LEN of PKCS#11 builds; OpenVPN treats longer
 * ones as failed authentication, not as a broken message), peer-info up to
 * the u16 limit. The server sends empty username/password; a P2MP server
 * sends an empty peer-info, a P2P peer a minimal one.
 *
 * The parser meets hostile input: every length is checked against what is
 * left, strings must end in their NUL and hold no other NUL, and errors are
 * one line ("key method 2: options string longer than 512 bytes").
 * Secrets (pre_master, randoms, password) are wiped by km2_msg_clear().
 */
#ifndef DCOVPN_CTL_KEYMETHOD2_H
#define DCOVPN_CTL_KEYMETHOD2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl/kdf.h"
#include "ctl/tls.h"

#define KM2_METHOD 2u
#define KM2_METHOD_MASK 0x0Fu
#define KM2_OPTIONS_MAX 512u		/* TLS_OPTIONS_LEN, incl. NUL */
#define KM2_USER_PASS_MAX 4096u		/* USER_PASS_LEN, incl. NUL */
#define KM2_STR_MAX 0xFFFFu		/* u16 length field */
#define KM2_ERR_LEN 160u

/* IV_PROTO bits (OpenVPN ssl.h). */
#define KM2_IV_PROTO_DATA_V2		(1u << 1)
#define KM2_IV_PROTO_REQUEST_PUSH	(1u << 2)
#define KM2_IV_PROTO_TLS_KEY_EXPORT	(1u << 3)
#define KM2_IV_PROTO_AUTH_PENDING_KW	(1u << 4)
#define KM2_IV_PROTO_NCP_P2P		(1u << 5)
#define KM2_IV_PROTO_DNS_OPTION		(1u << 6)
#define KM2_IV_PROTO_CC_EXIT_NOTIFY	(1u << 7)
#define KM2_IV_PROTO_AUTH_FAIL_TEMP	(1u << 8)
#define KM2_IV_PROTO_DYN_TLS_CRYPT	(1u << 9)
#define KM2_IV_PROTO_DATA_EPOCH		(1u << 10)	/* 2.7: aead-epoch */
#define KM2_IV_PROTO_PUSH_UPDATE	(1u << 12)	/* ctl/pushupd.h */

/*
 * What dcovpn implements and so may announce (see km2_peer_info): P_DATA_V2,
 * TLS-EKM, control-channel EXIT with protocol-flags, dyn-tls-crypt and
 * epoch data keys (2.7); REQUEST_PUSH, AUTH_PENDING_KW and PUSH_UPDATE
 * are added for a pull client, NCP_P2P for a P2P peer by km2_peer_info
 * itself.
 */
#define KM2_IV_PROTO_DEFAULT (KM2_IV_PROTO_DATA_V2 | \
			      KM2_IV_PROTO_TLS_KEY_EXPORT | \
			      KM2_IV_PROTO_CC_EXIT_NOTIFY | \
			      KM2_IV_PROTO_DYN_TLS_CRYPT | \
			      KM2_IV_PROTO_DATA_EPOCH)

#define KM2_IV_VER "2.6.14"	/* a version 2.6 servers know (see .c) */
#define KM2_IV_PLAT "linux"

/*
 * One message. Strings are heap copies (parse) or borrowed (compose), NULL
 * meaning absent (written as u16 0). has_pre_master: sent by the client.
 */
struct km2_msg {
	struct kdf_key_source src;
	bool has_pre_master;
	char *options;
	char *username;
	char *password;
	char *peer_info;
	bool user_pass_too_long;	/* parse: a field exceeded
					 * KM2_USER_PASS_MAX (skipped, NULL):
					 * fail authentication, as OpenVPN */
	uint8_t method_flags;		/* parse: the whole method byte */
};

/* Bytes km2_compose() will write for @m sent by @sender. */
size_t km2_size(const struct km2_msg *m, enum tls_role sender);

/*
 * Write @m as sent by @sender (pre_master only for the client) into @buf;
 * *@len is set to the bytes written. -ENOSPC if @cap is too small, -EINVAL
 * with @err if a string is too long.
 */
int km2_compose(const struct km2_msg *m, enum tls_role sender, uint8_t *buf,
		size_t cap, size_t *len, char *err, size_t errlen);

/*
 * Parse a message from @sender. On success @out holds heap copies (free
 * with km2_msg_clear) and *@consumed (if not NULL) the bytes used; anything
 * after them is not part of the message. -EBADMSG with @err on any bad
 * input, -ENOMEM; @out is cleared on failure.
 */
int km2_parse(struct km2_msg *out, enum tls_role sender, const uint8_t *buf,
	      size_t len, size_t *consumed, char *err, size_t errlen);

/* Wipe secrets, free the strings of a parsed message, zero it. */
void km2_msg_clear(struct km2_msg *m);

/* What goes into a client's / P2P peer's peer-info. */
struct km2_peer_info_cfg {
	bool pull;		/* client with pull (detail 2); else P2P (1) */
	const char *ciphers;	/* data-ciphers, ':'-separated; NULL: 2.6's
				 * AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305 */
	unsigned mtu;		/* IV_MTU (tun-mtu-max); 0: 1600 as 2.6 */
	unsigned proto;		/* IV_PROTO bits; 0: KM2_IV_PROTO_DEFAULT */
	const char *gui_ver;	/* IV_GUI_VER, NULL: not sent */
	const char *sso;	/* IV_SSO, NULL: not sent */
	bool full;		/* push-peer-info (detail 3): IV_VER, IV_PLAT
				 * and IV_TCPNL without pull too */
	const char *extra;	/* push-peer-info's lines ("NAME=value\n"),
				 * appended last; NULL: none */
};

/*
 * Build the "NAME=value\n..." peer-info string into @buf (NUL-terminated).
 * Returns its length, -ENOSPC if @cap is too small, -EINVAL with @err if
 * proto carries a bit dcovpn must not announce or a value has a newline.
 */
int km2_peer_info(const struct km2_peer_info_cfg *cfg, char *buf, size_t cap,
		  char *err, size_t errlen);

/*
 * Find NAME=value in a received peer-info (first occurrence, as OpenVPN).
 * Copies the value into @buf; -ENOENT if absent, -ENOSPC if too long.
 */
int km2_peer_info_get(const char *peer_info, const char *name, char *buf,
		      size_t cap);

/*
 * Epoch data keys with a peer whose IV_PROTO is @peer_proto, data channel
 * @cipher: as 2.7 decides (multi.c, ssl_ncp.c), the peer announces
 * DATA_EPOCH and the cipher is an AEAD one; and P_DATA_V2, the only
 * format epoch keys have (2.7 clients refuse aead-epoch without it).
 */
bool km2_epoch_negotiated(unsigned peer_proto, enum dco_cipher cipher);

/* IV_PROTO of a peer-info as a number; 0 when absent or not a number. */
unsigned km2_peer_info_proto(const char *peer_info);

#endif
