/* UDP transport: sockets and batched datagram I/O (recvmmsg/sendmmsg). */
#ifndef DCOVPN_IO_UDP_H
#define DCOVPN_IO_UDP_H

#include <sys/socket.h>

#include "base/pkt.h"

/*
 * A non-blocking UDP socket bound to @local (family decides v4/v6; an IPv6
 * socket bound to :: is dual-stack). Large socket buffers are requested.
 * Returns the fd or -errno.
 */
int udp_open(const struct sockaddr *local, socklen_t local_len);

/*
 * Receive up to @n datagrams into @pkts (reset by the caller), filling each
 * pkt's addr/addrlen and sock. Returns the count (>= 1), -EAGAIN, or -errno.
 */
int udp_recv_batch(int fd, struct pkt *pkts, unsigned n);

/*
 * Send @n datagrams, each to its pkt->addr. Returns how many were sent; a
 * datagram the kernel refuses (other than EAGAIN) is skipped and counted in
 * *@failed, so one bad destination never stalls the batch.
 */
int udp_send_batch(int fd, struct pkt *pkts, unsigned n, unsigned *failed);

#endif
