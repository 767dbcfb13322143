#include "cli/setup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "conf/keyfile.h"
#include "io/tcp.h"
#include "io/udp.h"
#include "net/netlink.h"

/* Pause between TCP connect attempts while the other side is not up yet. */
#define CLI_CONNECT_RETRY_MS 200

static const char *addr_str(const struct sockaddr_storage *ss, char *buf,
			    size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(sin->sin_port));
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(sin6->sin6_port));
	}
	return buf;
}

/* Keys for slot PRIMARY, key-id 0, from the key file (or none). */
static int load_key(const struct cli_opts *o, struct dco_key_config *kc)
{
	struct data64_key k;
	char err[256];

	memset(kc, 0, sizeof(*kc));
	if (o->key_file) {
		if (keyfile_load_data64(o->key_file, &k, err, sizeof(err)) < 0) {
			log_err("bad KEY_FILE %s: %s", o->key_file, err);
			keyfile_wipe(&k);
			return -EINVAL;
		}
		keyfile_to_key_config(&k, o->key_direction, kc);
		keyfile_wipe(&k);
	}
	kc->slot = DCO_KEY_PRIMARY;
	kc->key_id = 0;
	kc->cipher = o->cipher;
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Connect, retrying while the listener is not up yet, for at most
 * CLI_TCP_SETUP_MS in total. */
static int tcp_connect_retry(const struct cli_opts *o)
{
	uint64_t deadline = clock_now_ms() + CLI_TCP_SETUP_MS;
	uint64_t now;
	int fd;

	for (;;) {
		now = clock_now_ms();
		fd = tcp_connect((const struct sockaddr *)&o->local,
				 o->local_len,
				 (const struct sockaddr *)&o->remote,
				 o->remote_len, (unsigned)(deadline - now));
		if (fd >= 0 || (fd != -ECONNREFUSED && fd != -EHOSTUNREACH &&
				fd != -ENETUNREACH && fd != -EADDRINUSE &&
				fd != -ECONNRESET))
			return fd;
		if (clock_now_ms() + CLI_CONNECT_RETRY_MS >= deadline)
			return -ETIMEDOUT;
		log_debug("tcp connect: %s, retrying", strerror(-fd));
		sleep_ms(CLI_CONNECT_RETRY_MS);
	}
}

/* The transport socket: attached (UDP) or connected (TCP). */
static int open_transport(const struct cli_opts *o, struct dco *dco)
{
	char buf[INET6_ADDRSTRLEN + 8];
	int fd, ret;

	if (o->transport == DCO_TRANSPORT_UDP) {
		fd = udp_open((const struct sockaddr *)&o->local, o->local_len);
		if (fd < 0) {
			log_err("cannot open UDP socket on %s: %s",
				addr_str(&o->local, buf, sizeof(buf)),
				strerror(-fd));
			return fd;
		}
		ret = dco_attach_udp(dco, fd);
		if (ret < 0) {
			log_err("cannot attach UDP socket: %s", strerror(-ret));
			close(fd);
			return ret;
		}
		return fd;
	}
	if (o->listen) {
		log_info("waiting up to %u s for a TCP connection from %s",
			 CLI_TCP_SETUP_MS / 1000,
			 addr_str(&o->remote, buf, sizeof(buf)));
		fd = tcp_accept_from((const struct sockaddr *)&o->local,
				     o->local_len,
				     (const struct sockaddr *)&o->remote,
				     o->remote_len, CLI_TCP_SETUP_MS);
	} else {
		fd = tcp_connect_retry(o);
	}
	if (fd < 0)
		log_err("cannot %s TCP %s %s: %s",
			o->listen ? "accept" : "connect",
			o->listen ? "from" : "to",
			addr_str(&o->remote, buf, sizeof(buf)), strerror(-fd));
	return fd;
}

static int add_peer(const struct cli_opts *o, struct dco *dco, int fd)
{
	struct dco_peer_config pc;
	int ret;

	memset(&pc, 0, sizeof(pc));
	pc.peer_id = o->peer_id;
	pc.transport = o->transport;
	pc.fd = fd;
	pc.remote = o->remote;
	pc.remote_len = o->remote_len;
	ret = dco_new_peer(dco, &pc);
	if (ret < 0)
		log_err("cannot add peer %u: %s", (unsigned)o->peer_id,
			strerror(-ret));
	return ret;
}

static int add_key(const struct cli_opts *o, struct dco *dco,
		   struct dco_key_config *kc)
{
	int ret = dco_new_key(dco, o->peer_id, kc);

	if (ret < 0) {
		log_err("cannot install %s key: %s", dco_cipher_name(kc->cipher),
			strerror(-ret));
		return ret;
	}
	ret = dco_set_peer(dco, o->peer_id, o->ka_interval, o->ka_timeout);
	if (ret < 0)
		log_err("cannot set keepalive %u %u: %s", o->ka_interval,
			o->ka_timeout, strerror(-ret));
	return ret;
}

static int add_addresses(const struct cli_opts *o, int ifindex)
{
	char buf[INET6_ADDRSTRLEN];
	int ret;

	ret = nl_addr_add4(ifindex, o->vpn_ip, o->vpn_prefix);
	if (ret < 0) {
		log_err("cannot add address %s/%u: %s",
			inet_ntop(AF_INET, &o->vpn_ip, buf, sizeof(buf)),
			o->vpn_prefix, strerror(-ret));
		return ret;
	}
	if (!o->has_ipv6)
		return 0;
	ret = nl_addr_add6(ifindex, &o->ipv6, o->ipv6_prefix);
	if (ret < 0)
		log_err("cannot add address %s/%u: %s",
			inet_ntop(AF_INET6, &o->ipv6, buf, sizeof(buf)),
			o->ipv6_prefix, strerror(-ret));
	return ret;
}

/*
 * In P2P mode the gateway is the other end of the tunnel: reachable through
 * the subnet route of VPN_IP/NETMASK. Only a gateway outside that subnet
 * needs a host route through the tunnel (after the link is up: the kernel
 * refuses routes over a down device).
 */
static int add_gw_route(const struct cli_opts *o, int ifindex)
{
	uint32_t mask = o->vpn_prefix ? ~0u << (32 - o->vpn_prefix) : 0;
	char buf[INET_ADDRSTRLEN];
	int ret;

	if ((ntohl(o->vpn_gw.s_addr) & mask) == (ntohl(o->vpn_ip.s_addr) & mask))
		return 0;
	ret = nl_route_add4(ifindex, o->vpn_gw, 32, NULL);
	if (ret < 0 && ret != -EEXIST) {
		log_err("cannot add route to %s: %s",
			inet_ntop(AF_INET, &o->vpn_gw, buf, sizeof(buf)),
			strerror(-ret));
		return ret;
	}
	return 0;
}

static void log_ready(const struct cli_opts *o, struct dco *dco)
{
	char rbuf[INET6_ADDRSTRLEN + 8], vbuf[INET_ADDRSTRLEN];

	log_info("%s up: %s peer %u at %s, %s/%u, %s, key direction %d, keepalive %u %u, mtu %u",
		 dco_ifname(dco),
		 o->transport == DCO_TRANSPORT_UDP ? "udp" : "tcp",
		 (unsigned)o->peer_id, addr_str(&o->remote, rbuf, sizeof(rbuf)),
		 inet_ntop(AF_INET, &o->vpn_ip, vbuf, sizeof(vbuf)),
		 o->vpn_prefix, dco_cipher_name(o->cipher), o->key_direction,
		 o->ka_interval, o->ka_timeout, dco_mtu(dco));
}

static int open_engine(const struct cli_opts *o, struct dco **out)
{
	struct dco_config cfg;
	int ret;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ifname = o->ifname;
	cfg.mtu = o->mtu;
	cfg.mode = DCO_MODE_P2P;
	cfg.replay_window = o->replay_window;
	cfg.workers = o->workers;
	cfg.aead_backend = o->aead_backend;
	cfg.replay_window_secs = o->replay_window_secs;
	ret = dco_open(out, &cfg);
	if (ret < 0)
		log_err("cannot create the tunnel device%s%s: %s",
			o->ifname ? " " : "", o->ifname ? o->ifname : "",
			strerror(-ret));
	return ret;
}

static int configure(const struct cli_opts *o, struct dco *dco,
		     struct dco_key_config *kc)
{
	int fd, ret;

	fd = open_transport(o, dco);
	if (fd < 0)
		return fd;
	ret = add_peer(o, dco, fd);
	if (ret < 0)
		return ret;
	ret = add_key(o, dco, kc);
	if (ret < 0)
		return ret;
	ret = add_addresses(o, dco_ifindex(dco));
	if (ret < 0)
		return ret;
	ret = dco_start(dco);
	if (ret < 0) {
		log_err("cannot start %s: %s", dco_ifname(dco), strerror(-ret));
		return ret;
	}
	return add_gw_route(o, dco_ifindex(dco));
}

int cli_setup(const struct cli_opts *o, struct dco **out)
{
	struct dco_key_config kc;
	struct dco *dco = NULL;
	int ret;

	/* The key file first: a bad one must fail before anything is made. */
	ret = load_key(o, &kc);
	if (ret < 0)
		return ret;
	ret = open_engine(o, &dco);
	if (ret < 0)
		goto out_wipe;
	ret = configure(o, dco, &kc);
	if (ret < 0) {
		dco_close(dco);
		goto out_wipe;
	}
	log_ready(o, dco);
	*out = dco;
out_wipe:
	dco_key_config_wipe(&kc);
	return ret;
}
