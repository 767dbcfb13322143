#include "io/udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

/* Datagrams per recvmmsg/sendmmsg call; bounds the on-stack arrays. */
#define UDP_BATCH_MAX 64u
/* Socket buffers: enough for a burst of a few thousand full datagrams. */
#define UDP_SOCKBUF (4 * 1024 * 1024)

static void udp_set_bufs(int fd)
{
	int size = UDP_SOCKBUF;

	/* The FORCE variants ignore net.core.[rw]mem_max but need
	 * CAP_NET_ADMIN; fall back to the capped ones. Failure is harmless. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

int udp_open(const struct sockaddr *local, socklen_t local_len)
{
	int fd, err, off = 0;

	if (!local || (local->sa_family != AF_INET && local->sa_family != AF_INET6))
		return -EAFNOSUPPORT;
	fd = socket(local->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* An IPv6 socket on :: also serves IPv4 clients (as v4-mapped). */
	if (local->sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0)
		goto err_close;
	udp_set_bufs(fd);
	if (bind(fd, local, local_len) < 0)
		goto err_close;
	return fd;

err_close:
	err = -errno;
	close(fd);
	return err;
}

int udp_recv_batch(int fd, struct pkt *pkts, unsigned n)
{
	struct mmsghdr msgs[UDP_BATCH_MAX];
	struct iovec iovs[UDP_BATCH_MAX];
	int r;

	if (n > UDP_BATCH_MAX)
		n = UDP_BATCH_MAX;
	memset(msgs, 0, n * sizeof(msgs[0]));
	for (unsigned i = 0; i < n; i++) {
		iovs[i].iov_base = pkts[i].data;
		iovs[i].iov_len = pkt_tailroom(&pkts[i]);
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &pkts[i].addr;
		msgs[i].msg_hdr.msg_namelen = sizeof(pkts[i].addr);
	}
	do
		r = recvmmsg(fd, msgs, n, MSG_DONTWAIT, NULL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	for (int i = 0; i < r; i++) {
		/* The tailroom (64 KiB) exceeds any UDP payload, so MSG_TRUNC
		 * cannot happen; len is what arrived. */
		pkts[i].len = msgs[i].msg_len;
		pkts[i].addrlen = msgs[i].msg_hdr.msg_namelen;
		pkts[i].sock = fd;
	}
	return r;
}

/* Send @n (<= UDP_BATCH_MAX) datagrams; -EAGAIN in *@stop ends the batch. */
static unsigned udp_send_chunk(int fd, struct pkt *pkts, unsigned n,
			       unsigned *failed, int *stop)
{
	struct mmsghdr msgs[UDP_BATCH_MAX];
	struct iovec iovs[UDP_BATCH_MAX];
	unsigned i = 0, sent = 0;

	memset(msgs, 0, n * sizeof(msgs[0]));
	for (unsigned k = 0; k < n; k++) {
		iovs[k].iov_base = pkts[k].data;
		iovs[k].iov_len = pkts[k].len;
		msgs[k].msg_hdr.msg_iov = &iovs[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
		/* addrlen 0: a connected socket's default destination. */
		msgs[k].msg_hdr.msg_name = pkts[k].addrlen ? &pkts[k].addr : NULL;
		msgs[k].msg_hdr.msg_namelen = pkts[k].addrlen;
	}
	while (i < n) {
		int r = sendmmsg(fd, msgs + i, n - i, MSG_DONTWAIT);

		if (r > 0) {
			i += (unsigned)r;
			sent += (unsigned)r;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			*stop = -EAGAIN;
			break;
		}
		/* sendmmsg reports an error only for the first message it
		 * tried: skip that one and carry on with the rest. */
		(*failed)++;
		i++;
	}
	return sent;
}

int udp_send_batch(int fd, struct pkt *pkts, unsigned n, unsigned *failed)
{
	unsigned sent = 0, dummy = 0;
	int stop = 0;

	if (!failed)
		failed = &dummy;
	*failed = 0;
	for (unsigned off = 0; off < n && !stop; off += UDP_BATCH_MAX) {
		unsigned chunk = n - off < UDP_BATCH_MAX ? n - off : UDP_BATCH_MAX;

		sent += udp_send_chunk(fd, pkts + off, chunk, failed, &stop);
	}
	return (int)sent;
}
