/*
 * tls-auth / tls-crypt / tls-crypt-v2 against packets captured from the real
 * openvpn 2.6 (tests/vectors/make-tlswrap-vectors.sh): unwrap with the right
 * key and direction, field-by-field sanity of the clear packet, byte-exact
 * re-wrap, every single-byte corruption refused, wrong direction or digest
 * refused, replayed ids refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/bytes.h"
#include "conf/statickey.h"
#include "proto/opcode.h"
#include "proto/tlscryptv2.h"
#include "proto/tlswrap.h"

struct vec_pkt {
	const uint8_t *p;
	size_t len;
};

#include "../vectors/tlswrap-keys.inc"
#include "../vectors/tlswrap-vectors.inc"

#define BUF_LEN 4096

struct scenario {
	const char *name;
	enum tlswrap_mode mode;
	const char *digest;
	bool v2;
	const struct vec_pkt *c2s;
	const struct vec_pkt *s2c;
};

static const struct scenario scenarios[] = {
	{ "tls-auth SHA1", TLSWRAP_AUTH, NULL, false, vec_tlsauth_sha1_c2s,
	  vec_tlsauth_sha1_s2c },
	{ "tls-auth SHA256", TLSWRAP_AUTH, "SHA256", false,
	  vec_tlsauth_sha256_c2s, vec_tlsauth_sha256_s2c },
	{ "tls-auth SHA512", TLSWRAP_AUTH, "SHA512", false,
	  vec_tlsauth_sha512_c2s, vec_tlsauth_sha512_s2c },
	{ "tls-crypt", TLSWRAP_CRYPT, NULL, false, vec_tlscrypt_c2s,
	  vec_tlscrypt_s2c },
	{ "tls-crypt-v2", TLSWRAP_CRYPT, NULL, true, vec_tlscryptv2_c2s,
	  vec_tlscryptv2_s2c },
};

/* Both ends of one scenario. */
struct ends {
	struct statickey sk;
	struct tlscryptv2_client_key ck;
	struct tlswrap_key server;   /* key direction 0 / tls-crypt server */
	struct tlswrap_key client;   /* key direction 1 / tls-crypt client */
};

static void ends_init(const struct scenario *sc, struct ends *e)
{
	char err[160];

	memset(e, 0, sizeof(*e));
	if (sc->v2) {
		assert_int_equal(tlscryptv2_client_parse(vec_key_v2cli,
							 strlen(vec_key_v2cli),
							 &e->ck, err, sizeof(err)), 0);
		e->sk = e->ck.kc;
	} else {
		assert_int_equal(statickey_parse(vec_key_ta, strlen(vec_key_ta),
						 &e->sk, err, sizeof(err)), 0);
	}
	assert_int_equal(tlswrap_key_init(&e->server, sc->mode, &e->sk,
					  STATICKEY_DIR_NORMAL, sc->digest), 0);
	assert_int_equal(tlswrap_key_init(&e->client, sc->mode, &e->sk,
					  STATICKEY_DIR_INVERSE, sc->digest), 0);
}

static void ends_free(struct ends *e)
{
	tlswrap_key_free(&e->server);
	tlswrap_key_free(&e->client);
	statickey_wipe(&e->sk);
	tlscryptv2_client_wipe(&e->ck);
}

/* The wrapped part of a captured datagram: without WKc where it has one. */
static size_t wrapped_len(const struct scenario *sc, const struct ends *e,
			  const struct vec_pkt *v)
{
	const uint8_t *wkc;
	size_t n, wkc_len;

	if (!sc->v2 || !tlscryptv2_opcode_has_wkc(v->p[0]))
		return v->len;
	assert_int_equal(tlscryptv2_split_wkc(v->p, v->len, &n, &wkc, &wkc_len), 0);
	assert_int_equal(wkc_len, e->ck.wkc_len);
	assert_memory_equal(wkc, e->ck.wkc, wkc_len);
	return n;
}

/* The clear control packet, parsed with bytes.h only (PROTOCOL.md 1.5). */
struct clear {
	enum opcode op;
	const uint8_t *sid;
	unsigned int n_acks;
	uint32_t acks[8];
	const uint8_t *ack_sid;
	bool has_msgid;
	uint32_t msgid;
	const uint8_t *payload;
	size_t payload_len;
};

static void parse_clear(const uint8_t *p, size_t len, struct clear *c)
{
	size_t off = TLSWRAP_HDR_LEN;

	memset(c, 0, sizeof(*c));
	assert_true(len >= off + 1);
	c->op = opcode_of(p[0]);
	c->sid = p + 1;
	c->n_acks = p[off++];
	assert_true(c->n_acks <= 8);
	assert_true(len >= off + 4 * c->n_acks);
	for (unsigned int i = 0; i < c->n_acks; i++, off += 4)
		c->acks[i] = load_be32(p + off);
	if (c->n_acks) {
		assert_true(len >= off + TLSWRAP_SID_LEN);
		c->ack_sid = p + off;
		off += TLSWRAP_SID_LEN;
	}
	c->has_msgid = c->op != P_ACK_V1;
	if (c->has_msgid) {
		assert_true(len >= off + 4);
		c->msgid = load_be32(p + off);
		off += 4;
	}
	c->payload = p + off;
	c->payload_len = len - off;
}

static const uint8_t *first_sid(const struct vec_pkt *v)
{
	return v[0].p + 1;
}

/* What the clear fields of one direction's packets must look like. */
static void check_fields(const struct scenario *sc, const struct vec_pkt *v,
			 const uint8_t *peer_sid, bool c2s, const struct clear *c,
			 unsigned int i, uint32_t *next_msgid, bool *saw_tls)
{
	static const uint8_t early_neg_tlv[] = { 0, 1, 0, 2, 0, 1 };

	assert_memory_equal(c->sid, first_sid(v), TLSWRAP_SID_LEN);
	if (i == 0)
		assert_int_equal(c->op, c2s ? (sc->v2 ? P_CONTROL_HARD_RESET_CLIENT_V3
						      : P_CONTROL_HARD_RESET_CLIENT_V2)
					    : P_CONTROL_HARD_RESET_SERVER_V2);
	if (c->n_acks) {
		assert_memory_equal(c->ack_sid, peer_sid, TLSWRAP_SID_LEN);
		for (unsigned int a = 0; a < c->n_acks; a++)
			assert_true(c->acks[a] < 64);
	}
	if (c->has_msgid) {
		assert_int_equal(c->msgid, *next_msgid);
		(*next_msgid)++;
	}
	if (i == 0 && !c2s) {
		/* The 2.6 server's stateless reset: ACK of the client's
		 * message 0, and for an early-negotiating v2 client the
		 * "resend WKc" TLV. */
		assert_int_equal(c->n_acks, 1);
		assert_int_equal(c->acks[0], 0);
		if (sc->v2) {
			assert_int_equal(c->payload_len, sizeof(early_neg_tlv));
			assert_memory_equal(c->payload, early_neg_tlv,
					    sizeof(early_neg_tlv));
		} else {
			assert_int_equal(c->payload_len, 0);
		}
	} else if (i == 0) {
		assert_int_equal(c->payload_len, 0);
	}
	if (c->op == P_ACK_V1)
		assert_int_equal(c->payload_len, 0);
	if ((c->op == P_CONTROL_V1 || c->op == P_CONTROL_WKC_V1) && !*saw_tls) {
		/* Decrypted right: the first TLS bytes are a handshake record
		 * (ClientHello / ServerHello). */
		assert_true(c->payload_len > 5);
		assert_int_equal(c->payload[0], 0x16);
		assert_int_equal(c->payload[1], 0x03);
		*saw_tls = true;
	}
}

/* The net-time field read straight off the wire. */
static uint32_t wire_net_time(const struct tlswrap_key *k, const uint8_t *p)
{
	if (k->mode == TLSWRAP_AUTH)
		return load_be32(p + TLSWRAP_HDR_LEN + k->hmac_len + 4);
	return load_be32(p + TLSWRAP_CRYPT_OFF_PID + 4);
}

/* Unwrap every packet of one direction and check fields and replay ids. */
static void unwrap_direction(const struct scenario *sc, const struct ends *e,
			     bool c2s)
{
	const struct vec_pkt *v = c2s ? sc->c2s : sc->s2c;
	const struct tlswrap_key *rx = c2s ? &e->server : &e->client;
	const uint8_t *peer_sid = first_sid(c2s ? sc->s2c : sc->c2s);
	uint32_t first_id = c2s && sc->v2 ? TLSWRAP_EARLY_NEG_START + 1 : 1;
	uint32_t next_msgid = 0;
	bool saw_tls = false;
	uint8_t out[BUF_LEN];

	for (unsigned int i = 0; v[i].p; i++) {
		size_t wl = wrapped_len(sc, e, &v[i]), clear_len = 0;
		struct tlswrap_pid pid, pid2;
		struct clear c;

		assert_int_equal(tlswrap_unwrap(rx, v[i].p, wl, out, sizeof(out),
						&clear_len, &pid), 0);
		assert_int_equal(clear_len, wl - tlswrap_overhead(rx));
		assert_memory_equal(out, v[i].p, TLSWRAP_HDR_LEN);
		assert_int_equal(pid.id, first_id + i);
		assert_int_equal(pid.net_time, wire_net_time(rx, v[0].p));
		assert_int_equal(tlswrap_check(rx, v[i].p, wl, &pid2), 0);
		assert_int_equal(pid2.id, pid.id);
		parse_clear(out, clear_len, &c);
		check_fields(sc, v, peer_sid, c2s, &c, i, &next_msgid, &saw_tls);
	}
	assert_true(saw_tls);
}

static void test_unwrap_vectors(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		struct ends e;

		ends_init(&scenarios[s], &e);
		unwrap_direction(&scenarios[s], &e, true);
		unwrap_direction(&scenarios[s], &e, false);
		ends_free(&e);
	}
}

/* Unwrap with the receiver's key, re-wrap with the sender's: same bytes. */
static void rewrap_direction(const struct scenario *sc, const struct ends *e,
			     bool c2s)
{
	const struct vec_pkt *v = c2s ? sc->c2s : sc->s2c;
	const struct tlswrap_key *rx = c2s ? &e->server : &e->client;
	const struct tlswrap_key *tx = c2s ? &e->client : &e->server;
	uint8_t clear[BUF_LEN], wire[BUF_LEN];

	for (unsigned int i = 0; v[i].p; i++) {
		size_t wl = wrapped_len(sc, e, &v[i]), clear_len, wire_len;
		struct tlswrap_pid pid;

		assert_int_equal(tlswrap_unwrap(rx, v[i].p, wl, clear, sizeof(clear),
						&clear_len, &pid), 0);
		assert_int_equal(tlswrap_wrap(tx, &pid, clear, clear_len, wire,
					      sizeof(wire), &wire_len), 0);
		if (sc->v2)
			assert_int_equal(tlscryptv2_append_wkc(&e->ck, wire, wire_len,
							       sizeof(wire), &wire_len), 0);
		assert_int_equal(wire_len, v[i].len);
		assert_memory_equal(wire, v[i].p, v[i].len);
	}
}

static void test_rewrap_identical(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		struct ends e;

		ends_init(&scenarios[s], &e);
		rewrap_direction(&scenarios[s], &e, true);
		rewrap_direction(&scenarios[s], &e, false);
		ends_free(&e);
	}
}

/* Flip one bit in every byte of the wrapped part, one byte at a time. */
static void corrupt_direction(const struct scenario *sc, const struct ends *e,
			      bool c2s)
{
	const struct vec_pkt *v = c2s ? sc->c2s : sc->s2c;
	const struct tlswrap_key *rx = c2s ? &e->server : &e->client;
	uint8_t pkt[BUF_LEN], out[BUF_LEN];

	for (unsigned int i = 0; v[i].p; i++) {
		size_t wl = wrapped_len(sc, e, &v[i]), clear_len;
		struct tlswrap_pid pid;

		memcpy(pkt, v[i].p, wl);
		for (size_t b = 0; b < wl; b++) {
			uint8_t bit = (uint8_t)(1u << (b % 8));

			pkt[b] ^= bit;
			if (tlswrap_unwrap(rx, pkt, wl, out, sizeof(out), &clear_len,
					   &pid) != -EBADMSG ||
			    tlswrap_check(rx, pkt, wl, NULL) != -EBADMSG)
				fail_msg("%s %s packet %u: flipped byte %zu accepted",
					 sc->name, c2s ? "c2s" : "s2c", i, b);
			pkt[b] ^= bit;
		}
		/* Truncated by one byte, and extended by one. */
		assert_int_equal(tlswrap_check(rx, pkt, wl - 1, NULL), -EBADMSG);
		pkt[wl] = 0;
		assert_int_equal(tlswrap_check(rx, pkt, wl + 1, NULL), -EBADMSG);
	}
}

static void test_bit_flips_refused(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		struct ends e;

		ends_init(&scenarios[s], &e);
		corrupt_direction(&scenarios[s], &e, true);
		corrupt_direction(&scenarios[s], &e, false);
		ends_free(&e);
	}
}

static void test_wrong_direction_or_digest(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		const struct scenario *sc = &scenarios[s];
		struct tlswrap_key bidir, other;
		struct ends e;

		ends_init(sc, &e);
		for (unsigned int i = 0; sc->c2s[i].p; i++) {
			size_t wl = wrapped_len(sc, &e, &sc->c2s[i]);

			/* The client's own receive key is the server's send key. */
			assert_int_equal(tlswrap_check(&e.client, sc->c2s[i].p, wl,
						       NULL), -EBADMSG);
		}
		for (unsigned int i = 0; sc->s2c[i].p; i++)
			assert_int_equal(tlswrap_check(&e.server, sc->s2c[i].p,
						       sc->s2c[i].len, NULL), -EBADMSG);
		/* No key direction: both ways use key 0, which the client
		 * never sends with. */
		assert_int_equal(tlswrap_key_init(&bidir, sc->mode, &e.sk,
						  STATICKEY_DIR_NONE, sc->digest), 0);
		assert_int_equal(tlswrap_check(&bidir, sc->c2s[0].p,
					       wrapped_len(sc, &e, &sc->c2s[0]), NULL),
				 -EBADMSG);
		assert_int_equal(tlswrap_check(&bidir, sc->s2c[0].p, sc->s2c[0].len,
					       NULL), 0);
		tlswrap_key_free(&bidir);
		if (sc->mode == TLSWRAP_AUTH) {
			const char *d = sc->digest ? "SHA1" : "SHA256";

			assert_int_equal(tlswrap_key_init(&other, sc->mode, &e.sk,
							  STATICKEY_DIR_NORMAL, d), 0);
			assert_int_equal(tlswrap_check(&other, sc->c2s[0].p,
						       sc->c2s[0].len, NULL), -EBADMSG);
			tlswrap_key_free(&other);
		}
		ends_free(&e);
	}
}

static void test_replay_vectors(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		const struct scenario *sc = &scenarios[s];
		struct tlswrap_replay r;
		struct tlswrap_pid pid, first = { 0 }, last = { 0 };
		uint8_t out[BUF_LEN];
		struct ends e;
		size_t n;

		ends_init(sc, &e);
		assert_int_equal(tlswrap_replay_init(&r, PKTID_EXPIRE_DEFAULT_S), 0);
		for (unsigned int i = 0; sc->c2s[i].p; i++) {
			size_t wl = wrapped_len(sc, &e, &sc->c2s[i]);

			assert_int_equal(tlswrap_unwrap(&e.server, sc->c2s[i].p, wl, out,
							sizeof(out), &n, &pid), 0);
			assert_int_equal(tlswrap_replay_accept(&r, &pid, 1000 * i),
					 PKTID_OK);
			if (i == 0)
				first = pid;
			last = pid;
		}
		assert_int_equal(tlswrap_replay_check(&r, &first, 9000), PKTID_DUPLICATE);
		assert_int_equal(tlswrap_replay_accept(&r, &last, 9000), PKTID_DUPLICATE);
		pid = first;
		pid.net_time--;
		assert_int_equal(tlswrap_replay_accept(&r, &pid, 9000), PKTID_TOO_OLD);
		/* The peer restarted: a later net-time opens a new sequence. */
		pid = first;
		pid.net_time++;
		assert_int_equal(tlswrap_replay_accept(&r, &pid, 9000), PKTID_OK);
		assert_int_equal(tlswrap_replay_accept(&r, &pid, 9000),
				 PKTID_DUPLICATE);
		assert_int_equal(tlswrap_replay_accept(&r, &last, 9000), PKTID_TOO_OLD);
		tlswrap_replay_free(&r);
		ends_free(&e);
	}
}

static void test_replay_rules(void **state)
{
	struct tlswrap_replay r;
	struct tlswrap_pid p = { .id = 0, .net_time = 100 };

	(void)state;
	assert_int_equal(tlswrap_replay_init(&r, 15), 0);
	assert_int_equal(tlswrap_replay_accept(&r, &p, 0), PKTID_INVALID);
	p.id = 10;
	assert_int_equal(tlswrap_replay_accept(&r, &p, 0), PKTID_OK);
	p.id = 8;
	assert_int_equal(tlswrap_replay_accept(&r, &p, 1000), PKTID_OK);
	p.id = 80;
	assert_int_equal(tlswrap_replay_accept(&r, &p, 2000), PKTID_OK);
	p.id = 10;
	assert_int_equal(tlswrap_replay_check(&r, &p, 2000), PKTID_TOO_OLD);
	p.id = 79;
	/* 80 was received 20 s ago: the gap below it has expired. */
	assert_int_equal(tlswrap_replay_accept(&r, &p, 22000), PKTID_EXPIRED);
	assert_int_equal(tlswrap_replay_accept(&r, &p, 3000), PKTID_OK);
	tlswrap_replay_free(&r);
}

static void test_tx_ids(void **state)
{
	struct tlswrap_tx tx;
	struct tlswrap_pid p;

	(void)state;
	tlswrap_tx_init(&tx, 0, 1000);
	assert_int_equal(tlswrap_tx_next(&tx, 1005, &p), 0);
	assert_int_equal(p.id, 1);
	assert_int_equal(p.net_time, 1000);
	assert_int_equal(tlswrap_tx_next(&tx, 1005, &p), 0);
	assert_int_equal(p.id, 2);

	tlswrap_tx_init(&tx, TLSWRAP_EARLY_NEG_START, 1000);
	assert_int_equal(tlswrap_tx_next(&tx, 1000, &p), 0);
	assert_int_equal(p.id, 0x0f000001u);
	assert_int_equal(p.id & TLSWRAP_EARLY_NEG_MASK, TLSWRAP_EARLY_NEG_START);

	tlswrap_tx_init(&tx, UINT32_MAX - 1, 1000);
	assert_int_equal(tlswrap_tx_next(&tx, 1000, &p), 0);
	assert_int_equal(p.id, UINT32_MAX);
	assert_int_equal(tlswrap_tx_next(&tx, 1000, &p), -ENOSPC);
	assert_int_equal(tlswrap_tx_next(&tx, 1001, &p), 0);
	assert_int_equal(p.id, 1);
	assert_int_equal(p.net_time, 1001);
}

static void test_none_and_limits(void **state)
{
	static const uint8_t reset[] = { 0x38, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0 };
	struct tlswrap_pid pid = { 1, 2 };
	struct tlswrap_key k;
	struct statickey sk;
	uint8_t out[256], back[256];
	size_t n, m;
	char err[128];

	(void)state;
	assert_int_equal(tlswrap_key_init(&k, TLSWRAP_NONE, NULL, 0, NULL), 0);
	assert_int_equal(tlswrap_overhead(&k), 0);
	assert_int_equal(tlswrap_wrap(&k, &pid, reset, sizeof(reset), out,
				      sizeof(out), &n), 0);
	assert_int_equal(n, sizeof(reset));
	assert_memory_equal(out, reset, n);
	assert_int_equal(tlswrap_unwrap(&k, out, n, back, sizeof(back), &m, &pid), 0);
	assert_int_equal(pid.id, 0);
	assert_memory_equal(back, reset, m);
	assert_int_equal(tlswrap_check(&k, reset, 8, NULL), -EBADMSG);
	tlswrap_key_free(&k);

	assert_int_equal(statickey_parse(vec_key_ta, strlen(vec_key_ta), &sk, err,
					 sizeof(err)), 0);
	assert_int_equal(tlswrap_key_init(&k, TLSWRAP_AUTH, &sk, 0, "NOPE"), -EINVAL);
	assert_int_equal(tlswrap_key_init(&k, TLSWRAP_AUTH, &sk, 7, NULL), -EINVAL);
	assert_int_equal(tlswrap_key_init(&k, TLSWRAP_CRYPT, &sk, 0, NULL), 0);
	assert_int_equal(tlswrap_overhead(&k), 40);
	assert_int_equal(tlswrap_wrap(&k, &pid, reset, 8, out, sizeof(out), &n),
			 -EINVAL);
	assert_int_equal(tlswrap_wrap(&k, &pid, reset, sizeof(reset), out,
				      sizeof(reset) + 39, &n), -ENOSPC);
	assert_int_equal(tlswrap_wrap(&k, &pid, reset, sizeof(reset), out,
				      sizeof(out), &n), 0);
	assert_int_equal(tlswrap_unwrap(&k, out, n, back, n - 41, &m, &pid),
			 -ENOSPC);
	assert_int_equal(tlswrap_check(&k, out, 48, NULL), -EBADMSG);
	/* Header only (an empty rest) wraps and unwraps too. */
	assert_int_equal(tlswrap_wrap(&k, &pid, reset, 9, out, sizeof(out), &n), 0);
	assert_int_equal(n, 49);
	tlswrap_key_free(&k);
	for (size_t i = 0; i < sizeof(k); i++)
		assert_int_equal(((uint8_t *)&k)[i], 0);
	statickey_wipe(&sk);
}

static void test_v2_keys(void **state)
{
	struct tlscryptv2_client_key ck;
	struct tlscryptv2_server_key srv;
	struct statickey kc;
	uint8_t meta[TLSCRYPTV2_METADATA_MAX], wkc[TLSCRYPTV2_WKC_MAX];
	const uint8_t *w;
	size_t meta_len, wl, wkc_len;
	char err[160];

	(void)state;
	assert_int_equal(tlscryptv2_client_parse(vec_key_v2cli, strlen(vec_key_v2cli),
						 &ck, err, sizeof(err)), 0);
	assert_int_equal(tlscryptv2_server_parse(vec_key_v2srv, strlen(vec_key_v2srv),
						 &srv, err, sizeof(err)), 0);
	/* The server key opens the client's WKc and finds its Kc inside,
	 * with openvpn's default timestamp metadata. */
	assert_int_equal(tlscryptv2_unwrap_wkc(&srv, ck.wkc, ck.wkc_len, &kc, meta,
					       sizeof(meta), &meta_len), 0);
	assert_memory_equal(kc.raw, ck.kc.raw, STATICKEY_BYTES);
	assert_int_equal(meta_len, 9);
	assert_int_equal(meta[0], TLSCRYPTV2_METADATA_TIMESTAMP);
	/* Wrapping Kc and that metadata again gives openvpn's WKc exactly
	 * (the IV is the tag: deterministic). */
	assert_int_equal(tlscryptv2_wrap_client_key(&srv, &kc, meta, meta_len,
						    wkc, sizeof(wkc), &wl), 0);
	assert_int_equal(wl, ck.wkc_len);
	assert_memory_equal(wkc, ck.wkc, wl);
	/* ... also as found at the end of the captured HARD_RESET_CLIENT_V3. */
	assert_int_equal(tlscryptv2_split_wkc(vec_tlscryptv2_c2s[0].p,
					      vec_tlscryptv2_c2s[0].len, &wl, &w,
					      &wkc_len), 0);
	assert_int_equal(tlscryptv2_unwrap_wkc(&srv, w, wkc_len, &kc, meta,
					       sizeof(meta), &meta_len), 0);
	/* Any corrupted WKc byte is refused. */
	for (size_t i = 0; i < ck.wkc_len; i++) {
		memcpy(wkc, ck.wkc, ck.wkc_len);
		wkc[i] ^= 0x20;
		assert_int_equal(tlscryptv2_unwrap_wkc(&srv, wkc, ck.wkc_len, &kc, meta,
						       sizeof(meta), &meta_len),
				 -EBADMSG);
	}
	assert_int_equal(tlscryptv2_unwrap_wkc(&srv, ck.wkc, ck.wkc_len, &kc, meta,
					       8, &meta_len), -ENOSPC);
	/* Wrong PEM type either way round. */
	assert_int_equal(tlscryptv2_client_parse(vec_key_v2srv, strlen(vec_key_v2srv),
						 &ck, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not \"OpenVPN tls-crypt-v2 client key\""));
	assert_int_equal(tlscryptv2_server_parse(vec_key_ta, strlen(vec_key_ta),
						 &srv, err, sizeof(err)), -EINVAL);
	assert_int_equal(tlscryptv2_client_parse("", 0, &ck, err, sizeof(err)),
			 -EINVAL);
	tlscryptv2_client_wipe(&ck);
	for (size_t i = 0; i < sizeof(ck); i++)
		assert_int_equal(((uint8_t *)&ck)[i], 0);
	tlscryptv2_server_wipe(&srv);
}

static void test_v2_load(void **state)
{
	char path[] = "/tmp/test_tlswrap.XXXXXX";
	struct tlscryptv2_client_key ck, want;
	char err[256];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, vec_key_v2cli, strlen(vec_key_v2cli)),
			 (ssize_t)strlen(vec_key_v2cli));
	close(fd);
	assert_int_equal(tlscryptv2_client_load(path, &ck, err, sizeof(err)), 0);
	assert_int_equal(tlscryptv2_client_parse(vec_key_v2cli, strlen(vec_key_v2cli),
						 &want, err, sizeof(err)), 0);
	assert_memory_equal(&ck, &want, sizeof(ck));
	/* A truncated file names itself and the problem. */
	assert_int_equal(truncate(path, 200), 0);
	assert_int_equal(tlscryptv2_client_load(path, &ck, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, path));
	unlink(path);
	assert_int_equal(tlscryptv2_client_load(path, &ck, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot open"));
	tlscryptv2_client_wipe(&want);
}

/* tlswrap_send / tlswrap_recv: a client talking to a server, then replays. */
static void test_send_recv(void **state)
{
	static const uint8_t ctl[] = { 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 0,
				       0, 0, 0, 1, 0x16, 0x03, 0x01 };
	uint8_t wire[3][128], out[128];
	size_t wl[3], n;
	enum pktid_verdict v;
	struct tlswrap_replay r;
	struct tlswrap_tx tx;
	struct ends e;

	(void)state;
	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		ends_init(&scenarios[s], &e);
		assert_int_equal(tlswrap_replay_init(&r, 15), 0);
		tlswrap_tx_init(&tx, 0, 1700000000u);
		for (int i = 0; i < 3; i++)
			assert_int_equal(tlswrap_send(&e.client, &tx, 1700000001u, ctl,
						      sizeof(ctl), wire[i],
						      sizeof(wire[i]), &wl[i]), 0);
		assert_int_equal(tx.last_id, 3);
		/* Delivered out of order, all accepted once. */
		for (int i = 2; i >= 0; i--) {
			assert_int_equal(tlswrap_recv(&e.server, &r, 0, wire[i], wl[i],
						      out, sizeof(out), &n, &v), 0);
			assert_int_equal(v, PKTID_OK);
			assert_int_equal(n, sizeof(ctl));
			assert_memory_equal(out, ctl, n);
		}
		assert_int_equal(tlswrap_recv(&e.server, &r, 0, wire[1], wl[1], out,
					      sizeof(out), &n, &v), -EALREADY);
		assert_int_equal(v, PKTID_DUPLICATE);
		wire[0][wl[0] - 1] ^= 1;
		assert_int_equal(tlswrap_recv(&e.server, &r, 0, wire[0], wl[0], out,
					      sizeof(out), &n, &v), -EBADMSG);
		tlswrap_replay_free(&r);
		ends_free(&e);
	}
}

/* The tls-crypt-v2 server's path: Kc comes out of the datagram's WKc. */
static void test_v2_server_path(void **state)
{
	struct tlscryptv2_server_key srv;
	struct tlswrap_key k;
	struct statickey kc;
	uint8_t meta[TLSCRYPTV2_METADATA_MAX], out[BUF_LEN];
	const struct vec_pkt *v = vec_tlscryptv2_c2s;
	const uint8_t *wkc;
	size_t wl, wkc_len, meta_len, n;
	struct tlswrap_pid pid;
	char err[160];

	(void)state;
	assert_int_equal(tlscryptv2_server_parse(vec_key_v2srv, strlen(vec_key_v2srv),
						 &srv, err, sizeof(err)), 0);
	for (unsigned int i = 0; v[i].p; i++) {
		if (!tlscryptv2_opcode_has_wkc(v[i].p[0]))
			continue;
		assert_int_equal(tlscryptv2_split_wkc(v[i].p, v[i].len, &wl, &wkc,
						      &wkc_len), 0);
		assert_int_equal(tlscryptv2_unwrap_wkc(&srv, wkc, wkc_len, &kc, meta,
						       sizeof(meta), &meta_len), 0);
		assert_int_equal(tlswrap_key_init(&k, TLSWRAP_CRYPT, &kc,
						  tlswrap_crypt_dir(true), NULL), 0);
		assert_int_equal(tlswrap_unwrap(&k, v[i].p, wl, out, sizeof(out), &n,
						&pid), 0);
		assert_int_equal(pid.id & TLSWRAP_EARLY_NEG_MASK,
				 TLSWRAP_EARLY_NEG_START);
		tlswrap_key_free(&k);
		statickey_wipe(&kc);
	}
	tlscryptv2_server_wipe(&srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unwrap_vectors),
		cmocka_unit_test(test_rewrap_identical),
		cmocka_unit_test(test_bit_flips_refused),
		cmocka_unit_test(test_wrong_direction_or_digest),
		cmocka_unit_test(test_replay_vectors),
		cmocka_unit_test(test_replay_rules),
		cmocka_unit_test(test_tx_ids),
		cmocka_unit_test(test_none_and_limits),
		cmocka_unit_test(test_v2_keys),
		cmocka_unit_test(test_v2_load),
		cmocka_unit_test(test_send_recv),
		cmocka_unit_test(test_v2_server_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
