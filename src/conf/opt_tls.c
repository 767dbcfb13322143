/* Handlers for TLS, data-channel crypto, compression and user auth. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "conf/optable.h"
#include "ctl/tls_username.h"

#define UNUSED_ARGS (void)d, (void)argc

static int key_dir(struct opt_ctx *c, const char *s, enum opt_key_dir *out)
{
	static const char *const words[] = { "0", "1", "bidirectional", "bi",
					     NULL };
	int i = optval_word(c, s, words);

	if (i < 0)
		return i;
	*out = i >= 2 ? OPT_KEYDIR_BIDIR : (enum opt_key_dir)i;
	return 0;
}

int h_key_direction(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		    unsigned int argc)
{
	UNUSED_ARGS;
	return key_dir(c, argv[1], &c->o->key_direction);
}

/* tls-auth FILE [DIRECTION] or <tls-auth> with key-direction. */
int h_tls_auth(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	enum opt_key_dir dir;

	if (argc > 2) {
		if (key_dir(c, argv[2], &dir))
			return -EINVAL;
		c->o->key_direction = dir;
	}
	return h_file(c, d, argv, argc);
}

int h_remote_cert_tls(struct opt_ctx *c, const struct opt_desc *d,
		      char **argv, unsigned int argc)
{
	static const char *const words[] = { "server", "client", NULL };

	UNUSED_ARGS;
	if (optval_word(c, argv[1], words) < 0)
		return -EINVAL;
	return opt_strset(&c->o->remote_cert_tls, argv[1]);
}

/* remote-cert-ku [HEX ...]: key usage values as OpenVPN (0xa0 =
 * digitalSignature + keyEncipherment); none: the extension must exist. */
int h_remote_cert_ku(struct opt_ctx *c, const struct opt_desc *d,
		     char **argv, unsigned int argc)
{
	struct options *o = c->o;

	(void)d;
	o->n_remote_cert_ku = 0;
	for (unsigned int i = 1; i < argc; i++) {
		char *end;
		unsigned long v = strtoul(argv[i], &end, 16);

		if (!argv[i][0] || *end || v == 0 || v > 0xffff)
			return opt_fail(c, "--remote-cert-ku: '%s' is not a key "
					"usage in hex (e.g. a0)", argv[i]);
		o->remote_cert_ku[o->n_remote_cert_ku++] = (unsigned)v;
	}
	o->remote_cert_ku_set = true;
	return 0;
}

/* x509-username-field [ext:]FIELD ...: the peer's name from these. */
int h_x509_username_field(struct opt_ctx *c, const struct opt_desc *d,
			  char **argv, unsigned int argc)
{
	struct options *o = c->o;

	(void)d;
	for (size_t i = 0; i < o->n_x509_username_field; i++)
		opt_strfree(&o->x509_username_field[i], false);
	o->n_x509_username_field = 0;
	for (unsigned int i = 1; i < argc; i++) {
		int ret;

		if (!tls_username_field_ok(argv[i]))
			return opt_fail(c, "--x509-username-field: '%s' is not an "
					"X.509 attribute or a supported extension "
					"(ext:subjectAltName, ext:issuerAltName)",
					argv[i]);
		ret = opt_strset(&o->x509_username_field[i - 1], argv[i]);
		if (ret)
			return ret;
		o->n_x509_username_field = i;
	}
	return 0;
}

int h_remote_cert_eku(struct opt_ctx *c, const struct opt_desc *d,
		      char **argv, unsigned int argc)
{
	UNUSED_ARGS;
	return opt_strset(&c->o->remote_cert_eku, argv[1]);
}

int h_verify_x509_name(struct opt_ctx *c, const struct opt_desc *d,
		       char **argv, unsigned int argc)
{
	static const char *const words[] = { "subject", "name", "name-prefix",
					     NULL };
	const char *type = argc > 2 ? argv[2] : "subject";

	UNUSED_ARGS;
	if (!argv[1][0])
		return opt_fail(c, "--verify-x509-name: empty name");
	if (optval_word(c, type, words) < 0)
		return -EINVAL;
	if (opt_strset(&c->o->verify_x509_name, argv[1]))
		return -ENOMEM;
	return opt_strset(&c->o->verify_x509_type, type);
}

static int tls_version(struct opt_ctx *c, const char *s, char **field)
{
	static const char *const words[] = { "1.0", "1.1", "1.2", "1.3", NULL };

	if (optval_word(c, s, words) < 0)
		return -EINVAL;
	return opt_strset(field, s);
}

int h_tls_version_min(struct opt_ctx *c, const struct opt_desc *d,
		      char **argv, unsigned int argc)
{
	UNUSED_ARGS;
	if (argc > 2 && strcmp(argv[2], "or-highest"))
		return opt_fail(c, "--tls-version-min: bad value '%s' "
				"(expected or-highest)", argv[2]);
	c->o->tls_version_min_or_highest = argc > 2;
	return tls_version(c, argv[1], &c->o->tls_version_min);
}

int h_tls_version_max(struct opt_ctx *c, const struct opt_desc *d,
		      char **argv, unsigned int argc)
{
	UNUSED_ARGS;
	return tls_version(c, argv[1], &c->o->tls_version_max);
}

/* tls-cert-profile: the words in enum tls_cert_profile's order (ctl/tls.h).
 * OpenVPN refuses another word only when it builds its TLS context ("ERROR:
 * Invalid cert profile"); here at once. */
int h_tls_cert_profile(struct opt_ctx *c, const struct opt_desc *d,
		       char **argv, unsigned int argc)
{
	static const char *const words[] = { "legacy", "insecure", "preferred",
					     "suiteb", NULL };
	int i = optval_word(c, argv[1], words);

	UNUSED_ARGS;
	if (i < 0)
		return i;
	c->o->tls_cert_profile = (unsigned)i;
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)tolower((unsigned char)ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* "AB:CD:...:EF", @len bytes; @n is the length of @s. */
static bool parse_fingerprint(const char *s, size_t n, uint8_t *out,
			      size_t len)
{
	if (n != len * 3 - 1)
		return false;
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < len - 1 && s[3 * i + 2] != ':'))
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* One fingerprint of @c->o->fpr_len bytes into the list: peer-fingerprint
 * (SHA-256 of the peer's certificate) or verify-hash (of its issuer). */
static int add_fingerprint(struct opt_ctx *c, const char *s, size_t n)
{
	struct options *o = c->o;
	uint8_t fp[32], (*slot)[32];

	if (!parse_fingerprint(s, n, fp, o->fpr_len))
		return opt_fail(c, "--%s: bad %s fingerprint '%.*s' (%u hex bytes "
				"separated by ':')", o->fpr_depth ?
				"verify-hash" : "peer-fingerprint",
				o->fpr_len == 20 ? "SHA1" : "SHA-256",
				(int)(n > 100 ? 100 : n), s, o->fpr_len);
	slot = opt_grow(&o->peer_fingerprints, &o->n_peer_fingerprints,
			sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	memset(*slot, 0, sizeof(*slot));
	memcpy(*slot, fp, o->fpr_len);
	return 0;
}

/* One fingerprint, or an inline block of them ('#', ';' lines are
 * comments). */
static int add_fingerprints(struct opt_ctx *c, const char *p)
{
	if (!c->is_inline)
		return add_fingerprint(c, p, strlen(p));
	while (*p) {
		size_t n = strcspn(p, "\n");
		size_t s = 0, e = n;

		while (s < e && isspace((unsigned char)p[s]))
			s++;
		while (e > s && isspace((unsigned char)p[e - 1]))
			e--;
		if (e > s && p[s] != '#' && p[s] != ';' &&
		    add_fingerprint(c, p + s, e - s))
			return -EINVAL;
		p += n + (p[n] != '\0');
	}
	return 0;
}

/* As OpenVPN: the two share one list, so they exclude each other. */
static int fingerprint_kind(struct opt_ctx *c, const char *name,
			    unsigned depth, unsigned len)
{
	struct options *o = c->o;

	if (o->n_peer_fingerprints && o->fpr_depth != depth)
		return opt_fail(c, "ERROR: Setting %s not allowed. --verify-hash "
				"and --peer-fingerprint are mutually exclusive",
				name);
	if (o->n_peer_fingerprints && o->fpr_len != len)
		return opt_fail(c, "--verify-hash: SHA1 and SHA256 fingerprints "
				"cannot be mixed");
	o->fpr_depth = depth;
	o->fpr_len = len;
	return 0;
}

int h_peer_fingerprint(struct opt_ctx *c, const struct opt_desc *d,
		       char **argv, unsigned int argc)
{
	UNUSED_ARGS;
	if (fingerprint_kind(c, "peer-fingerprint", 0, 32))
		return -EINVAL;
	return add_fingerprints(c, argv[1]);
}

/*
 * verify-hash HASH [SHA1|SHA256] or <verify-hash>: the fingerprint of the
 * certificate at depth 1, the CA that signed the peer's (SHA1 unless said,
 * inline SHA256, as OpenVPN 2.6).
 */
int h_verify_hash(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		  unsigned int argc)
{
	unsigned len = c->is_inline ? 32 : 20;

	UNUSED_ARGS;
	opt_warn(c, "DEPRECATED OPTION: The option --verify-hash is deprecated. "
		 "You should switch to the either use the level 1 certificate "
		 "as --ca option, use --tls-verify or use --peer-fingerprint");
	if (argc > 2 && !strcmp(argv[2], "SHA1"))
		len = 20;
	else if (argc > 2 && !strcmp(argv[2], "SHA256"))
		len = 32;
	else if (argc > 2)
		return opt_fail(c, "invalid or unsupported hashing algorithm: %s "
				"(only SHA1 and SHA256 are supported)", argv[2]);
	if (fingerprint_kind(c, "verify-hash", 1, len))
		return -EINVAL;
	return add_fingerprints(c, argv[1]);
}

int h_reneg_sec(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		unsigned int argc)
{
	UNUSED_ARGS;
	if (optval_int(c, argv[1], 0, INT_MAX, &c->o->reneg_sec))
		return -EINVAL;
	if (argc > 2)
		return optval_int(c, argv[2], 0, INT_MAX,
				  &c->o->reneg_sec_max);
	return 0;
}

int h_int64(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	    unsigned int argc)
{
	(void)argc;
	return optval_int64(c, argv[1], (int64_t *)((char *)c->o + d->off));
}

int h_key_derivation(struct opt_ctx *c, const struct opt_desc *d,
		     char **argv, unsigned int argc)
{
	UNUSED_ARGS;
	if (strcmp(argv[1], "tls-ekm"))
		return opt_fail(c, "--key-derivation: unknown method '%s'",
				argv[1]);
	c->o->key_derivation_ekm = true;
	return 0;
}

/* Unknown flags only warn: a newer server may know more than we do. */
int h_protocol_flags(struct opt_ctx *c, const struct opt_desc *d,
		     char **argv, unsigned int argc)
{
	static const char *const names[] = { "cc-exit", "tls-ekm",
					     "dyn-tls-crypt", "aead-epoch" };
	uint32_t flags = 0;

	(void)d;
	for (unsigned int i = 1; i < argc; i++) {
		size_t k = 0;

		while (k < 4 && strcmp(argv[i], names[k]))
			k++;
		if (k < 4)
			flags |= 1u << k;
		else
			opt_warn(c, "unknown protocol-flags flag: %s", argv[i]);
	}
	c->o->protocol_flags = flags;
	return 0;
}

int h_replay_window(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		    unsigned int argc)
{
	UNUSED_ARGS;
	/* OpenVPN's bounds: MIN_SEQ_BACKTRACK 0 .. MAX_SEQ_BACKTRACK 65536. */
	if (optval_int(c, argv[1], 0, 65536, &c->o->replay_window))
		return -EINVAL;
	if (argc > 2)
		return optval_int(c, argv[2], 0, 600, &c->o->replay_time);
	return 0;
}

/* comp-lzo [yes|no|adaptive]: "no" is the stub framing of 2.6. */
int h_comp_lzo(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	static const char *const words[] = { "yes", "no", "adaptive", NULL };
	int i = 0;

	UNUSED_ARGS;
	if (argc > 1 && (i = optval_word(c, argv[1], words)) < 0)
		return i;
	c->o->compress = i == 1 ? OPT_COMP_NO : OPT_COMP_LZO;
	c->o->comp_lzo_given = true;
	return 0;
}

int h_compress(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	static const char *const words[] = { "stub", "stub-v2", "lzo", "lz4",
					     "lz4-v2", "migrate", NULL };
	int i;

	UNUSED_ARGS;
	if (argc == 1) {
		c->o->compress = OPT_COMP_STUB;	/* bare --compress */
		return 0;
	}
	i = optval_word(c, argv[1], words);
	if (i < 0)
		return i;
	c->o->compress = (enum opt_comp)(OPT_COMP_STUB + i);
	return 0;
}

int h_allow_compression(struct opt_ctx *c, const struct opt_desc *d,
			char **argv, unsigned int argc)
{
	static const char *const words[] = { "no", "asym", "yes", NULL };
	int i = optval_word(c, argv[1], words);

	UNUSED_ARGS;
	if (i < 0)
		return i;
	/* "no" is final, as in OpenVPN (a push must not lift it). */
	if (c->o->allow_compression == OPT_ALLOWCOMP_NO && i)
		return opt_fail(c, "Cannot set allow-compression to '%s' after "
				"set to 'no'", argv[1]);
	c->o->allow_compression = (enum opt_allow_comp)(OPT_ALLOWCOMP_NO + i);
	return 0;
}

/* auth-user-pass [FILE]; without one the user is asked, or <auth-user-pass>. */
int h_auth_user_pass(struct opt_ctx *c, const struct opt_desc *d,
		     char **argv, unsigned int argc)
{
	struct opt_desc file = *d;

	c->o->auth_user_pass = true;
	if (argc == 1) {
		opt_file_free(&c->o->auth_user_pass_file);
		return 0;
	}
	file.off = offsetof(struct options, auth_user_pass_file);
	return h_file(c, &file, argv, argc);
}

/* crl-verify FILE | crl-verify DIR dir | <crl-verify> */
int h_crl_verify(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc)
{
	if (argc == 3 && strcmp(argv[2], "dir"))
		return opt_fail(c, "--crl-verify: the second parameter can only "
				"be 'dir', not '%s'", argv[2]);
	c->o->crl_verify_dir = argc == 3 && !c->is_inline;
	return h_file(c, d, argv, argc);
}

/* static-challenge TEXT ECHO [scrv1|concat]: a one-time code asked on the
 * terminal and sent with the password (clientcfg.c). */
int h_static_challenge(struct opt_ctx *c, const struct opt_desc *d,
		       char **argv, unsigned int argc)
{
	(void)d;
	if (strcmp(argv[2], "0") && strcmp(argv[2], "1"))
		return opt_fail(c, "--static-challenge: ECHO must be 0 or 1, "
				"not '%s'", argv[2]);
	if (argc == 4 && strcmp(argv[3], "scrv1") && strcmp(argv[3], "concat"))
		return opt_fail(c, "--static-challenge: the format can be "
				"'scrv1' or 'concat', not '%s'", argv[3]);
	c->o->static_challenge_echo = argv[2][0] == '1';
	c->o->static_challenge_concat = argc == 4 && !strcmp(argv[3], "concat");
	return opt_strset(&c->o->static_challenge, argv[1]);
}

/* tls-crypt-v2 FILE [force-cookie|allow-noncookie] (the word: servers). */
int h_tls_crypt_v2(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		   unsigned int argc)
{
	if (argc == 3 && strcmp(argv[2], "force-cookie") &&
	    strcmp(argv[2], "allow-noncookie"))
		return opt_fail(c, "--tls-crypt-v2: the second parameter can be "
				"'force-cookie' or 'allow-noncookie', not '%s'",
				argv[2]);
	c->o->tls_crypt_v2_force_cookie = argc == 3 &&
					  !strcmp(argv[2], "force-cookie");
	return h_file(c, d, argv, argc);
}

/* askpass [FILE]: the private key's passphrase, else asked on the tty. */
int h_askpass(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	      unsigned int argc)
{
	struct opt_desc file = *d;

	c->o->askpass = true;
	if (argc == 1) {
		opt_file_free(&c->o->askpass_file);
		return 0;
	}
	file.off = offsetof(struct options, askpass_file);
	return h_file(c, &file, argv, argc);
}

int h_auth_retry(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc)
{
	static const char *const words[] = { "none", "nointeract", "interact",
					     NULL };
	int i = optval_word(c, argv[1], words);

	UNUSED_ARGS;
	if (i < 0)
		return i;
	c->o->auth_retry = (enum opt_auth_retry)i;
	return 0;
}

/* A string that is a credential: the old value is wiped, never logged. */
int h_secret_str(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc)
{
	char **field = (char **)((char *)c->o + d->off);
	char *dup = strdup(argv[1]);

	(void)argc;
	if (!dup)
		return -ENOMEM;
	opt_strfree(field, true);
	*field = dup;
	return 0;
}
