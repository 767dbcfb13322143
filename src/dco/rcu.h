/*
 * The engine's RCU: liburcu's QSBR flavour. Its read side costs nothing on
 * the data path; a worker announces a quiescent state by going offline
 * while it sleeps in epoll_wait (worker.c). Writers need not register:
 * synchronize_rcu waits for every online worker to pass one; call_rcu frees
 * on liburcu's helper thread.
 */
#ifndef DCOVPN_DCO_RCU_H
#define DCOVPN_DCO_RCU_H

#include <urcu-qsbr.h>
#include <urcu/rcuhlist.h>

/* Start liburcu's call_rcu thread now, before any engine thread (under its
 * seccomp filter) could be the one to create it, and have it filter itself
 * with the engine's list (base/sandbox.h: SANDBOX_HELPER). */
void rcu_engine_prepare(void);

#endif
