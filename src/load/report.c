/* Connect-time percentiles and the server's /proc figures. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/report.h"

void lat_add(struct lat *l, uint64_t ms)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		uint32_t *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return;         /* a sample lost, the run goes on */
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

uint32_t lat_pct(struct lat *l, unsigned pct)
{
	size_t rank;

	if (!l->n)
		return 0;
	qsort(l->v, l->n, sizeof(*l->v), cmp_u32);
	rank = (l->n * pct + 99) / 100;
	return l->v[rank ? rank - 1 : 0];
}

void lat_free(struct lat *l)
{
	free(l->v);
	*l = (struct lat){ 0 };
}

static long read_rss(int pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long count_fds(int pid)
{
	char path[64];
	struct dirent *e;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* utime and stime, fields 14 and 15 of /proc/PID/stat, counted after
 * the command name's closing parenthesis (the name may hold anything). */
static long read_cpu_ms(int pid)
{
	unsigned long long ut, st;
	char path[64], line[1024], *p;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	if (!p || hz <= 0 ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &ut, &st) != 2)
		return -1;
	return (long)((ut + st) * 1000ull / (unsigned long long)hz);
}

void proc_sample(int pid, struct proc_sample *out)
{
	out->rss_kb = pid > 0 ? read_rss(pid) : -1;
	out->fds = pid > 0 ? count_fds(pid) : -1;
	out->cpu_ms = pid > 0 ? read_cpu_ms(pid) : -1;
}
