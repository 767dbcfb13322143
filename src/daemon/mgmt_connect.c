/*
 * management-client: the management interface connects out to the
 * manager at --management's address (TCP or unix socket) instead of
 * listening. As OpenVPN: a connection that fails, or that the manager
 * closes, ends the daemon (SIGTERM, reason "management-connect-failed" /
 * "management-exit"). The connect never blocks the loop.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "daemon/mgmt_int.h"

/* The manager is gone or never came: the daemon ends, as OpenVPN's. */
void mgmt_connect_lost(struct mgmt *m, const char *reason)
{
	m->exit_reason = reason;
	log_info("MANAGEMENT: Triggering management exit");
	kill(getpid(), SIGTERM);   /* the loop's signalfd takes it */
}

void mgmt_connected(void *ctx, uint32_t events)
{
	struct mgmt *m = ctx;
	int fd = m->ofd, err = 0;
	socklen_t len = sizeof(err);

	(void)events;
	loop_del(m->loop, fd);
	m->ofd = -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		log_err("MANAGEMENT: connect to %s failed: %s", m->out_desc,
			strerror(err ? err : errno));
		close(fd);
		mgmt_connect_lost(m, "management-connect-failed");
		return;
	}
	log_info("MANAGEMENT: Connected to management server at %s",
		 m->out_desc);
	if (mgmt_attach(m, fd))
		mgmt_connect_lost(m, "management-connect-failed");
}

/* A nonblocking connect to @sa; the outcome comes to mgmt_connected. */
static int mgmt_connect_sa(struct mgmt *m, const struct sockaddr *sa,
			   socklen_t len)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);

	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) && errno != EINPROGRESS) {
		int err = -errno;

		log_err("MANAGEMENT: connect to %s failed: %s", m->out_desc,
			strerror(-err));
		close(fd);
		return err;
	}
	if (loop_add(m->loop, fd, EPOLLOUT, mgmt_connected, m)) {
		close(fd);
		return -ENOSPC;
	}
	m->ofd = fd;
	return 0;
}

int mgmt_connect_out(struct mgmt *m, const struct options *o)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int err;

	if (o->mgmt_unix) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		if (strlen(o->mgmt_addr) >= sizeof(sa.sun_path))
			return -ENAMETOOLONG;
		memcpy(sa.sun_path, o->mgmt_addr, strlen(o->mgmt_addr) + 1);
		snprintf(m->out_desc, sizeof(m->out_desc), "%s", o->mgmt_addr);
		return mgmt_connect_sa(m, (struct sockaddr *)&sa, sizeof(sa));
	}
	err = getaddrinfo(o->mgmt_addr, o->mgmt_port, &hints, &res);
	if (err) {
		log_err("--management: cannot resolve %s: %s", o->mgmt_addr,
			gai_strerror(err));
		return -EINVAL;
	}
	snprintf(m->out_desc, sizeof(m->out_desc), "[AF_INET%s]%s:%s",
		 res->ai_family == AF_INET6 ? "6" : "", o->mgmt_addr,
		 o->mgmt_port);
	err = mgmt_connect_sa(m, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return err;
}
