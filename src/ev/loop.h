/*
 * The control thread's event loop: epoll over a few file descriptors, one
 * deadline (the caller computes the earliest of its timers, STYLE.md habit 8)
 * and a signalfd for SIGINT, SIGTERM, SIGHUP and SIGUSR1, which are blocked
 * for the whole process by loop_init() so the engine's worker threads never
 * take them.
 *
 * Not thread-safe: one control thread owns a loop.
 */
#ifndef DCOVPN_EV_LOOP_H
#define DCOVPN_EV_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define LOOP_MAX_WATCHES 64u
#define LOOP_NO_DEADLINE UINT64_MAX

/* Called with the epoll events that fired on the watched fd. */
typedef void (*loop_cb)(void *ctx, uint32_t events);

struct loop_watch {
	int fd;                 /* -1: free slot */
	loop_cb cb;
	void *ctx;
};

struct loop {
	int epfd;
	int sigfd;
	int pending_sig;        /* last signal received, 0: none */
	struct loop_watch watches[LOOP_MAX_WATCHES];
};

/* Blocks the handled signals process-wide: call before starting threads. */
int loop_init(struct loop *l);
void loop_free(struct loop *l);

/* Watch @fd for @events (EPOLLIN, EPOLLOUT); 0, -ENOSPC or -errno. */
int loop_add(struct loop *l, int fd, uint32_t events, loop_cb cb, void *ctx);
int loop_mod(struct loop *l, int fd, uint32_t events);
void loop_del(struct loop *l, int fd);

/*
 * Wait until something is ready or @deadline_ms (clock_now_ms() time) passes,
 * and run the callbacks of what is ready. A signal is stored in pending_sig
 * (see loop_take_signal). 0 or -errno (EINTR is not an error).
 */
int loop_wait(struct loop *l, uint64_t deadline_ms);

/* The signal received since the last call (SIGTERM, ...), 0 if none. */
int loop_take_signal(struct loop *l);

#endif
