/*
 * --user / --group: give up root once the tunnel is up, keeping only
 * CAP_NET_ADMIN, as OpenVPN 2.6 does with DCO: a reconnect can still make a
 * tun device and set addresses and routes, but nothing else runs as root.
 * Scripts run after the drop run as that user, without the capability.
 */
#ifndef DCOVPN_DAEMON_PRIVDROP_H
#define DCOVPN_DAEMON_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct privdrop {
	bool want_user, want_group;
	uid_t uid;
	gid_t gid;
	char user[64], group[64];
	bool done;
};

/* Resolve the names now, so a typo fails at startup, not after connecting.
 * NULL names: nothing to drop. 0 or -errno with @err set. */
int privdrop_prepare(struct privdrop *pd, const char *user, const char *group,
		     char *err, size_t errlen);

/* Drop (once; later calls do nothing): 0 or -errno with @err set. */
int privdrop_apply(struct privdrop *pd, char *err, size_t errlen);

#endif
