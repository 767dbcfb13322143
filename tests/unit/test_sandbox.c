/* seccomp allow-lists (base/sandbox.c): each in a child process, since a
 * filter cannot be taken off again. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <seccomp.h>

#include "base/sandbox.h"

/* Run @body in a child filtered as @who; its exit status (-1: a signal),
 * its stderr in @err. */
static int in_child(enum sandbox_who who, void (*body)(void), char *err,
		    size_t errlen)
{
	int p[2], st;
	pid_t pid;
	ssize_t n;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		if (sandbox_apply(who) != 0)
			_exit(100);
		body();
		_exit(0);
	}
	close(p[1]);
	for (size_t got = 0;; got += (size_t)n) {
		n = read(p[0], err + got, errlen - 1 - got);
		if (n <= 0) {
			err[got] = '\0';
			break;
		}
	}
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void open_a_file(void)
{
	int fd = open("/etc/hostname", O_RDONLY);

	if (fd >= 0)
		close(fd);
}

/* Refused, not trapped: EACCES, and glibc's lazy reads of /proc and /sys
 * (sysconf here) fall back instead of ending the process. */
static void open_refused(void)
{
	int fd = open("/proc/sys/vm/overcommit_memory", O_RDONLY | O_CLOEXEC);

	if (fd >= 0 || errno != EACCES)
		_exit(3);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 1)
		_exit(4);
}

/* What a worker does besides its packet calls: memory, time, logging. */
static void packet_work(void)
{
	free(malloc(1u << 20));       /* mmap, munmap */
	if (write(STDERR_FILENO, "", 0) < 0 || getpid() <= 0)
		_exit(1);
}

static void make_socketpair(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		close(sv[0]);
		close(sv[1]);
	}
}

static bool enforced(void)
{
	const char *m = getenv("DCOVPN_SECCOMP");

	return !m || (strcmp(m, "off") && strcmp(m, "log"));
}

/* An engine thread may do packet work; opening a file fails with EACCES;
 * anything else outside its list (a socketpair) ends the process with 159
 * and a line naming the call. */
static void test_engine(void **state)
{
	char err[512], want[64];

	(void)state;
	if (!enforced() || in_child(SANDBOX_ENGINE, packet_work, err,
				    sizeof(err)) == 100)
		skip();   /* not filtered: off, or a sanitizer build */
	assert_int_equal(in_child(SANDBOX_ENGINE, packet_work, err, sizeof(err)), 0);
	assert_int_equal(in_child(SANDBOX_ENGINE, open_refused, err, sizeof(err)),
			 0);
	assert_int_equal(in_child(SANDBOX_HELPER, open_refused, err, sizeof(err)),
			 0);
	assert_int_equal(in_child(SANDBOX_ENGINE, make_socketpair, err,
				  sizeof(err)), 159);
	snprintf(want, sizeof(want), "seccomp: system call %d not allowed",
		 SCMP_SYS(socketpair));
	assert_non_null(strstr(err, want));
}

/* The daemon may open files; it may not run a program. */
static void run_true(void)
{
	char *argv[] = { "/bin/true", NULL };

	execve(argv[0], argv, NULL);
	_exit(2);
}

static void test_daemon(void **state)
{
	char err[512], want[64];

	(void)state;
	if (!enforced() || in_child(SANDBOX_DAEMON, packet_work, err,
				    sizeof(err)) == 100)
		skip();
	assert_int_equal(in_child(SANDBOX_DAEMON, open_a_file, err, sizeof(err)), 0);
	assert_int_equal(in_child(SANDBOX_DAEMON, make_socketpair, err,
				  sizeof(err)), 0);
	assert_int_equal(in_child(SANDBOX_DAEMON, run_true, err, sizeof(err)),
			 159);
	snprintf(want, sizeof(want), "seccomp: system call %d not allowed",
		 SCMP_SYS(execve));
	assert_non_null(strstr(err, want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine),
		cmocka_unit_test(test_daemon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
