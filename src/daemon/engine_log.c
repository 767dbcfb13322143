/* The engine's counters as one log line (engine_log.h). */
#include <stdio.h>

#include "base/log.h"
#include "daemon/engine_log.h"

void engine_log_stats(struct dco *dco, const char *extra)
{
	struct dco_stats st;

	if (!dco || dco_get_stats(dco, DCO_PEER_ID_NONE, &st))
		return;
	log_info("engine: link rx %llu pkts, tx %llu pkts; drops: malformed %llu "
		 "no_peer %llu no_key %llu decrypt %llu replay %llu no_route "
		 "%llu bad_source %llu tx_error %llu tx_queue %llu%s%s",
		 (unsigned long long)st.link_rx_packets,
		 (unsigned long long)st.link_tx_packets,
		 (unsigned long long)st.drop_malformed,
		 (unsigned long long)st.drop_no_peer,
		 (unsigned long long)st.drop_no_key,
		 (unsigned long long)st.drop_decrypt,
		 (unsigned long long)st.drop_replay,
		 (unsigned long long)st.drop_no_route,
		 (unsigned long long)st.drop_bad_source,
		 (unsigned long long)st.drop_tx_error,
		 (unsigned long long)st.drop_tx_queue, extra ? "; " : "",
		 extra ? extra : "");
}
