/* Names made safe as OpenVPN does. See safename.h. */
#include <string.h>

#include "base/safename.h"

/* OpenVPN's CC_PRINT: printable ASCII and every byte of UTF-8. */
static bool printable(unsigned char c)
{
	return c >= 0x20 && c != 0x7f;
}

bool safename_remap(char *s)
{
	bool same = true;

	for (; *s; s++) {
		if (!printable((unsigned char)*s)) {
			*s = '_';
			same = false;
		}
	}
	return same;
}

void safename_subject(char *s)
{
	safename_remap(s);
	for (; *s == '-'; s++)
		*s = '_';
}

bool safename_file(const char *name, char *out, size_t len)
{
	size_t n = strlen(name);

	if (!n || n >= len || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	memcpy(out, name, n + 1);
	safename_remap(out);
	for (char *p = out; (p = strchr(p, '/')) != NULL; p++)
		*p = '_';
	return true;
}
