/*
 * libFuzzer target for the key method 2 parser (ctl/keymethod2) and the
 * peer-info lookups. Besides "never crash", it checks:
 *  - a success consumed no more than the input, and every string is within
 *    its limit and NUL-terminated where the parser says;
 *  - what parsed composes again, and that parses to the same fields
 *    (absent strings come back empty: u16 0 and "" mean the same);
 *  - a failure leaves the message cleared.
 *
 * Input byte 0 bit 0 picks the sender's role; the rest is the message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/keymethod2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void check_limits(const struct km2_msg *m, enum tls_role role)
{
	if (strlen(m->options) + 1 > KM2_OPTIONS_MAX)
		abort();
	if (m->username && strlen(m->username) + 1 > KM2_USER_PASS_MAX)
		abort();
	if (m->password && strlen(m->password) + 1 > KM2_USER_PASS_MAX)
		abort();
	if (m->peer_info && strlen(m->peer_info) + 1 > KM2_STR_MAX)
		abort();
	if (m->has_pre_master != (role == TLS_ROLE_CLIENT))
		abort();
	if ((m->method_flags & KM2_METHOD_MASK) != KM2_METHOD)
		abort();
}

static void same_fields(const struct km2_msg *a, const struct km2_msg *b)
{
	if (memcmp(&a->src, &b->src, sizeof(a->src)) ||
	    strcmp(a->options, b->options) ||
	    strcmp(or_empty(a->username), or_empty(b->username)) ||
	    strcmp(or_empty(a->password), or_empty(b->password)) ||
	    strcmp(or_empty(a->peer_info), or_empty(b->peer_info)))
		abort();
}

static void recompose(const struct km2_msg *m, enum tls_role role)
{
	size_t cap = km2_size(m, role), len = 0, used = 0;
	uint8_t *buf = malloc(cap ? cap : 1);
	char err[KM2_ERR_LEN];
	struct km2_msg again;

	if (!buf)
		return;
	if (km2_compose(m, role, buf, cap, &len, err, sizeof(err)) || len != cap)
		abort();
	if (km2_parse(&again, role, buf, len, &used, err, sizeof(err)) ||
	    used != len)
		abort();
	same_fields(m, &again);
	km2_msg_clear(&again);
	free(buf);
}

static void lookups(const char *peer_info)
{
	char v[64];

	(void)km2_peer_info_proto(peer_info);
	(void)km2_peer_info_get(peer_info, "IV_VER", v, sizeof(v));
	(void)km2_peer_info_get(peer_info, "IV_CIPHERS", v, sizeof(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum tls_role role;
	char err[KM2_ERR_LEN];
	struct km2_msg m;
	size_t used = 0;

	if (size < 1)
		return 0;
	role = (data[0] & 1) ? TLS_ROLE_SERVER : TLS_ROLE_CLIENT;
	if (km2_parse(&m, role, data + 1, size - 1, &used, err, sizeof(err))) {
		if (m.options || m.username || m.password || m.peer_info ||
		    !err[0])
			abort();
		return 0;
	}
	if (used > size - 1)
		abort();
	check_limits(&m, role);
	/* An over-long user/pass was dropped: the recomposed message differs. */
	if (!m.user_pass_too_long)
		recompose(&m, role);
	lookups(m.peer_info);
	km2_msg_clear(&m);
	return 0;
}
