/*
 * The notify messages are a few bytes on a local datagram socket, sent once
 * per start: sd_notify's short blocking send cannot stall the loop.
 */
#include "daemon/sdnotify.h"

#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "base/log.h"

/* As OpenVPN: READY=0 is a harmless message whose success says a notify
 * socket is there. */
bool sdnotify_supervised(void)
{
	return sd_notify(0, "READY=0") > 0;
}

void sdnotify_ready(void)
{
	int r = sd_notifyf(0, "READY=1\nSTATUS=Pre-connection initialization "
			   "successful\nMAINPID=%lu", (unsigned long)getpid());

	if (r < 0)
		log_warn("sd_notify READY=1 failed: error %d", r);
}

void sdnotify_completed(void)
{
	sd_notify(0, "STATUS=Initialization Sequence Completed");
}
