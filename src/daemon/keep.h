/*
 * What outlives a restart (SIGHUP, SIGUSR1): the status file, the
 * ifconfig-pool-persist file and the management interface are
 * opened once, while still root, and handed to the next instance when its
 * configuration names the same path, as OpenVPN keeps them (its status and
 * pool files live in the context that survives a restart and are
 * rewritten in place; its management interface stays open, a manager
 * connected to it too). A server that
 * dropped privileges (--user nobody) can then restart: it could neither
 * open a root-owned file again nor bind a socket in a root-owned
 * directory.
 *
 * Owned by main() across server_run()s and client_run()s; one control thread, no locks.
 */
#ifndef DCOVPN_DAEMON_KEEP_H
#define DCOVPN_DAEMON_KEEP_H

#include <stddef.h>
#include <stdio.h>

#include "io/tun.h"

enum keep_slot { KEEP_STATUS, KEEP_POOL, KEEP_SLOTS };

struct mgmt;

struct keep_item {
	char *key;                   /* the path (or "host port") it is for */
	int fd;                      /* -1: none */
};

struct keep {
	struct keep_item it[KEEP_SLOTS];
	struct tun tun;              /* persist-tun; fd -1: none */
	char *tun_key;               /* the --dev it was opened for */
	struct mgmt *mgmt;           /* the management interface (mgmt_keep) */
	char *mgmt_key;              /* the address it is for */
	int restart_sig;             /* what restarted the last instance
				      * (SIGHUP, SIGUSR1), 0: none */
};

void keep_init(struct keep *k);
/* Close everything (the process ends). */
void keep_free(struct keep *k);

/*
 * The state file @path for @slot, opened read-write (created 0600, as
 * OpenVPN creates it; O_NOFOLLOW: a symlink planted in its place is
 * refused), or the descriptor kept from the last instance if @path is the
 * same. @k keeps ownership. -errno if it cannot be opened.
 */
int keep_file(struct keep *k, enum keep_slot slot, const char *path);

/*
 * persist-tun (and --user/--group, as the client does): the tun device for
 * @name ("tun%d"), a tap if @tap, opened now or kept from the last instance, to be
 * adopted by the engine (dco_config.adopt_tun); @k keeps it. NULL with
 * *@err set if it cannot be opened.
 */
struct tun *keep_tun(struct keep *k, const char *name, bool tap, int *err);

/* Take the descriptor kept for @key (the caller owns it now), or -1; one
 * kept for another key is closed. */
int keep_take(struct keep *k, enum keep_slot slot, const char *key);
/* Hand @fd over to @k for @key (for the next instance). */
void keep_put(struct keep *k, enum keep_slot slot, const char *key, int fd);

/* The management interface kept (mgmt.h mgmt_keep): put for @key; taken
 * (the caller owns it) if kept for @key, else NULL and one kept for
 * another key is closed (@key NULL: it is taken whatever its key). */
void keep_put_mgmt(struct keep *k, const char *key, struct mgmt *m);
struct mgmt *keep_take_mgmt(struct keep *k, const char *key);

/*
 * Replace the content of state file @fd with @buf, in place: one write at
 * offset 0, then truncated to @len. If the write is shorter than what was
 * there, the rest is blanked in the same write by a comment line, so a
 * process killed before the truncation leaves a file that still reads
 * right. 0 or -errno.
 */
int keep_rewrite(int fd, const char *buf, size_t len);

/* keep_rewrite() with what @print writes into a stream (0 or -errno). */
int keep_print(int fd, int (*print)(FILE *f, void *ctx), void *ctx);

/* A stream reading state file @fd from its start (a duplicate: fclose()
 * it), or NULL. */
FILE *keep_read(int fd);

#endif
