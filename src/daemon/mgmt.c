/* The management interface: output, log and state history, the client
 * connection and its lines. See mgmt.h; opening and closing are in
 * mgmt_open.c, the commands in mgmt_cmd.c. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "daemon/mgmt_int.h"

/* ---- output ---------------------------------------------------------------- */

static void mgmt_watch(struct mgmt *m);

/* Queued and sent as far as the socket takes it now: never blocks. A
 * client that leaves MGMT_OUT_CAP bytes unread is dropped. */
static void mgmt_send_raw(struct mgmt *m, const char *s, size_t n)
{
	int err;

	if (m->cfd < 0)
		return;
	err = mgmt_out_add(&m->out, s, n);
	if (err) {
		log_warn("MANAGEMENT: client does not read its output (%zu bytes "
			 "unread): disconnected", mgmt_out_pending(&m->out));
		mgmt_drop_client(m);
		return;
	}
	if (mgmt_out_flush(&m->out, m->cfd)) {
		mgmt_drop_client(m);
		return;
	}
	mgmt_watch(m);
}

/* A line of any length (>PK_SIGN carries a whole TLS 1.2 handshake
 * transcript with the digest flag); mgmt_printf's are cut at
 * MGMT_LINE_MAX. */
void mgmt_send_line(struct mgmt *m, const char *s)
{
	mgmt_send_raw(m, s, strlen(s));
	mgmt_send_raw(m, "\r\n", 2);
}

void mgmt_printf(struct mgmt *m, const char *fmt, ...)
{
	char line[MGMT_LINE_MAX + 8];
	va_list ap;
	int n;

	if (m->cfd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	line[n++] = '\r';
	line[n++] = '\n';
	mgmt_send_raw(m, line, (size_t)n);
}

void mgmt_notify(struct mgmt *m, const char *fmt, ...)
{
	char line[MGMT_LINE_MAX];
	va_list ap;

	if (!m || m->cfd < 0 || !m->authed)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mgmt_printf(m, "%s", line);
}

void mgmt_notify_env(struct mgmt *m, const char *head, const char *prefix,
		     const char *const *env)
{
	if (!m || m->cfd < 0 || !m->authed)
		return;
	mgmt_printf(m, "%s", head);
	for (; env && *env; env++)
		mgmt_printf(m, ">%s:ENV,%s", prefix, *env);
	mgmt_printf(m, ">%s:ENV,END", prefix);
}

void mgmt_send_block(struct mgmt *m, const char *text, size_t len)
{
	while (len && m->cfd >= 0) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		mgmt_printf(m, "%.*s", (int)n, text);
		n += nl ? 1 : 0;
		text += n;
		len -= n;
	}
}

/* ---- log history ------------------------------------------------------------ */

static char log_flag(int level)
{
	return level <= LOG_FATAL ? 'F' : level == LOG_ERR ? 'N' :
	       level == LOG_WARN ? 'W' : level == LOG_INFO ? 'I' : 'D';
}

void mgmt_log_tee(void *ctx, int level, const char *line)
{
	struct mgmt_log *lg = ctx;
	struct mgmt_log_rec *r;

	pthread_mutex_lock(&lg->mu);
	r = &lg->rec[lg->next % lg->cap];
	r->t = time(NULL);
	r->flag = log_flag(level);
	snprintf(r->line, sizeof(r->line), "%s", line);
	lg->next++;
	pthread_mutex_unlock(&lg->mu);
}

/* Lines [from, lg->next) still in the ring, as ">LOG:" or plain. */
void mgmt_log_send(struct mgmt *m, uint64_t from, bool realtime)
{
	struct mgmt_log *lg = &m->log;
	struct mgmt_log_rec r;

	for (;;) {
		pthread_mutex_lock(&lg->mu);
		if (from + lg->cap < lg->next)
			from = lg->next - lg->cap;
		if (from >= lg->next) {
			pthread_mutex_unlock(&lg->mu);
			break;
		}
		r = lg->rec[from % lg->cap];
		pthread_mutex_unlock(&lg->mu);
		mgmt_printf(m, "%s%lld,%c,%s", realtime ? ">LOG:" : "",
			    (long long)r.t, r.flag, r.line);
		from++;
	}
}

uint64_t mgmt_log_next(struct mgmt *m)
{
	uint64_t n;

	pthread_mutex_lock(&m->log.mu);
	n = m->log.next;
	pthread_mutex_unlock(&m->log.mu);
	return n;
}

/* "log on": the lines logged since the last ones sent. */
static void mgmt_log_flush(struct mgmt *m)
{
	uint64_t next;

	if (m->cfd < 0 || !m->authed || !m->log_rt)
		return;
	next = mgmt_log_next(m);
	mgmt_log_send(m, m->log.sent, true);
	m->log.sent = next;
}

/* ---- state history ---------------------------------------------------------- */

void mgmt_state(struct mgmt *m, const char *state, const char *desc,
		const char *local4, const char *remote, unsigned rport,
		const char *local6)
{
	struct mgmt_hist_rec *r;
	char port[12] = "";

	if (!m)
		return;
	if (rport)
		snprintf(port, sizeof(port), "%u", rport);
	r = mgmt_hist_add(&m->states);
	/* as OpenVPN 2.6: the local socket address and port (empty here),
	 * and the tunnel's IPv6 address only when there is one */
	snprintf(r->text, sizeof(r->text), "%s,%s,%s,%s,%s,,%s%s", state,
		 desc ? desc : "", local4 ? local4 : "", remote ? remote : "",
		 port, local6 && local6[0] ? "," : "", local6 ? local6 : "");
	/* as OpenVPN, whose log lines go out as they are written: what was
	 * logged before the state comes before it (the last lines before
	 * an exit too) */
	mgmt_log_flush(m);
	if (m->state_rt)
		mgmt_notify(m, ">STATE:%lld,%s", (long long)r->t, r->text);
}

/* ---- connection ---------------------------------------------------------------- */

static void mgmt_greet(struct mgmt *m)
{
	mgmt_printf(m, ">INFO:OpenVPN Management Interface Version %d -- type "
		    "'help' for more info", MGMT_VERSION);
	if (m->held)
		mgmt_printf(m, ">HOLD:Waiting for hold release:0");
	mgmt_query_announce(m);
	mgmt_ask_announce(m);
	mgmt_pksig_announce(m);
}

void mgmt_query_announce(struct mgmt *m)
{
	const struct mgmt_query *q = &m->q;

	if (q->pending && m->authed)
		mgmt_printf(m, ">PASSWORD:Need '%s' %s%s", q->type,
			    q->need_user ? "username/password" : "password",
			    q->extra);
}

/* Each bad password makes the next guess wait longer (any connection). */
static void mgmt_bad_password(struct mgmt *m)
{
	unsigned shift = m->pw_fails < 16 ? m->pw_fails : 16;
	uint64_t delay = (uint64_t)MGMT_PW_DELAY_MS << shift;

	if (delay > MGMT_PW_DELAY_MAX_MS)
		delay = MGMT_PW_DELAY_MAX_MS;
	m->pw_fails++;
	m->pw_until_ms = clock_now_ms() + delay;
	log_warn("MANAGEMENT: bad password (%u in a row); the next is checked "
		 "in %llu ms", m->pw_fails, (unsigned long long)delay);
	mgmt_printf(m, "ERROR: bad password");
	if (++m->pw_tries >= MGMT_PW_TRIES) {
		log_warn("MANAGEMENT: client connection rejected after %u failed "
			 "password attempts", MGMT_PW_TRIES);
		mgmt_drop_client(m);
		return;
	}
	mgmt_send_raw(m, "ENTER PASSWORD:", strlen("ENTER PASSWORD:"));
}

static void mgmt_line(struct mgmt *m, char *line)
{
	bool ok;

	if (m->authed && m->extra.on) {
		mgmt_extra_line(m, line);
		return;
	}
	if (m->authed) {
		mgmt_command(m, line);
		return;
	}
	ok = strlen(line) == strlen(m->password) &&
	     !CRYPTO_memcmp(line, m->password, strlen(m->password));
	mem_wipe(line, strlen(line));
	if (!ok) {
		mgmt_bad_password(m);
		return;
	}
	m->authed = true;
	m->pw_fails = 0;
	mgmt_printf(m, "SUCCESS: password is correct");
	mgmt_greet(m);
}

/* Commands wait while the client leaves much output unread, and a
 * password while the bad-password delay runs. */
static bool mgmt_paused(const struct mgmt *m)
{
	return mgmt_out_pending(&m->out) >= MGMT_OUT_HIGH ||
	       (!m->authed && clock_now_ms() < m->pw_until_ms);
}

/* EPOLLIN unless paused, EPOLLOUT while output waits. */
static void mgmt_watch(struct mgmt *m)
{
	uint32_t ev = (mgmt_paused(m) ? 0 : EPOLLIN) |
		      (mgmt_out_pending(&m->out) ? EPOLLOUT : 0);

	if (m->cfd < 0 || ev == m->cev)
		return;
	if (mgmt_out_pending(&m->out) >= MGMT_OUT_HIGH && !m->out_warned) {
		m->out_warned = true;   /* once per connection */
		log_warn("MANAGEMENT: client does not read its output (%zu bytes "
			 "unread): its commands wait", mgmt_out_pending(&m->out));
	}
	if (loop_mod(m->loop, m->cfd, ev)) {
		mgmt_drop_client(m);
		return;
	}
	m->cev = ev;
}

/* Run the complete lines received, as far as not paused. */
static void mgmt_process(struct mgmt *m)
{
	char *nl;

	while (m->cfd >= 0 && !mgmt_paused(m) &&
	       (nl = memchr(m->in, '\n', m->in_len))) {
		size_t used = (size_t)(nl - m->in) + 1;

		*nl = '\0';
		if (nl > m->in && nl[-1] == '\r')
			nl[-1] = '\0';
		if (m->in_overflow)
			mgmt_printf(m, "ERROR: command line too long");
		else
			mgmt_line(m, m->in);
		m->in_overflow = false;
		if (m->cfd < 0)
			return;
		memmove(m->in, m->in + used, m->in_len - used);
		m->in_len -= used;
	}
	if (m->cfd >= 0 && m->in_len == sizeof(m->in)) {
		m->in_overflow = true;      /* drop until the newline */
		m->in_len = 0;
	}
}

void mgmt_io(void *ctx, uint32_t events)
{
	struct mgmt *m = ctx;

	if ((events & EPOLLOUT) && mgmt_out_flush(&m->out, m->cfd)) {
		mgmt_drop_client(m);
		return;
	}
	/* a peer that hung up may have left commands to read first */
	if ((events & EPOLLERR) || ((events & EPOLLHUP) && mgmt_paused(m))) {
		mgmt_drop_client(m);
		return;
	}
	if ((events & (EPOLLIN | EPOLLHUP)) && !mgmt_paused(m) &&
	    m->in_len < sizeof(m->in)) {
		ssize_t n = recv(m->cfd, m->in + m->in_len,
				 sizeof(m->in) - m->in_len, MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			mgmt_drop_client(m);
			return;
		}
		if (n > 0)
			m->in_len += (size_t)n;
	}
	mgmt_process(m);
	mgmt_watch(m);
}

void mgmt_drop_client(struct mgmt *m)
{
	if (m->cfd < 0)
		return;
	loop_del(m->loop, m->cfd);
	close(m->cfd);
	m->cfd = -1;
	m->authed = false;
	m->pw_tries = 0;
	m->out_warned = false;
	m->state_rt = m->log_rt = m->echo_rt = false;
	m->bytecount_s = 0;
	mem_wipe(m->in, sizeof(m->in));
	m->in_len = 0;
	mgmt_out_reset(&m->out);
	mgmt_extra_reset(m);
	if (m->pk.state == MGMT_PK_INPUT)
		m->pk.state = MGMT_PK_SOLICIT;  /* asked again of the next */
	/* as OpenVPN: first forget, then the signal or the exit */
	if (m->forget_on_drop && m->ops->forget)
		m->ops->forget(m->ctx);
	if (m->outbound) {	/* its SIGTERM outdoes management-signal */
		mgmt_connect_lost(m, "management-exit");
		return;
	}
	/* --management-signal: the manager left (a user's logoff), so the
	 * tunnel restarts, as OpenVPN's SIGUSR1 "management-disconnect" */
	if (m->signal_on_drop) {
		log_info("MANAGEMENT: Triggering management signal");
		kill(getpid(), SIGUSR1);   /* the loop's signalfd takes it */
	}
	/* listen again: the next client may come in */
	if (loop_add(m->loop, m->lfd, EPOLLIN, mgmt_accept, m))
		log_warn("management: cannot listen again");
}

void mgmt_accept(void *ctx, uint32_t events)
{
	struct mgmt *m = ctx;
	int fd;

	(void)events;
	fd = accept4(m->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0 || m->cfd >= 0 || !mgmt_peer_allowed(&m->peer, fd)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (mgmt_attach(m, fd))
		return;
	/* one client at a time: the next waits in the listen queue */
	loop_del(m->loop, m->lfd);
	log_info("MANAGEMENT: Client connected from %s",
		 m->unix_path[0] ? m->unix_path : "TCP");
}

int mgmt_attach(struct mgmt *m, int fd)
{
	int err = loop_add(m->loop, fd, EPOLLIN, mgmt_io, m);

	if (err) {
		close(fd);
		return err;
	}
	m->cfd = fd;
	m->cev = EPOLLIN;
	m->client_version = 1;
	m->authed = !m->password[0];
	if (m->authed)
		mgmt_greet(m);
	else
		mgmt_send_raw(m, "ENTER PASSWORD:", strlen("ENTER PASSWORD:"));
	return 0;
}

bool mgmt_hold_set(const struct mgmt *m)
{
	return m && m->hold_flag;
}

int mgmt_hold(struct mgmt *m, struct loop *l, unsigned wait_s)
{
	if (!m || !m->hold_flag)
		return 0;
	m->held = true;
	mgmt_notify(m, ">HOLD:Waiting for hold release:%u", wait_s);
	log_info("MANAGEMENT: waiting for hold release");
	while (m->held) {
		int sig;

		loop_wait(l, mgmt_deadline(m));
		mgmt_tick(m, clock_now_ms());
		sig = loop_take_signal(l);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
			m->held = false;
			return sig;
		}
	}
	return 0;
}

int mgmt_query(struct mgmt *m, struct loop *l, const char *type, char *user,
	       size_t ulen, char *pass, size_t plen, const char *sc,
	       bool sc_echo)
{
	struct mgmt_query *q = &m->q;
	int ret = 0;

	memset(q, 0, sizeof(*q));
	q->pending = true;
	q->need_user = user != NULL;
	snprintf(q->type, sizeof(q->type), "%s", type);
	if (sc)
		snprintf(q->extra, sizeof(q->extra), " SC:%d,%s", sc_echo ? 1 : 0,
			 sc);
	log_info("MANAGEMENT: waiting for the '%s' %s", type,
		 user ? "username/password" : "password");
	mgmt_query_announce(m);
	while (!(q->have_pass && (q->have_user || !q->need_user))) {
		int sig;

		loop_wait(l, mgmt_deadline(m));
		mgmt_tick(m, clock_now_ms());
		sig = loop_take_signal(l);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
			ret = -EINTR;
			break;
		}
	}
	if (!ret && user)
		snprintf(user, ulen, "%s", q->user);
	if (!ret && strlen(q->pass) >= plen)
		ret = -ENOSPC;
	if (!ret)
		memcpy(pass, q->pass, strlen(q->pass) + 1);
	mem_wipe(q, sizeof(*q));
	return ret;
}

uint64_t mgmt_deadline(const struct mgmt *m)
{
	uint64_t d = LOOP_NO_DEADLINE;

	if (!m || m->cfd < 0)
		return d;
	if (m->bytecount_s)
		d = m->bytecount_next_ms;
	if (!m->authed && m->pw_until_ms && m->pw_until_ms < d)
		d = m->pw_until_ms;
	if (m->log_rt) {
		uint64_t p = clock_now_ms() + MGMT_LOG_POLL_MS;

		d = d < p ? d : p;
	}
	return d;
}

void mgmt_tick(struct mgmt *m, uint64_t now_ms)
{
	if (m && m->cfd >= 0 && !m->authed && m->pw_until_ms &&
	    now_ms >= m->pw_until_ms) {
		m->pw_until_ms = 0;     /* the delay is over: the guess waits */
		mgmt_process(m);
		mgmt_watch(m);
	}
	if (!m || m->cfd < 0 || !m->authed)
		return;
	mgmt_log_flush(m);
	if (m->bytecount_s && now_ms >= m->bytecount_next_ms) {
		m->bytecount_next_ms = now_ms + m->bytecount_s * 1000ull;
		if (m->ops->bytecount)
			m->ops->bytecount(m->ctx, m);
	}
}

void mgmt_serve_only(struct mgmt *m, uint64_t deadline_ms)
{
	uint64_t now = clock_now_ms();
	struct pollfd p = { .fd = m->cfd >= 0 ? m->cfd : m->lfd };
	int ms = deadline_ms > now + 200 ? 200 : (int)(deadline_ms - now);

	/* EPOLLIN/OUT/ERR/HUP have poll's values */
	p.events = m->cfd >= 0 ? (short)m->cev : POLLIN;
	if (poll(&p, 1, ms) > 0) {
		if (m->cfd >= 0 && p.fd == m->cfd)
			mgmt_io(m, (uint32_t)p.revents);
		else if (p.fd == m->lfd)
			mgmt_accept(m, (uint32_t)p.revents);
	}
	mgmt_tick(m, clock_now_ms());
}
