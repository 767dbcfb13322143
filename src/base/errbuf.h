/*
 * One-line error messages into a caller's buffer: parsers and set-up code
 * say why they failed through a (char *err, size_t errlen) pair.
 */
#ifndef DCOVPN_BASE_ERRBUF_H
#define DCOVPN_BASE_ERRBUF_H

#include <stddef.h>

/* Format into @err (at most @errlen bytes, NUL-terminated); nothing when
 * @err is NULL or @errlen 0 (the caller wants no message). */
void errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
