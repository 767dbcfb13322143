/*
 * The server's words to the client outside the pull, as OpenVPN 2.6's
 * client takes them (push.c server_pushed_info, receive_auth_pending):
 *
 *   INFO_PRE,text / INFO,text  >INFOMSG:text to the manager (the web-auth
 *                              URL or CR_TEXT challenge of client-pending-
 *                              auth, for the GUI to show)
 *   AUTH_PENDING[,keywords]    the AUTH_PENDING state (the keywords as its
 *                              text); "timeout N" moves the deadline for
 *                              the PUSH_REPLY to N s after the session
 *                              came up, capped at max(reneg-sec / 2,
 *                              hand-window); without one, hand-window
 *
 * The answer to a CR_TEXT challenge goes back with the manager's
 * cr-response command (client_mgmt.c).
 */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "daemon/client_conn.h"

/* OpenVPN builds ">INFOMSG:text" in a 256-byte buffer and drops what
 * does not fit. */
#define INFOMSG_MAX 256u

static bool has_head(const char *msg, const char *head)
{
	return !strncmp(msg, head, strlen(head));
}

/* The text after "HEAD," ("" when there is no comma or nothing after). */
static const char *info_text(const char *msg, size_t head_len)
{
	if (strlen(msg) <= head_len + 1 || msg[head_len] != ',')
		return "";
	return msg + head_len + 1;
}

static void info_show(struct conn *c, const char *text)
{
	if (c->cm->m) {
		if (strlen(">INFOMSG:") + strlen(text) < INFOMSG_MAX)
			mgmt_notify(c->cm->m, ">INFOMSG:%s", text);
		else
			log_warn("WARNING: Received INFO command is too long, "
				 "won't notify management client.");
	}
	log_info("Info command was pushed by server ('%s')", text);
}

/* "timeout N" among the comma-separated @keywords; others are logged. */
static unsigned pending_timeout(const char *keywords, unsigned dflt)
{
	char line[256];
	unsigned t = dflt;

	while (*keywords) {
		size_t n = strcspn(keywords, ",");

		snprintf(line, sizeof(line), "%.*s", (int)n, keywords);
		if (sscanf(line, "timeout %u", &t) != 1)
			log_info("ignoring AUTH_PENDING parameter: %s", line);
		keywords += n + (keywords[n] == ',');
	}
	return t;
}

static void info_auth_pending(struct conn *c, const char *msg)
{
	unsigned hw = c->o->hand_window > 0 ? (unsigned)c->o->hand_window : 60u;
	unsigned reneg = c->o->reneg_sec >= 0 ? (unsigned)c->o->reneg_sec : 3600u;
	unsigned max = reneg / 2 > hw ? reneg / 2 : hw;
	const char *kw = info_text(msg, strlen("AUTH_PENDING"));
	unsigned t;

	if (!c->o->pull)
		return;
	client_mgmt_state(c->cm, "AUTH_PENDING", kw);
	t = pending_timeout(kw, hw);
	t = t < max ? t : max;
	log_info("AUTH_PENDING received, extending handshake timeout from "
		 "%us to %us", hw, t);
	push_extend(&c->push, c->established_ms + t * 1000ull);
}

bool conn_info_message(struct conn *c, const char *msg)
{
	if (has_head(msg, "INFO_PRE"))
		info_show(c, info_text(msg, strlen("INFO_PRE")));
	else if (has_head(msg, "INFO"))
		info_show(c, info_text(msg, strlen("INFO")));
	else if (has_head(msg, "AUTH_PENDING"))
		info_auth_pending(c, msg);
	else
		return false;
	return true;
}
