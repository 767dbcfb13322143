/*
 * auth-gen-token: the server hands an authenticated client a token it then
 * sends instead of its password on renegotiation and reconnect, so a
 * one-time password is asked once per session. The token is OpenVPN 2.6's
 * shape: "SESS_ID_AT_" + base64(session id (12 bytes) | first issue time
 * (8, big-endian) | issue time (8) | HMAC-SHA256 over the username and the
 * preceding 28 bytes), keyed by the auth-gen-token-secret or a random key
 * of this process. Only the server that made it (or one with the same
 * secret) can check it; clients treat it as an opaque password.
 */
#ifndef DCOVPN_CTL_AUTHTOKEN_H
#define DCOVPN_CTL_AUTHTOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define AUTHTOKEN_PREFIX "SESS_ID_AT_"
#define AUTHTOKEN_SESSID_LEN 12u
#define AUTHTOKEN_KEY_LEN 32u
/* `openvpn --genkey auth-token`: 128 bytes, the HMAC key at 64. */
#define AUTHTOKEN_SECRET_BYTES 128u
#define AUTHTOKEN_SECRET_HMAC_OFF 64u
#define AUTHTOKEN_DATA_LEN (AUTHTOKEN_SESSID_LEN + 8u + 8u + 32u)
/* prefix + base64 of the data + NUL */
#define AUTHTOKEN_MAX (sizeof(AUTHTOKEN_PREFIX) + 4u * ((AUTHTOKEN_DATA_LEN + 2u) / 3u) + 1u)

struct authtoken_key {
	uint8_t key[AUTHTOKEN_KEY_LEN];
};

/* A random key (no auth-gen-token-secret: tokens die with the process). */
int authtoken_key_random(struct authtoken_key *k);
/* From an "OpenVPN auth-token server key" PEM file's text. */
int authtoken_key_parse(struct authtoken_key *k, const char *text, size_t len,
			char *err, size_t errlen);
void authtoken_key_wipe(struct authtoken_key *k);

/*
 * A token for @user issued at @now. @prev: a valid token of the same
 * session (keeps its session id and first issue time) or NULL for a new
 * session. 0 or -errno.
 */
int authtoken_make(const struct authtoken_key *k, const char *user,
		   const char *prev, time_t now, char out[AUTHTOKEN_MAX]);

enum authtoken_verdict {
	AUTHTOKEN_OK,
	AUTHTOKEN_NOT_A_TOKEN,   /* no prefix: a password, check it as one */
	AUTHTOKEN_INVALID,       /* malformed or forged (or another user's) */
	AUTHTOKEN_EXPIRED,       /* older than @lifetime since first issue */
};

/* @lifetime_s 0: never expires. */
enum authtoken_verdict authtoken_check(const struct authtoken_key *k,
				       const char *user, const char *token,
				       time_t now, unsigned lifetime_s);

#endif
