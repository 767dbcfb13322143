/*
 * Control-channel wrapping: none, tls-auth, tls-crypt (PROTOCOL.md 1.5, 3).
 *
 * Every function here works on the "clear" control packet, the form it has
 * with no wrapping at all:
 *
 *   byte0 | own session id (8) | ACK record | [message-id] | payload
 *   `------- header (9) ------'`------------ rest ----------------'
 *
 * and the wrapped forms on the wire:
 *
 *   tls-auth:  header | HMAC (H) | packet-id (4) | net-time (4) | rest
 *              HMAC = HMAC-<auth>(send hmac key,
 *                                 packet-id | net-time | header | rest)
 *              H = digest size of --auth (SHA1 20, SHA256 32, SHA512 64)
 *
 *   tls-crypt: header | packet-id (4) | net-time (4) | tag (32) | ct
 *              offsets 0, 9, 17, 49 (TLSWRAP_CRYPT_OFF_*)
 *              tag = HMAC-SHA256(send hmac key, header | pid | time | rest)
 *              ct  = AES-256-CTR(send cipher key, IV = tag[0..15], rest)
 *
 * Keys are the first bytes of a static key's parts chosen by key direction
 * (conf/statickey.h): the HMAC key is digest-size bytes of the hmac part,
 * the tls-crypt cipher key 32 bytes of the cipher part.
 *
 * packet-id/net-time is the "long form" replay id of the wrapping layer: ids
 * count from 1 per sender, net-time is the Unix time the sender's sequence
 * started. It is independent of the reliability layer's message-ids.
 *
 * Order on receive: tlswrap_check() (stateless: may run before any session
 * exists, e.g. on a server's first packet from an address) or
 * tlswrap_unwrap() authenticates; only then tlswrap_replay_accept().
 *
 * A struct tlswrap_key is read-only after init, so any number of threads
 * may wrap/unwrap/check with one key at the same time; each call builds its
 * own OpenSSL contexts. struct tlswrap_tx and tlswrap_replay belong to one
 * session and need the caller's serialisation.
 */
#ifndef DCOVPN_PROTO_TLSWRAP_H
#define DCOVPN_PROTO_TLSWRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "conf/statickey.h"
#include "proto/pktid.h"

#define TLSWRAP_SID_LEN 8u
#define TLSWRAP_HDR_LEN 9u            /* byte0 + own session id */
#define TLSWRAP_PID_LEN 8u            /* packet-id + net-time */
#define TLSWRAP_HMAC_MAX 64u          /* SHA512 */
#define TLSWRAP_CRYPT_TAG_LEN 32u
#define TLSWRAP_CRYPT_KEY_LEN 32u
#define TLSWRAP_CRYPT_OFF_PID 9u
#define TLSWRAP_CRYPT_OFF_TAG 17u
#define TLSWRAP_CRYPT_OFF_CT 49u
/* First packet-id after this start is the 2.6 tls-crypt-v2 "early
 * negotiation" marker 0x0f000001 (EARLY_NEG_START). */
#define TLSWRAP_EARLY_NEG_START 0x0f000000u
#define TLSWRAP_EARLY_NEG_MASK 0xff000000u

enum tlswrap_mode {
	TLSWRAP_NONE = 0,
	TLSWRAP_AUTH,     /* tls-auth: HMAC only */
	TLSWRAP_CRYPT,    /* tls-crypt v1, and tls-crypt-v2 with Kc */
};

struct tlswrap_key {
	enum tlswrap_mode mode;
	EVP_MAC *mac;                        /* HMAC; NULL for NONE */
	EVP_CIPHER *ctr;                     /* AES-256-CTR; CRYPT only */
	char digest[16];                     /* HMAC digest name */
	size_t hmac_len;                     /* HMAC bytes on the wire */
	uint8_t send_hmac[TLSWRAP_HMAC_MAX];
	uint8_t recv_hmac[TLSWRAP_HMAC_MAX];
	uint8_t send_cipher[TLSWRAP_CRYPT_KEY_LEN];
	uint8_t recv_cipher[TLSWRAP_CRYPT_KEY_LEN];
};

/* The long-form replay id of one wrapped packet. */
struct tlswrap_pid {
	uint32_t id;
	uint32_t net_time;
};

/*
 * Set up @k. TLSWRAP_NONE ignores @sk, @dir and @digest (may be NULL).
 * TLSWRAP_AUTH uses @digest as --auth ("SHA1", "SHA256", "SHA512", ...;
 * NULL means SHA1, OpenVPN's default) and @dir as key-direction.
 * TLSWRAP_CRYPT ignores @digest (always SHA256); pass
 * tlswrap_crypt_dir(is_server) as @dir. 0 or -EINVAL (unknown digest, bad
 * direction or mode) or -ENOSYS (OpenSSL lacks the algorithm).
 * The key bytes are copied: @sk may be wiped right after. @k holds OpenSSL
 * references, so it is passed by pointer, never copied by value.
 */
int tlswrap_key_init(struct tlswrap_key *k, enum tlswrap_mode mode,
		     const struct statickey *sk, enum statickey_dir dir,
		     const char *digest);
/* Wipe all key material in @k and release its OpenSSL objects. */
void tlswrap_key_free(struct tlswrap_key *k);

static inline enum statickey_dir tlswrap_crypt_dir(bool is_server)
{
	return is_server ? STATICKEY_DIR_NORMAL : STATICKEY_DIR_INVERSE;
}

/* Bytes a wrapped packet has more than its clear form. */
size_t tlswrap_overhead(const struct tlswrap_key *k);

/*
 * Wrap the clear packet @in (>= TLSWRAP_HDR_LEN bytes) with replay id @pid
 * into @out (which must not overlap @in). Deterministic: the same input and
 * @pid give the same bytes. 0 with *@out_len set, -EINVAL (@in too short),
 * -ENOSPC (@out_cap < in_len + overhead) or -EIO (OpenSSL failed).
 */
int tlswrap_wrap(const struct tlswrap_key *k, const struct tlswrap_pid *pid,
		 const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		 size_t *out_len);

/*
 * Authenticate (and for tls-crypt decrypt) the wire packet @pkt into its
 * clear form in @out (must not overlap @pkt; @out_cap >= @len suffices);
 * *@pid gets the packet's replay id (0/0 for TLSWRAP_NONE). The replay id is
 * NOT checked here: call tlswrap_replay_accept() after this succeeds.
 * 0, -EBADMSG (too short or authentication failed: drop silently), -ENOSPC,
 * -EIO. On failure nothing of @out is meaningful (it is wiped).
 */
int tlswrap_unwrap(const struct tlswrap_key *k, const uint8_t *pkt, size_t len,
		   uint8_t *out, size_t out_cap, size_t *out_len,
		   struct tlswrap_pid *pid);

/*
 * Stateless check: does @pkt authenticate under @k? Needs no buffer and no
 * session; for TLSWRAP_NONE only the length is checked. 0 or -EBADMSG /
 * -EIO, and *@pid (may be NULL) as in tlswrap_unwrap().
 */
int tlswrap_check(const struct tlswrap_key *k, const uint8_t *pkt, size_t len,
		  struct tlswrap_pid *pid);

/* Send side: the packet-id counter and net-time of one session. */
struct tlswrap_tx {
	uint32_t last_id;     /* last id used; the next is last_id + 1 */
	uint32_t net_time;    /* Unix time this sequence started */
};

/*
 * Start a send sequence at time @now_s (Unix seconds). @start is the id
 * before the first one: 0 normally, TLSWRAP_EARLY_NEG_START for a 2.6
 * tls-crypt-v2 client.
 */
void tlswrap_tx_init(struct tlswrap_tx *tx, uint32_t start, uint32_t now_s);

/*
 * Next replay id. At the end of the 32-bit space a new sequence starts
 * (ids from 1, net-time @now_s) if time has moved on since the last one
 * started, as OpenVPN does; otherwise -ENOSPC.
 */
int tlswrap_tx_next(struct tlswrap_tx *tx, uint32_t now_s,
		    struct tlswrap_pid *pid);

/*
 * Receive side: OpenVPN's long-form replay rules. A higher net-time than
 * the current one starts a fresh sequence; a lower one is refused; within a
 * sequence ids go through a pktid window (PKTID_WINDOW_DEFAULT ids,
 * @expire_s seconds, like --replay-window).
 */
struct tlswrap_replay {
	uint32_t net_time;    /* current sequence; meaningful once started */
	bool started;
	uint32_t expire_s;
	struct pktid_window win;
};

/* 0 or -ENOMEM. */
int tlswrap_replay_init(struct tlswrap_replay *r, uint32_t expire_s);
void tlswrap_replay_free(struct tlswrap_replay *r);
/* Would @pid be accepted now? Records nothing. */
enum pktid_verdict tlswrap_replay_check(const struct tlswrap_replay *r,
					const struct tlswrap_pid *pid,
					uint64_t now_ms);
/*
 * Check and record @pid (only for packets that authenticated). Returns the
 * verdict; PKTID_OK means accepted. A fresh sequence that cannot get its
 * window memory is refused as PKTID_INVALID.
 */
enum pktid_verdict tlswrap_replay_accept(struct tlswrap_replay *r,
					 const struct tlswrap_pid *pid,
					 uint64_t now_ms);

/*
 * The usual send path: next replay id from @tx, then tlswrap_wrap(). For
 * TLSWRAP_NONE @tx is untouched. Errors as tlswrap_tx_next / tlswrap_wrap.
 */
int tlswrap_send(const struct tlswrap_key *k, struct tlswrap_tx *tx,
		 uint32_t now_s, const uint8_t *in, size_t in_len, uint8_t *out,
		 size_t out_cap, size_t *out_len);

/*
 * The usual receive path: tlswrap_unwrap(), then tlswrap_replay_accept()
 * (skipped for TLSWRAP_NONE). 0, the errors of tlswrap_unwrap, or -EALREADY
 * when the replay state refused the packet (*@verdict, if not NULL, says
 * why). On any error @out holds nothing meaningful.
 */
int tlswrap_recv(const struct tlswrap_key *k, struct tlswrap_replay *r,
		 uint64_t now_ms, const uint8_t *pkt, size_t len, uint8_t *out,
		 size_t out_cap, size_t *out_len, enum pktid_verdict *verdict);

#endif
