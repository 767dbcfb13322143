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

#include "dcovpn/dco.h"

/* Format the block (lines ending in '\n', "END" last) into @buf; returns the
 * length, or -ENOSPC. */
int client_status_format(const struct dco_stats *st, time_t now, char *buf,
			 size_t len);

/* Rewrite @path with the block (the file is replaced, never appended). */
int client_status_write(const char *path, const struct dco_stats *st);

/* Each line of the block as one log line (SIGUSR2). */
void client_status_log(const struct dco_stats *st);

#endif
