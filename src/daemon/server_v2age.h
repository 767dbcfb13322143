#ifndef DCOVPN_DAEMON_SERVER_V2AGE_H
#define DCOVPN_DAEMON_SERVER_V2AGE_H

#include <stddef.h>
#include <stdint.h>

struct srv_client;

/* 0, or < 0 (logged) when --tls-crypt-v2-max-age refuses the client key. */
int server_v2_age_check(struct srv_client *c, const uint8_t *meta, size_t len);

#endif
