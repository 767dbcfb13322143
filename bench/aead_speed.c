/*
 * aead-speed: how fast the engine's own AEAD code (src/dco/aead.c, on each
 * backend: OpenSSL, intel-ipsec-mb) seals and opens packets of one size on
 * one CPU. bench/run.sh
 * uses it for the crypto stage of its ceiling estimate: with the cost of
 * everything else measured by a tunnel without a cipher, it tells how much of
 * the single-stream figure the crypto takes.
 *
 * usage: aead-speed [CIPHER [BYTES [SECONDS [BACKEND]]]]
 *        (AES-256-GCM 1400 1 all; BACKEND: all, auto, openssl, ipsec-mb)
 * prints, a line per backend measured (all: every usable one; auto: the
 * one the engine would pick):
 *        CIPHER BYTES seal_GBps open_GBps seal_ns open_ns BACKEND
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dco/aead.h"

#define MAX_BYTES 65536

struct speed_run {
	struct aead enc, dec;
	uint8_t aad[8];
	uint8_t buf[MAX_BYTES];
	uint8_t tag[AEAD_TAG_LEN];
	size_t len;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Packets per second of seal (@open false) or open of one sealed packet. */
static double measure(struct speed_run *r, bool open, double seconds)
{
	uint8_t sealed[MAX_BYTES], tag[AEAD_TAG_LEN];
	double start = now_s(), elapsed;
	unsigned long n = 0;

	memcpy(sealed, r->buf, r->len);
	if (aead_seal(&r->enc, 1, r->aad, sizeof(r->aad), sealed, r->len, tag))
		return -1;
	do {
		/* check the clock every 256 packets: the loop is the measure */
		for (int i = 0; i < 256; i++, n++) {
			int err = open ? aead_open(&r->dec, 1, r->aad, sizeof(r->aad),
						   sealed, r->buf, r->len, tag) :
					 aead_seal(&r->enc, (uint32_t)n + 1, r->aad,
						   sizeof(r->aad), r->buf, r->len,
						   r->tag);
			if (err)
				return -1;
		}
		elapsed = now_s() - start;
	} while (elapsed < seconds);
	return (double)n / elapsed;
}

/* @all: every backend; else @backend alone. */
struct speed_args {
	enum dco_cipher cipher;
	size_t len;
	double seconds;
	bool all;
	enum dco_aead_backend backend;
};

static int parse_backend(const char *arg, struct speed_args *a)
{
	a->all = strcmp(arg, "all") == 0;
	if (a->all || !dco_aead_backend_from_name(arg, &a->backend))
		return 0;
	fprintf(stderr, "aead-speed: unknown backend '%s' (all, auto, openssl, "
			"ipsec-mb)\n", arg);
	return -EINVAL;
}

static int parse_args(int argc, char **argv, enum dco_cipher *cipher,
		      size_t *len, double *seconds)
{
	*cipher = DCO_CIPHER_AES_256_GCM;
	*len = 1400;
	*seconds = 1;
	if (argc > 1 && (dco_cipher_from_name(argv[1], cipher) ||
			 *cipher == DCO_CIPHER_NONE)) {
		fprintf(stderr, "aead-speed: unknown AEAD cipher '%s'\n", argv[1]);
		return -EINVAL;
	}
	if (argc > 2)
		*len = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		*seconds = strtod(argv[3], NULL);
	if (*len < 1 || *len > MAX_BYTES || !(*seconds > 0 && *seconds <= 60)) {
		fprintf(stderr, "usage: aead-speed [CIPHER [BYTES(1..%d) "
				"[SECONDS(<=60)]]]\n", MAX_BYTES);
		return -EINVAL;
	}
	return 0;
}

/* One line for @backend; 1 when it cannot run or a packet failed. */
static int run_backend(struct speed_run *run, const struct speed_args *a,
		       enum dco_aead_backend backend)
{
	uint8_t key[32], tail[DCO_NONCE_TAIL_LEN];
	size_t klen = dco_cipher_key_len(a->cipher);
	double seal, open;
	int err;

	/* any key will do: the speed does not depend on it */
	memset(key, 0x5a, sizeof(key));
	memset(tail, 0xa5, sizeof(tail));
	memset(run->buf, 0x3c, run->len);
	err = aead_init(&run->enc, backend, a->cipher, key, klen, tail, true);
	if (!err)
		err = aead_init(&run->dec, backend, a->cipher, key, klen, tail, false);
	if (err) {
		fprintf(stderr, "aead-speed: backend %s refused %s: %s\n",
			dco_aead_backend_name(backend), dco_cipher_name(a->cipher),
			strerror(-err));
		aead_free(&run->enc);
		return 1;
	}
	seal = measure(run, false, a->seconds);
	open = measure(run, true, a->seconds);
	/* the backend that ran (auto resolved) */
	backend = run->enc.backend;
	aead_free(&run->enc);
	aead_free(&run->dec);
	if (seal <= 0 || open <= 0) {
		fprintf(stderr, "aead-speed: a seal or open failed\n");
		return 1;
	}
	printf("%s %zu %.3f %.3f %.0f %.0f %s\n", dco_cipher_name(a->cipher),
	       run->len, seal * (double)run->len / 1e9,
	       open * (double)run->len / 1e9, 1e9 / seal, 1e9 / open,
	       dco_aead_backend_name(backend));
	return 0;
}

int main(int argc, char **argv)
{
	static struct speed_run run;
	struct speed_args a = { .all = true };
	enum dco_aead_backend b;
	int rc = 0;

	if (parse_args(argc, argv, &a.cipher, &run.len, &a.seconds) ||
	    (argc > 4 && parse_backend(argv[4], &a)))
		return 2;
	if (!a.all)
		return run_backend(&run, &a, a.backend);
	rc = run_backend(&run, &a, DCO_AEAD_OPENSSL);
	/* a CPU without AES-NI/AVX2 (or a build without it) has no second */
	if (!dco_aead_backend_resolve(DCO_AEAD_IPSEC_MB, &b))
		rc |= run_backend(&run, &a, DCO_AEAD_IPSEC_MB);
	return rc;
}
