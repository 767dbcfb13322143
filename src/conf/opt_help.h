/* The words of --help: a synopsis and one line per option (opt_help.c). */
#ifndef DCOVPN_CONF_OPT_HELP_H
#define DCOVPN_CONF_OPT_HELP_H

#include <stddef.h>

struct opt_help {
	const char *name;
	const char *args;	/* synopsis of the parameters; NULL: none */
	const char *text;	/* one line */
};

/* The help of option @name, or NULL. */
const struct opt_help *opt_help_find(const char *name);
/* Entry @i, or NULL past the end (for the test that names are known). */
const struct opt_help *opt_help_at(size_t i);

#endif
