/*
 * PUSH_UPDATE from the server to connected clients (management
 * push-update-broad / push-update-cid; ctl/pushupd.h), only to clients
 * that announced IV_PROTO_PUSH_UPDATE, as OpenVPN 2.7 does.
 *
 * Not like 2.7: an update carrying ifconfig or ifconfig-ipv6 is refused.
 * The client's tunnel address is what the server routes to it by, and
 * dcovpn does not move a client to another address while it is connected.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "ctl/keymethod2.h"
#include "ctl/pushupd.h"
#include "daemon/server_int.h"

/* Is every option one a client can take? ifconfig* refused (above). */
static int pushupd_check(const char *opts)
{
	char *copy = strdup(opts), *save = NULL;
	int ret = copy ? 0 : -ENOMEM;

	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && !ret;
	     t = strtok_r(NULL, ",", &save)) {
		struct pushupd_opt o;

		if (pushupd_parse_opt(t, &o)) {
			log_warn("push-update: malformed option '%s'", t);
			ret = -EINVAL;
		} else if (pushupd_is(&o, "ifconfig") ||
			   pushupd_is(&o, "ifconfig-ipv6")) {
			log_warn("push-update: '%s' refused: dcovpn does not "
				 "change a connected client's address", t);
			ret = -EINVAL;
		}
	}
	free(copy);
	return ret;
}

static bool pushupd_supported(const struct srv_client *c)
{
	return c->sess.peer_info &&
	       (km2_peer_info_proto(c->sess.peer_info) & KM2_IV_PROTO_PUSH_UPDATE);
}

/* Send the @n messages in @msgs to @c. 0 or -errno. */
static int pushupd_send(struct srv_client *c, const char *msgs, int n)
{
	for (int i = 0; i < n; i++) {
		int ret = session_send_message(&c->sess, msgs, clock_now_ms());

		if (ret) {
			log_warn("%s PUSH_UPDATE not sent: %s", c->prefix,
				 strerror(-ret));
			return ret;
		}
		server_log_sent(c, msgs);
		msgs += strlen(msgs) + 1;
	}
	return 0;
}

static int pushupd_one(struct server *s, unsigned long cid, const char *msgs,
		       int n, uint32_t *peer_id)
{
	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];

		if (!server_mgmt_listed(c) || c->client_id != cid)
			continue;
		*peer_id = c->peer_id;
		if (!pushupd_supported(c))
			return -EOPNOTSUPP;
		return pushupd_send(c, msgs, n) ? 0 : 1;
	}
	return -ENOENT;
}

static int pushupd_all(struct server *s, const char *msgs, int n)
{
	int count = 0;

	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];

		if (!server_mgmt_listed(c) || !pushupd_supported(c))
			continue;
		if (pushupd_send(c, msgs, n))
			log_warn("ERROR: Peer ID: %u has not been updated",
				 c->peer_id);
		else
			count++;
	}
	return count;
}

int server_push_update(void *ctx, const unsigned long *cid, const char *opts,
		       uint32_t *peer_id)
{
	struct server *s = ctx;
	char *msgs;
	int n, ret;

	ret = pushupd_check(opts);
	if (ret)
		return ret;
	n = pushupd_split(opts, &msgs);
	if (n < 0)
		return n;
	ret = cid ? pushupd_one(s, *cid, msgs, n, peer_id) :
		    pushupd_all(s, msgs, n);
	free(msgs);
	return ret;
}
