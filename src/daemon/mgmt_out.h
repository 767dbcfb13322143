/*
 * The management interface's output queue: what a management client has
 * not read yet. Sends never block the event loop; the queue grows up to
 * MGMT_OUT_CAP bytes, and a client that lets it fill up is dropped (the
 * caller logs it). The caller stops reading a client's commands while
 * more than MGMT_OUT_HIGH bytes wait, so a manager that floods commands
 * and never reads is held back by its own socket, not by our memory.
 */
#ifndef DCOVPN_DAEMON_MGMT_OUT_H
#define DCOVPN_DAEMON_MGMT_OUT_H

#include <stddef.h>

#define MGMT_OUT_HIGH (64u * 1024u)
#define MGMT_OUT_CAP (1024u * 1024u)

struct mgmt_out {
	char *buf;
	size_t head;    /* bytes before head are sent */
	size_t len;     /* bytes in buf, sent or not */
	size_t alloc;
};

/* Bytes waiting to be sent. */
static inline size_t mgmt_out_pending(const struct mgmt_out *o)
{
	return o->len - o->head;
}

/* Queue @n bytes; 0, or -ENOBUFS (over MGMT_OUT_CAP) / -ENOMEM. */
int mgmt_out_add(struct mgmt_out *o, const char *s, size_t n);
/* Send what the socket takes now (nonblocking). 0 or -errno (the peer is
 * gone). */
int mgmt_out_flush(struct mgmt_out *o, int fd);
/* Forget everything (the client went away); the memory is wiped, as
 * answers may carry secrets. */
void mgmt_out_reset(struct mgmt_out *o);
void mgmt_out_free(struct mgmt_out *o);

#endif
