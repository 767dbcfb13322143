/* seccomp allow-lists for the engine threads and the daemon. See sandbox.h. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>

#include "base/log.h"
#include "base/sandbox.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANDBOX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(undefined_behavior_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif

#define SANDBOX_EXIT_SIGSYS 159   /* 128 + SIGSYS, as a shell reports it */

/* Every thread: memory, time, futexes, signals, logging to stderr or
 * syslog, and ending. */
static const int sys_common[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(fcntl),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk),
	SCMP_SYS(madvise), SCMP_SYS(mprotect),
	SCMP_SYS(futex), SCMP_SYS(get_robust_list), SCMP_SYS(set_robust_list),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday),
	SCMP_SYS(time), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(sched_yield), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(tgkill),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(restart_syscall),
	SCMP_SYS(rseq),
	/* glibc's CPU count when /sys cannot be read (malloc sizes its
	 * arenas by it) */
	SCMP_SYS(sched_getaffinity),
	/* glibc makes every thread change its ids with the caller's setuid
	 * and friends (--user/--group after the engine has started) */
	SCMP_SYS(setgroups), SCMP_SYS(setuid), SCMP_SYS(setgid),
	SCMP_SYS(setresuid), SCMP_SYS(setresgid), SCMP_SYS(setreuid),
	SCMP_SYS(setregid),
	/* syslog: its socket may be (re)opened from any thread */
	SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(sendto),
	SCMP_SYS(newfstatat), SCMP_SYS(fstat),
};

/* An engine worker: packets on the descriptors it was given. */
static const int sys_engine[] = {
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
	SCMP_SYS(epoll_ctl),
	SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvmsg),
	SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(getsockopt), SCMP_SYS(setsockopt), SCMP_SYS(shutdown),
	SCMP_SYS(poll), SCMP_SYS(ppoll),
};

/* What an engine or helper thread may try but never gets: opening files
 * (see sandbox_load). */
static const int sys_engine_refused[] = {
	SCMP_SYS(openat), SCMP_SYS(open),
};

/* The control thread after start-up: all of start-up again (restart),
 * reconnects, management, status and pool files, threads. */
static const int sys_daemon[] = {
	/* files: config, keys, ccd, crl, status, pool, pid, /dev/net/tun */
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(lseek), SCMP_SYS(pread64),
	SCMP_SYS(pwrite64), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(getdents64),
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(ftruncate),
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(fchmod),
	SCMP_SYS(chmod), SCMP_SYS(fchmodat),
	SCMP_SYS(fchown), SCMP_SYS(umask), SCMP_SYS(getcwd), SCMP_SYS(chdir),
	SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3), SCMP_SYS(pipe),
	SCMP_SYS(pipe2), SCMP_SYS(ioctl), SCMP_SYS(fstatfs), SCMP_SYS(statfs),
	/* event loop */
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2), SCMP_SYS(signalfd4),
	SCMP_SYS(eventfd2), SCMP_SYS(timerfd_create), SCMP_SYS(timerfd_settime),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigtimedwait), SCMP_SYS(kill),
	/* sockets: link, netlink, management, name resolution */
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept), SCMP_SYS(accept4),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(getsockopt),
	SCMP_SYS(setsockopt), SCMP_SYS(shutdown), SCMP_SYS(socketpair),
	SCMP_SYS(recvfrom), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg),
	SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg),
	/* engine threads (restart), reaping children started before */
	SCMP_SYS(clone), SCMP_SYS(clone3),
	SCMP_SYS(sched_setaffinity), SCMP_SYS(prctl), SCMP_SYS(wait4),
	SCMP_SYS(waitid),
	/* identity and limits (privdrop is a no-op once dropped) */
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid), SCMP_SYS(getgroups), SCMP_SYS(capget),
	SCMP_SYS(capset),
	SCMP_SYS(getppid), SCMP_SYS(getrlimit), SCMP_SYS(setrlimit),
	SCMP_SYS(prlimit64), SCMP_SYS(getrusage), SCMP_SYS(uname),
	SCMP_SYS(sysinfo), SCMP_SYS(chroot), SCMP_SYS(mlockall),
	SCMP_SYS(munlockall), SCMP_SYS(mlock), SCMP_SYS(membarrier),
	/* a new engine thread adds its own, narrower filter */
	SCMP_SYS(seccomp),
};

/* SIGSYS from the filter: say which call in one write (a whole line even
 * beside other threads' logging), then end. Async-signal-safe. */
static void sandbox_sigsys(int sig, siginfo_t *si, void *uc)
{
	static const char head[] = "seccomp: system call ";
	static const char tail[] = " not allowed here (set DCOVPN_SECCOMP=log "
				   "to find what is missing); exiting\n";
	char line[sizeof(head) + 12 + sizeof(tail)], num[12];
	unsigned n = (unsigned)si->si_syscall;
	size_t len = sizeof(head) - 1, i = sizeof(num);

	(void)sig;
	(void)uc;
	do {
		num[--i] = (char)('0' + n % 10u);
		n /= 10u;
	} while (n && i);
	memcpy(line, head, len);
	memcpy(line + len, num + i, sizeof(num) - i);
	len += sizeof(num) - i;
	memcpy(line + len, tail, sizeof(tail) - 1);
	len += sizeof(tail) - 1;
	if (write(STDERR_FILENO, line, len) < 0) {
		/* nothing more to do: we exit either way */
	}
	_exit(SANDBOX_EXIT_SIGSYS);
}

static int sandbox_allow(scmp_filter_ctx f, const int *calls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* a call this architecture lacks is a pseudo number: skip */
		if (calls[i] < 0)
			continue;
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, calls[i], 0) < 0)
			return -EINVAL;
	}
	return 0;
}

/* Calls that fail with EACCES instead of trapping. */
static int sandbox_refuse(scmp_filter_ctx f, const int *calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (calls[i] >= 0 &&
		    seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), calls[i], 0) < 0)
			return -EINVAL;
	return 0;
}

/* "off", "log" or enforce (NULL, anything else). */
static int sandbox_mode(void)
{
	const char *m = getenv("DCOVPN_SECCOMP");

	if (m && !strcmp(m, "off"))
		return 0;
	if (m && !strcmp(m, "log"))
		return 2;
	return 1;
}

static int sandbox_load(enum sandbox_who who, bool log_only)
{
	scmp_filter_ctx f = seccomp_init(log_only ? SCMP_ACT_LOG : SCMP_ACT_TRAP);
	int err;

	if (!f)
		return -ENOMEM;
	err = sandbox_allow(f, sys_common, sizeof(sys_common) / sizeof(int));
	if (!err && who != SANDBOX_DAEMON)
		err = sandbox_allow(f, sys_engine, sizeof(sys_engine) / sizeof(int));
	/* glibc opens files lazily from whichever thread first needs them:
	 * free() shrinking a thread arena's heap reads
	 * /proc/sys/vm/overcommit_memory, sysconf() reads
	 * /sys/devices/system/cpu/online. Refused with EACCES (both fall back
	 * to a safe default) rather than trapped: a trap ended the server
	 * when the RCU helper freed the first peers of a thread arena. */
	if (!err && who != SANDBOX_DAEMON)
		err = sandbox_refuse(f, sys_engine_refused,
				     sizeof(sys_engine_refused) / sizeof(int));
	/* asking whether a filter is on is harmless (SANDBOX_HELPER does) */
	if (!err && who != SANDBOX_DAEMON &&
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
			     SCMP_A0(SCMP_CMP_EQ, PR_GET_SECCOMP)) < 0)
		err = -EINVAL;
	if (!err && who == SANDBOX_DAEMON)
		err = sandbox_allow(f, sys_daemon, sizeof(sys_daemon) / sizeof(int));
	if (!err)
		err = seccomp_load(f);
	seccomp_release(f);
	return err;
}

int sandbox_apply(enum sandbox_who who)
{
	struct sigaction sa = { .sa_sigaction = sandbox_sigsys,
				.sa_flags = SA_SIGINFO };
	int mode = sandbox_mode();

#ifdef SANDBOX_SANITIZED
	mode = 0;
#endif
	if (!mode)
		return 1;
	/* a restart runs start-up again in a filtered thread: one is enough */
	if (who != SANDBOX_ENGINE && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2)
		return 1;
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -errno;
	return sandbox_load(who, mode == 2);
}
