/*
 * A client's certificate events for its plugins, as OpenVPN calls them on
 * the server's chain: TLS_VERIFY for each certificate (the CA's first;
 * argv depth and subject, the X509 as current_cert), then TLS_FINAL. On
 * the loop's thread (a client calls its plugins itself, as OpenVPN).
 */
#ifndef DCOVPN_DAEMON_CLIENT_PLUGIN_H
#define DCOVPN_DAEMON_CLIENT_PLUGIN_H

#include "daemon/client_script.h"

/* @call: a SCRIPT_TLS_VERIFY call with the session (call->tls) and the
 * plugins. 0, or -EPERM if a plugin refused (logged). */
int client_plugin_tls(struct client_script *cs,
		      const struct client_script_call *call);

#endif
