/*
 * Layer 2 (OpenVPN's dev tap). As a client or P2P peer the engine carries
 * Ethernet frames whole; as a server (MP mode) it is a small switch, as
 * OpenVPN's multi.c with its learned MAC routes (mroute.c): a client's
 * source MAC is learned for that client, a frame from the tap goes to the
 * client that owns its destination MAC, and broadcast/multicast goes to
 * every client (and, from a client with client-to-client, to the others and
 * to the tap).
 */
#ifndef DCOVPN_DCO_L2_H
#define DCOVPN_DCO_L2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pkt.h"

#define L2_ETH_HLEN 14u
#define L2_MAC_LEN 6u
/* OpenVPN's --max-routes-per-client default: what one client may own. */
#define L2_MAX_PER_PEER 256u
/* A learned MAC not seen for this long is forgotten (a switch's ageing). */
#define L2_AGE_MS (300u * 1000u)

struct dco;
struct worker;
struct peer;
struct l2_table;

/*
 * May a decrypted payload of @len bytes at @d go to the device: an IPv4 or
 * IPv6 packet for a tun, a whole Ethernet header (at least) for a tap.
 * OCC messages and anything else stop before it, as the drivers do.
 */
bool l2_payload_ok(bool tap, const uint8_t *d, size_t len);

/*
 * OpenVPN's mssfix on whatever the device carries: an IP packet on a tun,
 * the IPv4/IPv6 packet inside an untagged Ethernet frame on a tap.
 */
void l2_mss_clamp(bool tap, uint8_t *d, size_t len, uint16_t mss);

/* The MP switch's table (dco->l2); NULL on allocation failure. */
struct l2_table *l2_table_new(void);
void l2_table_free(struct l2_table *t);
/* Forget every MAC of peer @id (the peer is going away). */
void l2_forget_peer(struct l2_table *t, uint32_t id);

/* Who owns @mac at @now_ms: a peer id, or DCO_PEER_ID_NONE (unknown or
 * aged out). */
uint32_t l2_lookup(struct l2_table *t, const uint8_t *mac, uint64_t now_ms);
/* @mac was seen from @p: (re)learn it, taking it from another peer if need
 * be; false if @p already owns L2_MAX_PER_PEER MACs. */
bool l2_learn(struct dco *dco, struct peer *p, const uint8_t *mac,
	      uint64_t now_ms);

/* MP: a frame read from the tap, sent to its owner or to every peer. */
void l2_tx_mp(struct worker *w, struct pkt *p, uint64_t now_ms);
/*
 * MP: a frame decrypted from @peer. Learns its source MAC; forwards it to
 * other peers with client-to-client. Returns true if it was fully handled
 * here (dropped or sent to another peer), false if it goes to the tap.
 */
bool l2_rx_mp(struct worker *w, struct peer *peer, struct pkt *p,
	      uint64_t now_ms);

#endif
