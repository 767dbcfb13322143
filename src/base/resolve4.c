/* IPv4 address or host name (resolve4.h). */
#include "base/resolve4.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

int resolve4(const char *name, struct in_addr *out)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res = NULL;

	if (inet_pton(AF_INET, name, out) == 1)
		return 0;
	if (getaddrinfo(name, NULL, &hints, &res) || !res)
		return -ENOENT;
	*out = ((const struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

bool resolve4_name_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_-.", *s))
			return false;
	return true;
}
