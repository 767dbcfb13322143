/* --management on the server: what its commands do here (daemon/mgmt.h). */
#include <signal.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "daemon/keep.h"
#include "daemon/mgmt.h"
#include "daemon/server_int.h"
#include "daemon/status.h"

static void sm_status(void *ctx, FILE *f, int version)
{
	struct server *s = ctx;

	status_print(s, f, version ? version : s->so->status_version,
		     time(NULL));
}

bool server_mgmt_listed(const struct srv_client *c)
{
	return c && !c->dead && !c->kill_at_ms && c->pushed;
}

static void sm_bytecount(void *ctx, struct mgmt *m)
{
	struct server *s = ctx;
	uint64_t rx, tx;

	for (uint32_t i = 0; i < s->max_clients; i++) {
		const struct srv_client *c = s->clients[i];

		if (!server_mgmt_listed(c))
			continue;
		server_client_bytes(c, &rx, &tx);
		mgmt_notify(m, ">BYTECOUNT_CLI:%u,%llu,%llu", c->client_id,
			    (unsigned long long)rx, (unsigned long long)tx);
	}
}

/* kill CN or kill IP:PORT: told RESTART (as OpenVPN), then ended. */
static int sm_kill(void *ctx, const char *cn, const char *addr)
{
	struct server *s = ctx;
	int n = 0;

	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];

		if (!server_mgmt_listed(c) || (cn && strcmp(c->cn, cn)) ||
		    (addr && strcmp(c->real, addr)))
			continue;
		log_info("%s MANAGEMENT: killed", c->prefix);
		server_client_kill_later(c, "RESTART");
		n++;
	}
	return n;
}

static int sm_client_kill(void *ctx, unsigned long cid, const char *msg)
{
	struct server *s = ctx;

	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];

		if (!server_mgmt_listed(c) || c->client_id != cid)
			continue;
		log_info("%s MANAGEMENT: client-kill %s", c->prefix,
			 msg ? msg : "RESTART");
		server_client_kill_later(c, msg ? msg : "RESTART");
		return 0;
	}
	return -ENOENT;
}

static void sm_load(void *ctx, unsigned *n, uint64_t *in, uint64_t *out)
{
	struct server *s = ctx;
	struct dco_stats st;

	*n = 0;
	for (uint32_t i = 0; i < s->max_clients; i++)
		*n += server_mgmt_listed(s->clients[i]);
	if (s->dco && !dco_get_stats(s->dco, DCO_PEER_ID_NONE, &st)) {
		*in = st.link_rx_bytes;
		*out = st.link_tx_bytes;
	}
}

static const struct mgmt_ops server_mgmt_ops = {
	.server = true,
	.status = sm_status,
	.bytecount = sm_bytecount,
	.kill = sm_kill,
	.client_kill = sm_client_kill,
	.push_update = server_push_update,
	.load = sm_load,
	.client_auth = server_mgmt_decide,
	.client_pending = server_mgmt_pending,
};

int server_mgmt_open(struct server *s)
{
	bool kept;

	/* kept from the last instance (mgmt_keep): the manager saw it go */
	s->mgmt = mgmt_reopen(s->keep, s->o, s->loop, &server_mgmt_ops, s, &kept);
	if (!kept)
		mgmt_state(s->mgmt, "CONNECTING", NULL, NULL, NULL, 0, NULL);
	if (s->o->mgmt_addr && !s->mgmt)
		return -1;  /* asked for and cannot listen: as OpenVPN, stop */
	return mgmt_hold(s->mgmt, s->loop, 0);
}

void server_mgmt_connected(struct server *s)
{
	char l4[INET_ADDRSTRLEN] = "", l6[INET6_ADDRSTRLEN] = "";

	if (!s->mgmt)
		return;
	inet_ntop(AF_INET, &s->local4, l4, sizeof(l4));
	if (s->has6)
		inet_ntop(AF_INET6, &s->local6, l6, sizeof(l6));
	/* as OpenVPN: the tun's addresses (ASSIGN_IP), then CONNECTED;
	 * a tun kept across a SIGUSR1 (persist-tun) is not set up again */
	if (!(s->tun_kept && s->keep->restart_sig == SIGUSR1))
		mgmt_state(s->mgmt, "ASSIGN_IP", NULL, l4, NULL, 0,
			   s->has6 ? l6 : NULL);
	mgmt_state(s->mgmt, "CONNECTED", "SUCCESS", l4, NULL, 0,
		   s->has6 ? l6 : NULL);
}

void server_mgmt_ending(struct server *s)
{
	const char *desc;

	if (!s->mgmt || !s->stop_sig)
		return;
	switch (s->stop_sig) {
	case SIGINT: desc = "SIGINT"; break;
	case SIGTERM: desc = "SIGTERM"; break;
	case SIGHUP: desc = "SIGHUP"; break;
	case SIGUSR1: desc = "SIGUSR1"; break;
	default: return;
	}
	/* management-client: what the interface said (management-exit) */
	if (mgmt_exit_reason(s->mgmt))
		desc = mgmt_exit_reason(s->mgmt);
	mgmt_state(s->mgmt, s->restart ? "RECONNECTING" : "EXITING", desc,
		   NULL, NULL, 0, NULL);
}

void server_mgmt_reloaded(struct server *s)
{
	mgmt_state(s->mgmt, "RECONNECTING", "SIGHUP", NULL, NULL, 0, NULL);
	server_mgmt_connected(s);
}

void server_mgmt_close(struct server *s)
{
	/* A restart keeps it, the manager connected (as nobody the socket
	 * could not even be bound again). */
	s->keep->restart_sig = s->restart ? s->stop_sig : 0;
	if (s->restart)
		mgmt_keep(s->mgmt, s->keep, s->o);
	else
		mgmt_close(s->mgmt);
	s->mgmt = NULL;
}
