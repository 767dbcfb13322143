/* --http-proxy: HTTP CONNECT as OpenVPN 2.6's proxy.c sends it. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "daemon/proxy.h"

#define HTTP_LINE_MAX 512
#define HTTP_HEADERS_MAX 64	/* lines of a reply we read at most */

struct http_req {
	char buf[4096];
	size_t len;
	bool overflow;
};

static void req_line(struct http_req *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void req_line(struct http_req *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, sizeof(r->buf) - r->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 >= sizeof(r->buf) - r->len) {
		r->overflow = true;
		return;
	}
	r->len += (size_t)n;
	memcpy(r->buf + r->len, "\r\n", 2);
	r->len += 2;
}

/* Custom headers, then Host (unless one of them was Host), User-Agent. */
static void req_headers(const struct options *o, const struct proxy_target *t,
			struct http_req *r)
{
	bool host_sent = false;

	for (size_t i = 0; i < o->http_proxy_headers.n; i++) {
		const struct opt_pair *h = &o->http_proxy_headers.v[i];

		if (h->value[0]) {
			req_line(r, "%s: %s", h->name, h->value);
			host_sent |= !strcasecmp(h->name, "Host");
		} else {
			req_line(r, "%s", h->name);
			host_sent |= !strncasecmp(h->name, "Host:", 5);
		}
	}
	if (!host_sent)
		req_line(r, "Host: %s", t->host);
	if (o->http_proxy_agent)
		req_line(r, "User-Agent: %s", o->http_proxy_agent);
}

/* The Proxy-Authorization line that @make builds from the credentials
 * (and @arg); @what is logged. The credentials and line are wiped. */
typedef int (*auth_line_fn)(const struct proxy_creds *c, const void *arg,
			    char *out, size_t len);

static int req_auth(const struct options *o, const struct proxy_target *t,
		    struct http_req *r, auth_line_fn make, const void *arg,
		    const char *what)
{
	struct proxy_creds c = { 0 };
	char line[HTTP_LINE_MAX + 1024];
	int ret;

	ret = proxy_creds_get(&o->http_proxy, &o->http_proxy_user_pass, t,
			      "HTTP Proxy", &c);
	if (!ret)
		ret = make(&c, arg, line, sizeof(line));
	proxy_creds_wipe(&c);
	if (!ret) {
		log_info("Attempting %s", what);
		req_line(r, "%s", line);
	}
	mem_wipe(line, sizeof(line));
	return ret;
}

static int basic_line(const struct proxy_creds *c, const void *arg, char *out,
		      size_t len)
{
	unsigned char plain[520];
	int n = snprintf((char *)plain, sizeof(plain), "%s:%s", c->user, c->pass);
	int pre = snprintf(out, len, "Proxy-Authorization: Basic ");

	(void)arg;
	if (4 * (((size_t)n + 2) / 3) + 1 > len - (size_t)pre)
		n = -1;
	else
		EVP_EncodeBlock((unsigned char *)out + pre, plain, n);
	mem_wipe(plain, sizeof(plain));
	return n < 0 ? -E2BIG : 0;
}

/* One CRLF-terminated line (CR and LF dropped), byte by byte: nothing of
 * the OpenVPN stream after the reply is consumed. */
static int read_line(int fd, char *line, size_t max, uint64_t deadline)
{
	size_t n = 0;
	char ch;
	int ret;

	for (;;) {
		ret = proxy_read(fd, &ch, 1, deadline);
		if (ret)
			return ret;
		if (ch == '\n')
			break;
		if (ch != '\r' && n + 1 < max)
			line[n++] = ch;
	}
	line[n] = '\0';
	return 0;
}

/* The first Proxy-Authenticate header (as OpenVPN): Basic, Digest and
 * its parameters into @challenge, or NTLM (proxy.c: auto follows it with
 * NTLM's three phases on the next connection; 2.6 answers with NTLM v1,
 * which dcovpn does not offer: NTLMv2, as 2.7); in NTLM mode the NTLM
 * one (its type 2 message into @challenge). */
static void offered_method(const char *value, enum opt_proxy_auth *offered,
			   char *challenge, size_t len)
{
	value += strspn(value, " ");
	if (*offered == OPT_PROXY_AUTH_NTLM2) {
		if (!strncasecmp(value, "NTLM ", 5))
			snprintf(challenge, len, "%s", value + 5 + strspn(value + 5, " "));
	} else if (!strncasecmp(value, "Basic ", 6)) {
		*offered = OPT_PROXY_AUTH_BASIC;
	} else if (!strncasecmp(value, "Digest ", 7)) {
		*offered = OPT_PROXY_AUTH_DIGEST;
		snprintf(challenge, len, "%s", value + 7);
	} else if (!strncmp(value, "NTLM", 4)) {
		*offered = OPT_PROXY_AUTH_NTLM2;
	}
}

/* The reply's headers up to the empty line; what the proxy offers
 * (@offered: NTLM2 to look for the NTLM challenge) and the length of the
 * body that follows. */
static int read_headers(int fd, uint64_t deadline, enum opt_proxy_auth *offered,
			char *challenge, size_t len, size_t *body)
{
	char line[HTTP_LINE_MAX];

	*body = 0;
	for (int i = 0; i < HTTP_HEADERS_MAX; i++) {
		int ret = read_line(fd, line, sizeof(line), deadline);

		if (ret)
			return ret;
		if (!line[0])
			return 0;
		if (!strncasecmp(line, "Content-Length:", 15))
			*body = strtoul(line + 15, NULL, 10);
		if ((*offered == OPT_PROXY_AUTH_NONE ||
		     *offered == OPT_PROXY_AUTH_NTLM2) &&
		    !strncasecmp(line, "Proxy-Authenticate:", 19))
			offered_method(line + 19, offered, challenge, len);
	}
	return -EPROTO;
}

/* A 407's body, read and dropped (NTLM goes on on the same connection). */
static int skip_body(int fd, size_t len, uint64_t deadline)
{
	char buf[256];
	int ret = len > 65536 ? -EPROTO : 0;

	while (!ret && len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);

		ret = proxy_read(fd, buf, n, deadline);
		len -= n;
	}
	return ret;
}

/* A 407 in "auto" mode: what the proxy wants, for the next connection. */
static int learn_method(const struct opt_proxy *p,
			enum opt_proxy_auth offered, struct proxy_http_auth *a)
{
	if (!p->auto_auth || a->method != OPT_PROXY_AUTH_NONE ||
	    offered == OPT_PROXY_AUTH_NONE) {
		log_err("HTTP proxy: %s", offered == OPT_PROXY_AUTH_NONE ?
			"do not recognize the authentication method required "
			"by proxy" : "no support for proxy authentication "
			"method");
		return -EACCES;
	}
	if (p->no_cleartext && offered == OPT_PROXY_AUTH_BASIC) {
		log_err("HTTP proxy: support for basic auth and other cleartext "
			"proxy auth methods is disabled");
		return -EACCES;
	}
	a->method = offered;
	return -EAGAIN;
}

struct digest_arg {
	const char *challenge, *uri;
};

static int digest_line(const struct proxy_creds *c, const void *arg,
		       char *out, size_t len)
{
	const struct digest_arg *d = arg;

	return proxy_digest_header(d->challenge, c->user, c->pass, d->uri, out,
				   len);
}

static int ntlm3_line(const struct proxy_creds *c, const void *arg,
		      char *out, size_t len)
{
	int pre = snprintf(out, len, "Proxy-Authorization: NTLM ");

	return proxy_ntlm_type3(arg, c->user, c->pass, out + pre,
				len - (size_t)pre);
}

static int send_connect(const struct options *o, const struct proxy_target *t,
			int fd, const struct proxy_http_auth *a, uint64_t deadline)
{
	struct http_req r = { .len = 0 };
	bool ntlm = a->method == OPT_PROXY_AUTH_NTLM2;
	char uri[320];
	struct digest_arg dig = { a->challenge, uri };
	int ret = 0;

	snprintf(uri, sizeof(uri), "%s:%s", t->host, t->port);
	req_line(&r, "CONNECT %s:%s HTTP/%s", t->host, t->port,
		 o->http_proxy_version ? o->http_proxy_version : "1.0");
	log_info("Send to HTTP proxy: 'CONNECT %s:%s'", t->host, t->port);
	if (ntlm && a->challenge[0])    /* NTLM phase 3, as 2.6 */
		req_line(&r, "Proxy-Connection: Keep-Alive");
	req_headers(o, t, &r);
	if (a->method == OPT_PROXY_AUTH_BASIC)
		ret = req_auth(o, t, &r, basic_line, NULL,
			       "Basic Proxy-Authorization");
	else if (a->method == OPT_PROXY_AUTH_DIGEST)
		ret = req_auth(o, t, &r, digest_line, &dig,
			       "Digest Proxy-Authorization");
	else if (ntlm && a->challenge[0])
		ret = req_auth(o, t, &r, ntlm3_line, a->challenge,
			       "NTLM Proxy-Authorization phase 3");
	if (ntlm && !a->challenge[0]) {
		/* phase 1, as 2.6: after the other headers */
		req_line(&r, "Proxy-Connection: Keep-Alive");
		log_info("Attempting NTLM Proxy-Authorization phase 1");
		req_line(&r, "Proxy-Authorization: NTLM %s", proxy_ntlm_type1());
	}
	if (ret) {
		mem_wipe(r.buf, sizeof(r.buf));
		return ret;
	}
	req_line(&r, "%s", "");
	ret = r.overflow ? -E2BIG : proxy_write(fd, r.buf, r.len, deadline);
	mem_wipe(r.buf, sizeof(r.buf));
	return ret;
}

/* One CONNECT and its reply's status and headers (what a 407 offers in
 * @offered, an NTLM challenge in @a). */
static int exchange(const struct options *o, const struct proxy_target *t,
		    int fd, struct proxy_http_auth *a, uint64_t deadline,
		    int *status, enum opt_proxy_auth *offered)
{
	char line[HTTP_LINE_MAX];
	size_t body = 0;
	int ret;

	ret = send_connect(o, t, fd, a, deadline);
	if (!ret)
		ret = read_line(fd, line, sizeof(line), deadline);
	if (ret) {
		log_err("HTTP proxy: %s", strerror(-ret));
		return ret;
	}
	log_info("HTTP proxy returned: '%s'", line);
	if (sscanf(line, "%*s %d", status) != 1)
		*status = 0;
	if (a->method == OPT_PROXY_AUTH_NTLM2)
		a->challenge[0] = '\0';
	ret = read_headers(fd, deadline, offered, a->challenge,
			   sizeof(a->challenge), &body);
	if (!ret && *status == 407)
		ret = skip_body(fd, body, deadline);
	return ret;
}

int proxy_http(const struct options *o, const struct proxy_target *t, int fd,
	       struct proxy_http_auth *a)
{
	uint64_t deadline = clock_now_ms() + t->timeout_ms;
	bool ntlm = a->method == OPT_PROXY_AUTH_NTLM2;
	enum opt_proxy_auth offered = a->method;
	int status = 0, ret;

	if (!ntlm)
		offered = OPT_PROXY_AUTH_NONE;
	a->challenge[0] = ntlm ? '\0' : a->challenge[0];
	ret = exchange(o, t, fd, a, deadline, &status, &offered);
	if (!ret && ntlm && status == 407 && a->challenge[0]) {
		log_info("Received NTLM Proxy-Authorization phase 2 response");
		ret = exchange(o, t, fd, a, deadline, &status, &offered);
	}
	if (ret)
		return ret;
	if (status == 407) {
		log_info("Proxy requires authentication");
		if (ntlm) {
			log_err("HTTP proxy: NTLM authentication failed");
			return -EACCES;
		}
		return learn_method(&o->http_proxy, offered, a);
	}
	if (status != 200) {
		log_err("HTTP proxy returned bad status");
		return -ECONNREFUSED;
	}
	return 0;
}
