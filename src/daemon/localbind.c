/* The local end of the transport socket (--local, --lport, --nobind). */
#include "daemon/localbind.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "base/log.h"

static bool wants_bind(const struct options *o, bool tcp)
{
	if (o->nobind)
		return false;
	if (tcp)	/* a TCP client only when asked (2.6 options.c) */
		return o->local || o->n_locals || o->lport_defined || o->bind;
	return true;
}

static int any_address(int family, struct sockaddr_storage *out,
		       socklen_t *len)
{
	memset(out, 0, sizeof(*out));
	out->ss_family = (sa_family_t)(family == AF_INET ? AF_INET : AF_INET6);
	*len = family == AF_INET ? sizeof(struct sockaddr_in) :
				   sizeof(struct sockaddr_in6);
	return 0;
}

int localbind_get(const struct options *o, int family, bool tcp,
		  struct sockaddr_storage *out, socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				  .ai_family = family,
				  .ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM };
	struct opt_endpoint ep;
	const char *port = options_local(o, 0, &ep) ? OPT_DEFAULT_PORT : ep.port;
	struct addrinfo *res;
	int err;

	if (!wants_bind(o, tcp))
		return any_address(family, out, len);
	if (!o->local && family == AF_UNSPEC)
		hints.ai_family = AF_INET6;	/* dual-stack any address */
	err = getaddrinfo(o->local, port, &hints, &res);
	if (err) {
		log_err("RESOLVE: Cannot resolve host address: %s:%s (%s)",
			o->local ? o->local : "[undef]", port,
			gai_strerror(err));
		return -EHOSTUNREACH;
	}
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 1;
}
