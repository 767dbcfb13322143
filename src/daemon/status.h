/*
 * --status FILE [N] with --status-version 1|2|3, in OpenVPN 2.6's formats
 * (multi.c multi_print_status): rewritten every N seconds, on SIGUSR2 to
 * the log, and at exit.
 */
#ifndef DCOVPN_DAEMON_STATUS_H
#define DCOVPN_DAEMON_STATUS_H

#include <stdint.h>
#include <stdio.h>

struct server;

/* Open (or take over from the last instance) the status file; one that
 * cannot be opened is warned about, as OpenVPN does. */
void status_open(struct server *s);
void status_tick(struct server *s, uint64_t now_ms);
void status_close(struct server *s);
/* The status report into the log (SIGUSR2). */
void status_write_log(struct server *s);
/* The report in @version into @f, as of @now (Unix time). */
void status_print(struct server *s, FILE *f, int version, time_t now);

#endif
