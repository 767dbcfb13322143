/*
 * The engine's RCU: liburcu's QSBR flavour. Its read side costs nothing on
 * the data path; a worker announces a quiescent state by going offline
 * while it sleeps in epoll_wait (worker.c). Writers need not register:
 * synchronize_rcu waits for every online worker to pass one; call_rcu frees
 * on liburcu's helper thread.
 */
#ifndef DCOVPN_DCO_RCU_H
#define DCOVPN_DCO_RCU_H


/*
 * ThreadSanitizer cannot see a grace period: liburcu 0.13 is not built for
 * it and waits with its own barriers and futexes. So the engine tells it
 * what the grace period guarantees: a reader's accesses before its
 * quiescent state (rcu_worker_offline) and the writer's before it retires
 * an object (rcu_retire) happen before the callback that frees the object
 * (rcu_reclaim_begin) and before whatever follows rcu_wait_readers. Without
 * TSan all of it compiles to the bare liburcu calls.
 */
#if defined(__SANITIZE_THREAD__)
#define DCO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DCO_TSAN 1
#endif
#endif

#ifdef DCO_TSAN
/* liburcu marks its shared accesses (CMM_LOAD_SHARED/CMM_STORE_SHARED, used
 * by cds_hlist_del_rcu and rcu_assign_pointer) as volatile ones, which TSan
 * takes for plain accesses racing with rcu_dereference's atomic load. Make
 * them atomics, before the list and pointer headers expand them (system.h's
 * guard keeps these definitions): a release store and an acquire load,
 * since TSan does not see the fence (cmm_wmb) that rcu_assign_pointer puts
 * before its store, and then took a reader of a node published while it
 * ran (route_add beside route_lookup) for a race with the node's filling. */
#define URCU_INLINE_SMALL_FUNCTIONS /* rcu_dereference inline, not a
				      * plain load passed to the library */
#include <urcu/system.h>
#undef _CMM_LOAD_SHARED
#undef _CMM_STORE_SHARED
#define _CMM_LOAD_SHARED(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define _CMM_STORE_SHARED(x, v)                                                \
	__extension__({                                                        \
		__typeof__(x) dco_tsan_v_ = (v);                               \
		__atomic_store_n(&(x), dco_tsan_v_, __ATOMIC_RELEASE);          \
		dco_tsan_v_;                                                   \
	})
#endif

#include <urcu-qsbr.h>
#include <urcu/rcuhlist.h>

#ifdef DCO_TSAN
void rcu_tsan_quiescent(void);
#else
static inline void rcu_tsan_quiescent(void)
{
}
#endif

/* A worker leaves its read-side section (a quiescent state follows). */
static inline void rcu_worker_offline(void)
{
	rcu_tsan_quiescent();
	rcu_thread_offline();
}

/* Every call_rcu of the engine: @fn frees @head's object after a grace
 * period, on liburcu's helper thread; @fn starts with rcu_reclaim_begin. */
void rcu_retire(struct rcu_head *head, void (*fn)(struct rcu_head *));
void rcu_reclaim_begin(struct rcu_head *head);
/* synchronize_rcu: no worker holds what was unlinked before the call. */
void rcu_wait_readers(void);

/* Start liburcu's call_rcu thread now, before any engine thread (under its
 * seccomp filter) could be the one to create it, and have it filter itself
 * with the engine's list (base/sandbox.h: SANDBOX_HELPER). */
void rcu_engine_prepare(void);

#endif
