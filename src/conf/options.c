/*
 * Option sources: config text and files (with nested "config"), the command
 * line, and PUSH_REPLY option lists. Each turns its input into tokenized
 * options and hands them to the table (optable_apply).
 */
#include "conf/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/mem.h"
#include "conf/lexer.h"
#include "conf/opt_server.h"
#include "conf/optable.h"

#define PUSH_FILE "[PUSH-OPTIONS]"
#define CMDLINE_FILE "[CMD-LINE]"

void options_init(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->key_direction = OPT_KEYDIR_UNSET;
	o->mssfix = -1;
	o->resolv_retry = -2;
	o->connect_retry = -1;
	o->connect_retry_max_delay = -1;
	o->reneg_sec = o->reneg_sec_max = -1;
	o->reneg_bytes = o->reneg_pkts = -1;
	o->hand_window = o->tran_window = o->tls_timeout = -1;
	o->peer_id = -1;
	o->replay_window = o->replay_time = -1;
	o->ping = o->ping_restart = o->ping_exit = -1;
	o->keepalive_ping = o->keepalive_timeout = -1;
	o->connect_timeout = -1;
	o->route_metric = -1;
	o->verb = o->mute = -1;
	o->mgmt_log_cache = -1;
	o->script_security = -1;
	o->mtu_disc = -1;
	o->tcp_queue_limit = 64;	/* OpenVPN's default */
}

void options_routes_clear(struct options *o, bool v6)
{
	for (size_t i = 0; !v6 && i < o->n_routes; i++) {
		free(o->routes[i].network);
		free(o->routes[i].netmask);
		free(o->routes[i].gateway);
	}
	for (size_t i = 0; v6 && i < o->n_routes6; i++) {
		free(o->routes6[i].network);
		free(o->routes6[i].gateway);
	}
	if (v6) {
		free(o->routes6);
		o->routes6 = NULL;
		o->n_routes6 = 0;
	} else {
		free(o->routes);
		o->routes = NULL;
		o->n_routes = 0;
	}
}

static void free_lists(struct options *o)
{
	for (size_t i = 0; i < o->n_remotes; i++) {
		free(o->remotes[i].host);
		free(o->remotes[i].port);
		if (o->remotes[i].http_proxy)
			opt_proxy_free(o->remotes[i].http_proxy);
		free(o->remotes[i].http_proxy);
	}
	free(o->remotes);
	options_routes_clear(o, false);
	options_routes_clear(o, true);
	for (size_t i = 0; i < o->n_pull_filters; i++)
		free(o->pull_filters[i].prefix);
	free(o->pull_filters);
	free(o->peer_fingerprints);
	opt_pairs_free(&o->dhcp_options);
	opt_pairs_free(&o->setenv);
	for (size_t i = 0; i < o->n_plugins; i++)
		opt_strv_free(&o->plugins[i]);
	free(o->plugins);
	dns_free(&o->dns);
	opt_strv_free(&o->echo);
	opt_strv_free(&o->ignore_unknown);
}

static void free_files(struct options *o)
{
	for (size_t i = 0; i < o->n_x509_username_field; i++)
		opt_strfree(&o->x509_username_field[i], false);
	o->n_x509_username_field = 0;
	struct opt_file *files[] = { &o->ca, &o->cert, &o->key,
				     &o->extra_certs, &o->crl_verify, &o->pkcs12,
				     &o->tls_auth, &o->tls_crypt,
				     &o->tls_crypt_v2, &o->secret,
				     &o->auth_user_pass_file, &o->askpass_file };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		opt_file_free(files[i]);
	opt_strfree(&o->auth_token, true);
}

void options_free(struct options *o)
{
	char **strs[] = { &o->dev, &o->dev_node, &o->lport, &o->remote_cert_eku,
			  &o->tmp_dir, &o->static_challenge, &o->mgmt_addr,
			  &o->mgmt_port, &o->mgmt_pwfile,
			  &o->rport, &o->local, &o->remote_cert_tls,
			  &o->verify_x509_name, &o->verify_x509_type,
			  &o->tls_version_min, &o->tls_version_max,
			  &o->tls_cipher, &o->tls_ciphersuites, &o->tls_groups,
			  &o->capath, &o->tls_verify, &o->tls_export_cert,
			  &o->auth, &o->cipher, &o->data_ciphers,
			  &o->data_ciphers_fallback, &o->auth_token_user,
			  &o->route_gateway, &o->status_file, &o->log_file,
			  &o->writepid, &o->daemon_name, &o->syslog_name, &o->user, &o->group,
			  &o->up, &o->down, &o->route_up, &o->dns_updown, &o->bind_dev,
			  &o->route_pre_down, &o->chroot_dir,
			  &o->mgmt_client_user, &o->mgmt_client_group,
			  &o->config_file, &o->ipchange };

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		opt_strfree(strs[i], false);
	free_files(o);
	free_lists(o);
	opt_host_free(o);
	options_locals_free(o);
	opt_record_free(o);
	opt_server_free(o->srv);
	options_init(o);
}

int options_remote(const struct options *o, size_t i,
		   struct opt_endpoint *out)
{
	const struct opt_remote *r;
	const struct opt_transport *tr;

	if (i >= o->n_remotes)
		return -ENOENT;
	r = &o->remotes[i];
	tr = r->tr.proto != OPT_PROTO_NONE ? &r->tr : &o->proto;
	out->host = r->host;
	out->port = r->port ? r->port : o->rport ? o->rport : OPT_DEFAULT_PORT;
	out->proto = tr->proto != OPT_PROTO_NONE ? tr->proto : OPT_PROTO_UDP;
	out->family = tr->family;
	return 0;
}

void options_use_remote_proxy(struct options *o, size_t i)
{
	struct opt_proxy *own = i < o->n_remotes ? o->remotes[i].http_proxy :
				NULL;

	if (!own || !own->host)
		return;
	opt_proxy_free(&o->http_proxy);
	opt_proxy_free(&o->socks_proxy);
	o->http_proxy = *own;			/* moved: @own is emptied */
	memset(own, 0, sizeof(*own));
}

static int apply(struct opt_ctx *c, char **argv, unsigned int argc)
{
	int ret = optable_apply(c, argv, argc);

	if (ret == -ENOMEM)
		opt_fail(c, "out of memory");
	return ret;
}

static void copy_err(char *err, size_t err_len, const char *msg)
{
	if (err && err_len)
		snprintf(err, err_len, "%s", msg);
}

/* Config text of one file (or string); nesting depth is in @parent. */
static int feed_text(struct opt_ctx *parent, const char *name,
		     const char *text, size_t len)
{
	struct opt_ctx c = *parent;
	struct lex_option opt;
	struct lexer lx;
	size_t pos = 0;
	int ret = 0;

	c.file = name;
	lexer_init(&lx, name);
	while (pos < len && ret >= 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) + 1 : len - pos;

		ret = lexer_feed(&lx, text + pos, n, &opt);
		pos += n;
		if (ret == -ENOMEM) {
			c.line = lx.line;
			opt_fail(&c, "out of memory");
		} else if (ret < 0) {
			copy_err(c.err, c.err_len, lx.err);
		} else if (ret == 1) {
			c.line = opt.line;
			c.is_inline = opt.is_inline;
			c.inline_len = opt.inline_len;
			ret = apply(&c, opt.argv, opt.argc);
		}
	}
	if (ret >= 0 && (ret = lexer_finish(&lx)) < 0)
		copy_err(c.err, c.err_len, lx.err);
	lexer_free(&lx);
	mem_wipe(&opt, sizeof(opt));	/* tokens may hold credentials */
	return ret < 0 ? ret : 0;
}

/*
 * Regular files and pipes ("--config <(...)"); a device such as /dev/zero
 * or a directory is refused rather than read.
 */
static int check_kind(FILE *f)
{
	struct stat st;

	if (fstat(fileno(f), &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
		return -ENODEV;
	return 0;
}

/* Grow @buf to @cap bytes; the old copy may hold keys, so it is wiped. */
static int grow(char **buf, size_t used, size_t cap)
{
	char *nb = malloc(cap);

	if (!nb)
		return -ENOMEM;
	if (used)
		memcpy(nb, *buf, used);
	mem_wipe(*buf, used);
	free(*buf);
	*buf = nb;
	return 0;
}

/* Read all of @f, at most OPT_MAX_FILE bytes. */
static int read_all(FILE *f, char **buf, size_t *len)
{
	size_t cap = 0, n = 0, got;

	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 16384;
			if (cap > OPT_MAX_FILE + 1)
				cap = OPT_MAX_FILE + 1;
			if (grow(buf, n, cap))
				return -ENOMEM;
		}
		got = fread(*buf + n, 1, cap - n, f);
		n += got;
	} while (got && n <= OPT_MAX_FILE);
	*len = n;
	if (ferror(f))
		return -EIO;
	return n > OPT_MAX_FILE ? -EFBIG : 0;
}

/* The whole file, bounded: configs carry keys, so the copy is wiped. */
static int read_file(const char *path, char **out, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int ret;

	if (!f)
		return -errno;
	ret = check_kind(f);
	if (!ret)
		ret = read_all(f, &buf, &n);
	fclose(f);
	if (ret) {
		mem_wipe(buf, n);
		free(buf);
		return ret;
	}
	*out = buf;
	*out_len = n;
	return 0;
}

static const char *read_error(int ret)
{
	if (ret == -EFBIG)
		return "larger than " OPT_MAX_FILE_TEXT;
	if (ret == -ENODEV)
		return "not a regular file or pipe";
	return strerror(-ret);
}

void opt_text_cache_free(struct opt_text_cache *tc)
{
	for (unsigned i = 0; i < tc->n; i++) {
		mem_wipe(tc->files[i].text, tc->files[i].len);
		free(tc->files[i].text);
		free(tc->files[i].path);
	}
	tc->n = 0;
}

/* read_file, through the cache when there is one: what was read once is
 * served from memory, what is new is read and remembered. */
static int read_file_cached(struct opt_text_cache *tc, const char *path,
			    char **out, size_t *out_len)
{
	char *copy, *pcopy;
	int ret;

	for (unsigned i = 0; tc && i < tc->n; i++) {
		if (strcmp(tc->files[i].path, path))
			continue;
		*out = malloc(tc->files[i].len + 1);
		if (!*out)
			return -ENOMEM;
		memcpy(*out, tc->files[i].text, tc->files[i].len + 1);
		*out_len = tc->files[i].len;
		return 0;
	}
	ret = read_file(path, out, out_len);
	if (ret || !tc || tc->n == OPT_TEXT_CACHE_MAX)
		return ret;
	copy = malloc(*out_len + 1);
	pcopy = strdup(path);
	if (!copy || !pcopy) {
		free(copy);
		free(pcopy);
		return 0; /* uncached: read from disk next time */
	}
	memcpy(copy, *out, *out_len);
	copy[*out_len] = '\0';
	tc->files[tc->n].path = pcopy;
	tc->files[tc->n].text = copy;
	tc->files[tc->n].len = *out_len;
	tc->n++;
	return 0;
}

static int load_file(struct opt_ctx *c, const char *path, int depth)
{
	struct opt_ctx sub = *c;
	size_t len = 0;
	char *text = NULL;
	int ret = read_file_cached(c->o->text_cache, path, &text, &len);

	if (ret)
		return opt_fail(c, "cannot read config file '%s': %s", path,
				read_error(ret));
	sub.depth = depth;
	/* Options of a file named on the command line are file options. */
	if (sub.source == OPT_W_CMDLINE)
		sub.source = OPT_W_FILE;
	ret = feed_text(&sub, path, text, len);
	mem_wipe(text, len);
	free(text);
	return ret;
}

int h_config(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	(void)d;
	(void)argc;
	if (c->depth + 1 > OPT_MAX_DEPTH)
		return opt_fail(c, "maximum config nesting depth (%d) exceeded "
				"including '%s' (does a file include itself?)",
				OPT_MAX_DEPTH, argv[1]);
	/* as OpenVPN, the first one given is the one scripts are told */
	if (!c->o->config_file && opt_strset(&c->o->config_file, argv[1]))
		return -ENOMEM;
	return load_file(c, argv[1], c->depth + 1);
}

static struct opt_ctx top_ctx(struct options *o, const char *file,
			      unsigned int source, char *err, size_t err_len)
{
	struct opt_ctx c = { .o = o, .file = file, .source = source,
			     .err = err, .err_len = err_len };

	if (err && err_len)
		err[0] = '\0';
	return c;
}

int options_parse_file(struct options *o, const char *path, char *err,
		       size_t err_len)
{
	struct opt_ctx c = top_ctx(o, path, OPT_W_FILE, err, err_len);
	size_t len = 0;
	char *text = NULL;
	int ret = read_file(path, &text, &len);

	if (ret) {
		snprintf(err, err_len, "%s: cannot read config file: %s", path,
			 read_error(ret));
		return ret;
	}
	c.depth = 1;
	ret = feed_text(&c, path, text, len);
	mem_wipe(text, len);
	free(text);
	return ret;
}

int options_parse_text(struct options *o, const char *name, const char *text,
		       size_t len, char *err, size_t err_len)
{
	struct opt_ctx c = top_ctx(o, name, OPT_W_FILE, err, err_len);

	c.depth = 1;
	return feed_text(&c, name, text, len);
}

/* The parameters of the option at argv[i]: up to the next "--word". */
static unsigned int collect_args(int argc, char *const argv[], int i,
				 char **v)
{
	unsigned int n = 0;

	v[n++] = argv[i] + 2;
	while (i + (int)n < argc && strncmp(argv[i + n], "--", 2) &&
	       n < LEX_MAX_ARGS + 1)
		v[n] = argv[i + n], n++;
	v[n] = NULL;
	return n;
}

int options_parse_argv(struct options *o, int argc, char *const argv[],
		       char *err, size_t err_len)
{
	struct opt_ctx c = top_ctx(o, CMDLINE_FILE, OPT_W_CMDLINE, err, err_len);
	char *v[LEX_MAX_ARGS + 2];
	int ret = 0;

	if (argc == 2 && strncmp(argv[1], "--", 2)) {
		char *cfg[] = { "config", argv[1], NULL };

		c.line = 1;
		return apply(&c, cfg, 2);
	}
	for (int i = 1; i < argc && !ret; ) {
		unsigned int n;

		c.line = (unsigned int)i;
		if (strncmp(argv[i], "--", 2))
			return opt_fail(&c, "I'm trying to parse \"%s\" as an "
					"--option parameter but I don't see a "
					"leading '--'", argv[i]);
		n = collect_args(argc, argv, i, v);
		if (n > LEX_MAX_ARGS)
			return opt_fail(&c, "too many parameters for --%s",
					v[0]);
		ret = apply(&c, v, n);
		i += (int)n;
	}
	return ret;
}

/* pull-filter: the first rule whose text starts the option decides. */
static enum opt_filter_action filter(const struct options *o, const char *s,
				     size_t n)
{
	for (size_t i = 0; i < o->n_pull_filters; i++) {
		const struct opt_filter *f = &o->pull_filters[i];
		size_t plen = strlen(f->prefix);

		if (plen <= n && !memcmp(s, f->prefix, plen))
			return f->action;
	}
	return OPT_FILTER_ACCEPT;
}

enum opt_filter_action options_pull_filter(const struct options *o,
					   const char *item)
{
	return filter(o, item, strlen(item));
}

/*
 * How much of a pushed item may appear in a message: the name only for
 * credentials (auth-token), and never more than 100 characters.
 */
static int shown_len(const char *s, size_t n)
{
	if (n >= 10 && !strncmp(s, "auth-token", 10))
		return 10;
	return (int)(n > 100 ? 100 : n);
}

/* One comma-separated item: 0 applied/ignored, 1 skipped, <0 fatal. */
static int push_item(struct opt_ctx *c, const char *s, size_t n,
		     char *first_err, size_t first_len)
{
	char msg[OPT_ERR_LEN];
	struct lex_option opt;
	struct opt_ctx item = *c;
	int ret;

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	switch (filter(c->o, s, n)) {
	case OPT_FILTER_REJECT:
		opt_fail(c, "pushed option rejected by pull-filter: '%.*s'",
			 shown_len(s, n), s);
		return -EPERM;
	case OPT_FILTER_IGNORE:
		log_info("%s:%u: pushed option removed by pull-filter: '%.*s'",
			 c->file, c->line, shown_len(s, n), s);
		return 0;
	default:
		break;
	}
	item.err = msg;
	item.err_len = sizeof(msg);
	ret = lexer_split(s, n, c->file, c->line, &opt, msg, sizeof(msg));
	if (ret > 0)
		ret = apply(&item, opt.argv, opt.argc);
	mem_wipe(&opt, sizeof(opt));
	if (ret == -ENOMEM || ret >= 0)
		return ret == -ENOMEM ? ret : 0;
	log_err("%s", msg);
	if (first_err && first_len && !first_err[0])
		snprintf(first_err, first_len, "%s", msg);
	return 1;
}

int options_apply_push(struct options *o, const char *msg, size_t len,
		       char *err, size_t err_len)
{
	struct opt_ctx c = top_ctx(o, PUSH_FILE, OPT_W_PUSH, err, err_len);
	size_t pos = 0;
	int skipped = 0;

	while (pos <= len) {
		const char *comma = memchr(msg + pos, ',', len - pos);
		size_t n = comma ? (size_t)(comma - msg - pos) : len - pos;
		int ret;

		c.line++;
		ret = push_item(&c, msg + pos, n, err, err_len);
		if (ret < 0)
			return ret;
		skipped += ret;
		pos += n + 1;
	}
	return skipped;
}

/* A client-config-dir file: only options allowed there (OPT_W_CCD). */
int options_parse_ccd_text(struct options *o, const char *name,
			   const char *text, size_t len, char *err,
			   size_t err_len)
{
	struct opt_ctx c = top_ctx(o, name, OPT_W_CCD, err, err_len);

	c.depth = 1;
	return feed_text(&c, name, text, len);
}

int options_parse_ccd(struct options *o, const char *path, char *err,
		      size_t err_len)
{
	size_t len = 0;
	char *text = NULL;
	int ret = read_file(path, &text, &len);

	if (ret) {
		snprintf(err, err_len, "%s: cannot read client-config-dir "
			 "file: %s", path, read_error(ret));
		return ret;
	}
	ret = options_parse_ccd_text(o, path, text, len, err, err_len);
	mem_wipe(text, len);
	free(text);
	return ret;
}
