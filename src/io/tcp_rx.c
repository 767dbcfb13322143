/* The control plane's TCP frame reader. See tcp_rx.h. */
#include <errno.h>
#include <sys/socket.h>

#include "base/bytes.h"
#include "io/tcp_rx.h"

/* A whole frame: its length field and as many bytes after it. */
static bool tcp_rx_whole(const struct tcp_rx *rx)
{
	return rx->have >= 2 && rx->have == 2u + load_be16(rx->buf);
}

int tcp_rx_read(struct tcp_rx *rx, int fd)
{
	if (tcp_rx_whole(rx))	/* the last call's frame was taken */
		rx->have = 0;
	for (;;) {
		size_t need = rx->have < 2 ? 2 : 2u + load_be16(rx->buf);
		ssize_t n = recv(fd, rx->buf + rx->have, need - rx->have, 0);

		if (n == 0)
			return -EPIPE;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		rx->have += (size_t)n;
		/* before it would pass for a whole, empty frame */
		if (rx->have == 2 && load_be16(rx->buf) == 0)
			return -EPROTO;
		if (tcp_rx_whole(rx))
			return 1;
	}
}
