/*
 * What the key slot tests share (test_keyslot.c: the AEAD formats,
 * test_keyslot_cbc.c: CBC + HMAC): both ends of one direction, the
 * known-answer plaintext and ids (tests/vectors/datapkt*_kat.py), and the
 * checks that a packet opens to that plaintext.
 */
#ifndef DCOVPN_TESTS_KEYSLOT_PAIR_H
#define DCOVPN_TESTS_KEYSLOT_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "base/pkt.h"
#include "dco/keyslot.h"

#define NOW 1000000u
#define KAT_KEY_ID 5u
#define KAT_PEER_ID 0x123456u
#define KAT_PT_LEN 32u
extern const char kat_pt[KAT_PT_LEN + 1];

/* Both ends of one direction: @tx encrypts, @rx decrypts with its keys. */
struct pair {
	struct keyslot tx, rx;
};

/* @cfg has its encrypt direction set: @pr->tx encrypts with it, @pr->rx
 * decrypts with it; each end's other direction holds junk, so that a
 * mix-up fails. @cfg is wiped. */
void pair_init_cfg(struct pair *pr, struct dco_key_config *cfg,
		   enum dco_aead_backend backend);
void pair_clear(struct pair *pr);

/* @p (kat_pt as @pr->tx sealed it) opens at @pr->rx to kat_pt. */
void pair_open_kat(struct pair *pr, struct pkt *p);
/* The same for @wire (@n bytes) left where it arrived, only its head
 * copied (pkt.h: src): the plaintext lands in the buffer. */
void pair_open_kat_in_place(struct pair *pr, const uint8_t *wire, size_t n);

#endif
