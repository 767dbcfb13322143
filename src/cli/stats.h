/*
 * Statistics output of dcovpn-cli, one counter per line so scripts can grep:
 *   stats peer0 drop_decrypt 12
 *   stats total drop_malformed 3
 * "peerN" are the counters of peer N, "total" those of the whole engine
 * (which also counts packets that could not be tied to a peer).
 */
#ifndef DCOVPN_CLI_STATS_H
#define DCOVPN_CLI_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "dcovpn/dco.h"

/* Print the peer's and the engine's counters; 0 or the -errno of
 * dco_get_stats(). */
int cli_stats_print(struct dco *dco, uint32_t peer_id, FILE *out);

#endif
