/*
 * CLIENT_CONNECT plugins on the server, as OpenVPN 2.6 calls them: v1
 * (CLIENT_CONNECT, argv[1] a file for options; client_connect_config_file
 * and client_connect_deferred_file in the environment) then v2
 * (CLIENT_CONNECT_V2, options returned as "config"). Either may defer:
 * v1 by returning DEFERRED or writing '2' to the deferred file, then the
 * file decides ('1' in, '0' out) and CLIENT_CONNECT_DEFER is called at
 * each poll; v2 by returning DEFERRED, then CLIENT_CONNECT_DEFER_V2 is
 * called at each poll until it answers. Bounded by hand-window.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openvpn/openvpn-plugin.h>

#include "base/clock.h"
#include "base/log.h"
#include "daemon/scriptfile.h"
#include "daemon/server_int.h"

#define CC_POLL_MS 200u

enum cc_stage { CC_V1, CC_V2, CC_DONE };

struct plugin_cc {
	enum cc_stage stage;
	bool deferred;               /* polled by the tick */
	char *ccf, *ccr;             /* config file, deferred-result file */
	struct options *co;
	server_plugin_cc_done done;
	uint64_t deadline_ms, next_ms;
};

static bool wants(const struct srv_client *c, int type)
{
	return plugin_host_wants(&c->srv->plugins, type);
}

static void cc_free(struct plugin_cc *cc)
{
	if (!cc)
		return;
	scriptfile_drop(&cc->ccf);
	scriptfile_drop(&cc->ccr);
	free(cc);
}

void server_plugin_cc_free(struct srv_client *c)
{
	cc_free(c->pcc);
	c->pcc = NULL;
}

/* Options from a file, as a ccd file is read. */
static int cc_config_file(struct srv_client *c, const char *path)
{
	char err[OPT_ERR_LEN];
	struct stat st;

	if (!path || stat(path, &st) || st.st_size == 0)
		return 0;
	if (options_parse_ccd(c->pcc->co, path, err, sizeof(err))) {
		log_err("%s client-connect plugin: %s", c->prefix, err);
		return -EINVAL;
	}
	return 0;
}

/* Options returned as text (v2's "config"). */
static int cc_config_text(struct srv_client *c, char *config)
{
	char path[PATH_MAX];
	int fd, ret = 0;
	size_t len = config ? strlen(config) : 0;

	if (len) {
		fd = server_script_tmpfile(c, path, sizeof(path), "pcc2");
		ret = fd < 0 ? fd :
		      write(fd, config, len) == (ssize_t)len ? 0 : -EIO;
		if (fd >= 0) {
			close(fd);
			if (!ret)
				ret = cc_config_file(c, path);
			unlink(path);
		}
	}
	free(config);
	return ret;
}

/* v1: CLIENT_CONNECT (first) or CLIENT_CONNECT_DEFER (polls). 1 deferred,
 * 0 in (options read), <0 out. */
static int cc_v1(struct srv_client *c, int type)
{
	struct plugin_cc *cc = c->pcc;
	char ccf[PATH_MAX + 32], ccr[PATH_MAX + 32];
	enum plugin_result r;
	int file;

	snprintf(ccf, sizeof(ccf), "client_connect_config_file=%s", cc->ccf);
	snprintf(ccr, sizeof(ccr), "client_connect_deferred_file=%s", cc->ccr);
	r = !wants(c, type) ? PLUGIN_OK :
	    server_plugin_call(c, &(struct server_plugin_call){
		.type = type, .script_type = "client-connect",
		.args = (const char *const[]){ cc->ccf, NULL },
		.extra = (const char *const[]){ ccf, ccr, NULL }, .wait = true });
	/* the file overrides, as in OpenVPN */
	file = scriptfile_first(cc->ccr);
	if (r == PLUGIN_ERROR || file == '0')
		return -EPERM;
	if (file == '2' || (r == PLUGIN_DEFERRED && file != '1'))
		return 1;
	return cc_config_file(c, cc->ccf);
}

/* v2: CLIENT_CONNECT_V2 (first) or _DEFER_V2 (polls). As cc_v1's. */
static int cc_v2(struct srv_client *c, int type)
{
	char *config = NULL;
	enum plugin_result r = server_plugin_call(c, &(struct server_plugin_call){
		.type = type, .script_type = "client-connect", .wait = true,
		.config = &config });

	if (r == PLUGIN_OK)
		return cc_config_text(c, config);
	free(config);
	if (r == PLUGIN_DEFERRED &&
	    wants(c, OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2))
		return 1;
	if (r == PLUGIN_DEFERRED)
		log_warn("A plugin that defers from the "
			 "OPENVPN_PLUGIN_CLIENT_CONNECT_V2 call must also declare "
			 "support for OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2");
	return -EPERM;
}

/* Run the stages from cc->stage on: 1 deferred, 0 in, <0 out. @polled:
 * the DEFER events (this is a poll of a deferred stage). */
static int cc_run(struct srv_client *c, bool polled)
{
	struct plugin_cc *cc = c->pcc;
	int ret = 0;

	if (cc->stage == CC_V1) {
		ret = cc_v1(c, polled ? OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER :
				     OPENVPN_PLUGIN_CLIENT_CONNECT);
		if (ret)
			return ret;
		cc->stage = CC_V2;
		polled = false;
	}
	if (cc->stage == CC_V2 && (wants(c, OPENVPN_PLUGIN_CLIENT_CONNECT_V2) ||
				   polled)) {
		ret = cc_v2(c, polled ? OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2 :
				     OPENVPN_PLUGIN_CLIENT_CONNECT_V2);
		if (ret)
			return ret;
	}
	cc->stage = CC_DONE;
	return 0;
}

int server_plugin_connect(struct srv_client *c, struct options *co,
			  server_plugin_cc_done done)
{
	struct plugin_cc *cc;
	int ret;

	if (!wants(c, OPENVPN_PLUGIN_CLIENT_CONNECT) &&
	    !wants(c, OPENVPN_PLUGIN_CLIENT_CONNECT_V2))
		return 0;
	server_plugin_cc_free(c);
	cc = c->pcc = calloc(1, sizeof(*cc));
	if (!cc)
		return -ENOMEM;
	cc->co = co;
	cc->done = done;
	cc->stage = wants(c, OPENVPN_PLUGIN_CLIENT_CONNECT) ? CC_V1 : CC_V2;
	if (cc->stage == CC_V1) {
		cc->ccf = scriptfile_make(c->srv->o->tmp_dir, "pcc", NULL);
		cc->ccr = scriptfile_make(c->srv->o->tmp_dir, "pccr", NULL);
		if (!cc->ccf || !cc->ccr) {
			server_plugin_cc_free(c);
			return -EIO;
		}
	}
	ret = cc_run(c, false);
	if (ret > 0) {
		log_info("%s MULTI: client-connect plugin deferred", c->prefix);
		cc->deferred = true;
		cc->deadline_ms = clock_now_ms() +
			(uint64_t)(c->srv->o->hand_window > 0 ?
				   c->srv->o->hand_window : 60) * 1000u;
		return -EINPROGRESS;
	}
	server_plugin_cc_free(c);
	if (ret)
		log_err("%s MULTI: client-connect plugin call failed, client "
			"refused", c->prefix);
	return ret;
}

/* One poll of @c's deferred client-connect. */
static void cc_poll(struct srv_client *c, uint64_t now)
{
	struct plugin_cc *cc = c->pcc;
	server_plugin_cc_done done = cc->done;
	int ret = cc_run(c, true);

	if (ret > 0 && now < cc->deadline_ms) {
		cc->next_ms = now + CC_POLL_MS;
		return;
	}
	if (ret > 0)
		log_err("%s deferred client-connect plugin timed out "
			"(hand-window)", c->prefix);
	server_plugin_cc_free(c);
	done(c, ret ? (ret > 0 ? -ETIMEDOUT : ret) : 0);
}

void server_plugin_cc_tick(struct server *s, uint64_t now, uint64_t *next)
{
	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];

		if (!c || c->dead || !c->pcc || !c->pcc->deferred)
			continue;
		if (now >= c->pcc->next_ms)
			cc_poll(c, now);
		if (c->pcc && c->pcc->next_ms < *next)
			*next = c->pcc->next_ms;
	}
}
