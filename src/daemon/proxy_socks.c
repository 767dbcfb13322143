/* --socks-proxy: SOCKS5 (RFC 1928) CONNECT by name, as OpenVPN 2.6 asks:
 * one method offered (no authentication, or username/password (RFC 1929)
 * when an auth file is given), the server's name as ATYP 3. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "daemon/proxy.h"

#define SOCKS_VER 5
#define SOCKS_NOAUTH 0
#define SOCKS_USERPASS 2
#define SOCKS_CONNECT 1
#define SOCKS_UDP_ASSOCIATE 3
#define SOCKS_ATYP_V4 1
#define SOCKS_ATYP_NAME 3
#define SOCKS_ATYP_V6 4

static int socks_login(const struct options *o, const struct proxy_target *t,
		       int fd, uint64_t deadline)
{
	struct proxy_creds c = { 0 };
	uint8_t msg[3 + 2 * 255], rep[2];
	size_t ul, pl;
	int ret;

	ret = proxy_creds_get(&o->socks_proxy, NULL, t, "SOCKS Proxy", &c);
	if (ret)
		return ret;
	ul = strlen(c.user);
	pl = strlen(c.pass);
	if (ul > 255 || pl > 255) {
		proxy_creds_wipe(&c);
		return -E2BIG;
	}
	msg[0] = 1;	/* the sub-negotiation's version */
	msg[1] = (uint8_t)ul;
	memcpy(msg + 2, c.user, ul);
	msg[2 + ul] = (uint8_t)pl;
	memcpy(msg + 3 + ul, c.pass, pl);
	proxy_creds_wipe(&c);
	ret = proxy_write(fd, msg, 3 + ul + pl, deadline);
	mem_wipe(msg, sizeof(msg));
	if (!ret)
		ret = proxy_read(fd, rep, sizeof(rep), deadline);
	if (!ret && rep[1] != 0) {
		log_err("SOCKS proxy: username/password refused");
		ret = -EACCES;
	}
	return ret;
}

static int socks_method(const struct options *o, const struct proxy_target *t,
			int fd, uint64_t deadline)
{
	bool login = o->socks_proxy.authfile != NULL;
	uint8_t sel[3] = { SOCKS_VER, 1, login ? SOCKS_USERPASS : SOCKS_NOAUTH };
	uint8_t rep[2];
	int ret = proxy_write(fd, sel, sizeof(sel), deadline);

	if (!ret)
		ret = proxy_read(fd, rep, sizeof(rep), deadline);
	if (ret)
		return ret;
	if (rep[0] != SOCKS_VER || rep[1] != sel[2]) {
		log_err("SOCKS proxy: method selection refused (0x%02x)", rep[1]);
		return -EPROTO;
	}
	return login ? socks_login(o, t, fd, deadline) : 0;
}

/* The reply's bound address, whose length its type tells, is read; an
 * IPv4 one goes to @v4 (when not NULL: UDP ASSOCIATE's relay). */
static int socks_reply(int fd, uint64_t deadline, struct sockaddr_in *v4)
{
	uint8_t h[4], rest[256 + 2];
	size_t skip;
	int ret = proxy_read(fd, h, sizeof(h), deadline);

	if (ret)
		return ret;
	if (h[0] != SOCKS_VER || h[1] != 0) {
		log_err("SOCKS proxy: CONNECT refused (reply %u)", h[1]);
		return -ECONNREFUSED;
	}
	if (h[3] == SOCKS_ATYP_NAME) {
		ret = proxy_read(fd, rest, 1, deadline);
		skip = (size_t)rest[0] + 2;
	} else {
		skip = h[3] == SOCKS_ATYP_V4 ? 4 + 2 :
		       h[3] == SOCKS_ATYP_V6 ? 16 + 2 : 0;
	}
	if (!ret && !skip)
		ret = -EPROTO;
	if (!ret)
		ret = proxy_read(fd, rest, skip, deadline);
	if (!ret && v4) {
		if (h[3] != SOCKS_ATYP_V4)
			return -EAFNOSUPPORT;
		v4->sin_family = AF_INET;
		memcpy(&v4->sin_addr, rest, 4);
		memcpy(&v4->sin_port, rest + 4, 2);
	}
	return ret;
}

int proxy_socks(const struct options *o, const struct proxy_target *t, int fd)
{
	uint64_t deadline = clock_now_ms() + t->timeout_ms;
	size_t hl = strlen(t->host);
	unsigned port = (unsigned)atoi(t->port);
	uint8_t req[4 + 1 + 255 + 2];
	int ret;

	if (hl > 255)
		return -ENAMETOOLONG;
	ret = socks_method(o, t, fd, deadline);
	if (ret)
		return ret;
	req[0] = SOCKS_VER;
	req[1] = SOCKS_CONNECT;
	req[2] = 0;
	req[3] = SOCKS_ATYP_NAME;
	req[4] = (uint8_t)hl;
	memcpy(req + 5, t->host, hl);
	req[5 + hl] = (uint8_t)(port >> 8);
	req[6 + hl] = (uint8_t)port;
	ret = proxy_write(fd, req, 7 + hl, deadline);
	if (!ret)
		ret = socks_reply(fd, deadline, NULL);
	if (!ret)
		log_info("SOCKS proxy: connected to %s:%s", t->host, t->port);
	return ret;
}

int proxy_socks_udp(const struct options *o, const struct proxy_target *t,
		    int fd, struct sockaddr_in *relay)
{
	/* as OpenVPN asks: from any address (IPv4 0.0.0.0:0) */
	static const uint8_t req[10] = { SOCKS_VER, SOCKS_UDP_ASSOCIATE, 0,
					 SOCKS_ATYP_V4 };
	uint64_t deadline = clock_now_ms() + t->timeout_ms;
	int ret = socks_method(o, t, fd, deadline);

	if (!ret)
		ret = proxy_write(fd, req, sizeof(req), deadline);
	if (!ret)
		ret = socks_reply(fd, deadline, relay);
	if (ret)
		log_err("SOCKS proxy: UDP ASSOCIATE failed: %s", strerror(-ret));
	return ret;
}
