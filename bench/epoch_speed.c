/*
 * epoch-speed: the engine's whole data-packet step (src/dco/keyslot.c:
 * header, packet-id, AEAD, replay window) in OpenVPN 2.6's format against
 * 2.7's epoch format (src/dco/epoch.c), on one CPU. The machine may be
 * busy, so time is this thread's CPU time (not the time others ran), the
 * two formats run in alternating short rounds and the median ratio of the
 * pairs is reported, not two long runs minutes apart.
 *
 * usage: epoch-speed [CIPHER [BYTES [ROUNDS [SECONDS]]]]
 *        (AES-256-GCM 1400 10 0.2; the engine's AEAD backend)
 * prints a line per round and format, then the median ratios:
 *        round FORMAT seal_kpps seal+open_kpps   (per CPU-second)
 *        ratio epoch/2.6 seal MEDIAN seal+open MEDIAN
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dco/keyslot.h"

#define MAX_BYTES 9000u
#define MAX_ROUNDS 100u

struct fmt_run {
	const char *name;
	struct keyslot tx, rx;
	struct pkt pkt;
	/* aligned alike in both runs: AVX-512 GCM cares */
	_Alignas(64) uint8_t mem[PKT_HEADROOM + MAX_BYTES + 64];
};

struct speed_args {
	enum dco_cipher cipher;
	size_t len;
	unsigned rounds;
	double seconds;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Both ends of one key in @fmt's format; any key will do for speed. */
static int fmt_init(struct fmt_run *r, const char *name, enum dco_cipher c,
		    bool epoch)
{
	struct dco_key_config cfg = { .cipher = c, .epoch = epoch };
	int err;

	r->name = name;
	memset(cfg.encrypt.key, 0x5a, sizeof(cfg.encrypt.key));
	memset(cfg.encrypt.nonce_tail, 0xa5, sizeof(cfg.encrypt.nonce_tail));
	cfg.decrypt = cfg.encrypt;
	err = keyslot_init(&r->tx, &cfg, 64, 15, DCO_AEAD_AUTO);
	if (!err)
		err = keyslot_init(&r->rx, &cfg, 64, 15, DCO_AEAD_AUTO);
	dco_key_config_wipe(&cfg);
	r->pkt.base = r->mem;
	r->pkt.cap = sizeof(r->mem);
	return err;
}

/* Packets per second for @seconds: seal only, or seal then open. */
static double measure(struct fmt_run *r, size_t len, bool open, double seconds)
{
	double start = now_s(), elapsed;
	unsigned long n = 0;

	do {
		for (int i = 0; i < 256; i++, n++) {
			pkt_reset(&r->pkt);
			r->pkt.len = (uint32_t)len;
			if (keyslot_encrypt(&r->tx, 0, &r->pkt, 1, false))
				return -1;
			if (open && keyslot_decrypt(&r->rx, &r->pkt, 1))
				return -1;
		}
		elapsed = now_s() - start;
	} while (elapsed < seconds);
	return (double)n / elapsed;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int parse_args(int argc, char **argv, struct speed_args *a)
{
	*a = (struct speed_args){ DCO_CIPHER_AES_256_GCM, 1400, 10, 0.2 };
	if (argc > 1 && (dco_cipher_from_name(argv[1], &a->cipher) ||
			 a->cipher == DCO_CIPHER_NONE))
		goto usage;
	if (argc > 2)
		a->len = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		a->rounds = (unsigned)strtoul(argv[3], NULL, 10);
	if (argc > 4)
		a->seconds = strtod(argv[4], NULL);
	if (a->len >= 1 && a->len <= MAX_BYTES && a->rounds >= 1 &&
	    a->rounds <= MAX_ROUNDS && a->seconds > 0 && a->seconds <= 10)
		return 0;
usage:
	fprintf(stderr, "usage: epoch-speed [AEAD-CIPHER [BYTES(1..%u) "
		"[ROUNDS(1..%u) [SECONDS(<=10)]]]]\n", MAX_BYTES, MAX_ROUNDS);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	static struct fmt_run runs[2];
	double ratio_seal[MAX_ROUNDS], ratio_rt[MAX_ROUNDS];
	struct speed_args a;
	int ret = 1;

	if (parse_args(argc, argv, &a))
		return 2;
	if (fmt_init(&runs[0], "2.6", a.cipher, false) ||
	    fmt_init(&runs[1], "epoch", a.cipher, true)) {
		fprintf(stderr, "epoch-speed: key setup failed\n");
		goto out;
	}
	printf("# %s %zu bytes, backend %s, %u rounds of %.2f s per format\n",
	       dco_cipher_name(a.cipher), a.len,
	       dco_aead_backend_name(runs[0].tx.enc[0].backend), a.rounds,
	       a.seconds);
	for (unsigned i = 0; i < a.rounds; i++) {
		double seal[2], rt[2];

		/* alternate which goes first so drift favours neither */
		for (unsigned k = 0; k < 2; k++) {
			unsigned f = (i + k) % 2;

			seal[f] = measure(&runs[f], a.len, false, a.seconds);
			rt[f] = measure(&runs[f], a.len, true, a.seconds);
			if (seal[f] <= 0 || rt[f] <= 0) {
				fprintf(stderr, "epoch-speed: a packet failed\n");
				goto out;
			}
			printf("%u %s %.0f %.0f\n", i, runs[f].name, seal[f] / 1e3,
			       rt[f] / 1e3);
		}
		ratio_seal[i] = seal[1] / seal[0];
		ratio_rt[i] = rt[1] / rt[0];
	}
	printf("ratio epoch/2.6 seal %.3f seal+open %.3f\n",
	       median(ratio_seal, a.rounds), median(ratio_rt, a.rounds));
	ret = 0;
out:
	for (unsigned f = 0; f < 2; f++) {
		keyslot_clear(&runs[f].tx);
		keyslot_clear(&runs[f].rx);
	}
	return ret;
}
