/*
 * The syslog sink of base/log (--syslog, --daemon without --log). Apart
 * from log.h because <syslog.h> names LOG_ERR, LOG_INFO... as our levels.
 */
#ifndef DCOVPN_BASE_LOG_SYSLOG_H
#define DCOVPN_BASE_LOG_SYSLOG_H

void log_syslog_open(const char *ident);
/* @level: a base/log level (0 fatal .. 3 info .. 4+ debug). */
void log_syslog_write(int level, const char *line);

#endif
