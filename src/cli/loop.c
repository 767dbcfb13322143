#include "cli/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/log.h"
#include "cli/stats.h"

/* Keep going (no exit status yet). */
#define CLI_CONTINUE (-1)

struct cli_loop {
	struct dco *dco;
	uint32_t peer_id;
	uint64_t control_events;
	struct dco_event ev; /* reused for every event */
};

void cli_loop_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGUSR2);
}

static int on_peer_deleted(struct cli_loop *l, const struct dco_event *ev)
{
	switch (ev->reason) {
	case DCO_DEL_EXPIRED:
		log_err("peer %u expired (keepalive timeout)",
			(unsigned)ev->peer_id);
		return CLI_EXIT_EXPIRED;
	case DCO_DEL_TRANSPORT:
		log_err("peer %u: TCP connection ended", (unsigned)ev->peer_id);
		return CLI_EXIT_TRANSPORT;
	case DCO_DEL_TEARDOWN:
		break;
	}
	log_info("peer %u deleted", (unsigned)ev->peer_id);
	return ev->peer_id == l->peer_id ? CLI_EXIT_OK : CLI_CONTINUE;
}

static int on_event(struct cli_loop *l, const struct dco_event *ev)
{
	switch (ev->type) {
	case DCO_EV_CONTROL:
		/* The test bed has no control channel: count and move on. */
		l->control_events++;
		if (ev->peer_id == DCO_PEER_ID_NONE)
			log_debug("control packet from an unknown address: %zu bytes, opcode byte 0x%02x (%llu so far)",
				  ev->len, ev->len ? ev->data[0] : 0,
				  (unsigned long long)l->control_events);
		else
			log_debug("control packet from peer %u: %zu bytes, opcode byte 0x%02x (%llu so far)",
				  (unsigned)ev->peer_id, ev->len,
				  ev->len ? ev->data[0] : 0,
				  (unsigned long long)l->control_events);
		return CLI_CONTINUE;
	case DCO_EV_PEER_DELETED:
		return on_peer_deleted(l, ev);
	case DCO_EV_KEY_NEAR_WRAP:
		log_warn("peer %u key-id %u: packet-ids nearly used up; the static key cannot be renewed",
			 (unsigned)ev->peer_id, ev->key_id);
		return CLI_CONTINUE;
	case DCO_EV_PEER_FLOAT:
		log_info("peer %u floated to a new address",
			 (unsigned)ev->peer_id);
		return CLI_CONTINUE;
	}
	log_debug("unknown engine event %d", (int)ev->type);
	return CLI_CONTINUE;
}

static int drain_events(struct cli_loop *l)
{
	int ret, status = CLI_CONTINUE;

	while (status == CLI_CONTINUE) {
		ret = dco_read_event(l->dco, &l->ev);
		if (ret == -EAGAIN)
			break;
		if (ret < 0) {
			log_err("reading engine events: %s", strerror(-ret));
			return CLI_EXIT_ERROR;
		}
		status = on_event(l, &l->ev);
	}
	return status;
}

static int on_signal(struct cli_loop *l, int sfd)
{
	struct signalfd_siginfo si;
	ssize_t n = read(sfd, &si, sizeof(si));

	if (n != (ssize_t)sizeof(si))
		return CLI_CONTINUE; /* EAGAIN/EINTR: poll again */
	if (si.ssi_signo == SIGUSR2) {
		cli_stats_print(l->dco, l->peer_id, stdout);
		return CLI_CONTINUE;
	}
	log_info("%s received, exiting", strsignal((int)si.ssi_signo));
	return CLI_EXIT_OK;
}

static int poll_once(struct cli_loop *l, int sfd)
{
	struct pollfd pfd[2] = {
		{ .fd = dco_event_fd(l->dco), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	int ret = poll(pfd, 2, -1);

	if (ret < 0) {
		if (errno == EINTR)
			return CLI_CONTINUE;
		log_err("poll: %s", strerror(errno));
		return CLI_EXIT_ERROR;
	}
	if (pfd[1].revents & POLLIN) {
		ret = on_signal(l, sfd);
		if (ret != CLI_CONTINUE)
			return ret;
	}
	if (pfd[0].revents & (POLLIN | POLLERR | POLLHUP))
		return drain_events(l);
	return CLI_CONTINUE;
}

int cli_loop_run(struct dco *dco, uint32_t peer_id)
{
	struct cli_loop loop;
	sigset_t set;
	int sfd, status = CLI_CONTINUE;

	memset(&loop, 0, sizeof(loop));
	loop.dco = dco;
	loop.peer_id = peer_id;
	cli_loop_sigset(&set);
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0) {
		log_err("signalfd: %s", strerror(errno));
		return CLI_EXIT_ERROR;
	}
	while (status == CLI_CONTINUE)
		status = poll_once(&loop, sfd);
	if (loop.control_events)
		log_info("%llu control packets received and ignored",
			 (unsigned long long)loop.control_events);
	close(sfd);
	return status;
}
