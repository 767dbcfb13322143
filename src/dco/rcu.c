/* The engine's RCU set-up (rcu.h). */
#include "dco/rcu.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/sandbox.h"

/* Runs on the call_rcu thread itself. */
static void rcu_helper_confine(struct rcu_head *head)
{
	int err = sandbox_apply(SANDBOX_HELPER);

	if (err < 0)
		log_warn("engine: RCU helper thread: no seccomp filter: %s",
			 strerror(-err));
	free(head);
}

void rcu_engine_prepare(void)
{
	struct rcu_head *head = calloc(1, sizeof(*head));

	(void)get_default_call_rcu_data();
	if (head)
		call_rcu(head, rcu_helper_confine);
}
