/* The client's UDP through --socks-proxy (daemon/socks_udp.h): the
 * association is made before the engine's socket opens, whose remote is
 * then the relay's shim; logs and scripts keep naming the server. */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "daemon/addrtext.h"
#include "daemon/client_conn.h"
#include "daemon/linkopt.h"
#include "daemon/socks_udp.h"

#define CLIENT_SOCKS_SETUP_MS 10000u

/* The server's IPv4 address: the SOCKS header carries only that (as
 * OpenVPN's). */
static int server_v4(const struct conn *c, struct sockaddr_in *out)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICSERV }, *res;
	int err = getaddrinfo(c->ep.host, c->ep.port, &hints, &res);

	if (err) {
		log_err("RESOLVE: Cannot resolve host address: %s:%s (%s)",
			c->ep.host, c->ep.port, gai_strerror(err));
		return -EHOSTUNREACH;
	}
	memcpy(out, res->ai_addr, sizeof(*out));
	freeaddrinfo(res);
	return 0;
}

static void socks_lost(void *ctx)
{
	struct conn *c = ctx;

	c->end_desc = "socks-error";
	conn_end(c, END_RESTART);
}

int conn_socks_udp(struct conn *c)
{
	struct sock_opts so = linkopt(c->o);
	struct proxy_target t = {
		.host = c->ep.host, .port = c->ep.port,
		.proxy = (struct sockaddr *)&c->remote,
		.proxy_len = c->remote_len, .so = &so, .asker = c->cc->asker,
		.timeout_ms = CLIENT_SOCKS_SETUP_MS,
	};
	struct sockaddr_in server;
	struct sockaddr_storage shim, named = { 0 };
	socklen_t shim_len;
	int ret = server_v4(c, &server);

	if (ret)
		return ret;
	c->socks = calloc(1, sizeof(*c->socks));
	if (!c->socks)
		return -ENOMEM;
	c->socks->lost = socks_lost;
	c->socks->ctx = c;
	ret = socks_udp_open(c->socks, c->loop, c->o, &t, &server, &shim,
			     &shim_len);
	if (ret) {
		free(c->socks);
		c->socks = NULL;
		return ret;
	}
	memcpy(&c->remote, &shim, shim_len);
	c->remote_len = shim_len;
	memcpy(&named, &server, sizeof(server));
	addrtext(&named, NULL, 0, c->remote_desc, sizeof(c->remote_desc));
	return 0;
}

void conn_socks_close(struct conn *c)
{
	if (!c->socks)
		return;
	socks_udp_close(c->socks);
	free(c->socks);
	c->socks = NULL;
}
