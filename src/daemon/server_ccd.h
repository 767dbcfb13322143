/*
 * client-config-dir: which file a client reads (its name's, else DEFAULT),
 * and a digest of it, so that a reload (server_reload.c) can tell the
 * clients whose file changed from those whose did not.
 */
#ifndef DCOVPN_DAEMON_SERVER_CCD_H
#define DCOVPN_DAEMON_SERVER_CCD_H

#include <stddef.h>
#include <stdint.h>

#include "conf/opt_server.h"

#define SERVER_CCD_DIGEST_LEN 32

/* The file for the client named @name ("UNDEF": no common name) in @so's
 * client-config-dir: 1 with its path in @path, 0 when there is none (no
 * directory, no file of its name and no DEFAULT). */
int server_ccd_path(const struct opt_server *so, const char *name, char *path,
		    size_t len);

/* SHA-256 of that file's content, all zeros when there is none and all
 * 0xff when it cannot be read (then never equal to a readable one). */
void server_ccd_digest(const struct opt_server *so, const char *name,
		       uint8_t out[SERVER_CCD_DIGEST_LEN]);

#endif
