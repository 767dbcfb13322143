/*
 * libFuzzer target for control-channel unwrapping (proto/tlswrap,
 * proto/tlscryptv2) and the key-file parsers (conf/statickey, tls-crypt-v2
 * PEM). Keys are fixed. Besides "never crash", it checks:
 *  - unwrap and the stateless check agree, and a success has the documented
 *    clear length;
 *  - anything wrapped unwraps to the same bytes with the same replay id, and
 *    fails with the key of the wrong direction;
 *  - WKc splitting stays inside the datagram.
 *
 * Input byte 0 picks what the rest is fed to.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "conf/statickey.h"
#include "ctl/mudp.h"
#include "proto/tlscryptv2.h"
#include "proto/tlswrap.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_KEYS 4

/* Set once in LLVMFuzzerInitialize, read-only afterwards. */
static struct tlswrap_key rx_keys[N_KEYS];   /* server (direction 0) */
static struct tlswrap_key tx_keys[N_KEYS];   /* client (direction 1) */
static struct tlscryptv2_server_key v2srv;
static struct mudp v2mudp;                   /* tls-crypt-v2 front door */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *digest[N_KEYS] = { NULL, "SHA1", "SHA256", "SHA512" };
	static const enum tlswrap_mode mode[N_KEYS] = {
		TLSWRAP_CRYPT, TLSWRAP_AUTH, TLSWRAP_AUTH, TLSWRAP_AUTH
	};
	struct statickey sk;

	(void)argc;
	(void)argv;
	for (unsigned int i = 0; i < STATICKEY_BYTES; i++)
		sk.raw[i] = (uint8_t)(i * 7 + 3);
	for (unsigned int i = 0; i < N_KEYS; i++) {
		if (tlswrap_key_init(&rx_keys[i], mode[i], &sk, STATICKEY_DIR_NORMAL,
				     digest[i]) ||
		    tlswrap_key_init(&tx_keys[i], mode[i], &sk,
				     STATICKEY_DIR_INVERSE, digest[i]))
			abort();
	}
	memset(v2srv.ke, 0x11, sizeof(v2srv.ke));
	memset(v2srv.ka, 0x22, sizeof(v2srv.ka));
	if (mudp_init(&v2mudp, NULL, 30))
		abort();
	mudp_set_v2(&v2mudp, &v2srv, false);
	statickey_wipe(&sk);
	return 0;
}

static void fuzz_unwrap(const struct tlswrap_key *k, const uint8_t *p, size_t n)
{
	uint8_t out[4096];
	struct tlswrap_pid pid, pid2;
	size_t len = 0;
	int a, b;

	if (n > sizeof(out))
		n = sizeof(out);
	a = tlswrap_unwrap(k, p, n, out, sizeof(out), &len, &pid);
	b = tlswrap_check(k, p, n, &pid2);
	if ((a == 0) != (b == 0))
		abort();
	if (a == 0 && (len != n - tlswrap_overhead(k) || pid.id != pid2.id ||
		       memcmp(out, p, TLSWRAP_HDR_LEN)))
		abort();
}

static void fuzz_roundtrip(unsigned int i, const uint8_t *p, size_t n)
{
	uint8_t wire[4200], back[4200];
	struct tlswrap_pid pid = { 0x01020304, 0x05060708 }, got;
	size_t wl = 0, bl = 0;

	if (n > 4096)
		n = 4096;
	if (tlswrap_wrap(&tx_keys[i], &pid, p, n, wire, sizeof(wire), &wl)) {
		if (n >= TLSWRAP_HDR_LEN)
			abort();
		return;
	}
	if (tlswrap_unwrap(&rx_keys[i], wire, wl, back, sizeof(back), &bl, &got) ||
	    bl != n || memcmp(back, p, n) || got.id != pid.id ||
	    got.net_time != pid.net_time)
		abort();
	/* Sent by the client, so the client's own receive key must refuse. */
	if (tlswrap_check(&tx_keys[i], wire, wl, NULL) == 0)
		abort();
}

static void fuzz_v2(const uint8_t *p, size_t n)
{
	uint8_t meta[TLSCRYPTV2_METADATA_MAX];
	const uint8_t *wkc;
	size_t wrapped, wkc_len, meta_len;
	struct statickey kc;

	if (tlscryptv2_split_wkc(p, n, &wrapped, &wkc, &wkc_len) == 0) {
		if (wkc < p || wkc + wkc_len != p + n || wrapped + wkc_len != n)
			abort();
		fuzz_unwrap(&rx_keys[0], p, wrapped);
	}
	if (tlscryptv2_unwrap_wkc(&v2srv, p, n, &kc, meta, sizeof(meta),
				  &meta_len) == 0 && meta_len > TLSCRYPTV2_METADATA_MAX)
		abort();
}

/* Wrap Kc | metadata from the input; unwrapping gives them back. */
static void fuzz_v2_wrap(const uint8_t *p, size_t n)
{
	uint8_t wkc[TLSCRYPTV2_WKC_MAX], meta[TLSCRYPTV2_METADATA_MAX];
	struct statickey kc, back;
	size_t wl = 0, ml = 0, m;

	if (n < STATICKEY_BYTES)
		return;
	memcpy(kc.raw, p, STATICKEY_BYTES);
	m = n - STATICKEY_BYTES;
	if (tlscryptv2_wrap_client_key(&v2srv, &kc, p + STATICKEY_BYTES, m, wkc,
				       sizeof(wkc), &wl)) {
		if (m <= TLSCRYPTV2_METADATA_MAX)
			abort();
		return;
	}
	if (tlscryptv2_unwrap_wkc(&v2srv, wkc, wl, &back, meta, sizeof(meta),
				  &ml) || ml != m ||
	    memcmp(back.raw, kc.raw, STATICKEY_BYTES) ||
	    memcmp(meta, p + STATICKEY_BYTES, m))
		abort();
}

/* Any datagram at the tls-crypt-v2 server's front door: never accepted
 * without a cookie, a reply only to a reset. */
static void fuzz_v2_mudp(const uint8_t *p, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(5000) };
	struct mudp_result r;

	a.sin_addr.s_addr = htonl(0xc6120002);
	mudp_handle(&v2mudp, p, n, (const struct sockaddr *)&a, sizeof(a),
		    1000000, &r);
	if (r.verdict == MUDP_REPLY && (r.reply_len == 0 ||
					r.reply_len > sizeof(r.reply)))
		abort();
}

static void fuzz_keyfiles(const uint8_t *p, size_t n)
{
	struct tlscryptv2_client_key ck;
	struct tlscryptv2_server_key sk;
	struct statickey k;
	char err[160];

	if (statickey_parse((const char *)p, n, &k, err, sizeof(err)) == 0)
		statickey_wipe(&k);
	if (tlscryptv2_client_parse((const char *)p, n, &ck, err, sizeof(err)) == 0 &&
	    (ck.wkc_len < TLSCRYPTV2_WKC_MIN || ck.wkc_len > TLSCRYPTV2_WKC_MAX))
		abort();
	tlscryptv2_client_wipe(&ck);
	if (tlscryptv2_server_parse((const char *)p, n, &sk, err, sizeof(err)) == 0)
		tlscryptv2_server_wipe(&sk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;
	switch (sel % 4) {
	case 0:
		fuzz_unwrap(&rx_keys[(sel / 4) % N_KEYS], data, size);
		break;
	case 1:
		fuzz_roundtrip((sel / 4) % N_KEYS, data, size);
		break;
	case 2:
		if (sel & 4)
			fuzz_v2_wrap(data, size);
		else if (sel & 8)
			fuzz_v2_mudp(data, size);
		else
			fuzz_v2(data, size);
		break;
	default:
		fuzz_keyfiles(data, size);
		break;
	}
	return 0;
}
