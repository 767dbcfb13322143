/* Names and the start-time choice of the AEAD backend (include/dcovpn/dco.h). */
#include <errno.h>
#include <string.h>

#include "dco/aead_imb.h"
#include "dcovpn/dco.h"

static const char *const names[] = {
	[DCO_AEAD_AUTO] = "auto",
	[DCO_AEAD_OPENSSL] = "openssl",
	[DCO_AEAD_IPSEC_MB] = "ipsec-mb",
};

int dco_aead_backend_from_name(const char *name, enum dco_aead_backend *out)
{
	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum dco_aead_backend)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *dco_aead_backend_name(enum dco_aead_backend backend)
{
	return (unsigned)backend < sizeof(names) / sizeof(names[0]) ?
		       names[backend] : "?";
}

int dco_aead_backend_resolve(enum dco_aead_backend want,
			     enum dco_aead_backend *out)
{
	switch (want) {
	case DCO_AEAD_AUTO:
		*out = aead_imb_usable() ? DCO_AEAD_IPSEC_MB : DCO_AEAD_OPENSSL;
		return 0;
	case DCO_AEAD_OPENSSL:
		*out = want;
		return 0;
	case DCO_AEAD_IPSEC_MB:
		*out = want;
		return aead_imb_usable() ? 0 : -ENOTSUP;
	}
	return -EINVAL;
}
