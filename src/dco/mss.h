/*
 * TCP MSS clamping (OpenVPN's --mssfix): SYN packets crossing the tunnel in
 * either direction get their MSS option lowered so that the TCP segments of
 * the connection, once encapsulated, fit the link without fragmentation.
 */
#ifndef DCOVPN_DCO_MSS_H
#define DCOVPN_DCO_MSS_H

#include <stddef.h>
#include <stdint.h>

/*
 * If @ip (@len bytes, IPv4 or IPv6) is a TCP SYN whose MSS option exceeds
 * the clamp, lower it and fix the TCP checksum incrementally. @mss4 applies
 * to IPv4 packets; IPv6 packets get 20 bytes less (their longer header).
 * Returns 1 if the packet was changed, else 0. Never reads past @len.
 */
int mss_clamp(uint8_t *ip, size_t len, uint16_t mss4);

#endif
