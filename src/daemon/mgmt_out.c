/* The management interface's output queue. See mgmt_out.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/mem.h"
#include "daemon/mgmt_out.h"

/* Room for @n more bytes: sent bytes are dropped first, then the buffer
 * grows (doubling, up to MGMT_OUT_CAP). */
static int mgmt_out_room(struct mgmt_out *o, size_t n)
{
	size_t want, a;
	char *nb;

	if (mgmt_out_pending(o) + n > MGMT_OUT_CAP)
		return -ENOBUFS;
	if (o->head) {
		memmove(o->buf, o->buf + o->head, o->len - o->head);
		o->len -= o->head;
		o->head = 0;
	}
	want = o->len + n;
	if (want <= o->alloc)
		return 0;
	for (a = o->alloc ? o->alloc : 4096; a < want; a *= 2)
		;
	nb = malloc(a);
	if (!nb)
		return -ENOMEM;
	if (o->buf) {
		memcpy(nb, o->buf, o->len);
		mem_wipe(o->buf, o->alloc);
		free(o->buf);
	}
	o->buf = nb;
	o->alloc = a;
	return 0;
}

int mgmt_out_add(struct mgmt_out *o, const char *s, size_t n)
{
	int err = mgmt_out_room(o, n);

	if (err)
		return err;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	return 0;
}

int mgmt_out_flush(struct mgmt_out *o, int fd)
{
	while (mgmt_out_pending(o)) {
		ssize_t w = send(fd, o->buf + o->head, mgmt_out_pending(o),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (w <= 0)
			return w < 0 ? -errno : -EPIPE;
		o->head += (size_t)w;
	}
	o->head = o->len = 0;
	return 0;
}

void mgmt_out_reset(struct mgmt_out *o)
{
	if (o->buf)
		mem_wipe(o->buf, o->len);
	o->head = o->len = 0;
}

void mgmt_out_free(struct mgmt_out *o)
{
	mem_wipe(o->buf, o->alloc);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}
