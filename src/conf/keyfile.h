/*
 * The test bed's static key file, data64.key (PROTOCOL.md 8.1): base64 text
 * decoding to at least 72 bytes — key A (0..31), key B (32..63), nonce tail
 * (64..71, both directions). Direction 0 encrypts with A and decrypts with B;
 * direction 1 the reverse.
 */
#ifndef DCOVPN_CONF_KEYFILE_H
#define DCOVPN_CONF_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "dcovpn/dco.h"

#define KEYFILE_MIN_BYTES 72u

struct data64_key {
	uint8_t a[32];
	uint8_t b[32];
	uint8_t nonce_tail[8];
};

/*
 * Parse base64 text (whitespace ignored anywhere). On error returns -EINVAL
 * and writes a one-line reason ("not base64 at character 17", "decodes to 40
 * bytes, need at least 72") into @err.
 */
int keyfile_parse_data64(const char *text, size_t len, struct data64_key *out,
			 char *err, size_t err_len);
/* Read and parse a file; errors name the file ("cannot open: ..."). */
int keyfile_load_data64(const char *path, struct data64_key *out, char *err,
			size_t err_len);
/* Fill @cfg's encrypt/decrypt keys for @direction (0 or 1). */
void keyfile_to_key_config(const struct data64_key *k, int direction,
			   struct dco_key_config *cfg);
void keyfile_wipe(struct data64_key *k);

#endif
