/*
 * dcovpn offload engine ("dco") — the data channel of an OpenVPN 2.x tunnel.
 *
 * This header is the manual. The engine does for dcovpn what the ovpn-dco-win
 * and Linux ovpn drivers do for OpenVPN 2.6: it owns the tun device and the
 * transport sockets, encrypts and decrypts P_DATA_V2 packets with per-peer key
 * slots, checks packet-ids against replay, sends and watches keepalives, keeps
 * statistics, and hands every non-data packet up to the control plane
 * unchanged. The control plane never touches a data packet.
 *
 * Life of an instance (mirrors the drivers' operations):
 *
 *   dco_open()                      create the tun device, start the worker
 *   dco_attach_udp()                (UDP) a bound socket the engine reads
 *   dco_new_peer()                  a remote endpoint, UDP address or TCP fd
 *   dco_new_key(PRIMARY)            keys for key-id 0
 *   dco_set_peer()                  keepalive interval / timeout
 *   dco_start()                     tun up: data flows
 *   ... dco_new_key(SECONDARY) + dco_swap_keys() on renegotiation,
 *       dco_del_key(SECONDARY) when the old key dies ...
 *   dco_del_peer(), dco_close()
 *
 * Events for the control plane arrive through dco_event_fd() (readable when
 * events are queued) and dco_read_event(): control packets received, a peer
 * whose keepalive timeout expired, a key near packet-id exhaustion, a peer
 * that floated to a new address, a TCP peer whose connection ended.
 *
 * Threading: every function here may be called from one control thread while
 * the engine's worker threads run (each with its own tun queue and UDP
 * sockets). The workers read the peer, key and route tables without locks
 * (RCU); calls never wait for a packet batch except dco_del_peer (one
 * batch at most); no call blocks on the network.
 * dco_close() must not race with other calls on the instance.
 *
 * Errors: functions return 0 or a negative errno; nothing here exits.
 * Secrets: key material passed in is copied into the engine and wiped when the
 * key is deleted; callers should wipe their copies (dco_key_config_wipe()).
 */
#ifndef DCOVPN_DCO_H
#define DCOVPN_DCO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct dco;

/* Peer-ids are 24 bit on the wire; this value means "no peer" / undefined. */
#define DCO_PEER_ID_NONE 0xFFFFFFu
#define DCO_PEER_ID_MAX 0xFFFFFEu

/* Largest control packet passed up or down (OpenVPN's are <= 1600ish). */
#define DCO_CONTROL_MAX 2048u

enum dco_mode {
	DCO_MODE_P2P, /* one peer; everything from the tun goes to it */
	DCO_MODE_MP,  /* many peers; routed by VPN address */
};

/* Who does the AEAD arithmetic (src/dco/aead.h). AUTO: intel-ipsec-mb
 * when built in and the CPU has AES-NI and AVX2 or better, else OpenSSL. */
enum dco_aead_backend {
	DCO_AEAD_AUTO,
	DCO_AEAD_OPENSSL,
	DCO_AEAD_IPSEC_MB,
};

/* "auto", "openssl", "ipsec-mb"; -EINVAL for anything else. */
int dco_aead_backend_from_name(const char *name, enum dco_aead_backend *out);
const char *dco_aead_backend_name(enum dco_aead_backend backend);
/* AUTO -> what this build and CPU use; IPSEC_MB -> -ENOTSUP when the
 * library is not built in or the CPU lacks AES-NI. */
int dco_aead_backend_resolve(enum dco_aead_backend want,
			     enum dco_aead_backend *out);

struct dco_config {
	const char *ifname;          /* tun name or pattern ("dco%d"); NULL: "dco%d" */
	unsigned mtu;                /* tun MTU; 0: 1428, as ovpn-dco-cli */
	enum dco_mode mode;
	unsigned replay_window;      /* ids; 0: 64 (OpenVPN --replay-window n) */
	unsigned replay_window_secs; /* 0: 15 (OpenVPN --replay-window n t) */
	bool no_offload;             /* no tun TSO/USO, no UDP GSO/GRO: one
				      * packet at a time (for comparison) */
	bool client_to_client;       /* MP: packets between peers are routed
				      * inside the engine, never via the tun */
	bool no_tun;                 /* OpenVPN's "dev null": no tun device;
				      * keys, keepalive and stats work, what
				      * decrypts is dropped */
	unsigned mss;                /* clamp the MSS of TCP SYNs crossing the
				      * tunnel to this (IPv4; IPv6 gets 20
				      * less), OpenVPN's --mssfix; 0: off */
	bool keep_link;              /* leave link state and MTU of the
				      * tun to someone else (OpenVPN's
				      * --ifconfig-noexec: NetworkManager) */
	bool adopt_tun;              /* use tun_fd, a tun device the caller
				      * opened (and keeps: dco_close leaves
				      * it open); ifname is then ignored */
	int tun_fd;
	bool fake_tun;               /* with adopt_tun: tun_fd is a packet
				      * socket (AF_UNIX SOCK_SEQPACKET) in the
				      * place of a tun device: plain IP
				      * packets, no offloads, no link to set
				      * up; for in-process tests without root
				      * (tests/unit/test_engine_pair.c) */
	enum dco_aead_backend aead_backend; /* 0: AUTO */
	bool static_key;             /* P2P, OpenVPN's --secret mode: no
				      * control channel, every packet on the
				      * link is data (no opcode) for the one
				      * peer, in its PRIMARY slot, whose key
				      * must be static_key too */
	bool tap;                    /* layer 2 (OpenVPN's dev tap): the device
				      * is a tap and the data channel carries
				      * whole Ethernet frames, untouched but
				      * for the MSS clamp; in MP mode the engine
				      * switches them by learned MAC */
	bool passtos;                /* OpenVPN's --passtos: each packet from
				      * the tun leaves with its IPv4 TOS / IPv6
				      * traffic class on the outer header
				      * (dco/tos.h) */
	bool allow_recursive_routing; /* OpenVPN's option: tun packets to a
				      * peer's own outer address are sent
				      * (false: dropped, as OpenVPN) */
	unsigned workers;            /* engine threads, 1..16, each with its
				      * own tun queue and UDP socket per
				      * attached address; 0: the environment's
				      * DCOVPN_ENGINE_THREADS, else the online
				      * CPUs (at most 16) */
};

int dco_open(struct dco **out, const struct dco_config *cfg);
void dco_close(struct dco *dco);

/* The tun device as created ("dco0"...) and its ifindex, for netlink setup. */
const char *dco_ifname(const struct dco *dco);
int dco_ifindex(const struct dco *dco);
unsigned dco_mtu(const struct dco *dco);

/*
 * Bring the tun device up and forward data. Addresses and routes are the
 * caller's (see net/netlink.h); dco_start() only sets link state and MTU
 * (not even that with keep_link).
 */
int dco_start(struct dco *dco);

/* ---- transports and peers ---------------------------------------------- */

/* A local (server) address a UDP packet came to and replies leave from
 * (--multihome, dco_attach_udp). family 0: none, the route's address. An
 * IPv4 client of a dual-stack IPv6 socket: AF_INET6, v4-mapped. */
struct dco_local {
	sa_family_t family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
};

enum dco_transport {
	DCO_TRANSPORT_UDP,
	DCO_TRANSPORT_TCP,
};

/*
 * Hand a bound, non-blocking UDP socket to the engine. The engine reads it
 * from now on: data packets for known peers are handled, everything else goes
 * up as DCO_EV_CONTROL. The engine closes it in dco_close().
 * OpenVPN's --multihome: a socket the caller asked for destination addresses
 * (IP_PKTINFO, IPV6_RECVPKTINFO: io/udp.h udp_want_local) reports where each
 * packet came to (dco_event.local), and each peer keeps that address with
 * its remote one (dco_peer_config.local, moved by a float): everything sent
 * to the peer leaves from it. Other sockets: the route's address, as ever.
 */
int dco_attach_udp(struct dco *dco, int fd);

/* Compression framing a peer expects (never real compression; see
 * src/dco/compstub.h). Pings are framed too. */
enum dco_comp {
	DCO_COMP_NONE,       /* no framing (default) */
	DCO_COMP_LZO_STUB,   /* comp-lzo [no]: 0xFA before each payload */
	DCO_COMP_STUB_SWAP,  /* compress / compress stub / lz4: 0xFB swap */
	DCO_COMP_STUB_V2,    /* compress stub-v2 / lz4-v2: escape 0x50 only */
};

struct dco_peer_config {
	uint32_t peer_id;               /* 0..DCO_PEER_ID_MAX */
	enum dco_transport transport;
	int fd;                         /* UDP: an attached socket; TCP: a connected
					 * stream socket, owned by the engine from now */
	struct sockaddr_storage remote; /* UDP: where the peer is */
	socklen_t remote_len;
	struct dco_local local;         /* UDP: where it talks to us (the
					 * event's local); 0: the route's */
	bool tx_data_v1;                /* send P_DATA_V1 (peer lacks DATA_V2) */
	enum dco_comp comp;             /* compression framing (stubs only) */
	bool has_vpn_ip4, has_vpn_ip6;  /* MP mode: the peer's tunnel addresses */
	struct in_addr vpn_ip4;
	struct in6_addr vpn_ip6;
	/* TCP: drop a data packet while more than this many wait whole in
	 * the peer's send queue (--tcp-queue-limit); 0: a byte bound only */
	unsigned tcp_queue_limit;
};

int dco_new_peer(struct dco *dco, const struct dco_peer_config *cfg);

/*
 * MP mode routing (OpenVPN's internal multiplexer). A peer's VPN addresses
 * from dco_new_peer are host routes to it; dco_add_route adds more (an
 * iroute: a network behind the peer). Packets read from the tun go to the
 * peer with the longest matching route; packets a peer sends must come from
 * an address routed to that same peer, or they are dropped
 * (drop_bad_source), as OpenVPN's server does. @addr is a struct in_addr
 * (AF_INET) or struct in6_addr (AF_INET6). Routes die with their peer.
 */
int dco_add_route(struct dco *dco, uint32_t peer_id, int family,
		  const void *addr, unsigned prefix_len);
int dco_del_route(struct dco *dco, uint32_t peer_id, int family,
		  const void *addr, unsigned prefix_len);

/* A route as dco_expire_routes reports it: @addr has the host bits clear. */
struct dco_route {
	uint32_t peer_id;
	int family;                  /* AF_INET, AF_INET6 */
	unsigned prefix_len;
	uint8_t addr[16];
};

/*
 * OpenVPN's stale-routes-check: remove the MP routes (a peer's own
 * addresses and its iroutes alike) no packet used for @idle_ms: none was
 * routed to it from the tun, none came from the peer with a source in it.
 * The workers note each route's use as they route (relaxed, at most once
 * a second per route); this sweep runs on the caller's thread. At most
 * @max are removed, into @out; returns how many (call again while it
 * returns @max), or -errno (-EOPNOTSUPP in P2P mode).
 */
int dco_expire_routes(struct dco *dco, uint64_t idle_ms, struct dco_route *out,
		      unsigned max);

/* Keepalive as the drivers' SET_PEER: send a ping when nothing was sent for
 * @interval_s; raise DCO_EV_PEER_EXPIRED when nothing authenticated was
 * received for @timeout_s. 0 disables either. */
int dco_set_peer(struct dco *dco, uint32_t peer_id, unsigned interval_s,
		 unsigned timeout_s);

enum dco_del_reason {
	DCO_DEL_TEARDOWN,   /* asked by the control plane */
	DCO_DEL_EXPIRED,    /* keepalive timeout */
	DCO_DEL_TRANSPORT,  /* TCP connection ended or broke */
};

/*
 * Remove a peer (also one the engine already marked dead). When it returns,
 * no event about @peer_id is queued any more and none will come, so the id
 * may be given to a new peer at once. 0, or -ENOENT if there was none.
 */
int dco_del_peer(struct dco *dco, uint32_t peer_id);

/* ---- keys ---------------------------------------------------------------- */

enum dco_cipher {
	DCO_CIPHER_NONE,        /* no encryption, no authentication: tests only */
	DCO_CIPHER_AES_128_GCM,
	DCO_CIPHER_AES_192_GCM,
	DCO_CIPHER_AES_256_GCM,
	DCO_CIPHER_CHACHA20_POLY1305,
	/* Legacy, not AEAD: CBC with a random IV, authenticated by an HMAC
	 * (struct dco_key_config.auth) over IV and ciphertext, the packet-id
	 * inside the encryption (OpenVPN's non-AEAD format, src/dco/cbc.h). */
	DCO_CIPHER_AES_128_CBC,
	DCO_CIPHER_AES_192_CBC,
	DCO_CIPHER_AES_256_CBC,
};

/* The HMAC of the CBC ciphers (OpenVPN's --auth; SHA1 is its default). */
enum dco_auth {
	DCO_AUTH_SHA1,
	DCO_AUTH_SHA224,
	DCO_AUTH_SHA256,
	DCO_AUTH_SHA384,
	DCO_AUTH_SHA512,
};

enum dco_key_slot {
	DCO_KEY_PRIMARY,   /* encrypts; decrypts its key-id */
	DCO_KEY_SECONDARY, /* decrypts its key-id only */
};

#define DCO_KEY_MAX 32u
#define DCO_NONCE_TAIL_LEN 8u
#define DCO_HMAC_KEY_MAX 64u

struct dco_key_dir {
	uint8_t key[DCO_KEY_MAX];   /* first cipher_key_len() bytes are used */
	uint8_t nonce_tail[DCO_NONCE_TAIL_LEN];
	/* CBC ciphers only: the HMAC key, first dco_auth_len() bytes used */
	uint8_t hmac_key[DCO_HMAC_KEY_MAX];
};

struct dco_key_config {
	enum dco_key_slot slot;
	uint8_t key_id;             /* 0..7, as in the opcode byte */
	enum dco_cipher cipher;
	enum dco_auth auth;         /* CBC ciphers only */
	bool static_key;            /* --secret format (CBC ciphers only):
				     * no header, 8-byte packet-id + time */
	struct dco_key_dir encrypt; /* what we send with */
	struct dco_key_dir decrypt; /* what the peer sends with */
	/*
	 * OpenVPN 2.7's epoch data keys ("protocol-flags aead-epoch", an
	 * AEAD cipher, P_DATA_V2 only): key[] of each direction holds its
	 * 32-byte E_1 (the first 32 bytes of the key block's cipher half),
	 * nonce_tail is unused. The engine derives the data keys of every
	 * epoch, sends the 64-bit packet-id format and moves epochs on by
	 * itself; DCO_EV_KEY_NEAR_WRAP comes when the epoch nears 65535.
	 */
	bool epoch;
	uint64_t epoch_limit;       /* blocks + packets per epoch key before
				     * moving on; 0: OpenVPN 2.7's limit
				     * (2^36 - 1 for AES-GCM, none for
				     * ChaCha20-Poly1305). Lower: tests. */
};

/* Install keys in a slot, replacing (and wiping) what it held. */
int dco_new_key(struct dco *dco, uint32_t peer_id,
		const struct dco_key_config *key);
/* Exchange primary and secondary: the new key starts encrypting. */
int dco_swap_keys(struct dco *dco, uint32_t peer_id);
int dco_del_key(struct dco *dco, uint32_t peer_id, enum dco_key_slot slot);
void dco_key_config_wipe(struct dco_key_config *key);

/* ---- statistics ---------------------------------------------------------- */

struct dco_stats {
	/* tunnel side: plaintext IP packets */
	uint64_t tun_rx_packets, tun_rx_bytes;  /* read from tun, sent to peers */
	uint64_t tun_tx_packets, tun_tx_bytes;  /* decrypted, written to tun */
	/* link side: whole transport payloads (encrypted) */
	uint64_t link_rx_packets, link_rx_bytes;
	uint64_t link_tx_packets, link_tx_bytes;
	uint64_t link_rx_auth_bytes;  /* of those, data packets that authenticated */
	/* what was dropped, and why */
	uint64_t drop_malformed;      /* too short, bad opcode, bad TCP frame */
	uint64_t drop_no_peer;        /* data packet for an unknown peer-id */
	uint64_t drop_no_key;         /* key-id not in any slot */
	uint64_t drop_decrypt;        /* authentication failed */
	uint64_t drop_replay;         /* packet-id repeated, too old or expired */
	uint64_t drop_no_route;       /* tun packet with no peer to go to */
	uint64_t drop_bad_source;     /* MP: peer sent from an address not its own */
	uint64_t drop_tx_error;       /* encrypt failed or socket refused */
	uint64_t keepalive_tx, keepalive_rx;
	uint64_t control_rx, control_tx;
	/* One peer only: clock_now_ms() (CLOCK_MONOTONIC, ms) when its last
	 * authenticated packet (data or keepalive) arrived; 0 for the sum. */
	uint64_t last_rx_ms;
	/* The instance only (0 for a peer): mutexes the engine threads took
	 * on the data path (a TCP peer's send queue, a peer's address
	 * change), and how
	 * many of those had to wait for another thread. The peer and route
	 * look-ups take none (RCU). */
	uint64_t lock_taken, lock_waited;
	/* Data packets that reached an engine thread while another one was
	 * decrypting for the same peer: dropped (a peer has one thread; see
	 * src/dco/engine.h). */
	uint64_t drop_busy;
	/* TCP: dropped as more packets than --tcp-queue-limit waited */
	uint64_t drop_tx_queue;
	/* UDP data packets that reached an engine thread other than their
	 * peer's (P_DATA_V1 carries no peer-id to steer by) and were handed
	 * to the peer's thread (src/dco/handoff.h) */
	uint64_t handed_off;
	/* ... and those dropped as that thread's hand-off queue was full */
	uint64_t drop_handoff;
	/* Packets to send read from the tun (or forwarded) by an engine
	 * thread other than their peer's, handed to the peer's thread, which
	 * numbers and encrypts them so that packet-ids leave in order; and
	 * those dropped as its queue was full */
	uint64_t tx_handed_off, drop_tx_handoff;
};

/* Counters of one peer, or of the whole instance with DCO_PEER_ID_NONE. */
int dco_get_stats(struct dco *dco, uint32_t peer_id, struct dco_stats *out);

/* ---- events and the control channel ------------------------------------- */

enum dco_event_type {
	DCO_EV_CONTROL,        /* a non-data packet arrived (data[] holds it) */
	DCO_EV_PEER_DELETED,   /* the engine removed a peer (reason tells why) */
	DCO_EV_KEY_NEAR_WRAP,  /* primary key's packet-id near exhaustion */
	DCO_EV_PEER_FLOAT,     /* peer authenticated from a new address */
};

struct dco_event {
	enum dco_event_type type;
	uint32_t peer_id;              /* DCO_PEER_ID_NONE: from an unknown source */
	enum dco_del_reason reason;    /* DCO_EV_PEER_DELETED */
	uint8_t key_id;                /* DCO_EV_KEY_NEAR_WRAP */
	int fd;                        /* socket it came in on */
	struct sockaddr_storage addr;  /* source address (UDP), new one (float) */
	socklen_t addr_len;
	struct dco_local local;        /* UDP: the address it came to (a
					* multihome socket only; else 0) */
	size_t len;                    /* DCO_EV_CONTROL: bytes in data[] */
	uint8_t data[DCO_CONTROL_MAX];
};

/* Readable (EPOLLIN) while events are queued. */
int dco_event_fd(const struct dco *dco);
/* Pop one event: 0, or -EAGAIN when none is queued. */
int dco_read_event(struct dco *dco, struct dco_event *ev);

/* Send a control packet to a peer through its transport (TCP: framed). */
int dco_send_control(struct dco *dco, uint32_t peer_id, const uint8_t *pkt,
		     size_t len);
/* Send a control packet to an address with no peer yet (UDP server reply),
 * from @from (the event's local; NULL or family 0: the route's address). */
int dco_send_control_to(struct dco *dco, int fd, const struct sockaddr *to,
			socklen_t to_len, const struct dco_local *from,
			const uint8_t *pkt, size_t len);
/*
 * Send @msg (at most DCO_CONTROL_MAX bytes) to a peer as a data-channel
 * payload, encrypted with its primary key: OpenVPN's in-band messages that
 * are not IP packets, such as OCC_EXIT for a server without cc-exit.
 */
int dco_send_data_msg(struct dco *dco, uint32_t peer_id, const uint8_t *msg,
		      size_t len);

/* ---- helpers ------------------------------------------------------------- */

/* OpenVPN's names, case-insensitive ("AES-256-GCM", "CHACHA20-POLY1305",
 * "AES-256-CBC", "none"); -EINVAL for anything else. */
int dco_cipher_from_name(const char *name, enum dco_cipher *out);
const char *dco_cipher_name(enum dco_cipher cipher);
size_t dco_cipher_key_len(enum dco_cipher cipher);
/* True for the CBC + HMAC ciphers (the legacy, non-AEAD data channel). */
bool dco_cipher_is_cbc(enum dco_cipher cipher);

/* OpenVPN's --auth names ("SHA1", "SHA256", ...), case-insensitive;
 * -EINVAL for anything else (also "none": CBC without an HMAC is refused). */
int dco_auth_from_name(const char *name, enum dco_auth *out);
const char *dco_auth_name(enum dco_auth auth);
/* Bytes of the HMAC (and of its key); 0 for an unknown value. */
size_t dco_auth_len(enum dco_auth auth);

#endif
