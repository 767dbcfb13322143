/* Giving the heap's free pages back to the kernel after clients leave.
 *
 * glibc returns freed memory to the kernel only from the top of the heap;
 * a server whose clients come and go frees memory in the middle (a
 * client's TLS session, keys, buffers) while newer clients hold the top,
 * so RSS kept the high-water mark of every churn (measured: +6 to +8 MB
 * per 1,000 connect/disconnect cycles at 1,000 clients, with the heap's
 * bytes in use unchanged). malloc_trim(0) releases the whole free pages
 * of every arena (MADV_DONTNEED); it is run from the event loop's tick,
 * at most every MEM_TRIM_INTERVAL_MS and only when clients were freed
 * since the last one, so an idle or stable server never pays for it.
 */
#ifndef DCOVPN_BASE_MEMTRIM_H
#define DCOVPN_BASE_MEMTRIM_H

#include <stdint.h>

#define MEM_TRIM_INTERVAL_MS 2000u

struct mem_trim {
	uint64_t next_ms;  /* not before then */
	unsigned freed;    /* objects freed since the last trim */
	unsigned runs;     /* trims done (logged, tested) */
};

/* Something sizeable (a client) was freed: a trim is worth doing. */
static inline void mem_trim_note(struct mem_trim *t)
{
	t->freed++;
}

/* From a periodic tick at @now (ms): trims if due; lowers *@next to when
 * the next one could run, if one is pending. Returns 1 if it trimmed. */
int mem_trim_tick(struct mem_trim *t, uint64_t now, uint64_t *next);

#endif
