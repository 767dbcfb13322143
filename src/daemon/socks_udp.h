/*
 * --socks-proxy with proto udp, as OpenVPN 2.6 does it: a SOCKS5 UDP
 * ASSOCIATE (its TCP connection held open), then every datagram to the
 * server goes to the proxy's relay behind a 10-byte SOCKS header (RSV,
 * FRAG 0, ATYP 1, the server's IPv4 address and port), and the relay's
 * datagrams arrive behind the same header.
 *
 * The offload engine sends and receives plain datagrams; so its UDP socket
 * is given a "shim" on 127.0.0.1 as its remote, and the event loop moves
 * the datagrams between the shim and the relay, adding or checking and
 * stripping the header (bounded work per event, never blocking: a
 * datagram that does not fit the socket now is dropped and counted, as
 * UDP may). The association ending (the proxy closed the TCP connection)
 * is reported through @lost.
 */
#ifndef DCOVPN_DAEMON_SOCKS_UDP_H
#define DCOVPN_DAEMON_SOCKS_UDP_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/options.h"
#include "daemon/proxy.h"
#include "ev/loop.h"

#define SOCKS_UDP_HEAD 10u

struct socks_udp {
	struct loop *loop;
	int ctl_fd;                  /* TCP to the proxy: the association */
	int relay_fd;                /* UDP, connected to the relay */
	int shim_fd;                 /* UDP on 127.0.0.1: the engine's remote */
	struct sockaddr_storage engine;   /* the engine's socket, learnt */
	socklen_t engine_len;        /* 0: nothing came from it yet */
	uint8_t head[SOCKS_UDP_HEAD];     /* for the server */
	uint64_t dropped;            /* bad or undeliverable datagrams */
	uint8_t buf[SOCKS_UDP_HEAD + 65536];	/* one datagram, header first */
	void (*lost)(void *ctx);
	void *ctx;
};

/*
 * Associate through the proxy @t and start relaying for @server (IPv4).
 * The shim's address (the engine's remote) in @shim. 0 or -errno
 * (logged); on error nothing is left open.
 */
int socks_udp_open(struct socks_udp *s, struct loop *loop,
		   const struct options *o, const struct proxy_target *t,
		   const struct sockaddr_in *server,
		   struct sockaddr_storage *shim, socklen_t *shim_len);
void socks_udp_close(struct socks_udp *s);

#endif
