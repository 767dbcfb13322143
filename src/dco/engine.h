/*
 * Engine internals shared by the files of src/dco/. The public API and its
 * documentation are in include/dcovpn/dco.h.
 *
 * Ownership: instance -> peers -> key slots. The worker thread and the API
 * both take dco->lock; the worker holds it for one batch at a time, the API
 * for one operation. Everything below marked "lock" is only touched with it.
 *
 * Teardown order (dco_close): stop and join the worker, delete peers (wipes
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
#include "dcovpn/dco.h"
#include "io/tcp.h"
#include "io/tun.h"

#define DCO_BATCH 64u
#define DCO_MAX_UDP_SOCKETS 8u
#define DCO_PEER_BUCKETS 256u
#define DCO_EVENT_QUEUE 1024u

struct peer {
	uint32_t id;
	enum dco_transport transport;
	int fd;                          /* UDP: shared socket; TCP: own stream */
	struct tcp_stream tcp;           /* TCP only */
	struct sockaddr_storage remote;
	socklen_t remote_len;
	bool tx_v1;
	bool has_vpn_ip4, has_vpn_ip6;
	struct in_addr vpn_ip4;
	struct in6_addr vpn_ip6;
	struct keyslot slots[2];         /* indexed through primary */
	unsigned primary;                /* 0 or 1: which slot encrypts */
	uint64_t ka_interval_ms, ka_timeout_ms;
	uint64_t last_tx_ms, last_rx_ms;
	struct dco_stats stats;
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
	pthread_mutex_t lock;
	pthread_t worker;
	bool worker_running;
	atomic_bool stop;
	int epfd;
	int wake_fd;                     /* eventfd: wakes the worker */
	struct tun tun;
	unsigned mtu;
	enum dco_mode mode;
	bool started;
	uint32_t replay_window, replay_secs;
	int udp_fds[DCO_MAX_UDP_SOCKETS];
	unsigned n_udp;
	struct peer *buckets[DCO_PEER_BUCKETS];  /* lock */
	unsigned n_peers;                        /* lock */
	uint64_t next_deadline_ms;               /* lock; keepalive scan */
	struct dco_stats stats;                  /* lock; whole instance */
	struct pkt_pool rx_pool, tx_pool, ctl_pool;
	struct notify notify;
	struct log_ratelimit rl_drop;
};

/* epoll tags: what a ready fd is. TCP peers are tagged by id, never by
 * pointer, so an event for a peer deleted meanwhile finds nothing. */
enum ep_kind { EP_WAKE = 1, EP_TUN, EP_UDP, EP_TCP };
static inline uint64_t ep_tag(enum ep_kind kind, uint32_t val)
{
	return (uint64_t)kind << 32 | val;
}

/* Count one event on the instance and, if known, on the peer. */
#define DCO_STAT_ADD(dco, peer, field, n)                                      \
	do {                                                                   \
		(dco)->stats.field += (n);                                     \
		if (peer)                                                      \
			(peer)->stats.field += (n);                            \
	} while (0)

/* peer.c — table by id; routing lookup. Needs lock. */
struct peer *peer_find(struct dco *dco, uint32_t id);
struct peer *peer_find_by_addr(struct dco *dco, const struct sockaddr_storage *a,
			       socklen_t len);
struct peer *peer_route(struct dco *dco, const uint8_t *ip, size_t len);
struct peer *peer_only(struct dco *dco);
int peer_add(struct dco *dco, struct peer *p);
void peer_remove(struct dco *dco, struct peer *p);
void peer_free(struct peer *p);
struct keyslot *peer_key_by_id(struct peer *p, uint8_t key_id);
static inline struct keyslot *peer_primary(struct peer *p)
{
	return &p->slots[p->primary];
}
bool sockaddr_equal(const struct sockaddr_storage *a, socklen_t alen,
		    const struct sockaddr_storage *b, socklen_t blen);
void peer_delete(struct dco *dco, struct peer *p, enum dco_del_reason why);

/* notify.c — the event queue. */
int notify_init(struct notify *n);
void notify_free(struct notify *n);
/* Queue a copy of @ev (its first @size bytes matter); drops when full. */
void notify_push(struct notify *n, const struct dco_event *ev);
int notify_pop(struct notify *n, struct dco_event *ev);

/* rx.c — link to tun. Needs lock. */
void rx_udp(struct dco *dco, int fd, uint64_t now_ms);
void rx_tcp(struct dco *dco, struct peer *p, uint64_t now_ms);

/* tx.c — tun to link. Needs lock. */
void tx_tun(struct dco *dco, uint64_t now_ms);
int tx_send_one(struct dco *dco, struct peer *p, struct pkt *pkt);
int tx_encrypt(struct dco *dco, struct peer *p, struct pkt *pkt);
void tx_tcp_flush(struct dco *dco, struct peer *p);

/* worker.c */
int worker_start(struct dco *dco);
void worker_stop(struct dco *dco);
void worker_wake(struct dco *dco);

/* keepalive.c — the one deadline scan per instance. Needs lock. */
void keepalive_scan(struct dco *dco, uint64_t now_ms);
void keepalive_send_ping(struct dco *dco, struct peer *p, uint64_t now_ms);

#endif
