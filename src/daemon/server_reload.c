/* SIGHUP in place: what changed, and applying it (server_reload.h). */
#include "daemon/server_reload.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "conf/opt_server.h"
#include "daemon/server_int.h"

static const char *const live_names[] = {
	"push", "client-config-dir", "local", "route", "route-ipv6",
};

/* What a reload found to apply. */
struct reload_diff {
	bool push;          /* the push lines differ */
	bool routes;        /* the route or route-ipv6 lines differ */
	unsigned new_locals;
};

/* Does @line ("name\x1fparam...") set option @name? */
static bool line_is(const char *line, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(line, name, n) && (line[n] == '\0' || line[n] == '\x1f');
}

static bool line_live(const char *line)
{
	for (size_t i = 0; i < sizeof(live_names) / sizeof(live_names[0]); i++)
		if (line_is(line, live_names[i]))
			return true;
	return false;
}

/* The next line at or after *@i that @pick wants (NULL: none left). */
static const char *next_line(const struct options *o, size_t *i,
			     bool (*pick)(const char *line, const void *arg),
			     const void *arg)
{
	for (; *i < o->n_lines; (*i)++)
		if (pick(o->lines[*i], arg))
			return o->lines[(*i)++];
	return NULL;
}

/*
 * Compare the lines @pick selects of @a and @b, in order: NULL if equal,
 * else the first line that differs (of @b, or of @a if @b ran out).
 */
static const char *lines_differ(const struct options *a, const struct options *b,
				bool (*pick)(const char *line, const void *arg),
				const void *arg)
{
	size_t i = 0, j = 0;

	for (;;) {
		const char *x = next_line(a, &i, pick, arg);
		const char *y = next_line(b, &j, pick, arg);

		if (!x && !y)
			return NULL;
		if (!x || !y || strcmp(x, y))
			return y ? y : x;
	}
}

static bool pick_fixed(const char *line, const void *arg)
{
	(void)arg;
	return !line_live(line);
}

static bool pick_named(const char *line, const void *arg)
{
	return line_is(line, arg);
}

/* ---- files named by the configuration ------------------------------------ */

static void file_paths(const struct options *o, const char *p[SRV_RELOAD_FILES])
{
	const struct opt_file *f[] = { &o->ca, &o->cert, &o->key,
				       &o->extra_certs, &o->pkcs12,
				       &o->tls_auth, &o->tls_crypt,
				       &o->tls_crypt_v2 };

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		p[i] = f[i]->path;	/* inline data: among the lines */
	p[SRV_RELOAD_FILES - 1] = o->srv ? o->srv->auth_token_secret : NULL;
}

static void file_ids(const struct options *o,
		     struct srv_file_id id[SRV_RELOAD_FILES])
{
	const char *p[SRV_RELOAD_FILES];
	struct stat st;

	file_paths(o, p);
	for (size_t i = 0; i < SRV_RELOAD_FILES; i++) {
		memset(&id[i], 0, sizeof(id[i]));
		if (!p[i] || stat(p[i], &st))
			continue;
		id[i] = (struct srv_file_id){ .ok = true, .dev = st.st_dev,
					      .ino = st.st_ino,
					      .size = st.st_size,
					      .mtime = st.st_mtim };
	}
}

static bool file_id_eq(const struct srv_file_id *a, const struct srv_file_id *b)
{
	return a->ok == b->ok && (!a->ok ||
		(a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
		 a->mtime.tv_sec == b->mtime.tv_sec &&
		 a->mtime.tv_nsec == b->mtime.tv_nsec));
}

/* ---- what changed --------------------------------------------------------- */

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Local lines may only be added at the end, and of kinds already open. */
static const char *locals_diff(const struct server *s, const struct options *n,
			       struct reload_diff *d)
{
	const struct options *o = s->o;
	struct opt_endpoint ep;

	if (!o->n_locals && n->n_locals)
		return "a first --local line replaces the default socket";
	if (n->n_locals < o->n_locals)
		return "a --local line was removed";
	for (size_t i = 0; i < o->n_locals; i++) {
		const struct opt_local *a = &o->locals[i], *b = &n->locals[i];

		if (!str_eq(a->host, b->host) || !str_eq(a->port, b->port) ||
		    a->tr.proto != b->tr.proto || a->tr.family != b->tr.family)
			return "a --local line was changed";
	}
	for (size_t i = o->n_locals; options_local(n, i, &ep) == 0; i++) {
		bool v6 = ep.family == OPT_AF_INET6 ||
			  (ep.family == OPT_AF_ANY &&
			   (!ep.host || strchr(ep.host, ':')));

		if ((ep.proto != OPT_PROTO_UDP && !s->ls.any_tcp) ||
		    (v6 && !s->ls.any_v6))
			return "a new --local socket is the first TCP or IPv6 "
			       "one (the MSS clamp changes)";
		d->new_locals++;
	}
	return NULL;
}

/* NULL: @n can replace the running configuration in place (@d says what
 * to do); else why it cannot. @buf holds a made-up reason. */
static const char *reload_diff(const struct server *s, const struct options *n,
			       struct reload_diff *d, char *buf, size_t len)
{
	struct srv_file_id ids[SRV_RELOAD_FILES];
	const char *line = lines_differ(s->o, n, pick_fixed, NULL);
	const char *p[SRV_RELOAD_FILES];

	if (line) {
		snprintf(buf, len, "'%.*s' changed", (int)strcspn(line, "\x1f"),
			 line);
		return buf;
	}
	file_ids(n, ids);
	file_paths(n, p);
	for (size_t i = 0; i < SRV_RELOAD_FILES; i++)
		if (!file_id_eq(&ids[i], &s->reload.files[i])) {
			snprintf(buf, len, "file %s changed", p[i]);
			return buf;
		}
	d->push = lines_differ(s->o, n, pick_named, "push") != NULL;
	d->routes = lines_differ(s->o, n, pick_named, "route") ||
		    lines_differ(s->o, n, pick_named, "route-ipv6");
	return locals_diff(s, n, d);
}

/* ---- applying it ---------------------------------------------------------- */

static int own(struct srv_reload *r, struct options *n)
{
	struct options **v = realloc(r->owned, (r->n_owned + 1) * sizeof(*v));

	if (!v)
		return -1;
	r->owned = v;
	r->owned[r->n_owned++] = n;
	return 0;
}

/* What the reload did to the clients. */
struct reload_count {
	unsigned updated, told, revoked;
};

/* crl-verify: a connected client whose certificate the CRL now revokes
 * goes, as at the restart OpenVPN makes of a SIGHUP (it is refused when
 * it comes back); true if it was told to. */
static bool reload_revoked(struct srv_client *c)
{
	struct keystate *ks = c->sess.ks[0];

	if (!ks || !ks->tls || !tls_session_peer_revoked(ks->tls))
		return false;
	/* told to come back (RESTART), where the handshake refuses it;
	 * ended a moment later if it does not go by itself */
	log_info("%s certificate revoked by the CRL at the reload, "
		 "client-instance exiting", c->prefix);
	server_client_kill_later(c, "RESTART");
	return true;
}

static bool ccd_none(const uint8_t d[SERVER_CCD_DIGEST_LEN])
{
	for (size_t i = 0; i < SERVER_CCD_DIGEST_LEN; i++)
		if (d[i])
			return false;
	return true;
}

/* Push lines changed: a PUSH_UPDATE with @update if @c can take it (its
 * ccd file might push the same options: not then); true if sent. */
static bool reload_update(struct server *s, struct srv_client *c,
			  const char *update)
{
	unsigned long cid = c->client_id;
	uint32_t peer_id;

	if (!update || !ccd_none(c->ccd_digest))
		return false;
	if (!*update)
		return true;	/* nothing of its options changed */
	if (server_push_update(s, &cid, update, &peer_id) != 1)
		return false;
	log_info("%s: push options changed at the reload: sent as "
		 "PUSH_UPDATE", c->prefix);
	return true;
}

/* The clients whose settings changed: updated or told to come again. */
static void reload_clients(struct server *s, const struct reload_diff *d,
			   const char *update, struct reload_count *n)
{
	uint8_t now[SERVER_CCD_DIGEST_LEN];

	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];
		bool ccd;

		if (!c || c->dead || c->kill_at_ms || !c->pushed)
			continue;
		if (reload_revoked(c)) {
			n->revoked++;
			continue;
		}
		server_ccd_digest(s->so, c->cn[0] ? c->cn : "UNDEF", now);
		ccd = memcmp(now, c->ccd_digest, sizeof(now)) != 0;
		if (!ccd && !d->push)
			continue;
		if (!ccd && reload_update(s, c, update)) {
			n->updated++;
			continue;
		}
		log_info("%s: %s changed at the reload: told to reconnect",
			 c->prefix, ccd ? "its ccd file" : "push options");
		server_client_kill_later(c, "RESTART");
		n->told++;
	}
}

void server_reload_init(struct server *s, const struct server_reparse *rp)
{
	s->reload.rp = rp;
	file_ids(s->o, s->reload.files);
}

/* The new configuration, read: NULL if it has errors (logged). */
static struct options *reload_read(struct server *s)
{
	struct options *n = calloc(1, sizeof(*n));

	if (n && !s->reload.rp->parse(s->reload.rp->ctx, n) && n->srv &&
	    n->srv->mode_server)
		return n;
	if (n) {
		options_free(n);
		free(n);
	}
	log_err("SIGHUP: the configuration cannot be used (see above); the "
		"running one stays");
	return NULL;
}

bool server_reload(struct server *s)
{
	struct reload_diff d = { 0 };
	struct reload_count cnt = { 0 };
	const struct options *old;
	struct options *n;
	const char *why;
	char buf[160], *update;
	unsigned opened;

	if (!s->reload.rp)
		return false;
	log_info("SIGHUP received: reading the configuration again");
	n = reload_read(s);
	if (!n)
		return true;
	why = reload_diff(s, n, &d, buf, sizeof(buf));
	if (why || own(&s->reload, n)) {
		log_info("SIGHUP: %s: a restart is needed", why ? why : "no memory");
		options_free(n);
		free(n);
		return false;
	}
	update = d.push ? server_reload_update(&s->so->push, &n->srv->push) :
			  NULL;
	old = s->o;
	s->o = n;
	s->so = n->srv;
	s->reload.reloads++;
	if (d.routes)
		server_reload_routes(s, old);
	opened = d.new_locals ? server_listen_more(s) : 0;
	reload_clients(s, &d, update, &cnt);
	free(update);
	/* connect-freq counts anew, as after a restart: the clients told to
	 * reconnect come back at once and must not lock each other out */
	memset(&s->new_clients, 0, sizeof(s->new_clients));
	log_info("SIGHUP: configuration reloaded in place (%u clients kept, "
		 "%u updated by PUSH_UPDATE, %u told to reconnect, %u new "
		 "sockets)", s->n_clients - cnt.told - cnt.revoked, cnt.updated,
		 cnt.told, opened);
	if (cnt.revoked)
		log_info("SIGHUP: %u clients ended: their certificates are "
			 "revoked", cnt.revoked);
	return true;
}

void server_reload_free(struct server *s)
{
	struct srv_reload *r = &s->reload;

	for (size_t i = 0; i < r->n_owned; i++) {
		options_free(r->owned[i]);
		free(r->owned[i]);
	}
	free(r->owned);
	r->owned = NULL;
	r->n_owned = 0;
}
