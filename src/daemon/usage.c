/*
 * --version, --help and the README's option table. Every option comes from
 * the option table through options_info(), so what is printed cannot drift
 * from what the parser accepts.
 */
#include "daemon/usage.h"

#include <openssl/crypto.h>
#include <string.h>

#include "conf/options.h"

#ifndef DCOVPN_HOST
#define DCOVPN_HOST "linux"
#endif

#define HELP_COL 16	/* OpenVPN aligns the text after "--name args" */

const char *usage_version_line(void)
{
	return DCOVPN_NAME_VERSION " " DCOVPN_HOST
	       " [SSL (OpenSSL)] [EPOLL] [AEAD] [DCO]";
}

void usage_print_version(FILE *f)
{
	fprintf(f, "%s\n", usage_version_line());
	fprintf(f, "library versions: %s\n", OpenSSL_version(OPENSSL_VERSION));
	fprintf(f, "Speaks the OpenVPN 2.6 protocol; data channel in the "
		"in-process offload engine.\n");
}

static void help_line(FILE *f, const char *name, const char *args,
		      const char *text)
{
	char left[128];
	int n = snprintf(left, sizeof(left), "--%s%s%s", name,
			 args[0] ? " " : "", args);

	if (n < HELP_COL)
		fprintf(f, "%-*s: %s\n", HELP_COL, left, text);
	else
		fprintf(f, "%s : %s\n", left, text);
}

static void help_section(FILE *f, const char *title, enum opt_status want)
{
	struct opt_info in;

	fprintf(f, "\n%s\n", title);
	for (size_t i = 0; !options_info(i, &in); i++)
		if (in.status == want)
			help_line(f, in.name, in.args, in.text);
}

void usage_print_help(FILE *f)
{
	fprintf(f, "%s\n\n", usage_version_line());
	fprintf(f, "usage: dcovpn [--config] file | dcovpn [--option args] "
		"...\n\nGeneral Options:\n");
	help_line(f, "help", "", "Show options.");
	help_line(f, "version", "", "Show version information.");
	help_line(f, "genkey", "type [file]", "Write a new key: secret, "
		  "tls-crypt, tls-crypt-v2-server, tls-crypt-v2-client, "
		  "auth-token.");
	help_section(f, "Options (as in OpenVPN 2.6's manual):",
		     OPT_SUPPORTED);
	help_section(f, "Accepted and ignored:", OPT_IGNORED);
	help_section(f, "Refused (the message says why):", OPT_REFUSED);
}

/* A table cell: '|' would end it early, so it is escaped. */
static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

void usage_print_options_md(FILE *f)
{
	struct opt_info in;

	fprintf(f, "| option | status | note |\n| --- | --- | --- |\n");
	for (size_t i = 0; !options_info(i, &in); i++) {
		fprintf(f, "| `--%s", in.name);
		if (in.args[0])
			fputc(' ', f);
		md_cell(f, in.args);
		fprintf(f, "` | %s | ", options_status_name(in.status));
		md_cell(f, in.text);
		fprintf(f, " |\n");
	}
}
