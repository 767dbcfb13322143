/* TSO/USO segmentation and TCP receive coalescing; see vnet.h. */
#include "io/vnet.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "base/bytes.h"
#include "io/csum.h"

#define IPPROTO_TCP_ 6u
#define IPPROTO_UDP_ 17u
#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u
#define TCP_URG 0x20u
#define TCP_CWR 0x80u
#define IP_MAX_LEN 65535u

void vnet_hdr_get(const uint8_t *p, struct vnet_hdr *h)
{
	h->flags = p[0];
	h->gso_type = p[1];
	memcpy(&h->hdr_len, p + 2, 2);
	memcpy(&h->gso_size, p + 4, 2);
	memcpy(&h->csum_start, p + 6, 2);
	memcpy(&h->csum_offset, p + 8, 2);
}

void vnet_hdr_put(uint8_t *p, const struct vnet_hdr *h)
{
	p[0] = h->flags;
	p[1] = h->gso_type;
	memcpy(p + 2, &h->hdr_len, 2);
	memcpy(p + 4, &h->gso_size, 2);
	memcpy(p + 6, &h->csum_start, 2);
	memcpy(p + 8, &h->csum_offset, 2);
}

static int parse_ip(const uint8_t *ip, size_t len, struct l4_info *li)
{
	if (len < 20)
		return -EINVAL;
	li->version = ip[0] >> 4;
	if (li->version == 4) {
		li->l4_off = (size_t)(ip[0] & 0x0f) * 4;
		li->proto = ip[9];
		if (li->l4_off < 20)
			return -EINVAL;
	} else if (li->version == 6) {
		li->l4_off = 40;
		li->proto = ip[6]; /* extension headers: not offloaded */
	} else {
		return -EINVAL;
	}
	return len < li->l4_off ? -EINVAL : 0;
}

static int parse_l4(const uint8_t *ip, size_t len, struct l4_info *li)
{
	int err = parse_ip(ip, len, li);
	size_t thl;

	if (err)
		return err;
	if (li->proto == IPPROTO_UDP_) {
		li->hdrs_len = li->l4_off + 8;
		return len < li->hdrs_len ? -EINVAL : 0;
	}
	if (li->proto != IPPROTO_TCP_)
		return -EPROTONOSUPPORT;
	if (len < li->l4_off + 20)
		return -EINVAL;
	thl = (size_t)(ip[li->l4_off + 12] >> 4) * 4;
	li->hdrs_len = li->l4_off + thl;
	return thl < 20 || len < li->hdrs_len ? -EINVAL : 0;
}

static uint64_t pseudo_sum(const uint8_t *ip, const struct l4_info *li,
			   size_t l4_len)
{
	if (li->version == 4)
		return csum_pseudo4(ip + 12, ip + 16, li->proto, (uint32_t)l4_len);
	return csum_pseudo6(ip + 8, ip + 24, li->proto, (uint32_t)l4_len);
}

static size_t l4_csum_field(const struct l4_info *li)
{
	return li->l4_off + (li->proto == IPPROTO_TCP_ ? 16 : 6);
}

/* Fill in the transport checksum over pseudo-header + L4 header + payload,
 * the payload's sum (@payload_sum, csum_add's form) already taken. */
static void l4_csum_fill_sum(uint8_t *ip, const struct l4_info *li, size_t len,
			     uint64_t payload_sum)
{
	size_t field = l4_csum_field(li);
	uint64_t sum;
	uint16_t c;

	store_be16(ip + field, 0);
	sum = csum_add(pseudo_sum(ip, li, len - li->l4_off), ip + li->l4_off,
		       li->hdrs_len - li->l4_off);
	c = csum_finish(sum + payload_sum);
	/* A UDP checksum of 0 means "none": send its other form. */
	if (c == 0 && li->proto == IPPROTO_UDP_)
		c = 0xffff;
	store_be16(ip + field, c);
}

static void ip_set_len(uint8_t *ip, const struct l4_info *li, size_t len)
{
	if (li->version == 4) {
		store_be16(ip + 2, (uint16_t)len);
		csum_ip4_header(ip, li->l4_off);
	} else {
		store_be16(ip + 4, (uint16_t)(len - 40));
	}
}

/* The kernel left a partial sum at csum_start + csum_offset: complete it. */
static int finish_partial_csum(uint8_t *p, size_t len, const struct vnet_hdr *h)
{
	size_t start = h->csum_start, field = start + h->csum_offset;
	uint16_t c;

	if (start >= len || field + 2 > len)
		return -EINVAL;
	c = csum_finish(csum_add(0, p + start, len - start));
	if (c == 0 && h->csum_offset == 6)
		c = 0xffff;
	store_be16(p + field, c);
	return 0;
}

/* Build segment @i of the IP packet @ip (@len bytes) into @seg. */
static void make_segment(const uint8_t *src, size_t len, const struct l4_info *li,
			 uint16_t gso_size, unsigned i, unsigned nseg,
			 struct pkt *seg)
{
	size_t payload = len - li->hdrs_len;
	size_t off = (size_t)i * gso_size;
	size_t plen = payload - off < gso_size ? payload - off : gso_size;
	uint8_t *ip = seg->data;
	uint64_t payload_sum;

	memcpy(ip, src, li->hdrs_len);
	/* the L4 header's length is even: the payload sum adds as it is */
	payload_sum = csum_copy(0, ip + li->hdrs_len, src + li->hdrs_len + off,
				plen);
	seg->len = (uint32_t)(li->hdrs_len + plen);
	if (li->version == 4)
		store_be16(ip + 4, (uint16_t)(load_be16(ip + 4) + i));
	ip_set_len(ip, li, seg->len);
	if (li->proto == IPPROTO_TCP_) {
		uint8_t *th = ip + li->l4_off;

		store_be32(th + 4, load_be32(th + 4) + (uint32_t)off);
		if (i + 1 < nseg)
			th[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (i > 0)
			th[13] &= (uint8_t)~TCP_CWR;
	} else {
		store_be16(ip + li->l4_off + 4, (uint16_t)(seg->len - li->l4_off));
	}
	l4_csum_fill_sum(ip, li, seg->len, payload_sum);
}

static int gso_check(const struct vnet_hdr *h, const struct l4_info *li)
{
	unsigned gso = h->gso_type & ~VNET_GSO_ECN;

	if (!h->gso_size)
		return -EINVAL;
	if (gso == VNET_GSO_TCPV4)
		return li->version == 4 && li->proto == IPPROTO_TCP_ ? 0 : -EINVAL;
	if (gso == VNET_GSO_TCPV6)
		return li->version == 6 && li->proto == IPPROTO_TCP_ ? 0 : -EINVAL;
	if (gso == VNET_GSO_UDP_L4)
		return li->proto == IPPROTO_UDP_ ? 0 : -EINVAL;
	return -EPROTONOSUPPORT;
}

int vnet_segment(struct pkt *in, struct pkt *out, unsigned max_out,
		 int *in_place)
{
	struct vnet_hdr h;
	struct l4_info li;
	uint8_t *ip;
	size_t payload, len;
	unsigned nseg;
	int err;

	*in_place = 0;
	if (in->len < VNET_HDR_LEN)
		return -EINVAL;
	vnet_hdr_get(in->data, &h);
	ip = in->data + VNET_HDR_LEN;
	len = in->len - VNET_HDR_LEN;
	if ((h.gso_type & ~VNET_GSO_ECN) == VNET_GSO_NONE) {
		err = (h.flags & VNET_F_NEEDS_CSUM) ?
			      finish_partial_csum(ip, len, &h) : 0;
		if (err)
			return err;
		pkt_pull(in, VNET_HDR_LEN);
		*in_place = 1;
		return 1;
	}
	err = parse_l4(ip, len, &li);
	if (!err)
		err = gso_check(&h, &li);
	if (err)
		return err;
	payload = len - li.hdrs_len;
	nseg = payload ? (unsigned)((payload + h.gso_size - 1) / h.gso_size) : 1;
	/* @in stays untouched on failure, so the caller may retry */
	if (nseg > max_out)
		return -ENOSPC;
	for (unsigned i = 0; i < nseg; i++)
		make_segment(ip, len, &li, h.gso_size, i, nseg, &out[i]);
	return (int)nseg;
}

/* ---- coalescing ---------------------------------------------------------- */

/* A TCP segment that may be merged, and the flow it belongs to. */
struct gro_seg {
	struct l4_info li;
	size_t payload;
	uint32_t seq;
	uint8_t flags;
};

/* The UDP part of gro_eligible: the length field must agree. */
static bool gro_eligible_udp(const struct pkt *p, struct gro_seg *s)
{
	s->payload = p->len - s->li.hdrs_len;
	s->seq = 0;
	s->flags = 0;
	return s->payload > 0 &&
	       load_be16(p->data + s->li.l4_off + 4) == p->len - s->li.l4_off;
}

/* Is @p a plain data segment (ACK, maybe PSH) that coalescing may take, or
 * with @udp a UDP datagram? */
static bool gro_eligible(const struct pkt *p, struct gro_seg *s, bool udp)
{
	const uint8_t *ip = p->data;
	uint8_t flags;

	if (parse_l4(ip, p->len, &s->li))
		return false;
	if (s->li.proto != IPPROTO_TCP_ && !(udp && s->li.proto == IPPROTO_UDP_))
		return false;
	if (s->li.version == 4 &&
	    (s->li.l4_off != 20 || (load_be16(ip + 6) & 0x3fff) ||
	     load_be16(ip + 2) != p->len))
		return false; /* options, fragments or padding */
	if (s->li.version == 6 && load_be16(ip + 4) + 40u != p->len)
		return false;
	if (s->li.proto == IPPROTO_UDP_)
		return gro_eligible_udp(p, s);
	flags = ip[s->li.l4_off + 13];
	if ((flags & ~TCP_PSH) != TCP_ACK || load_be16(ip + s->li.l4_off + 18))
		return false;
	s->payload = p->len - s->li.hdrs_len;
	s->seq = load_be32(ip + s->li.l4_off + 4);
	s->flags = flags;
	/* No checksum check: the packet was authenticated by the AEAD, which
	 * catches far more than the TCP checksum could (WireGuard's kernel
	 * driver trusts decrypted packets the same way). */
	return s->payload > 0;
}

/* Same addresses, ports and every header field that must not differ. */
static bool gro_same_flow(const uint8_t *a, const uint8_t *b,
			  const struct l4_info *la, const struct l4_info *lb)
{
	const uint8_t *ta = a + la->l4_off, *tb = b + lb->l4_off;

	if (la->version != lb->version || la->hdrs_len != lb->hdrs_len)
		return false;
	if (la->version == 4) {
		if (a[1] != b[1] || a[6] != b[6] || a[8] != b[8] ||
		    memcmp(a + 12, b + 12, 8))
			return false;
	} else if (memcmp(a, b, 4) || a[7] != b[7] || memcmp(a + 8, b + 8, 32)) {
		return false;
	}
	if (la->proto == IPPROTO_UDP_)
		return !memcmp(ta, tb, 4); /* ports; length and checksum differ */
	/* ports, ack, doff+window and options equal; seq and PSH may differ */
	return !memcmp(ta, tb, 4) && !memcmp(ta + 8, tb + 8, 5) &&
	       !memcmp(ta + 14, tb + 14, 2) &&
	       !memcmp(ta + 20, tb + 20, la->hdrs_len - la->l4_off - 20);
}

static bool gro_can_append(const struct gro_flow *f, const struct pkt *head,
			   const struct pkt *q, const struct gro_seg *s)
{
	if (f->closed || s->payload > f->gso_size)
		return false;
	if (f->li.proto == IPPROTO_TCP_ && s->seq != f->next_seq)
		return false;
	/* the kernel splits a UDP super-packet into at most 64 datagrams */
	if (f->li.proto == IPPROTO_UDP_ && f->nseg >= VNET_UDP_MAX_SEGS)
		return false;
	if (head->len + s->payload > IP_MAX_LEN ||
	    pkt_tailroom(head) < s->payload)
		return false;
	return gro_same_flow(head->data, q->data, &f->li, &s->li);
}

static void gro_append(struct gro_flow *f, struct pkt *head,
		       const struct pkt *q, const struct gro_seg *s)
{
	uint8_t *tail = head->data + head->len;
	const uint8_t *payload = q->data + s->li.hdrs_len;

	/* decrypted straight to the tail (vnet_gro_hint): already there */
	if (payload != tail)
		memmove(tail, payload, s->payload);
	head->len += (uint32_t)s->payload;
	f->nseg++;
	f->next_seq += (uint32_t)s->payload;
	/* A short segment or a push ends the super-packet, as in the kernel. */
	if (s->payload < f->gso_size || (s->flags & TCP_PSH)) {
		if (f->li.proto == IPPROTO_TCP_)
			head->data[f->li.l4_off + 13] |= s->flags & TCP_PSH;
		f->closed = true;
	}
}

static struct gro_flow *gro_find(struct gro_flow *flows, unsigned nflows,
				 const struct pkt *pkts, const struct pkt *q,
				 const struct gro_seg *s)
{
	for (unsigned i = nflows; i-- > 0;) {
		const uint8_t *h = pkts[flows[i].idx].data;
		const struct l4_info *hl = &flows[i].li;

		/* ports and addresses identify the flow */
		if (hl->version == s->li.version && hl->proto == s->li.proto &&
		    !memcmp(h + hl->l4_off, q->data + s->li.l4_off, 4) &&
		    (hl->version == 4 ? !memcmp(h + 12, q->data + 12, 8) :
					!memcmp(h + 8, q->data + 8, 32)))
			return &flows[i];
	}
	return NULL;
}

/* Finish a built super-packet: lengths, partial checksum, GSO header. */
static void gro_finish(struct pkt *p, const struct gro_flow *f)
{
	/* A lone packet is marked valid for the same reason as above: the
	 * kernel need not check-sum it again. */
	struct vnet_hdr h = { .flags = VNET_F_DATA_VALID };
	uint8_t *ip = p->data;

	if (f && f->nseg > 1) {
		size_t l4_len = p->len - f->li.l4_off;
		bool udp = f->li.proto == IPPROTO_UDP_;

		ip_set_len(ip, &f->li, p->len);
		if (udp)
			store_be16(ip + f->li.l4_off + 4, (uint16_t)l4_len);
		/* The kernel completes the sum of each segment it cuts. */
		store_be16(ip + l4_csum_field(&f->li),
			   csum_fold(pseudo_sum(ip, &f->li, l4_len)));
		h.flags = VNET_F_NEEDS_CSUM;
		h.gso_type = udp ? VNET_GSO_UDP_L4 :
			     f->li.version == 4 ? VNET_GSO_TCPV4 : VNET_GSO_TCPV6;
		h.hdr_len = (uint16_t)f->li.hdrs_len;
		h.gso_size = f->gso_size;
		h.csum_start = (uint16_t)f->li.l4_off;
		h.csum_offset = udp ? 6 : 16;
	}
	vnet_hdr_put(pkt_push(p, VNET_HDR_LEN), &h);
}

static void swap_pkts(struct pkt *a, struct pkt *b)
{
	struct pkt t = *a;

	*a = *b;
	*b = t;
}

/* Any TCP packet of a flow that is not merged closes that flow: nothing
 * after it may be merged into a super-packet in front of it. */
static void gro_close_flow_of(struct gro_flow *flows, unsigned nflows,
			      const struct pkt *pkts, const struct pkt *q)
{
	struct gro_seg s;
	struct gro_flow *f;

	if (parse_l4(q->data, q->len, &s.li))
		return;
	f = gro_find(flows, nflows, pkts, q, &s);
	if (f)
		f->closed = true;
}

void vnet_gro_init(struct vnet_gro *g, struct pkt *pkts, bool udp)
{
	g->pkts = pkts;
	g->n = 0;
	g->nflows = 0;
	g->last = -1;
	g->udp = udp;
}

/* The flow @q (eligible, described by @s) would be merged into, or NULL. */
static struct gro_flow *gro_target(struct vnet_gro *g, const struct pkt *q,
				   const struct gro_seg *s)
{
	struct gro_flow *f = gro_find(g->flows, g->nflows, g->pkts, q, s);

	return f && gro_can_append(f, &g->pkts[f->idx], q, s) ? f : NULL;
}

bool vnet_gro_merge(struct vnet_gro *g, const struct pkt *q)
{
	struct gro_seg s;
	struct gro_flow *f;

	if (!gro_eligible(q, &s, g->udp))
		return false;
	f = gro_target(g, q, &s);
	if (!f)
		return false;
	gro_append(f, &g->pkts[f->idx], q, &s);
	g->last = (int)(f - g->flows);
	return true;
}

bool vnet_gro_add(struct vnet_gro *g)
{
	struct pkt *q = &g->pkts[g->n];
	struct gro_seg s;
	struct gro_flow *f = NULL;
	bool ok;

	if (vnet_gro_merge(g, q))
		return true;
	ok = gro_eligible(q, &s, g->udp);
	if (ok)
		f = gro_find(g->flows, g->nflows, g->pkts, q, &s);
	else
		gro_close_flow_of(g->flows, g->nflows, g->pkts, q);
	if (f)
		f->closed = true; /* a later segment must not jump it */
	g->flow_of[g->n] = -1;
	g->last = -1;
	if (ok) {
		g->flows[g->nflows] = (struct gro_flow){
			.idx = g->n, .li = s.li,
			.gso_size = (uint16_t)s.payload, .nseg = 1,
			.next_seq = s.seq + (uint32_t)s.payload,
			.closed = (s.flags & TCP_PSH) != 0,
		};
		g->last = (int)g->nflows;
		g->flow_of[g->n] = (int)g->nflows++;
	}
	g->n++;
	return false;
}

bool vnet_gro_full(const struct vnet_gro *g)
{
	return g->n == VNET_COALESCE_MAX;
}

unsigned vnet_gro_finish(struct vnet_gro *g)
{
	unsigned n = g->n;

	for (unsigned i = 0; i < n; i++)
		gro_finish(&g->pkts[i],
			   g->flow_of[i] < 0 ? NULL : &g->flows[g->flow_of[i]]);
	vnet_gro_init(g, g->pkts, g->udp);
	return n;
}

struct pkt *vnet_gro_hint(const struct vnet_gro *g, size_t ip_len,
			  size_t *hdrs_len)
{
	const struct gro_flow *f;
	const struct pkt *head;
	size_t payload;

	if (g->last < 0)
		return NULL;
	f = &g->flows[g->last];
	head = &g->pkts[f->idx];
	payload = ip_len > f->li.hdrs_len ? ip_len - f->li.hdrs_len : 0;
	if (f->closed || payload == 0 || payload > f->gso_size ||
	    (f->li.proto == IPPROTO_UDP_ && f->nseg >= VNET_UDP_MAX_SEGS) ||
	    head->len + payload > IP_MAX_LEN || pkt_tailroom(head) < payload)
		return NULL;
	*hdrs_len = f->li.hdrs_len;
	return &g->pkts[f->idx];
}

unsigned vnet_coalesce(struct pkt *pkts, unsigned n, bool udp)
{
	struct vnet_gro g;
	unsigned out = 0;

	/* in runs: the flow table has room for VNET_COALESCE_MAX */
	for (unsigned at = 0; at < n; at += VNET_COALESCE_MAX) {
		unsigned len = n - at < VNET_COALESCE_MAX ? n - at :
							    VNET_COALESCE_MAX;
		unsigned kept;

		vnet_gro_init(&g, pkts + at, udp);
		for (unsigned i = 0; i < len; i++) {
			swap_pkts(&pkts[at + g.n], &pkts[at + i]);
			vnet_gro_add(&g);
		}
		kept = vnet_gro_finish(&g);
		for (unsigned i = 0; i < kept; i++)
			swap_pkts(&pkts[out + i], &pkts[at + i]);
		out += kept;
	}
	return out;
}
