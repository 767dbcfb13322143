/*
 * CLIENT_CONNECT plugins on the server, as OpenVPN 2.6 calls them: v1
 * (CLIENT_CONNECT, argv[1] a file for options; client_connect_config_file
 * and client_connect_deferred_file in the environment) then v2
 * (CLIENT_CONNECT_V2, options returned as "config"). Either may defer:
 * v1 by returning DEFERRED or writing '2' to the deferred file, then the
 * file decides ('1' in, '0' out) and CLIENT_CONNECT_DEFER is called at
 * each poll; v2 by returning DEFERRED, then CLIENT_CONNECT_DEFER_V2 is
 * called at each poll until it answers. Bounded by hand-window.
 *
 * Every call runs on the plugin thread and its answer comes back to the
 * loop (cc_answer): a plugin stuck on its back end for another client
 * (auth-ldap waiting for an LDAP server) holds up this client only, never
 * the event loop.
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
	bool calling;                /* a call is on the plugin thread */
	bool polled;                 /* that call is a DEFER poll */
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

/* v1's verdict on the plugins' answer @r: 1 deferred, 0 in (options
 * read), <0 out. */
static int cc_v1_verdict(struct srv_client *c, enum plugin_result r)
{
	struct plugin_cc *cc = c->pcc;
	/* the file overrides, as in OpenVPN */
	int file = scriptfile_first(cc->ccr);

	if (r == PLUGIN_ERROR || file == '0')
		return -EPERM;
	if (file == '2' || (r == PLUGIN_DEFERRED && file != '1'))
		return 1;
	return cc_config_file(c, cc->ccf);
}

/* v2's verdict: as v1's. */
static int cc_v2_verdict(struct srv_client *c, enum plugin_result r,
			 char *config)
{
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

static int cc_event(const struct plugin_cc *cc)
{
	if (cc->stage == CC_V1)
		return cc->polled ? OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER :
				    OPENVPN_PLUGIN_CLIENT_CONNECT;
	return cc->polled ? OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2 :
			    OPENVPN_PLUGIN_CLIENT_CONNECT_V2;
}

static void cc_answer(void *ctx, uint64_t tag, enum plugin_result r,
		      char *config);

/* Hand the current stage's event to the plugin thread. 0 or <0. */
static int cc_submit(struct srv_client *c)
{
	struct plugin_cc *cc = c->pcc;
	char ccf[PATH_MAX + 32], ccr[PATH_MAX + 32];
	const char *const v1_args[] = { cc->ccf, NULL };
	const char *const v1_extra[] = { ccf, ccr, NULL };
	bool v1 = cc->stage == CC_V1;
	char **env;
	uint64_t tag;
	int ret;

	if (v1) {
		snprintf(ccf, sizeof(ccf), "client_connect_config_file=%s",
			 cc->ccf);
		snprintf(ccr, sizeof(ccr), "client_connect_deferred_file=%s",
			 cc->ccr);
	}
	env = server_script_env(c, "client-connect", v1 ? v1_extra : NULL);
	if (!env)
		return -ENOMEM;
	/* server-wide serials (shared with auth calls): an answer for a
	 * client gone meanwhile never matches one that took its peer-id */
	c->pcc_serial = ++c->srv->auth_serial;
	tag = (uint64_t)c->peer_id << 32 | c->pcc_serial;
	ret = plugin_worker_submit(&c->srv->pw, &(struct plugin_call){
		.type = cc_event(cc), .args = v1 ? v1_args : NULL,
		.envp = (const char *const *)env, .pc = c->plugin,
		.depth = -1 }, cc_answer, c->srv, tag);
	server_script_env_free(env);
	cc->calling = !ret;
	return ret;
}

/* A stage's verdict @ret: on to the next stage (its call submitted), or
 * deferred (polled by the tick), or decided (done() called). */
static void cc_advance(struct srv_client *c, int ret)
{
	struct plugin_cc *cc = c->pcc;
	server_plugin_cc_done done = cc->done;
	uint64_t now = clock_now_ms();

	if (ret == 0 && cc->stage == CC_V1) {
		/* v1 answered: v2 starts afresh (its first call, not a poll) */
		cc->stage = wants(c, OPENVPN_PLUGIN_CLIENT_CONNECT_V2) ? CC_V2 :
			    CC_DONE;
		cc->polled = false;
		if (cc->stage == CC_V2) {
			ret = cc_submit(c);
			if (!ret)
				return;
		}
	}
	if (ret > 0 && !cc->deferred) {
		log_info("%s MULTI: client-connect plugin deferred", c->prefix);
		cc->deferred = true;
		cc->deadline_ms = now + (uint64_t)(c->srv->o->hand_window > 0 ?
			c->srv->o->hand_window : 60) * 1000u;
	}
	if (ret > 0 && now < cc->deadline_ms) {
		cc->next_ms = now + CC_POLL_MS;
		return;
	}
	if (ret > 0)
		log_err("%s deferred client-connect plugin timed out "
			"(hand-window)", c->prefix);
	else if (ret < 0)
		log_err("%s MULTI: client-connect plugin call failed, client "
			"refused", c->prefix);
	server_plugin_cc_free(c);
	done(c, ret ? (ret > 0 ? -ETIMEDOUT : ret) : 0);
}

/* The plugins answered (on the loop's thread). */
static void cc_answer(void *ctx, uint64_t tag, enum plugin_result r,
		      char *config)
{
	struct srv_client *c = server_client(ctx, (uint32_t)(tag >> 32));
	struct plugin_cc *cc = c ? c->pcc : NULL;

	if (c)
		server_client_wake(c);
	if (!cc || c->dead || !cc->calling || c->pcc_serial != (uint32_t)tag) {
		free(config);
		return;
	}
	cc->calling = false;
	if (cc->stage == CC_V1) {
		free(config);
		cc_advance(c, cc_v1_verdict(c, r));
	} else {
		cc_advance(c, cc_v2_verdict(c, r, config));
	}
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
	ret = cc_submit(c);
	if (ret) {
		server_plugin_cc_free(c);
		log_err("%s MULTI: client-connect plugin call failed, client "
			"refused", c->prefix);
		return ret;
	}
	/* the answer comes from the plugin thread: cc_answer */
	return -EINPROGRESS;
}

/* One poll of @c's deferred client-connect: the DEFER event again. */
static void cc_poll(struct srv_client *c, uint64_t now)
{
	struct plugin_cc *cc = c->pcc;
	int ret;

	cc->polled = true;
	cc->next_ms = now + CC_POLL_MS;
	ret = cc_submit(c);
	if (ret)
		cc_advance(c, ret);
}

void server_plugin_cc_client_tick(struct srv_client *c, uint64_t now,
				  uint64_t *next)
{
	if (c->dead || !c->pcc || !c->pcc->deferred || c->pcc->calling)
		return;
	if (now >= c->pcc->next_ms)
		cc_poll(c, now);
	if (c->pcc && c->pcc->next_ms < *next)
		*next = c->pcc->next_ms;
}
