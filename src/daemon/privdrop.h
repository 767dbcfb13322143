/*
 * --user / --group: give up root once the tunnel is up, keeping only
 * CAP_NET_ADMIN, as OpenVPN 2.6 does with DCO: a reconnect can still make a
 * tun device and set addresses and routes, but nothing else runs as root.
 * Scripts run after the drop run as that user, without the capability.
 * --chroot DIR goes with it: once the tunnel is up, before the user
 * changes (chroot needs root), as OpenVPN does after initialization.
 */
#ifndef DCOVPN_DAEMON_PRIVDROP_H
#define DCOVPN_DAEMON_PRIVDROP_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct privdrop {
	bool want_user, want_group;
	uid_t uid;
	gid_t gid;
	char user[64], group[64];
	char chroot_dir[PATH_MAX];	/* "": no chroot */
	bool done;
};

/* Resolve the names now, so a typo fails at startup, not after connecting.
 * NULL names: nothing to drop. 0 or -errno with @err set. */
int privdrop_prepare(struct privdrop *pd, const char *user, const char *group,
		     char *err, size_t errlen);

/* --chroot DIR (NULL: none) for privdrop_apply. 0 or -ENAMETOOLONG. */
int privdrop_chroot(struct privdrop *pd, const char *dir, char *err,
		    size_t errlen);

/* Wanted at all: user, group or chroot. */
bool privdrop_wanted(const struct privdrop *pd);

/* Chroot and drop (once; later calls do nothing): 0 or -errno with @err set. */
int privdrop_apply(struct privdrop *pd, char *err, size_t errlen);

#endif
