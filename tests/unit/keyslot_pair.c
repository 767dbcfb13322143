/* The key slot tests' common ground. See keyslot_pair.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "keyslot_pair.h"
#include "testbuf.h"

const char kat_pt[KAT_PT_LEN + 1] = "dcovpn known-answer plaintext!!\n";

void pair_init_cfg(struct pair *pr, struct dco_key_config *cfg,
		   enum dco_aead_backend backend)
{
	/* The receiving end's decrypt direction is the sender's encrypt one. */
	memset(&cfg->decrypt, 0x55, sizeof(cfg->decrypt));
	assert_int_equal(keyslot_init(&pr->tx, cfg, 64, 15, backend), 0);
	cfg->decrypt = cfg->encrypt;
	memset(&cfg->encrypt, 0x77, sizeof(cfg->encrypt));
	assert_int_equal(keyslot_init(&pr->rx, cfg, 64, 15, backend), 0);
	dco_key_config_wipe(cfg);
}

void pair_clear(struct pair *pr)
{
	keyslot_clear(&pr->tx);
	keyslot_clear(&pr->rx);
}

void pair_open_kat(struct pair *pr, struct pkt *p)
{
	assert_int_equal(keyslot_decrypt(&pr->rx, p, NOW), 0);
	assert_int_equal(p->len, KAT_PT_LEN);
	assert_memory_equal(p->data, kat_pt, KAT_PT_LEN);
}

void pair_open_kat_in_place(struct pair *pr, const uint8_t *wire, size_t n)
{
	struct buf b;
	struct pkt *p = buf_fill(&b, wire, PKT_SRC_HEAD);

	memset(p->data + PKT_SRC_HEAD, 0xee, n - PKT_SRC_HEAD);
	p->len = (uint32_t)n;
	p->src = wire;
	pair_open_kat(pr, p);
	assert_null(p->src);
}
