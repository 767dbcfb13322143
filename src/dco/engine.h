/*
 * Engine internals shared by the files of src/dco/. The public API and its
 * documentation are in include/dcovpn/dco.h.
 *
 * Threads: two workers run to completion on their own packets.
 *   the link worker  reads the sockets (decrypt -> tun), expires silent
 *                    peers and flushes queued TCP bytes;
 *   the tun worker   reads the tun device (segment -> encrypt -> sockets)
 *                    and sends keepalive pings: it alone encrypts, so the
 *                    AEAD contexts are never shared between threads.
 * Ownership: instance -> peers -> key slots.
 *
 * Locking: dco->lock is a reader/writer lock. A worker holds it for reading
 * for one batch; API calls that change peers or keys hold it for writing, so
 * they never run inside a batch. Under the read lock the two workers share a
 * peer as follows: the receive replay window and last_rx belong to the link
 * worker; the send packet-id is atomic; each worker counts into its own
 * stats slot; the remote address and a TCP peer's send queue are guarded by
 * peer->tx_lock. A worker never frees a peer: it marks it dead (skipped by
 * every lookup) and the dead are reaped under the write lock between
 * batches.
 *
 * Teardown order (dco_close): stop and join the workers, delete peers (wipes
 * keys, closes TCP sockets), close attached UDP sockets, tun, epoll, eventfds.
 */
#ifndef DCOVPN_DCO_ENGINE_H
#define DCOVPN_DCO_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/log.h"
#include "base/pkt.h"
#include "dco/keyslot.h"
#include "dco/route.h"
#include "dcovpn/dco.h"
#include "io/tcp.h"
#include "io/tun.h"

#define DCO_BATCH 64u
#define DCO_MAX_UDP_SOCKETS 8u
#define DCO_PEER_BUCKETS 256u
#define DCO_EVENT_QUEUE 1024u
#define DCO_WORKERS 2u
/* each worker encrypts with its own context of the key (keyslot.h) */
_Static_assert(DCO_WORKERS <= KEYSLOT_THREADS, "a key context per worker");
/* Segments one super-packet can become (64 KiB over the smallest MSS). */
#define DCO_MAX_SEGS 128u

enum worker_role {
	WORKER_LINK = 0, /* sockets -> tun, keepalive, TCP flush */
	WORKER_TUN = 1,  /* tun -> sockets */
};

struct dco;

struct worker {
	struct dco *dco;
	enum worker_role role;
	pthread_t thread;
	bool running;
	int epfd;
	int wake_fd;                     /* eventfd: wakes this worker */
	struct pkt_pool pool;            /* one batch of reads */
	struct pkt_pool segs;            /* segments of one super-packet */
	struct dco_stats stats;          /* this worker's counts */
	_Atomic uint64_t next_deadline_ms; /* keepalive scan */
	struct log_ratelimit rl_drop;
	bool wrote_tun;                  /* link worker: since the last drain */
};

struct peer {
	uint32_t id;
	enum dco_transport transport;
	int fd;                          /* UDP: shared socket; TCP: own stream */
	struct tcp_stream tcp;           /* TCP only; tx side under tx_lock */
	pthread_mutex_t tx_lock;         /* remote address, TCP send queue */
	struct sockaddr_storage remote;
	socklen_t remote_len;
	bool tx_v1;
	enum dco_comp comp;
	bool has_vpn_ip4, has_vpn_ip6;
	struct in_addr vpn_ip4;
	struct in6_addr vpn_ip6;
	struct keyslot slots[2];         /* indexed through primary */
	unsigned primary;                /* 0 or 1: which slot encrypts */
	uint64_t ka_interval_ms, ka_timeout_ms;
	_Atomic uint64_t last_tx_ms, last_rx_ms;
	atomic_bool dead;                /* marked by a worker, reaped later */
	enum dco_del_reason dead_reason;
	struct dco_stats stats[DCO_WORKERS];
	struct peer *next;               /* hash chain by id */
};

/* An event queue the control plane drains; its own lock, never held long. */
struct notify {
	pthread_mutex_t lock;
	int efd;                         /* eventfd, semaphore mode: one count per event */
	struct dco_event *ring;
	unsigned head, count;
	uint64_t dropped;
};

struct dco {
	pthread_rwlock_t lock;
	atomic_bool stop;
	atomic_bool reap;                /* some peer is marked dead */
	struct worker workers[DCO_WORKERS];
	unsigned n_workers;              /* 1: the link worker does both roles */
	struct tun tun;
	bool tun_adopted;                /* the caller's: not ours to close */
	/* Held by whoever reads the tun and sends what it read, so the packets
	 * of a flow leave in the order the tun gave them (see tx_tun_try). */
	pthread_mutex_t tun_read_lock;
	bool no_offload;                 /* asked for plain packets only */
	bool keep_link;                  /* link state and MTU: not ours */
	bool offload;                    /* tun hands us super-packets */
	unsigned mtu;
	enum dco_mode mode;
	atomic_bool started;
	uint32_t replay_window, replay_secs;
	enum dco_aead_backend aead_backend; /* resolved at dco_open */
	int udp_fds[DCO_MAX_UDP_SOCKETS];
	bool udp_gso[DCO_MAX_UDP_SOCKETS];
	unsigned n_udp;
	bool client_to_client;
	uint16_t mss;                    /* MSS clamp for IPv4 SYNs; 0: off */
	struct peer *buckets[DCO_PEER_BUCKETS];
	unsigned n_peers;
	struct route_table routes;       /* MP: VPN address -> peer */
	struct notify notify;
};

/* epoll tags: what a ready fd is. TCP peers are tagged by id, never by
 * pointer, so an event for a peer deleted meanwhile finds nothing. */
enum ep_kind { EP_WAKE = 1, EP_TUN, EP_UDP, EP_TCP };
/* The worker that reads the tun (the link worker when it is alone). */
static inline struct worker *dco_tun_worker(struct dco *dco)
{
	return &dco->workers[dco->n_workers > 1 ? WORKER_TUN : WORKER_LINK];
}

static inline uint64_t ep_tag(enum ep_kind kind, uint32_t val)
{
	return (uint64_t)kind << 32 | val;
}

/* Count on the worker's instance-wide and, if known, per-peer slot. */
#define DCO_STAT_ADD(w, peer, field, n)                                        \
	do {                                                                   \
		(w)->stats.field += (n);                                       \
		if (peer)                                                      \
			(peer)->stats[(w)->role].field += (n);                 \
	} while (0)

/* peer.c — the peer table. Lookups skip dead peers. Needs lock (any). */
struct peer *peer_find(struct dco *dco, uint32_t id);
/* The same, dead (not yet reaped) peers included. */
struct peer *peer_find_any(struct dco *dco, uint32_t id);
struct peer *peer_find_by_addr(struct dco *dco, const struct sockaddr_storage *a,
			       socklen_t len);
struct peer *peer_route(struct dco *dco, const uint8_t *ip, size_t len);
/* MP: does @ip's source address belong to @p? (P2P: always) */
bool peer_owns_source(struct dco *dco, const struct peer *p, const uint8_t *ip,
		      size_t len);
struct peer *peer_only(struct dco *dco);
struct keyslot *peer_key_by_id(struct peer *p, uint8_t key_id);
static inline struct keyslot *peer_primary(struct peer *p)
{
	return &p->slots[p->primary];
}
bool sockaddr_equal(const struct sockaddr_storage *a, socklen_t alen,
		    const struct sockaddr_storage *b, socklen_t blen);
/* Copy the peer's current remote address (it may float meanwhile). */
socklen_t peer_remote(struct peer *p, struct sockaddr_storage *out);
/* Workers: flag a peer for deletion; it is reaped between batches. */
void peer_mark_dead(struct dco *dco, struct peer *p, enum dco_del_reason why);
/* Write lock held: */
int peer_add(struct dco *dco, struct peer *p);
void peer_delete(struct dco *dco, struct peer *p, enum dco_del_reason why);
void peer_reap_dead(struct dco *dco);
void peer_free(struct peer *p);

/* notify.c — the event queue. */
int notify_init(struct notify *n);
void notify_free(struct notify *n);
/* Queue a copy of @ev (header and ev->len bytes of data); drops when full. */
void notify_push(struct notify *n, const struct dco_event *ev);
int notify_pop(struct notify *n, struct dco_event *ev);
/* Drop every queued event about @peer_id (it was deleted). */
void notify_purge(struct notify *n, uint32_t peer_id);

/* rx.c — link to tun, on the link worker. Read lock held. */
void rx_udp(struct worker *w, int fd, uint64_t now_ms);
void rx_tcp(struct worker *w, struct peer *p, uint64_t now_ms);

/* tx.c — tun to link, on the tun worker. Read lock held. */
void tx_tun(struct worker *w, uint64_t now_ms);
/* The link worker, after writing to the tun: send at once what the kernel
 * answered (an echo reply, a TCP ACK) unless the tun worker is at it. */
void tx_tun_try(struct worker *w, uint64_t now_ms);
int tx_encrypt(struct worker *w, struct peer *p, struct pkt *pkt);
int tx_send_one(struct worker *w, struct peer *p, struct pkt *pkt);
/* Encrypt and send a small in-band payload (keepalive ping, OCC) from the
 * worker's spare segment buffer, which no batch uses. 0 or -errno. */
int tx_send_msg(struct worker *w, struct peer *p, const uint8_t *msg,
		size_t len);
void tx_tcp_flush(struct worker *w, struct peer *p);

/* worker.c */
int worker_start_all(struct dco *dco);
void worker_stop_all(struct dco *dco);
void worker_wake(struct worker *w);
int worker_watch(struct worker *w, int fd, uint32_t events, uint64_t tag);

/* keepalive.c — one deadline scan per worker. Read lock held. */
void keepalive_scan(struct worker *w, uint64_t now_ms);

#endif
