/* Event loop for the control thread: epoll, one deadline, signalfd. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/clock.h"
#include "ev/loop.h"

/* epoll tag of the signalfd: no watch slot has this index. */
#define LOOP_TAG_SIGNAL UINT32_MAX

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
	for (unsigned i = 0; i < LOOP_MAX_WATCHES; i++)
		l->watches[i].fd = -1;
	l->sigfd = -1;
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
	ev.data.u32 = LOOP_TAG_SIGNAL;
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
	l->sigfd = -1;
	l->epfd = -1;
}

static struct loop_watch *loop_find(struct loop *l, int fd, unsigned *idx)
{
	for (unsigned i = 0; i < LOOP_MAX_WATCHES; i++) {
		if (l->watches[i].fd == fd) {
			*idx = i;
			return &l->watches[i];
		}
	}
	return NULL;
}

int loop_add(struct loop *l, int fd, uint32_t events, loop_cb cb, void *ctx)
{
	struct epoll_event ev = { .events = events };
	struct loop_watch *w;
	unsigned idx;

	w = loop_find(l, -1, &idx);
	if (!w)
		return -ENOSPC;
	ev.data.u32 = idx;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	w->fd = fd;
	w->cb = cb;
	w->ctx = ctx;
	return 0;
}

int loop_mod(struct loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	unsigned idx;

	if (!loop_find(l, fd, &idx))
		return -ENOENT;
	ev.data.u32 = idx;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void loop_del(struct loop *l, int fd)
{
	unsigned idx;
	struct loop_watch *w = loop_find(l, fd, &idx);

	if (!w || fd < 0)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	w->fd = -1;
	w->cb = NULL;
	w->ctx = NULL;
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

int loop_wait(struct loop *l, uint64_t deadline_ms)
{
	struct epoll_event evs[LOOP_MAX_WATCHES + 1];
	int n = epoll_wait(l->epfd, evs, LOOP_MAX_WATCHES + 1,
			   loop_timeout(deadline_ms));

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		uint32_t idx = evs[i].data.u32;
		struct loop_watch *w;

		if (idx == LOOP_TAG_SIGNAL) {
			loop_read_signals(l);
			continue;
		}
		if (idx >= LOOP_MAX_WATCHES)
			continue;
		w = &l->watches[idx];
		/* An earlier callback in this pass may have removed it. */
		if (w->fd >= 0 && w->cb)
			w->cb(w->ctx, evs[i].events);
	}
	return 0;
}

int loop_take_signal(struct loop *l)
{
	int sig = l->pending_sig;

	l->pending_sig = 0;
	return sig;
}
