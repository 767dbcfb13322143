/* The report of a load run: a readable summary, then "name value" lines. */
#include <stdio.h>

#include "load/fleet.h"

static double per_s(uint64_t n, uint64_t ms)
{
	return ms ? (double)n * 1000.0 / (double)ms : 0.0;
}

static double per_client(long before, long after, unsigned n)
{
	return before < 0 || after < 0 || !n ? -1.0 :
	       (double)(after - before) / (double)n;
}

/* Server CPU time per event between two samples; -1 if unknown. */
static double cpu_per(const struct proc_sample *a, const struct proc_sample *b,
		      size_t n)
{
	return a->cpu_ms < 0 || b->cpu_ms < 0 || !n ? -1.0 :
	       (double)(b->cpu_ms - a->cpu_ms) / (double)n;
}

static void report_ramp(struct fleet *f, FILE *out)
{
	uint64_t ms = (f->ramp_end_ms ? f->ramp_end_ms : f->phase_ms) - f->t0;
	size_t n = f->ramp_lat.n;

	fprintf(out, "ramp: %zu of %u clients up in %.2f s: %.1f handshakes/s, "
		"connect p50 %u ms p99 %u ms; %llu failures\n", n, f->a->clients,
		ms / 1000.0, per_s(n, ms), lat_pct(&f->ramp_lat, 50),
		lat_pct(&f->ramp_lat, 99), (unsigned long long)f->st.failures);
	fprintf(out, "stat clients %u\nstat up %zu\nstat ramp_s %.3f\n"
		"stat handshakes_per_s %.1f\nstat connect_p50_ms %u\n"
		"stat connect_p99_ms %u\nstat failures %llu\n", f->a->clients, n,
		ms / 1000.0, per_s(n, ms), lat_pct(&f->ramp_lat, 50),
		lat_pct(&f->ramp_lat, 99), (unsigned long long)f->st.failures);
	if (f->a->server_pid && f->ramp_end_ms)
		fprintf(out, "ramp: server CPU %.2f ms per handshake\n"
			"stat server_cpu_ms_per_hs %.3f\n",
			cpu_per(&f->s0, &f->s_up, n), cpu_per(&f->s0, &f->s_up, n));
}

static void report_hold(struct fleet *f, FILE *out)
{
	const struct load_stats *a = &f->hold_st0, *b = &f->hold_st1;
	uint64_t ms = f->hold_ms;
	double tx = per_s(b->data_tx_bytes - a->data_tx_bytes, ms) * 8e-6;
	double rx = per_s(b->data_rx_bytes - a->data_rx_bytes, ms) * 8e-6;

	fprintf(out, "hold: %.2f s, echo replies from %u of %u clients; "
		"data %.3f Mbit/s out, %.3f Mbit/s in (%.0f/%.0f packets/s)\n",
		ms / 1000.0, f->pinged, f->a->clients, tx, rx,
		per_s(b->data_tx_pkts - a->data_tx_pkts, ms),
		per_s(b->data_rx_pkts - a->data_rx_pkts, ms));
	fprintf(out, "stat hold_s %.3f\nstat pinged %u\nstat tx_mbps %.3f\n"
		"stat rx_mbps %.3f\nstat echo_rx %llu\nstat echo_tx_pps %.0f\n"
		"stat echo_rx_pps %.0f\n", ms / 1000.0, f->pinged, tx, rx,
		(unsigned long long)(b->echo_rx - a->echo_rx),
		per_s(b->echo_tx - a->echo_tx, ms),
		per_s(b->echo_rx - a->echo_rx, ms));
	/* what the server spends on clients that are only kept up */
	if (f->a->server_pid && ms && f->s_up.cpu_ms >= 0 &&
	    f->s_hold.cpu_ms >= 0)
		fprintf(out, "hold: server CPU %.2f%%\nstat server_cpu_pct_hold "
			"%.3f\n", (double)(f->s_hold.cpu_ms - f->s_up.cpu_ms) *
			100.0 / (double)ms, (double)(f->s_hold.cpu_ms -
			f->s_up.cpu_ms) * 100.0 / (double)ms);
}

static void report_server(struct fleet *f, FILE *out)
{
	double rss = per_client(f->s0.rss_kb, f->s_hold.rss_kb, f->a->clients);
	double fds = per_client(f->s0.fds, f->s_hold.fds, f->a->clients);

	if (!f->a->server_pid)
		return;
	fprintf(out, "server: RSS %ld kB -> %ld kB (%.1f kB per client), "
		"fds %ld -> %ld (%.2f per client)\n", f->s0.rss_kb,
		f->s_hold.rss_kb, rss, f->s0.fds, f->s_hold.fds, fds);
	fprintf(out, "stat server_rss0_kb %ld\nstat server_rss_kb %ld\n"
		"stat rss_per_client_kb %.2f\nstat server_fds0 %ld\n"
		"stat server_fds %ld\nstat fds_per_client %.3f\n",
		f->s0.rss_kb, f->s_hold.rss_kb, rss, f->s0.fds, f->s_hold.fds, fds);
}

static void report_churn(struct fleet *f, FILE *out)
{
	uint64_t ms = f->churn_ms;
	size_t n = f->churn_lat.n;

	if (!f->a->churn)
		return;
	fprintf(out, "churn: %zu of %u cycles in %.2f s (%.1f/s), connect p50 %u "
		"ms p99 %u ms; server RSS %ld -> %ld (half way) -> %ld kB, "
		"fds %ld -> %ld\n", n, f->a->churn, ms / 1000.0, per_s(n, ms),
		lat_pct(&f->churn_lat, 50), lat_pct(&f->churn_lat, 99),
		f->s_hold.rss_kb, f->s_mid.rss_kb, f->s_churn.rss_kb,
		f->s_hold.fds, f->s_churn.fds);
	fprintf(out, "stat churn_cycles %zu\nstat churn_s %.3f\n"
		"stat churn_per_s %.1f\nstat churn_p50_ms %u\n"
		"stat churn_p99_ms %u\nstat churn_mid_rss_kb %ld\n"
		"stat churn_rss_kb %ld\nstat churn_fds %ld\n",
		n, ms / 1000.0, per_s(n, ms), lat_pct(&f->churn_lat, 50),
		lat_pct(&f->churn_lat, 99), f->s_mid.rss_kb, f->s_churn.rss_kb,
		f->s_churn.fds);
	if (f->a->server_pid && n)
		fprintf(out, "churn: server CPU %.2f ms per cycle\n"
			"stat server_cpu_ms_per_cycle %.3f\n",
			cpu_per(&f->s_hold, &f->s_churned, n),
			cpu_per(&f->s_hold, &f->s_churned, n));
}

/* What the server spent on the last goodbyes (every client at once: a
 * teardown), till its CPU time stopped growing. */
static void report_goodbye(struct fleet *f, FILE *out)
{
	if (!f->a->server_pid || !f->n_bye || !f->quiet_started ||
	    f->s_bye0.cpu_ms < 0 || f->s_bye1.cpu_ms < 0)
		return;
	fprintf(out, "goodbye: %u clients left in %.2f s, server CPU %ld ms "
		"(%.3f ms per client)\nstat bye_clients %u\nstat bye_s %.3f\n"
		"stat server_cpu_ms_bye %ld\nstat server_cpu_ms_per_bye %.3f\n",
		f->n_bye, f->bye_ms / 1000.0, f->s_bye1.cpu_ms - f->s_bye0.cpu_ms,
		cpu_per(&f->s_bye0, &f->s_bye1, f->n_bye), f->n_bye,
		f->bye_ms / 1000.0, f->s_bye1.cpu_ms - f->s_bye0.cpu_ms,
		cpu_per(&f->s_bye0, &f->s_bye1, f->n_bye));
}

void fleet_report(struct fleet *f, FILE *out)
{
	fprintf(out, "dcovpn-load: %u clients against %s\n", f->a->clients,
		f->remote_desc);
	if (f->first_err[0])
		fprintf(out, "first failure: %s\n", f->first_err);
	report_ramp(f, out);
	if (f->hold_ms)
		report_hold(f, out);
	report_server(f, out);
	report_churn(f, out);
	report_goodbye(f, out);
	fprintf(out, "stat complete %d\nstat ctl_tx_bytes %llu\n"
		"stat ctl_rx_bytes %llu\n", f->complete,
		(unsigned long long)f->st.ctl_tx_bytes,
		(unsigned long long)f->st.ctl_rx_bytes);
}
