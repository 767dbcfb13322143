/*
 * Packet buffers. Each buffer reserves PKT_HEADROOM bytes in front of the
 * packet so that every header the data path adds (TCP length prefix, opcode
 * and peer-id, packet-id, AEAD tag, later a virtio-net header) is pushed in
 * place: no copy, no allocation per packet. Per-packet metadata (transport
 * address, peer) travels in the same struct.
 */
#ifndef DCOVPN_BASE_PKT_H
#define DCOVPN_BASE_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* TCP length (2) + P_DATA_V2 header (4) + packet-id (4) + tag (16) = 26
 * for AEAD; the legacy CBC format needs 2 + 4 + HMAC (up to 64) + IV (16) +
 * packet-id (4) = 90 (proto/datapkt_cbc.h). Rounded up to cache lines. */
#define PKT_HEADROOM 128u
/* Largest packet a buffer holds after its headroom: an IP packet of 64 KiB
 * (a GSO super-packet later) plus slack for trailing framing. */
#define PKT_DATA_MAX (65536u + 64u)

/*
 * The local address a datagram came to, or is to leave from (OpenVPN's
 * --multihome: a reply leaves from the address the client talked to, not
 * from whichever address the route prefers). Only a socket asked for it
 * (udp_want_local) reports one; family 0: none, the kernel picks. An IPv4
 * client of a dual-stack socket has a v4-mapped AF_INET6 address: the
 * family is the socket's, which decides the cmsg (IPV6_PKTINFO).
 */
struct pkt_local {
	sa_family_t family;     /* 0, AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
};

struct pkt {
	uint8_t *data;          /* first byte of the packet */
	uint32_t len;           /* bytes from data on */
	uint32_t peer_id;       /* peer it belongs to, DCO_PEER_ID_NONE if unknown */
	uint16_t gso_size;      /* received UDP GRO train: size of each datagram */
	uint16_t tos;           /* to send: PKT_TOS_SET | the outer TOS / traffic
				 * class (--passtos, dco/tos.h); 0: the socket's */
	uint8_t *base;          /* start of the buffer (headroom begins here) */
	uint32_t cap;           /* bytes from base to end of buffer */
	int sock;               /* socket it came in on / goes out of */
	socklen_t addrlen;      /* 0 when no transport address applies */
	struct sockaddr_storage addr; /* remote transport address */
	/* UDP: where it came to / leaves from. Not pkt_reset's: set by
	 * whatever fills addr (udp_recv_batch always, the engine's senders
	 * from the peer), as the batches reset hundreds of idle buffers per
	 * read (a store each measured 84% of this field's cost) */
	struct pkt_local local;
	/* Received data packet not yet decrypted: only its first
	 * PKT_SRC_HEAD bytes are in data[]; all len bytes are still at src,
	 * and decryption writes the plaintext into data[] (one pass, no
	 * copy). NULL: data[] holds the packet. */
	const uint8_t *src;
};
#define PKT_TOS_SET 0x100u
/* Enough for any data packet's header, packet-id and tag (4 + 4 + 16). */
#define PKT_SRC_HEAD 32u

/* Same local address (both none included)? */
static inline int pkt_local_equal(const struct pkt_local *a,
				  const struct pkt_local *b)
{
	if (a->family != b->family)
		return 0;
	if (a->family == AF_INET)
		return a->addr.v4.s_addr == b->addr.v4.s_addr;
	return !a->family || !memcmp(&a->addr.v6, &b->addr.v6, sizeof(a->addr.v6));
}

/* Make @p empty with the standard headroom. */
static inline void pkt_reset(struct pkt *p)
{
	p->data = p->base + PKT_HEADROOM;
	p->len = 0;
	p->addrlen = 0;
	p->gso_size = 0;
	p->tos = 0;
	p->src = NULL;
}

static inline size_t pkt_headroom(const struct pkt *p)
{
	return (size_t)(p->data - p->base);
}

static inline size_t pkt_tailroom(const struct pkt *p)
{
	return p->cap - pkt_headroom(p) - p->len;
}

/* Prepend @n bytes; returns their start, or NULL if the headroom is too small. */
static inline uint8_t *pkt_push(struct pkt *p, size_t n)
{
	if (pkt_headroom(p) < n)
		return NULL;
	p->data -= n;
	p->len += (uint32_t)n;
	return p->data;
}

/* Remove @n bytes from the front; returns the old start, or NULL if too short. */
static inline uint8_t *pkt_pull(struct pkt *p, size_t n)
{
	uint8_t *old = p->data;

	if (p->len < n)
		return NULL;
	p->data += n;
	p->len -= (uint32_t)n;
	return old;
}

/* A fixed set of buffers allocated once (per worker and direction). */
struct pkt_pool {
	struct pkt *pkts;
	uint8_t *mem;
	unsigned count;
};

/* @count buffers of PKT_DATA_MAX (room for a 64 KiB super-packet). */
int pkt_pool_init(struct pkt_pool *pool, unsigned count);
/* @count buffers holding at most @data_max bytes after the headroom. */
int pkt_pool_init_sized(struct pkt_pool *pool, unsigned count, size_t data_max);
void pkt_pool_free(struct pkt_pool *pool);

#endif
