/*
 * The control channel processor of a client (PROTOCOL.md 1.4-2.6, 4, 5.5):
 * one OpenVPN "TLS session" (our session id, the server's, the control-packet
 * wrapping and its replay state) and its key states, each with its own
 * key-id, reliability layer, TLS session and key method 2 exchange.
 *
 * Per key state (struct keystate), as ssl.c's tls_process:
 *
 *   PRE_START  our reset (HARD_RESET_CLIENT_V2 key-id 0, or SOFT_RESET_V1
 *              key-id 1..7) is queued
 *   START      the peer ACKed it: TLS runs (we are always the TLS client)
 *   SENT_KEY   TLS finished, our key method 2 message is written
 *   GOT_KEY    the server's key method 2 message was read
 *   ACTIVE     ... and the peer ACKed everything we sent
 *
 * The 2.6 UDP server answers the first reset statelessly with an HMAC-cookie
 * session id and only keeps state once a packet ACKs its reset with that id:
 * here the server's reset is ACKed by the ClientHello (or a P_ACK_V1), and
 * the ACK record names the server's session id as received.
 *
 * Data keys: the first key (key-id 0) is derived only after the PUSH_REPLY
 * (cipher, tls-ekm): session_set_data() does it and installs it in the
 * engine's PRIMARY slot. Later keys are derived as soon as their key state
 * is ACTIVE and go to the SECONDARY slot; the engine's slots then follow
 * OpenVPN 2.6 with DCO (dco.c dco_update_keys): the key used to send is the
 * newest one whose "auth deferred" time (handshake start + min(hand-window,
 * reneg-sec/2)) has passed, else the newest usable one, and a swap happens
 * when that choice moves to the SECONDARY slot. The old key stays as lame
 * duck (decrypting) for tran-window seconds or until the next renegotiation.
 *
 * Renegotiation starts from either side: ours after reneg-sec from the
 * primary key's start; the server's when it sends SOFT_RESET_V1 with a new
 * key-id, answered with ours. Key-ids run 1..7 and wrap to 1.
 *
 * Time: every function takes the monotonic @now_ms; session_next_deadline()
 * says when session_tick() is due. Not thread-safe: the control thread owns
 * a session. Secrets (TLS, key sources, derived keys) are wiped on free.
 */
#ifndef DCOVPN_CTL_SESSION_H
#define DCOVPN_CTL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl/kdf.h"
#include "ctl/reliable.h"
#include "ctl/tls.h"
#include "dcovpn/dco.h"
#include "proto/ctlpkt.h"
#include "proto/tlscryptv2.h"
#include "proto/tlswrap.h"

#define SESSION_KS_N 2u          /* primary, lame duck (KS_SIZE) */
#define SESSION_PLAIN_MAX 8192u  /* TLS plaintext waiting to be parsed */
#define SESSION_PKT_MAX 2048u
#define SESSION_ERR_LEN 256u

enum ks_state {
	KS_UNDEF = 0,
	KS_PRE_START,
	KS_START,
	KS_SENT_KEY,
	KS_GOT_KEY,
	KS_ACTIVE,
};

enum ks_dco { KS_DCO_NONE = 0, KS_DCO_PRIMARY, KS_DCO_SECONDARY };

struct keystate {
	enum ks_state state;
	uint8_t key_id;
	bool keys_generated;         /* S_GENERATED_KEYS: usable for data */
	enum ks_dco dco;             /* where the engine holds its keys */
	struct reliable *rel;        /* heap: its windows are large */
	struct tls_session *tls;
	struct kdf_key_source ours, theirs;
	uint64_t start_ms;
	uint64_t hand_deadline_ms;   /* must be ACTIVE by then */
	uint64_t send_after_ms;      /* OpenVPN's auth_deferred_expire */
	uint64_t must_die_ms;        /* lame duck end; 0: not a lame duck */
	uint64_t nudge_ms;           /* re-ACK once after ACTIVE; 0: done */
	/* TLS plaintext not parsed yet: SESSION_PLAIN_MAX bytes while
	 * some is held, else NULL (most of a session's life: 8 kB per
	 * client saved, see ks_plain_release) */
	uint8_t *plain;
	size_t plain_len;
};

/* What the session does with the outside world. */
struct session_ops {
	/* Transmit one wrapped control packet; 0 or -errno. */
	int (*send)(void *ctx, const uint8_t *pkt, size_t len);
	/* A NUL-terminated control message ("PUSH_REPLY,...") arrived. */
	void (*message)(void *ctx, const char *msg);
	/* The first key state became ACTIVE ("Peer Connection Initiated"). */
	void (*active)(void *ctx);
	/* The peer's first reset was accepted: authentication starts
	 * (OpenVPN's AUTH state). NULL: nothing. */
	void (*peer_found)(void *ctx);
	/* Server: a renegotiated key state finished (the client's credentials
	 * of this exchange, if it sent any, in peer_user / peer_pass). <0
	 * refuses it: its keys never reach the engine. NULL: accept. */
	int (*rekeyed)(void *ctx);
	/* tls-crypt-v2 server: a client key was unwrapped; @meta is its
	 * metadata (type byte first). Non-zero refuses the key (the
	 * session fails). NULL: accept. */
	int (*v2_verify)(void *ctx, const uint8_t *meta, size_t len);
};

struct session_dyn;

struct session_config {
	bool server;                              /* P2P tls-server: we answer
						   * the peer's reset and are
						   * the TLS server */
	struct tls_ctx *tls;                      /* shared, outlives us */
	const struct tlswrap_key *wrap;           /* NULL: no wrapping */
	const struct statickey *wrap_sk;          /* tls-auth/tls-crypt key
						   * file @wrap was made from
						   * (dyn-tls-crypt mixes it
						   * in), or NULL */
	const struct tlscryptv2_client_key *v2;   /* tls-crypt-v2 WKc, or NULL */
	const struct tlscryptv2_server_key *v2_server; /* server: unwraps each
						   * client's WKc, or NULL */
	unsigned hand_window_s;                   /* 0: 60 */
	unsigned tls_timeout_s;                   /* 0: 2 */
	unsigned reneg_sec;                       /* 0: never (ours) */
	unsigned tran_window_s;                   /* 0: 3600 */
	unsigned max_packet;                      /* 0: 1250 (--max-packet-size) */
	const char *options_string;               /* OCC string for km2 */
	const char *peer_info;                    /* IV_* lines */
	const char *username, *password;          /* NULL: none */
	const char *remote_desc;                  /* "[AF_INET]198.18.0.1:1194" */
	const char *auth;                         /* --auth: the HMAC of CBC
						   * data ciphers; NULL: SHA1 */
};

struct session {
	struct session_config cfg;
	struct session_ops ops;
	void *ops_ctx;
	uint8_t own_sid[CTLPKT_SID_LEN];
	uint8_t peer_sid[CTLPKT_SID_LEN];
	bool have_peer_sid;
	bool resend_wkc;             /* tls-crypt-v2: server asked for WKc */
	bool has_v2_wrap;            /* tls-crypt-v2 server: client key known */
	struct tlswrap_key v2_wrap;  /* ... its wrap key (session_wrap.c) */
	struct statickey v2_kc;      /* ... and the key itself (secret) */
	struct tlswrap_tx wtx;
	struct tlswrap_replay wrx;
	struct session_dyn *dyn;     /* dyn-tls-crypt wrap of renegotiations
				      * (session_dyn.h), or NULL */
	struct keystate *ks[SESSION_KS_N];  /* [0] primary, [1] lame duck */
	uint8_t last_key_id;
	/* data channel, set by session_set_data() */
	struct dco *dco;
	uint32_t peer_id;
	enum dco_cipher cipher;
	bool ekm;
	bool epoch;                  /* OpenVPN 2.7 epoch data keys */
	unsigned dco_keys;           /* keys installed in the engine (0..2) */
	char *peer_info;             /* the peer's IV_* lines (key-id 0), or NULL */
	char *peer_user, *peer_pass;  /* server: the client's auth-user-pass
				       * of the latest key state (secret), or NULL */
	bool failed;                 /* the session must restart */
	char *err;                   /* why it failed (session_fail; heap,
				      * at most SESSION_ERR_LEN), or NULL */
	/* control packets on the link, as OpenVPN counts a client's bytes
	 * (wrapped size; every packet given to session_recv, every one
	 * sent) */
	uint64_t link_rx_bytes, link_tx_bytes;
	/* when the last authentic control packet of this session came (an
	 * ACK counts: OpenVPN's peer_last_packet) */
	uint64_t peer_last_ms;
};

/* @cfg's pointers must outlive the session. 0 or -errno. */
int session_init(struct session *s, const struct session_config *cfg,
		 const struct session_ops *ops, void *ops_ctx, uint64_t now_ms);
void session_free(struct session *s);

/*
 * UDP server: a client passed the stateless cookie check (ctl/mudp.h)
 * with our session id @own_sid and its @peer_sid; @pkt is the packet that
 * passed (a tls-crypt-v2 client's WKc is taken from it; it is not
 * processed: pass it to session_recv() next). Starts the session as if the
 * resets had been exchanged here; the ops.send call made inside (our reset
 * again) must be dropped by the caller. 0 or -errno.
 */
int session_init_accepted(struct session *s, const struct session_config *cfg,
			  const struct session_ops *ops, void *ops_ctx,
			  const uint8_t *own_sid, const uint8_t *peer_sid,
			  const uint8_t *pkt, size_t len, uint64_t now_ms);

/* A control packet from the server (as received, still wrapped). Drops
 * what does not belong; 0, or -EPROTO once the session has failed. */
int session_recv(struct session *s, const uint8_t *pkt, size_t len,
		 uint64_t now_ms);

/* Retransmits, handshake deadlines, renegotiation, lame-duck expiry, key
 * swaps. 0, or -EPROTO / -ETIMEDOUT once the session has failed (s->err). */
int session_tick(struct session *s, uint64_t now_ms);
uint64_t session_next_deadline(const struct session *s);

/*
 * Start a renegotiation now (the engine says the send packet-id nears its
 * end, or the user asked). -EBUSY while one is running or the primary key
 * is not usable yet.
 */
int session_renegotiate(struct session *s, uint64_t now_ms);

/* RFC 5705 export from the primary key state's TLS session (P2P peer-id). */
int session_export(struct session *s, const char *label, uint8_t *out,
		   size_t len);

/* Is the primary key state ACTIVE (control messages can flow)? */
bool session_active(const struct session *s);

/* Send a control message (NUL appended) on the primary key state. */
int session_send_message(struct session *s, const char *msg, uint64_t now_ms);

/*
 * The data channel is ready (PUSH_REPLY applied): derive the primary key
 * (TLS-EKM if @ekm, else the PRF) with @cipher and install it, as epoch
 * data keys if @epoch (negotiated "aead-epoch"); later keys use the same.
 * 0 or -errno.
 */
int session_set_data(struct session *s, struct dco *dco, uint32_t peer_id,
		     enum dco_cipher cipher, bool ekm, bool epoch,
		     uint64_t now_ms);

/*
 * Without an engine (dcovpn-load plays many clients and seals its own
 * data packets): derive the primary key state's data channel keys with
 * @cipher / @ekm (epoch data keys if @epoch), sliced for our role, into
 * @out, as session_set_data() would install them. The key sources are
 * wiped; @out is the caller's to wipe (dco_key_config_wipe). 0 or -errno
 * (-EAGAIN: not active yet).
 */
int session_data_keys(struct session *s, enum dco_cipher cipher, bool ekm,
		      bool epoch, struct dco_key_config *out);

#endif
