/* Secret hygiene: every buffer that held key material is wiped through here. */
#ifndef DCOVPN_BASE_MEM_H
#define DCOVPN_BASE_MEM_H

#include <stddef.h>
#include <openssl/crypto.h>

/* OPENSSL_cleanse is not optimised away, unlike a plain memset before free. */
static inline void mem_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

#endif
