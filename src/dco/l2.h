/*
 * Layer 2 (OpenVPN's dev tap): what the engine needs to know about the
 * Ethernet frames a tap device hands it. The data channel carries them
 * whole; nothing here changes a frame.
 */
#ifndef DCOVPN_DCO_L2_H
#define DCOVPN_DCO_L2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L2_ETH_HLEN 14u

/*
 * May a decrypted payload of @len bytes at @d go to the device: an IPv4 or
 * IPv6 packet for a tun, a whole Ethernet header (at least) for a tap.
 * OCC messages and anything else stop before it, as the drivers do.
 */
bool l2_payload_ok(bool tap, const uint8_t *d, size_t len);

#endif
