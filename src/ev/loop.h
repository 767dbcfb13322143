/*
 * The control thread's event loop: epoll over any number of file
 * descriptors, one deadline (the caller computes the earliest of its
 * timers, STYLE.md habit 8) and a signalfd for SIGINT, SIGTERM, SIGHUP and
 * SIGUSR1, which are blocked for the whole process by loop_init() so the
 * engine's worker threads never take them.
 *
 * Watches live in a table indexed by fd that grows as higher fds are added
 * (there is no fixed cap: a server may hold thousands of TCP connections).
 * Each epoll registration carries the fd and a generation number, so an
 * event that was already fetched for an fd that a callback closed (and
 * perhaps reopened, watched again) in the same pass is dropped rather than
 * delivered to the new watch.
 *
 * Not thread-safe: one control thread owns a loop.
 */
#ifndef DCOVPN_EV_LOOP_H
#define DCOVPN_EV_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOOP_NO_DEADLINE UINT64_MAX
/* Events fetched per epoll_wait; more wait for the next pass. */
#define LOOP_BATCH 256u

/* Called with the epoll events that fired on the watched fd. */
typedef void (*loop_cb)(void *ctx, uint32_t events);

struct loop_watch {
	loop_cb cb;             /* NULL: fd not watched */
	void *ctx;
	uint32_t gen;           /* generation of this registration */
};

struct loop {
	int epfd;
	int sigfd;
	int pending_sig;        /* last signal received, 0: none */
	struct loop_watch *watches;   /* indexed by fd */
	size_t cap;             /* entries in watches */
	size_t n;               /* fds watched */
	uint32_t next_gen;
};

/* Blocks the handled signals process-wide: call before starting threads. */
int loop_init(struct loop *l);
void loop_free(struct loop *l);

/* Watch @fd for @events (EPOLLIN, EPOLLOUT); 0, -ENOMEM, -EEXIST (already
 * watched) or another -errno. */
int loop_add(struct loop *l, int fd, uint32_t events, loop_cb cb, void *ctx);
int loop_mod(struct loop *l, int fd, uint32_t events);
/* Stop watching @fd; call before closing it. */
void loop_del(struct loop *l, int fd);
/* Number of fds watched (the signalfd not counted). */
static inline size_t loop_count(const struct loop *l)
{
	return l->n;
}

/*
 * Wait until something is ready or @deadline_ms (clock_now_ms() time) passes,
 * and run the callbacks of what is ready. A signal is stored in pending_sig
 * (see loop_take_signal). 0 or -errno (EINTR is not an error).
 */
int loop_wait(struct loop *l, uint64_t deadline_ms);

/* The signal received since the last call (SIGTERM, ...), 0 if none. */
int loop_take_signal(struct loop *l);

#endif
