/* One-line error messages (errbuf.h). */
#include <stdarg.h>
#include <stdio.h>

#include "base/errbuf.h"

void errbuf_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
