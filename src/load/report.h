/*
 * What dcovpn-load measures and prints: connect-time samples with their
 * percentiles, the server's RSS and open descriptors read from /proc/PID,
 * and the counters of the whole run. The report is one block of
 * "name value" lines (bench/scale.sh reads them) after a readable
 * summary.
 */
#ifndef DCOVPN_LOAD_REPORT_H
#define DCOVPN_LOAD_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Connect times in ms, kept until the report (bounded by --clients plus
 * --churn samples, plus retries: the growth is by doubling). */
struct lat {
	uint32_t *v;
	size_t n, cap;
};

void lat_add(struct lat *l, uint64_t ms);
/* The @pct-th percentile (0..100) by nearest rank; 0 without samples.
 * Sorts the samples. */
uint32_t lat_pct(struct lat *l, unsigned pct);
void lat_free(struct lat *l);

/* The server process as /proc shows it. */
struct proc_sample {
	long rss_kb;   /* VmRSS; -1: unknown */
	long fds;      /* entries of /proc/PID/fd; -1: unknown */
	long cpu_ms;   /* user + system time, all threads; -1: unknown */
};

/* Read /proc/@pid (0: leaves -1 in both). */
void proc_sample(int pid, struct proc_sample *out);

/* Counters of the run (all clients, all phases). */
struct load_stats {
	uint64_t started, connected, failures;
	uint64_t ctl_tx_bytes, ctl_rx_bytes;
	uint64_t data_tx_pkts, data_tx_bytes, data_rx_pkts, data_rx_bytes;
	uint64_t echo_tx, echo_rx, keepalive_tx, keepalive_rx, data_bad;
};

#endif
