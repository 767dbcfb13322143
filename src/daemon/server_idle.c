/*
 * --inactive and --session-timeout on a server: each client instance has
 * its own period, as in OpenVPN (a client that stays idle or too long is
 * ended, the server goes on). The
 * engine's counters of the client's peer are read when the period ends.
 */
#include "daemon/server_int.h"

bool server_idle_check(struct server *s, struct srv_client *c, uint64_t now,
		       uint64_t *next)
{
	struct dco_stats st = { 0 };

	if (c->session_deadline_ms && now >= c->session_deadline_ms) {
		log_info("%s Session timeout, exiting", c->prefix);
		server_client_kill(c, "SIGTERM[soft,session-timeout] received, "
				   "client-instance exiting");
		return true;
	}
	if (c->session_deadline_ms && c->session_deadline_ms < *next)
		*next = c->session_deadline_ms;
	if (!c->inact.deadline_ms)
		return false;
	if (now >= c->inact.deadline_ms) {
		if (c->peer_added)
			dco_get_stats(s->dco, c->peer_id, &st);
		if (client_inactive_expired(&c->inact, st.tun_rx_bytes +
					    st.tun_tx_bytes, now)) {
			log_info("%s Inactivity timeout (--inactive), exiting",
				 c->prefix);
			server_client_kill(c, "SIGTERM[soft,inactive] received, "
					   "client-instance exiting");
			return true;
		}
	}
	if (c->inact.deadline_ms < *next)
		*next = c->inact.deadline_ms;
	return false;
}
