/* RTM_GETROUTE for one IPv4 destination, over libmnl. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "daemon/routeget.h"

#define RG_BUF 8192

static int routeget_attr(const struct nlattr *a, void *data)
{
	struct routeget_result *r = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			r->ifindex = (int)mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		if (mnl_attr_get_payload_len(a) == sizeof(r->gw)) {
			memcpy(&r->gw, mnl_attr_get_payload(a), sizeof(r->gw));
			r->has_gw = true;
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int routeget_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(struct rtmsg), routeget_attr, data);
	return MNL_CB_STOP;
}

int routeget4(struct in_addr dst, struct routeget_result *out)
{
	struct timeval tv = { .tv_sec = 5 };
	uint8_t buf[RG_BUF];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct mnl_socket *nl;
	struct rtmsg *rtm;
	ssize_t n;
	int ret;

	memset(out, 0, sizeof(*out));
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	mnl_attr_put(nlh, RTA_DST, sizeof(dst), &dst);
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq,
			 mnl_socket_get_portid(nl), routeget_cb, out);
	ret = ret < 0 ? -errno : (out->ifindex ? 0 : -ENETUNREACH);
out:
	mnl_socket_close(nl);
	return ret;
}
