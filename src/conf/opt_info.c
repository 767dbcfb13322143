/*
 * The option table described for people: --help and the README's table are
 * made from it (and the words of opt_help.c), so neither can list an option
 * dcovpn does not have or miss one it has.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf/opt_help.h"
#include "conf/optable.h"

#define ARGS_MANY 15	/* the table's "any number" */

static enum opt_status status_of(const struct opt_desc *d)
{
	if (d->fn == h_refuse)
		return OPT_REFUSED;
	if (d->fn == h_ignore || d->fn == h_ignore_quiet)
		return OPT_IGNORED;
	return OPT_SUPPORTED;
}

/* "arg arg [arg]" or "arg ..." from the arity, for options without help. */
static void args_from_arity(const struct opt_desc *d, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < d->min && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%sarg", i ? " " : "");
	if (d->max >= ARGS_MANY && n < len)
		snprintf(buf + n, len - n, "%s...", n ? " " : "[arg] ");
	else if (d->max > d->min && n < len)
		snprintf(buf + n, len - n, "%s[arg%s]", n ? " " : "",
			 d->max - d->min > 1 ? " ..." : "");
}

int options_info(size_t i, struct opt_info *out)
{
	const struct opt_desc *d = optable_at(i);
	const struct opt_help *h;

	if (!d)
		return -ENOENT;
	h = opt_help_find(d->name);
	memset(out, 0, sizeof(*out));
	out->name = d->name;
	out->status = status_of(d);
	if (h && h->args) {
		out->args = h->args;
	} else if (h && !h->args) {
		out->args = "";
	} else {
		args_from_arity(d, out->args_buf, sizeof(out->args_buf));
		out->args = out->args_buf;
	}
	out->text = d->note ? d->note : h ? h->text : "";
	if (out->status == OPT_IGNORED && !d->note)
		out->text = "Accepted; has no effect here (as OpenVPN on Linux).";
	return 0;
}

const char *options_status_name(enum opt_status s)
{
	switch (s) {
	case OPT_REFUSED:
		return "refused";
	case OPT_IGNORED:
		return "ignored";
	default:
		return "supported";
	}
}
