/*
 * Compression framing without compression (PROTOCOL.md 5.8). dcovpn never
 * compresses (VORACLE), but servers that push `comp-lzo no`, `compress` or
 * `compress stub-v2` frame every data payload, pings included, and a peer
 * must frame the same way to be understood. These stubs add and remove that
 * framing in place; a payload that arrives really compressed is refused.
 */
#ifndef DCOVPN_DCO_COMPSTUB_H
#define DCOVPN_DCO_COMPSTUB_H

#include "base/pkt.h"
#include "dcovpn/dco.h"

/* Frame the plaintext at p->data for sending. 0, or -ENOSPC (no room). */
int compstub_wrap(enum dco_comp comp, struct pkt *p);
/* Remove the framing from a received plaintext. 0, -EPROTO (compressed
 * or malformed: drop it). */
int compstub_unwrap(enum dco_comp comp, struct pkt *p);

#endif
