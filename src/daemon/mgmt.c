/* The management interface: socket, lines, commands. See mgmt.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "daemon/mgmt.h"

#define MGMT_VERSION 5
#define MGMT_LINE_MAX 1024u
#define MGMT_ARGS 8
#define MGMT_STATES 64u
#define MGMT_LOG_DEFAULT 1000
#define MGMT_LOG_LINE 256u
#define MGMT_LOG_POLL_MS 200u
#define MGMT_PASSWORD_MAX 256u

struct mgmt_state_rec {
	time_t t;
	char text[200];              /* "STATE,desc,local4,remote,..." */
};

struct mgmt_log_rec {
	time_t t;
	char flag;                   /* I, W, N, F, D */
	char line[MGMT_LOG_LINE];
};

/* Log lines from any thread; sent by the control thread. */
struct mgmt_log {
	pthread_mutex_t mu;
	struct mgmt_log_rec *rec;
	unsigned cap;
	uint64_t next;               /* sequence number of the next line */
	uint64_t sent;               /* real-time lines sent up to here */
};

struct mgmt {
	struct loop *loop;
	const struct mgmt_ops *ops;
	void *ctx;
	int lfd, cfd;
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char password[MGMT_PASSWORD_MAX];  /* secret; empty: none */
	bool authed;
	char in[MGMT_LINE_MAX];
	size_t in_len;
	bool in_overflow;
	bool hold_flag, held;
	bool state_rt, log_rt, echo_rt;
	unsigned bytecount_s;
	uint64_t bytecount_next_ms;
	struct mgmt_state_rec states[MGMT_STATES];
	unsigned n_states;           /* total ever, the ring holds the last */
	struct mgmt_log log;
};

/* ---- output ---------------------------------------------------------------- */

static void mgmt_drop_client(struct mgmt *m);

/* One line, CRLF added. A client that cannot take it (2 s) is dropped. */
static void mgmt_send_raw(struct mgmt *m, const char *s, size_t n)
{
	while (m->cfd >= 0 && n) {
		ssize_t w = send(m->cfd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			mgmt_drop_client(m);
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

__attribute__((format(printf, 2, 3)))
static void mgmt_printf(struct mgmt *m, const char *fmt, ...)
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

/* A multi-line block (a status report): each line with CRLF. */
static void mgmt_send_block(struct mgmt *m, const char *text, size_t len)
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

static void mgmt_log_tee(void *ctx, int level, const char *line)
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
static void mgmt_log_send(struct mgmt *m, uint64_t from, bool realtime)
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

static uint64_t mgmt_log_next(struct mgmt *m)
{
	uint64_t n;

	pthread_mutex_lock(&m->log.mu);
	n = m->log.next;
	pthread_mutex_unlock(&m->log.mu);
	return n;
}

/* ---- state history ---------------------------------------------------------- */

void mgmt_state(struct mgmt *m, const char *state, const char *desc,
		const char *local4, const char *remote, unsigned rport,
		const char *local6)
{
	struct mgmt_state_rec *r;
	char port[12] = "";

	if (!m)
		return;
	if (rport)
		snprintf(port, sizeof(port), "%u", rport);
	r = &m->states[m->n_states++ % MGMT_STATES];
	r->t = time(NULL);
	snprintf(r->text, sizeof(r->text), "%s,%s,%s,%s,%s,,,%s", state,
		 desc ? desc : "", local4 ? local4 : "", remote ? remote : "",
		 port, local6 ? local6 : "");
	if (m->state_rt)
		mgmt_notify(m, ">STATE:%lld,%s", (long long)r->t, r->text);
}

/* The last @n states (0: all kept). */
static void mgmt_states_send(struct mgmt *m, unsigned n)
{
	unsigned kept = m->n_states < MGMT_STATES ? m->n_states : MGMT_STATES;

	if (!n || n > kept)
		n = kept;
	for (unsigned i = m->n_states - n; i < m->n_states; i++) {
		const struct mgmt_state_rec *r = &m->states[i % MGMT_STATES];

		mgmt_printf(m, "%lld,%s", (long long)r->t, r->text);
	}
}

/* ---- commands ----------------------------------------------------------------- */

/* Split @line into words; "quoted words" with \" and \\ escapes. */
static int mgmt_split(char *line, char **argv, int max)
{
	int n = 0;
	char *p = line;

	while (*p && n < max) {
		char *out;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		argv[n++] = out = p;
		if (*p == '"') {
			argv[n - 1] = out = ++p;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				*out++ = *p++;
			}
			if (*p)
				p++;
		} else {
			while (*p && *p != ' ' && *p != '\t')
				*out++ = *p++;
			if (*p)
				p++;
		}
		*out = '\0';
	}
	return n;
}

static void cmd_help(struct mgmt *m)
{
	static const char *const lines[] = {
		"Management Interface for dcovpn (OpenVPN 2.6 protocol)",
		"Commands:",
		"bytecount n            : Show bytes in/out, update every n secs (0=off).",
		"client-kill cid [msg]  : Kill client instance cid (server).",
		"echo [on|off] [N|all]  : Like log, but only show messages in echo buffer.",
		"exit|quit              : Close management session.",
		"help                   : Print this message.",
		"hold [on|off|release]  : Set/show hold flag to on/off state, or",
		"                         release current hold and start tunnel.",
		"kill cn                : Kill the client instance(s) having common name cn.",
		"kill IP:port           : Kill the client instance connecting from IP:port.",
		"load-stats             : Show global server load stats.",
		"log [on|off] [N|all]   : Turn on/off realtime log display",
		"                         + show last N lines or 'all' for entire history.",
		"nclients               : Show the number of connected clients (server).",
		"pid                    : Show process ID of the current daemon.",
		"signal s               : Send signal s to daemon,",
		"                         s = SIGHUP|SIGTERM|SIGUSR1|SIGUSR2.",
		"state [on|off] [N|all] : Like log, but show state history.",
		"status [n]             : Show current daemon status info using format #n.",
		"verb [n]               : Set log verbosity level to n, or show if n is absent.",
		"version [n]            : Set client's version to n or show current version.",
		"END",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		mgmt_printf(m, "%s", lines[i]);
}

static void cmd_status(struct mgmt *m, const char *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int v = arg ? atoi(arg) : 0;

	if (!m->ops->status) {
		mgmt_printf(m, "ERROR: status is not available");
		return;
	}
	if (v < 0 || v > 3) {
		mgmt_printf(m, "ERROR: status version must be 1, 2 or 3");
		return;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		mgmt_printf(m, "ERROR: out of memory");
		return;
	}
	m->ops->status(m->ctx, f, v);
	fclose(f);
	mgmt_send_block(m, buf, len);
	free(buf);
}

/*
 * state / log / echo [on|off] [all|N]: real-time flag and/or history.
 * @rt is the flag; @history sends the last N (0: all) lines.
 */
static void cmd_history(struct mgmt *m, char **argv, int argc, bool *rt,
			void (*history)(struct mgmt *, unsigned))
{
	const char *type = argv[0];
	bool show = argc == 1, bad = false;
	unsigned n = argc == 1 ? 1 : 0;

	for (int i = 1; i < argc && !bad; i++) {
		char *end;

		if (!strcmp(argv[i], "on")) {
			*rt = true;
			mgmt_printf(m, "SUCCESS: real-time %s notification set to ON",
				    type);
		} else if (!strcmp(argv[i], "off")) {
			*rt = false;
			mgmt_printf(m, "SUCCESS: real-time %s notification set to OFF",
				    type);
		} else if (!strcmp(argv[i], "all")) {
			show = true;
			n = 0;
		} else {
			n = (unsigned)strtoul(argv[i], &end, 10);
			bad = !argv[i][0] || *end;
			show = true;
		}
	}
	if (bad) {
		mgmt_printf(m, "ERROR: %s parameter must be 'on' or 'off' or "
			    "some number n or 'all'", type);
		return;
	}
	if (show) {
		history(m, n);
		mgmt_printf(m, "END");
	}
}

static void hist_state(struct mgmt *m, unsigned n)
{
	mgmt_states_send(m, n);
}

static void hist_log(struct mgmt *m, unsigned n)
{
	uint64_t next = mgmt_log_next(m);
	uint64_t from = !n || n > next ? 0 : next - n;

	mgmt_log_send(m, from, false);
}

static void hist_echo(struct mgmt *m, unsigned n)
{
	(void)m;
	(void)n; /* no echo messages are kept (pushed "echo" is ignored) */
}

static void cmd_hold(struct mgmt *m, const char *arg)
{
	if (!arg) {
		mgmt_printf(m, "SUCCESS: hold=%d", m->hold_flag ? 1 : 0);
	} else if (!strcmp(arg, "on")) {
		m->hold_flag = true;
		mgmt_printf(m, "SUCCESS: hold flag set to ON");
	} else if (!strcmp(arg, "off")) {
		m->hold_flag = false;
		mgmt_printf(m, "SUCCESS: hold flag set to OFF");
	} else if (!strcmp(arg, "release")) {
		m->held = false;
		mgmt_printf(m, "SUCCESS: hold release succeeded");
	} else {
		mgmt_printf(m, "ERROR: bad hold command parameter");
	}
}

static void cmd_signal(struct mgmt *m, const char *name)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "SIGHUP", SIGHUP }, { "SIGTERM", SIGTERM },
		{ "SIGUSR1", SIGUSR1 }, { "SIGUSR2", SIGUSR2 },
	};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (strcmp(name, sigs[i].name))
			continue;
		/* the loop's signalfd takes it like any other */
		kill(getpid(), sigs[i].sig);
		mgmt_printf(m, "SUCCESS: signal %s thrown", name);
		return;
	}
	mgmt_printf(m, "ERROR: signal '%s' is not a known signal type", name);
}

static void cmd_kill(struct mgmt *m, const char *what)
{
	const char *colon = strchr(what, ':');
	int n;

	if (!m->ops->kill) {
		mgmt_printf(m, "ERROR: The 'kill' command is not supported by the "
			    "current daemon mode");
		return;
	}
	if (!colon) {
		n = m->ops->kill(m->ctx, what, NULL);
		if (n > 0)
			mgmt_printf(m, "SUCCESS: common name '%s' found, %d "
				    "client(s) killed", what, n);
		else
			mgmt_printf(m, "ERROR: common name '%s' not found", what);
		return;
	}
	/* [proto:]IP:PORT */
	if ((!strncmp(what, "udp:", 4) || !strncmp(what, "tcp:", 4)) &&
	    strchr(what + 4, ':'))
		what += 4;
	n = m->ops->kill(m->ctx, NULL, what);
	if (n > 0)
		mgmt_printf(m, "SUCCESS: %d client(s) at address %s killed", n, what);
	else
		mgmt_printf(m, "ERROR: client at address %s not found", what);
}

static void cmd_client_kill(struct mgmt *m, char **argv, int argc)
{
	char *end;
	unsigned long cid;

	if (!m->ops->client_kill) {
		mgmt_printf(m, "ERROR: The 'client-kill' command is not supported "
			    "by the current daemon mode");
		return;
	}
	cid = strtoul(argv[1], &end, 10);
	if (!argv[1][0] || *end) {
		mgmt_printf(m, "ERROR: cannot parse CID");
		return;
	}
	if (m->ops->client_kill(m->ctx, cid, argc > 2 ? argv[2] : NULL))
		mgmt_printf(m, "ERROR: client-kill command failed");
	else
		mgmt_printf(m, "SUCCESS: client-kill command succeeded");
}

static void cmd_load(struct mgmt *m, bool only_clients)
{
	unsigned n = 0;
	uint64_t in = 0, out = 0;

	if (m->ops->load)
		m->ops->load(m->ctx, &n, &in, &out);
	if (only_clients)
		mgmt_printf(m, "SUCCESS: nclients=%u", n);
	else
		mgmt_printf(m, "SUCCESS: nclients=%u,bytesin=%llu,bytesout=%llu",
			    n, (unsigned long long)in, (unsigned long long)out);
}

static void cmd_bytecount(struct mgmt *m, const char *arg)
{
	char *end;
	unsigned long s = strtoul(arg, &end, 10);

	if (!arg[0] || *end || s > 86400) {
		mgmt_printf(m, "ERROR: bytecount parameter must be a number of "
			    "seconds");
		return;
	}
	m->bytecount_s = (unsigned)s;
	m->bytecount_next_ms = clock_now_ms() + s * 1000u;
	mgmt_printf(m, "SUCCESS: bytecount interval changed");
}

static void cmd_verb(struct mgmt *m, const char *arg)
{
	if (!arg) {
		mgmt_printf(m, "SUCCESS: verb=%d", log_get_level());
		return;
	}
	if (atoi(arg) < 0 || atoi(arg) > 15) {
		mgmt_printf(m, "ERROR: verb level is out of range");
		return;
	}
	log_set_level(atoi(arg));
	mgmt_printf(m, "SUCCESS: verb level changed");
}

/* Commands with a fixed number of arguments, checked before dispatch. */
static bool mgmt_need(struct mgmt *m, char **argv, int argc, int n)
{
	if (argc > n)
		return true;
	mgmt_printf(m, "ERROR: the '%s' command requires %d parameter%s",
		    argv[0], n, n == 1 ? "" : "s");
	return false;
}

static void mgmt_command(struct mgmt *m, char *line)
{
	char *argv[MGMT_ARGS];
	int argc = mgmt_split(line, argv, MGMT_ARGS);
	const char *c = argc ? argv[0] : "";
	const char *a1 = argc > 1 ? argv[1] : NULL;

	if (!argc)
		return;
	if (!strcmp(c, "help"))
		cmd_help(m);
	else if (!strcmp(c, "version") && a1) {
		if (atoi(a1) >= 4)
			mgmt_printf(m, "SUCCESS: Management client version set to "
				    "%d", atoi(a1));
	} else if (!strcmp(c, "version")) {
		mgmt_printf(m, "OpenVPN Version: dcovpn 0.1 (OpenVPN 2.6 "
			    "protocol, data channel offload)");
		mgmt_printf(m, "Management Version: %d", MGMT_VERSION);
		mgmt_printf(m, "END");
	} else if (!strcmp(c, "pid"))
		mgmt_printf(m, "SUCCESS: pid=%d", (int)getpid());
	else if (!strcmp(c, "status"))
		cmd_status(m, a1);
	else if (!strcmp(c, "state"))
		cmd_history(m, argv, argc, &m->state_rt, hist_state);
	else if (!strcmp(c, "log")) {
		uint64_t next = mgmt_log_next(m);

		cmd_history(m, argv, argc, &m->log_rt, hist_log);
		m->log.sent = next;
	} else if (!strcmp(c, "echo"))
		cmd_history(m, argv, argc, &m->echo_rt, hist_echo);
	else if (!strcmp(c, "hold"))
		cmd_hold(m, a1);
	else if (!strcmp(c, "signal") && mgmt_need(m, argv, argc, 1))
		cmd_signal(m, a1);
	else if (!strcmp(c, "kill") && mgmt_need(m, argv, argc, 1))
		cmd_kill(m, a1);
	else if (!strcmp(c, "client-kill") && mgmt_need(m, argv, argc, 1))
		cmd_client_kill(m, argv, argc);
	else if (!strcmp(c, "load-stats"))
		cmd_load(m, false);
	else if (!strcmp(c, "nclients"))
		cmd_load(m, true);
	else if (!strcmp(c, "bytecount") && mgmt_need(m, argv, argc, 1))
		cmd_bytecount(m, a1);
	else if (!strcmp(c, "verb"))
		cmd_verb(m, a1);
	else if (!strcmp(c, "exit") || !strcmp(c, "quit"))
		mgmt_drop_client(m);
	else if (!strcmp(c, "signal") || !strcmp(c, "kill") ||
		 !strcmp(c, "client-kill") || !strcmp(c, "bytecount"))
		; /* mgmt_need() answered */
	else if (!strcmp(c, "username") || !strcmp(c, "password") ||
		 !strcmp(c, "needok") || !strcmp(c, "pk-sig") ||
		 !strcmp(c, "client-auth") || !strcmp(c, "client-auth-nt") ||
		 !strcmp(c, "client-deny") || !strcmp(c, "remote") ||
		 !strcmp(c, "proxy") || !strcmp(c, "forget-passwords"))
		mgmt_printf(m, "ERROR: The %s command is not available in dcovpn",
			    c);
	else
		mgmt_printf(m, "ERROR: unknown command [%s], enter 'help' for "
			    "more options", c);
}

/* ---- connection ---------------------------------------------------------------- */

static void mgmt_greet(struct mgmt *m)
{
	mgmt_printf(m, ">INFO:OpenVPN Management Interface Version %d -- type "
		    "'help' for more info", MGMT_VERSION);
	if (m->held)
		mgmt_printf(m, ">HOLD:Waiting for hold release:0");
}

static void mgmt_line(struct mgmt *m, char *line)
{
	if (m->authed) {
		mgmt_command(m, line);
		return;
	}
	if (CRYPTO_memcmp(line, m->password, strlen(m->password) + 1) ||
	    strlen(line) != strlen(m->password)) {
		mgmt_printf(m, "ERROR: bad password");
		mem_wipe(line, strlen(line));
		mgmt_drop_client(m);
		return;
	}
	mem_wipe(line, strlen(line));
	m->authed = true;
	mgmt_printf(m, "SUCCESS: password is correct");
	mgmt_greet(m);
}

static void mgmt_readable(void *ctx, uint32_t events)
{
	struct mgmt *m = ctx;

	(void)events;
	while (m->cfd >= 0) {
		ssize_t n = recv(m->cfd, m->in + m->in_len,
				 sizeof(m->in) - m->in_len, MSG_DONTWAIT);
		char *nl;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			mgmt_drop_client(m);
			return;
		}
		m->in_len += (size_t)n;
		while (m->cfd >= 0 && (nl = memchr(m->in, '\n', m->in_len))) {
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
		if (m->in_len == sizeof(m->in)) {
			m->in_overflow = true;      /* drop until the newline */
			m->in_len = 0;
		}
	}
}

static void mgmt_accept(void *ctx, uint32_t events);

static void mgmt_drop_client(struct mgmt *m)
{
	if (m->cfd < 0)
		return;
	loop_del(m->loop, m->cfd);
	close(m->cfd);
	m->cfd = -1;
	m->authed = false;
	m->state_rt = m->log_rt = m->echo_rt = false;
	m->bytecount_s = 0;
	mem_wipe(m->in, sizeof(m->in));
	m->in_len = 0;
	/* listen again: the next client may come in */
	if (loop_add(m->loop, m->lfd, EPOLLIN, mgmt_accept, m))
		log_warn("management: cannot listen again");
}

static void mgmt_accept(void *ctx, uint32_t events)
{
	struct mgmt *m = ctx;
	struct timeval tv = { .tv_sec = 2 };
	int fd;

	(void)events;
	fd = accept4(m->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0 || m->cfd >= 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	/* sends block at most 2 s (mgmt_send_raw); reads are MSG_DONTWAIT */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (loop_add(m->loop, fd, EPOLLIN, mgmt_readable, m)) {
		close(fd);
		return;
	}
	m->cfd = fd;
	/* one client at a time: the next waits in the listen queue */
	loop_del(m->loop, m->lfd);
	m->authed = !m->password[0];
	log_info("MANAGEMENT: Client connected from %s",
		 m->unix_path[0] ? m->unix_path : "TCP");
	if (m->authed)
		mgmt_greet(m);
	else
		mgmt_send_raw(m, "ENTER PASSWORD:", strlen("ENTER PASSWORD:"));
}

/* ---- setup ------------------------------------------------------------------------ */

static int mgmt_listen_unix(struct mgmt *m, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("--management: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		int err = -errno;

		log_err("--management: cannot listen on %s: %s", path,
			strerror(-err));
		close(fd);
		return err;
	}
	chmod(path, 0600);
	snprintf(m->unix_path, sizeof(m->unix_path), "%s", path);
	m->lfd = fd;
	return 0;
}

static int mgmt_listen_tcp(struct mgmt *m, const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int one = 1, fd = -1, err;

	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		log_err("--management: cannot resolve %s: %s", host,
			gai_strerror(err));
		return -EINVAL;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	err = fd < 0 ? -errno : 0;
	if (!err) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 1))
			err = -errno;
	}
	freeaddrinfo(res);
	if (err) {
		log_err("--management: cannot listen on %s:%s: %s", host, port,
			strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	log_info("MANAGEMENT: TCP Socket listening on [AF_INET]%s:%s", host,
		 port);
	m->lfd = fd;
	return 0;
}

/* The password file's first line. */
static int mgmt_read_password(struct mgmt *m, const char *path)
{
	FILE *f = fopen(path, "re");
	int ret = -EINVAL;

	if (!f) {
		log_err("--management: cannot read password file %s", path);
		return -errno;
	}
	if (fgets(m->password, sizeof(m->password), f)) {
		m->password[strcspn(m->password, "\r\n")] = '\0';
		ret = m->password[0] ? 0 : -EINVAL;
	}
	fclose(f);
	if (ret)
		log_err("--management: no password in %s", path);
	return ret;
}

struct mgmt *mgmt_open(const struct options *o, struct loop *l,
		       const struct mgmt_ops *ops, void *ctx)
{
	struct mgmt *m;
	int cap = o->mgmt_log_cache > 0 ? o->mgmt_log_cache : MGMT_LOG_DEFAULT;
	int err;

	if (!o->mgmt_addr)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->loop = l;
	m->ops = ops;
	m->ctx = ctx;
	m->lfd = m->cfd = -1;
	m->hold_flag = o->mgmt_hold;
	m->log.cap = (unsigned)cap;
	m->log.rec = calloc(m->log.cap, sizeof(*m->log.rec));
	pthread_mutex_init(&m->log.mu, NULL);
	err = m->log.rec ? 0 : -ENOMEM;
	if (!err && o->mgmt_pwfile)
		err = mgmt_read_password(m, o->mgmt_pwfile);
	if (!err)
		err = o->mgmt_unix ? mgmt_listen_unix(m, o->mgmt_addr) :
				     mgmt_listen_tcp(m, o->mgmt_addr, o->mgmt_port);
	if (!err)
		err = loop_add(l, m->lfd, EPOLLIN, mgmt_accept, m);
	if (err) {
		mgmt_close(m);
		return NULL;
	}
	log_set_tee(mgmt_log_tee, &m->log);
	return m;
}

void mgmt_close(struct mgmt *m)
{
	if (!m)
		return;
	log_set_tee(NULL, NULL);
	if (m->cfd >= 0) {
		loop_del(m->loop, m->cfd);
		close(m->cfd);
	}
	if (m->lfd >= 0) {
		loop_del(m->loop, m->lfd);
		close(m->lfd);
	}
	if (m->unix_path[0])
		unlink(m->unix_path);
	pthread_mutex_destroy(&m->log.mu);
	free(m->log.rec);
	mem_wipe(m->password, sizeof(m->password));
	free(m);
}

void mgmt_set_ctx(struct mgmt *m, void *ctx)
{
	if (m)
		m->ctx = ctx;
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

uint64_t mgmt_deadline(const struct mgmt *m)
{
	uint64_t d = LOOP_NO_DEADLINE;

	if (!m || m->cfd < 0)
		return d;
	if (m->bytecount_s)
		d = m->bytecount_next_ms;
	if (m->log_rt) {
		uint64_t p = clock_now_ms() + MGMT_LOG_POLL_MS;

		d = d < p ? d : p;
	}
	return d;
}

void mgmt_tick(struct mgmt *m, uint64_t now_ms)
{
	if (!m || m->cfd < 0 || !m->authed)
		return;
	if (m->log_rt) {
		uint64_t next = mgmt_log_next(m);

		mgmt_log_send(m, m->log.sent, true);
		m->log.sent = next;
	}
	if (m->bytecount_s && now_ms >= m->bytecount_next_ms) {
		m->bytecount_next_ms = now_ms + m->bytecount_s * 1000ull;
		if (m->ops->bytecount)
			m->ops->bytecount(m->ctx, m);
	}
}
