/*
 * The UDP server's front door (PROTOCOL.md 1.4): control packets from
 * addresses with no client yet. As OpenVPN 2.6 does, a client's hard reset
 * is answered statelessly: our reset carries as session id an HMAC cookie
 * over the client's address, its session id and a time slot, so a flood of
 * (spoofed) resets allocates nothing. Only a packet that ACKs our reset
 * with a cookie valid for its source (this or the previous slot) makes a
 * client; the server then starts its session with that id
 * (session_init_accepted).
 *
 * tls-crypt-v2 (a server key instead of one shared wrap key): each client's
 * resets and its CONTROL_WKC_V1 carry its own key wrapped by the server key
 * (WKc); the packet is unwrapped with that key and the cookie reset is
 * wrapped with it. A 2.6 client marks its reset's replay id with the early
 * negotiation start (0x0f...) and is asked, by an EARLY_NEG_FLAGS TLV in our
 * reset, to send WKc again with its next packet (CONTROL_WKC_V1): that
 * packet, with a valid cookie, makes the client. Older clients cannot send
 * WKc again: unless force-cookie is set, their reset makes a client at once
 * (MUDP_NEW), as OpenVPN's allow-noncookie default does; only a holder of
 * a valid client key can get that far.
 */
#ifndef DCOVPN_CTL_MUDP_H
#define DCOVPN_CTL_MUDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "proto/ctlpkt.h"
#include "proto/tlscryptv2.h"
#include "proto/tlswrap.h"

#define MUDP_SECRET_LEN 32u

struct mudp {
	uint8_t secret[MUDP_SECRET_LEN];   /* random per process, wiped */
	unsigned slot_s;                   /* cookie time slot (seconds) */
	const struct tlswrap_key *wrap;    /* NULL: no tls-auth/tls-crypt */
	const struct tlscryptv2_server_key *v2;  /* tls-crypt-v2, or NULL */
	bool v2_force_cookie;              /* refuse clients without early
					    * negotiation (no MUDP_NEW) */
};

enum mudp_verdict {
	MUDP_DROP = 0,     /* not for us / not authentic: ignore */
	MUDP_REPLY,        /* a client reset: send @reply */
	MUDP_ACCEPT,       /* a valid cookie: make a client (sids given) */
	MUDP_NEW,          /* tls-crypt-v2 reset of a client that cannot
			    * resend WKc: make a client, give it the packet */
};

struct mudp_result {
	enum mudp_verdict verdict;
	const char *why;                   /* DROP of a packet that failed
					    * authentication: a static
					    * reason; else NULL */
	uint8_t own_sid[CTLPKT_SID_LEN];   /* ACCEPT: the cookie */
	uint8_t peer_sid[CTLPKT_SID_LEN];  /* ACCEPT/REPLY: the client's id */
	size_t reply_len;
	uint8_t reply[256];
};

/* 0 or -EIO (no randomness). @slot_s 0: 30 s. */
int mudp_init(struct mudp *m, const struct tlswrap_key *wrap, unsigned slot_s);
/* Use tls-crypt-v2 with server key @sk (outlives @m) instead of a wrap key. */
void mudp_set_v2(struct mudp *m, const struct tlscryptv2_server_key *sk,
		 bool force_cookie);
void mudp_free(struct mudp *m);

/* Classify one control packet from @from at Unix time @now_s. */
void mudp_handle(const struct mudp *m, const uint8_t *pkt, size_t len,
		 const struct sockaddr *from, socklen_t from_len,
		 uint32_t now_s, struct mudp_result *out);

/*
 * The TCP server's check of a connection's first packet: an authentic client
 * hard reset (the reset opcode of the configured wrap, message-id 0, key-id
 * 0, a session id), passing tls-auth/tls-crypt/tls-crypt-v2 if configured.
 * No cookie: the TCP handshake already proved the address. *@why is a
 * static reason when authentication failed, else NULL.
 */
bool mudp_client_reset(const struct mudp *m, const uint8_t *pkt, size_t len,
		       const char **why);

#endif
