/* The management interface's set-up and teardown (mgmt.h): listening on
 * a unix or TCP socket (or a kept one), the password file, open, close,
 * release of the listening socket for the next instance. */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mem.h"
#include "daemon/mgmt_int.h"

static int mgmt_listen_unix(struct mgmt *m, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("--management: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		int err = -errno;

		log_err("--management: cannot listen on %s: %s", path,
			strerror(-err));
		close(fd);
		return err;
	}
	chmod(path, 0600);
	snprintf(m->unix_path, sizeof(m->unix_path), "%s", path);
	m->lfd = fd;
	return 0;
}

static int mgmt_listen_tcp(struct mgmt *m, const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int one = 1, fd = -1, err;

	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		log_err("--management: cannot resolve %s: %s", host,
			gai_strerror(err));
		return -EINVAL;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	err = fd < 0 ? -errno : 0;
	if (!err) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 1))
			err = -errno;
	}
	freeaddrinfo(res);
	if (err) {
		log_err("--management: cannot listen on %s:%s: %s", host, port,
			strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	log_info("MANAGEMENT: TCP Socket listening on [AF_INET]%s:%s", host,
		 port);
	m->lfd = fd;
	return 0;
}

/* The password file's first line. */
static int mgmt_read_password(struct mgmt *m, const char *path)
{
	FILE *f = fopen(path, "re");
	int ret = -EINVAL;

	if (!f) {
		log_err("--management: cannot read password file %s", path);
		return -errno;
	}
	if (fgets(m->password, sizeof(m->password), f)) {
		m->password[strcspn(m->password, "\r\n")] = '\0';
		ret = m->password[0] ? 0 : -EINVAL;
	}
	fclose(f);
	if (ret)
		log_err("--management: no password in %s", path);
	return ret;
}

/* Listen at --management's address. */
static int mgmt_listen(struct mgmt *m, const struct options *o)
{
	int err = o->mgmt_unix ? mgmt_listen_unix(m, o->mgmt_addr) :
				 mgmt_listen_tcp(m, o->mgmt_addr, o->mgmt_port);

	return err ? err : loop_add(m->loop, m->lfd, EPOLLIN, mgmt_accept, m);
}

struct mgmt *mgmt_open(const struct options *o, struct loop *l,
		       const struct mgmt_ops *ops, void *ctx)
{
	struct mgmt *m;
	int cap = o->mgmt_log_cache > 0 ? o->mgmt_log_cache : MGMT_LOG_DEFAULT;
	int err;

	if (!o->mgmt_addr)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->loop = l;
	m->ops = ops;
	m->ctx = ctx;
	m->lfd = m->cfd = m->ofd = -1;
	m->outbound = o->mgmt_client;
	m->signal_on_drop = o->mgmt_signal;
	m->forget_on_drop = o->mgmt_forget_disconnect;
	m->hold_flag = o->mgmt_hold;
	m->log.cap = (unsigned)cap;
	m->log.rec = calloc(m->log.cap, sizeof(*m->log.rec));
	pthread_mutex_init(&m->log.mu, NULL);
	err = m->log.rec ? 0 : -ENOMEM;
	if (!err && o->mgmt_pwfile)
		err = mgmt_read_password(m, o->mgmt_pwfile);
	if (!err)
		err = mgmt_peer_prepare(&m->peer, o->mgmt_client_user,
					o->mgmt_client_group);
	if (!err && m->outbound)
		err = mgmt_connect_out(m, o);
	else if (!err)
		err = mgmt_listen(m, o);
	if (err) {
		mgmt_close(m);
		return NULL;
	}
	log_set_tee(mgmt_log_tee, &m->log);
	return m;
}

void mgmt_unwatch(struct mgmt *m)
{
	int fd[] = { m->cfd, m->lfd, m->ofd };

	for (size_t i = 0; m->loop && i < sizeof(fd) / sizeof(fd[0]); i++)
		if (fd[i] >= 0)
			loop_del(m->loop, fd[i]);
	m->loop = NULL;
}

void mgmt_close(struct mgmt *m)
{
	if (!m)
		return;
	log_set_tee(NULL, NULL);
	mgmt_unwatch(m);
	if (m->cfd >= 0)
		close(m->cfd);
	if (m->lfd >= 0)
		close(m->lfd);
	if (m->ofd >= 0)
		close(m->ofd);
	if (m->unix_path[0])
		unlink(m->unix_path);
	pthread_mutex_destroy(&m->log.mu);
	free(m->log.rec);
	mgmt_out_free(&m->out);
	mgmt_extra_reset(m);
	mem_wipe(m->password, sizeof(m->password));
	mem_wipe(&m->q, sizeof(m->q));
	free(m);
}

const char *mgmt_exit_reason(const struct mgmt *m)
{
	return m ? m->exit_reason : NULL;
}

void mgmt_set_ctx(struct mgmt *m, void *ctx)
{
	if (m)
		m->ctx = ctx;
}
