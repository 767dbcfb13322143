/* port-share: relaying other protocols to another server. */
#include "daemon/portshare.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/log.h"
#include "daemon/addrtext.h"

/* One direction's bytes: read from side i, to be written to the other. */
struct ps_side {
	struct ps_conn *c;
	int fd;
	uint8_t buf[PORTSHARE_BUF];
	size_t off, len;
	bool eof;                     /* read side closed */
	bool shut;                    /* we shut the other's write side */
};

/* s[0]: the client, s[1]: the target. */
struct ps_conn {
	struct portshare *ps;
	struct ps_conn *prev, *next;
	struct ps_side s[2];
	bool connected;               /* the target's connect completed */
	char journal[300];            /* "" when none */
};

int portshare_init(struct portshare *ps, struct loop *l, const char *host,
		   const char *port, const char *dir)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	int err;

	memset(ps, 0, sizeof(*ps));
	ps->loop = l;
	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		log_err("--port-share: cannot resolve %s:%s (%s)", host, port,
			gai_strerror(err));
		return -EHOSTUNREACH;
	}
	memcpy(&ps->target, res->ai_addr, res->ai_addrlen);
	ps->target_len = res->ai_addrlen;
	freeaddrinfo(res);
	ps->dir = dir ? strdup(dir) : NULL;
	log_info("Port Share: forwarding other protocols to %s:%s", host, port);
	return dir && !ps->dir ? -ENOMEM : 0;
}

static void ps_close(struct ps_conn *c)
{
	struct portshare *ps = c->ps;

	for (int i = 0; i < 2; i++) {
		loop_del(ps->loop, c->s[i].fd);
		close(c->s[i].fd);
	}
	if (c->journal[0])
		unlink(c->journal);
	if (c->prev)
		c->prev->next = c->next;
	else
		ps->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	ps->n--;
	free(c);
}

/* The relay's own address towards the target names a file holding the
 * real client's address (OpenVPN's port-share journal). */
static void ps_journal(struct ps_conn *c, const struct sockaddr_storage *from)
{
	struct sockaddr_storage me;
	socklen_t len = sizeof(me);
	char name[80], who[80];
	FILE *f;
	int fd;

	if (!c->ps->dir || getsockname(c->s[1].fd, (struct sockaddr *)&me, &len))
		return;
	addrtext(&me, NULL, 0, name, sizeof(name));
	addrtext(from, NULL, 0, who, sizeof(who));
	snprintf(c->journal, sizeof(c->journal), "%s/%s", c->ps->dir, name);
	fd = open(c->journal, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		c->journal[0] = '\0';
		return;
	}
	fprintf(f, "%s\n", who);
	fclose(f);
}

/* Move what can move without blocking. false: the relay is over. */
static bool ps_pump_dir(struct ps_conn *c, int i)
{
	struct ps_side *src = &c->s[i], *dst = &c->s[!i];
	ssize_t n;

	if (!src->len && !src->eof) {
		n = recv(src->fd, src->buf, sizeof(src->buf), MSG_DONTWAIT);
		if (n > 0) {
			src->off = 0;
			src->len = (size_t)n;
		} else if (n == 0) {
			src->eof = true;
		} else if (errno != EAGAIN && errno != EINTR) {
			return false;
		}
	}
	if (src->len && (i == 1 || c->connected)) {
		n = send(dst->fd, src->buf + src->off, src->len,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (n > 0) {
			src->off += (size_t)n;
			src->len -= (size_t)n;
		}
	}
	if (src->eof && !src->len && !src->shut) {
		shutdown(dst->fd, SHUT_WR);
		src->shut = true;
	}
	return true;
}

/* Events wanted: read while there is room, write while there is data. */
static void ps_watch(struct ps_conn *c)
{
	for (int i = 0; i < 2; i++) {
		uint32_t ev = 0;

		if (!c->s[i].len && !c->s[i].eof)
			ev |= EPOLLIN;
		if (c->s[!i].len || (i == 1 && !c->connected))
			ev |= EPOLLOUT;
		loop_mod(c->ps->loop, c->s[i].fd, ev);
	}
}

static void ps_event(void *ctx, uint32_t events)
{
	struct ps_side *side = ctx;
	struct ps_conn *c = side->c;
	int err = 0;
	socklen_t len = sizeof(err);

	if (side == &c->s[1] && !c->connected && (events & (EPOLLOUT | EPOLLERR))) {
		if (getsockopt(side->fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
			log_info("Port Share: cannot connect to the target: %s",
				 strerror(err ? err : errno));
			ps_close(c);
			return;
		}
		c->connected = true;
	}
	for (int round = 0; round < 4; round++)
		if (!ps_pump_dir(c, 0) || !ps_pump_dir(c, 1)) {
			ps_close(c);
			return;
		}
	if (c->s[0].shut && c->s[1].shut) {
		ps_close(c);
		return;
	}
	ps_watch(c);
}

static int ps_connect(struct portshare *ps)
{
	int fd = socket(ps->target.ss_family,
			SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ps->target, ps->target_len) &&
	    errno != EINPROGRESS) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int portshare_take(struct portshare *ps, int fd,
		   const struct sockaddr_storage *from, socklen_t from_len,
		   const uint8_t *head, size_t len)
{
	struct ps_conn *c = ps->n < PORTSHARE_MAX ? calloc(1, sizeof(*c)) : NULL;
	int tfd = c ? ps_connect(ps) : -ENOMEM;

	(void)from_len;
	if (tfd < 0 || len > sizeof(c->s[0].buf)) {
		ps->refused++;
		free(c);
		if (tfd >= 0)
			close(tfd);
		close(fd);
		return tfd < 0 ? tfd : -E2BIG;
	}
	c->ps = ps;
	c->s[0] = (struct ps_side){ .c = c, .fd = fd, .len = len };
	memcpy(c->s[0].buf, head, len);
	c->s[1] = (struct ps_side){ .c = c, .fd = tfd };
	if (loop_add(ps->loop, fd, 0, ps_event, &c->s[0]) ||
	    loop_add(ps->loop, tfd, EPOLLOUT, ps_event, &c->s[1])) {
		loop_del(ps->loop, fd);
		close(fd);
		close(tfd);
		free(c);
		ps->refused++;
		return -ENOMEM;
	}
	c->next = ps->conns;
	if (ps->conns)
		ps->conns->prev = c;
	ps->conns = c;
	ps->n++;
	ps->relayed++;
	ps_journal(c, from);
	return 0;
}

void portshare_free(struct portshare *ps)
{
	while (ps->conns)
		ps_close(ps->conns);
	free(ps->dir);
	ps->dir = NULL;
}
