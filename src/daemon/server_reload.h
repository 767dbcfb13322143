/*
 * SIGHUP without dropping anyone. OpenVPN 2.6 restarts on SIGHUP: every
 * client is disconnected and reconnects. dcovpn reads the configuration
 * again and, when what changed can be applied in place, keeps the
 * engine, the tun and every client's tunnel:
 *
 *  - push lines: new clients get the new ones; a connected client that
 *    announced PUSH_UPDATE (2.7) and has no ccd file gets the changed
 *    options as a PUSH_UPDATE, if they are all ones 2.7 can update
 *    (routes, dhcp-option, dns, redirect-gateway...); every other client
 *    is told to reconnect ("RESTART", which 2.6 clients follow at once);
 *  - client-config-dir (the line or any file in it): a client whose ccd
 *    file now reads differently is told to reconnect; the others stay;
 *  - the CRL file's content: read again when it changes, at each
 *    handshake and renegotiation (ctl/tls_crl.c); at a reload, connected
 *    clients whose certificates it now revokes are ended (2.6's restart
 *    would refuse them when they came back);
 *  - route and route-ipv6 lines: the server's routes into the tun are
 *    added and taken away to match (route-up is not run again);
 *  - local lines added at the end: their sockets open (a first TCP or
 *    IPv6 socket needs a restart: the engine's MSS clamp assumed none).
 *
 * connect-freq's window starts anew, as after a restart.
 *
 * Anything else that changed (any other line, a local line edited or
 * removed, the content of a key or certificate file) restarts as 2.6
 * does; the log says which. A configuration that no longer parses is
 * refused and the running one stays. SIGUSR1 always restarts.
 *
 * The options read at a reload replace s->o; those they replace stay
 * allocated until the server ends (state made from them may point into
 * them). Control thread only.
 */
#ifndef DCOVPN_DAEMON_SERVER_RELOAD_H
#define DCOVPN_DAEMON_SERVER_RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct server;
struct server_reparse;
struct options;

#define SRV_RELOAD_FILES 9

/* A file named by the configuration, as stat() saw it. */
struct srv_file_id {
	bool ok;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct srv_reload {
	const struct server_reparse *rp;   /* NULL: SIGHUP restarts */
	struct options **owned;            /* read at reloads: current, retired */
	size_t n_owned;
	struct srv_file_id files[SRV_RELOAD_FILES]; /* of the running config */
	unsigned reloads;
};

/* At start, once s->o is final. */
void server_reload_init(struct server *s, const struct server_reparse *rp);

/* SIGHUP: true if handled in place (applied, or refused with the running
 * configuration kept), false if the server must restart. */
bool server_reload(struct server *s);

/* At the end, after everything that may use s->o. */
void server_reload_free(struct server *s);

/* server_reload_routes.c: s->o's route and route-ipv6 lines into the
 * tun's routing table, those only @old had taken away. */
void server_reload_routes(struct server *s, const struct options *old);

/* server_reload_push.c: the PUSH_UPDATE options ("opt,opt,-name") that
 * bring a client from push lines @old to @new: heap, "" when no option
 * changed, NULL when one changed that a connected client cannot take (or
 * no memory). */
struct opt_strv;
char *server_reload_update(const struct opt_strv *old,
			   const struct opt_strv *new);

#endif
