/* Filter the control thread after start-up. See confine.h. */
#include <string.h>

#include "base/log.h"
#include "base/sandbox.h"
#include "daemon/confine.h"

void confine_daemon(const struct options *o)
{
	int ret;

	/* A filter binds every program started under it (it survives
	 * execve): scripts and plugins need what we cannot list. */
	if (o->script_security >= 2 || o->n_plugins) {
		log_info("seccomp: control thread not filtered (%s may run "
			 "under it)", o->n_plugins ? "plugins" : "scripts");
		return;
	}
	ret = sandbox_apply(SANDBOX_DAEMON);
	if (ret < 0)
		log_warn("seccomp: cannot filter the control thread: %s",
			 strerror(-ret));
	else if (ret == 0)
		log_info("seccomp: control thread filtered");
}
