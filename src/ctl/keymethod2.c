/*
 * Key method 2 message and peer-info (keymethod2.h).
 *
 * The reader keeps a cursor over the input and checks every length against
 * what is left before touching a byte; strings are copied only after their
 * NUL terminator was found where the length says.
 */
#include "ctl/keymethod2.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/errbuf.h"
#include "base/mem.h"

#define KM2_HEAD_LEN 5u		/* u32 zero + method byte */

/* 2.6's default data-ciphers. */
#define KM2_DEFAULT_CIPHERS "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305"
#define KM2_DEFAULT_MTU 1600u	/* 2.6's tun-mtu-max default */

/*
 * Bits dcovpn may announce. DYN_TLS_CRYPT: renegotiations under a key of
 * the session (ctl/session_dyn.h); PUSH_UPDATE: a pull client applies
 * pushed updates (ctl/pushupd.h); DATA_EPOCH: the engine has 2.7's epoch
 * data keys (dco/epoch.h).
 */
#define KM2_IV_PROTO_ALLOWED (KM2_IV_PROTO_DATA_V2 | KM2_IV_PROTO_REQUEST_PUSH | \
			      KM2_IV_PROTO_TLS_KEY_EXPORT | \
			      KM2_IV_PROTO_AUTH_PENDING_KW | \
			      KM2_IV_PROTO_NCP_P2P | KM2_IV_PROTO_DNS_OPTION | \
			      KM2_IV_PROTO_CC_EXIT_NOTIFY | \
			      KM2_IV_PROTO_AUTH_FAIL_TEMP | \
			      KM2_IV_PROTO_DYN_TLS_CRYPT | \
			      KM2_IV_PROTO_PUSH_UPDATE | \
			      KM2_IV_PROTO_DATA_EPOCH)

/* ------------------------------------------------------------- compose */

/* Wire size of a string field: u16 + bytes + NUL, or u16 0 when absent. */
static size_t str_size(const char *s)
{
	return 2 + (s ? strlen(s) + 1 : 0);
}

size_t km2_size(const struct km2_msg *m, enum tls_role sender)
{
	return KM2_HEAD_LEN +
	       (sender == TLS_ROLE_CLIENT ? KDF_PRE_MASTER_LEN : 0) +
	       2 * KDF_RANDOM_LEN + str_size(m->options) +
	       str_size(m->username) + str_size(m->password) +
	       str_size(m->peer_info);
}

static uint8_t *put_str(uint8_t *p, const char *s)
{
	size_t n = s ? strlen(s) + 1 : 0;

	store_be16(p, (uint16_t)n);
	if (n)
		memcpy(p + 2, s, n);
	return p + 2 + n;
}

/* @max counts the NUL, as OpenVPN's limits do. */
static int check_len(const char *s, size_t max, const char *what, char *err,
		     size_t errlen)
{
	if (s && strlen(s) + 1 > max) {
		errbuf_set(err, errlen, "key method 2: %s longer than %zu bytes",
			   what, max - 1);
		return -EINVAL;
	}
	return 0;
}

static int check_fields(const struct km2_msg *m, char *err, size_t errlen)
{
	int ret;

	ret = check_len(m->options, KM2_OPTIONS_MAX, "options string", err, errlen);
	if (!ret)
		ret = check_len(m->username, KM2_USER_PASS_MAX, "username", err, errlen);
	if (!ret)
		ret = check_len(m->password, KM2_USER_PASS_MAX, "password", err, errlen);
	if (!ret)
		ret = check_len(m->peer_info, KM2_STR_MAX, "peer-info", err, errlen);
	return ret;
}

int km2_compose(const struct km2_msg *m, enum tls_role sender, uint8_t *buf,
		size_t cap, size_t *len, char *err, size_t errlen)
{
	uint8_t *p = buf;
	size_t need;
	int ret;

	*len = 0;
	ret = check_fields(m, err, errlen);
	if (ret)
		return ret;
	need = km2_size(m, sender);
	if (need > cap) {
		errbuf_set(err, errlen, "key method 2: %zu bytes do not fit in %zu",
			   need, cap);
		return -ENOSPC;
	}
	store_be32(p, 0);
	p[4] = KM2_METHOD;
	p += KM2_HEAD_LEN;
	if (sender == TLS_ROLE_CLIENT) {
		memcpy(p, m->src.pre_master, KDF_PRE_MASTER_LEN);
		p += KDF_PRE_MASTER_LEN;
	}
	memcpy(p, m->src.random1, KDF_RANDOM_LEN);
	memcpy(p + KDF_RANDOM_LEN, m->src.random2, KDF_RANDOM_LEN);
	p += 2 * KDF_RANDOM_LEN;
	p = put_str(p, m->options);
	p = put_str(p, m->username);
	p = put_str(p, m->password);
	p = put_str(p, m->peer_info);
	*len = (size_t)(p - buf);
	return 0;
}

/* --------------------------------------------------------------- parse */

struct cursor {
	const uint8_t *p;
	size_t left;
	char *err;
	size_t errlen;
};

static int take(struct cursor *c, void *dst, size_t n, const char *what)
{
	if (c->left < n) {
		errbuf_set(c->err, c->errlen, "key method 2: truncated in %s "
			   "(%zu of %zu bytes)", what, c->left, n);
		return -EBADMSG;
	}
	if (dst)
		memcpy(dst, c->p, n);
	c->p += n;
	c->left -= n;
	return 0;
}

/*
 * One string field with at most @max bytes (NUL included). *@out gets a heap
 * copy, "" for u16 0. @optional: the end of input means absent (*out NULL).
 * Returns 1 if the field was longer than @max and skipped (out NULL).
 */
static int take_str(struct cursor *c, char **out, size_t max, bool optional,
		    const char *what)
{
	uint8_t hdr[2];
	size_t n;
	int ret;

	*out = NULL;
	if (optional && c->left == 0)
		return 0;
	ret = take(c, hdr, sizeof(hdr), what);
	if (ret)
		return ret;
	n = load_be16(hdr);
	if (n > c->left)
		return take(c, NULL, n, what);	/* fails: truncated */
	if (n > max) {
		c->p += n;
		c->left -= n;
		return 1;
	}
	if (n && (c->p[n - 1] != '\0' || memchr(c->p, '\0', n - 1))) {
		errbuf_set(c->err, c->errlen, "key method 2: %s is not one "
			   "NUL-terminated string", what);
		return -EBADMSG;
	}
	*out = n ? malloc(n) : strdup("");
	if (!*out) {
		errbuf_set(c->err, c->errlen, "key method 2: out of memory");
		return -ENOMEM;
	}
	if (n)
		memcpy(*out, c->p, n);
	c->p += n;
	c->left -= n;
	return 0;
}

static int parse_head(struct km2_msg *m, struct cursor *c, enum tls_role sender)
{
	uint8_t head[KM2_HEAD_LEN];
	int ret;

	/* OpenVPN skips the leading u32 without looking at it; so do we. */
	ret = take(c, head, sizeof(head), "header");
	if (ret)
		return ret;
	m->method_flags = head[4];
	if ((head[4] & KM2_METHOD_MASK) != KM2_METHOD) {
		errbuf_set(c->err, c->errlen, "key method 2: unknown key method/flags "
			   "%u", head[4]);
		return -EBADMSG;
	}
	if (sender == TLS_ROLE_CLIENT) {
		ret = take(c, m->src.pre_master, KDF_PRE_MASTER_LEN, "pre_master");
		if (ret)
			return ret;
		m->has_pre_master = true;
	}
	ret = take(c, m->src.random1, KDF_RANDOM_LEN, "random1");
	if (!ret)
		ret = take(c, m->src.random2, KDF_RANDOM_LEN, "random2");
	return ret;
}

static int parse_strings(struct km2_msg *m, struct cursor *c)
{
	int ret;

	ret = take_str(c, &m->options, KM2_OPTIONS_MAX, false, "options string");
	if (ret == 1) {
		errbuf_set(c->err, c->errlen, "key method 2: options string longer "
			   "than %u bytes", KM2_OPTIONS_MAX - 1);
		return -EBADMSG;
	}
	if (ret)
		return ret;
	/* Missing trailing fields are absent, as OpenVPN reads them. */
	ret = take_str(c, &m->username, KM2_USER_PASS_MAX, true, "username");
	if (ret < 0)
		return ret;
	m->user_pass_too_long = ret == 1;
	ret = take_str(c, &m->password, KM2_USER_PASS_MAX, true, "password");
	if (ret < 0)
		return ret;
	m->user_pass_too_long |= ret == 1;
	ret = take_str(c, &m->peer_info, KM2_STR_MAX, true, "peer-info");
	return ret < 0 ? ret : 0;
}

int km2_parse(struct km2_msg *out, enum tls_role sender, const uint8_t *buf,
	      size_t len, size_t *consumed, char *err, size_t errlen)
{
	struct cursor c = { buf, len, err, errlen };
	int ret;

	memset(out, 0, sizeof(*out));
	if (consumed)
		*consumed = 0;
	ret = parse_head(out, &c, sender);
	if (!ret)
		ret = parse_strings(out, &c);
	if (ret) {
		km2_msg_clear(out);
		return ret;
	}
	if (consumed)
		*consumed = len - c.left;
	return 0;
}

static void free_str(char **s, bool secret)
{
	if (*s && secret)
		mem_wipe(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

void km2_msg_clear(struct km2_msg *m)
{
	free_str(&m->options, false);
	free_str(&m->username, true);
	free_str(&m->password, true);
	free_str(&m->peer_info, false);
	mem_wipe(m, sizeof(*m));
}

/* ----------------------------------------------------------- peer-info */

struct sbuf {
	char *p;
	size_t cap, len;
	bool overflow;
};

__attribute__((format(printf, 2, 3)))
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		b->overflow = true;
		return;
	}
	b->len += (size_t)n;
}

/* Is @item one of the ':'-separated names in @list? */
static bool in_list(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p; p = strchr(p, ':')) {
		if (*p == ':')
			p++;
		if (!strncmp(p, item, n) && (p[n] == ':' || p[n] == '\0'))
			return true;
	}
	return false;
}

static bool bad_value(const char *v)
{
	return v && strpbrk(v, "\n\r") != NULL;
}

static unsigned peer_info_proto(const struct km2_peer_info_cfg *cfg)
{
	unsigned proto = cfg->proto ? cfg->proto : KM2_IV_PROTO_DEFAULT;

	/* DATA_V2 must accompany every other bit (ssl.h). */
	proto |= KM2_IV_PROTO_DATA_V2;
	/* a pull client also takes AUTH_PENDING's keywords
	 * (daemon/client_info.c), as 2.6's */
	proto |= cfg->pull ? KM2_IV_PROTO_REQUEST_PUSH | KM2_IV_PROTO_PUSH_UPDATE |
			     KM2_IV_PROTO_AUTH_PENDING_KW : KM2_IV_PROTO_NCP_P2P;
	return proto;
}

static int check_peer_info_cfg(const struct km2_peer_info_cfg *cfg,
			       unsigned proto, const char *ciphers, char *err,
			       size_t errlen)
{
	if (proto & ~KM2_IV_PROTO_ALLOWED) {
		errbuf_set(err, errlen, "peer-info: IV_PROTO bits 0x%x are not "
			   "implemented by dcovpn", proto & ~KM2_IV_PROTO_ALLOWED);
		return -EINVAL;
	}
	if (bad_value(ciphers) || bad_value(cfg->gui_ver) || bad_value(cfg->sso)) {
		errbuf_set(err, errlen, "peer-info: a value contains a line break");
		return -EINVAL;
	}
	return 0;
}

/*
 * The variables, in OpenVPN 2.6's order (push_peer_info), and why each:
 *  IV_VER     servers read it for version-dependent defaults; a 2.6 version
 *             gets 2.6 behaviour (NCP, EKM, protocol-flags), which is what
 *             dcovpn implements.
 *  IV_PLAT    informational (server scripts, ccd); we run on Linux.
 *  IV_TCPNL   the engine's replay window accepts reordered ids on TCP too.
 *  IV_MTU     pull only: lets the server push a tun-mtu up to this value.
 *  IV_NCP=2   pull only: older (2.4/2.5) servers negotiate AES-GCM with it.
 *  IV_CIPHERS the data-ciphers we accept, for NCP (2.5+ servers, P2P).
 *  IV_PROTO   the protocol features we implement (see keymethod2.h).
 * No compression variables: the engine has no compression framing but the
 * "stub" that 2.6 servers fall back to without them (PROTOCOL.md 5.8).
 * IV_HWADDR/IV_SSL/IV_PLAT_VER/UV_* only with push-peer-info (level 3):
 * the daemon passes them in cfg->extra.
 */
int km2_peer_info(const struct km2_peer_info_cfg *cfg, char *buf, size_t cap,
		  char *err, size_t errlen)
{
	const char *ciphers = cfg->ciphers ? cfg->ciphers : KM2_DEFAULT_CIPHERS;
	unsigned proto = peer_info_proto(cfg);
	struct sbuf b = { buf, cap, 0, cap == 0 };
	int ret;

	ret = check_peer_info_cfg(cfg, proto, ciphers, err, errlen);
	if (ret)
		return ret;
	if (cfg->pull || cfg->full)
		sb_add(&b, "IV_VER=%s\nIV_PLAT=%s\nIV_TCPNL=1\n", KM2_IV_VER,
		       KM2_IV_PLAT);
	if (cfg->pull) {
		sb_add(&b, "IV_MTU=%u\n", cfg->mtu ? cfg->mtu : KM2_DEFAULT_MTU);
		if (in_list(ciphers, "AES-128-GCM") && in_list(ciphers, "AES-256-GCM"))
			sb_add(&b, "IV_NCP=2\n");
	}
	sb_add(&b, "IV_CIPHERS=%s\nIV_PROTO=%u\n", ciphers, proto);
	if (cfg->pull && cfg->gui_ver)
		sb_add(&b, "IV_GUI_VER=%s\n", cfg->gui_ver);
	if (cfg->pull && cfg->sso)
		sb_add(&b, "IV_SSO=%s\n", cfg->sso);
	if (cfg->extra)
		sb_add(&b, "%s", cfg->extra);
	if (b.overflow || b.len + 1 > KM2_STR_MAX) {
		errbuf_set(err, errlen, "peer-info: does not fit in %zu bytes", cap);
		return -ENOSPC;
	}
	return (int)b.len;
}

int km2_peer_info_get(const char *peer_info, const char *name, char *buf,
		      size_t cap)
{
	size_t n = strlen(name);

	for (const char *p = peer_info; p && *p; p = strchr(p, '\n')) {
		const char *end;
		size_t vlen;

		if (*p == '\n')
			p++;
		if (strncmp(p, name, n) || p[n] != '=')
			continue;
		p += n + 1;
		end = strchr(p, '\n');
		vlen = end ? (size_t)(end - p) : strlen(p);
		if (vlen >= cap)
			return -ENOSPC;
		memcpy(buf, p, vlen);
		buf[vlen] = '\0';
		return 0;
	}
	return -ENOENT;
}

bool km2_epoch_negotiated(unsigned peer_proto, enum dco_cipher cipher)
{
	bool aead = cipher == DCO_CIPHER_AES_128_GCM ||
		    cipher == DCO_CIPHER_AES_192_GCM ||
		    cipher == DCO_CIPHER_AES_256_GCM ||
		    cipher == DCO_CIPHER_CHACHA20_POLY1305;

	return aead && (peer_proto & KM2_IV_PROTO_DATA_EPOCH) &&
	       (peer_proto & KM2_IV_PROTO_DATA_V2);
}

unsigned km2_peer_info_proto(const char *peer_info)
{
	char v[16], *end;
	unsigned long n;

	if (km2_peer_info_get(peer_info, "IV_PROTO", v, sizeof(v)) || !v[0])
		return 0;
	n = strtoul(v, &end, 10);
	if (*end || v[0] == '-' || n > 0x7fffffffUL)
		return 0;
	return (unsigned)n;
}
