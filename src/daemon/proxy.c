/* Proxied connections: the shared part (credentials, bounded I/O). */
#include "daemon/proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "io/tcp.h"

const struct opt_proxy *proxy_of(const struct options *o)
{
	if (o->http_proxy.host)
		return &o->http_proxy;
	return o->socks_proxy.host ? &o->socks_proxy : NULL;
}

static int wait_fd(int fd, short ev, uint64_t deadline_ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	uint64_t now = clock_now_ms();
	int r;

	if (now >= deadline_ms)
		return -ETIMEDOUT;
	r = poll(&p, 1, (int)(deadline_ms - now));
	return r > 0 ? 0 : r == 0 ? -ETIMEDOUT : errno == EINTR ? 0 : -errno;
}

int proxy_read(int fd, void *buf, size_t len, uint64_t deadline_ms)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		int err;

		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		err = wait_fd(fd, POLLIN, deadline_ms);
		if (err)
			return err;
	}
	return 0;
}

int proxy_write(int fd, const void *buf, size_t len, uint64_t deadline_ms)
{
	uint64_t now = clock_now_ms();

	return tcp_write_all(fd, buf, len, now < deadline_ms ?
			     (unsigned)(deadline_ms - now) : 0);
}

/* Two lines, user then password (OpenVPN's auth file). */
static int creds_parse(const char *text, struct proxy_creds *out)
{
	size_t u = strcspn(text, "\r\n");
	const char *p = text + u;

	while (*p == '\r' || *p == '\n')
		p++;
	if (!u || u >= sizeof(out->user) || strcspn(p, "\r\n") >= sizeof(out->pass))
		return -EINVAL;
	memcpy(out->user, text, u);
	out->user[u] = '\0';
	memcpy(out->pass, p, strcspn(p, "\r\n"));
	out->pass[strcspn(p, "\r\n")] = '\0';
	return 0;
}

static int creds_file(const char *path, struct proxy_creds *out)
{
	char text[1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	text[n] = '\0';
	ret = creds_parse(text, out);
	mem_wipe(text, sizeof(text));
	return ret;
}

int proxy_creds_get(const struct opt_proxy *p, const struct opt_file *inl,
		    const struct proxy_target *t, const char *type,
		    struct proxy_creds *out)
{
	int ret = -ENOENT;

	if (inl && inl->data)
		ret = creds_parse(inl->data, out);
	else if (inl && inl->path)
		ret = creds_file(inl->path, out);
	else if (p->authfile)
		ret = creds_file(p->authfile, out);
	else if (t->asker)
		ret = t->asker->ask(t->asker->ctx, type, out->user,
				    sizeof(out->user), out->pass,
				    sizeof(out->pass), NULL, false);
	if (ret)
		log_err("%s: no username/password (%s)", type, strerror(-ret));
	return ret;
}

void proxy_creds_wipe(struct proxy_creds *c)
{
	mem_wipe(c, sizeof(*c));
}

static int proxy_dial(const struct proxy_target *t)
{
	int fd = tcp_connect_so(NULL, 0, t->proxy, t->proxy_len, t->timeout_ms,
				t->so);

	if (fd < 0)
		log_err("TCP: connect to the proxy failed: %s", strerror(-fd));
	return fd;
}

int proxy_connect(const struct options *o, const struct proxy_target *t)
{
	struct proxy_http_auth auth = { .method = o->http_proxy.auth };
	int fd, ret = -EINVAL;

	for (int tries = 0; tries < 2; tries++) {
		fd = proxy_dial(t);
		if (fd < 0)
			return fd;
		ret = o->http_proxy.host ? proxy_http(o, t, fd, &auth) :
					   proxy_socks(o, t, fd);
		if (!ret)
			return fd;
		close(fd);
		if (ret != -EAGAIN)	/* "auto": once more, as the 407 asked */
			break;
	}
	mem_wipe(&auth, sizeof(auth));
	return ret;
}

int proxy_udp_associate(const struct options *o, const struct proxy_target *t,
			struct sockaddr_in *relay)
{
	int fd = proxy_dial(t);
	int ret;

	if (fd < 0)
		return fd;
	ret = proxy_socks_udp(o, t, fd, relay);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}
