/*
 * push-peer-info: the variables OpenVPN 2.6 adds to a client's peer-info
 * with it (push_peer_info at its highest detail), on Linux:
 *   IV_HWADDR   the MAC of the interface the default route leaves by
 *               (left out when there is none, as OpenVPN);
 *   IV_SSL      the TLS library's version string;
 *   UV_*, IV_PLAT_VER, IV_GUI_VER, IV_SSO   from --setenv, in order.
 */
#ifndef DCOVPN_DAEMON_PEERINFO_FULL_H
#define DCOVPN_DAEMON_PEERINFO_FULL_H

#include <stddef.h>

#include "conf/options.h"

/* "NAME=value\n..." into @buf (NUL-terminated; a variable that does not
 * fit, or has a line break, is left out). */
void peerinfo_full(const struct options *o, char *buf, size_t cap);

#endif
