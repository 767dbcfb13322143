/* push-peer-info's extra peer-info variables (peerinfo_full.h). */
#include "daemon/peerinfo_full.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

struct pi_buf {
	char *p;
	size_t cap, len;
};

static void pi_add(struct pi_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Whole lines only: one that does not fit is dropped, as OpenVPN's
 * buf_safe check drops it. */
static void pi_add(struct pi_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 1 || (size_t)n >= b->cap - b->len || memchr(b->p + b->len, '\n',
							     (size_t)n - 1))
		b->p[b->len] = '\0';
	else
		b->len += (size_t)n;
}

/* The interface of the IPv4 default route with the lowest metric (what
 * OpenVPN's get_default_gateway finds), from /proc/net/route. */
static int default_route_if(char *ifname, size_t cap)
{
	char line[256], name[64];
	unsigned long dst, mask, best = (unsigned long)-1;
	unsigned flags, metric;
	FILE *f = fopen("/proc/net/route", "re");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lx %*x %x %*d %*d %u %lx", name, &dst,
			   &flags, &metric, &mask) == 5 &&
		    !dst && !mask && (flags & 1) && metric < best) {
			best = metric;
			snprintf(ifname, cap, "%s", name);
			found = 0;
		}
	fclose(f);
	return found;
}

static void add_hwaddr(struct pi_buf *b)
{
	char ifname[64], path[128], mac[32] = "";
	FILE *f;

	if (default_route_if(ifname, sizeof(ifname)))
		return;
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(mac, sizeof(mac), f))
		mac[strcspn(mac, "\n")] = '\0';
	fclose(f);
	/* a tun device has no link-layer address */
	if (strlen(mac) == 17 && strcmp(mac, "00:00:00:00:00:00"))
		pi_add(b, "IV_HWADDR=%s\n", mac);
}

static bool passed_on(const char *name)
{
	return !strncmp(name, "UV_", 3) || !strcmp(name, "IV_PLAT_VER") ||
	       !strcmp(name, "IV_GUI_VER") || !strcmp(name, "IV_SSO");
}

void peerinfo_full(const struct options *o, char *buf, size_t cap)
{
	struct pi_buf b = { buf, cap, 0 };

	if (!cap)
		return;
	buf[0] = '\0';
	add_hwaddr(&b);
	pi_add(&b, "IV_SSL=%s\n", OpenSSL_version(OPENSSL_VERSION));
	for (size_t i = 0; i < o->setenv.n; i++)
		if (passed_on(o->setenv.v[i].name))
			pi_add(&b, "%s=%s\n", o->setenv.v[i].name,
			       o->setenv.v[i].value);
}
