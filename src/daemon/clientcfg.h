/*
 * What a client builds once from its options before connecting: the TLS
 * context, the control-channel wrapping key, auth-user-pass credentials,
 * the peer-info and OCC strings of key method 2.
 */
#ifndef DCOVPN_DAEMON_CLIENTCFG_H
#define DCOVPN_DAEMON_CLIENTCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/options.h"
#include "conf/statickey.h"
#include "ctl/tls.h"
#include "proto/tlscryptv2.h"
#include "proto/tlswrap.h"

#define CLIENTCFG_ERR_LEN 512u

/* A password or passphrase, as long as OpenVPN takes (USER_PASS_LEN). */
#define CLIENTCFG_SECRET_MAX 4096

/*
 * Where credentials come from when no file gives them: NULL asks on the
 * terminal; with management-query-passwords the management interface
 * (>PASSWORD:Need 'Auth' username/password).
 */
struct clientcfg_asker {
	/* @type "Auth" or "Private Key"; @user NULL: a password only; @sc
	 * the static-challenge text (NULL: none), then the answer's password
	 * is already the SCRV1 string. 0 or -errno. */
	int (*ask)(void *ctx, const char *type, char *user, size_t ulen,
		   char *pass, size_t plen, const char *sc, bool sc_echo);
	void *ctx;
	/* management-external-key: signs for the key; NULL: none (@ask may
	 * then be NULL too: credentials come from the terminal) */
	const struct tls_ext_signer *signer;
	/* management-external-cert: the certificate's PEM for @hint
	 * (malloc'd), 0 or -errno; NULL: none */
	int (*cert)(void *ctx, const char *hint, char **pem);
};

struct clientcfg {
	const struct clientcfg_asker *asker;
	struct tls_ctx *tls;
	bool has_wrap;
	struct tlswrap_key wrap;
	struct statickey wrap_sk;          /* the tls-auth/tls-crypt key file
					    * (dyn-tls-crypt mixes it in);
					    * valid with has_wrap and no v2 */
	struct tlscryptv2_client_key *v2;  /* heap, wiped on free */
	struct tlscryptv2_server_key *v2s; /* server's tls-crypt-v2 key: heap,
					    * wiped on free */
	char *username, *password;         /* secrets for the password */
	bool challenge_done;               /* password already has the
					    * static-challenge response */
	char *auth_token;                  /* last pushed token, kept across
					    * reconnects as OpenVPN does */
	char peer_info[1024];
	char occ[512];
	bool has_secret;                   /* static key mode (--secret, no */
	struct statickey secret;           /* TLS): the key file, secret */
};

/* --key-direction (or tls-auth's / secret's argument) as a key file's. */
enum statickey_dir clientcfg_keydir(enum opt_key_dir d);

/* 0, or -errno with a user-readable reason in @err. @asker: see above. */
int clientcfg_init(struct clientcfg *c, const struct options *o,
		   const struct clientcfg_asker *asker, char *err, size_t errlen);
void clientcfg_free(struct clientcfg *c);

/* auth-retry interact: forget the username and password and ask again
 * (file, terminal or management). 0 or -errno with @err. */
int clientcfg_userpass_again(struct clientcfg *c, const struct options *o,
			     char *err, size_t errlen);

/* Remember / forget the pushed auth-token (NULL forgets). */
void clientcfg_set_token(struct clientcfg *c, const char *token);

/* The OCC options string for a connection over @proto / IPv6 or not. */
void clientcfg_occ(struct clientcfg *c, const struct options *o,
		   enum opt_proto proto, bool ipv6);
/* The same into @buf (a server's listening socket each has its own). */
void clientcfg_occ_text(char *buf, size_t len, const struct options *o,
			enum opt_proto proto, bool ipv6);

#endif
