/*
 * --port-share HOST PORT [DIR] (TCP server): a connection to the server's
 * port that does not speak OpenVPN (io/tcp_pending.c judges its first
 * bytes as OpenVPN 2.6 does) is relayed to HOST:PORT, e.g. a web server
 * sharing port 443. The relay lives in the server's event loop: both
 * sockets non-blocking, a bounded buffer each way, at most PORTSHARE_MAX
 * relays (a new one over the limit is refused). With DIR, a file named
 * after the relay's own address towards HOST ("[AF_INET]127.0.0.1:40312")
 * holds the real client's address for the other server's logs, as
 * OpenVPN writes it; it is removed when the relay ends.
 */
#ifndef DCOVPN_DAEMON_PORTSHARE_H
#define DCOVPN_DAEMON_PORTSHARE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ev/loop.h"

#define PORTSHARE_MAX 256u
#define PORTSHARE_BUF 16384u

struct ps_conn;

struct portshare {
	struct loop *loop;
	struct sockaddr_storage target;
	socklen_t target_len;
	char *dir;                    /* NULL: no journal */
	struct ps_conn *conns;
	unsigned n;
	uint64_t relayed, refused;
};

/* Resolve HOST:PORT now (numeric or a name). 0 or -errno (logged). */
int portshare_init(struct portshare *ps, struct loop *l, const char *host,
		   const char *port, const char *dir);
void portshare_free(struct portshare *ps);

/* Relay @fd (non-blocking; taken in every case) from @from, whose first
 * bytes @head were already read. 0, or -errno (@fd closed). */
int portshare_take(struct portshare *ps, int fd,
		   const struct sockaddr_storage *from, socklen_t from_len,
		   const uint8_t *head, size_t len);

#endif
