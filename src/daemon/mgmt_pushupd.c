/*
 * push-update-broad "OPTIONS" / push-update-cid CID "OPTIONS" (OpenVPN
 * 2.7, management-notes.txt): PUSH_UPDATE to connected clients, answered
 * with 2.7's lines (manage.c man_push_update, push_util.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/mgmt_int.h"

static void pushupd_answer(struct mgmt *m, int n, uint32_t peer_id)
{
	if (n == -EOPNOTSUPP)
		mgmt_printf(m, "PUSH_UPDATE: not sending message to unsupported "
			    "peer with ID: %u", peer_id);
	if (n > 0) {
		mgmt_printf(m, "SUCCESS: %d client(s) updated", n);
		mgmt_printf(m, "SUCCESS: push-update command succeeded");
		return;
	}
	mgmt_printf(m, "ERROR: no client updated");
	mgmt_printf(m, "ERROR: push-update command failed");
}

void mgmt_cmd_push_update(struct mgmt *m, char **argv, int argc)
{
	bool by_cid = !strcmp(argv[0], "push-update-cid");
	unsigned long cid = 0;
	uint32_t peer_id = 0;
	char *end;
	int n;

	(void)argc;
	if (!m->ops->push_update) {
		mgmt_printf(m, "ERROR: The '%s' command is not supported by the "
			    "current daemon mode", argv[0]);
		return;
	}
	if (by_cid) {
		cid = strtoul(argv[1], &end, 10);
		if (!argv[1][0] || *end) {
			mgmt_printf(m, "ERROR: push-update-cid fail during cid "
				    "parsing");
			return;
		}
	}
	n = m->ops->push_update(m->ctx, by_cid ? &cid : NULL,
				argv[by_cid ? 2 : 1], &peer_id);
	pushupd_answer(m, n, peer_id);
}
