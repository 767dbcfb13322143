/* Raise RLIMIT_NOFILE's soft limit to the hard limit. See fdlimit.h. */
#include <errno.h>
#include <sys/resource.h>

#include "base/fdlimit.h"

long fdlimit_raise(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return -errno;
	if (r.rlim_cur != r.rlim_max) {
		rlim_t was = r.rlim_cur;

		r.rlim_cur = r.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &r) < 0)
			r.rlim_cur = was;
	}
	return r.rlim_cur == RLIM_INFINITY || r.rlim_cur > (rlim_t)0x7fffffff ?
	       0x7fffffffL : (long)r.rlim_cur;
}
