#include "base/log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log_syslog.h"

/* The process-wide sink: the one global the style allows. */
static struct {
	int level;
	const char *tag;
	bool syslog;
	bool no_stamp;
	bool machine;
	log_tee_fn tee;
	void *tee_ctx;
} log_sink = { LOG_INFO, NULL, false, false, false, NULL, NULL };

void log_set_tee(log_tee_fn fn, void *ctx)
{
	log_sink.tee_ctx = ctx;
	log_sink.tee = fn;
}

void log_to_syslog(const char *ident)
{
	log_syslog_open(ident);
	log_sink.syslog = true;
}

void log_set_timestamps(bool on)
{
	log_sink.no_stamp = !on;
}

void log_set_machine_readable(bool on)
{
	log_sink.machine = on;
}

void log_set_level(int level)
{
	log_sink.level = level;
}

int log_get_level(void)
{
	return log_sink.level;
}

void log_set_tag(const char *tag)
{
	log_sink.tag = tag;
}

/*
 * OpenVPN's message flags for --machine-readable-output: M_FATAL (0x10),
 * M_NONFATAL (0x20), M_WARN (0x40); otherwise its verbosity, M_INFO (1)
 * for what a default --verb shows.
 */
static unsigned machine_flags(int level)
{
	return level <= LOG_FATAL ? 0x10u : level == LOG_ERR ? 0x20u :
	       level == LOG_WARN ? 0x40u : level == LOG_INFO ? 1u :
	       (unsigned)level;
}

/* "seconds.microseconds flags " as --machine-readable-output writes it,
 * or the local date unless --suppress-timestamps. */
static void log_stamp(int level, char *stamp, size_t len)
{
	struct timespec ts;
	struct tm tm;

	stamp[0] = '\0';
	clock_gettime(CLOCK_REALTIME, &ts);
	if (log_sink.machine) {
		snprintf(stamp, len, "%lld.%06ld %x ", (long long)ts.tv_sec,
			 ts.tv_nsec / 1000, machine_flags(level));
	} else if (!log_sink.no_stamp) {
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, len, "%Y-%m-%d %H:%M:%S ", &tm);
	}
}

static void log_vwrite(int level, const char *fmt, va_list ap)
{
	char line[1024];
	char stamp[48];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_sink.tee)
		log_sink.tee(log_sink.tee_ctx, level, line);
	if (log_sink.syslog) {
		log_syslog_write(level, line); /* syslog stamps it */
		return;
	}
	log_stamp(level, stamp, sizeof(stamp));
	/* One fprintf per line so lines from two threads never interleave. */
	fprintf(stderr, "%s%s%s%s\n", stamp, log_sink.tag ? log_sink.tag : "",
		log_sink.tag ? ": " : "", line);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_sink.level)
		return;
	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

void log_milestone(const char *fmt, ...)
{
	va_list ap;

	if (log_sink.level < LOG_ERR)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap);
	va_end(ap);
}

void log_limited(struct log_ratelimit *rl, unsigned interval_ms, int level,
		 const char *fmt, ...)
{
	uint64_t now = clock_now_ms();
	va_list ap;

	if (level > log_sink.level)
		return;
	if (now < rl->next_ms) {
		rl->suppressed++;
		return;
	}
	rl->next_ms = now + interval_ms;
	if (rl->suppressed)
		log_msg(level, "(%llu similar messages suppressed)",
			(unsigned long long)rl->suppressed);
	rl->suppressed = 0;
	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}
