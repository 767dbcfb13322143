/* The management interface's commands. See mgmt.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "daemon/mgmt_int.h"

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
	mgmt_hist_send(m, &m->states, n);
}

static void hist_log(struct mgmt *m, unsigned n)
{
	uint64_t next = mgmt_log_next(m);
	uint64_t from = !n || n > next ? 0 : next - n;

	mgmt_log_send(m, from, false);
}

static void hist_echo(struct mgmt *m, unsigned n)
{
	mgmt_hist_send(m, &m->echos, n);
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

/* load-stats, or nclients (the number only). */
static void cmd_load(struct mgmt *m, char **argv, int argc)
{
	bool only_clients = !strcmp(argv[0], "nclients");
	unsigned n = 0;
	uint64_t in = 0, out = 0;

	(void)argc;
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

/* username TYPE VALUE / password TYPE VALUE: answers to >PASSWORD. */
static void cmd_credential(struct mgmt *m, char **argv, int argc)
{
	struct mgmt_query *q = &m->q;
	bool is_user = !strcmp(argv[0], "username");
	const char *what = is_user ? "username" : "password";

	if (argc < 3) {
		mgmt_printf(m, "ERROR: the '%s' command requires 2 parameters",
			    what);
	} else if (!q->pending || (is_user && !q->need_user)) {
		mgmt_printf(m, "ERROR: no %s is currently needed at this time",
			    what);
	} else if (strcmp(argv[1], q->type)) {
		mgmt_printf(m, "ERROR: %s of type '%s' entered, but we need one "
			    "of type '%s'", what, argv[1], q->type);
	} else {
		char *dst = is_user ? q->user : q->pass;
		size_t cap = is_user ? sizeof(q->user) : sizeof(q->pass);

		snprintf(dst, cap, "%s", argv[2]);
		*(is_user ? &q->have_user : &q->have_pass) = true;
		mgmt_printf(m, "SUCCESS: '%s' %s entered, but not yet verified",
			    q->type, what);
	}
	if (argc >= 3)
		mem_wipe(argv[2], strlen(argv[2]));
}

static void cmd_version(struct mgmt *m, char **argv, int argc)
{
	if (argc > 1) {
		/* as OpenVPN 2.6: remembered (it decides >PK_SIGN's form),
		 * no answer */
		m->client_version = atoi(argv[1]);
		return;
	}
	mgmt_printf(m, "OpenVPN Version: dcovpn 0.1 (OpenVPN 2.6 protocol, data "
		    "channel offload)");
	mgmt_printf(m, "Management Version: %d", MGMT_VERSION);
	mgmt_printf(m, "END");
}

static void cmd_pid(struct mgmt *m, char **argv, int argc)
{
	(void)argv;
	(void)argc;
	mgmt_printf(m, "SUCCESS: pid=%d", (int)getpid());
}

static void cmd_forget(struct mgmt *m, char **argv, int argc)
{
	(void)argv;
	(void)argc;
	if (m->ops->forget)
		m->ops->forget(m->ctx);
	mgmt_printf(m, "SUCCESS: Passwords were forgotten");
}

static void cmd_log(struct mgmt *m, char **argv, int argc)
{
	uint64_t next = mgmt_log_next(m);

	cmd_history(m, argv, argc, &m->log_rt, hist_log);
	m->log.sent = next;
}

static void cmd_state(struct mgmt *m, char **argv, int argc)
{
	cmd_history(m, argv, argc, &m->state_rt, hist_state);
}

static void cmd_echo(struct mgmt *m, char **argv, int argc)
{
	cmd_history(m, argv, argc, &m->echo_rt, hist_echo);
}

static void cmd_quit(struct mgmt *m, char **argv, int argc)
{
	(void)argv;
	(void)argc;
	mgmt_drop_client(m);
}

/* Adapters for the commands that take their first argument or none. */
#define MGMT_ARG1(fn) \
	static void fn##_argv(struct mgmt *m, char **argv, int argc) \
	{ fn(m, argc > 1 ? argv[1] : NULL); }
MGMT_ARG1(cmd_status)
MGMT_ARG1(cmd_hold)
MGMT_ARG1(cmd_signal)
MGMT_ARG1(cmd_kill)
MGMT_ARG1(cmd_bytecount)
MGMT_ARG1(cmd_verb)

/* remote-entry-count */
static void cmd_remote_count(struct mgmt *m, char **argv, int argc)
{
	(void)argv;
	(void)argc;
	mgmt_printf(m, "%u", m->ops->remote_count(m->ctx));
	mgmt_printf(m, "END");
}

/* remote-entry-get i [j] | all: entries i to j-1, as OpenVPN (atoi). */
static void cmd_remote_get(struct mgmt *m, char **argv, int argc)
{
	unsigned n = m->ops->remote_count(m->ctx);
	unsigned from = (unsigned)atoi(argv[1]);
	unsigned to = argc > 2 ? (unsigned)atoi(argv[2]) : from + 1;
	char buf[600];

	if (!strcmp(argv[1], "all")) {
		from = 0;
		to = n;
	}
	for (unsigned i = from; i < to && i < n; i++)
		if (!m->ops->remote_get(m->ctx, i, buf, sizeof(buf)))
			mgmt_printf(m, "%u,%s", i, buf);
	mgmt_printf(m, "END");
}

/* cr-response ANSWER: CR_RESPONSE,ANSWER to the server (a client's). */
static void cmd_cr_response(struct mgmt *m, char **argv, int argc)
{
	(void)argc;
	if (!m->ops->cc_message) {
		/* OpenVPN's words on a server, its misspelling included */
		mgmt_printf(m, "ERROR: The 'cr-repsonse' command is not "
			    "supported by the current daemon mode");
		return;
	}
	mgmt_printf(m, "%s", m->ops->cc_message(m->ctx, "CR_RESPONSE", argv[1]) ?
		    "ERROR: command failed" : "SUCCESS: command succeeded");
}

static void cmd_help(struct mgmt *m, char **argv, int argc);

enum { MC = 1, MS = 2, MCS = 3 };   /* available on client, server */

/*
 * The commands: name, arguments (min, max: more are ignored, as OpenVPN
 * does), where they are available, handler, and the help lines (usage, a
 * colon, what it does; a second line when it needs one).
 */
static const struct mgmt_cmd_def {
	const char *name;
	unsigned char min, max, where;
	void (*run)(struct mgmt *m, char **argv, int argc);
	const char *usage, *text, *more;
} mgmt_cmds[] = {
	{ "bytecount", 1, 1, MCS, cmd_bytecount_argv, "bytecount n",
	  "Show bytes in/out, update every n secs (0=off).", NULL },
	{ "certificate", 0, 0, MC, mgmt_cmd_pk_sig, "certificate",
	  "Enter a client certificate in response to >NEED-CERT challenge",
	  NULL },
	{ "client-auth", 2, 2, MCS, mgmt_cmd_client_auth, "client-auth CID KID",
	  "Authenticate client-id/key-id CID/KID (MULTILINE)", NULL },
	{ "client-auth-nt", 2, 2, MCS, mgmt_cmd_client_auth,
	  "client-auth-nt CID KID", "Authenticate client-id/key-id CID/KID",
	  NULL },
	{ "client-deny", 3, 4, MCS, mgmt_cmd_client_deny,
	  "client-deny CID KID R [CR]",
	  "Deny auth client-id/key-id CID/KID with log reason", NULL },
	{ "client-pending-auth", 4, 4, MCS, mgmt_cmd_client_pending,
	  "client-pending-auth CID KID MSG timeout",
	  "Send AUTH_PENDING and INFO_PRE,MSG to the client and wait",
	  "for a final client-auth/client-deny" },
	{ "client-kill", 1, 2, MS, cmd_client_kill, "client-kill cid [msg]",
	  "Kill client instance cid (server).", NULL },
	{ "cr-response", 1, 1, MCS, cmd_cr_response, "cr-response response",
	  "Send a challenge response answer via CR_RESPONSE to server", NULL },
	{ "echo", 0, 2, MCS, cmd_echo, "echo [on|off] [N|all]",
	  "Like log, but only show messages in echo buffer.", NULL },
	{ "exit", 0, 0, MCS, cmd_quit, "exit|quit",
	  "Close management session.", NULL },
	{ "forget-passwords", 0, 0, MCS, cmd_forget, "forget-passwords",
	  "Forget passwords entered so far.", NULL },
	{ "help", 0, 0, MCS, cmd_help, "help", "Print this message.", NULL },
	{ "hold", 0, 1, MCS, cmd_hold_argv, "hold [on|off|release]",
	  "Set/show hold flag to on/off state, or",
	  "release current hold and start tunnel." },
	{ "kill", 1, 1, MS, cmd_kill_argv, "kill cn|IP:port",
	  "Kill the client instance(s) having common name cn,",
	  "or connecting from IP:port (server)." },
	{ "load-stats", 0, 0, MCS, cmd_load, "load-stats",
	  "Show global server load stats.", NULL },
	{ "log", 0, 2, MCS, cmd_log, "log [on|off] [N|all]",
	  "Turn on/off realtime log display",
	  "+ show last N lines or 'all' for entire history." },
	{ "nclients", 0, 0, MS, cmd_load, "nclients",
	  "Show the number of connected clients (server).", NULL },
	{ "password", 2, 2, MCS, cmd_credential, "password type p",
	  "Enter password p for a queried OpenVPN password.", NULL },
	{ "pid", 0, 0, MCS, cmd_pid, "pid",
	  "Show process ID of the current daemon.", NULL },
	{ "push-update-broad", 1, 1, MS, mgmt_cmd_push_update,
	  "push-update-broad options",
	  "Broadcast a message to update the specified options.",
	  "Ex. push-update-broad \"route something, -dns\"" },
	{ "push-update-cid", 2, 2, MS, mgmt_cmd_push_update,
	  "push-update-cid CID options",
	  "Send an update message to the client identified by CID.", NULL },
	{ "quit", 0, 0, MCS, cmd_quit, NULL, NULL, NULL },
	{ "pk-sig", 0, 0, MC, mgmt_cmd_pk_sig, "pk-sig",
	  "Enter a signature in response to >PK_SIGN challenge", NULL },
	{ "proxy", 1, 4, MC, mgmt_cmd_proxy, "proxy TYPE HOST PORT [nct]",
	  "Answer a >PROXY query (TYPE NONE, HTTP, SOCKS).", NULL },
	{ "rsa-sig", 0, 0, MC, mgmt_cmd_pk_sig, NULL, NULL, NULL },
	{ "remote-entry-count", 0, 0, MC, cmd_remote_count,
	  "remote-entry-count", "Get number of available remote entries.",
	  NULL },
	{ "remote-entry-get", 1, 2, MC, cmd_remote_get,
	  "remote-entry-get i|all [j]",
	  "Get remote entry at index = i to j-1 or all.", NULL },
	{ "remote", 1, 3, MC, mgmt_cmd_remote, "remote ACTION [HOST PORT]",
	  "Answer a >REMOTE query (ACTION ACCEPT, SKIP [n], MOD).", NULL },
	{ "signal", 1, 1, MCS, cmd_signal_argv, "signal s",
	  "Send signal s to daemon,",
	  "s = SIGHUP|SIGTERM|SIGUSR1|SIGUSR2." },
	{ "state", 0, 2, MCS, cmd_state, "state [on|off] [N|all]",
	  "Like log, but show state history.", NULL },
	{ "status", 0, 1, MCS, cmd_status_argv, "status [n]",
	  "Show current daemon status info using format #n.", NULL },
	{ "username", 2, 2, MCS, cmd_credential, "username type u",
	  "Enter username u for a queried OpenVPN username.", NULL },
	{ "verb", 0, 1, MCS, cmd_verb_argv, "verb [n]",
	  "Set log verbosity level to n, or show if n is absent.", NULL },
	{ "version", 0, 1, MCS, cmd_version, "version [n]",
	  "Set client's version to n or show current version.", NULL },
};

#define MGMT_NCMDS (sizeof(mgmt_cmds) / sizeof(mgmt_cmds[0]))

static unsigned mgmt_where(const struct mgmt *m)
{
	return m->ops->server ? MS : MC;
}

/* The help text, from the table: this mode's commands. */
static void cmd_help(struct mgmt *m, char **argv, int argc)
{
	(void)argv;
	(void)argc;
	mgmt_printf(m, "Management Interface for dcovpn (OpenVPN 2.6 protocol)");
	mgmt_printf(m, "Commands:");
	for (size_t i = 0; i < MGMT_NCMDS; i++) {
		const struct mgmt_cmd_def *c = &mgmt_cmds[i];

		if (!c->usage || !(c->where & mgmt_where(m)))
			continue;
		mgmt_printf(m, "%-22s : %s", c->usage, c->text);
		if (c->more)
			mgmt_printf(m, "%-22s   %s", "", c->more);
	}
	mgmt_printf(m, "END");
}

static const struct mgmt_cmd_def *mgmt_find(const char *name)
{
	for (size_t i = 0; i < MGMT_NCMDS; i++)
		if (!strcmp(mgmt_cmds[i].name, name))
			return &mgmt_cmds[i];
	return NULL;
}

void mgmt_command(struct mgmt *m, char *line)
{
	char *argv[MGMT_ARGS];
	int argc = mgmt_split(line, argv, MGMT_ARGS);
	const struct mgmt_cmd_def *c;

	if (!argc)
		return;
	c = mgmt_find(argv[0]);
	if (!c) {
		mgmt_printf(m, "ERROR: unknown command [%s], enter 'help' for "
			    "more options", argv[0]);
	} else if (!(c->where & mgmt_where(m))) {
		mgmt_printf(m, "ERROR: The '%s' command is not supported by the "
			    "current daemon mode", c->name);
	} else if (argc - 1 < c->min) {
		mgmt_printf(m, "ERROR: the '%s' command requires %u parameter%s",
			    c->name, c->min, c->min == 1 ? "" : "s");
	} else {
		c->run(m, argv, argc - 1 > c->max ? c->max + 1 : argc);
	}
	for (int i = 1; i < argc; i++)    /* arguments may be secrets */
		mem_wipe(argv[i], strlen(argv[i]));
}
