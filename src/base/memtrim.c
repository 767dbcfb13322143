/* malloc_trim after clients leave: see memtrim.h for why. */
#include "base/memtrim.h"

#include <malloc.h>

#include "base/clock.h"
#include "base/log.h"

int mem_trim_tick(struct mem_trim *t, uint64_t now, uint64_t *next)
{
	struct mallinfo2 mi;
	uint64_t t0;

	if (!t->freed)
		return 0;
	if (now < t->next_ms) {
		if (next && t->next_ms < *next)
			*next = t->next_ms;
		return 0;
	}
	t0 = clock_now_ms();
	malloc_trim(0);
	mi = mallinfo2();
	t->freed = 0;
	t->runs++;
	t->next_ms = now + MEM_TRIM_INTERVAL_MS;
	/* the heap's own figures: in use (uordblks) is what a leak would
	 * grow; free (fordblks) is fragmentation, now no longer resident
	 * where it spans whole pages */
	log_msg(LOG_DEBUG, "memory: heap %zu kB in use, %zu kB free (trimmed "
		"in %llu ms)", mi.uordblks / 1024, mi.fordblks / 1024,
		(unsigned long long)(clock_now_ms() - t0));
	return 1;
}
