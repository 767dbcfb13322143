/*
 * The server's listening sockets: one per --local line (OpenVPN 2.7's
 * multi-socket server), UDP and TCP, IPv4 and IPv6 mixed, all feeding one
 * client table and one engine. Without --local lines, one socket from
 * --proto and --port, as OpenVPN 2.6.
 *
 * UDP sockets are handed to the engine (dco_attach_udp): data packets of
 * every socket stay on the fast path, and a UDP client is answered from
 * the socket it came in on. A TCP socket accepts into its own front door
 * (io/tcp_pending.h) until a connection's first packet proves it a
 * client; the connection then is the client's transport.
 *
 * Life: server_listen_plan (before the engine opens: it needs to know
 * whether any socket is TCP or IPv6, for the MSS clamp), then
 * server_listen_open once the engine runs, server_listen_close at the end.
 * Control thread only.
 */
#ifndef DCOVPN_DAEMON_SERVER_LISTEN_H
#define DCOVPN_DAEMON_SERVER_LISTEN_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "conf/options.h"
#include "dcovpn/dco.h"
#include "io/tcp_pending.h"

struct server;

struct srv_listener {
	struct server *srv;
	enum dco_transport tr;
	int family;                     /* AF_INET or AF_INET6 */
	struct sockaddr_storage addr;   /* where it binds */
	socklen_t addr_len;
	int fd;                         /* -1: not open; UDP: the engine's */
	char occ[512];                  /* OCC options string (its proto) */
	char proto[8];                  /* "UDPv4", "TCPv6" */
	char desc[INET6_ADDRSTRLEN + 20]; /* "[AF_INET]198.18.0.1:1194" */
	struct tcp_pending wait;        /* TCP: no first packet yet */
	bool wait_up;                   /* wait initialised */
};

struct srv_listeners {
	struct srv_listener l[OPT_MAX_LOCALS];
	unsigned n;
	bool any_tcp, any_v6;
	tcp_pending_first_cb first;     /* server_listen_open's, for more */
	tcp_pending_foreign_cb foreign;
};

/* Read the local lines into s->ls (addresses resolved, nothing opened):
 * 0, or -EINVAL with the reason logged. */
int server_listen_plan(struct server *s);

/* Open every planned socket: UDP ones go to the engine, TCP ones accept
 * into @first (and @foreign with port-share), with the listener as ctx.
 * 0 or -errno (logged); what was opened is closed by server_listen_close. */
int server_listen_open(struct server *s, tcp_pending_first_cb first,
		       tcp_pending_foreign_cb foreign);

/* A reload: open the local lines of s->o past the listeners there are
 * (one that cannot open is logged and stays closed); how many opened. */
unsigned server_listen_more(struct server *s);

/* The listener of socket @fd (UDP: an engine event's fd), or NULL. */
struct srv_listener *server_listen_by_fd(struct server *s, int fd);

/* TCP front doors: time-outs; returns the next deadline (lowers nothing
 * if none is pending). */
uint64_t server_listen_tick(struct server *s, uint64_t now);

/* Close the TCP sockets and pending connections (UDP ones are the
 * engine's: dco_close closes them). */
void server_listen_close(struct server *s);

#endif
