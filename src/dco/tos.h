/*
 * --passtos: the outer packet takes the TOS of the packet it carries (the
 * IPv4 TOS byte or the IPv6 traffic class, ECN bits included, as OpenVPN
 * copies the whole byte). The tun worker reads it here once per tun read
 * (the segments of a super-packet share their header) and marks the
 * packets; the transport sets it per datagram (io/udp.c: IP_TOS and
 * IPV6_TCLASS control messages) or per stream (io/tcp.c: the socket
 * option, when it changes).
 */
#ifndef DCOVPN_DCO_TOS_H
#define DCOVPN_DCO_TOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The TOS / traffic class of the IPv4 or IPv6 packet at @d (@len bytes;
 * with @tap an Ethernet frame carrying one), or -1 if it is neither. */
int tos_of(bool tap, const uint8_t *d, size_t len);
/* The same as a pkt->tos value: PKT_TOS_SET | TOS, or 0 (leave the
 * socket's) when @d is no IP packet. */
uint16_t tos_mark(bool tap, const uint8_t *d, size_t len);

#endif
