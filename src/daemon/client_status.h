/*
 * The client's statistics in OpenVPN's format ("OpenVPN STATISTICS", as
 * sig.c print_status writes them): into the --status file every N seconds,
 * and into the log on SIGUSR2.
 */
#ifndef DCOVPN_DAEMON_CLIENT_STATUS_H
#define DCOVPN_DAEMON_CLIENT_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "conf/options.h"
#include "dcovpn/dco.h"

struct keep;

/* Format the block (lines ending in '\n', "END" last) into @buf; returns the
 * length, or -ENOSPC. */
int client_status_format(const struct dco_stats *st, time_t now, char *buf,
			 size_t len);

/* --status FILE, opened (or taken over from the last run) in @keep: the
 * descriptor, owned by @keep, or -1 (none, or warned about as OpenVPN). */
int client_status_open(const struct options *o, struct keep *keep);
/* The report into @fd, rewritten in place. 0 or -errno. */
int client_status_write(int fd, const struct dco_stats *st);

/* Each line of the block as one log line (SIGUSR2). */
void client_status_log(const struct dco_stats *st);

#endif
