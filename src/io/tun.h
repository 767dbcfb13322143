/*
 * The tun device: layer-3, no packet-info header, non-blocking. Batch-shaped
 * so that virtio-net-header offloads (TSO/USO super-packets split on read,
 * coalesced on write) can slot in later without touching callers.
 */
#ifndef DCOVPN_IO_TUN_H
#define DCOVPN_IO_TUN_H

#include <stdbool.h>
#include <net/if.h>

#include "base/pkt.h"

struct tun {
	int fd;
	int ifindex;
	char name[IFNAMSIZ];
	bool uso;          /* offloads include USO: writes may carry UDP GSO */
	bool tap;          /* a tap (Ethernet frames): its queues are taps too */
};

/* Create (or attach to) tun device @name ("dco%d" patterns allowed). */
int tun_open(struct tun *t, const char *name);
/* The same for a layer-2 tap device: Ethernet frames, no offloads. */
int tun_open_tap(struct tun *t, const char *name);
/*
 * Same, and if @want_offload ask for virtio-net headers with checksum, TSO
 * and (where the kernel has it) USO offloads: reads then return super-packets
 * behind a struct virtio_net_hdr and writes must carry one (io/vnet.h).
 * *@offload tells whether that took; if the kernel refuses, the device is
 * opened plain.
 */
int tun_open_offload(struct tun *t, const char *name, bool want_offload,
		     bool *offload);
void tun_close(struct tun *t);

/*
 * Attach one more queue of multi-queue device @t (opened here or adopted):
 * the kernel spreads the device's packets over its queues by flow, and
 * keeps a flow on the queue that last wrote it. @vnet_hdr as @t's. -EINVAL
 * for a single-queue device.
 */
int tun_queue_open(const struct tun *t, bool vnet_hdr, struct tun *q);

/*
 * Take over a tun device opened earlier (by tun_open_offload, perhaps by a
 * process that was root then): name and ifindex are read back, and the
 * offloads asked for again if the device has virtio-net headers.
 */
int tun_adopt(struct tun *t, int fd, bool *offload);

/*
 * Read up to @n packets into @pkts (each reset by the caller: data at
 * headroom). Returns how many were read (>= 1), -EAGAIN if none was ready,
 * or another -errno.
 */
int tun_read_batch(struct tun *t, struct pkt *pkts, unsigned n);

/* Write @n packets; returns how many were written, or -errno if none was. */
int tun_write_batch(struct tun *t, struct pkt *pkts, unsigned n);

#endif
