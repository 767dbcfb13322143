/*
 * The management interface's answers to management-client-auth (see
 * mgmt.h): client-auth (with its client-connect block up to "END"),
 * client-auth-nt, client-deny and client-pending-auth, with OpenVPN
 * 2.6's replies. Available in both modes as in OpenVPN: a client parses
 * the arguments, then says the command is not supported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "daemon/mgmt_int.h"

/* OpenVPN reads CID and KID with sscanf: leading digits count. */
static bool parse_ids(struct mgmt *m, const char *cid_s, const char *kid_s,
		      unsigned long *cid, unsigned *kid)
{
	if (sscanf(cid_s, "%lu", cid) != 1) {
		mgmt_printf(m, "ERROR: cannot parse CID");
		return false;
	}
	if (sscanf(kid_s, "%u", kid) != 1) {
		mgmt_printf(m, "ERROR: cannot parse KID");
		return false;
	}
	return true;
}

static bool cauth_supported(struct mgmt *m, const char *cmd)
{
	if (m->ops->client_auth)
		return true;
	mgmt_printf(m, "ERROR: The '%s' command is not supported by the current "
		    "daemon mode", cmd);
	return false;
}

void mgmt_extra_reset(struct mgmt *m)
{
	struct mgmt_extra *x = &m->extra;

	if (x->text) {
		mem_wipe(x->text, x->len);
		free(x->text);
	}
	memset(x, 0, sizeof(*x));
}

/* The decision with the block collected (or none: client-auth-nt). */
static void cauth_dispatch(struct mgmt *m)
{
	struct mgmt_extra *x = &m->extra;

	if (cauth_supported(m, "client-auth")) {
		if (!x->overflow &&
		    !m->ops->client_auth(m->ctx, x->cid, x->kid, true,
					 x->len ? x->text : NULL, NULL, NULL))
			mgmt_printf(m, "SUCCESS: client-auth command succeeded");
		else
			mgmt_printf(m, "ERROR: client-auth command failed");
	}
	mgmt_extra_reset(m);
}

void mgmt_extra_line(struct mgmt *m, const char *line)
{
	struct mgmt_extra *x = &m->extra;
	size_t n = strlen(line);
	char *t;

	if (!strcmp(line, "END") && x->pk_sig) {
		mgmt_pksig_done(m);
		return;
	}
	if (!strcmp(line, "END")) {
		cauth_dispatch(m);
		return;
	}
	if (x->overflow || x->len + n + 1 > MGMT_EXTRA_MAX) {
		x->overflow = true;
		return;
	}
	t = realloc(x->text, x->len + n + 2);
	if (!t) {
		x->overflow = true;
		return;
	}
	x->text = t;
	memcpy(x->text + x->len, line, n);
	x->len += n;
	x->text[x->len++] = '\n';
	x->text[x->len] = '\0';
}

/* client-auth CID KID (a block follows, up to END) / client-auth-nt. */
void mgmt_cmd_client_auth(struct mgmt *m, char **argv, int argc)
{
	struct mgmt_extra *x = &m->extra;

	(void)argc;
	mgmt_extra_reset(m);
	if (!parse_ids(m, argv[1], argv[2], &x->cid, &x->kid))
		return;
	if (!strcmp(argv[0], "client-auth"))
		x->on = true;       /* the lines up to END, then dispatch */
	else
		cauth_dispatch(m);
}

/* client-deny CID KID REASON [CLIENT_REASON] */
void mgmt_cmd_client_deny(struct mgmt *m, char **argv, int argc)
{
	unsigned long cid;
	unsigned kid;

	if (!parse_ids(m, argv[1], argv[2], &cid, &kid) ||
	    !cauth_supported(m, argv[0]))
		return;
	if (m->ops->client_auth(m->ctx, cid, kid, false, NULL, argv[3],
				argc > 4 ? argv[4] : NULL))
		mgmt_printf(m, "ERROR: client-deny command failed");
	else
		mgmt_printf(m, "SUCCESS: client-deny command succeeded");
}

/* client-pending-auth CID KID EXTRA TIMEOUT */
void mgmt_cmd_client_pending(struct mgmt *m, char **argv, int argc)
{
	unsigned long cid;
	unsigned kid, timeout;

	(void)argc;
	if (!parse_ids(m, argv[1], argv[2], &cid, &kid))
		return;
	if (sscanf(argv[4], "%u", &timeout) != 1) {
		mgmt_printf(m, "ERROR: cannot parse TIMEOUT");
		return;
	}
	if (!m->ops->client_pending) {
		cauth_supported(m, argv[0]);
		return;
	}
	if (m->ops->client_pending(m->ctx, cid, kid, argv[3], timeout))
		mgmt_printf(m, "ERROR: client-pending-auth command failed. Extra "
			    "parameter might be too long");
	else
		mgmt_printf(m, "SUCCESS: client-pending-auth command succeeded");
}
