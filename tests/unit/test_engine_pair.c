/*
 * Two engines in one process, joined by UDP on loopback, each with a fake
 * tun (dco_config.fake_tun: a SOCK_SEQPACKET pair stands in for the
 * device), so the whole data path runs without root: an IP packet
 * written into A's tun comes out of B's decrypted and intact, and back;
 * with 1, 2 and 4 engine threads each (4: more than most CI machines
 * have CPUs), point-to-point and as servers (MP: a socket per thread, the
 * peer steered to thread 7 % N by the reuseport program, which then
 * writes to the tun that thread 0 reads); a key installed while packets
 * flow; the data path takes no mutex (stats lock_taken) and no packet
 * meets another thread's claim (drop_busy). And MP peers sending
 * P_DATA_V1 (no peer-id to steer by: the kernel's address hash picks the
 * thread), whose packets the thread that reads them hands to the peer's
 * home (src/dco/handoff.h).
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dcovpn/dco.h"

struct side {
	struct dco *dco;
	uint32_t peer_id;
	bool v1;         /* sends P_DATA_V1 */
	uint8_t vpn;     /* MP: its tunnel address is 198.19.0.vpn */
	int udp;         /* the engine's socket */
	int tun;         /* the test's end of the fake tun */
	struct sockaddr_in addr;
};

static int udp_loopback(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)addr, sizeof(*addr)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	return fd;
}

static void side_open(struct side *s, unsigned workers, enum dco_mode mode,
		      uint8_t vpn)
{
	int sp[2];
	struct dco_config cfg = {
		.mode = mode,
		.adopt_tun = true,
		.fake_tun = true,
		.no_offload = true,
		.workers = workers,
	};

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK |
					     SOCK_CLOEXEC, 0, sp), 0);
	cfg.tun_fd = sp[0];
	s->tun = sp[1];
	s->vpn = vpn;
	s->udp = udp_loopback(&s->addr);
	assert_int_equal(dco_open(&s->dco, &cfg), 0);
	assert_int_equal(dco_attach_udp(s->dco, s->udp), 0);
}

/* @self's peer is @other; keys mirrored: what one encrypts with the other
 * decrypts with. */
static void side_peer(struct side *self, const struct side *other, bool a,
		      uint8_t key_id, enum dco_key_slot slot)
{
	struct dco_peer_config pc = { .peer_id = self->peer_id,
				      .transport = DCO_TRANSPORT_UDP,
				      .fd = self->udp, .tx_data_v1 = self->v1 };
	struct dco_key_config kc = { .slot = slot, .key_id = key_id,
				     .cipher = DCO_CIPHER_AES_256_GCM };

	memset(kc.encrypt.key, a ? 0x11 + key_id : 0x22 + key_id, 32);
	memset(kc.decrypt.key, a ? 0x22 + key_id : 0x11 + key_id, 32);
	memset(kc.encrypt.nonce_tail, a ? 0x33 : 0x44, DCO_NONCE_TAIL_LEN);
	memset(kc.decrypt.nonce_tail, a ? 0x44 : 0x33, DCO_NONCE_TAIL_LEN);
	if (slot == DCO_KEY_PRIMARY && key_id == 0) {
		memcpy(&pc.remote, &other->addr, sizeof(other->addr));
		pc.remote_len = sizeof(other->addr);
		pc.has_vpn_ip4 = true;
		pc.vpn_ip4.s_addr = htonl(0xc6130000u | other->vpn);
		assert_int_equal(dco_new_peer(self->dco, &pc), 0);
	}
	assert_int_equal(dco_new_key(self->dco, self->peer_id, &kc), 0);
}

/* An IPv4/UDP packet of @len bytes from 198.19.0.@src to 198.19.0.@dst,
 * its payload numbered @n. */
static size_t ip_packet(uint8_t *p, size_t len, unsigned n, uint8_t src,
			uint8_t dst)
{
	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, "\xc6\x13\x00\x00\xc6\x13\x00\x00", 8);
	p[15] = src;
	p[19] = dst;
	for (size_t i = 28; i < len; i++)
		p[i] = (uint8_t)(n + i);
	return len;
}

/* Write one packet into @from's tun, expect it out of @to's within 2 s. */
static void one_way(struct side *from, struct side *to, unsigned n)
{
	uint8_t out[1500], in[2048];
	size_t len = ip_packet(out, 60 + n % 1000, n, from->vpn, to->vpn);
	struct pollfd pfd = { .fd = to->tun, .events = POLLIN };
	ssize_t got;

	assert_int_equal(write(from->tun, out, len), (ssize_t)len);
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	got = read(to->tun, in, sizeof(in));
	assert_int_equal(got, (ssize_t)len);
	assert_memory_equal(in, out, len);
}

static void side_close(struct side *s)
{
	dco_close(s->dco);
	close(s->tun);
}

/* Returns how many packets were handed between threads. */
static uint64_t run_pair(unsigned workers, enum dco_mode mode, bool v1,
			 uint32_t peer_id)
{
	struct side a = { .peer_id = peer_id, .v1 = v1 };
	struct side b = { .peer_id = peer_id, .v1 = v1 };
	struct dco_stats st;
	uint64_t locks, handed;

	side_open(&a, workers, mode, 1);
	side_open(&b, workers, mode, 2);
	side_peer(&a, &b, true, 0, DCO_KEY_PRIMARY);
	side_peer(&b, &a, false, 0, DCO_KEY_PRIMARY);
	assert_int_equal(dco_start(a.dco), 0);
	assert_int_equal(dco_start(b.dco), 0);
	assert_int_equal(dco_get_stats(a.dco, DCO_PEER_ID_NONE, &st), 0);
	locks = st.lock_taken;
	for (unsigned n = 0; n < 200; n++) {
		one_way(&a, &b, n);
		one_way(&b, &a, n);
		/* a new key while packets flow: key-id 1, then primary */
		if (n == 100) {
			side_peer(&a, &b, true, 1, DCO_KEY_SECONDARY);
			side_peer(&b, &a, false, 1, DCO_KEY_SECONDARY);
			assert_int_equal(dco_swap_keys(a.dco, peer_id), 0);
			assert_int_equal(dco_swap_keys(b.dco, peer_id), 0);
		}
	}
	assert_int_equal(dco_get_stats(a.dco, peer_id, &st), 0);
	assert_int_equal(st.tun_tx_packets, 200);
	assert_int_equal(st.drop_decrypt + st.drop_replay + st.drop_busy +
				 st.drop_handoff, 0);
	assert_int_equal(dco_get_stats(a.dco, DCO_PEER_ID_NONE, &st), 0);
	assert_int_equal(st.lock_taken, locks);
	assert_int_equal(st.drop_no_route + st.drop_bad_source, 0);
	handed = st.handed_off;
	assert_int_equal(dco_get_stats(b.dco, DCO_PEER_ID_NONE, &st), 0);
	side_close(&a);
	side_close(&b);
	return handed + st.handed_off;
}

struct pair_case {
	unsigned workers;
	enum dco_mode mode;
	bool v1;
};

static void test_pair(void **state)
{
	const struct pair_case *c = *state;
	uint64_t handed = 0;

	if (!c->v1) {
		/* steered by peer-id: nothing to hand off */
		assert_int_equal(run_pair(c->workers, c->mode, false, 7), 0);
		return;
	}
	/* Each run binds new ports, so the hash picks afresh; a peer's home
	 * is its id % N. Over 8 runs, the chance that the hash put every
	 * peer on its home (nothing to hand off) is 16^-8 (two sides, four
	 * threads). */
	for (uint32_t id = 0; id < 8; id++)
		handed += run_pair(c->workers, c->mode, true, id);
	assert_true(handed > 0);
}

int main(void)
{
	static struct pair_case cases[] = {
		{ 1, DCO_MODE_P2P, false }, { 2, DCO_MODE_P2P, false },
		{ 4, DCO_MODE_P2P, false }, { 2, DCO_MODE_MP, false },
		{ 4, DCO_MODE_MP, false },  { 4, DCO_MODE_MP, true },
	};
	const struct CMUnitTest tests[] = {
		{ "p2p_1_thread", test_pair, NULL, NULL, &cases[0] },
		{ "p2p_2_threads", test_pair, NULL, NULL, &cases[1] },
		{ "p2p_4_threads", test_pair, NULL, NULL, &cases[2] },
		{ "mp_2_threads", test_pair, NULL, NULL, &cases[3] },
		{ "mp_4_threads", test_pair, NULL, NULL, &cases[4] },
		{ "mp_4_threads_v1", test_pair, NULL, NULL, &cases[5] },
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
