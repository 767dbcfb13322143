#include "net/netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* Requests and their ACKs are small; one page is plenty. A constant, since
 * MNL_SOCKET_BUFFER_SIZE calls sysconf() and would make a VLA. */
#define NL_BUF_SIZE 8192
/* The kernel answers at once; the bound only guards against a lost ACK. */
#define NL_ACK_TIMEOUT_S 5

static struct mnl_socket *nl_open(void)
{
	struct timeval tv = { .tv_sec = NL_ACK_TIMEOUT_S };
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)) < 0) {
		int err = errno;

		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	return nl;
}

/* Send @nlh with NLM_F_ACK on a fresh socket and return the kernel's answer. */
static int nl_request(struct nlmsghdr *nlh)
{
	uint8_t buf[NL_BUF_SIZE];
	struct mnl_socket *nl;
	unsigned portid;
	int ret;

	nl = nl_open();
	if (!nl)
		return -errno;
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out_close;
	}
	do {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (n < 0) {
			ret = errno == EAGAIN ? -ETIMEDOUT : -errno;
			goto out_close;
		}
		/* The ACK is an NLMSG_ERROR; mnl_cb_run turns a non-zero
		 * error code into -1 with errno set, and 0 into STOP. */
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL);
	} while (ret > 0);
	ret = ret < 0 ? -errno : 0;
out_close:
	mnl_socket_close(nl);
	return ret;
}

int nl_link_set(int ifindex, unsigned mtu, bool up)
{
	uint8_t buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	/* mtu 0 leaves the MTU as it is. */
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_request(nlh);
}

static struct nlmsghdr *nl_addr_msg(uint8_t *buf, bool add, int family,
				    int ifindex, unsigned prefix_len,
				    uint8_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefix_len;
	ifa->ifa_flags = flags;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	return nlh;
}

static uint32_t nl_mask4(unsigned prefix_len)
{
	return prefix_len ? htonl(~0u << (32 - prefix_len)) : 0;
}

static int nl_addr4(bool add, int ifindex, struct in_addr addr,
		    unsigned prefix_len)
{
	uint8_t buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;

	if (prefix_len > 32)
		return -EINVAL;
	nlh = nl_addr_msg(buf, add, AF_INET, ifindex, prefix_len, 0);
	/* IFA_LOCAL is the interface's address, IFA_ADDRESS the prefix's
	 * (equal when not point-to-point), as `ip addr add` sends them. */
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
	/* /31 and /32 have no broadcast address (RFC 3021). */
	if (prefix_len < 31) {
		struct in_addr brd = { addr.s_addr | ~nl_mask4(prefix_len) };

		mnl_attr_put(nlh, IFA_BROADCAST, sizeof(brd), &brd);
	}
	return nl_request(nlh);
}

static int nl_addr6(bool add, int ifindex, const struct in6_addr *addr,
		    unsigned prefix_len)
{
	uint8_t buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;

	if (prefix_len > 128)
		return -EINVAL;
	/* NODAD: a tunnel has no neighbours to collide with, and the address
	 * must be usable at once rather than after DAD's second or so. */
	nlh = nl_addr_msg(buf, add, AF_INET6, ifindex, prefix_len, IFA_F_NODAD);
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(*addr), addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(*addr), addr);
	return nl_request(nlh);
}

int nl_addr_add4(int ifindex, struct in_addr addr, unsigned prefix_len)
{
	return nl_addr4(true, ifindex, addr, prefix_len);
}

int nl_addr_del4(int ifindex, struct in_addr addr, unsigned prefix_len)
{
	return nl_addr4(false, ifindex, addr, prefix_len);
}

int nl_addr_add6(int ifindex, const struct in6_addr *addr, unsigned prefix_len)
{
	return nl_addr6(true, ifindex, addr, prefix_len);
}

int nl_addr_del6(int ifindex, const struct in6_addr *addr, unsigned prefix_len)
{
	return nl_addr6(false, ifindex, addr, prefix_len);
}

/* Clear host bits: the kernel rejects an IPv4 route whose dst has them. */
static void nl_mask_addr(uint8_t *a, size_t size, unsigned prefix_len)
{
	for (size_t i = 0; i < size; i++) {
		unsigned bits = prefix_len > 8 * i ? prefix_len - 8 * (unsigned)i : 0;

		if (bits < 8)
			a[i] &= (uint8_t)(0xff00u >> bits);
	}
}

struct nl_route {
	int cmd;                /* RTM_NEWROUTE or RTM_DELROUTE */
	int family;
	int ifindex;
	const void *dst;
	size_t addr_size;
	unsigned prefix_len;
	const void *gw;         /* NULL: on-link */
	uint32_t table;         /* 0: main */
};

static int nl_route(const struct nl_route *r)
{
	uint8_t buf[NL_BUF_SIZE], dst[16];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	if (r->prefix_len > 8 * r->addr_size)
		return -EINVAL;
	memcpy(dst, r->dst, r->addr_size);
	nl_mask_addr(dst, r->addr_size, r->prefix_len);
	nlh->nlmsg_type = (uint16_t)r->cmd;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)r->family;
	rtm->rtm_dst_len = (uint8_t)r->prefix_len;
	/* ids past 255 only fit the attribute */
	rtm->rtm_table = !r->table ? RT_TABLE_MAIN :
			 r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	if (r->cmd == RTM_NEWROUTE) {
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
		/* What `ip route add` sends: installed by an admin tool. */
		rtm->rtm_protocol = RTPROT_BOOT;
		rtm->rtm_type = RTN_UNICAST;
		rtm->rtm_scope = r->gw || r->family == AF_INET6 ?
				 RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	} else {
		/* NOWHERE and protocol 0 match the route whatever they are. */
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	}
	mnl_attr_put(nlh, RTA_DST, r->addr_size, dst);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->ifindex);
	if (r->gw)
		mnl_attr_put(nlh, RTA_GATEWAY, r->addr_size, r->gw);
	if (r->table)
		mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	return nl_request(nlh);
}

int nl_route_add4(int ifindex, struct in_addr dst, unsigned prefix_len,
		  const struct in_addr *gw)
{
	return nl_route_add4_in(0, ifindex, dst, prefix_len, gw);
}

int nl_route_add6(int ifindex, const struct in6_addr *dst, unsigned prefix_len,
		  const struct in6_addr *gw)
{
	return nl_route_add6_in(0, ifindex, dst, prefix_len, gw);
}

int nl_route_del4(int ifindex, struct in_addr dst, unsigned prefix_len)
{
	return nl_route_del4_in(0, ifindex, dst, prefix_len);
}

int nl_route_del6(int ifindex, const struct in6_addr *dst, unsigned prefix_len)
{
	return nl_route_del6_in(0, ifindex, dst, prefix_len);
}

int nl_route_add4_in(uint32_t table, int ifindex, struct in_addr dst,
		     unsigned prefix_len, const struct in_addr *gw)
{
	struct nl_route r = { RTM_NEWROUTE, AF_INET, ifindex, &dst, sizeof(dst),
			      prefix_len, gw, table };

	return nl_route(&r);
}

int nl_route_add6_in(uint32_t table, int ifindex, const struct in6_addr *dst,
		     unsigned prefix_len, const struct in6_addr *gw)
{
	struct nl_route r = { RTM_NEWROUTE, AF_INET6, ifindex, dst, sizeof(*dst),
			      prefix_len, gw, table };

	return nl_route(&r);
}

int nl_route_del4_in(uint32_t table, int ifindex, struct in_addr dst,
		     unsigned prefix_len)
{
	struct nl_route r = { RTM_DELROUTE, AF_INET, ifindex, &dst, sizeof(dst),
			      prefix_len, NULL, table };

	return nl_route(&r);
}

int nl_route_del6_in(uint32_t table, int ifindex, const struct in6_addr *dst,
		     unsigned prefix_len)
{
	struct nl_route r = { RTM_DELROUTE, AF_INET6, ifindex, dst, sizeof(*dst),
			      prefix_len, NULL, table };

	return nl_route(&r);
}

int netmask_to_prefix(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	uint32_t inv = ~m;

	/* Contiguous iff the inverted mask is 2^k - 1. */
	if (inv & (inv + 1))
		return -EINVAL;
	return __builtin_popcount(m);
}
