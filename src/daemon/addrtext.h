/* A socket address as OpenVPN prints it. */
#ifndef DCOVPN_DAEMON_ADDRTEXT_H
#define DCOVPN_DAEMON_ADDRTEXT_H

#include <stddef.h>
#include <sys/socket.h>

/* "198.18.0.2:5000" (status files) into @real and "[AF_INET]198.18.0.2:5000"
 * (logs, port-share journal) into @desc; either may be NULL. */
void addrtext(const struct sockaddr_storage *a, char *real, size_t rlen,
	      char *desc, size_t dlen);

#endif
