/*
 * systemd's notify protocol (sd_notify, libsystemd), sent as OpenVPN 2.6
 * sends it so Type=notify units behave the same: READY=1 with
 * "STATUS=Pre-connection initialization successful" and MAINPID once the
 * configuration and credentials are read (a client) or the sockets are
 * listening (a server), then "STATUS=Initialization Sequence Completed".
 * Without NOTIFY_SOCKET in the environment every call does nothing.
 */
#ifndef DCOVPN_DAEMON_SDNOTIFY_H
#define DCOVPN_DAEMON_SDNOTIFY_H

#include <stdbool.h>

/* Started by systemd with a notify socket: --daemon must not fork then. */
bool sdnotify_supervised(void);
/* READY=1, STATUS=Pre-connection initialization successful, MAINPID. */
void sdnotify_ready(void);
/* STATUS=Initialization Sequence Completed. */
void sdnotify_completed(void);

#endif
