/*
 * OpenVPN's 2048-bit static key file (PROTOCOL.md 3.1, 3.2), as written by
 * `openvpn --genkey secret FILE` and used by tls-auth and tls-crypt:
 *
 *   # comment lines (anything before BEGIN is ignored)
 *   -----BEGIN OpenVPN Static key V1-----
 *   512 hex digits (256 bytes), whitespace anywhere
 *   -----END OpenVPN Static key V1-----
 *
 * The 256 bytes are two keys (OpenVPN's struct key2), each a 64-byte cipher
 * part and a 64-byte HMAC part:
 *
 *   0..63 key0.cipher | 64..127 key0.hmac | 128..191 key1.cipher | 192..255 key1.hmac
 *
 * A key direction picks which key is used to send and which to receive:
 *   none (bidirectional)  send key0, receive key0
 *   0 (normal)            send key0, receive key1
 *   1 (inverse)           send key1, receive key0
 * tls-crypt fixes the direction by role: server 0, client 1.
 */
#ifndef DCOVPN_CONF_STATICKEY_H
#define DCOVPN_CONF_STATICKEY_H

#include <stddef.h>
#include <stdint.h>

#define STATICKEY_BYTES 256u
#define STATICKEY_PART_BYTES 64u

enum statickey_dir {
	STATICKEY_DIR_NONE = -1,    /* bidirectional: both ways use key0 */
	STATICKEY_DIR_NORMAL = 0,   /* "key-direction 0", tls-crypt server */
	STATICKEY_DIR_INVERSE = 1,  /* "key-direction 1", tls-crypt client */
};

struct statickey {
	uint8_t raw[STATICKEY_BYTES];
};

/* One direction's view of a static key: pointers into a struct statickey. */
struct statickey_slices {
	const uint8_t *send_cipher;   /* STATICKEY_PART_BYTES each */
	const uint8_t *send_hmac;
	const uint8_t *recv_cipher;
	const uint8_t *recv_hmac;
};

/*
 * Parse the text of a key file (need not be NUL-terminated). Returns 0, or
 * -EINVAL with a one-line reason in @err ("line 5: not a hex digit",
 * "120 of 256 key bytes", "no -----BEGIN OpenVPN Static key V1----- line").
 * @out is wiped on error.
 */
int statickey_parse(const char *text, size_t len, struct statickey *out,
		    char *err, size_t err_len);

/* Read and parse @path; errors name the file. 0 or -errno (-EINVAL: format). */
int statickey_load(const char *path, struct statickey *out, char *err,
		   size_t err_len);

/*
 * Parse a key-direction argument as OpenVPN does: NULL -> NONE, "0" ->
 * NORMAL, "1" -> INVERSE. 0 or -EINVAL for anything else.
 */
int statickey_dir_parse(const char *arg, enum statickey_dir *out);

/* Fill @s with @k's four 64-byte parts for @dir; -EINVAL for a bad @dir. */
int statickey_slice(const struct statickey *k, enum statickey_dir dir,
		    struct statickey_slices *s);

void statickey_wipe(struct statickey *k);

#endif
