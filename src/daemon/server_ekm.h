#ifndef DCOVPN_DAEMON_SERVER_EKM_H
#define DCOVPN_DAEMON_SERVER_EKM_H

#include <stdbool.h>

struct srv_client;

/* 0, or -EPERM with the AUTH_FAILED reason set when
 * --force-tls-key-material-export refuses a client without TLS-EKM (@ekm). */
int server_ekm_required(struct srv_client *c, bool ekm);

#endif
