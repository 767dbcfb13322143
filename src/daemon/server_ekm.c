/* --force-tls-key-material-export (OpenVPN 2.7, server): a client that does
 * not announce TLS-EKM (IV_PROTO bit) is refused with 2.7's AUTH_FAILED
 * reason instead of getting PRF-derived data keys. */
#include <errno.h>
#include <stdio.h>

#include "base/log.h"
#include "daemon/server_ekm.h"
#include "daemon/server_int.h"

int server_ekm_required(struct srv_client *c, bool ekm)
{
	if (ekm || !c->srv->so->force_tls_ekm)
		return 0;
	log_info("%s PUSH: client does not support TLS Keying Material "
		 "Exporters but --force-tls-key-material-export is enabled.",
		 c->prefix);
	snprintf(c->scr.reason, sizeof(c->scr.reason), "%s",
		 "Client incompatible with this server. Keying Material "
		 "Exporters (RFC 5705) support missing. Upgrade to a client "
		 "that supports this feature (OpenVPN 2.6.0+).");
	return -EPERM;
}
