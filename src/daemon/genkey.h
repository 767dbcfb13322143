/*
 * `dcovpn --genkey TYPE [FILE] [METADATA]`: new key files in the formats
 * `openvpn --genkey` writes, so that either program reads the other's.
 *
 *   secret, tls-auth, tls-crypt   2048-bit static key ("OpenVPN Static key
 *                                 V1", 16 lines of hex)
 *   tls-crypt-v2-server           128 random bytes, PEM
 *   tls-crypt-v2-client           Kc (256 random bytes) | WKc, PEM; needs
 *                                 --tls-crypt-v2 SERVER-KEY; METADATA is
 *                                 base64 user metadata, else the metadata
 *                                 is the creation time (as openvpn)
 *   auth-token                    128 random bytes, PEM
 *
 * The old form `--genkey --secret FILE` works too. Without FILE the key is
 * written to stdout. A file is created with mode 0600 and replaced if it
 * exists, as openvpn does. Key material is wiped after use.
 */
#ifndef DCOVPN_DAEMON_GENKEY_H
#define DCOVPN_DAEMON_GENKEY_H

#include <stdbool.h>

/* Does the command line ask for --genkey? */
bool genkey_requested(int argc, char **argv);
/* Do it: the process exit code (errors are printed to stderr). */
int genkey_main(int argc, char **argv);

#endif
