/*
 * Internal to src/conf: the option table and what its handlers share.
 * One row per option (optable.c): name, how many parameters, where it may
 * appear, the handler that stores it into struct options. Handlers live in
 * opt_*.c grouped by subject; value parsers in optval.c.
 */
#ifndef DCOVPN_CONF_OPTABLE_H
#define DCOVPN_CONF_OPTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/options.h"

/* Where an option may appear, and how it may be given. */
#define OPT_W_FILE	(1u << 0)
#define OPT_W_CMDLINE	(1u << 1)
#define OPT_W_PUSH	(1u << 2)	/* in a PUSH_REPLY */
#define OPT_W_CCD	(1u << 3)	/* in a client-config-dir file */
#define OPT_W_INLINE	(1u << 4)	/* may be an inline <block> */
#define OPT_W_ROUTES	(1u << 5)	/* pushed route class: off with route-nopull */
#define OPT_W_LOCAL	(OPT_W_FILE | OPT_W_CMDLINE)
#define OPT_W_PULLED	(OPT_W_LOCAL | OPT_W_PUSH)

/* The state of one option being applied. */
struct opt_ctx {
	struct options *o;
	const char *file;	/* "client.conf", "[CMD-LINE]", "[PUSH-OPTIONS]" */
	unsigned int line;
	unsigned int source;	/* one OPT_W_ source bit */
	int depth;		/* config nesting, 1 for the top file */
	bool is_inline;
	size_t inline_len;
	const char *name;	/* option being applied, for messages */
	char *err;
	size_t err_len;
};

struct opt_desc;
typedef int (*opt_fn)(struct opt_ctx *c, const struct opt_desc *d,
		      char **argv, unsigned int argc);

struct opt_desc {
	const char *name;
	uint8_t min, max;	/* parameters, the name not counted */
	uint16_t where;		/* OPT_W_* */
	opt_fn fn;
	size_t off;		/* field of struct options, generic handlers */
	int lo, hi;		/* range, h_int */
	const char *note;	/* message of h_refuse / h_ignore */
};

const struct opt_desc *optable_find(const char *name, size_t *index);
/* Row @i of the table, or NULL past its end. */
const struct opt_desc *optable_at(size_t i);

/* Apply one tokenized option (argv[0] is the name) from source c->source. */
int optable_apply(struct opt_ctx *c, char **argv, unsigned int argc);

/* Messages: "file:line: ..." into c->err; opt_fail returns -EINVAL. */
int opt_fail(struct opt_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void opt_warn(struct opt_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Value parsers: 0, or -EINVAL with a message naming c->name. */
int optval_int(struct opt_ctx *c, const char *s, int lo, int hi, int *out);
int optval_int64(struct opt_ctx *c, const char *s, int64_t *out);
int optval_port(struct opt_ctx *c, const char *s, bool allow_zero);
int optval_transport(struct opt_ctx *c, const char *s,
		     struct opt_transport *out);
int optval_ip4(struct opt_ctx *c, const char *s, struct in_addr *out);
int optval_ip6_bits(struct opt_ctx *c, const char *s, struct in6_addr *out,
		    int *bits);
int optval_ip6(struct opt_ctx *c, const char *s, struct in6_addr *out);
/* @s is one of the NULL-terminated @words: its index, else -EINVAL. */
int optval_word(struct opt_ctx *c, const char *s, const char *const *words);

/* Storage helpers: -ENOMEM only. */
int opt_strset(char **field, const char *s);
void opt_strfree(char **field, bool secret);
int opt_strv_push(struct opt_strv *v, const char *s);
void opt_strv_free(struct opt_strv *v);
int opt_pairs_push(struct opt_pairs *p, const char *name, const char *value);
void opt_pairs_free(struct opt_pairs *p);
void opt_file_free(struct opt_file *f);
/* Grow *@arr (of @n elements of @size) by one zeroed element. */
void *opt_grow(void *arr_ptr, size_t *n, size_t size);

/* Generic handlers driven by desc->off / lo / hi / note. */
int h_flag(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	   unsigned int argc);
int h_str(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	  unsigned int argc);
int h_int(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	  unsigned int argc);
int h_remote_cert_ku(struct opt_ctx *c, const struct opt_desc *d,
		     char **argv, unsigned int argc);
int h_remote_cert_eku(struct opt_ctx *c, const struct opt_desc *d,
		      char **argv, unsigned int argc);
int h_static_challenge(struct opt_ctx *c, const struct opt_desc *d,
		       char **argv, unsigned int argc);
int h_management(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc);
int h_mgmt_external_key(struct opt_ctx *c, const struct opt_desc *d,
			char **argv, unsigned int argc);
int h_x509_username_field(struct opt_ctx *c, const struct opt_desc *d,
			  char **argv, unsigned int argc);
int h_tls_crypt_v2(struct opt_ctx *c, const struct opt_desc *d,
		   char **argv, unsigned int argc);
int h_file(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	   unsigned int argc);
int h_refuse(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc);
int h_ignore_quiet(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		   unsigned int argc);
int h_ignore(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc);

/* Subject handlers, declared once for the table. */
#define OPT_HANDLER(fn)                                                    \
	int fn(struct opt_ctx *c, const struct opt_desc *d, char **argv,   \
	       unsigned int argc)

/* opt_record.c: append the applied line (record_lines only); 0 or
 * -ENOMEM. */
int opt_record_line(struct options *o, char **argv, unsigned int argc);
/* options.c */
OPT_HANDLER(h_config);
/* opt_net.c */
OPT_HANDLER(h_dev);
OPT_HANDLER(h_dev_type);
OPT_HANDLER(h_aead_backend);
OPT_HANDLER(h_tls_cert_profile);
OPT_HANDLER(h_topology);
OPT_HANDLER(h_proto);
OPT_HANDLER(h_remote);
OPT_HANDLER(h_connection);
OPT_HANDLER(h_port);
OPT_HANDLER(h_local);
OPT_HANDLER(h_resolv_retry);
OPT_HANDLER(h_connect_retry);
OPT_HANDLER(h_ifconfig);
OPT_HANDLER(h_ifconfig6);
OPT_HANDLER(h_route);
OPT_HANDLER(h_route6);
OPT_HANDLER(h_route_gateway);
OPT_HANDLER(h_redirect);
OPT_HANDLER(h_dhcp_option);
OPT_HANDLER(h_dns);
OPT_HANDLER(h_dns_updown);
OPT_HANDLER(h_tun_mtu);
OPT_HANDLER(h_mssfix);
/* opt_tls.c */
OPT_HANDLER(h_key_direction);
OPT_HANDLER(h_tls_auth);
OPT_HANDLER(h_remote_cert_tls);
OPT_HANDLER(h_verify_x509_name);
OPT_HANDLER(h_tls_version_min);
OPT_HANDLER(h_tls_version_max);
OPT_HANDLER(h_peer_fingerprint);
OPT_HANDLER(h_verify_hash);
OPT_HANDLER(h_reneg_sec);
OPT_HANDLER(h_int64);
OPT_HANDLER(h_key_derivation);
OPT_HANDLER(h_protocol_flags);
OPT_HANDLER(h_replay_window);
OPT_HANDLER(h_comp_lzo);
OPT_HANDLER(h_compress);
OPT_HANDLER(h_allow_compression);
OPT_HANDLER(h_auth_user_pass);
OPT_HANDLER(h_askpass);
OPT_HANDLER(h_crl_verify);
OPT_HANDLER(h_syslog);
OPT_HANDLER(h_auth_retry);
OPT_HANDLER(h_secret_str);
/* opt_misc.c */
OPT_HANDLER(h_client);
OPT_HANDLER(h_keepalive);
OPT_HANDLER(h_inactive);
OPT_HANDLER(h_route_delay);
OPT_HANDLER(h_explicit_exit);
OPT_HANDLER(h_status);
OPT_HANDLER(h_daemon);
OPT_HANDLER(h_cd);
OPT_HANDLER(h_log);
OPT_HANDLER(h_script);
OPT_HANDLER(h_setenv);
OPT_HANDLER(h_plugin);
OPT_HANDLER(h_ignore_unknown);
OPT_HANDLER(h_echo);
OPT_HANDLER(h_pull_filter);
/* opt_ciphers.c */
OPT_HANDLER(h_data_ciphers);
OPT_HANDLER(h_push_continuation);
/* opt_server.c */
OPT_HANDLER(h_server_opt);
/* opt_host.c */
OPT_HANDLER(h_mtu_disc);
OPT_HANDLER(h_stale_routes);
OPT_HANDLER(h_http_proxy);
OPT_HANDLER(h_http_proxy_option);
OPT_HANDLER(h_socks_proxy);
OPT_HANDLER(h_port_share);
void opt_host_free(struct options *o);
void opt_proxy_free(struct opt_proxy *p);
int opt_http_proxy_parse(struct opt_ctx *c, struct opt_proxy *p, char **argv,
			 unsigned int argc);

#endif
