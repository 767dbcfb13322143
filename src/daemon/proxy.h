/*
 * The client's TCP connection through a proxy, as OpenVPN 2.6 makes it:
 * --http-proxy (HTTP CONNECT, Basic or NTLMv2 authentication, "auto" learning the
 * method from a 407 reply and connecting again) and --socks-proxy (SOCKS5
 * CONNECT, no authentication or username/password). The server's name is
 * sent as given: the proxy resolves it. Set-up is blocking, bounded by
 * the connect timeout, like the direct TCP connect it replaces;
 * afterwards the socket carries OpenVPN's TCP stream unchanged.
 */
#ifndef DCOVPN_DAEMON_PROXY_H
#define DCOVPN_DAEMON_PROXY_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "conf/options.h"
#include "daemon/clientcfg.h"
#include "io/sockopt.h"

struct proxy_target {
	const char *host, *port;        /* the OpenVPN server, as configured */
	const struct sockaddr *proxy;   /* the proxy's resolved address */
	socklen_t proxy_len;
	const struct sock_opts *so;
	const struct clientcfg_asker *asker;	/* credentials; may be NULL */
	unsigned timeout_ms;
};

/* Which proxy @o asks for (NULL: none). */
const struct opt_proxy *proxy_of(const struct options *o);

/* A connected, non-blocking stream to the server, or -errno (logged). */
int proxy_connect(const struct options *o, const struct proxy_target *t);

/* --socks-proxy with proto udp: the SOCKS5 association, whose TCP
 * connection (returned, or -errno logged) must stay open while it is
 * used; the relay's address in @relay (daemon/socks_udp.c carries the
 * datagrams). */
int proxy_udp_associate(const struct options *o, const struct proxy_target *t,
			struct sockaddr_in *relay);

/* ---- internal to proxy*.c ------------------------------------------------ */

struct proxy_creds {
	char user[256];
	char pass[256];                 /* secret */
};

/* From the auth file (or inline http-proxy-user-pass), else asked as
 * @type ("HTTP Proxy", "SOCKS Proxy"). 0 or -errno (logged). */
int proxy_creds_get(const struct opt_proxy *p, const struct opt_file *inl,
		    const struct proxy_target *t, const char *type,
		    struct proxy_creds *out);
void proxy_creds_wipe(struct proxy_creds *c);

/* Exactly @len bytes before @deadline_ms (clock_now_ms). 0 or -errno. */
int proxy_read(int fd, void *buf, size_t len, uint64_t deadline_ms);
int proxy_write(int fd, const void *buf, size_t len, uint64_t deadline_ms);

/* What the HTTP proxy is answered with; "auto" learns it from a 407
 * (Basic, or Digest with its challenge) for the next connection. */
struct proxy_http_auth {
	enum opt_proxy_auth method;
	char challenge[512];            /* a Digest 407's parameters, or
					 * an NTLM 407's type 2 message */
};

/* -EAGAIN: connect again with @a (what a 407 asked for, "auto"). */
int proxy_http(const struct options *o, const struct proxy_target *t, int fd,
	       struct proxy_http_auth *a);
/* proxy_digest.c: the "Proxy-Authorization: Digest ..." line answering
 * @challenge for CONNECT @uri, into @out. 0 or -errno (logged). */
int proxy_digest_header(const char *challenge, const char *user,
			const char *pass, const char *uri, char *out, size_t len);
/* proxy_ntlm.c (ntlm2): the type 1 message (base64), and the type 3
 * answering the proxy's base64 type 2 @type2_b64 for "[DOMAIN\\]user"
 * @user, base64 into @out. 0 or -errno (logged). */
const char *proxy_ntlm_type1(void);
int proxy_ntlm_type3(const char *type2_b64, const char *user,
		     const char *pass, char *out, size_t outlen);
int proxy_socks(const struct options *o, const struct proxy_target *t, int fd);
/* SOCKS5 UDP ASSOCIATE on @fd (connected to the proxy): the relay's
 * address in @relay (IPv4 only, as OpenVPN). 0 or -errno (logged). */
int proxy_socks_udp(const struct options *o, const struct proxy_target *t,
		    int fd, struct sockaddr_in *relay);

#endif
