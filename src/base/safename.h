/*
 * Names from outside (certificate fields, usernames) made safe the way
 * OpenVPN 2.6 does it (buffer.c string_mod with its CC_PRINT class,
 * applied in ssl_verify.c), so that existing ccd files and scripts keep
 * matching: every byte below 0x20 and DEL becomes '_'; everything else,
 * UTF-8 included, stays. A name so mapped cannot break a line of the log,
 * the status file or the management interface.
 */
#ifndef DCOVPN_BASE_SAFENAME_H
#define DCOVPN_BASE_SAFENAME_H

#include <stdbool.h>
#include <stddef.h>

/* The longest name one certificate field gives (OpenVPN's
 * TLS_USERNAME_LEN): a 64-character CN is kept whole. */
#define SAFENAME_FIELD_MAX 64u
/* The longest name with NUL (x509-username-field joins fields into a
 * 256-byte buffer in OpenVPN). */
#define SAFENAME_MAX 256u

/* Map @s in place; true when nothing had to change. */
bool safename_remap(char *s);

/* A subject line ("C=KG, O=x, CN=y"): mapped, and a leading '-' becomes
 * '_' (OpenVPN's string_replace_leading) so it cannot pass for an option
 * in a script's argv. */
void safename_subject(char *s);

/*
 * The file named @name in a directory (client-config-dir), as OpenVPN's
 * platform_gen_path: mapped, and '/' becomes '_'. false (no such file can
 * exist) for "", "." and "..".
 */
bool safename_file(const char *name, char *out, size_t len);

#endif
