/* UDP transport: sockets and batched datagram I/O (recvmmsg/sendmmsg). */
#ifndef DCOVPN_IO_UDP_H
#define DCOVPN_IO_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/pkt.h"

/*
 * A non-blocking UDP socket bound to @local (family decides v4/v6; an IPv6
 * socket bound to :: is dual-stack). Large socket buffers are requested.
 * Returns the fd or -errno.
 */
int udp_open(const struct sockaddr *local, socklen_t local_len);
/* The same with --mark/--bind-dev/--mtu-disc (io/sockopt.h; NULL: none). */
struct sock_opts;
int udp_open_so(const struct sockaddr *local, socklen_t local_len,
		const struct sock_opts *so);

/*
 * Receive up to @n datagrams into @pkts (reset by the caller), filling each
 * pkt's addr/addrlen and sock. Returns the count (>= 1), -EAGAIN, or -errno.
 */
int udp_recv_batch(int fd, struct pkt *pkts, unsigned n);

/*
 * Send @n datagrams, each to its pkt->addr (from its pkt->local if set).
 * Returns how many were sent; a datagram the kernel refuses (other than
 * EAGAIN) is skipped and counted in *@failed, so one bad destination never
 * stalls the batch. A local address that is no longer ours (EINVAL) is
 * dropped and the datagram leaves from the route's address instead.
 */
int udp_send_batch(int fd, struct pkt *pkts, unsigned n, unsigned *failed);

/*
 * OpenVPN's --multihome: have the kernel report where each datagram came
 * to (IP_PKTINFO on an IPv4 socket, IPV6_RECVPKTINFO on an IPv6 one, which
 * covers its v4-mapped clients too). udp_recv_batch then fills pkt->local,
 * and the send functions make a datagram with pkt->local set leave from
 * that address (one cmsg; a GSO train shares it). 0 or -errno.
 */
int udp_want_local(int fd, int family);

/*
 * Send one datagram to @to from @from (NULL or family 0: the route's
 * address). 0, or -errno (-EMSGSIZE if it went out short).
 */
int udp_send_from(int fd, const uint8_t *buf, size_t len,
		  const struct sockaddr *to, socklen_t to_len,
		  const struct pkt_local *from);

/* Ask the kernel to hand over trains of datagrams in one read (UDP_GRO);
 * udp_recv_batch then sets pkt->gso_size on a train. 0 or -errno. */
int udp_enable_gro(int fd);

/*
 * As udp_send_batch, but consecutive datagrams to the same destination
 * (and from the same pkt->local) with equal sizes (the last may be shorter) leave as one UDP GSO train
 * (UDP_SEGMENT): one trip through the stack for up to 64 datagrams. If the
 * kernel refuses GSO, *@gso_ok is cleared and the batch goes plain.
 */
int udp_send_batch_gso(int fd, struct pkt *pkts, unsigned n, unsigned *failed,
		       bool *gso_ok);

#endif
