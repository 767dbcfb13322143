/* Children run from the event loop, watched by pidfd (see scriptrun.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "daemon/scriptrun.h"

struct scriptrun_job {
	struct scriptrun_job *next;
	struct scriptrun *r;
	pid_t pid;
	int pidfd;
	uint64_t deadline_ms;
	scriptrun_done done;     /* NULL: detached */
	void *ctx;
	char type[32];
	bool exited;             /* could not be executed: status 127, at
				  * the next tick (no pid, no pidfd) */
	unsigned lane;           /* 0: none (scriptrun_queue) */
	char *cmd;               /* waiting (pidfd -1): copies to start with */
	char **extra, **env;
};

void scriptrun_init(struct scriptrun *r, struct loop *loop)
{
	r->loop = loop;
	r->jobs = NULL;
	r->timeout_ms = SCRIPTRUN_TIMEOUT_MS;
}

/* argv of @cmd split at blanks (in @copy) plus @extra; the count. */
static unsigned build_argv(char *copy, const char *const *extra, char **argv)
{
	unsigned n = 0;
	char *save = NULL;

	for (char *t = strtok_r(copy, " \t", &save);
	     t && n < SCRIPTRUN_MAX_ARGS - 8; t = strtok_r(NULL, " \t", &save))
		argv[n++] = t;
	for (; n && extra && *extra && n < SCRIPTRUN_MAX_ARGS; extra++)
		argv[n++] = (char *)*extra;
	argv[n] = NULL;
	return n;
}

/*
 * posix_spawn, not fork: glibc's clone(CLONE_VM | CLONE_VFORK) copies no
 * page tables, where fork's cost grows with the server's memory (40+ MB
 * with thousands of clients), paid on the event loop for every script.
 * The child starts with no signal blocked (the loop blocks its own).
 */
static int spawn_child(char *const *argv, char *const *envp, pid_t *pid)
{
	posix_spawnattr_t attr;
	sigset_t none;
	int err;

	sigemptyset(&none);
	err = posix_spawnattr_init(&attr);
	if (err)
		return -err;
	err = posix_spawnattr_setsigmask(&attr, &none);
	if (!err)
		err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (!err)
		err = posix_spawn(pid, argv[0], NULL, &attr, argv, envp);
	posix_spawnattr_destroy(&attr);
	return -err;
}

/* The status a program that cannot be executed ends with, as from a
 * shell (and from the forked child this runner had before). */
#define SPAWN_EXEC_FAILED 127

/* The pid and its pidfd, SPAWN_EXEC_FAILED or -errno. */
static int spawn(const char *cmd, const char *const *extra, char *const *envp,
		 pid_t *pid, int *pidfd)
{
	char *argv[SCRIPTRUN_MAX_ARGS + 1];
	char *copy = strdup(cmd ? cmd : "");
	int err;

	if (!copy)
		return -ENOMEM;
	if (!build_argv(copy, extra, argv)) {
		free(copy);
		return -EINVAL;
	}
	err = spawn_child(argv, envp, pid);
	free(copy);
	/* out of processes or memory: could not start; anything else is
	 * execve's refusal of this program */
	if (err && err != -EAGAIN && err != -ENOMEM)
		return SPAWN_EXEC_FAILED;
	if (err)
		return err;
	*pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
	if (*pidfd < 0) {
		err = -errno;
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	return err;
}

/* The child ended (or must): its result. */
static int reap(pid_t pid, bool kill_it)
{
	int status;

	if (kill_it)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	if (kill_it)
		return -ETIMEDOUT;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -ECHILD;
}

static void job_unlink(struct scriptrun *r, struct scriptrun_job *j)
{
	for (struct scriptrun_job **p = &r->jobs; *p; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			break;
		}
}

static void lane_next(struct scriptrun *r, unsigned lane);

static void job_finish(struct scriptrun_job *j, bool timed_out)
{
	struct scriptrun *r = j->r;
	unsigned lane = j->lane;
	int result;

	job_unlink(r, j);
	if (j->exited) {
		result = SPAWN_EXEC_FAILED;
		timed_out = false;
	} else {
		loop_del(r->loop, j->pidfd);
		close(j->pidfd);
		result = reap(j->pid, timed_out);
	}
	if (timed_out)
		log_err("--%s script did not finish in %u s, killed", j->type,
			r->timeout_ms / 1000u);
	if (j->done)
		j->done(j->ctx, result);
	free(j);
	if (lane)
		lane_next(r, lane);
}

static void job_readable(void *ctx, uint32_t events)
{
	(void)events;
	job_finish(ctx, false);
}

/* Start @j's child, watched by the loop from now on. 0 or -errno. */
static int job_spawn(struct scriptrun *r, struct scriptrun_job *j,
		     const char *cmd, const char *const *extra,
		     char *const *envp)
{
	int ret = spawn(cmd, extra, envp, &j->pid, &j->pidfd);

	if (ret == SPAWN_EXEC_FAILED) {
		/* ended at once; done() comes from the loop, as for a child */
		j->pidfd = -1;
		j->exited = true;
		j->deadline_ms = 0;
		return 0;
	}
	if (ret) {
		j->pidfd = -1;
		return ret;
	}
	ret = loop_add(r->loop, j->pidfd, EPOLLIN, job_readable, j);
	if (ret) {
		close(j->pidfd);
		j->pidfd = -1;
		reap(j->pid, true);
		return ret;
	}
	j->deadline_ms = clock_now_ms() + r->timeout_ms;
	return 0;
}

static struct scriptrun_job *job_new(struct scriptrun *r, const char *type,
				     scriptrun_done done, void *ctx)
{
	struct scriptrun_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->r = r;
	j->pidfd = -1;
	j->deadline_ms = LOOP_NO_DEADLINE;
	j->done = done;
	j->ctx = ctx;
	snprintf(j->type, sizeof(j->type), "%s", type);
	return j;
}

int scriptrun_start(struct scriptrun *r, const char *type, const char *cmd,
		    const char *const *extra, char *const *envp,
		    scriptrun_done done, void *ctx, struct scriptrun_job **job)
{
	struct scriptrun_job *j = job_new(r, type, done, ctx);
	int ret = j ? job_spawn(r, j, cmd, extra, envp) : -ENOMEM;

	if (ret) {
		free(j);
		return ret;
	}
	j->next = r->jobs;
	r->jobs = j;
	if (job)
		*job = j;
	return 0;
}

/* ---- lanes: one job at a time, in order ------------------------------------ */

static char **strv_dup(const char *const *v, int *err)
{
	size_t n = 0;
	char **d;

	while (v && v[n])
		n++;
	d = calloc(n + 1, sizeof(*d));
	for (size_t i = 0; d && i < n; i++)
		if (!(d[i] = strdup(v[i])))
			*err = -ENOMEM;
	if (!d)
		*err = -ENOMEM;
	return d;
}

/* Free a copy (wiped: an env may hold secrets). */
static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++) {
		mem_wipe(v[i], strlen(v[i]));
		free(v[i]);
	}
	free(v);
}

static void job_drop_copies(struct scriptrun_job *j)
{
	free(j->cmd);
	strv_free(j->extra);
	strv_free(j->env);
	j->cmd = NULL;
	j->extra = j->env = NULL;
}

static bool lane_busy(const struct scriptrun *r, unsigned lane)
{
	for (const struct scriptrun_job *j = r->jobs; j; j = j->next)
		if (j->lane == lane)
			return true;
	return false;
}

/* The lane's oldest waiting job (the list is newest first). */
static struct scriptrun_job *lane_oldest(struct scriptrun *r, unsigned lane)
{
	struct scriptrun_job *found = NULL;

	for (struct scriptrun_job *j = r->jobs; j; j = j->next)
		if (j->lane == lane && j->pidfd < 0 && !j->exited)
			found = j;
	return found;
}

/* Start the next waiting job of @lane; one that cannot start is failed. */
static void lane_next(struct scriptrun *r, unsigned lane)
{
	struct scriptrun_job *j;

	for (bool running = false; !running;) {
		int ret;

		for (const struct scriptrun_job *k = r->jobs; k; k = k->next)
			if (k->lane == lane && (k->pidfd >= 0 || k->exited))
				return;
		j = lane_oldest(r, lane);
		if (!j)
			return;
		ret = job_spawn(r, j, j->cmd, (const char *const *)j->extra,
				j->env);
		job_drop_copies(j);
		running = !ret;
		if (ret) {
			job_unlink(r, j);
			scriptrun_log_failure(j->type, ret);
			if (j->done)
				j->done(j->ctx, ret);
			free(j);
		}
	}
}

int scriptrun_queue(struct scriptrun *r, unsigned lane, const char *type,
		    const char *cmd, const char *const *extra,
		    char *const *envp, scriptrun_done done, void *ctx,
		    struct scriptrun_job **job)
{
	struct scriptrun_job *j;
	int err = 0;

	if (!lane_busy(r, lane)) {
		int ret = scriptrun_start(r, type, cmd, extra, envp, done, ctx, &j);

		if (!ret) {
			j->lane = lane;
			if (job)
				*job = j;
		}
		return ret;
	}
	j = job_new(r, type, done, ctx);
	if (!j)
		return -ENOMEM;
	j->lane = lane;
	j->cmd = strdup(cmd ? cmd : "");
	j->extra = strv_dup(extra, &err);
	j->env = strv_dup((const char *const *)envp, &err);
	if (err || !j->cmd) {
		job_drop_copies(j);
		free(j);
		return -ENOMEM;
	}
	j->next = r->jobs;
	r->jobs = j;
	if (job)
		*job = j;
	return 0;
}

void scriptrun_detach(struct scriptrun *r, struct scriptrun_job *job)
{
	for (struct scriptrun_job *j = r->jobs; j; j = j->next)
		if (j == job)
			j->done = NULL;
}

uint64_t scriptrun_tick(struct scriptrun *r, uint64_t now_ms)
{
	uint64_t next = LOOP_NO_DEADLINE;
	struct scriptrun_job *j = r->jobs;

	while (j) {
		struct scriptrun_job *n = j->next;

		if (now_ms >= j->deadline_ms)
			job_finish(j, true);
		else if (j->deadline_ms < next)
			next = j->deadline_ms;
		j = n;
	}
	return next;
}

uint64_t scriptrun_deadline(const struct scriptrun *r)
{
	uint64_t next = LOOP_NO_DEADLINE;

	for (const struct scriptrun_job *j = r->jobs; j; j = j->next)
		if (j->deadline_ms < next)
			next = j->deadline_ms;
	return next;
}

void scriptrun_free(struct scriptrun *r)
{
	while (r->jobs) {
		struct scriptrun_job *j = NULL;
		struct pollfd pfd = { .events = POLLIN };
		uint64_t now = clock_now_ms();
		int left;

		/* a running one; a lane's next starts as its turn comes */
		for (struct scriptrun_job *k = r->jobs; k; k = k->next)
			if (k->pidfd >= 0 || k->exited)
				j = k;
		if (!j) {	/* only waiting ones (lane > 0) are left */
			lane_next(r, r->jobs->lane);
			continue;
		}
		pfd.fd = j->pidfd;
		left = j->deadline_ms > now ? (int)(j->deadline_ms - now) : 0;
		j->done = NULL;
		job_finish(j, !j->exited && poll(&pfd, 1, left) <= 0);
	}
}

int scriptrun_wait(const char *type, const char *cmd, const char *const *extra,
		   char *const *envp, unsigned timeout_ms)
{
	struct pollfd pfd = { .events = POLLIN };
	pid_t pid;
	int ret = spawn(cmd, extra, envp, &pid, &pfd.fd);

	if (ret)	/* SPAWN_EXEC_FAILED is the status */
		return ret;
	do
		ret = poll(&pfd, 1, (int)timeout_ms);
	while (ret < 0 && errno == EINTR);
	close(pfd.fd);
	ret = reap(pid, ret == 0);
	if (ret == -ETIMEDOUT)
		log_err("--%s script did not finish in %u s, killed", type,
			timeout_ms / 1000u);
	return ret;
}

void scriptrun_log_failure(const char *type, int result)
{
	if (result > 0)
		log_warn("WARNING: Failed running command (--%s): external "
			 "program exited with error status: %d", type, result);
	else if (result == -ECHILD)
		log_warn("WARNING: Failed running command (--%s): external "
			 "program was terminated by a signal", type);
	else if (result < 0 && result != -ETIMEDOUT)
		log_warn("WARNING: Failed running command (--%s): %s", type,
			 strerror(-result));
}
