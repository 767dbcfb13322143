/* Socket addresses in OpenVPN's text forms. */
#include "daemon/addrtext.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>

void addrtext(const struct sockaddr_storage *a, char *real, size_t rlen,
	      char *desc, size_t dlen)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	bool v6 = a->ss_family == AF_INET6;
	const void *p = v6 ? (const void *)&((const struct sockaddr_in6 *)a)->sin6_addr :
			     (const void *)&((const struct sockaddr_in *)a)->sin_addr;
	unsigned port = ntohs(v6 ? ((const struct sockaddr_in6 *)a)->sin6_port :
				   ((const struct sockaddr_in *)a)->sin_port);

	inet_ntop(a->ss_family, p, ip, sizeof(ip));
	if (real)
		snprintf(real, rlen, "%s:%u", ip, port);
	if (desc)
		snprintf(desc, dlen, "[AF_INET%s]%s:%u", v6 ? "6" : "", ip, port);
}
