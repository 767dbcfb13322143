/*
 * persist-remote-ip and persist-local-ip: what a client's SIGUSR1-class
 * restart (SIGUSR1, ping-restart, a TLS error, server-poll-timeout) keeps
 * of the last connection instead of resolving --remote and --local again,
 * as OpenVPN 2.6 keeps its resolved addresses then (init.c
 * do_close_link_socket). The remote kept is where the peer was last seen
 * (after a float too), and only for the same remote entry (host, port);
 * SIGHUP or an exit forgets both. Owned by client_run, one thread.
 */
#ifndef DCOVPN_DAEMON_CLIENT_PERSIST_H
#define DCOVPN_DAEMON_CLIENT_PERSIST_H

#include <stdbool.h>
#include <sys/socket.h>

struct conn;

struct client_persist {
	bool have_remote;
	char host[256], port[16];       /* the remote entry it is for */
	struct sockaddr_storage remote;
	socklen_t remote_len;
	bool have_local;
	struct sockaddr_storage local;
	socklen_t local_len;
};

/* @c ended (enum conn_end @end): keep what the options ask for, forget the rest. */
void client_persist_end(struct client_persist *p, const struct conn *c,
			int end);

/* The remote address kept for @c's remote entry into c->remote: true, or
 * false (resolve it). */
bool client_persist_remote(const struct client_persist *p, struct conn *c);

/* localbind_get() for @c, or the --local address kept (returns 1); the
 * bound --local address is noted in c->local. */
int client_persist_local(struct conn *c, int family, bool tcp,
			 struct sockaddr_storage *out, socklen_t *len);

#endif
