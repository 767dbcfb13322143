/*
 * Multi-queue: each engine thread gets its own queue of the tun device
 * (IFF_MULTI_QUEUE) and its own UDP socket for every attached address (a
 * SO_REUSEPORT sibling bound to the same address), so that N threads
 * read and write without sharing a descriptor. A classic BPF program on the
 * reuseport group steers a P_DATA_V2 packet to the socket of worker
 * peer-id % N (engine.h: peer_home); control packets and P_DATA_V1 go by
 * the kernel's 4-tuple hash. Where the kernel refuses (single-queue tun,
 * a connected or unbound socket), worker 0 alone reads that descriptor:
 * slower, still correct.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "dco/engine.h"
#include "io/udp.h"
#include "proto/opcode.h"

int mq_tun_queues(struct dco *dco)
{
	struct worker *w0 = &dco->workers[0];
	unsigned opened = 1;

	w0->tun = dco->tun;
	for (unsigned i = 1; i < dco->n_workers; i++) {
		struct worker *w = &dco->workers[i];
		/* (a fake tun, dco_config.fake_tun, has no device: ifindex 0) */
		int err = dco->tun.fd < 0 || !dco->tun.ifindex ? -EBADF :
			  tun_queue_open(&dco->tun, dco->offload, &w->tun);

		if (err) {
			w->tun.fd = -1;
			continue;
		}
		opened++;
	}
	if (dco->tun.fd >= 0 && dco->tun.ifindex && opened < dco->n_workers)
		log_info("%s: %u of %u engine threads have a tun queue (the "
			 "device is single-queue or attaching failed)",
			 dco->tun.name, opened, dco->n_workers);
	return 0;
}

/*
 * The reuseport program: A = first 4 bytes of the UDP payload; for
 * P_DATA_V2 (opcode in the top 5 bits) return peer-id % N, else an index
 * out of range, which makes the kernel fall back to its hash.
 */
static int mq_attach_steering(int fd, unsigned n)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 27),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, P_DATA_V2, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffffffu),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, n),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog,
			  sizeof(prog)) ? -errno : 0;
}

/* Copy an int option from @from to @to where @from has one. */
static void copy_int_opt(int from, int to, int level, int name)
{
	int v;
	socklen_t len = sizeof(v);

	if (getsockopt(from, level, name, &v, &len) == 0)
		(void)setsockopt(to, level, name, &v, len);
}

/* What the daemon set on @fd (sockopt.c, udp.c) that the sibling needs
 * too: dual-stack, mark, device, path-MTU discovery, destination
 * addresses (--multihome), buffers. */
static void copy_opts(int from, int to, int family)
{
	char dev[IFNAMSIZ];
	socklen_t len = sizeof(dev);
	int rcv, snd;
	socklen_t ilen = sizeof(int);

	if (family == AF_INET6) {
		copy_int_opt(from, to, IPPROTO_IPV6, IPV6_V6ONLY);
		copy_int_opt(from, to, IPPROTO_IPV6, IPV6_MTU_DISCOVER);
		copy_int_opt(from, to, IPPROTO_IPV6, IPV6_RECVPKTINFO);
	} else {
		copy_int_opt(from, to, IPPROTO_IP, IP_MTU_DISCOVER);
		copy_int_opt(from, to, IPPROTO_IP, IP_PKTINFO);
	}
	copy_int_opt(from, to, SOL_SOCKET, SO_MARK);
	if (getsockopt(from, SOL_SOCKET, SO_BINDTODEVICE, dev, &len) == 0 &&
	    len > 1)
		(void)setsockopt(to, SOL_SOCKET, SO_BINDTODEVICE, dev, len);
	/* the kernel reports twice what was asked */
	if (getsockopt(from, SOL_SOCKET, SO_RCVBUF, &rcv, &ilen) == 0) {
		rcv /= 2;
		if (setsockopt(to, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)))
			(void)setsockopt(to, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	}
	ilen = sizeof(int);
	if (getsockopt(from, SOL_SOCKET, SO_SNDBUF, &snd, &ilen) == 0) {
		snd /= 2;
		if (setsockopt(to, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)))
			(void)setsockopt(to, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	}
}

/* A socket bound where @fd is, in @fd's reuseport group; -errno. */
static int udp_sibling(int fd)
{
	struct sockaddr_storage ss, peer;
	socklen_t len = sizeof(ss), plen = sizeof(peer);
	int one = 1, s;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	/* a connected socket has its own 4-tuple: no group to join */
	if (getpeername(fd, (struct sockaddr *)&peer, &plen) == 0)
		return -EISCONN;
	s = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	copy_opts(fd, s, ss.ss_family);
	if (setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&ss, len) < 0) {
		int err = -errno;

		close(s);
		return err;
	}
	return s;
}

static int mq_watch_udp(struct worker *w, unsigned g, int fd, bool gso)
{
	w->udp_fd[g] = fd;
	w->udp_gso[g] = gso;
	if (gso)
		udp_enable_gro(fd);
	return worker_watch(w, fd, EPOLLIN, ep_tag(EP_UDP, g));
}

int mq_udp_group(struct dco *dco, unsigned g)
{
	int fd = dco->udp_fds[g], one = 1, err;
	bool gso = !dco->no_offload;
	unsigned i;

	err = mq_watch_udp(&dco->workers[0], g, fd, gso);
	if (err || dco->n_workers == 1 || dco->mode == DCO_MODE_P2P)
		return err;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		return 0;
	for (i = 1; i < dco->n_workers; i++) {
		int s = udp_sibling(fd);

		if (s < 0)
			break;
		err = mq_watch_udp(&dco->workers[i], g, s, gso);
		if (err) {
			dco->workers[i].udp_fd[g] = -1;
			close(s);
			break;
		}
	}
	/* the group's order is the order of binding: worker i is index i */
	if (i == dco->n_workers && mq_attach_steering(fd, dco->n_workers) == 0)
		return 0;
	log_info("engine: UDP socket %d: %u of %u engine threads read it, "
		 "packets not steered by peer-id", fd, i, dco->n_workers);
	return 0;
}

void mq_close(struct dco *dco)
{
	for (unsigned i = 1; i < dco->n_workers; i++) {
		struct worker *w = &dco->workers[i];

		for (unsigned g = 0; g < DCO_MAX_UDP_SOCKETS; g++)
			if (w->udp_fd[g] >= 0)
				close(w->udp_fd[g]);
		if (w->tun.fd >= 0)
			close(w->tun.fd);
	}
}
