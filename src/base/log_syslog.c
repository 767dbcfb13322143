#include "base/log_syslog.h"

#include <syslog.h>

void log_syslog_open(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
}

void log_syslog_write(int level, const char *line)
{
	int prio = level <= 0 ? LOG_CRIT :
		   level == 1 ? LOG_ERR :
		   level == 2 ? LOG_WARNING :
		   level == 3 ? LOG_NOTICE : LOG_DEBUG;

	syslog(prio, "%s", line);
}
