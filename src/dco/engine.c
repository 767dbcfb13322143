/* The engine's API (include/dcovpn/dco.h): instance, peers, keys, stats. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>

#include "base/clock.h"
#include "dco/aead_imb.h"
#include "dco/engine.h"
#include "dco/l2.h"
#include "io/udp.h"
#include "net/netlink.h"

#define DCO_DEFAULT_MTU 1428u

/* DCOVPN_ENGINE_THREADS if set (the daemon has no option of its own: OpenVPN
 * has none to mirror), else a thread per online CPU. */
static unsigned dco_default_workers(void)
{
	const char *env = getenv("DCOVPN_ENGINE_THREADS");
	long n = env && *env ? strtol(env, NULL, 10) :
			       sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1u : n > (long)DCO_MAX_WORKERS ? DCO_MAX_WORKERS :
							(unsigned)n;
}

/* What each thread did, for the log: the spread over threads shows. */
static void dco_log_threads(const struct dco *dco)
{
	for (unsigned i = 0; i < dco->n_workers; i++) {
		const struct worker *w = &dco->workers[i];

		log_info("engine thread %u: %llu packets in, %llu out, busy %llu, "
			 "handed off %llu (%llu dropped), to send %llu (%llu "
			 "dropped), replayed %llu",
			 i, (unsigned long long)w->stats.link_rx_packets,
			 (unsigned long long)w->stats.link_tx_packets,
			 (unsigned long long)w->stats.drop_busy,
			 (unsigned long long)w->stats.handed_off,
			 (unsigned long long)w->stats.drop_handoff,
			 (unsigned long long)w->stats.tx_handed_off,
			 (unsigned long long)w->stats.drop_tx_handoff,
			 (unsigned long long)w->stats.drop_replay);
	}
}

static void dco_init_fields(struct dco *dco, const struct dco_config *cfg)
{
	dco->tun.fd = -1;
	dco->notify.efd = -1;
	dco->mode = cfg->mode;
	dco->client_to_client = cfg->client_to_client;
	dco->static_key = cfg->static_key && cfg->mode == DCO_MODE_P2P;
	dco->tap = cfg->tap;
	dco->mss = cfg->mss <= 65535 ? (uint16_t)cfg->mss : 0;
	dco->passtos = cfg->passtos;
	dco->allow_recursive = cfg->allow_recursive_routing;
	route_init(&dco->routes);
	dco->no_offload = cfg->no_offload;
	dco->keep_link = cfg->keep_link;
	dco->n_workers = cfg->workers ? cfg->workers : dco_default_workers();
	dco->mtu = cfg->mtu ? cfg->mtu : DCO_DEFAULT_MTU;
	dco->replay_window = cfg->replay_window ? cfg->replay_window :
						  PKTID_WINDOW_DEFAULT;
	dco->replay_secs = cfg->replay_window_secs ? cfg->replay_window_secs :
						     PKTID_EXPIRE_DEFAULT_S;
	pthread_mutex_init(&dco->cfg_lock, NULL);
	pthread_mutex_init(&dco->addr_lock, NULL);
	for (unsigned i = 0; i <= DCO_CTL; i++) {
		struct worker *w = &dco->workers[i];

		w->dco = dco;
		w->idx = i;
		w->tun.fd = -1;
		for (unsigned g = 0; g < DCO_MAX_UDP_SOCKETS; g++)
			w->udp_fd[g] = -1;
	}
	/* a weak seed (no entropy yet) still hashes correctly */
	if (getrandom(&dco->addr_seed, sizeof(dco->addr_seed), GRND_NONBLOCK) < 0)
		dco->addr_seed = (uint32_t)clock_now_ms();
}

/* A packet socket where the tun would be (dco_config.fake_tun). */
static void dco_fake_tun(struct dco *dco, int fd)
{
	dco->tun.fd = fd;
	dco->tun_adopted = true;
	dco->keep_link = true;
	dco->offload = false;
	snprintf(dco->tun.name, sizeof(dco->tun.name), "fake");
}

int dco_open(struct dco **out, const struct dco_config *cfg)
{
	struct dco *dco = calloc(1, sizeof(*dco));
	int err;

	if (!dco)
		return -ENOMEM;
	rcu_engine_prepare();
	dco_init_fields(dco, cfg);
	err = dco_aead_backend_resolve(cfg->aead_backend, &dco->aead_backend);
	if (err) {
		log_err("aead-backend %s: not usable here (%s)",
			  dco_aead_backend_name(cfg->aead_backend),
			  aead_imb_arch());
		goto err_close;
	}
	if (dco->mtu < 576 || dco->mtu > 65535 ||
	    dco->replay_window > PKTID_WINDOW_MAX ||
	    dco->n_workers > DCO_MAX_WORKERS) {
		err = -EINVAL;
		goto err_close;
	}
	if (dco->tap && dco->mode == DCO_MODE_MP) {
		dco->l2 = l2_table_new();
		if (!dco->l2) {
			err = -ENOMEM;
			goto err_close;
		}
	}
	err = notify_init(&dco->notify);
	if (!err && !cfg->no_tun && cfg->adopt_tun && cfg->fake_tun) {
		dco_fake_tun(dco, cfg->tun_fd);
	} else if (!err && !cfg->no_tun && cfg->adopt_tun) {
		err = tun_adopt(&dco->tun, cfg->tun_fd, &dco->offload);
		dco->tun_adopted = !err;
	} else if (!err && !cfg->no_tun && cfg->tap) {
		err = tun_open_tap(&dco->tun, cfg->ifname ? cfg->ifname : "tap%d");
	} else if (!err && !cfg->no_tun) {
		err = tun_open_offload(&dco->tun, cfg->ifname ? cfg->ifname : "dco%d",
				       !cfg->no_offload, &dco->offload);
	}
	if (!err && !cfg->no_tun && !dco->keep_link)
		err = nl_link_set(dco->tun.ifindex, dco->mtu, false);
	if (cfg->no_tun)
		snprintf(dco->tun.name, sizeof(dco->tun.name), "null");
	if (!err)
		err = worker_start_all(dco);
	if (err)
		goto err_close;
	log_info("%s: mtu %u, %u engine thread%s, %s", dco->tun.name, dco->mtu,
		 dco->n_workers, dco->n_workers > 1 ? "s" : "",
		 !dco->offload ? "offloads off (one packet at a time)" :
		 dco->tun.uso ? "offloads on (TSO/USO both ways, UDP GSO/GRO)" :
				"offloads on (TSO, UDP GSO/GRO; no USO: Linux < 6.2)");
	if (dco->aead_backend == DCO_AEAD_IPSEC_MB)
		log_info("AEAD backend: intel-ipsec-mb (%s code path)",
			 aead_imb_arch());
	else
		log_info("AEAD backend: OpenSSL");
	*out = dco;
	return 0;

err_close:
	dco_close(dco);
	return err;
}

/* The workers are stopped: no reader is left. */
static void dco_delete_all_peers(struct dco *dco)
{
	for (unsigned b = 0; b < DCO_PEER_BUCKETS; b++) {
		struct peer *p, *next;

		/* the _2 form: the stock _safe one computes an entry from the
		 * NULL that ends the list (undefined; UBSan aborts on it) */
		cds_hlist_for_each_entry_safe_2(p, next, &dco->by_id[b], id_node)
			peer_delete(dco, p, DCO_DEL_TEARDOWN);
	}
	/* keys wiped and TCP streams closed before dco_close returns */
	rcu_barrier();
}

void dco_close(struct dco *dco)
{
	if (!dco)
		return;
	worker_stop_all(dco);
	if (dco->n_workers > 1 && atomic_load(&dco->started))
		dco_log_threads(dco);
	mq_close(dco);
	dco_delete_all_peers(dco);
	for (unsigned i = 0; i < atomic_load(&dco->n_udp); i++)
		close(dco->udp_fds[i]);
	if (dco->tun.fd >= 0 && !dco->tun_adopted)
		tun_close(&dco->tun);
	notify_free(&dco->notify);
	route_free(&dco->routes);
	l2_table_free(dco->l2);
	pthread_mutex_destroy(&dco->cfg_lock);
	pthread_mutex_destroy(&dco->addr_lock);
	free(dco);
}

const char *dco_ifname(const struct dco *dco)
{
	return dco->tun.name;
}

int dco_ifindex(const struct dco *dco)
{
	return dco->tun.ifindex;
}

unsigned dco_mtu(const struct dco *dco)
{
	return dco->mtu;
}

int dco_start(struct dco *dco)
{
	int err;

	pthread_mutex_lock(&dco->cfg_lock);
	err = atomic_load(&dco->started) ? -EALREADY :
	      dco->tun.fd < 0 || dco->keep_link ? 0 :
	      nl_link_set(dco->tun.ifindex, dco->mtu, true);
	for (unsigned i = 0; !err && i < dco->n_workers; i++)
		if (dco->workers[i].tun.fd >= 0)
			err = worker_watch(&dco->workers[i], dco->workers[i].tun.fd,
					   atomic_load(&dco->tun_paused) ? 0 : EPOLLIN,
					   ep_tag(EP_TUN, 0));
	if (!err)
		atomic_store(&dco->started, true);
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

static bool udp_attached(const struct dco *dco, int fd)
{
	for (unsigned i = 0; i < atomic_load(&dco->n_udp); i++)
		if (dco->udp_fds[i] == fd)
			return true;
	return false;
}

int dco_attach_udp(struct dco *dco, int fd)
{
	int err = 0;

	if (fd < 0)
		return -EBADF;
	pthread_mutex_lock(&dco->cfg_lock);
	if (udp_attached(dco, fd))
		err = -EEXIST;
	else if (atomic_load(&dco->n_udp) == DCO_MAX_UDP_SOCKETS)
		err = -ENOSPC;
	if (!err) {
		unsigned n = atomic_load(&dco->n_udp);

		dco->udp_fds[n] = fd;
		atomic_store(&dco->n_udp, n + 1); /* the workers see it filled */
		/* a socket per worker; GSO/GRO where the kernel has them */
		err = mq_udp_group(dco, n);
		if (err)
			atomic_store(&dco->n_udp, n);
	}
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

static int peer_check_config(const struct dco *dco,
			     const struct dco_peer_config *cfg)
{
	if (cfg->peer_id > DCO_PEER_ID_MAX || cfg->comp > DCO_COMP_STUB_V2)
		return -EINVAL;
	if (cfg->transport == DCO_TRANSPORT_UDP) {
		if (!udp_attached(dco, cfg->fd))
			return -EBADF;
		if (cfg->remote_len == 0 || cfg->remote_len > sizeof(cfg->remote))
			return -EDESTADDRREQ;
		return 0;
	}
	return cfg->transport == DCO_TRANSPORT_TCP && cfg->fd >= 0 ? 0 : -EINVAL;
}

static struct peer *peer_from_config(const struct dco *dco,
				     const struct dco_peer_config *cfg,
				     uint64_t now_ms)
{
	struct peer *p = calloc(1, sizeof(*p) + (dco->n_workers + 1) *
				   sizeof(p->stats[0]));

	if (!p)
		return NULL;
	p->id = cfg->peer_id;
	p->transport = cfg->transport;
	p->fd = cfg->fd;
	if (cfg->transport == DCO_TRANSPORT_UDP) {
		struct pkt_local local = local_from_api(&cfg->local);

		p->remote = peer_addr_new(p, &cfg->remote, cfg->remote_len,
					  &local);
		if (!p->remote) {
			free(p);
			return NULL;
		}
	}
	p->tx_v1 = cfg->tx_data_v1;
	p->comp = cfg->comp;
	p->has_vpn_ip4 = cfg->has_vpn_ip4;
	p->has_vpn_ip6 = cfg->has_vpn_ip6;
	p->vpn_ip4 = cfg->vpn_ip4;
	p->vpn_ip6 = cfg->vpn_ip6;
	p->last_rx_ms = now_ms;
	p->last_tx_ms = now_ms;
	p->tcp.fd = -1;
	pthread_mutex_init(&p->tx_lock, NULL);
	return p;
}

static int peer_attach_tcp(struct dco *dco, struct peer *p,
			   unsigned queue_limit)
{
	int err = tcp_stream_init(&p->tcp, p->fd);

	if (!err)
		err = tcp_queue_set_limit(&p->tcp.q, queue_limit);
	if (err)
		return err;
	return worker_watch(peer_home(dco, p), p->fd, EPOLLIN,
			    ep_tag(EP_TCP, p->id));
}

/* MP: a peer's own VPN addresses route to it. */
static int peer_add_host_routes(struct dco *dco, struct peer *p)
{
	int err = 0;

	if (dco->mode != DCO_MODE_MP)
		return 0;
	if (p->has_vpn_ip4)
		err = route_add(&dco->routes, p->id, AF_INET, &p->vpn_ip4, 32);
	if (!err && p->has_vpn_ip6)
		err = route_add(&dco->routes, p->id, AF_INET6, &p->vpn_ip6, 128);
	return err;
}

int dco_new_peer(struct dco *dco, const struct dco_peer_config *cfg)
{
	struct peer *p;
	int err;

	pthread_mutex_lock(&dco->cfg_lock);
	err = peer_check_config(dco, cfg);
	if (err)
		goto out;
	p = peer_from_config(dco, cfg, clock_now_ms());
	err = p ? peer_add(dco, p) : -ENOMEM;
	if (err) {
		if (p)
			peer_free(p); /* never published */
		goto out;
	}
	err = peer_add_host_routes(dco, p);
	if (!err && p->transport == DCO_TRANSPORT_TCP)
		err = peer_attach_tcp(dco, p, cfg->tcp_queue_limit);
	if (err)
		peer_delete(dco, p, DCO_DEL_TEARDOWN);
out:
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

static int dco_route_op(struct dco *dco, uint32_t peer_id, int family,
			const void *addr, unsigned prefix_len, bool add)
{
	int err;

	if (dco->mode != DCO_MODE_MP)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&dco->cfg_lock);
	if (!peer_find(dco, peer_id))
		err = -ENOENT;
	else if (add)
		err = route_add(&dco->routes, peer_id, family, addr, prefix_len);
	else
		err = route_del(&dco->routes, peer_id, family, addr, prefix_len);
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

int dco_add_route(struct dco *dco, uint32_t peer_id, int family,
		  const void *addr, unsigned prefix_len)
{
	return dco_route_op(dco, peer_id, family, addr, prefix_len, true);
}

int dco_del_route(struct dco *dco, uint32_t peer_id, int family,
		  const void *addr, unsigned prefix_len)
{
	return dco_route_op(dco, peer_id, family, addr, prefix_len, false);
}

int dco_del_peer(struct dco *dco, uint32_t peer_id)
{
	struct peer *p;
	int err = 0;

	pthread_mutex_lock(&dco->cfg_lock);
	/* A peer a worker marked dead but nobody reaped yet goes too: its
	 * PEER_DELETED event would otherwise come later and could be taken
	 * for a new peer given the same id. */
	p = peer_find_any(dco, peer_id);
	if (p)
		peer_delete(dco, p, DCO_DEL_TEARDOWN);
	else
		err = -ENOENT;
	/* Nothing about this id may surface after this call returns: wait
	 * until no worker holds the peer any more (the workers never wait for
	 * cfg_lock while they hold one), then drop what they queued. */
	if (p)
		rcu_wait_readers();
	notify_purge(&dco->notify, peer_id);
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

int dco_set_peer(struct dco *dco, uint32_t peer_id, unsigned interval_s,
		 unsigned timeout_s)
{
	struct peer *p;
	int err = 0;

	pthread_mutex_lock(&dco->cfg_lock);
	p = peer_find(dco, peer_id);
	if (p) {
		uint64_t now = clock_now_ms();

		atomic_store(&p->ka_interval_ms, (uint64_t)interval_s * 1000u);
		atomic_store(&p->ka_timeout_ms, (uint64_t)timeout_s * 1000u);
		/* The timeout counts from now, not from the last packet. */
		p->last_rx_ms = now;
		keepalive_peer_set(dco, p, now);
	} else {
		err = -ENOENT;
	}
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

static int key_config_check(const struct dco_key_config *key)
{
	if (key->key_id > 7 || (key->slot != DCO_KEY_PRIMARY &&
				key->slot != DCO_KEY_SECONDARY))
		return -EINVAL;
	if (key->static_key && !dco_cipher_is_cbc(key->cipher))
		return -EINVAL;
	if (dco_cipher_is_cbc(key->cipher))
		return dco_auth_len(key->auth) ? 0 : -EINVAL;
	return key->cipher <= DCO_CIPHER_CHACHA20_POLY1305 ? 0 : -EINVAL;
}

/* The slot index a key slot name means now. */
static unsigned slot_index(struct peer *p, enum dco_key_slot slot)
{
	unsigned primary = atomic_load(&p->primary);

	return slot == DCO_KEY_PRIMARY ? primary : !primary;
}

int dco_new_key(struct dco *dco, uint32_t peer_id,
		const struct dco_key_config *key)
{
	struct peer_key *fresh;
	struct peer *p;
	int err = key_config_check(key);

	if (err)
		return err;
	fresh = calloc(1, sizeof(*fresh));
	if (!fresh)
		return -ENOMEM;
	/* Set up outside the lock: OpenSSL context creation is not free. */
	/* an encrypt context per worker and one for the control plane */
	err = keyslot_init_n(&fresh->ks, key, dco->replay_window,
			     dco->replay_secs, dco->aead_backend,
			     dco->n_workers + 1);
	if (err) {
		free(fresh);
		return err;
	}
	pthread_mutex_lock(&dco->cfg_lock);
	p = peer_find(dco, peer_id);
	if (p) {
		peer_set_key(p, slot_index(p, key->slot), &fresh->ks);
		fresh = NULL;
	} else {
		err = -ENOENT;
	}
	pthread_mutex_unlock(&dco->cfg_lock);
	if (fresh) {
		keyslot_clear(&fresh->ks);
		free(fresh);
	}
	return err;
}

int dco_swap_keys(struct dco *dco, uint32_t peer_id)
{
	struct peer *p;
	int err = 0;

	pthread_mutex_lock(&dco->cfg_lock);
	p = peer_find(dco, peer_id);
	if (p)
		atomic_fetch_xor(&p->primary, 1u);
	else
		err = -ENOENT;
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

int dco_del_key(struct dco *dco, uint32_t peer_id, enum dco_key_slot slot)
{
	struct peer *p;
	int err = 0;

	pthread_mutex_lock(&dco->cfg_lock);
	p = peer_find(dco, peer_id);
	if (p)
		peer_set_key(p, slot_index(p, slot), NULL);
	else
		err = -ENOENT;
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

/* Every field of dco_stats is a uint64_t counter: add them up as an array. */
static void stats_add(struct dco_stats *sum, const struct dco_stats *part)
{
	uint64_t *d = (uint64_t *)sum;
	const uint64_t *s = (const uint64_t *)part;

	for (size_t i = 0; i < sizeof(*sum) / sizeof(uint64_t); i++)
		d[i] += stat_read(&s[i]);
}

int dco_get_stats(struct dco *dco, uint32_t peer_id, struct dco_stats *out)
{
	struct peer *p;
	int err = 0;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&dco->cfg_lock);
	p = peer_id == DCO_PEER_ID_NONE ? NULL : peer_find(dco, peer_id);
	if (peer_id != DCO_PEER_ID_NONE && !p)
		err = -ENOENT;
	for (unsigned i = 0; !err && i <= DCO_CTL; i++) {
		if (i == dco->n_workers)
			i = DCO_CTL;
		stats_add(out, p ? &p->stats[worker_key_ctx(&dco->workers[i])] :
			       &dco->workers[i].stats);
		if (!p) {
			out->lock_taken += stat_read(&dco->workers[i].lock_taken);
			out->lock_waited +=
				stat_read(&dco->workers[i].lock_waited);
		}
	}
	if (p)
		out->last_rx_ms = atomic_load_explicit(&p->last_rx_ms,
						       memory_order_relaxed);
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

int dco_event_fd(const struct dco *dco)
{
	return dco->notify.efd;
}

int dco_read_event(struct dco *dco, struct dco_event *ev)
{
	return notify_pop(&dco->notify, ev);
}
