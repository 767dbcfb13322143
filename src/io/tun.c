#include "io/tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* USO came with Linux 6.2; Debian 12's linux/if_tun.h does not name it yet,
 * a kernel without it refuses the flags and we retry without. */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif

static int tun_open_flags(struct tun *t, const char *name, short flags);

int tun_open(struct tun *t, const char *name)
{
	return tun_open_flags(t, name, 0);
}

/* A tap has no offloads here: frames are read and written one by one. */
int tun_open_tap(struct tun *t, const char *name)
{
	return tun_open_flags(t, name, IFF_TAP);
}

/* Checksum and TCP segmentation always; UDP segmentation if known. */
static int tun_set_offload(struct tun *t)
{
	unsigned base = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;

	t->uso = ioctl(t->fd, TUNSETOFFLOAD, base | TUN_F_USO4 | TUN_F_USO6) == 0;
	if (t->uso)
		return 0;
	return ioctl(t->fd, TUNSETOFFLOAD, base) ? -errno : 0;
}

int tun_open_offload(struct tun *t, const char *name, bool want_offload,
		     bool *offload)
{
	int err;

	*offload = false;
	if (!want_offload)
		return tun_open(t, name);
	err = tun_open_flags(t, name, IFF_VNET_HDR);
	if (err)
		return tun_open(t, name);
	if (tun_set_offload(t) == 0) {
		*offload = true;
		return 0;
	}
	tun_close(t);
	return tun_open(t, name);
}

/*
 * TUNSETIFF on a fresh descriptor. A device made here is multi-queue
 * (engine threads then attach queues of their own, tun_queue_open); one
 * that exists already is attached as single-queue, so that a device in use
 * by another process stays busy (-EBUSY) rather than shared; a persistent
 * single-queue device (openvpn --mktun) refuses the flag anyway.
 */
static int tun_set_iff(int fd, struct ifreq *ifr)
{
	struct ifreq mq = *ifr;

	/* (an existing multi-queue device refuses a single queue: taken as
	 * busy, it may well be another dcovpn's) */
	if (ifr->ifr_name[0] && if_nametoindex(ifr->ifr_name))
		return ioctl(fd, TUNSETIFF, ifr) == 0 ? 0 :
		       errno == EINVAL ? -EBUSY : -errno;
	mq.ifr_flags |= IFF_MULTI_QUEUE;
	if (ioctl(fd, TUNSETIFF, &mq) == 0) {
		*ifr = mq;
		return 0;
	}
	if (errno != EINVAL)
		return -errno;
	return ioctl(fd, TUNSETIFF, ifr) < 0 ? -errno : 0;
}

static int tun_open_flags(struct tun *t, const char *name, short flags)
{
	struct ifreq ifr;
	int fd, err;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	memset(&ifr, 0, sizeof(ifr));
	/* IFF_NO_PI: packets start with the IP header (after the virtio-net
	 * header when IFF_VNET_HDR is asked for), or the Ethernet header of a
	 * tap (IFF_TAP in @flags). */
	ifr.ifr_flags = (flags & IFF_TAP ? 0 : IFF_TUN) | IFF_NO_PI | flags;
	if (name && *name) {
		if (strlen(name) >= IFNAMSIZ)
			return -ENAMETOOLONG;
		memcpy(ifr.ifr_name, name, strlen(name));
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = tun_set_iff(fd, &ifr);
	if (err)
		goto err_close;
	/* The kernel filled in the name when @name was a pattern. */
	memcpy(t->name, ifr.ifr_name, IFNAMSIZ);
	t->name[IFNAMSIZ - 1] = '\0';
	t->ifindex = (int)if_nametoindex(t->name);
	t->tap = flags & IFF_TAP;
	if (t->ifindex == 0) {
		err = -errno;
		goto err_close;
	}
	t->fd = fd;
	return 0;

err_close:
	close(fd);
	return err;
}

int tun_queue_open(const struct tun *t, bool vnet_hdr, struct tun *q)
{
	struct ifreq ifr;
	int fd;

	memset(&ifr, 0, sizeof(ifr));
	/* the device's own type: the kernel refuses a tun queue on a tap */
	ifr.ifr_flags = (t->tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI |
			IFF_MULTI_QUEUE | (vnet_hdr ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, t->name, IFNAMSIZ);
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	*q = *t;
	q->fd = fd;
	return 0;
}

void tun_close(struct tun *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->ifindex = 0;
}

/* tun reads and writes are whole packets; EINTR is the only retry. */
static ssize_t tun_read_one(int fd, struct pkt *p)
{
	ssize_t r;

	do
		r = read(fd, p->data, pkt_tailroom(p));
	while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t tun_write_one(int fd, const struct pkt *p)
{
	ssize_t r;

	do
		r = write(fd, p->data, p->len);
	while (r < 0 && errno == EINTR);
	return r;
}

int tun_read_batch(struct tun *t, struct pkt *pkts, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct pkt *p = &pkts[i];
		ssize_t r = tun_read_one(t->fd, p);

		if (r <= 0) {
			/* Keep what was read; a hard error shows again next call. */
			if (i > 0)
				return (int)i;
			return r < 0 ? -errno : -EIO;
		}
		p->len = (uint32_t)r;
	}
	return (int)i;
}

/*
 * A packet the kernel refuses (e.g. not IPv4/IPv6) is skipped, so one bad
 * packet never drops the rest of the batch; EAGAIN (device queue full) ends
 * the batch since the remaining writes would fail too.
 */
int tun_write_batch(struct tun *t, struct pkt *pkts, unsigned n)
{
	int written = 0, err = 0;

	for (unsigned i = 0; i < n; i++) {
		ssize_t r = tun_write_one(t->fd, &pkts[i]);

		if (r >= 0) {
			written++;
			continue;
		}
		err = -errno;
		if (err == -EAGAIN)
			break;
	}
	return written > 0 || n == 0 ? written : err;
}

int tun_adopt(struct tun *t, int fd, bool *offload)
{
	struct ifreq ifr;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	*offload = false;
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		return -errno;
	memcpy(t->name, ifr.ifr_name, IFNAMSIZ);
	t->name[IFNAMSIZ - 1] = '\0';
	t->ifindex = (int)if_nametoindex(t->name);
	if (t->ifindex == 0)
		return -errno;
	t->fd = fd;
	t->tap = ifr.ifr_flags & IFF_TAP;
	if (ifr.ifr_flags & IFF_VNET_HDR)
		*offload = tun_set_offload(t) == 0;
	return 0;
}
