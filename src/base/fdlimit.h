/*
 * The open-file limit. A server holds one descriptor per TCP connection
 * (and more while clients handshake), so the soft RLIMIT_NOFILE, often
 * 1024, would be the real cap on connections: it is raised to the hard
 * limit once at start-up (nothing in dcovpn uses select(), whose fd_set
 * would break above 1024).
 */
#ifndef DCOVPN_BASE_FDLIMIT_H
#define DCOVPN_BASE_FDLIMIT_H

/* Raise the soft limit to the hard one; the soft limit now in effect
 * (unchanged if raising failed), or -errno. */
long fdlimit_raise(void);

#endif
