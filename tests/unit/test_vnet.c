/*
 * Segmentation (TSO/USO) and coalescing against packets built here, checked
 * with a deliberately naive checksum written independently of io/csum.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/bytes.h"
#include "base/pkt.h"
#include "io/csum.h"
#include "io/vnet.h"

/* RFC 1071 the slow way: 16-bit words, end-around carry after each add. */
static uint16_t naive_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)sum;
}

static uint16_t naive_l4_check(const uint8_t *ip, size_t len)
{
	uint8_t ph[40];
	size_t phl, l4 = (ip[0] >> 4) == 4 ? (size_t)(ip[0] & 15) * 4 : 40;
	uint32_t l4len = (uint32_t)(len - l4);

	memset(ph, 0, sizeof(ph));
	if ((ip[0] >> 4) == 4) {
		memcpy(ph, ip + 12, 8);
		ph[9] = ip[9];
		store_be16(ph + 10, (uint16_t)l4len);
		phl = 12;
	} else {
		memcpy(ph, ip + 8, 32);
		store_be32(ph + 32, l4len);
		ph[39] = ip[6];
		phl = 40;
	}
	/* a correct packet sums to 0xffff including its checksum field */
	return naive_sum(ip + l4, len - l4, naive_sum(ph, phl, 0));
}

static void test_ip4_header_known(void **state)
{
	/* The classic example header; its checksum is 0xb861. */
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
			  0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
			  0xc0, 0xa8, 0x00, 0xc7 };

	(void)state;
	csum_ip4_header(h, 20);
	assert_int_equal(load_be16(h + 10), 0xb861);
}

static void test_csum_odd_lengths(void **state)
{
	uint8_t buf[1500 + 8];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	/* every length, from every alignment of the start */
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len++)
			assert_int_equal(csum_fold(csum_add(0, buf + off, len)),
					 naive_sum(buf + off, len, 0));
	/* all-ones data: the carries of a large super-packet */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(csum_fold(csum_add(0, buf, sizeof(buf))),
			 naive_sum(buf, sizeof(buf), 0));
	/* an incoming sum is added on, not replaced */
	assert_int_equal(csum_fold(csum_add(0x1234, buf + 3, 100)),
			 naive_sum(buf + 3, 100, 0x1234));
}

/* csum_copy copies exactly and sums as naive_sum does, from any alignment
 * of source and destination, every length, and with all-ones data. */
static void test_csum_copy(void **state)
{
	uint8_t src[1500 + 8], dst[1500 + 16];

	(void)state;
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 53 + 7);
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len + off <= sizeof(src); len++) {
			size_t doff = (off * 3) % 8;

			memset(dst, 0xa5, sizeof(dst));
			assert_int_equal(csum_fold(csum_copy(0, dst + doff,
							     src + off, len)),
					 naive_sum(src + off, len, 0));
			assert_memory_equal(dst + doff, src + off, len);
			/* not a byte beyond */
			assert_int_equal(dst[doff + len], 0xa5);
		}
	memset(src, 0xff, sizeof(src));
	assert_int_equal(csum_fold(csum_copy(0x1234, dst, src, sizeof(src))),
			 naive_sum(src, sizeof(src), 0x1234));
}

static struct pkt_pool pool;

static int setup(void **state)
{
	(void)state;
	return pkt_pool_init(&pool, 160);
}

static int teardown(void **state)
{
	(void)state;
	pkt_pool_free(&pool);
	return 0;
}

/* A TCP packet: IPv4 or IPv6, 12 bytes of options, @plen payload bytes. */
static size_t build_tcp(uint8_t *ip, int v6, uint32_t seq, size_t plen,
			uint8_t flags, uint8_t fill)
{
	size_t l4 = v6 ? 40 : 20, thl = 32, len = l4 + thl + plen;
	uint8_t *th = ip + l4;

	memset(ip, 0, l4 + thl);
	if (v6) {
		ip[0] = 0x60;
		store_be16(ip + 4, (uint16_t)(len - 40));
		ip[6] = 6;
		ip[7] = 64;
		ip[8] = 0xfd;
		ip[23] = 1;
		ip[24] = 0xfd;
		ip[39] = 2;
	} else {
		ip[0] = 0x45;
		store_be16(ip + 2, (uint16_t)len);
		store_be16(ip + 4, 0x1234);
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = 6;
		store_be32(ip + 12, 0xc6120001); /* 198.18.0.1 */
		store_be32(ip + 16, 0xc6120002);
		csum_ip4_header(ip, 20);
	}
	store_be16(th, 40000);
	store_be16(th + 2, 5201);
	store_be32(th + 4, seq);
	store_be32(th + 8, 0xabcdef01);
	th[12] = (uint8_t)(thl / 4) << 4;
	th[13] = flags;
	store_be16(th + 14, 512);
	/* NOP NOP TS(10): the usual options, equal on every segment */
	th[20] = 1;
	th[21] = 1;
	th[22] = 8;
	th[23] = 10;
	store_be32(th + 24, 777);
	store_be32(th + 28, 888);
	for (size_t i = 0; i < plen; i++)
		ip[l4 + thl + i] = (uint8_t)(fill + i * 7);
	store_be16(th + 16, 0);
	store_be16(th + 16, (uint16_t)~naive_l4_check(ip, len));
	return len;
}

/* Put @ip behind a virtio-net GSO header as the tun driver would. */
static void as_super_packet(struct pkt *p, const uint8_t *ip, size_t len,
			    int v6, uint16_t gso_size)
{
	struct vnet_hdr h = {
		.flags = VNET_F_NEEDS_CSUM,
		.gso_type = v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4,
		.hdr_len = (uint16_t)((v6 ? 40 : 20) + 32),
		.gso_size = gso_size,
		.csum_start = v6 ? 40 : 20,
		.csum_offset = 16,
	};

	pkt_reset(p);
	memcpy(p->data, ip, len);
	p->len = (uint32_t)len;
	vnet_hdr_put(pkt_push(p, VNET_HDR_LEN), &h);
}

static void check_segments(struct pkt *segs, int n, const uint8_t *orig,
			   size_t olen, int v6, uint16_t mss)
{
	size_t hdrs = (v6 ? 40u : 20u) + 32u, off = 0;

	for (int i = 0; i < n; i++) {
		const uint8_t *ip = segs[i].data;
		size_t plen = segs[i].len - hdrs;
		uint8_t flags = ip[(v6 ? 40 : 20) + 13];

		assert_true(plen <= mss);
		assert_true(i == n - 1 || plen == mss);
		assert_int_equal(naive_l4_check(ip, segs[i].len), 0xffff);
		if (!v6) {
			assert_int_equal(naive_sum(ip, 20, 0), 0xffff);
			assert_int_equal(load_be16(ip + 2), segs[i].len);
			assert_int_equal(load_be16(ip + 4), 0x1234 + i);
		} else {
			assert_int_equal(load_be16(ip + 4), segs[i].len - 40);
		}
		assert_int_equal(load_be32(ip + (v6 ? 44 : 24)), 1000 + off);
		assert_int_equal(flags & 0x08, i == n - 1 ? 0x08 : 0);
		assert_memory_equal(ip + hdrs, orig + hdrs + off, plen);
		off += plen;
	}
	assert_int_equal(off, olen - hdrs);
}

static void segment_and_back(int v6, size_t plen, uint16_t mss)
{
	static uint8_t orig[65536];
	size_t len = build_tcp(orig, v6, 1000, plen, 0x18 /* ACK|PSH */, 3);
	struct pkt *in = &pool.pkts[0], *segs = &pool.pkts[1];
	int in_place, n;
	unsigned m;

	as_super_packet(in, orig, len, v6, mss);
	for (unsigned i = 1; i < pool.count; i++)
		pkt_reset(&pool.pkts[i]);
	n = vnet_segment(in, segs, pool.count - 1, &in_place);
	assert_int_equal(n, (int)((plen + mss - 1) / mss));
	assert_false(in_place);
	check_segments(segs, n, orig, len, v6, mss);

	/* and back: the segments coalesce into the original super-packet */
	m = vnet_coalesce(segs, (unsigned)n, false);
	assert_int_equal(m, 1);
	{
		struct vnet_hdr h;

		vnet_hdr_get(segs[0].data, &h);
		assert_int_equal(h.gso_type, n > 1 ? (v6 ? VNET_GSO_TCPV6 :
						     VNET_GSO_TCPV4) : 0);
		if (n > 1)
			assert_int_equal(h.gso_size, mss);
		pkt_pull(&segs[0], VNET_HDR_LEN);
		assert_int_equal(segs[0].len, len);
		/* payload and seq as the original; PSH carried to the end */
		assert_memory_equal(segs[0].data + len - plen, orig + len - plen,
				    plen);
		assert_int_equal(segs[0].data[(v6 ? 40 : 20) + 13], 0x18);
	}
}

static void test_tso4_round_trip(void **state)
{
	(void)state;
	segment_and_back(0, 64000, 1380);
	segment_and_back(0, 1380 * 3, 1380); /* exact multiple */
	segment_and_back(0, 1, 1380);        /* odd: one byte */
	segment_and_back(0, 2761, 1380);
}

static void test_tso6_round_trip(void **state)
{
	(void)state;
	segment_and_back(1, 60001, 1360);
	segment_and_back(1, 999, 1360);
}

static void test_uso_segments(void **state)
{
	uint8_t ip[20 + 8 + 3000];
	struct pkt *in = &pool.pkts[0], *segs = &pool.pkts[1];
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_UDP_L4, 28, 1200, 20, 6 };
	int n, in_place;

	(void)state;
	memset(ip, 0, 28);
	ip[0] = 0x45;
	store_be16(ip + 2, sizeof(ip));
	ip[8] = 64;
	ip[9] = 17;
	store_be32(ip + 12, 0xc6120001);
	store_be32(ip + 16, 0xc6120002);
	store_be16(ip + 20, 5000);
	store_be16(ip + 22, 6000);
	for (size_t i = 28; i < sizeof(ip); i++)
		ip[i] = (uint8_t)i;
	pkt_reset(in);
	memcpy(in->data, ip, sizeof(ip));
	in->len = sizeof(ip);
	vnet_hdr_put(pkt_push(in, VNET_HDR_LEN), &h);
	for (unsigned i = 1; i < 4; i++)
		pkt_reset(&pool.pkts[i]);
	n = vnet_segment(in, segs, 3, &in_place);
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++) {
		const uint8_t *s = segs[i].data;

		assert_int_equal(load_be16(s + 24), segs[i].len - 20);
		assert_int_equal(naive_l4_check(s, segs[i].len), 0xffff);
		assert_int_equal(naive_sum(s, 20, 0), 0xffff);
	}
	assert_int_equal(segs[2].len, 28 + 600);
}

static void test_plain_partial_csum(void **state)
{
	uint8_t ip[200];
	size_t len = build_tcp(ip, 0, 5, 120, 0x10, 9);
	struct pkt *p = &pool.pkts[0];
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, 0, 0, 0, 20, 16 };
	uint16_t good = load_be16(ip + 36);
	int in_place;

	(void)state;
	/* what the kernel leaves: the pseudo-header sum, not complemented */
	store_be16(ip + 36, csum_fold(csum_pseudo4(ip + 12, ip + 16, 6,
						   (uint32_t)(len - 20))));
	pkt_reset(p);
	memcpy(p->data, ip, len);
	p->len = (uint32_t)len;
	vnet_hdr_put(pkt_push(p, VNET_HDR_LEN), &h);
	assert_int_equal(vnet_segment(p, NULL, 0, &in_place), 1);
	assert_true(in_place);
	assert_int_equal(p->len, len);
	assert_int_equal(load_be16(p->data + 36), good);
}

static void test_malformed_rejected(void **state)
{
	struct pkt *p = &pool.pkts[0];
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_TCPV4, 52, 1000, 20, 16 };
	int in_place;

	(void)state;
	/* too short for a header */
	pkt_reset(p);
	p->len = 5;
	assert_int_equal(vnet_segment(p, &pool.pkts[1], 8, &in_place), -EINVAL);
	/* GSO with a truncated IP packet */
	pkt_reset(p);
	memset(p->data, 0x45, 30);
	p->len = 30;
	vnet_hdr_put(pkt_push(p, VNET_HDR_LEN), &h);
	assert_true(vnet_segment(p, &pool.pkts[1], 8, &in_place) < 0);
	/* checksum offset beyond the packet */
	pkt_reset(p);
	memset(p->data, 0, 40);
	p->data[0] = 0x45;
	p->len = 40;
	h = (struct vnet_hdr){ VNET_F_NEEDS_CSUM, 0, 0, 0, 30, 16 };
	vnet_hdr_put(pkt_push(p, VNET_HDR_LEN), &h);
	assert_int_equal(vnet_segment(p, &pool.pkts[1], 8, &in_place), -EINVAL);
	/* too many segments for the output array */
	{
		static uint8_t ip[20000];
		size_t len = build_tcp(ip, 0, 1, 10000, 0x10, 1);

		as_super_packet(p, ip, len, 0, 100);
		assert_int_equal(vnet_segment(p, &pool.pkts[1], 8, &in_place),
				 -ENOSPC);
	}
}

static void put_tcp(struct pkt *p, int v6, uint32_t seq, size_t plen,
		    uint8_t flags, uint16_t sport)
{
	pkt_reset(p);
	p->len = (uint32_t)build_tcp(p->data, v6, seq, plen, flags, (uint8_t)seq);
	if (sport != 40000) {
		uint8_t *th = p->data + (v6 ? 40 : 20);

		store_be16(th, sport);
		store_be16(th + 16, 0);
		store_be16(th + 16, (uint16_t)~naive_l4_check(p->data, p->len));
	}
}

static uint8_t gso_type_of(const struct pkt *p)
{
	return p->data[1];
}

static void test_coalesce_mixed_flows(void **state)
{
	struct pkt *k = pool.pkts;
	unsigned n;

	(void)state;
	/* flow A: 3 segments; flow B interleaved: 2; a pure ACK of A closes A */
	put_tcp(&k[0], 0, 100, 1000, 0x10, 40000);
	put_tcp(&k[1], 0, 500, 800, 0x10, 40001);
	put_tcp(&k[2], 0, 1100, 1000, 0x10, 40000);
	put_tcp(&k[3], 0, 1300, 800, 0x18, 40001);
	put_tcp(&k[4], 0, 2100, 1000, 0x10, 40000);
	put_tcp(&k[5], 0, 3100, 0, 0x10, 40000);   /* pure ACK */
	put_tcp(&k[6], 0, 3100, 1000, 0x10, 40000); /* after it: new head */
	n = vnet_coalesce(k, 7, false);
	assert_int_equal(n, 4);
	assert_int_equal(gso_type_of(&k[0]), VNET_GSO_TCPV4);
	assert_int_equal(k[0].len, VNET_HDR_LEN + 52 + 3000);
	assert_int_equal(gso_type_of(&k[1]), VNET_GSO_TCPV4);
	assert_int_equal(k[1].len, VNET_HDR_LEN + 52 + 1600);
	assert_int_equal(gso_type_of(&k[2]), 0); /* the ACK, untouched */
	/* alone, and authenticated already: the kernel need not check it */
	assert_int_equal(k[2].data[0], VNET_F_DATA_VALID);
	assert_int_equal(k[0].data[0], VNET_F_NEEDS_CSUM);
	assert_int_equal(k[2].len, VNET_HDR_LEN + 52);
	assert_int_equal(gso_type_of(&k[3]), 0);
}

static void test_coalesce_refuses(void **state)
{
	struct pkt *k = pool.pkts;
	unsigned n;

	(void)state;
	/* a gap in sequence (a lost segment): no merge */
	put_tcp(&k[0], 0, 100, 1000, 0x10, 40000);
	put_tcp(&k[1], 0, 2100, 1000, 0x10, 40000);
	/* a FIN: no merge */
	put_tcp(&k[2], 1, 100, 1000, 0x10, 40000);
	put_tcp(&k[3], 1, 1100, 1000, 0x11, 40000);
	/* a larger segment after a smaller one: no merge */
	put_tcp(&k[4], 1, 9000, 500, 0x10, 40002);
	put_tcp(&k[5], 1, 9500, 1000, 0x10, 40002);
	n = vnet_coalesce(k, 6, false);
	assert_int_equal(n, 6);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(gso_type_of(&k[i]), 0);
}

/*
 * Offer segment @seg (built apart, @len bytes) as a receiver decrypting
 * straight to the tail would: its bytes put in front of @head's tail so
 * that its payload lands there, the head's bytes they cover put back after
 * vnet_gro_merge. Returns what vnet_gro_merge said.
 */
static bool merge_at_tail(struct vnet_gro *g, struct pkt *head, size_t hl,
			  const uint8_t *seg, size_t len)
{
	uint8_t save[128];
	uint8_t *tail = head->data + head->len;
	struct pkt q = { .data = tail - hl, .len = (uint32_t)len,
			 .base = head->base, .cap = head->cap };
	bool merged;

	memcpy(save, q.data, hl);
	memcpy(q.data, seg, len);
	merged = vnet_gro_merge(g, &q);
	memcpy(q.data, save, hl);
	return merged;
}

/* Segments merged where they already are (a receiver decrypted them onto
 * the head's tail, vnet_gro_hint) give the bytes of a copying merge. */
static void gro_in_place(int v6)
{
	static uint8_t seg[4][2048];
	size_t hl = (v6 ? 40u : 20u) + 32u, len[4];
	struct pkt *k = pool.pkts, *head;
	struct vnet_gro g;
	size_t got_hl = 0;
	unsigned n;

	for (unsigned i = 0; i < 4; i++)
		len[i] = build_tcp(seg[i], v6, 100 + 1300 * i, 1300,
				   i == 3 ? 0x18 : 0x10, (uint8_t)(9 * i));
	/* the reference: each in a buffer of its own, coalesced by copying */
	for (unsigned i = 0; i < 4; i++) {
		pkt_reset(&k[4 + i]);
		memcpy(k[4 + i].data, seg[i], len[i]);
		k[4 + i].len = (uint32_t)len[i];
	}
	assert_int_equal(vnet_coalesce(&k[4], 4, false), 1);

	vnet_gro_init(&g, k, false);
	assert_null(vnet_gro_hint(&g, len[1], &got_hl)); /* nothing open */
	pkt_reset(&k[0]);
	memcpy(k[0].data, seg[0], len[0]);
	k[0].len = (uint32_t)len[0];
	assert_false(vnet_gro_add(&g));
	for (unsigned i = 1; i < 4; i++) {
		head = vnet_gro_hint(&g, len[i], &got_hl);
		assert_ptr_equal(head, &k[0]);
		assert_int_equal(got_hl, hl);
		assert_true(merge_at_tail(&g, head, hl, seg[i], len[i]));
	}
	/* the PSH closed the flow: no more hints */
	assert_null(vnet_gro_hint(&g, len[1], &got_hl));
	n = vnet_gro_finish(&g);
	assert_int_equal(n, 1);
	assert_int_equal(k[0].len, k[4].len);
	assert_memory_equal(k[0].data, k[4].data, k[4].len);
}

static void test_gro_in_place(void **state)
{
	(void)state;
	gro_in_place(0);
	gro_in_place(1);
}

/* A segment of another flow put at the tail is refused (nothing changes)
 * and the head stays intact; one too large for the head gets no hint. */
static void test_gro_in_place_refused(void **state)
{
	static uint8_t seg[2048], ref[2048];
	struct pkt *k = pool.pkts;
	struct vnet_gro g;
	size_t hl = 52, len, got_hl;

	(void)state;
	vnet_gro_init(&g, k, false);
	put_tcp(&k[0], 0, 100, 1300, 0x10, 40000);
	memcpy(ref, k[0].data, k[0].len);
	assert_false(vnet_gro_add(&g));
	len = build_tcp(seg, 0, 1400, 1300, 0x10, 5);
	store_be16(seg + 20, 40001); /* another source port */
	assert_false(merge_at_tail(&g, &k[0], hl, seg, len));
	assert_int_equal(k[0].len, 52 + 1300);
	assert_memory_equal(k[0].data, ref, k[0].len);
	/* larger than the flow's segment size: would not be merged */
	assert_null(vnet_gro_hint(&g, 52 + 1301, &got_hl));
	assert_int_equal(vnet_gro_finish(&g), 1);
}

/* A UDP datagram from port @sport with a correct checksum; IPv4 id @id. */
static size_t build_udp(uint8_t *ip, int v6, uint16_t sport, uint16_t id,
			size_t plen, uint8_t fill)
{
	size_t l4 = v6 ? 40 : 20, len = l4 + 8 + plen;
	uint16_t c;

	memset(ip, 0, l4 + 8);
	if (v6) {
		ip[0] = 0x60;
		store_be16(ip + 4, (uint16_t)(len - 40));
		ip[6] = 17;
		ip[7] = 64;
		ip[8] = 0xfd;
		ip[23] = 1;
		ip[24] = 0xfd;
		ip[39] = 2;
	} else {
		ip[0] = 0x45;
		store_be16(ip + 2, (uint16_t)len);
		store_be16(ip + 4, id);
		ip[6] = 0x40;
		ip[8] = 64;
		ip[9] = 17;
		store_be32(ip + 12, 0xc6120001);
		store_be32(ip + 16, 0xc6120002);
		csum_ip4_header(ip, 20);
	}
	store_be16(ip + l4, sport);
	store_be16(ip + l4 + 2, 5201);
	store_be16(ip + l4 + 4, (uint16_t)(len - l4));
	for (size_t i = 0; i < plen; i++)
		ip[l4 + 8 + i] = (uint8_t)(fill + i * 7);
	c = (uint16_t)~naive_l4_check(ip, len);
	store_be16(ip + l4 + 6, c ? c : 0xffff);
	return len;
}

/* Datagrams of one flow coalesce into one USO super-packet that the
 * segmenter (the kernel's job, done here by vnet_segment) turns back into
 * exactly the datagrams that went in. */
static void udp_coalesce_round_trip(int v6, unsigned n, size_t plen, size_t last)
{
	static uint8_t orig[80][1600];
	size_t olen[80];
	struct pkt *k = pool.pkts, *segs = &pool.pkts[n];
	struct vnet_hdr h;
	int in_place, m;
	unsigned out;

	for (unsigned i = 0; i < n; i++) {
		olen[i] = build_udp(orig[i], v6, 40000, (uint16_t)(0x1234 + i),
				    i == n - 1 ? last : plen, (uint8_t)i);
		pkt_reset(&k[i]);
		memcpy(k[i].data, orig[i], olen[i]);
		k[i].len = (uint32_t)olen[i];
	}
	out = vnet_coalesce(k, n, true);
	assert_int_equal(out, (n + VNET_UDP_MAX_SEGS - 1) / VNET_UDP_MAX_SEGS);
	vnet_hdr_get(k[0].data, &h);
	assert_int_equal(h.gso_type, n > 1 ? VNET_GSO_UDP_L4 : 0);
	if (n == 1)
		return;
	assert_int_equal(h.gso_size, plen);
	assert_int_equal(h.csum_offset, 6);
	/* the kernel cuts by the UDP length, so it must cover them all */
	assert_int_equal(load_be16(k[0].data + VNET_HDR_LEN + h.csum_start + 4),
			 k[0].len - VNET_HDR_LEN - h.csum_start);
	for (unsigned i = 0; i < pool.count - n; i++)
		pkt_reset(&segs[i]);
	m = vnet_segment(&k[0], segs, pool.count - n, &in_place);
	assert_int_equal(m, n < VNET_UDP_MAX_SEGS ? n : VNET_UDP_MAX_SEGS);
	for (int i = 0; i < m; i++) {
		assert_int_equal(segs[i].len, olen[i]);
		assert_memory_equal(segs[i].data, orig[i], olen[i]);
	}
}

static void test_coalesce_udp(void **state)
{
	struct pkt *k = pool.pkts;

	(void)state;
	udp_coalesce_round_trip(0, 5, 64, 64);
	udp_coalesce_round_trip(0, 7, 1372, 13);  /* a short one ends it */
	udp_coalesce_round_trip(1, 9, 1352, 1352);
	udp_coalesce_round_trip(0, 70, 100, 100); /* more than one can hold */
	udp_coalesce_round_trip(0, 1, 100, 100);
	/* without USO on the tun: untouched */
	for (unsigned i = 0; i < 4; i++) {
		pkt_reset(&k[i]);
		k[i].len = (uint32_t)build_udp(k[i].data, 0, 40000, 1, 200, 0);
	}
	assert_int_equal(vnet_coalesce(k, 4, false), 4);
	/* two flows interleaved, and a larger datagram after a smaller */
	for (unsigned i = 0; i < 6; i++) {
		pkt_reset(&k[i]);
		k[i].len = (uint32_t)build_udp(k[i].data, 0,
					       (uint16_t)(40000 + i % 2), 1,
					       i == 4 ? 300 : 200, 0);
	}
	/* flow A: 0,2 merge, 4 is larger: alone; flow B: 1,3,5 merge */
	assert_int_equal(vnet_coalesce(k, 6, true), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip4_header_known),
		cmocka_unit_test(test_csum_odd_lengths),
		cmocka_unit_test(test_csum_copy),
		cmocka_unit_test(test_tso4_round_trip),
		cmocka_unit_test(test_tso6_round_trip),
		cmocka_unit_test(test_uso_segments),
		cmocka_unit_test(test_plain_partial_csum),
		cmocka_unit_test(test_malformed_rejected),
		cmocka_unit_test(test_coalesce_mixed_flows),
		cmocka_unit_test(test_coalesce_refuses),
		cmocka_unit_test(test_coalesce_udp),
		cmocka_unit_test(test_gro_in_place),
		cmocka_unit_test(test_gro_in_place_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
