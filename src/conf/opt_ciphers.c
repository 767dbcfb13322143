/*
 * --data-ciphers / --ncp-ciphers: OpenVPN 2.7 lets the list name DEFAULT for
 * its default ciphers ("AES-128-GCM:DEFAULT", "DEFAULT"). Expanded here, once,
 * so every later user (IV_CIPHERS, the server's choice, pushed checks) sees
 * plain cipher names: a literal "DEFAULT" sent to a peer matches nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/optable.h"

/* OpenVPN 2.6/2.7's default data-ciphers. */
#define OPT_DEFAULT_CIPHERS "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305"
/* Longest list accepted, as OpenVPN's MAX_NCP_CIPHERS_LENGTH. */
#define OPT_CIPHERS_MAX 1024u

static int append(char *out, size_t *len, const char *s, size_t n)
{
	if (*len + (*len ? 1 : 0) + n >= OPT_CIPHERS_MAX)
		return -1;
	if (*len)
		out[(*len)++] = ':';
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

OPT_HANDLER(h_data_ciphers)
{
	char out[OPT_CIPHERS_MAX] = "";
	const char *p = argv[1], *end;
	size_t len = 0, n;
	int rc;

	(void)argc;
	for (;;) {
		end = strchr(p, ':');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 7 && !strncmp(p, "DEFAULT", 7))
			rc = append(out, &len, OPT_DEFAULT_CIPHERS,
				    strlen(OPT_DEFAULT_CIPHERS));
		else
			rc = n ? append(out, &len, p, n) : 0;
		if (rc)
			return opt_fail(c, "--%s: list longer than %u characters",
					argv[0], OPT_CIPHERS_MAX - 1);
		if (!end)
			break;
		p = end + 1;
	}
	return opt_strset((char **)((char *)c->o + d->off), out);
}
