/*
 * The data channel of one simulated client (dcovpn-load): the negotiated
 * AEAD key (ctl/session.h session_data_keys), packets sealed and opened
 * in the OpenVPN 2.6 format of proto/datapkt.h (P_DATA_V2 with the pushed
 * peer-id, else P_DATA_V1), and what a load client sends through the
 * tunnel: keepalive pings and ICMP echo requests from its pushed address
 * to the server's tunnel address, whose replies prove the path works.
 *
 * No replay window: the load generator only counts what comes back.
 * Keys are wiped on free.
 */
#ifndef DCOVPN_LOAD_LDATA_H
#define DCOVPN_LOAD_LDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dco/aead.h"
#include "dco/epoch.h"
#include "dcovpn/dco.h"

#define LDATA_IP4_HDR 20u
#define LDATA_ICMP_HDR 8u
#define LDATA_PKT_MAX 2048u

struct ldata {
	struct aead enc, dec;
	int peer_id;           /* -1: P_DATA_V1 */
	uint8_t key_id;
	uint32_t tx_id;        /* last packet-id sent */
	uint8_t vpn[4], gw[4]; /* our tunnel address, the echo target */
	uint16_t echo_id, echo_seq;
	struct epoch *ep;      /* 2.7 epoch data keys (dco/epoch.h), or NULL */
};

/* 0 or -errno (a cipher that is not an AEAD: -EPROTONOSUPPORT). */
int ldata_init(struct ldata *d, const struct dco_key_config *kc, int peer_id);
void ldata_free(struct ldata *d);

/* Seal @len bytes of @plain into @out (room @cap): the packet's length,
 * or -errno (-ENOSPC, -ERANGE when the packet-id would wrap). */
ssize_t ldata_seal(struct ldata *d, const uint8_t *plain, size_t len,
		   uint8_t *out, size_t cap);
/* Open the data packet @pkt in place; on success *@plain points at the
 * payload inside @pkt and its length is returned; -EBADMSG, -EINVAL. */
ssize_t ldata_open(struct ldata *d, uint8_t *pkt, size_t len,
		   const uint8_t **plain);

/* An ICMP echo request of @payload bytes (IPv4, vpn -> gw) into @buf
 * (room @cap): its length, or 0 if it does not fit. */
size_t ldata_echo(struct ldata *d, uint8_t *buf, size_t cap, size_t payload);
/* Is @p an echo reply to us (gw -> vpn, our id)? */
bool ldata_is_echo_reply(const struct ldata *d, const uint8_t *p, size_t len);

#endif
