/*
 * Questions on the controlling terminal, as OpenVPN asks them ("Enter Auth
 * Username:", "Enter Auth Password:", "Enter Private Key Password:"):
 * for auth-user-pass and askpass without a file.
 */
#ifndef DCOVPN_DAEMON_PROMPT_H
#define DCOVPN_DAEMON_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Ask @question on /dev/tty and read one line into @buf (without its
 * newline); @echo false hides what is typed. 0, -ENXIO when there is no
 * terminal (a daemon, a service), -ENOSPC if the answer does not fit, or
 * another -errno. A secret left in @buf is the caller's to wipe.
 */
int prompt_line(const char *question, bool echo, char *buf, size_t len);

#endif
