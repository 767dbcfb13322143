/*
 * What dcovpn says about itself: --version, --help (OpenVPN's layout, made
 * from the option table) and --list-options-md (the README's table).
 */
#ifndef DCOVPN_DAEMON_USAGE_H
#define DCOVPN_DAEMON_USAGE_H

#include <stdio.h>

/* OpenVPN's first line: name, version, host, features. */
#define DCOVPN_NAME_VERSION "dcovpn 0.1"

/* The version line as logged at start and printed by --version. */
const char *usage_version_line(void);
void usage_print_version(FILE *f);
void usage_print_help(FILE *f);
/* A markdown table: option, status, note; one row per table entry. */
void usage_print_options_md(FILE *f);

#endif
