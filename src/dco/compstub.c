#include "dco/compstub.h"

#include <errno.h>
#include <string.h>

#define LZO_NO_COMPRESS 0xfa    /* comp-lzo: payload follows uncompressed */
#define STUB_SWAP 0xfb          /* compress stub: first byte moved to the end */
#define V2_ESCAPE 0x50          /* compress stub-v2: escape byte */
#define V2_UNCOMPRESSED 0x00
#define V2_UNCOMPRESSED_QUIRK 0x0a  /* what 2.6 writes (PROTOCOL.md 5.8) */

int compstub_wrap(enum dco_comp comp, struct pkt *p)
{
	uint8_t *h;

	switch (comp) {
	case DCO_COMP_NONE:
		return 0;
	case DCO_COMP_LZO_STUB:
		h = pkt_push(p, 1);
		if (!h)
			return -ENOSPC;
		h[0] = LZO_NO_COMPRESS;
		return 0;
	case DCO_COMP_STUB_SWAP:
		if (!p->len || pkt_tailroom(p) < 1)
			return -ENOSPC;
		p->data[p->len++] = p->data[0];
		p->data[0] = STUB_SWAP;
		return 0;
	case DCO_COMP_STUB_V2:
		if (!p->len || p->data[0] != V2_ESCAPE)
			return 0; /* IP packets start with 0x4_/0x6_: no bytes added */
		h = pkt_push(p, 2);
		if (!h)
			return -ENOSPC;
		h[0] = V2_ESCAPE;
		h[1] = V2_UNCOMPRESSED;
		return 0;
	}
	return -EINVAL;
}

int compstub_unwrap(enum dco_comp comp, struct pkt *p)
{
	switch (comp) {
	case DCO_COMP_NONE:
		return 0;
	case DCO_COMP_LZO_STUB:
		if (!p->len || p->data[0] != LZO_NO_COMPRESS)
			return -EPROTO;
		pkt_pull(p, 1);
		return 0;
	case DCO_COMP_STUB_SWAP:
		if (p->len < 2 || p->data[0] != STUB_SWAP)
			return -EPROTO;
		p->data[0] = p->data[--p->len];
		return 0;
	case DCO_COMP_STUB_V2:
		if (!p->len || p->data[0] != V2_ESCAPE)
			return 0;
		if (p->len < 2 || (p->data[1] != V2_UNCOMPRESSED &&
				   p->data[1] != V2_UNCOMPRESSED_QUIRK))
			return -EPROTO;
		pkt_pull(p, 2);
		return 0;
	}
	return -EPROTO;
}
