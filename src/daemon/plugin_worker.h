/*
 * One thread that makes every plugin call of a server, so that a plugin
 * waiting on its back end (auth-ldap on an LDAP server, radiusplugin
 * handing a request to its busy helper) never holds up the event loop:
 * the loop submits a call (the job owns copies of the arguments and the
 * environment) and goes on; the result comes back through an eventfd, on
 * the loop's thread.
 *
 * One thread, in submission order: plugins are not thread-safe and
 * expect OpenVPN's order of events; nothing else calls them while the
 * worker runs. Synchronous calls (start-up and shut-down: UP, DOWN; a
 * certificate's TLS_VERIFY, TLS_FINAL) wait for their turn.
 *
 * Teardown: plugin_worker_stop before plugin_host_close; it runs what is
 * queued (a pending client's DISCONNECT, destructors) and drops the
 * results nobody waits for any more.
 */
#ifndef DCOVPN_DAEMON_PLUGIN_WORKER_H
#define DCOVPN_DAEMON_PLUGIN_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/plugin.h"
#include "ev/loop.h"

struct plugin_job;

/* The result of an asynchronous call, on the loop's thread. @config: a
 * CLIENT_CONNECT_V2 "config" (malloc'd, the callee frees it) or NULL. */
typedef void (*plugin_done_fn)(void *ctx, uint64_t tag, enum plugin_result r,
			       char *config);

struct plugin_worker {
	const struct plugin_host *h;
	struct loop *loop;
	int efd;                     /* results ready */
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;        /* the lists and flags below */
	pthread_cond_t cond;
	struct plugin_job *todo, *todo_tail, *done;
	bool stop;
	uint64_t in_flight;          /* submitted, result not yet handed */
};

/* Start the thread if @h has plugins (nothing to do otherwise). 0 or
 * -errno. */
int plugin_worker_start(struct plugin_worker *w, const struct plugin_host *h,
			struct loop *loop);
/* Run what is queued, end the thread; results not handed are dropped. */
void plugin_worker_stop(struct plugin_worker *w);

/*
 * Queue @call (its args, envp and client contexts are copied; @call->config
 * is ignored: the result's config goes to @done). @done(@ctx, @tag, ...)
 * runs on the loop's thread once the plugins answered (never from inside
 * this call); NULL @done: nobody waits (DISCONNECT, LEARN_ADDRESS). 0,
 * -ENOMEM, or -ENODEV (not started: no plugins).
 */
int plugin_worker_submit(struct plugin_worker *w, const struct plugin_call *call,
			 plugin_done_fn done, void *ctx, uint64_t tag);
/*
 * A client's contexts: made by the thread in turn (client_constructor_v1)
 * without waiting, so a new client never waits behind another client's
 * slow call. Only the thread reads them, in queue order (after the
 * constructor, before the destructor); NULL when out of memory.
 */
struct plugin_client *plugin_worker_client_new(struct plugin_worker *w);
/* Queue the client's destructors (after its calls already queued); @pc
 * is gone afterwards. Needs no memory. NULL: nothing. */
void plugin_worker_client_free(struct plugin_worker *w, struct plugin_client *pc);
/* A call the caller waits for (in turn with the queued ones). */
enum plugin_result plugin_worker_call(struct plugin_worker *w,
				      const struct plugin_call *call);

#endif
