/*
 * Logging. One sink per process (the only mutable global the style allows),
 * levels as OpenVPN's --verb: 0 fatal only .. 3 normal .. 4+ debug.
 * Never pass key material to these functions.
 */
#ifndef DCOVPN_BASE_LOG_H
#define DCOVPN_BASE_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level {
	LOG_FATAL = 0,
	LOG_ERR = 1,
	LOG_WARN = 2,
	LOG_INFO = 3,
	LOG_DEBUG = 4,
	LOG_TRACE = 7,
};

void log_set_level(int level);
int log_get_level(void);
/* Prefix every line with this tag (e.g. "cli", "dcovpn"); NULL for none. */
void log_set_tag(const char *tag);
/* --suppress-timestamps: lines on stderr (or --log) carry no date. */
void log_set_timestamps(bool on);
/* --machine-readable-output: every line starts "seconds.usec flags " as
 * OpenVPN's does (flags: its M_FATAL/M_NONFATAL/M_WARN bits, or the
 * verbosity); before --suppress-timestamps. */
void log_set_machine_readable(bool on);
/* From now on write to syslog (facility daemon) as @ident, not stderr. */
void log_to_syslog(const char *ident);
void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * A milestone of start-up that OpenVPN prints from --verb 1 on (its M_INFO,
 * e.g. "Initialization Sequence Completed", which NetworkManager users and
 * scripts watch for): shown from verb 1, yet logged with the severity of
 * information (syslog notice, management flag 'I'), not as an error.
 */
void log_milestone(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Also hand every logged line to @fn (the management interface's log
 * history); NULL @fn stops it. @fn may be called from any thread, must be
 * thread-safe and must not log.
 */
typedef void (*log_tee_fn)(void *ctx, int level, const char *line);
void log_set_tee(log_tee_fn fn, void *ctx);

/*
 * Rate-limited logging for the data path: at most one line per @interval_ms per
 * limiter; the number of suppressed lines is reported with the next one.
 */
struct log_ratelimit {
	uint64_t next_ms;
	uint64_t suppressed;
};
void log_limited(struct log_ratelimit *rl, unsigned interval_ms, int level,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
