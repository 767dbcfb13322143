/*
 * Engine internals shared by the files of src/dco/. The public API and its
 * documentation are in include/dcovpn/dco.h.
 *
 * Threads: N workers (1..DCO_MAX_WORKERS), alike, each running to
 * completion on its own descriptors (mq.c): its own queue of the
 * multi-queue tun (tun -> segment -> encrypt -> sockets) and its own UDP
 * socket of each attached address, a SO_REUSEPORT sibling (sockets ->
 * decrypt -> tun). Steering: a reuseport BPF program sends a P_DATA_V2
 * packet to the socket of worker peer-id % N, the peer's home
 * (peer_home); other packets go by the kernel's address hash. The home
 * also owns the peer's TCP stream and its keepalive. The tun spreads
 * flows over the queues and keeps a flow on the queue that last wrote it,
 * so a peer's replies mostly leave from its home too. Encryption is the
 * home's as well: a packet another worker read from the tun is handed to
 * the home's send queue (tx_handoff.c), so that the packet-ids it takes
 * leave in order (the control plane's rare in-band messages excepted:
 * its own context, keyslot.h; the packet-id counter is atomic).
 * Decryption is the home's: a UDP data packet another worker read (a
 * P_DATA_V1 packet, steered by address hash; any packet when steering
 * could not be attached) is copied into the home's hand-off queue
 * (handoff.h). peer->rx_claim, a test-and-set that never waits, guards
 * what is still decrypted elsewhere (a packet larger than a hand-off
 * slot): a packet meeting another worker's claim is dropped, counted
 * drop_busy.
 * A further, never started worker context (DCO_CTL) is the control
 * plane's: its stats slot, spare buffer and encrypt context, for the API
 * calls that count or send (control.c).
 * Ownership: instance -> peers -> key slots.
 *
 * Concurrency (RCU, liburcu's QSBR flavour, rcu.h): the data path takes no
 * lock. Workers are RCU readers: each batch is a read-side critical
 * section, and a worker is quiescent (offline) while it sleeps in
 * epoll_wait. The peer tables (by id, by transport address, the P2P peer),
 * a peer's key slots and remote address, and the route table are
 * published with rcu_assign_pointer and freed only after a grace period
 * (call_rcu, or synchronize_rcu where the caller must know that nobody
 * holds the object any more).
 *   dco->cfg_lock   serialises the control plane (every API call that
 *                   changes something) and the reaping of dead peers; an
 *                   API call never waits for a batch, except dco_del_peer
 *                   (one grace period, so nothing about the id surfaces
 *                   after it returns).
 *   dco->addr_lock  serialises writers of the address table: the control
 *                   plane and a worker following a floating peer.
 *   peer->tx_lock   a TCP peer's send queue (any worker appends, the
 *                   home flushes) and what its backlog switches: the
 *                   home's EPOLLOUT and, in P2P mode, the tun reads
 *                   (backlog.c).
 * Data-path mutexes are taken through worker_lock(), which counts them
 * (dco_stats.lock_taken/lock_waited): zero in the steady state of UDP
 * peers, whatever the number of workers.
 * Workers share a peer as follows: the receive replay window is the
 * rx_claim holder's; the send packet-id and last_rx/last_tx are atomic;
 * each worker counts into its own stats slot. A worker never
 * frees a peer: it marks it dead (skipped by every lookup) and the dead are
 * unlinked under cfg_lock between batches and freed after a grace period.
 *
 * Teardown order (dco_close): stop and join the workers, delete peers (wipes
 * keys, closes TCP sockets), wait for pending RCU callbacks, close attached
 * UDP sockets, tun, eventfds.
 */
#ifndef DCOVPN_DCO_ENGINE_H
#define DCOVPN_DCO_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/log.h"
#include "dco/rcu.h"
#include "base/pkt.h"
#include "dco/handoff.h"
#include "dco/keyslot.h"
#include "dco/route.h"
#include "dcovpn/dco.h"
#include "io/tcp.h"
#include "io/tun.h"

#define DCO_BATCH 64u
#define DCO_MAX_UDP_SOCKETS 8u
#define DCO_PEER_BUCKETS 4096u
#define DCO_ADDR_BUCKETS 4096u
#define DCO_EVENT_QUEUE 1024u
#define DCO_MAX_WORKERS 16u
#define DCO_CTL DCO_MAX_WORKERS /* the control plane's worker context */
/* each worker, and the control plane, encrypts with its own context of
 * the key (keyslot.h) */
_Static_assert(DCO_MAX_WORKERS + 1 <= KEYSLOT_THREADS,
	       "a key context per worker");
/* Segments one super-packet can become (64 KiB over the smallest MSS). */
#define DCO_MAX_SEGS 128u

struct dco;

struct worker {
	struct dco *dco;
	unsigned idx;                    /* in dco->workers; DCO_CTL */
	pthread_t thread;
	bool running;
	int epfd;
	int wake_fd;                     /* eventfd: wakes this worker */
	struct pkt_pool pool;            /* one batch of reads */
	struct pkt_pool segs;            /* segments of one super-packet */
	struct dco_stats stats;          /* this worker's counts */
	_Atomic uint64_t next_deadline_ms; /* keepalive scan */
	struct log_ratelimit rl_drop;
	struct log_ratelimit rl_txq;     /* --tcp-queue-limit drops, apart */
	struct tun tun;                  /* its tun queue; fd -1: none */
	int udp_fd[DCO_MAX_UDP_SOCKETS]; /* its socket of each group; -1: none */
	bool udp_gso[DCO_MAX_UDP_SOCKETS];
	bool wrote_tun;                  /* since the last drain of its queue */
	struct handoff ho;               /* packets of peers it is home of,
					  * from other workers (n_workers > 1) */
	struct handoff tx_ho;            /* the same to send: plaintext */
	uint32_t ho_woken;               /* this batch: workers handed to */
	uint32_t tx_ho_woken;            /* ... to their send queues */
	uint64_t lock_taken, lock_waited; /* worker_lock() */
};

/* A UDP peer's transport address, found by hash (dco->by_addr) and read by
 * the workers without a lock: a float publishes a new one. With it, the
 * local address the peer talks to (--multihome; family 0 without), so
 * that one pointer load gives a send both ends, and a float that changes
 * either publishes both at once (as the ovpn driver's struct ovpn_bind). */
struct peer_addr {
	struct cds_hlist_node node;
	struct rcu_head rcu;
	struct peer *peer;
	socklen_t len;
	struct pkt_local local;
	struct sockaddr_storage addr;
};

/* A key slot as the peer holds it: replaced whole, freed after a grace
 * period. */
struct peer_key {
	struct keyslot ks;
	struct rcu_head rcu;
};

struct peer {
	uint32_t id;
	enum dco_transport transport;
	int fd;                          /* UDP: shared socket; TCP: own stream */
	struct tcp_stream tcp;           /* TCP only; tx side under tx_lock */
	pthread_mutex_t tx_lock;         /* TCP send queue */
	struct peer_addr *remote;        /* RCU; UDP only, else NULL */
	bool unlinked;                   /* out of the tables (addr_lock) */
	bool tx_v1;
	enum dco_comp comp;
	bool has_vpn_ip4, has_vpn_ip6;
	struct in_addr vpn_ip4;
	struct in6_addr vpn_ip6;
	struct keyslot *slots[2];        /* RCU (struct peer_key); NULL: empty */
	atomic_uint primary;             /* 0 or 1: which slot encrypts */
	_Atomic uint64_t ka_interval_ms, ka_timeout_ms;
	_Atomic uint64_t last_tx_ms, last_rx_ms;
	atomic_uint l2_macs;             /* MACs it owns in dco->l2 */
	atomic_bool dead;                /* marked by a worker, reaped later */
	atomic_flag rx_claim;            /* a worker is decrypting for it */
	enum dco_del_reason dead_reason;
	struct cds_hlist_node id_node;   /* dco->by_id */
	struct rcu_head rcu;
	/* per worker, then the control plane's (index worker_key_ctx):
	 * n_workers + 1 of them, not DCO_MAX_WORKERS + 1 (3.5 kB a peer) */
	struct dco_stats stats[];
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
	pthread_mutex_t cfg_lock;        /* the control plane's changes */
	pthread_mutex_t addr_lock;       /* writers of by_addr, peer->remote */
	atomic_bool stop;
	atomic_bool reap;                /* some peer is marked dead */
	struct worker workers[DCO_MAX_WORKERS + 1]; /* [DCO_CTL]: control plane */
	unsigned n_workers;
	struct tun tun;
	bool tun_adopted;                /* the caller's: not ours to close */
	bool no_offload;                 /* asked for plain packets only */
	bool keep_link;                  /* link state and MTU: not ours */
	bool offload;                    /* tun hands us super-packets */
	bool tap;                        /* Ethernet frames, not IP (l2.h) */
	unsigned mtu;
	enum dco_mode mode;
	atomic_bool started;
	atomic_bool tun_paused;          /* P2P over TCP: the stream is
					  * backed up, no tun reads (backlog.c) */
	uint32_t replay_window, replay_secs;
	enum dco_aead_backend aead_backend; /* resolved at dco_open */
	int udp_fds[DCO_MAX_UDP_SOCKETS]; /* as attached: a group's name */
	atomic_uint n_udp;               /* entries are filled before it grows */
	bool client_to_client;
	bool static_key;                 /* every link packet is data */
	uint16_t mss;                    /* MSS clamp for IPv4 SYNs; 0: off */
	bool passtos;                    /* outer TOS from the inner (tos.h) */
	bool allow_recursive;            /* tun packets to a peer's outer
					  * address go (recursive.c) */
	/* The peer tables (peertab.c): RCU lists, changed under cfg_lock. */
	struct cds_hlist_head by_id[DCO_PEER_BUCKETS];
	struct cds_hlist_head by_addr[DCO_ADDR_BUCKETS]; /* UDP peers */
	uint32_t addr_seed;              /* random: keys the address hash */
	struct peer *p2p;                /* RCU: P2P mode's one peer */
	unsigned n_peers;
	struct route_table routes;       /* MP: VPN address -> peer (RCU) */
	struct l2_table *l2;             /* MP tap: MAC -> peer (l2.h) */
	struct notify notify;
};

/* epoll tags: what a ready fd is. TCP peers are tagged by id, never by
 * pointer, so an event for a peer deleted meanwhile finds nothing; UDP
 * sockets by group (index in dco->udp_fds). */
enum ep_kind { EP_WAKE = 1, EP_TUN, EP_UDP, EP_TCP };

/* Which of a key's encrypt contexts is @w's (keyslot_init_n: one per
 * worker, the control plane's last). */
static inline unsigned worker_key_ctx(const struct worker *w)
{
	return w->idx == DCO_CTL ? w->dco->n_workers : w->idx;
}

/* The worker a peer's packets are steered to (see the top of this file);
 * the only one that decrypts for it: a UDP data packet read elsewhere is
 * handed to it (handoff.h). */
static inline struct worker *peer_home(struct dco *dco, const struct peer *p)
{
	return &dco->workers[dco->mode == DCO_MODE_P2P ? 0 :
			     p->id % dco->n_workers];
}

static inline uint64_t ep_tag(enum ep_kind kind, uint32_t val)
{
	return (uint64_t)kind << 32 | val;
}

/* A counter has one writer (the thread owning the slot) and is read by
 * dco_get_stats from any thread: relaxed atomic load and store, no
 * read-modify-write, so that counting costs what a plain += costs (a mov on
 * x86) and the reader sees whole values. The public struct dco_stats keeps
 * plain uint64_t fields, hence the builtins rather than _Atomic. */
static inline void stat_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
}

static inline uint64_t stat_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* Count on the worker's instance-wide and, if known, per-peer slot. */
#define DCO_STAT_ADD(w, peer, field, n)                                        \
	do {                                                                   \
		stat_add(&(w)->stats.field, (n));                              \
		if (peer)                                                      \
			stat_add(&(peer)->stats[worker_key_ctx(w)].field, (n)); \
	} while (0)

/* A mutex on the data path, counted (see the top of this file). */
static inline void worker_lock(struct worker *w, pthread_mutex_t *m)
{
	if (pthread_mutex_trylock(m)) {
		stat_add(&w->lock_waited, 1);
		pthread_mutex_lock(m);
	}
	stat_add(&w->lock_taken, 1);
}

/* peertab.c — the peer tables. Lookups skip dead peers. In an RCU
 * read-side section (a worker's batch) or under cfg_lock. */
struct peer *peer_find(struct dco *dco, uint32_t id);
/* The same, dead (not yet reaped) peers included. */
struct peer *peer_find_any(struct dco *dco, uint32_t id);
struct peer *peer_find_by_addr(struct dco *dco, const struct sockaddr_storage *a,
			       socklen_t len);
/* (Both mark the route they find used at @now_ms, route.h.) */
struct peer *peer_route(struct dco *dco, const uint8_t *ip, size_t len,
			uint64_t now_ms);
/* MP: does @ip's source address belong to @p? (P2P: always) */
bool peer_owns_source(struct dco *dco, const struct peer *p, const uint8_t *ip,
		      size_t len, uint64_t now_ms);
struct peer *peer_only(struct dco *dco);
/* cfg_lock held: into / out of every table (and the P2P pointer). */
int peer_add(struct dco *dco, struct peer *p);
void peer_unlink(struct dco *dco, struct peer *p);
/* A worker (RCU read side): @p authenticated from @addr to @local;
 * follow it. Returns true if the remote address changed (a new local
 * address alone is followed too, silently). */
bool peer_float(struct worker *w, struct peer *p,
		const struct sockaddr_storage *addr, socklen_t len,
		const struct pkt_local *local);
/* Copy the peer's current remote address and the local one it talks to
 * (they may float meanwhile); 0 for a TCP peer. RCU read side; the control
 * plane uses peer_remote_ctl. */
socklen_t peer_remote(struct peer *p, struct sockaddr_storage *out,
		      struct pkt_local *local);
/* recursive.c: true if @ip (a tun packet to the peer at @remote) must be
 * dropped: it is addressed to that outer address. */
bool tx_recursive(struct worker *w, const uint8_t *ip, size_t len,
		  const struct sockaddr_storage *remote, socklen_t remote_len);
struct peer_addr *peer_addr_new(struct peer *p, const struct sockaddr_storage *a,
				socklen_t len, const struct pkt_local *local);
socklen_t peer_remote_ctl(struct dco *dco, struct peer *p,
			  struct sockaddr_storage *out, struct pkt_local *local);

/* The API's local address and the packets' (same fields, two headers). */
static inline struct pkt_local local_from_api(const struct dco_local *l)
{
	struct pkt_local out = { .family = 0 };

	if (l && (l->family == AF_INET || l->family == AF_INET6)) {
		out.family = l->family;
		memcpy(&out.addr, &l->addr, sizeof(out.addr));
	}
	return out;
}

static inline void local_to_api(const struct pkt_local *l,
				struct dco_local *out)
{
	memset(out, 0, sizeof(*out));
	out->family = l->family;
	if (l->family)
		memcpy(&out->addr, &l->addr, sizeof(out->addr));
}

/* peer.c — a peer's life: keys, death, deletion. */
/* The slot with @key_id, or NULL. RCU read side or cfg_lock. */
struct keyslot *peer_key_by_id(struct peer *p, uint8_t key_id);
/* The slot that encrypts, or NULL when it is empty. */
static inline struct keyslot *peer_primary(struct peer *p)
{
	return rcu_dereference(p->slots[atomic_load_explicit(
		&p->primary, memory_order_relaxed)]);
}
/* cfg_lock held: put @fresh (a struct peer_key's slot, or NULL to empty
 * it) into slot @idx; the old one is freed after a grace period. */
void peer_set_key(struct peer *p, unsigned idx, struct keyslot *fresh);
/* Workers: flag a peer for deletion; it is reaped between batches. */
void peer_mark_dead(struct dco *dco, struct peer *p, enum dco_del_reason why);
/* cfg_lock held: */
void peer_delete(struct dco *dco, struct peer *p, enum dco_del_reason why);
void peer_reap_dead(struct dco *dco);
/* Immediately; only once no reader can hold @p. */
void peer_free(struct peer *p);

/* notify.c — the event queue. */
int notify_init(struct notify *n);
void notify_free(struct notify *n);
/* Queue a copy of @ev (header and ev->len bytes of data); drops when full. */
void notify_push(struct notify *n, const struct dco_event *ev);
int notify_pop(struct notify *n, struct dco_event *ev);
/* Drop every queued event about @peer_id (it was deleted). */
void notify_purge(struct notify *n, uint32_t peer_id);

/* rx.c — link to tun. RCU read side. */
void rx_udp(struct worker *w, unsigned group, uint64_t now_ms);
void rx_tcp(struct worker *w, struct peer *p, uint64_t now_ms);
/* Decrypt what other workers handed to @w (its home peers' packets). */
void rx_handoff_drain(struct worker *w, uint64_t now_ms);

/* tx.c — tun to link. RCU read side. */
void tx_tun(struct worker *w, uint64_t now_ms);
/* Where tx_deliver puts what it encrypted for a UDP peer: at
 * w->segs.pkts[*out], *out counting on, addressed to @remote. */
struct tx_dest {
	unsigned *out;
	uint64_t now_ms;
	socklen_t remote_len;
	struct pkt_local local;          /* the source (multihome) */
	struct sockaddr_storage remote;
};
void tx_deliver(struct worker *w, struct peer *p, struct pkt *segs,
		unsigned n, const struct tx_dest *to);
/* Send the UDP datagrams pkts[0..n) (staged by tx_deliver), in order. */
void tx_flush_udp(struct worker *w, struct pkt *pkts, unsigned n);
int tx_encrypt(struct worker *w, struct peer *p, struct pkt *pkt);
int tx_send_one(struct worker *w, struct peer *p, struct pkt *pkt);
/* Encrypt and send a small in-band payload (keepalive ping, OCC) from the
 * worker's spare segment buffer, which no batch uses. 0 or -errno. */
int tx_send_msg(struct worker *w, struct peer *p, const uint8_t *msg,
		size_t len);
void tx_tcp_flush(struct worker *w, struct peer *p);

/* backlog.c — a TCP peer's unsent bytes. Under the peer's tx_lock. */
/* Bytes wait in the stream's queue (and the peer is alive). */
bool backlog_pending(struct peer *p);
/* After a send or flush that may have changed backlog_pending(): watch for
 * writability while bytes wait; in P2P mode also pause the tun reads. */
void backlog_update(struct dco *dco, struct peer *p, bool was_pending);
/* The peer leaves (cfg_lock held, tx_lock not): marks it dead, so nothing
 * waits for its stream any more. */
void backlog_close(struct dco *dco, struct peer *p);

/* tx_handoff.c — a peer's packets are numbered and encrypted by its home
 * (handoff.h). RCU read side. */
/* Plaintext segs[0..n) for @p, read by @w: true if taken (queued for
 * @p's home, or dropped as its queue was full), false if @w is the home
 * (or a segment is larger than a slot): deliver them here. */
bool tx_handoff(struct worker *w, struct peer *p, const struct pkt *segs,
		unsigned n);
/* Encrypt and send one packet to @dst (forwarded, switched) on @dst's
 * home: now if that is @w, else through its queue. */
void tx_forward(struct worker *w, struct peer *dst, struct pkt *p);
/* Number, encrypt and send what other workers handed to @w. */
void tx_handoff_drain(struct worker *w, uint64_t now_ms);
/* After a batch: wake the workers that @w handed packets to (either
 * queue), unless a wake-up is on its way already. */
void handoff_wake_homes(struct worker *w);

/* mq.c — each worker's own tun queue and sockets. Control thread. */
int mq_tun_queues(struct dco *dco);
/* Group @g (dco->udp_fds[g], attached just now): a socket per worker. */
int mq_udp_group(struct dco *dco, unsigned g);
void mq_close(struct dco *dco);

/* worker.c */
int worker_start_all(struct dco *dco);
void worker_stop_all(struct dco *dco);
void worker_wake(struct worker *w);
int worker_watch(struct worker *w, int fd, uint32_t events, uint64_t tag);

/* keepalive.c — one deadline scan per worker. RCU read side. */
void keepalive_scan(struct worker *w, uint64_t now_ms);
/* @p's keepalive was (re)set at @now_ms: bring its first deadline into the
 * workers' sleep, waking those that would sleep past it. */
void keepalive_peer_set(struct dco *dco, struct peer *p, uint64_t now_ms);

#endif
