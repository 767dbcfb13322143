/*
 * --management-client-user / --management-client-group: who may talk to
 * a unix-socket management interface. The peer's credentials come from
 * the kernel (SO_PEERCRED) at accept; a mismatch closes the connection
 * before a byte is exchanged, as OpenVPN does. NetworkManager's plugin
 * passes both as "root".
 */
#ifndef DCOVPN_DAEMON_MGMT_PEER_H
#define DCOVPN_DAEMON_MGMT_PEER_H

#include <stdbool.h>
#include <sys/types.h>

struct mgmt_peer {
	bool check_uid, check_gid;
	uid_t uid;
	gid_t gid;
};

/* Resolve the names (NULL: no restriction). 0, or -ENOENT logged. */
int mgmt_peer_prepare(struct mgmt_peer *p, const char *user,
		      const char *group);

/* May the peer of the accepted unix socket @fd stay? Logs why not. */
bool mgmt_peer_allowed(const struct mgmt_peer *p, int fd);

#endif
