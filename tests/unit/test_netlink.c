/*
 * Netlink configuration and the tun device, checked against what the kernel
 * reports, in a private network namespace (needs root; skipped otherwise).
 * Addresses: 198.18.7.0/24 and fd00:7::/64 on the tun, routes to
 * 198.19.7.0/24 and fd00:77::/64 through it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "io/tun.h"
#include "io/udp.h"
#include "io/vnet.h"
#include "net/netlink.h"

#define TUN_MTU 1400u
#define WAIT_MS 2000u
#define PORT_LOCAL 4242u
#define PORT_REMOTE 4000u

struct ns_state {
	bool ok;                /* own namespace with the tun configured */
	struct tun tun;
	struct pkt_pool pool;
};

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void need_ns(void **state)
{
	struct ns_state *st = *state;

	if (!st->ok)
		skip();
}

/* ---- namespace and device setup --------------------------------------- */

static int group_setup(void **state)
{
	static struct ns_state st;
	struct in6_addr a6 = ip6("fd00:7::1");

	*state = &st;
	st.tun.fd = -1;
	if (pkt_pool_init(&st.pool, 16))
		return -1;
	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		print_message("not root or no namespaces: skipping\n");
		return 0;
	}
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		print_message("no /dev/net/tun: skipping\n");
		return 0;
	}
	/* From here on a failure is the code's, not the environment's. */
	if (tun_open(&st.tun, "iot%d") < 0)
		return -1;
	/* lo too, for local delivery in the fresh namespace; mtu 0 keeps it. */
	if (nl_link_set(1, 0, true) || nl_link_set(st.tun.ifindex, TUN_MTU, true) ||
	    nl_addr_add4(st.tun.ifindex, ip4("198.18.7.1"), 24) ||
	    nl_addr_add6(st.tun.ifindex, &a6, 64))
		return -1;
	st.ok = true;
	return 0;
}

static int group_teardown(void **state)
{
	struct ns_state *st = *state;

	tun_close(&st->tun);
	pkt_pool_free(&st->pool);
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += load_be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv4 header (20 bytes) at @p for @plen payload bytes of @proto. */
static void build_ip4(uint8_t *p, uint8_t proto, size_t plen,
		      const char *src, const char *dst)
{
	struct in_addr s = ip4(src), d = ip4(dst);

	memset(p, 0, 20);
	p[0] = 0x45;
	store_be16(p + 2, (uint16_t)(20 + plen));
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &d, 4);
	store_be16(p + 10, csum_fold(csum_add(0, p, 20)));
}

/* An IPv6 header (40 bytes) at @p; the pseudo-header sum goes to *@sum. */
static void build_ip6(uint8_t *p, uint8_t proto, size_t plen,
		      const char *src, const char *dst, uint32_t *sum)
{
	struct in6_addr s = ip6(src), d = ip6(dst);

	memset(p, 0, 40);
	p[0] = 0x60;
	store_be16(p + 4, (uint16_t)plen);
	p[6] = proto;
	p[7] = 64;
	memcpy(p + 8, &s, 16);
	memcpy(p + 24, &d, 16);
	*sum = csum_add(0, p + 8, 32) + (uint32_t)plen + proto;
}

static void build_udp(uint8_t *u, const char *msg, uint32_t pseudo_sum)
{
	size_t len = 8 + strlen(msg);

	store_be16(u, PORT_REMOTE);
	store_be16(u + 2, PORT_LOCAL);
	store_be16(u + 4, (uint16_t)len);
	store_be16(u + 6, 0);
	memcpy(u + 8, msg, strlen(msg));
	store_be16(u + 6, csum_fold(csum_add(pseudo_sum, u, len)));
}

/* An IPv4 or IPv6 UDP packet from the far side of the tun to us. */
static void build_udp_pkt(struct pkt *p, int family, const char *msg)
{
	size_t plen = 8 + strlen(msg);
	uint32_t sum = 0;

	pkt_reset(p);
	if (family == AF_INET) {
		build_ip4(p->data, IPPROTO_UDP, plen, "198.18.7.2", "198.18.7.1");
		/* UDP over IPv4 may omit the checksum. */
		build_udp(p->data + 20, msg, 0);
		store_be16(p->data + 26, 0);
		p->len = (uint32_t)(20 + plen);
	} else {
		build_ip6(p->data, IPPROTO_UDP, plen, "fd00:7::2", "fd00:7::1", &sum);
		build_udp(p->data + 40, msg, sum);
		p->len = (uint32_t)(40 + plen);
	}
}

static int udp_bound(int family)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(PORT_LOCAL);
		s4->sin_addr = ip4("198.18.7.1");
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(PORT_LOCAL);
		s6->sin6_addr = ip6("fd00:7::1");
		len = sizeof(*s6);
	}
	assert_return_code(bind(fd, (struct sockaddr *)&ss, len), errno);
	return fd;
}

static void send_udp_to(const char *dst, const char *msg)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (strchr(dst, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(9999);
		s6->sin6_addr = ip6(dst);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(9999);
		s4->sin_addr = ip4(dst);
		len = sizeof(*s4);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&ss, len),
			 (ssize_t)strlen(msg));
	close(fd);
}

/* Payload of @p if it is a UDP packet to @dst, else NULL. */
static const uint8_t *udp_payload_to(const struct pkt *p, const char *dst,
				     size_t *plen)
{
	const uint8_t *d = p->data;

	if (!strchr(dst, ':')) {
		struct in_addr a = ip4(dst);

		if (p->len < 28 || d[0] >> 4 != 4 || d[9] != IPPROTO_UDP ||
		    memcmp(d + 16, &a, 4))
			return NULL;
		*plen = p->len - 28;
		return d + 28;
	}
	struct in6_addr a = ip6(dst);

	if (p->len < 48 || d[0] >> 4 != 6 || d[6] != IPPROTO_UDP ||
	    memcmp(d + 24, &a, 16))
		return NULL;
	*plen = p->len - 48;
	return d + 48;
}

/*
 * Read from the tun until @want UDP packets to @dst with payload @msg came
 * out (other traffic, e.g. IPv6 router solicitations, is skipped). Returns
 * the largest batch one tun_read_batch call returned.
 */
static int tun_expect(struct ns_state *st, const char *dst, const char *msg,
		      int want)
{
	uint64_t deadline = clock_now_ms() + WAIT_MS;
	int got = 0, max_batch = 0;

	while (got < want) {
		struct pollfd pfd = { .fd = st->tun.fd, .events = POLLIN };
		int n;

		assert_true(clock_now_ms() < deadline);
		(void)poll(&pfd, 1, 100);
		for (unsigned i = 0; i < st->pool.count; i++)
			pkt_reset(&st->pool.pkts[i]);
		n = tun_read_batch(&st->tun, st->pool.pkts, st->pool.count);
		if (n == -EAGAIN)
			continue;
		assert_true(n > 0);
		max_batch = n > max_batch ? n : max_batch;
		for (int i = 0; i < n; i++) {
			size_t plen;
			const uint8_t *pl = udp_payload_to(&st->pool.pkts[i], dst, &plen);

			if (pl && plen == strlen(msg) && !memcmp(pl, msg, plen))
				got++;
		}
	}
	return max_batch;
}

static void recv_expect(int fd, const char *msg, const char *from)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[256], host[INET6_ADDRSTRLEN];
	ssize_t n;

	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&ss, &len);
	assert_int_equal(n, (ssize_t)strlen(msg));
	assert_memory_equal(buf, msg, strlen(msg));
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		assert_int_equal(ntohs(s4->sin_port), PORT_REMOTE);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		assert_int_equal(ntohs(s6->sin6_port), PORT_REMOTE);
	}
	assert_string_equal(host, from);
}

/* ---- netmask_to_prefix -------------------------------------------------- */

static void test_netmask_good(void **state)
{
	(void)state;
	assert_int_equal(netmask_to_prefix(ip4("0.0.0.0")), 0);
	assert_int_equal(netmask_to_prefix(ip4("128.0.0.0")), 1);
	assert_int_equal(netmask_to_prefix(ip4("255.0.0.0")), 8);
	assert_int_equal(netmask_to_prefix(ip4("255.255.240.0")), 20);
	assert_int_equal(netmask_to_prefix(ip4("255.255.255.0")), 24);
	assert_int_equal(netmask_to_prefix(ip4("255.255.255.254")), 31);
	assert_int_equal(netmask_to_prefix(ip4("255.255.255.255")), 32);
}

static void test_netmask_bad(void **state)
{
	(void)state;
	assert_int_equal(netmask_to_prefix(ip4("255.0.255.0")), -EINVAL);
	assert_int_equal(netmask_to_prefix(ip4("0.255.255.255")), -EINVAL);
	assert_int_equal(netmask_to_prefix(ip4("255.255.255.253")), -EINVAL);
	assert_int_equal(netmask_to_prefix(ip4("0.0.0.1")), -EINVAL);
	assert_int_equal(netmask_to_prefix(ip4("254.255.255.255")), -EINVAL);
	assert_int_equal(netmask_to_prefix(ip4("255.255.0.128")), -EINVAL);
}

/* ---- tun and link -------------------------------------------------------- */

static void test_tun_open(void **state)
{
	struct ns_state *st = *state;
	struct tun t;

	need_ns(state);
	assert_memory_equal(st->tun.name, "iot", 3);
	assert_true(st->tun.ifindex > 0);
	assert_int_equal(st->tun.ifindex, (int)if_nametoindex(st->tun.name));
	assert_int_equal(tun_open(&t, "a-name-much-too-long"), -ENAMETOOLONG);
	assert_int_equal(t.fd, -1);
	/* Single-queue: a device already attached cannot be attached twice. */
	assert_int_equal(tun_open(&t, st->tun.name), -EBUSY);
	assert_int_equal(t.fd, -1);
}

static bool link_is(int fd, const char *name, unsigned mtu, bool up)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, IFNAMSIZ);
	assert_return_code(ioctl(fd, SIOCGIFMTU, &ifr), errno);
	if ((unsigned)ifr.ifr_mtu != mtu)
		return false;
	assert_return_code(ioctl(fd, SIOCGIFFLAGS, &ifr), errno);
	return !!(ifr.ifr_flags & IFF_UP) == up;
}

static void test_link_mtu_up(void **state)
{
	struct ns_state *st = *state;
	struct tun t;
	int fd;

	need_ns(state);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_true(link_is(fd, st->tun.name, TUN_MTU, true));

	/* A second device (taking it down would flush the first one's IPv6
	 * address): up, MTU, down again. */
	assert_int_equal(tun_open(&t, "dco%d"), 0);
	assert_string_equal(t.name, "dco0");
	assert_true(link_is(fd, t.name, 1500, false));
	assert_int_equal(nl_link_set(t.ifindex, 1300, true), 0);
	assert_true(link_is(fd, t.name, 1300, true));
	assert_int_equal(nl_link_set(t.ifindex, 0, false), 0);
	assert_true(link_is(fd, t.name, 1300, false));
	/* The kernel's refusals come back as -errno. */
	assert_int_equal(nl_link_set(t.ifindex, 20, true), -EINVAL);
	tun_close(&t);
	assert_int_equal(nl_link_set(9999, 1400, true), -ENODEV);
	close(fd);
}

/* ---- addresses ------------------------------------------------------------ */

static bool have_addr(const char *ifname, int family, const char *addr,
		      const char *mask)
{
	struct ifaddrs *ifa_list, *ifa;
	char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
	bool found = false;

	assert_return_code(getifaddrs(&ifa_list), errno);
	for (ifa = ifa_list; ifa && !found; ifa = ifa->ifa_next) {
		const void *ap, *mp;

		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != family ||
		    strcmp(ifa->ifa_name, ifname))
			continue;
		if (family == AF_INET) {
			ap = &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
			mp = &((struct sockaddr_in *)ifa->ifa_netmask)->sin_addr;
		} else {
			ap = &((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
			mp = &((struct sockaddr_in6 *)ifa->ifa_netmask)->sin6_addr;
		}
		inet_ntop(family, ap, a, sizeof(a));
		inet_ntop(family, mp, m, sizeof(m));
		found = !strcmp(a, addr) && !strcmp(m, mask);
	}
	freeifaddrs(ifa_list);
	return found;
}

static void test_addr_present(void **state)
{
	struct ns_state *st = *state;
	struct in6_addr a6 = ip6("fd00:7::1");

	need_ns(state);
	assert_true(have_addr(st->tun.name, AF_INET, "198.18.7.1", "255.255.255.0"));
	assert_true(have_addr(st->tun.name, AF_INET6, "fd00:7::1", "ffff:ffff:ffff:ffff::"));
	assert_false(have_addr(st->tun.name, AF_INET, "198.18.7.9", "255.255.255.0"));
	/* A second add of the same address is the kernel's EEXIST. */
	assert_int_equal(nl_addr_add4(st->tun.ifindex, ip4("198.18.7.1"), 24), -EEXIST);
	assert_int_equal(nl_addr_add6(st->tun.ifindex, &a6, 64), -EEXIST);
	assert_int_equal(nl_addr_add4(st->tun.ifindex, ip4("198.18.7.1"), 33), -EINVAL);
	assert_int_equal(nl_addr_add4(9999, ip4("198.18.9.1"), 24), -ENODEV);
}

static void test_addr_point_to_point(void **state)
{
	struct ns_state *st = *state;

	need_ns(state);
	/* /32: no broadcast address is derived. */
	assert_int_equal(nl_addr_add4(st->tun.ifindex, ip4("198.18.6.1"), 32), 0);
	assert_true(have_addr(st->tun.name, AF_INET, "198.18.6.1", "255.255.255.255"));
}

/* ---- routes ---------------------------------------------------------------- */

/* Is there an IPv4 route @dst/@mask (gw @gw, "0.0.0.0" for none) on @ifname? */
static bool have_route4(const char *ifname, const char *dst, const char *mask,
			const char *gw)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], name[IFNAMSIZ + 1];
	unsigned d, g, m, flags;
	bool found = false;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%16s %x %x %x %*d %*d %*d %x", name, &d, &g, &flags,
			   &m) != 5)
			continue;
		found = !strcmp(name, ifname) && d == ip4(dst).s_addr &&
			m == ip4(mask).s_addr && g == ip4(gw).s_addr;
	}
	fclose(f);
	return found;
}

/* Is there an IPv6 route @hexdst/@plen on @ifname? (/proc/net/ipv6_route) */
static bool have_route6(const char *ifname, const char *hexdst, unsigned plen)
{
	FILE *f = fopen("/proc/net/ipv6_route", "r");
	char line[512], dst[33], name[IFNAMSIZ + 1];
	unsigned len;
	bool found = false;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%32s %x %*s %*s %*s %*s %*s %*s %*s %16s", dst, &len,
			   name) != 3)
			continue;
		found = !strcmp(dst, hexdst) && len == plen && !strcmp(name, ifname);
	}
	fclose(f);
	return found;
}

static void test_route4(void **state)
{
	struct ns_state *st = *state;
	struct in_addr gw = ip4("198.18.7.2");
	int idx = st->tun.ifindex;

	need_ns(state);
	/* Host bits in the destination are cleared, as the kernel wants. */
	assert_int_equal(nl_route_add4(idx, ip4("198.19.7.9"), 24, NULL), 0);
	assert_true(have_route4(st->tun.name, "198.19.7.0", "255.255.255.0", "0.0.0.0"));
	assert_int_equal(nl_route_add4(idx, ip4("198.19.7.0"), 24, NULL), -EEXIST);
	assert_int_equal(nl_route_add4(idx, ip4("198.19.8.0"), 23, &gw), 0);
	assert_true(have_route4(st->tun.name, "198.19.8.0", "255.255.254.0", "198.18.7.2"));
	assert_int_equal(nl_route_del4(idx, ip4("198.19.8.0"), 23), 0);
	assert_false(have_route4(st->tun.name, "198.19.8.0", "255.255.254.0", "198.18.7.2"));
	assert_int_equal(nl_route_del4(idx, ip4("198.19.8.0"), 23), -ESRCH);
	assert_int_equal(nl_route_add4(idx, ip4("198.19.8.0"), 33, NULL), -EINVAL);
}

static void test_route6(void **state)
{
	struct ns_state *st = *state;
	struct in6_addr dst = ip6("fd00:77::1"), net2 = ip6("fd00:78::");
	struct in6_addr gw = ip6("fd00:7::2");
	int idx = st->tun.ifindex;

	need_ns(state);
	assert_int_equal(nl_route_add6(idx, &dst, 64, NULL), 0);
	assert_true(have_route6(st->tun.name, "fd000077000000000000000000000000", 64));
	assert_int_equal(nl_route_add6(idx, &net2, 48, &gw), 0);
	assert_true(have_route6(st->tun.name, "fd000078000000000000000000000000", 48));
	assert_int_equal(nl_route_del6(idx, &net2, 48), 0);
	assert_false(have_route6(st->tun.name, "fd000078000000000000000000000000", 48));
	assert_int_equal(nl_route_del6(idx, &net2, 48), -ESRCH);
	assert_int_equal(nl_route_add6(idx, &net2, 129, NULL), -EINVAL);
}

/* ---- packets through the tun ----------------------------------------------- */

/* Runs after test_route4/6: their on-link routes lead into the tun. */
static void test_tun_read(void **state)
{
	struct ns_state *st = *state;

	need_ns(state);
	send_udp_to("198.19.7.5", "to-the-tun-v4");
	tun_expect(st, "198.19.7.5", "to-the-tun-v4", 1);
	send_udp_to("fd00:77::5", "to-the-tun-v6");
	tun_expect(st, "fd00:77::5", "to-the-tun-v6", 1);
	/* Also to a peer address in the interface's own prefix. */
	send_udp_to("198.18.7.2", "on-link");
	tun_expect(st, "198.18.7.2", "on-link", 1);
}

static void test_tun_read_batch(void **state)
{
	struct ns_state *st = *state;

	need_ns(state);
	for (int i = 0; i < 5; i++)
		send_udp_to("198.19.7.5", "batched");
	/* All five were queued before the first read: one call takes them. */
	assert_true(tun_expect(st, "198.19.7.5", "batched", 5) >= 5);
}

static void test_tun_read_empty(void **state)
{
	struct ns_state *st = *state;
	int n;

	need_ns(state);
	/* Drain whatever the kernel sent on its own, then expect EAGAIN. */
	for (int i = 0; i < 100; i++) {
		pkt_reset(&st->pool.pkts[0]);
		n = tun_read_batch(&st->tun, st->pool.pkts, 1);
		if (n == -EAGAIN)
			break;
		assert_int_equal(n, 1);
	}
	assert_int_equal(n, -EAGAIN);
}

static void test_tun_write_udp(void **state)
{
	struct ns_state *st = *state;
	struct pkt *p = st->pool.pkts;
	int fd4, fd6;

	need_ns(state);
	fd4 = udp_bound(AF_INET);
	fd6 = udp_bound(AF_INET6);
	build_udp_pkt(&p[0], AF_INET, "from-the-tun-v4");
	/* A packet that is neither IPv4 nor IPv6 is refused and skipped. */
	pkt_reset(&p[1]);
	memset(p[1].data, 0, 40);
	p[1].len = 40;
	build_udp_pkt(&p[2], AF_INET6, "from-the-tun-v6");
	assert_int_equal(tun_write_batch(&st->tun, p, 3), 2);
	recv_expect(fd4, "from-the-tun-v4", "198.18.7.2");
	recv_expect(fd6, "from-the-tun-v6", "fd00:7::2");
	/* Only bad packets: the error itself. */
	assert_int_equal(tun_write_batch(&st->tun, &p[1], 1), -EINVAL);
	close(fd4);
	close(fd6);
}

/* An ICMP echo request written into the tun comes back out as a reply. */
static void test_tun_write_ping(void **state)
{
	struct ns_state *st = *state;
	struct pkt *p = st->pool.pkts;
	uint64_t deadline = clock_now_ms() + WAIT_MS;
	uint8_t *icmp;
	bool replied = false;

	need_ns(state);
	pkt_reset(p);
	build_ip4(p->data, IPPROTO_ICMP, 16, "198.18.7.2", "198.18.7.1");
	icmp = p->data + 20;
	memset(icmp, 0, 16);
	icmp[0] = 8;                             /* echo request */
	store_be16(icmp + 4, 0x1234);            /* identifier */
	store_be16(icmp + 6, 7);                 /* sequence */
	memcpy(icmp + 8, "pingdata", 8);
	store_be16(icmp + 2, csum_fold(csum_add(0, icmp, 16)));
	p->len = 36;
	assert_int_equal(tun_write_batch(&st->tun, p, 1), 1);

	while (!replied) {
		struct pollfd pfd = { .fd = st->tun.fd, .events = POLLIN };
		int n;

		assert_true(clock_now_ms() < deadline);
		(void)poll(&pfd, 1, 100);
		for (unsigned i = 0; i < st->pool.count; i++)
			pkt_reset(&st->pool.pkts[i]);
		n = tun_read_batch(&st->tun, st->pool.pkts, st->pool.count);
		for (int i = 0; i < n; i++) {
			const uint8_t *d = st->pool.pkts[i].data;

			replied |= st->pool.pkts[i].len == 36 && d[0] == 0x45 &&
				   d[9] == IPPROTO_ICMP && d[20] == 0 &&
				   load_be16(d + 24) == 0x1234 &&
				   !memcmp(d + 28, "pingdata", 8);
		}
	}
}

static void test_route_del_unreachable(void **state)
{
	struct ns_state *st = *state;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd;

	need_ns(state);
	assert_int_equal(nl_route_del4(st->tun.ifindex, ip4("198.19.7.0"), 24), 0);
	assert_false(have_route4(st->tun.name, "198.19.7.0", "255.255.255.0", "0.0.0.0"));
	/* No default route in this namespace: nowhere to send it now. */
	sin.sin_addr = ip4("198.19.7.5");
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(errno, ENETUNREACH);
	close(fd);
}

/* ---- dual-stack sockets whatever the system default ------------------------ */

static void write_sysctl(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(val, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* With net.ipv6.bindv6only=1 (this namespace only), a :: socket from
 * udp_open still takes IPv4. */
static void test_udp_dual_stack_v6only(void **state)
{
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in to = { .sin_family = AF_INET };
	socklen_t len = sizeof(any6);
	struct ns_state *st = *state;
	int fd6, fd4;

	need_ns(state);
	write_sysctl("/proc/sys/net/ipv6/bindv6only", "1");
	fd6 = udp_open((struct sockaddr *)&any6, sizeof(any6));
	assert_true(fd6 >= 0);
	assert_return_code(getsockname(fd6, (struct sockaddr *)&any6, &len), errno);
	to.sin_port = any6.sin6_port;
	to.sin_addr = ip4("198.18.7.1");
	fd4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(sendto(fd4, "v4", 2, 0, (struct sockaddr *)&to, sizeof(to)), 2);
	{
		struct pollfd pfd = { .fd = fd6, .events = POLLIN };

		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	}
	pkt_reset(&st->pool.pkts[0]);
	assert_int_equal(udp_recv_batch(fd6, st->pool.pkts, 1), 1);
	assert_int_equal(st->pool.pkts[0].len, 2);
	write_sysctl("/proc/sys/net/ipv6/bindv6only", "0");
	close(fd4);
	close(fd6);
}

/* ---- offloads ------------------------------------------------------------ */

/* @n datagrams from one UDP socket to @dst:9999 in one GSO batch. */
static int gso_send(struct ns_state *st, const char *dst, unsigned n, bool *gso)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9999) };
	struct sockaddr_in any = { .sin_family = AF_INET };
	int fd = udp_open((struct sockaddr *)&any, sizeof(any)), sent;
	unsigned failed = 0;

	assert_true(fd >= 0);
	sin.sin_addr = ip4(dst);
	for (unsigned i = 0; i < n; i++) {
		struct pkt *p = &st->pool.pkts[i];

		pkt_reset(p);
		p->len = i == n - 1 ? 300 : 1000;
		memset(p->data, 'a' + (int)i, p->len);
		memcpy(&p->addr, &sin, sizeof(sin));
		p->addrlen = sizeof(sin);
		p->sock = fd;
	}
	sent = udp_send_batch_gso(fd, st->pool.pkts, n, &failed, gso);
	assert_int_equal(failed, 0);
	close(fd);
	return sent;
}

/* Read from @t until a packet for UDP port 9999 shows up (bounded). */
static struct pkt *read_udp9999(struct ns_state *st, struct tun *t, size_t hdr)
{
	uint64_t deadline = clock_now_ms() + WAIT_MS;

	for (;;) {
		struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
		int n;

		assert_true(clock_now_ms() < deadline);
		(void)poll(&pfd, 1, 100);
		for (unsigned i = 0; i < st->pool.count; i++)
			pkt_reset(&st->pool.pkts[i]);
		n = tun_read_batch(t, st->pool.pkts, 1);
		if (n == -EAGAIN)
			continue;
		assert_int_equal(n, 1);
		const uint8_t *d = st->pool.pkts[0].data + hdr;

		if (st->pool.pkts[0].len >= hdr + 28 && d[0] == 0x45 &&
		    d[9] == IPPROTO_UDP && load_be16(d + 22) == 9999)
			return &st->pool.pkts[0];
	}
}

/* A plain tun gets a GSO batch as separate datagrams (the kernel segments
 * it in software), whole and in order. */
static void test_gso_plain_tun(void **state)
{
	struct ns_state *st = *state;
	bool gso = true;

	need_ns(state);
	assert_int_equal(gso_send(st, "198.18.7.2", 4, &gso), 4);
	for (unsigned i = 0; i < 4; i++) {
		struct pkt *p = read_udp9999(st, &st->tun, 0);

		assert_int_equal(p->len, 28 + (i == 3 ? 300 : 1000));
		assert_int_equal(p->data[28], 'a' + i);
	}
}

/* An offload tun hands over the same batch as one USO super-packet behind
 * a virtio-net header, and takes packets with such a header. */
static void test_tun_offload(void **state)
{
	struct ns_state *st = *state;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(PORT_LOCAL) };
	struct tun t;
	struct pkt *p;
	uint16_t gso_size;
	bool offload = false, gso = true;
	int fd;

	need_ns(state);
	assert_int_equal(tun_open_offload(&t, "iov%d", true, &offload), 0);
	assert_true(offload);
	assert_int_equal(nl_link_set(t.ifindex, TUN_MTU, true), 0);
	assert_int_equal(nl_addr_add4(t.ifindex, ip4("198.18.9.1"), 24), 0);

	assert_int_equal(gso_send(st, "198.18.9.2", 4, &gso), 4);
	assert_true(gso);
	p = read_udp9999(st, &t, VNET_HDR_LEN);
	assert_int_equal(p->data[1] & ~VNET_GSO_ECN, VNET_GSO_UDP_L4);
	memcpy(&gso_size, p->data + 4, 2);
	assert_int_equal(gso_size, 1000);
	assert_int_equal(p->len, VNET_HDR_LEN + 28 + 3 * 1000 + 300);

	/* Writing: a plain packet behind an all-zero header. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sin.sin_addr = ip4("198.18.9.1");
	assert_return_code(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), errno);
	p = &st->pool.pkts[0];
	pkt_reset(p);
	build_ip4(p->data, IPPROTO_UDP, 8 + 7, "198.18.9.2", "198.18.9.1");
	build_udp(p->data + 20, "vnethdr", 0);
	store_be16(p->data + 26, 0);
	p->len = 20 + 8 + 7;
	memset(pkt_push(p, VNET_HDR_LEN), 0, VNET_HDR_LEN);
	assert_int_equal(tun_write_batch(&t, p, 1), 1);
	recv_expect(fd, "vnethdr", "198.18.9.2");
	close(fd);
	tun_close(&t);

	/* Not wanted: a plain device. */
	assert_int_equal(tun_open_offload(&t, "iov%d", false, &offload), 0);
	assert_false(offload);
	tun_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netmask_good),
		cmocka_unit_test(test_netmask_bad),
		cmocka_unit_test(test_tun_open),
		cmocka_unit_test(test_link_mtu_up),
		cmocka_unit_test(test_addr_present),
		cmocka_unit_test(test_addr_point_to_point),
		cmocka_unit_test(test_route4),
		cmocka_unit_test(test_route6),
		cmocka_unit_test(test_tun_read),
		cmocka_unit_test(test_tun_read_batch),
		cmocka_unit_test(test_tun_read_empty),
		cmocka_unit_test(test_tun_write_udp),
		cmocka_unit_test(test_tun_write_ping),
		cmocka_unit_test(test_route_del_unreachable),
		cmocka_unit_test(test_udp_dual_stack_v6only),
		cmocka_unit_test(test_gso_plain_tun),
		cmocka_unit_test(test_tun_offload),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
