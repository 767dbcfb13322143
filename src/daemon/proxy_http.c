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

static int req_basic(const struct options *o, const struct proxy_target *t,
		     struct http_req *r)
{
	struct proxy_creds c = { 0 };
	unsigned char plain[520], b64[700];
	int n, ret;

	ret = proxy_creds_get(&o->http_proxy, &o->http_proxy_user_pass, t,
			      "HTTP Proxy", &c);
	if (ret)
		return ret;
	n = snprintf((char *)plain, sizeof(plain), "%s:%s", c.user, c.pass);
	proxy_creds_wipe(&c);
	EVP_EncodeBlock(b64, plain, n);
	mem_wipe(plain, sizeof(plain));
	log_info("Attempting Basic Proxy-Authorization");
	req_line(r, "Proxy-Authorization: Basic %s", (char *)b64);
	mem_wipe(b64, sizeof(b64));
	return 0;
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

/* The first Proxy-Authenticate header (as OpenVPN): Basic, or Digest
 * and its parameters into @challenge. */
static void offered_method(const char *value, enum opt_proxy_auth *offered,
			   char *challenge, size_t len)
{
	value += strspn(value, " ");
	if (!strncasecmp(value, "Basic ", 6)) {
		*offered = OPT_PROXY_AUTH_BASIC;
	} else if (!strncasecmp(value, "Digest ", 7)) {
		*offered = OPT_PROXY_AUTH_DIGEST;
		snprintf(challenge, len, "%s", value + 7);
	}
}

/* The reply's headers up to the empty line; what the proxy offers. */
static int read_headers(int fd, uint64_t deadline, enum opt_proxy_auth *offered,
			char *challenge, size_t len)
{
	char line[HTTP_LINE_MAX];

	for (int i = 0; i < HTTP_HEADERS_MAX; i++) {
		int ret = read_line(fd, line, sizeof(line), deadline);

		if (ret)
			return ret;
		if (!line[0])
			return 0;
		if (*offered == OPT_PROXY_AUTH_NONE &&
		    !strncasecmp(line, "Proxy-Authenticate:", 19))
			offered_method(line + 19, offered, challenge, len);
	}
	return -EPROTO;
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

static int req_digest(const struct options *o, const struct proxy_target *t,
		      struct http_req *r, const char *challenge)
{
	struct proxy_creds c = { 0 };
	char uri[320], line[HTTP_LINE_MAX + 512];
	int ret;

	ret = proxy_creds_get(&o->http_proxy, &o->http_proxy_user_pass, t,
			      "HTTP Proxy", &c);
	if (ret)
		return ret;
	snprintf(uri, sizeof(uri), "%s:%s", t->host, t->port);
	ret = proxy_digest_header(challenge, c.user, c.pass, uri, line,
				  sizeof(line));
	proxy_creds_wipe(&c);
	if (!ret) {
		log_info("Attempting Digest Proxy-Authorization");
		req_line(r, "%s", line);
	}
	mem_wipe(line, sizeof(line));
	return ret;
}

static int send_connect(const struct options *o, const struct proxy_target *t,
			int fd, const struct proxy_http_auth *a, uint64_t deadline)
{
	struct http_req r = { .len = 0 };
	int ret = 0;

	req_line(&r, "CONNECT %s:%s HTTP/%s", t->host, t->port,
		 o->http_proxy_version ? o->http_proxy_version : "1.0");
	log_info("Send to HTTP proxy: 'CONNECT %s:%s'", t->host, t->port);
	req_headers(o, t, &r);
	if (a->method == OPT_PROXY_AUTH_BASIC)
		ret = req_basic(o, t, &r);
	else if (a->method == OPT_PROXY_AUTH_DIGEST)
		ret = req_digest(o, t, &r, a->challenge);
	if (ret) {
		mem_wipe(r.buf, sizeof(r.buf));
		return ret;
	}
	req_line(&r, "%s", "");
	ret = r.overflow ? -E2BIG : proxy_write(fd, r.buf, r.len, deadline);
	mem_wipe(r.buf, sizeof(r.buf));
	return ret;
}

int proxy_http(const struct options *o, const struct proxy_target *t, int fd,
	       struct proxy_http_auth *a)
{
	uint64_t deadline = clock_now_ms() + t->timeout_ms;
	enum opt_proxy_auth offered = OPT_PROXY_AUTH_NONE;
	char line[HTTP_LINE_MAX];
	int status = 0, ret;

	ret = send_connect(o, t, fd, a, deadline);
	if (!ret)
		ret = read_line(fd, line, sizeof(line), deadline);
	if (ret) {
		log_err("HTTP proxy: %s", strerror(-ret));
		return ret;
	}
	log_info("HTTP proxy returned: '%s'", line);
	if (sscanf(line, "%*s %d", &status) != 1)
		status = 0;
	ret = read_headers(fd, deadline, &offered, a->challenge,
			   sizeof(a->challenge));
	if (ret)
		return ret;
	if (status == 407) {
		log_info("Proxy requires authentication");
		return learn_method(&o->http_proxy, offered, a);
	}
	if (status != 200) {
		log_err("HTTP proxy returned bad status");
		return -ECONNREFUSED;
	}
	return 0;
}
