/*
 * The control plane's TCP frame reader (io/tcp_rx.c) over socketpairs:
 * frames in pieces and back to back, never a byte of the next frame read,
 * a zero length refused, the peer's close told apart from "nothing yet".
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/tcp_rx.h"

/* A reader and a socketpair: it reads @rd (non-blocking), tests write @wr. */
struct fix {
	struct tcp_rx rx;
	int rd, wr;
};

static int fix_open(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	int sv[2];

	if (!f || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
	    fcntl(sv[0], F_SETFL, O_NONBLOCK)) {
		free(f);
		return -1;
	}
	f->rd = sv[0];
	f->wr = sv[1];
	*state = f;
	return 0;
}

static int fix_close(void **state)
{
	struct fix *f = *state;

	close(f->rd);
	if (f->wr >= 0)
		close(f->wr);
	free(f);
	return 0;
}

static void put(struct fix *f, const void *p, size_t n)
{
	assert_int_equal(write(f->wr, p, n), (ssize_t)n);
}

/* A frame written a byte at a time is one frame, once; a second one behind
 * it stays in the socket until asked for. */
static void test_pieces(void **state)
{
	static const uint8_t fr[] = { 0, 3, 'a', 'b', 'c', 0, 1, 'z' };
	struct fix *f = *state;
	uint8_t rest[8];

	for (size_t i = 0; i < 4; i++) {
		put(f, fr + i, 1);
		assert_int_equal(tcp_rx_read(&f->rx, f->rd), 0);
	}
	put(f, fr + 4, sizeof(fr) - 4);
	assert_int_equal(tcp_rx_read(&f->rx, f->rd), 1);
	assert_int_equal(tcp_rx_len(&f->rx), 3);
	assert_memory_equal(tcp_rx_packet(&f->rx), "abc", 3);
	/* the next frame is still the socket's: another reader could take it */
	assert_int_equal(recv(f->rd, rest, sizeof(rest), MSG_PEEK), 3);
	assert_int_equal(tcp_rx_read(&f->rx, f->rd), 1);
	assert_int_equal(tcp_rx_len(&f->rx), 1);
	assert_memory_equal(tcp_rx_packet(&f->rx), "z", 1);
	assert_int_equal(tcp_rx_read(&f->rx, f->rd), 0);
}

/* OpenVPN's "Bad encapsulated packet length": not an empty frame. */
static void test_zero_length(void **state)
{
	static const uint8_t fr[] = { 0, 0, 'x' };
	struct fix *f = *state;

	put(f, fr, sizeof(fr));
	assert_int_equal(tcp_rx_read(&f->rx, f->rd), -EPROTO);
}

/* The peer's close mid-frame: -EPIPE, not "nothing yet". */
static void test_closed(void **state)
{
	static const uint8_t fr[] = { 0, 5, 'a' };
	struct fix *f = *state;

	put(f, fr, sizeof(fr));
	assert_int_equal(tcp_rx_read(&f->rx, f->rd), 0);
	close(f->wr);
	f->wr = -1;
	assert_int_equal(tcp_rx_read(&f->rx, f->rd), -EPIPE);
}

/* The largest frame (65535 bytes) whole. */
static void test_largest(void **state)
{
	struct fix *f = *state;
	uint8_t *fr = malloc(2 + TCP_FRAME_MAX);
	size_t off = 0;
	int r = 0;

	assert_non_null(fr);
	fr[0] = 0xff;
	fr[1] = 0xff;
	for (size_t i = 0; i < TCP_FRAME_MAX; i++)
		fr[2 + i] = (uint8_t)i;
	/* the socket buffer may hold less than a frame: write as it drains */
	while (r == 0) {
		ssize_t n = off < 2 + TCP_FRAME_MAX ?
			    write(f->wr, fr + off, 2 + TCP_FRAME_MAX - off) : 0;

		if (n > 0)
			off += (size_t)n;
		r = tcp_rx_read(&f->rx, f->rd);
	}
	assert_int_equal(r, 1);
	assert_int_equal(tcp_rx_len(&f->rx), TCP_FRAME_MAX);
	assert_memory_equal(tcp_rx_packet(&f->rx), fr + 2, TCP_FRAME_MAX);
	free(fr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pieces, fix_open, fix_close),
		cmocka_unit_test_setup_teardown(test_zero_length, fix_open, fix_close),
		cmocka_unit_test_setup_teardown(test_closed, fix_open, fix_close),
		cmocka_unit_test_setup_teardown(test_largest, fix_open, fix_close),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
