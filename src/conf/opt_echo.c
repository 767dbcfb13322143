/*
 * echo [text ...] (OpenVPN's --echo): a line for the management interface's
 * echo buffer (">ECHO:" and the "echo" command's history, daemon/mgmt_echo.c)
 * which GUIs read, typically pushed by the server. As OpenVPN 2.6 only
 * texts starting with "msg" are logged: others may carry secrets.
 */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "conf/optable.h"

/* OpenVPN's OPTION_PARM_SIZE: the joined text must fit it */
#define ECHO_TEXT_MAX 256u

int h_echo(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	   unsigned int argc)
{
	char text[ECHO_TEXT_MAX];
	size_t used = 0;
	bool pulled = c->source == OPT_W_PUSH;

	(void)d;
	text[0] = '\0';
	for (unsigned int i = 1; i < argc; i++) {
		int n = snprintf(text + used, sizeof(text) - used, "%s%s",
				 i > 1 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(text) - used) {
			log_warn("echo/parameter option overflow");
			return 0;
		}
		used += (size_t)n;
	}
	if (argc > 1 && !strncmp(argv[1], "msg", 3))
		log_info("%s:%s", pulled ? "ECHO-PULL" : "ECHO", text);
	/* the config's are parsed again for each connection: only a pushed
	 * line is news for the manager (OpenVPN's manager, opened after
	 * the config is read, never sees those either) */
	return pulled ? opt_strv_push(&c->o->echo, text) : 0;
}
