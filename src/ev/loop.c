/* Event loop for the control thread: epoll, one deadline, signalfd. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/clock.h"
#include "ev/loop.h"

/* epoll tag of the signalfd: no watch has it (fds are below 2^31). */
#define LOOP_TAG_SIGNAL UINT64_MAX

static uint64_t loop_tag(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

static void loop_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
}

int loop_init(struct loop *l)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t set;
	int err;

	memset(l, 0, sizeof(*l));
	l->sigfd = -1;
	l->next_gen = 1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return -errno;
	loop_sigset(&set);
	err = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (err)
		goto err_close;
	l->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sigfd < 0) {
		err = errno;
		goto err_close;
	}
	ev.data.u64 = LOOP_TAG_SIGNAL;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->sigfd, &ev) < 0) {
		err = errno;
		goto err_close;
	}
	return 0;
err_close:
	loop_free(l);
	return -err;
}

void loop_free(struct loop *l)
{
	if (l->sigfd >= 0)
		close(l->sigfd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l->watches);
	l->watches = NULL;
	l->cap = 0;
	l->n = 0;
	l->sigfd = -1;
	l->epfd = -1;
}

/* Room for index @fd: the table doubles (at least 64 entries). */
static int loop_grow(struct loop *l, int fd)
{
	size_t cap = l->cap ? l->cap : 64u;
	struct loop_watch *w;

	while (cap <= (size_t)fd)
		cap *= 2u;
	if (cap == l->cap)
		return 0;
	w = realloc(l->watches, cap * sizeof(*w));
	if (!w)
		return -ENOMEM;
	memset(w + l->cap, 0, (cap - l->cap) * sizeof(*w));
	l->watches = w;
	l->cap = cap;
	return 0;
}

static struct loop_watch *loop_find(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->cap || !l->watches[fd].cb)
		return NULL;
	return &l->watches[fd];
}

int loop_add(struct loop *l, int fd, uint32_t events, loop_cb cb, void *ctx)
{
	struct epoll_event ev = { .events = events };
	struct loop_watch *w;
	int err;

	if (fd < 0 || !cb)
		return -EINVAL;
	if (loop_find(l, fd))
		return -EEXIST;
	err = loop_grow(l, fd);
	if (err)
		return err;
	w = &l->watches[fd];
	ev.data.u64 = loop_tag(fd, l->next_gen);
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	w->cb = cb;
	w->ctx = ctx;
	w->gen = l->next_gen++;
	l->n++;
	return 0;
}

int loop_mod(struct loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	struct loop_watch *w = loop_find(l, fd);

	if (!w)
		return -ENOENT;
	ev.data.u64 = loop_tag(fd, w->gen);
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void loop_del(struct loop *l, int fd)
{
	struct loop_watch *w = loop_find(l, fd);

	if (!w)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(w, 0, sizeof(*w));
	l->n--;
}

static void loop_read_signals(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		/* A stop request outranks a restart that arrives with it. */
		if (l->pending_sig == SIGTERM || l->pending_sig == SIGINT)
			continue;
		l->pending_sig = (int)si.ssi_signo;
	}
}

static int loop_timeout(uint64_t deadline_ms)
{
	uint64_t now = clock_now_ms();

	if (deadline_ms == LOOP_NO_DEADLINE)
		return 1000; /* wake now and then: callers recheck state */
	if (deadline_ms <= now)
		return 0;
	return deadline_ms - now > 1000 ? 1000 : (int)(deadline_ms - now);
}

/* One fetched event: run its watch's callback if the registration that
 * produced it is still the current one for its fd. */
static void loop_dispatch(struct loop *l, const struct epoll_event *ev)
{
	int fd = (int)(uint32_t)ev->data.u64;
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	struct loop_watch *w;

	if (ev->data.u64 == LOOP_TAG_SIGNAL) {
		loop_read_signals(l);
		return;
	}
	w = loop_find(l, fd);
	/* An earlier callback in this pass may have removed or replaced it. */
	if (w && w->gen == gen)
		w->cb(w->ctx, ev->events);
}

int loop_wait(struct loop *l, uint64_t deadline_ms)
{
	struct epoll_event evs[LOOP_BATCH];
	int n = epoll_wait(l->epfd, evs, LOOP_BATCH, loop_timeout(deadline_ms));

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++)
		loop_dispatch(l, &evs[i]);
	return 0;
}

int loop_take_signal(struct loop *l)
{
	int sig = l->pending_sig;

	l->pending_sig = 0;
	return sig;
}
