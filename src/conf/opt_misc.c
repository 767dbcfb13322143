/* Handlers for mode, timers, logging, scripts, setenv and push control. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/tls_extkey.h"
#include "conf/lexer.h"
#include "conf/optable.h"

#define UNUSED_ARGS (void)d, (void)argc

/* "client" is "pull" plus "tls-client", as in OpenVPN. */
int h_client(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	(void)argv;
	UNUSED_ARGS;
	c->o->client = c->o->pull = c->o->tls_client = true;
	return 0;
}

/* keepalive PING TIMEOUT: on a client, ping and ping-restart. */
int h_keepalive(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		unsigned int argc)
{
	int ping, timeout;

	UNUSED_ARGS;
	if (optval_int(c, argv[1], 0, INT_MAX, &ping) ||
	    optval_int(c, argv[2], 0, INT_MAX, &timeout))
		return -EINVAL;
	if ((long long)timeout < 2LL * ping)
		return opt_fail(c, "--keepalive: the timeout (%d) must be at "
				"least twice the ping interval (%d)", timeout,
				ping);
	c->o->keepalive_ping = c->o->ping = ping;
	c->o->keepalive_timeout = c->o->ping_restart = timeout;
	return 0;
}

/* stale-routes-check AGE [INTERVAL]: INTERVAL defaults to AGE (2.6). */
int h_stale_routes(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		   unsigned int argc)
{
	int age, every;

	(void)d;
	if (optval_int(c, argv[1], INT_MIN, INT_MAX, &age) ||
	    (argc > 2 && optval_int(c, argv[2], INT_MIN, INT_MAX, &every)))
		return -EINVAL;
	if (argc <= 2)
		every = age;
	if (age < 1 || every < 1)
		return opt_fail(c, "--stale-routes-check aging time and/or check "
				"interval must be >= 1");
	c->o->stale_routes_age = age;
	c->o->stale_routes_interval = every;
	return 0;
}

int h_inactive(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	UNUSED_ARGS;
	if (optval_int(c, argv[1], 0, INT_MAX, &c->o->inactive))
		return -EINVAL;
	c->o->inactive_bytes = 0;
	if (argc > 2)
		return optval_int64(c, argv[2], &c->o->inactive_bytes);
	return 0;
}

/* route-delay [N [W]]: W is the Windows adapter wait, checked only. */
int h_route_delay(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		  unsigned int argc)
{
	int w;

	UNUSED_ARGS;
	c->o->route_delay = 0;
	if (argc > 1 && optval_int(c, argv[1], 0, INT_MAX, &c->o->route_delay))
		return -EINVAL;
	return argc > 2 ? optval_int(c, argv[2], 0, INT_MAX, &w) : 0;
}

int h_explicit_exit(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		    unsigned int argc)
{
	UNUSED_ARGS;
	if (argc == 1) {
		c->o->explicit_exit_notify = 1;
		return 0;
	}
	return optval_int(c, argv[1], 0, INT_MAX, &c->o->explicit_exit_notify);
}

int h_status(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	UNUSED_ARGS;
	c->o->status_interval = 60;	/* OpenVPN's default */
	if (argc > 2 &&
	    optval_int(c, argv[2], 1, INT_MAX, &c->o->status_interval))
		return -EINVAL;
	return opt_strset(&c->o->status_file, argv[1]);
}

/*
 * cd DIR changes directory at once, as OpenVPN does: files named by the
 * options that follow it (on the command line or in the config) are then
 * relative to DIR, those before it are not.
 */
int h_cd(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	 unsigned int argc)
{
	UNUSED_ARGS;
	if (c->o->text_cache && c->o->text_cache->replay)
		return 0;
	if (chdir(argv[1]))
		return opt_fail(c, "cd to '%s' failed: %s (errno=%d)", argv[1],
				strerror(errno), errno);
	return 0;
}

int h_daemon(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	UNUSED_ARGS;
	c->o->daemon = true;
	if (argc > 1)
		return opt_strset(&c->o->daemon_name, argv[1]);
	return 0;
}

/* syslog [NAME]: log to syslog as NAME (default "openvpn", as OpenVPN). */
/* management IP PORT [PWFILE], or management PATH unix [PWFILE] */
int h_management(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc)
{
	struct options *o = c->o;
	int ret;

	(void)d;
	o->mgmt_unix = !strcmp(argv[2], "unix");
	if (!o->mgmt_unix) {
		char *end;
		unsigned long port = strtoul(argv[2], &end, 10);

		if (*end || port == 0 || port > 65535)
			return opt_fail(c, "--management: bad port number '%s'",
					argv[2]);
	}
	ret = opt_strset(&o->mgmt_addr, argv[1]);
	if (!ret)
		ret = opt_strset(&o->mgmt_port, argv[2]);
	if (!ret && argc == 4)
		ret = opt_strset(&o->mgmt_pwfile, argv[3]);
	return ret;
}

/* management-external-key [nopadding] [pkcs1] [pss] [digest]: what the
 * manager can sign (TLS_EXTKEY_*); none given means pkcs1, as OpenVPN. */
int h_mgmt_external_key(struct opt_ctx *c, const struct opt_desc *d,
			char **argv, unsigned int argc)
{
	static const struct { const char *name; unsigned bit; } flags[] = {
		{ "nopadding", TLS_EXTKEY_NOPADDING },
		{ "pkcs1", TLS_EXTKEY_PKCS1 },
		{ "pss", TLS_EXTKEY_PSS },
		{ "digest", TLS_EXTKEY_DIGEST },
	};
	unsigned set = 0;

	(void)d;
	for (unsigned i = 1; i < argc; i++) {
		unsigned bit = 0;

		for (size_t j = 0; j < sizeof(flags) / sizeof(flags[0]); j++)
			bit |= strcmp(argv[i], flags[j].name) ? 0 : flags[j].bit;
		if (!bit)
			return opt_fail(c, "--management-external-key: unknown "
					"flag '%s'", argv[i]);
		set |= bit;
	}
	if (!(set & (TLS_EXTKEY_NOPADDING | TLS_EXTKEY_PKCS1 | TLS_EXTKEY_PSS)))
		set |= TLS_EXTKEY_PKCS1;
	c->o->mgmt_external_key = true;
	c->o->mgmt_extkey_flags = set;
	return 0;
}

int h_syslog(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	UNUSED_ARGS;
	c->o->use_syslog = true;
	if (argc > 1)
		return opt_strset(&c->o->syslog_name, argv[1]);
	return 0;
}

/* log FILE truncates, log-append FILE appends; the last one wins. */
int h_log(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	  unsigned int argc)
{
	UNUSED_ARGS;
	c->o->log_append = !strcmp(argv[0], "log-append");
	return opt_strset(&c->o->log_file, argv[1]);
}

/* up/down/route-up CMD: one parameter; quote a command with arguments. */
int h_script(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	(void)argc;
	if (!argv[1][0])
		return opt_fail(c, "--%s: empty command", argv[0]);
	return opt_strset((char **)((char *)c->o + d->off), argv[1]);
}

/*
 * setenv NAME [VALUE]; setenv-safe (the pushable form) prefixes NAME with
 * "OPENVPN_" as OpenVPN does. "setenv FORWARD_COMPATIBLE 1" makes every
 * unknown option a warning.
 */
int h_setenv(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	const char *value = argc > 2 ? argv[2] : "";
	char name[300];	/* a token is 256 characters at most */

	(void)d;
	if (!strcmp(argv[0], "setenv-safe")) {
		if ((size_t)snprintf(name, sizeof(name), "OPENVPN_%s", argv[1]) >=
		    sizeof(name))
			return opt_fail(c, "--setenv-safe: name too long");
	} else {
		snprintf(name, sizeof(name), "%s", argv[1]);
		if (!strcmp(name, "FORWARD_COMPATIBLE") && !strcmp(value, "1"))
			c->o->forward_compatible = true;
	}
	return opt_pairs_push(&c->o->setenv, name, value);
}

/* OpenVPN's MAX_PLUGINS */
#define OPT_PLUGINS_MAX 16

/*
 * plugin PATH [ARGS...]: the plugin's argv, PATH first. As OpenVPN's
 * make_extended_arg_array: a single argument is an init string split
 * again into words ("login USERNAME x" is three), several are taken as
 * they are.
 */
int h_plugin(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	struct lex_option words;
	struct opt_strv *v;
	char err[LEX_ERR_LEN];
	int n, ret = 0;

	(void)d;
	if (c->o->n_plugins >= OPT_PLUGINS_MAX)
		return opt_fail(c, "--plugin: at most %d plugins", OPT_PLUGINS_MAX);
	v = opt_grow(&c->o->plugins, &c->o->n_plugins, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (argc == 3) {
		n = lexer_split(argv[2], strlen(argv[2]), "plugin", 0, &words,
				err, sizeof(err));
		if (n < 0)
			return opt_fail(c, "--plugin: %s", err);
		ret = opt_strv_push(v, argv[1]);
		for (int i = 0; !ret && i < n; i++)
			ret = opt_strv_push(v, words.argv[i]);
		return ret;
	}
	for (unsigned int i = 1; !ret && i < argc; i++)
		ret = opt_strv_push(v, argv[i]);
	return ret;
}

/* ignore-unknown-option NAME...: affects the options after it only. */
int h_ignore_unknown(struct opt_ctx *c, const struct opt_desc *d,
		     char **argv, unsigned int argc)
{
	(void)d;
	for (unsigned int i = 1; i < argc; i++) {
		const char *n = argv[i];

		if (!strncmp(n, "--", 2))
			n += 2;	/* "--foo" is allowed too */
		if (opt_strv_push(&c->o->ignore_unknown, n))
			return -ENOMEM;
	}
	return 0;
}

/* pull-filter accept|ignore|reject TEXT: first matching prefix decides. */
int h_pull_filter(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		  unsigned int argc)
{
	static const char *const words[] = { "accept", "ignore", "reject",
					     NULL };
	struct options *o = c->o;
	struct opt_filter *f;
	char *text;
	int i = optval_word(c, argv[1], words);

	UNUSED_ARGS;
	if (i < 0)
		return i;
	text = strdup(argv[2]);
	f = text ? opt_grow(&o->pull_filters, &o->n_pull_filters, sizeof(*f))
		 : NULL;
	if (!f) {
		free(text);
		return -ENOMEM;
	}
	f->action = (enum opt_filter_action)i;
	f->prefix = text;
	return 0;
}

int h_push_continuation(struct opt_ctx *c, const struct opt_desc *d,
			char **argv, unsigned int argc)
{
	UNUSED_ARGS;
	return optval_int(c, argv[1], 1, 2, &c->o->push_continuation);
}

/* aead-backend auto|openssl|ipsec-mb: the words in enum dco_aead_backend's
 * order. Whether ipsec-mb is usable is known when the engine starts. */
int h_aead_backend(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		   unsigned int argc)
{
	static const char *const words[] = { "auto", "openssl", "ipsec-mb", NULL };
	int i;

	UNUSED_ARGS;
	i = optval_word(c, argv[1], words);
	if (i < 0)
		return i;
	c->o->aead_backend = (enum dco_aead_backend)i;
	return 0;
}
