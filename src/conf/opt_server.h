/*
 * Server options (OpenVPN 2.6's multi-client server, --mode server): what
 * `server`, `ifconfig-pool`, `push`, client-config-dir and the per-client
 * hooks store. Held by struct options as o->srv (NULL: no server option
 * was given); freed by options_free().
 */
#ifndef DCOVPN_CONF_OPT_SERVER_H
#define DCOVPN_CONF_OPT_SERVER_H

#include <stdbool.h>
#include <netinet/in.h>

#include "conf/options.h"

enum opt_verify_client { OPT_VCC_REQUIRE = 0, OPT_VCC_OPTIONAL, OPT_VCC_NONE };

/* One iroute (client-config-dir): a network behind the client. */
struct opt_iroute {
	int family;               /* AF_INET, AF_INET6 */
	struct in6_addr addr;     /* IPv4 in the first 4 bytes */
	unsigned bits;
};

struct opt_server {
	bool mode_server;         /* mode server (or server NET MASK) */
	bool server_set;          /* server NET MASK */
	bool nopool;              /* server ... nopool */
	struct in_addr net, mask;
	bool server6_set;
	struct in6_addr net6;
	int bits6;
	bool pool6_set;           /* ifconfig-ipv6-pool ADDR/BITS */
	struct in6_addr pool6;
	int pool6_bits;
	bool bridge;              /* server-bridge GW MASK START END */
	bool bridge_dhcp;         /* server-bridge [nogw]: no pool */
	bool bridge_nogw;         /* ... nogw: no route-gateway push */
	struct in_addr bridge_gw;
	bool pool_set;            /* ifconfig-pool START END [MASK] */
	struct in_addr pool_start, pool_end, pool_mask;
	char *pool_persist;       /* ifconfig-pool-persist FILE [SECONDS] */
	int pool_persist_secs;    /* 600 default, 0: read only */
	struct opt_strv push;     /* push "..." in order */
	bool push_reset;          /* ccd: push-reset */
	struct opt_strv push_remove; /* ccd: push-remove SUBSTRING */
	char *ccd_dir;
	bool ccd_exclusive;
	bool client_to_client, duplicate_cn;
	int max_clients;          /* 1024 default */
	int max_routes;           /* max-routes-per-client, 256 default */
	int connect_freq_n, connect_freq_s;  /* new clients per seconds; 0: any */
	int connect_init_n, connect_init_s;  /* cookie replies per seconds */
	enum opt_verify_client verify_client_cert;
	bool username_as_cn;
	bool auth_gen_token;      /* auth-gen-token [LIFETIME [RENEWAL]] */
	int auth_token_lifetime;  /* s; 0: the session's life */
	char *auth_token_secret;  /* auth-gen-token-secret FILE */
	char *auth_user_pass_verify; /* command */
	bool auth_verify_via_file;
	char *client_connect, *client_disconnect, *learn_address;
	char *tls_crypt_v2_verify;          /* script on each client key */
	int tls_crypt_v2_max_age;           /* days; 0: no limit (2.7) */
	bool force_tls_ekm;       /* force-tls-key-material-export (2.7) */
	int status_version;       /* 1 default */
	/* client-config-dir entries */
	bool disable;
	bool ifconfig_push_set;
	struct in_addr ifconfig_push_local, ifconfig_push_mask;
	bool ifconfig_ipv6_push_set;
	struct in6_addr ifconfig_ipv6_push;
	int ifconfig_ipv6_push_bits;
	struct opt_iroute *iroutes;
	size_t n_iroutes;
};

/* o->srv, allocated on first use; NULL only when out of memory. */
struct opt_server *opt_server_get(struct options *o);
void opt_server_free(struct opt_server *s);

/*
 * Parse a client-config-dir file into @o (which starts from
 * options_init): only options allowed there are accepted; they land in
 * o->srv. 0, or -errno with the reason in @err. (In options.c.)
 */
int options_parse_ccd(struct options *o, const char *path, char *err,
		      size_t err_len);
/* The same for text in memory (a manager's client-auth block); @name is
 * used in messages. */
int options_parse_ccd_text(struct options *o, const char *name,
			   const char *text, size_t len, char *err,
			   size_t err_len);

#endif
