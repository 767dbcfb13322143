#include "io/udp.h"
#include "io/sockopt.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

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
	return udp_open_so(local, local_len, NULL);
}

int udp_open_so(const struct sockaddr *local, socklen_t local_len,
		const struct sock_opts *so)
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
	err = sockopt_apply(fd, local->sa_family, so);
	if (err) {
		close(fd);
		return err;
	}
	if (bind(fd, local, local_len) < 0)
		goto err_close;
	return fd;

err_close:
	err = -errno;
	close(fd);
	return err;
}

int udp_enable_gro(int fd)
{
	int on = 1;

	return setsockopt(fd, IPPROTO_UDP, UDP_GRO, &on, sizeof(on)) ? -errno : 0;
}

int udp_want_local(int fd, int family)
{
	int on = 1;
	int r = family == AF_INET6 ?
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) :
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));

	return r ? -errno : 0;
}

/* Control space to receive one message: a UDP_GRO size and, on a
 * --multihome socket, the local address (in6_pktinfo, the larger kind). */
union udp_ctl {
	char buf[CMSG_SPACE(sizeof(int)) +
		 CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct cmsghdr align;
};

/* Control space to send one datagram or train: UDP_SEGMENT, --passtos'
 * IP_TOS and IPV6_TCLASS (both: the socket's family and the destination
 * decide which one the kernel uses, the other it skips), and last the
 * --multihome source (IP_PKTINFO or IPV6_PKTINFO, the larger). */
union udp_tx_ctl {
	char buf[3 * CMSG_SPACE(sizeof(int)) +
		 CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct cmsghdr align;
};

/* Append a control message to @mh, whose msg_control is set (every one
 * added takes CMSG_SPACE: the next starts where msg_controllen ends). */
static void udp_cmsg_add(struct msghdr *mh, int level, int type,
			 const void *v, size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)((char *)mh->msg_control +
					       mh->msg_controllen);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), v, len);
	mh->msg_controllen += CMSG_SPACE(len);
}

/* @p's --passtos value on @mh, after the control messages it has (their
 * buffer being @ctl's, if any). Nothing for most packets. */
static void udp_set_tos(struct msghdr *mh, union udp_tx_ctl *ctl,
			const struct pkt *p)
{
	int tos = p->tos & 0xff;

	if (!(p->tos & PKT_TOS_SET))
		return;
	if (!mh->msg_control) {
		mh->msg_control = ctl->buf;
		mh->msg_controllen = 0;
	}
	udp_cmsg_add(mh, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	udp_cmsg_add(mh, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
}

/* The datagram size of a GRO train, 0 if none. */
static uint16_t udp_gro_size(const struct cmsghdr *c)
{
	int size = 0;

	/* the kernel writes an int (older ones documented u16) */
	memcpy(&size, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0) >= sizeof(int) ?
					    sizeof(int) : sizeof(uint16_t));
	return size > 0 && size <= 65535 ? (uint16_t)size : 0;
}

/* IP_PKTINFO: ipi_spec_dst is the local address a reply is to come from
 * (for unicast, the destination the client used). */
static void udp_local_v4(const struct cmsghdr *c, struct pkt_local *l)
{
	struct in_pktinfo pi;

	if (c->cmsg_len < CMSG_LEN(sizeof(pi)))
		return;
	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	l->family = AF_INET;
	l->addr.v4 = pi.ipi_spec_dst;
}

static void udp_local_v6(const struct cmsghdr *c, struct pkt_local *l)
{
	struct in6_pktinfo pi;

	if (c->cmsg_len < CMSG_LEN(sizeof(pi)))
		return;
	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	l->family = AF_INET6;
	l->addr.v6 = pi.ipi6_addr;
}

/* What a received message's cmsgs tell: its GRO train size, the local
 * address (multihome sockets only; nothing to read on the others). */
static void udp_read_ctl(struct msghdr *mh, struct pkt *p)
{
	p->gso_size = 0;
	p->local.family = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == UDP_GRO)
			p->gso_size = udp_gro_size(c);
		else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			udp_local_v4(c, &p->local);
		else if (c->cmsg_level == IPPROTO_IPV6 &&
			 c->cmsg_type == IPV6_PKTINFO)
			udp_local_v6(c, &p->local);
	}
}

/* The --multihome source @l (if any) on @mh, after the control messages
 * it has (in @ctl's buffer, if any): always the last one, so that
 * udp_drop_local can take it off again. */
static void udp_put_local(struct msghdr *mh, union udp_tx_ctl *ctl,
			  const struct pkt_local *l)
{
	if (!l->family)
		return;
	if (!mh->msg_control) {
		mh->msg_control = ctl->buf;
		mh->msg_controllen = 0;
	}
	if (l->family == AF_INET) {
		/* ifindex 0: the route decides the way out, as the ovpn
		 * driver does; only the source is fixed */
		struct in_pktinfo pi = { .ipi_spec_dst = l->addr.v4 };

		udp_cmsg_add(mh, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	} else {
		/* a v4-mapped source on a dual-stack socket's IPv4 reply
		 * is taken as the IPv4 source (ip_cmsg_send) */
		struct in6_pktinfo pi = { .ipi6_addr = l->addr.v6 };

		udp_cmsg_add(mh, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
}

/* Would this error of a send with a source address go away without it?
 * A source that is no longer ours: IPv6 says EINVAL; IPv4's route look-up
 * ENETUNREACH (or EINVAL, EADDRNOTAVAIL). */
static bool udp_local_refused(int err)
{
	return err == EINVAL || err == ENETUNREACH || err == EADDRNOTAVAIL;
}

/* A send refused for its source address: take the source (the last
 * control message, udp_put_local) off @mh so that the caller can try
 * again from the route's address, as the ovpn driver does. False if there
 * is none (any more) or the error is another. */
static bool udp_drop_local(struct msghdr *mh)
{
	struct cmsghdr *c, *last = NULL;

	if (!udp_local_refused(errno))
		return false;
	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		last = c;
	if (!last || !((last->cmsg_level == IPPROTO_IP &&
			last->cmsg_type == IP_PKTINFO) ||
		       (last->cmsg_level == IPPROTO_IPV6 &&
			last->cmsg_type == IPV6_PKTINFO)))
		return false;
	mh->msg_controllen = (size_t)((char *)last - (char *)mh->msg_control);
	if (!mh->msg_controllen)
		mh->msg_control = NULL;
	return true;
}

int udp_send_from(int fd, const uint8_t *buf, size_t len,
		  const struct sockaddr *to, socklen_t to_len,
		  const struct pkt_local *from)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_name = (void *)to, .msg_namelen = to_len,
			     .msg_iov = &iov, .msg_iovlen = 1 };
	union udp_tx_ctl ctl;
	ssize_t n;

	if (from)
		udp_put_local(&mh, &ctl, from);
	do
		n = sendmsg(fd, &mh, MSG_DONTWAIT);
	while (n < 0 && (errno == EINTR || udp_drop_local(&mh)));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int udp_recv_batch(int fd, struct pkt *pkts, unsigned n)
{
	struct mmsghdr msgs[UDP_BATCH_MAX];
	struct iovec iovs[UDP_BATCH_MAX];
	union udp_ctl ctl[UDP_BATCH_MAX];
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
		msgs[i].msg_hdr.msg_control = ctl[i].buf;
		msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
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
		udp_read_ctl(&msgs[i].msg_hdr, &pkts[i]);
		/* A train cut short by a small buffer: drop the partial last
		 * datagram rather than pass it on truncated. */
		if ((msgs[i].msg_hdr.msg_flags & MSG_TRUNC) && pkts[i].gso_size)
			pkts[i].len -= pkts[i].len % pkts[i].gso_size;
	}
	return r;
}

/* Send @n (<= UDP_BATCH_MAX) datagrams; -EAGAIN in *@stop ends the batch. */
static unsigned udp_send_chunk(int fd, struct pkt *pkts, unsigned n,
			       unsigned *failed, int *stop)
{
	struct mmsghdr msgs[UDP_BATCH_MAX];
	struct iovec iovs[UDP_BATCH_MAX];
	union udp_tx_ctl ctl[UDP_BATCH_MAX];
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
		udp_set_tos(&msgs[k].msg_hdr, &ctl[k], &pkts[k]);
		udp_put_local(&msgs[k].msg_hdr, &ctl[k], &pkts[k].local);
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
		if (udp_drop_local(&msgs[i].msg_hdr))
			continue;
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

/* ---- UDP GSO: trains of equal-sized datagrams in one send ---------------- */

/* Linux takes at most 64 segments per GSO send; total under the IP limit. */
#define UDP_GSO_MAX_SEGS 64u
#define UDP_GSO_MAX_BYTES 65000u

/* How many packets from @p on form one train: same destination, TOS and
 * source, equal sizes, the last one possibly shorter. (All go out on the
 * fd given, as in udp_send_batch, whatever their ->sock says.) */
static unsigned udp_train_len(const struct pkt *p, unsigned n)
{
	unsigned k = 1;
	size_t bytes = p[0].len;

	while (k < n && k < UDP_GSO_MAX_SEGS && p[k].len && p[k].len <= p[0].len &&
	       bytes + p[k].len <= UDP_GSO_MAX_BYTES &&
	       p[k].addrlen == p[0].addrlen && p[k].tos == p[0].tos &&
	       !memcmp(&p[k].addr, &p[0].addr, p[0].addrlen) &&
	       pkt_local_equal(&p[k].local, &p[0].local)) {
		bytes += p[k].len;
		if (p[k++].len < p[0].len)
			break;
	}
	return k;
}

struct udp_gso_batch {
	struct mmsghdr msgs[UDP_BATCH_MAX];
	struct iovec iovs[UDP_BATCH_MAX * UDP_GSO_MAX_SEGS];
	union udp_tx_ctl ctl[UDP_BATCH_MAX];
	unsigned first[UDP_BATCH_MAX];   /* packet index each message starts at */
	unsigned count[UDP_BATCH_MAX];   /* packets in each message */
};

static void udp_gso_msg(struct udp_gso_batch *b, unsigned m, struct pkt *p,
			unsigned k, struct iovec *iov)
{
	struct msghdr *mh = &b->msgs[m].msg_hdr;

	for (unsigned i = 0; i < k; i++) {
		iov[i].iov_base = p[i].data;
		iov[i].iov_len = p[i].len;
	}
	memset(mh, 0, sizeof(*mh));
	mh->msg_iov = iov;
	mh->msg_iovlen = k;
	mh->msg_name = p[0].addrlen ? &p[0].addr : NULL;
	mh->msg_namelen = p[0].addrlen;
	if (k > 1) {
		uint16_t size = (uint16_t)p[0].len;

		mh->msg_control = b->ctl[m].buf;
		mh->msg_controllen = 0;
		udp_cmsg_add(mh, IPPROTO_UDP, UDP_SEGMENT, &size, sizeof(size));
	}
	udp_set_tos(mh, &b->ctl[m], &p[0]);
	/* a train has one source: its first datagram's */
	udp_put_local(mh, &b->ctl[m], &p[0].local);
}

/*
 * Send messages [0, m), which hold pkts[0, npkts); returns packets sent and
 * sets *@stop when the socket would block. A train the kernel cannot
 * segment (EIO: no checksum offload on the way; EINVAL: e.g. a segment over
 * the path MTU) turns GSO off for the socket, and it and everything after
 * it go plain, so nothing is lost to the switch.
 */
static unsigned udp_gso_send(int fd, struct udp_gso_batch *b, unsigned m,
			     struct pkt *pkts, unsigned npkts, unsigned *failed,
			     bool *gso_ok, bool *stop)
{
	unsigned done = 0, sent = 0;

	while (done < m) {
		int r = sendmmsg(fd, b->msgs + done, m - done, MSG_DONTWAIT);

		if (r > 0) {
			for (int i = 0; i < r; i++)
				sent += b->count[done + (unsigned)i];
			done += (unsigned)r;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			*stop = true;
			break;
		}
		if ((b->count[done] > 1 && errno == EMSGSIZE) ||
		    (pkts[b->first[done]].local.family &&
		     udp_local_refused(errno))) {
			/* datagrams over the path MTU: GSO cannot split them,
			 * the plain path lets the kernel fragment them (as
			 * OpenVPN's packets are); GSO stays on for the rest.
			 * A train refused for its source address (multihome:
			 * one no longer ours): the plain path drops it */
			unsigned first = b->first[done], fail = 0;
			int plain = udp_send_batch(fd, pkts + first,
						   b->count[done], &fail);

			*failed += fail;
			sent += plain > 0 ? (unsigned)plain : 0;
			done++;
			continue;
		}
		if (b->count[done] > 1 && (errno == EIO || errno == EINVAL ||
					   errno == ENOPROTOOPT)) {
			unsigned first = b->first[done], fail = 0;
			int plain;

			*gso_ok = false;
			plain = udp_send_batch(fd, pkts + first, npkts - first, &fail);
			*failed += fail;
			if ((unsigned)plain + fail < npkts - first)
				*stop = true;
			return sent + (unsigned)plain;
		}
		*failed += b->count[done];
		done++;
	}
	return sent;
}

int udp_send_batch_gso(int fd, struct pkt *pkts, unsigned n, unsigned *failed,
		       bool *gso_ok)
{
	/* 64 KiB of iovecs: per thread rather than on the stack. */
	static _Thread_local struct udp_gso_batch batch;
	unsigned m = 0, off = 0, sent, dummy = 0;
	struct iovec *iov = batch.iovs;
	bool stop = false;

	if (!failed)
		failed = &dummy;
	*failed = 0;
	if (!gso_ok || !*gso_ok)
		return udp_send_batch(fd, pkts, n, failed);
	while (off < n && m < UDP_BATCH_MAX) {
		unsigned k = udp_train_len(pkts + off, n - off);

		udp_gso_msg(&batch, m, pkts + off, k, iov);
		batch.first[m] = off;
		batch.count[m++] = k;
		iov += k;
		off += k;
	}
	sent = udp_gso_send(fd, &batch, m, pkts, off, failed, gso_ok, &stop);
	if (!stop && off < n) {
		unsigned more_failed = 0;
		int more = udp_send_batch_gso(fd, pkts + off, n - off, &more_failed,
					      gso_ok);

		*failed += more_failed;
		sent += (unsigned)more;
	}
	return (int)sent;
}
