/*
 * Running external programs (scripts) without blocking the event loop.
 *
 * A child is started with posix_spawn (vfork semantics: a server of many
 * MB copies no page tables per script) and exec's the program directly
 * (argv split at blanks by the caller, no shell), with exactly the
 * environment given (OpenVPN passes its own env_set, not the one it
 * inherited) and no signal blocked. Its pidfd is watched by the
 * loop; when it ends, done(ctx, result) runs from the loop with result =
 * the exit status (0..255), -ETIMEDOUT (killed after the timeout),
 * -ECHILD (ended by a signal) or -errno (could not start; exec failure
 * shows as status 127 as from a shell).
 *
 * Jobs whose owner went away are detached (scriptrun_detach): they still
 * run to their end or timeout and are reaped, but nobody is called.
 *
 * Not thread-safe: the control thread owns the runner.
 */
#ifndef DCOVPN_DAEMON_SCRIPTRUN_H
#define DCOVPN_DAEMON_SCRIPTRUN_H

#include <stdint.h>

#include "ev/loop.h"

#define SCRIPTRUN_TIMEOUT_MS 30000u  /* a script running longer is killed */
#define SCRIPTRUN_MAX_ARGS 64

typedef void (*scriptrun_done)(void *ctx, int result);

struct scriptrun_job;

struct scriptrun {
	struct loop *loop;
	struct scriptrun_job *jobs;     /* running, newest first */
	unsigned timeout_ms;
};

void scriptrun_init(struct scriptrun *r, struct loop *loop);
/* Shutdown: what still runs gets until its timeout, then is killed. */
void scriptrun_free(struct scriptrun *r);

/*
 * Start @cmd (split at blanks) with @extra appended and @envp; @type names
 * it in the log ("up", "client-connect"). 0 and *@job (may be NULL if the
 * caller needs no handle), or -errno (done is then not called).
 */
int scriptrun_start(struct scriptrun *r, const char *type, const char *cmd,
		    const char *const *extra, char *const *envp,
		    scriptrun_done done, void *ctx, struct scriptrun_job **job);
/*
 * As scriptrun_start, but after every job queued earlier on @lane (> 0)
 * has ended: OpenVPN runs its client-disconnect and learn-address scripts
 * one after the other, and a firewall script must not see "delete" pass
 * "add". The arguments and environment are copied while the job waits.
 */
int scriptrun_queue(struct scriptrun *r, unsigned lane, const char *type,
		    const char *cmd, const char *const *extra,
		    char *const *envp, scriptrun_done done, void *ctx,
		    struct scriptrun_job **job);
/* The owner of @job goes away: done will not be called. */
void scriptrun_detach(struct scriptrun *r, struct scriptrun_job *job);

/* Kill what overran its time (done gets -ETIMEDOUT); the next deadline. */
uint64_t scriptrun_tick(struct scriptrun *r, uint64_t now_ms);
/* The earliest timeout, LOOP_NO_DEADLINE if nothing runs. */
uint64_t scriptrun_deadline(const struct scriptrun *r);

/*
 * Run to completion, waiting at most @timeout_ms (start-up and shutdown,
 * when there is nothing else to serve, as OpenVPN runs up and down).
 * Same results as done's.
 */
int scriptrun_wait(const char *type, const char *cmd, const char *const *extra,
		   char *const *envp, unsigned timeout_ms);

/* Log line for a non-zero result, as OpenVPN words it. */
void scriptrun_log_failure(const char *type, int result);

#endif
