/* The fleet: phases, rate limit, the clients' timers. */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/fdlimit.h"
#include "base/log.h"
#include "load/fleet.h"
#include "load/lclient.h"

#define TICK_MS 10u
#define SETTLE_MS 5000u       /* bound on waiting for the server's fds */
#define SAMPLE_EVERY_MS 200u  /* /proc/PID/fd is long with many clients */
#define DONE_MS 3000u         /* bound on the goodbyes */
#define QUIET_MS 10000u       /* bound on the server's work after them */
#define QUIET_SAMPLE_MS 250u  /* no server CPU over this long: quiet */
#define RETRY_MS 1000u        /* a failed client tries again after this */
#define PROGRESS_MS 5000u     /* a progress line on stderr this often */

static int fleet_remote(struct fleet *f, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res;
	struct opt_endpoint ep;
	char host[64], port[16];
	int ret;

	if (options_remote(f->o, 0, &ep)) {
		snprintf(err, errlen, "the config has no remote");
		return -EINVAL;
	}
	if (ep.proto != OPT_PROTO_UDP) {
		snprintf(err, errlen, "dcovpn-load speaks UDP only (proto udp)");
		return -EPROTONOSUPPORT;
	}
	hints.ai_family = ep.family == OPT_AF_INET6 ? AF_INET6 :
			  ep.family == OPT_AF_INET ? AF_INET : AF_UNSPEC;
	ret = getaddrinfo(ep.host, ep.port, &hints, &res);
	if (ret) {
		snprintf(err, errlen, "remote %s: %s", ep.host, gai_strerror(ret));
		return -EHOSTUNREACH;
	}
	memcpy(&f->remote, res->ai_addr, res->ai_addrlen);
	f->remote_len = res->ai_addrlen;
	freeaddrinfo(res);
	getnameinfo((struct sockaddr *)&f->remote, f->remote_len, host,
		    sizeof(host), port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(f->remote_desc, sizeof(f->remote_desc), "[%s]%s:%s",
		 f->remote.ss_family == AF_INET6 ? "AF_INET6" : "AF_INET",
		 host, port);
	clientcfg_occ(&f->cc, f->o, ep.proto, f->remote.ss_family == AF_INET6);
	return 0;
}

static void fleet_session_config(struct fleet *f)
{
	const struct options *o = f->o;

	f->sc = (struct session_config){
		.tls = f->cc.tls,
		.wrap = f->cc.has_wrap ? &f->cc.wrap : NULL,
		.wrap_sk = f->cc.has_wrap ? &f->cc.wrap_sk : NULL,
		.v2 = f->cc.v2,
		.hand_window_s = o->hand_window > 0 ? (unsigned)o->hand_window : 0,
		.tls_timeout_s = o->tls_timeout > 0 ? (unsigned)o->tls_timeout : 0,
		.reneg_sec = 0,   /* a load client never starts one */
		.tran_window_s = o->tran_window > 0 ? (unsigned)o->tran_window : 0,
		.max_packet = (unsigned)o->max_packet_size,
		.options_string = f->cc.occ,
		.peer_info = f->cc.peer_info,
		.username = f->cc.username,
		.password = f->cc.password,
		.remote_desc = f->remote_desc,
	};
}

static int fleet_clients(struct fleet *f)
{
	long lim = fdlimit_raise();

	if (lim > 0 && (unsigned long)lim < f->a->clients + 64ul)
		log_warn("open-file limit %ld is below --clients + 64: "
			 "some clients will fail to start", lim);
	f->c = calloc(f->a->clients, sizeof(*f->c));
	if (!f->c)
		return -ENOMEM;
	for (unsigned i = 0; i < f->a->clients; i++)
		f->c[i] = (struct lclient){ .f = f, .idx = i, .fd = -1 };
	return 0;
}

int fleet_init(struct fleet *f, const struct load_args *a, struct options *o)
{
	char err[CLIENTCFG_ERR_LEN] = "";
	int ret;

	memset(f, 0, sizeof(*f));
	f->a = a;
	f->o = o;
	options_init(&f->scratch);
	ret = clientcfg_init(&f->cc, o, NULL, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		return ret;
	}
	ret = fleet_remote(f, err, sizeof(err));
	if (!ret)
		ret = loop_init(&f->loop);
	if (!ret)
		ret = fleet_clients(f);
	if (ret) {
		log_err("%s", err[0] ? err : strerror(-ret));
		clientcfg_free(&f->cc);
		return ret;
	}
	fleet_session_config(f);
	return 0;
}

void fleet_free(struct fleet *f)
{
	for (unsigned i = 0; f->c && i < f->a->clients; i++)
		lclient_drop(&f->c[i]);
	free(f->c);
	loop_free(&f->loop);
	clientcfg_free(&f->cc);
	options_free(&f->scratch);
	lat_free(&f->ramp_lat);
	lat_free(&f->churn_lat);
}

/* ---- client events ------------------------------------------------------ */

void fleet_client_up(struct fleet *f, struct lclient *c, uint64_t now_ms)
{
	uint64_t ms = now_ms - c->start_ms;

	f->inflight--;
	f->up++;
	f->st.connected++;
	if (c->churned) {
		c->churned = false;
		/* half way: a leak grows both halves alike, a high-water mark
		 * only the first */
		if (++f->churn_done == f->a->churn / 2)
			proc_sample(f->a->server_pid, &f->s_mid);
		lat_add(&f->churn_lat, ms);
	} else {
		lat_add(&f->ramp_lat, ms);
	}
}

void fleet_client_failed(struct fleet *f, struct lclient *c, int was,
			 const char *why)
{
	if (was == LC_HANDSHAKE)
		f->inflight--;
	else if (was == LC_UP)
		f->up--;
	else if (was == LC_CLOSING)
		f->closing--;
	f->st.failures++;
	c->retry_ms = clock_now_ms() + RETRY_MS;
	if (!f->first_err[0])
		snprintf(f->first_err, sizeof(f->first_err), "client %u: %s",
			 c->idx, why);
	log_info("client %u failed: %s", c->idx, why);
}

void fleet_client_closed(struct fleet *f, struct lclient *c)
{
	f->closing--;
	c->retry_ms = 0;
}

/* ---- starting and stopping clients --------------------------------------- */

static void fleet_tokens(struct fleet *f, uint64_t now)
{
	double burst = f->a->rate / 20.0 > 1.0 ? f->a->rate / 20.0 : 1.0;

	f->tokens += (double)(now - f->tokens_ms) * f->a->rate / 1000.0;
	if (f->tokens > burst)
		f->tokens = burst;
	f->tokens_ms = now;
}

static bool fleet_may_start(const struct fleet *f)
{
	return f->tokens >= 1.0 && f->inflight < f->a->inflight;
}

/* Start IDLE clients (every client should be up until DONE). */
static void fleet_starts(struct fleet *f, uint64_t now)
{
	unsigned n = f->a->clients;

	fleet_tokens(f, now);
	for (unsigned k = 0; k < n && fleet_may_start(f) &&
	     f->up + f->inflight + f->closing < n; k++) {
		struct lclient *c = &f->c[f->start_next];

		f->start_next = (f->start_next + 1) % n;
		if (c->st != LC_IDLE || now < c->retry_ms)
			continue;
		f->tokens -= 1.0;
		f->st.started++;
		if (lclient_start(c, now)) {
			f->st.failures++;
			c->retry_ms = now + RETRY_MS;
			continue;
		}
		f->inflight++;
	}
}

/* Churn: UP clients say goodbye, in turn; fleet_starts brings them back. */
static void fleet_churn(struct fleet *f, uint64_t now)
{
	unsigned n = f->a->clients;

	for (unsigned k = 0; k < n && f->churn_started < f->a->churn &&
	     f->inflight + f->closing < f->a->inflight; k++) {
		struct lclient *c = &f->c[f->churn_next];

		f->churn_next = (f->churn_next + 1) % n;
		if (c->st != LC_UP)
			continue;
		f->up--;
		f->closing++;
		c->churned = true;
		f->churn_started++;
		lclient_close(c, now);
	}
}

static void fleet_goodbye(struct fleet *f, uint64_t now)
{
	proc_sample(f->a->server_pid, &f->s_bye0);
	for (unsigned i = 0; i < f->a->clients; i++) {
		struct lclient *c = &f->c[i];

		if (c->st == LC_UP) {
			f->n_bye++;
			f->up--;
			f->closing++;
			lclient_close(c, now);
		} else if (c->st == LC_HANDSHAKE) {
			f->inflight--;
			lclient_drop(c);
		}
	}
}

/* ---- phases -------------------------------------------------------------- */

static void fleet_enter(struct fleet *f, enum fleet_phase ph, uint64_t now)
{
	f->phase = ph;
	f->phase_ms = now;
	if (ph == PH_HOLD) {
		proc_sample(f->a->server_pid, &f->s_up);
		f->ramp_end_ms = now;
		f->hold_st0 = f->st;
		for (unsigned i = 0; i < f->a->clients; i++)
			f->c[i].echo_ok = false;
	}
	if (ph == PH_SETTLE)
		proc_sample(f->a->server_pid, &f->s_churned);
	if (ph == PH_DONE)
		fleet_goodbye(f, now);
}

static void fleet_end_hold(struct fleet *f, uint64_t now)
{
	f->hold_st1 = f->st;
	f->hold_ms = now - f->phase_ms;
	for (unsigned i = 0; i < f->a->clients; i++)
		f->pinged += f->c[i].st == LC_UP && f->c[i].echo_ok;
	proc_sample(f->a->server_pid, &f->s_hold);
	if (f->a->churn) {
		fleet_enter(f, PH_CHURN, now);
		return;
	}
	f->complete = true;
	fleet_enter(f, PH_DONE, now);
}

/* SETTLE: the server closed what the churn opened, or the bound passed. */
static void fleet_settle(struct fleet *f, uint64_t now)
{
	if (now < f->next_sample_ms)
		return;
	f->next_sample_ms = now + SAMPLE_EVERY_MS;
	proc_sample(f->a->server_pid, &f->s_churn);
	/* --settle: the server's deferred work (its allocator giving pages
	 * back, timers) gets that long, whatever the fds say */
	if (now < f->phase_ms + f->a->settle_s * 1000ull)
		return;
	if (f->s_churn.fds <= f->s_hold.fds ||
	    now >= f->phase_ms + f->a->settle_s * 1000ull + SETTLE_MS) {
		f->complete = true;
		fleet_enter(f, PH_DONE, now);
	}
}

/* QUIET: the goodbyes are done on our side; the server may still be
 * ending clients (an EXIT retransmitted, a burst it is working through).
 * Its CPU time for the goodbyes is taken once it stops growing. */
static void fleet_quiet(struct fleet *f, uint64_t now)
{
	struct proc_sample s;

	if (f->quiet_started && now < f->next_sample_ms)
		return;
	f->next_sample_ms = now + QUIET_SAMPLE_MS;
	proc_sample(f->a->server_pid, &s);
	if ((f->quiet_started && s.cpu_ms == f->s_bye1.cpu_ms) ||
	    s.cpu_ms < 0 || now >= f->phase_ms + DONE_MS + QUIET_MS) {
		f->phase = PH_END;
		return;
	}
	f->quiet_started = true;
	f->s_bye1 = s;
	f->bye_ms = now - f->phase_ms;
}

static void fleet_phase(struct fleet *f, uint64_t now)
{
	switch (f->phase) {
	case PH_RAMP:
		if (f->up == f->a->clients)
			fleet_enter(f, PH_HOLD, now);
		break;
	case PH_HOLD:
		if (now >= f->phase_ms + f->a->hold_s * 1000ull)
			fleet_end_hold(f, now);
		break;
	case PH_CHURN:
		if (f->churn_done >= f->a->churn && f->up == f->a->clients) {
			f->churn_ms = now - f->phase_ms;
			fleet_enter(f, PH_SETTLE, now);
		}
		break;
	case PH_SETTLE:
		fleet_settle(f, now);
		break;
	case PH_DONE:
		if ((!f->closing && !f->inflight) || now >= f->phase_ms + DONE_MS) {
			f->phase = f->a->server_pid ? PH_QUIET : PH_END;
			fleet_quiet(f, now);
		}
		break;
	case PH_QUIET:
		fleet_quiet(f, now);
		break;
	case PH_END:
		break;
	}
}

static void fleet_progress(struct fleet *f, uint64_t now)
{
	static const char *const names[] = { "ramp", "hold", "churn",
					     "settle", "done", "quiet", "end" };

	if (now < f->next_progress_ms)
		return;
	f->next_progress_ms = now + PROGRESS_MS;
	fprintf(stderr, "dcovpn-load: %.0f s %s: %u up, %u connecting, "
		"%u closing, %llu failures, %u churn cycles\n",
		(now - f->t0) / 1000.0, names[f->phase], f->up, f->inflight,
		f->closing, (unsigned long long)f->st.failures, f->churn_done);
}

static void fleet_tick(struct fleet *f, uint64_t now)
{
	fleet_progress(f, now);
	if (now >= f->deadline_ms && f->phase < PH_DONE) {
		log_err("--timeout reached in phase %d: %u up, %u connecting",
			f->phase, f->up, f->inflight);
		fleet_enter(f, PH_DONE, now);
	}
	for (unsigned i = 0; i < f->a->clients; i++)
		lclient_tick(&f->c[i], now);
	if (f->phase < PH_DONE)
		fleet_starts(f, now);
	if (f->phase == PH_CHURN)
		fleet_churn(f, now);
	fleet_phase(f, now);
}

int fleet_run(struct fleet *f)
{
	uint64_t next_tick;
	int sig;

	f->t0 = clock_now_ms();
	f->tokens_ms = f->t0;
	f->tokens = 1.0;
	f->deadline_ms = f->t0 + f->a->timeout_s * 1000ull;
	proc_sample(f->a->server_pid, &f->s0);
	fleet_enter(f, PH_RAMP, f->t0);
	next_tick = f->t0;
	while (f->phase != PH_END) {
		loop_wait(&f->loop, next_tick);
		sig = loop_take_signal(&f->loop);
		if ((sig == SIGINT || sig == SIGTERM) && f->phase < PH_DONE) {
			log_err("signal %d: stopping", sig);
			fleet_enter(f, PH_DONE, clock_now_ms());
		}
		if (clock_now_ms() >= next_tick) {
			fleet_tick(f, clock_now_ms());
			next_tick = clock_now_ms() + TICK_MS;
		}
	}
	return f->complete && (!load_args_echo(f->a) || f->pinged == f->a->clients) ? 0 : 1;
}
