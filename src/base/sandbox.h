/*
 * seccomp allow-lists (libseccomp): after start-up a thread may make only
 * the system calls its job needs, so a bug reached by hostile input (a
 * packet, a control message) cannot open files, run programs or create
 * sockets it never needed.
 *
 *  - SANDBOX_ENGINE: an engine worker thread (dco/worker.c), from its
 *    first instruction: packet I/O on descriptors it was given, memory,
 *    time, futexes, logging. Nothing that opens or creates anything except
 *    a syslog socket. Opening a file fails with EACCES rather than
 *    trapping: glibc opens /proc and /sys files lazily from whichever
 *    thread first needs them, and falls back when it cannot.
 *  - SANDBOX_DAEMON: the control thread once initialization is complete.
 *    It must still do all of start-up again (SIGHUP/SIGUSR1 restart: config
 *    and key files, tun, netlink, sockets, threads), reconnect (name
 *    resolution), serve the management interface and write status/pool
 *    files, so its list is much longer; what it leaves out is mostly
 *    running programs (execve), tracing, mounting, module and kernel
 *    control, and raw I/O on other processes. A filter is inherited by
 *    children across execve, so it is not installed when scripts or
 *    plugins may run: their needs are not ours to know.
 *
 * A call outside the list makes the kernel send SIGSYS; the handler writes
 * "seccomp: system call N not allowed ..." to stderr and ends the process
 * (exit status 159, as a SIGSYS death), which is clearer than a silent kill.
 *
 * Environment DCOVPN_SECCOMP: "off" (no filter), "log" (calls outside the
 * list are allowed and logged by the kernel's audit: for finding what a
 * new feature needs), unset or anything else: enforce. Sanitizer builds
 * never filter (the sanitizers' runtime makes calls of its own).
 */
#ifndef DCOVPN_BASE_SANDBOX_H
#define DCOVPN_BASE_SANDBOX_H

enum sandbox_who {
	SANDBOX_ENGINE,
	SANDBOX_DAEMON,
	/* A library's helper thread (liburcu's call_rcu thread: it frees what
	 * the engine unlinked): the engine's list, unless the thread is
	 * filtered already (it inherited the daemon's). */
	SANDBOX_HELPER,
};

/* Filter the calling thread (and the threads it creates from now on).
 * 0: filtered; 1: not (off, sanitizer build, or already filtered for
 * SANDBOX_DAEMON); -errno: libseccomp failed (the thread is unfiltered). */
int sandbox_apply(enum sandbox_who who);

#endif
