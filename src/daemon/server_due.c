/*
 * The server's clients by due time (server_int.h): a visit does what the
 * loop once did for every client on every turn, for one client whose
 * deadline came or that was woken, and files it under its next deadline.
 * At 1,000 idle clients the per-turn pass was most of the control
 * thread's work; now an idle client costs nothing until a timer is due.
 */
#include <stddef.h>

#include "daemon/server_int.h"

static struct srv_client *due_client(struct due_node *nd)
{
	return (struct srv_client *)(void *)((char *)nd -
					     offsetof(struct srv_client, due));
}

static void lower(uint64_t *next, uint64_t v)
{
	if (v < *next)
		*next = v;
}

void server_client_wake(struct srv_client *c)
{
	if (!c->dead)
		dueheap_lower(&c->srv->due, &c->due, 0);
}

void server_due_wake_all(struct server *s)
{
	for (uint32_t i = 0; i < s->max_clients; i++)
		if (s->clients[i])
			server_client_wake(s->clients[i]);
}

/* TLS done but never asked for its options: not a client (a manager's
 * pending decision has its own deadline). True if it was ended. */
static bool hand_window_check(struct server *s, struct srv_client *c,
			      uint64_t now, uint64_t *next)
{
	time_t hw = s->o->hand_window > 0 ? (time_t)s->o->hand_window : 60;
	time_t t = time(NULL);

	if (c->pushed || c->mauth.state == AUTH_PENDING)
		return false;
	if (t - c->since > hw) {
		server_client_kill(c, "no PUSH_REQUEST within hand-window, "
				   "client-instance exiting");
		return true;
	}
	/* the second after the window's last */
	lower(next, now + (uint64_t)(c->since + hw + 1 - t) * 1000u);
	return false;
}

/* One client's turn: its timers and deferred answers. Its next deadline
 * (computed after everything it did), or 0 if it was ended. */
static uint64_t client_visit(struct server *s, struct srv_client *c,
			     uint64_t now)
{
	uint64_t next = UINT64_MAX;

	if (session_tick(&c->sess, now)) {
		server_client_kill(c, "TLS Error: session failed, "
				   "client-instance exiting");
		return 0;
	}
	if (hand_window_check(s, c, now, &next) ||
	    server_idle_check(s, c, now, &next))
		return 0;
	server_plugin_client_tick(c, now, &next);
	server_mgmt_auth_client_tick(c, now, &next);
	server_script_client_tick(c, now, &next);
	if (c->dead)
		return 0;
	if (c->kill_at_ms && now >= c->kill_at_ms) {
		server_client_kill(c, "client-instance exiting");
		return 0;
	}
	if (c->kill_at_ms)
		lower(&next, c->kill_at_ms);
	lower(&next, session_next_deadline(&c->sess));
	return next;
}

void server_due_run(struct server *s, uint64_t now, uint64_t *next)
{
	/* a visit may wake others (a client replacing another): bounded */
	uint32_t budget = 2 * s->n_clients + 16;
	struct due_node *nd;

	while ((nd = dueheap_first(&s->due)) && nd->due <= now) {
		struct srv_client *c = due_client(nd);
		uint64_t d;

		if (!budget--) {
			*next = now;	/* the rest at once, after the events */
			return;
		}
		d = client_visit(s, c, now);
		if (c->dead)
			continue;	/* out of the heap, reaped */
		/* a deadline that passed without effect: not again this turn */
		dueheap_set(&s->due, &c->due, d > now ? d : now + 1);
	}
	lower(next, dueheap_next(&s->due));
}
