/*
 * Offloads between the tun device and the engine (DESIGN.md section 2).
 *
 * With IFF_VNET_HDR and TUNSETOFFLOAD the kernel hands the tun reader TCP
 * "super-packets" of up to 64 KiB (and UDP ones with USO), each behind a
 * virtio-net header, with the transport checksum left for us to finish. The
 * engine splits them here into wire-sized segments before encryption
 * (vnet_segment). In the other direction, decrypted TCP segments of one flow
 * that arrive in one batch are merged back into one super-packet
 * (vnet_coalesce) so the kernel's stack sees one large packet, not forty.
 *
 *  virtio_net_hdr (10 bytes, host byte order, as the tun driver uses it):
 *  +-------+----------+-----------+-----------+------------+-------------+
 *  | flags | gso_type |  hdr_len  | gso_size  | csum_start | csum_offset |
 *  |  u8   |    u8    |    u16    |    u16    |    u16     |     u16     |
 *  +-------+----------+-----------+-----------+------------+-------------+
 */
#ifndef DCOVPN_IO_VNET_H
#define DCOVPN_IO_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pkt.h"

#define VNET_HDR_LEN 10u

#define VNET_F_NEEDS_CSUM 1u
#define VNET_F_DATA_VALID 2u

#define VNET_GSO_NONE 0u
#define VNET_GSO_TCPV4 1u
#define VNET_GSO_UDP 3u
#define VNET_GSO_TCPV6 4u
#define VNET_GSO_UDP_L4 5u
#define VNET_GSO_ECN 0x80u

struct vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

void vnet_hdr_get(const uint8_t *p, struct vnet_hdr *h);
void vnet_hdr_put(uint8_t *p, const struct vnet_hdr *h);

/*
 * Turn the packet @in (p->data = virtio-net header + IP packet) into
 * wire-ready IP packets: a plain packet is finished in place (checksum
 * completed if asked, header pulled) and is the only output; a GSO packet is
 * split into segments copied into @out[0..max_out) (each reset by the
 * caller), with IP lengths, IPv4 ids and checksums, TCP sequence numbers and
 * flags, and transport checksums all rewritten.
 * Returns the number of packets produced: when it returns 1 for a plain
 * packet, the output is @in itself and @out is untouched (*in_place is set).
 * -EINVAL for malformed headers, -EPROTONOSUPPORT for GSO types not handled,
 * -ENOSPC if more than @max_out segments would be needed (@in is then left
 * as it was, so the caller can make room and call again).
 */
int vnet_segment(struct pkt *in, struct pkt *out, unsigned max_out,
		 int *in_place);

/*
 * Merge consecutive TCP segments of the same flow among @pkts[0..n) (plain IP
 * packets, each with VNET_HDR_LEN of headroom) and push a virtio-net header
 * in front of every packet that remains. Merged-away packets are dropped from
 * the array; returns the new count. The packets must be authenticated
 * already (decrypted by the AEAD): checksums are not verified again, and a
 * packet left alone is marked VNET_F_DATA_VALID. Packets are merged within
 * runs of VNET_COALESCE_MAX. With @udp (the tun takes USO, Linux
 * 6.2+) equal-sized UDP datagrams of a flow are merged too, at most
 * VNET_UDP_MAX_SEGS into one, so that one write carries them all.
 */
#define VNET_COALESCE_MAX 64u
#define VNET_UDP_MAX_SEGS 64u
unsigned vnet_coalesce(struct pkt *pkts, unsigned n, bool udp);

/* Where the headers of an IP packet end (vnet.c's own; here for sizes). */
struct l4_info {
	unsigned version;  /* 4 or 6 */
	uint8_t proto;     /* TCP or UDP */
	size_t l4_off;     /* transport header */
	size_t hdrs_len;   /* IP + transport headers */
};

/* An open super-packet being built at output position @idx (vnet.c). */
struct gro_flow {
	unsigned idx;
	struct l4_info li;
	uint16_t gso_size;
	unsigned nseg;
	uint32_t next_seq;
	bool closed;
};

/*
 * The same coalescing one packet at a time, for a receive path that wants
 * to know where a packet will go before it decrypts it: the packets kept
 * ("heads", super-packets in the making) are pkts[0..n); the next one is
 * offered in pkts[n] (vnet_gro_add) and either merged into a head (its
 * slot is free again) or kept as the head pkts[n++]. At most
 * VNET_COALESCE_MAX heads (vnet_gro_full); vnet_gro_finish pushes the
 * virtio-net headers (as vnet_coalesce) and returns the count to write.
 */
struct vnet_gro {
	struct pkt *pkts;
	unsigned n;
	unsigned nflows;
	int last;          /* flow that took the last packet; -1: none */
	bool udp;
	struct gro_flow flows[VNET_COALESCE_MAX];
	int flow_of[VNET_COALESCE_MAX];
};

void vnet_gro_init(struct vnet_gro *g, struct pkt *pkts, bool udp);
/* Offer pkts[g->n]; true if it was merged away. */
bool vnet_gro_add(struct vnet_gro *g);
/* Merge @q (any buffer) into a head if it can be, else change nothing. */
bool vnet_gro_merge(struct vnet_gro *g, const struct pkt *q);
bool vnet_gro_full(const struct vnet_gro *g);
unsigned vnet_gro_finish(struct vnet_gro *g);
/*
 * The head that an IP packet of @ip_len bytes continuing the last packet's
 * flow would be merged into (NULL: none open, or it would not fit), and
 * that flow's IP + transport header length. A receiver may decrypt such a
 * segment so that its payload lands at the head's tail and then offer it
 * with vnet_gro_merge, which then copies nothing.
 */
struct pkt *vnet_gro_hint(const struct vnet_gro *g, size_t ip_len,
			  size_t *hdrs_len);

#endif
