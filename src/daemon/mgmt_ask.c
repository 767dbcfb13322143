/*
 * management-query-remote / -proxy (client): the >REMOTE / >PROXY question
 * and the "remote" / "proxy" commands that answer it, with OpenVPN 2.6's
 * checks and replies. The question is sent again to a manager that
 * connects while it waits, as OpenVPN's "special state message".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "daemon/mgmt_int.h"

void mgmt_ask_announce(struct mgmt *m)
{
	if (m->ask.pending && m->authed)
		mgmt_printf(m, "%s", m->ask.line);
}

int mgmt_ask(struct mgmt *m, struct loop *l, const char *cmd,
	     const char *line, bool tcp, char args[MGMT_ASK_ARGS][256])
{
	struct mgmt_ask *a = &m->ask;
	int ret;

	memset(a, 0, sizeof(*a));
	a->pending = true;
	a->tcp = tcp;
	snprintf(a->cmd, sizeof(a->cmd), "%s", cmd);
	snprintf(a->line, sizeof(a->line), "%s", line);
	mgmt_ask_announce(m);
	while (!a->answered) {
		int sig;

		loop_wait(l, mgmt_deadline(m));
		mgmt_tick(m, clock_now_ms());
		sig = loop_take_signal(l);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
			a->pending = false;
			return -EINTR;
		}
	}
	ret = a->nargs;
	memcpy(args, a->args, sizeof(a->args));
	memset(a, 0, sizeof(*a));
	return ret;
}

/* The answer's words after the command. */
static void ask_take(struct mgmt_ask *a, char **argv, int argc)
{
	a->nargs = 0;
	for (int i = 1; i < argc && a->nargs < MGMT_ASK_ARGS; i++)
		snprintf(a->args[a->nargs++], sizeof(a->args[0]), "%s", argv[i]);
	a->answered = true;
	a->pending = false;
}

static bool ask_waits(const struct mgmt *m, const char *cmd)
{
	return m->ask.pending && !strcmp(m->ask.cmd, cmd);
}

/* remote ACCEPT | SKIP [n] | MOD host port */
void mgmt_cmd_remote(struct mgmt *m, char **argv, int argc)
{
	const char *act = argv[1];
	bool ok = !strcmp(act, "ACCEPT") || !strcmp(act, "SKIP") ||
		  (!strcmp(act, "MOD") && argc > 3 && strlen(argv[2]) < 256 &&
		   strlen(argv[3]) < 16);

	if (!ok || !ask_waits(m, "remote")) {
		mgmt_printf(m, "ERROR: remote command failed");
		return;
	}
	ask_take(&m->ask, argv, argc);
	mgmt_printf(m, "SUCCESS: remote command succeeded");
}

/* proxy NONE | HTTP host port [nct] | SOCKS host port. As OpenVPN, any
 * proxy command ends the wait; one it refuses means no proxy. */
void mgmt_cmd_proxy(struct mgmt *m, char **argv, int argc)
{
	const char *type = argv[1];
	bool ok = !strcmp(type, "NONE");

	if (!ok && argc > 3 && !strcmp(type, "HTTP") && !m->ask.tcp)
		log_warn("HTTP proxy support only works for TCP based "
			 "connections");
	else if (!ok && argc > 3)
		ok = !strcmp(type, "HTTP") || !strcmp(type, "SOCKS");
	else if (!ok)
		log_warn("Bad proxy command");
	if (ask_waits(m, "proxy")) {
		ask_take(&m->ask, argv, ok ? argc : 1);
		if (!ok)
			m->ask.nargs = 0;
	}
	mgmt_printf(m, ok ? "SUCCESS: proxy command succeeded" :
		    "ERROR: proxy command failed");
}
