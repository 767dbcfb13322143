/*
 * OpenVPN 2.7's --tls-crypt-v2-max-age: a client key's metadata must be a
 * TIMESTAMP (type 0x01, 64-bit seconds since the epoch, network order, as
 * --genkey tls-crypt-v2-client writes without a metadata argument) no older
 * than the given number of days.
 */
#ifndef DCOVPN_PROTO_TLSCRYPTV2_AGE_H
#define DCOVPN_PROTO_TLSCRYPTV2_AGE_H

#include <stddef.h>
#include <stdint.h>

/* 0: fresh enough; -ENODATA: no timestamp metadata; -EKEYEXPIRED: older
 * than @max_days at @now. *@age_days is the key's age when it has one. */
int tlscryptv2_age_check(const uint8_t *meta, size_t len, int max_days,
			 int64_t now, int64_t *age_days);

#endif
