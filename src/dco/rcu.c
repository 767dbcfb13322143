/* The engine's RCU set-up (rcu.h). */
#include "dco/rcu.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/sandbox.h"

#ifdef DCO_TSAN
#include <sanitizer/tsan_interface.h>

/* Stands for liburcu's grace-period state, which is process-wide (one
 * registry of QSBR readers): only its address is used, as TSan's sync
 * object. Readers release on it at each quiescent state; a callback or a
 * synchronize_rcu caller acquires it. */
static char rcu_tsan_gp;

void rcu_tsan_quiescent(void)
{
	__tsan_release(&rcu_tsan_gp);
}

static void tsan_release(void *addr)
{
	__tsan_release(addr);
}

static void tsan_acquire(void *addr)
{
	__tsan_acquire(addr);
}
#else
static void tsan_release(void *addr)
{
	(void)addr;
}

static void tsan_acquire(void *addr)
{
	(void)addr;
}
#endif

void rcu_retire(struct rcu_head *head, void (*fn)(struct rcu_head *))
{
	tsan_release(head);
	call_rcu(head, fn);
}

void rcu_reclaim_begin(struct rcu_head *head)
{
	tsan_acquire(head);
#ifdef DCO_TSAN
	__tsan_acquire(&rcu_tsan_gp);
#endif
}

void rcu_wait_readers(void)
{
	synchronize_rcu();
#ifdef DCO_TSAN
	__tsan_acquire(&rcu_tsan_gp);
#endif
}

/* Runs on the call_rcu thread itself. */
static void rcu_helper_confine(struct rcu_head *head)
{
	int err;

	rcu_reclaim_begin(head);
	err = sandbox_apply(SANDBOX_HELPER);
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
		rcu_retire(head, rcu_helper_confine);
}
