#include "cli/stats.h"

#include <stddef.h>

struct stat_field {
	const char *name;
	size_t off;
};

#define FIELD(f) { #f, offsetof(struct dco_stats, f) }

static const struct stat_field stat_fields[] = {
	FIELD(tun_rx_packets),  FIELD(tun_rx_bytes),
	FIELD(tun_tx_packets),  FIELD(tun_tx_bytes),
	FIELD(link_rx_packets), FIELD(link_rx_bytes),
	FIELD(link_tx_packets), FIELD(link_tx_bytes),
	FIELD(link_rx_auth_bytes),
	FIELD(drop_malformed),  FIELD(drop_no_peer),
	FIELD(drop_no_key),     FIELD(drop_decrypt),
	FIELD(drop_replay),     FIELD(drop_no_route),
	FIELD(drop_bad_source),
	FIELD(drop_tx_error),   FIELD(keepalive_tx),
	FIELD(keepalive_rx),    FIELD(control_rx),
	FIELD(control_tx),
	FIELD(lock_taken),     FIELD(lock_waited),
	FIELD(drop_busy), FIELD(drop_tx_queue),
	FIELD(handed_off), FIELD(drop_handoff),
	FIELD(tx_handed_off), FIELD(drop_tx_handoff),
};

static void print_block(const struct dco_stats *st, const char *scope,
			FILE *out)
{
	size_t i;

	for (i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++) {
		const uint64_t *v = (const uint64_t *)((const char *)st +
						       stat_fields[i].off);

		fprintf(out, "stats %s %s %llu\n", scope, stat_fields[i].name,
			(unsigned long long)*v);
	}
}

int cli_stats_print(struct dco *dco, uint32_t peer_id, FILE *out)
{
	struct dco_stats st;
	char scope[16];
	int ret;

	/* The peer may be gone (expired); the totals are still worth printing. */
	ret = dco_get_stats(dco, peer_id, &st);
	if (!ret) {
		snprintf(scope, sizeof(scope), "peer%u", (unsigned)peer_id);
		print_block(&st, scope, out);
	}
	if (!dco_get_stats(dco, DCO_PEER_ID_NONE, &st))
		print_block(&st, "total", out);
	fflush(out);
	return ret;
}
