/*
 * spawn-speed: what starting one script costs a process of the size of a
 * server with many clients: fork + execve (what the script runner did)
 * against posix_spawn (what it does: clone with CLONE_VM | CLONE_VFORK, no
 * page tables copied), in alternating rounds. For each: the time the
 * caller is held in the call (the event loop's stall), the caller's CPU
 * time per script (system time: the page-table copy and the copy-on-write
 * faults after it), and the time until the script has ended.
 *
 *   spawn-speed [MB (64)] [scripts per method (400)] [program (/bin/true)]
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct tally {
	double held_ms, total_ms, cpu_ms;
	unsigned n;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static pid_t start_fork(char *const *argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(argv[0], argv, environ);
		_exit(127);
	}
	return pid;
}

static pid_t start_spawn(char *const *argv)
{
	posix_spawnattr_t attr;
	sigset_t none;
	pid_t pid = -1;

	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (posix_spawn(&pid, argv[0], NULL, &attr, argv, environ))
		pid = -1;
	posix_spawnattr_destroy(&attr);
	return pid;
}

/* One script: started, waited for; the memory written meanwhile as a
 * server goes on working (copy-on-write after a fork). */
static int run_one(pid_t (*start)(char *const *), char *const *argv,
		   char *mem, size_t len, struct tally *t)
{
	double c0 = cpu_ms(), t0 = now_ms(), t1;
	pid_t pid = start(argv);
	int st;

	t1 = now_ms();
	if (pid < 0)
		return -1;
	for (size_t i = 0; i < len; i += 4096 * 16)
		mem[i]++;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	t->held_ms += t1 - t0;
	t->total_ms += now_ms() - t0;
	t->cpu_ms += cpu_ms() - c0;
	t->n++;
	return 0;
}

static void show(const char *name, const struct tally *t)
{
	printf("%-12s %u scripts: held %.3f ms, caller CPU %.3f ms, ended "
	       "after %.3f ms (per script)\n", name, t->n, t->held_ms / t->n,
	       t->cpu_ms / t->n, t->total_ms / t->n);
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 400;
	char *prog = argc > 3 ? argv[3] : "/bin/true";
	char *child_argv[] = { prog, NULL };
	struct tally f = { 0 }, s = { 0 };
	size_t len = mb << 20;
	char *mem = malloc(len ? len : 1);

	if (!mem || !n)
		return 1;
	memset(mem, 1, len);	/* resident, as a server's clients are */
	for (unsigned i = 0; i < n; i++) {
		if (run_one(start_fork, child_argv, mem, len, &f) ||
		    run_one(start_spawn, child_argv, mem, len, &s)) {
			fprintf(stderr, "cannot run %s: %s\n", prog,
				strerror(errno));
			return 1;
		}
	}
	printf("%zu MB resident, %s\n", mb, prog);
	show("fork+execve", &f);
	show("posix_spawn", &s);
	return 0;
}
