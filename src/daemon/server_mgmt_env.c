/*
 * The environment of a >CLIENT notification in OpenVPN 2.6's order and
 * with its variables (server_int.h sma_env_order).
 *
 * OpenVPN prints a client's env_set as a list, newest first (manage.c
 * man_output_env); setting a name again moves it to the front. So what a
 * notification shows is the history of that client's variables: the
 * process-wide ones (inherited first, shown last), the certificate's
 * (tls-verify, depth by depth), the peer's IV_ info, then what the
 * authentication (username, common_name, untrusted_*), client-connect
 * (ifconfig_pool_*, time_*, trusted_*) and client-disconnect (bytes_*,
 * time_duration, trusted_* again) set. Our scripts' environment is built
 * in that setting order from one table (server_script.c), so here it is
 * reversed block by block, each notification's recent names first, as
 * seen from openvpn 2.6 on the same client (tests/interop/
 * server_mgmt_cauth.sh). Names OpenVPN has not set yet at a CONNECT (the
 * client-connect ones) are left out.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/server_int.h"

/* The names each notification shows first, newest first, in pieces:
 * what the authentication sets (the password for the manager only), what
 * client-connect and client-disconnect set. */
static const char *const p_auth[] = {
	"password", "untrusted_port", "untrusted_ip", "common_name",
	"username", NULL,
};
static const char *const p_pool[] = {
	"ifconfig_pool_ip6_netbits", "ifconfig_pool_local_ip6",
	"ifconfig_pool_remote_ip6", "ifconfig_pool_netmask",
	"ifconfig_pool_remote_ip", NULL,
};
static const char *const p_time[] = { "time_unix", "time_ascii", NULL };
static const char *const p_trust[] = { "trusted_port", "trusted_ip", NULL };
static const char *const p_cn[] = {
	"common_name", "untrusted_port", "untrusted_ip", "username", NULL,
};
static const char *const p_bye[] = {
	"time_duration", "bytes_sent", "bytes_received", NULL,
};

#define HEAD_PIECES 5
/* Both tables have a row for every kind (rows left out are empty): an
 * ESTABLISHED or DISCONNECT looks in mids too. */
static const char *const *const heads[SMA_ENV_KINDS][HEAD_PIECES] = {
	[SMA_ENV_CONNECT] = { p_auth },
	[SMA_ENV_REAUTH] = { p_auth },
	[SMA_ENV_ESTABLISHED] = { p_pool, p_time, p_trust, p_cn },
	[SMA_ENV_DISCONNECT] = { p_bye, p_trust, p_pool, p_time, p_cn },
};
/* After the certificate's names: at a REAUTH the renegotiation's TLS
 * verification and peer info were set after client-connect's names. */
static const char *const *const mids[SMA_ENV_KINDS][HEAD_PIECES] = {
	[SMA_ENV_REAUTH] = { p_pool, p_time, p_trust },
};

/* The process-wide names, last, in the order OpenVPN shows them. */
static const char *const tail[] = {
	"remote_port_1", "local_port_1", "proto_1", "daemon_pid",
	"daemon_start_time", "daemon_log_redirect", "daemon", "verb", "config",
	"ifconfig_local", "ifconfig_remote", "ifconfig_netmask",
	"ifconfig_broadcast", "ifconfig_ipv6_local", "ifconfig_ipv6_netbits",
	"ifconfig_ipv6_remote", "script_context", "tun_mtu", "dev", "dev_type",
	"redirect_gateway", NULL,
};

/* Set only from client-connect on: not at a CONNECT yet. */
static const char *const later[] = {
	"ifconfig_pool_", "time_", "trusted_", "bytes_", NULL,
};

enum sma_block { B_HEAD, B_PEERINFO, B_CERT, B_MID, B_OTHER, B_TAIL };

struct env_rank {
	int block, pos;
	char *s;
};

/* Index of @s's name in @names, or -1. */
static int name_at(const char *const *names, const char *s)
{
	size_t n = strcspn(s, "=");

	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncmp(names[i], s, n))
			return i;
	return -1;
}

/* Place of @s's name in @pieces (one after the other; the first piece
 * naming it counts), or -1. */
static int pieces_at(const char *const *const pieces[HEAD_PIECES],
		     const char *s)
{
	int base = 0, i;

	for (int p = 0; p < HEAD_PIECES && pieces[p]; p++) {
		if ((i = name_at(pieces[p], s)) >= 0)
			return base + i;
		for (i = 0; pieces[p][i]; i++)
			;
		base += i;
	}
	return -1;
}

static bool has_prefix(const char *const *prefixes, const char *s)
{
	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* Where @s (the @idx-th variable) goes: blocks in order; within the
 * tables their order, elsewhere newest (the last set) first. */
static struct env_rank rank_of(enum sma_env kind, char *s, int idx)
{
	static const char *const peerinfo[] = { "IV_", "UV_", NULL };
	static const char *const cert[] = { "tls_", "X509_", NULL };
	struct env_rank r = { B_OTHER, -idx, s };
	int i;

	if ((i = pieces_at(heads[kind], s)) >= 0)
		r = (struct env_rank){ B_HEAD, i, s };
	else if ((i = pieces_at(mids[kind], s)) >= 0)
		r = (struct env_rank){ B_MID, i, s };
	else if ((i = name_at(tail, s)) >= 0)
		r = (struct env_rank){ B_TAIL, i, s };
	else if (has_prefix(peerinfo, s))
		r.block = B_PEERINFO;
	else if (has_prefix(cert, s))
		r.block = B_CERT;
	return r;
}

static int rank_cmp(const void *a, const void *b)
{
	const struct env_rank *x = a, *y = b;

	if (x->block != y->block)
		return x->block - y->block;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

void sma_env_order(char **env, enum sma_env kind)
{
	struct env_rank *r;
	size_t n = 0, k = 0;

	while (env && env[n])
		n++;
	r = n ? calloc(n, sizeof(*r)) : NULL;
	if (!r)
		return;	/* no memory: our own order, nothing lost */
	for (size_t i = 0; i < n; i++) {
		if (kind == SMA_ENV_CONNECT && has_prefix(later, env[i])) {
			free(env[i]);	/* no secret: none of these is one */
			continue;
		}
		r[k++] = rank_of(kind, env[i], (int)i);
	}
	qsort(r, k, sizeof(*r), rank_cmp);
	for (size_t i = 0; i < k; i++)
		env[i] = r[i].s;
	env[k] = NULL;
	free(r);
}
