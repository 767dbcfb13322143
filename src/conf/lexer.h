/*
 * Lexer for OpenVPN's config syntax, fed one line at a time (init / feed /
 * finish), so the same code serves config files, strings and fuzzers.
 *
 * What a line becomes, as OpenVPN 2.6's parse_line() and read_config_file()
 * treat it:
 *  - tokens are separated by whitespace; "double quotes" group a token and
 *    honour backslash escapes; 'single quotes' group a token verbatim;
 *  - outside single quotes a backslash makes the next character literal, but
 *    only \\, \" and \<space> are legal (anything else is an error, the usual
 *    slip being a Windows path);
 *  - '#' or ';' where a token would start begins a comment (also after
 *    tokens: "remote h 1194 # x"); inside a token they are ordinary;
 *  - a closing quote ends the token at once ("a"b is two tokens);
 *  - a leading "--" on the option name is dropped (if 3+ characters);
 *  - a UTF-8 BOM on the first line is skipped; a trailing CR is dropped;
 *  - a line holding only "<tag>" opens an inline block; every following line
 *    is content until one whose first non-blank text starts with "</tag>".
 *    The option is then {tag, content}. Any tag is accepted here; the option
 *    table decides whether the option takes inline content.
 *
 * Limits are enforced with errors, never by truncating: an option line may
 * hold LEX_MAX_LINE characters, a token LEX_MAX_TOKEN, an option
 * LEX_MAX_ARGS tokens, an inline block LEX_MAX_INLINE bytes.
 *
 * Errors are written as "file:line: what is wrong" into lexer.err.
 * Inline content may be key material: the lexer wipes its copy when it is
 * reused or freed.
 */
#ifndef DCOVPN_CONF_LEXER_H
#define DCOVPN_CONF_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#define LEX_MAX_LINE 254u	  /* OPTION_LINE_SIZE 256 less newline and NUL */
#define LEX_MAX_TOKEN 256u	  /* OpenVPN's OPTION_PARM_SIZE */
#define LEX_MAX_ARGS 16u	  /* OpenVPN's MAX_PARMS, name included */
#define LEX_MAX_INLINE (1u << 20) /* bounds memory on hostile input */
#define LEX_MAX_TAG 64u
#define LEX_ERR_LEN 320u

/* One complete option, valid until the next lexer_feed/lexer_free. */
struct lex_option {
	unsigned int line;		/* where the option (or its <tag>) was */
	unsigned int argc;		/* tokens, name included */
	char *argv[LEX_MAX_ARGS + 1];	/* NULL-terminated */
	bool is_inline;			/* argv[1] is the block's content */
	size_t inline_len;
	char store[LEX_MAX_LINE + LEX_MAX_ARGS + 2];
};

struct lexer {
	const char *file;		/* for messages; not owned */
	unsigned int line;		/* number of the last line fed */
	bool in_block;
	unsigned int block_line;	/* line of the opening <tag> */
	char tag[LEX_MAX_TAG + 1];
	char *block;			/* content of the current block */
	size_t block_len;
	size_t block_cap;
	char err[LEX_ERR_LEN];
};

void lexer_init(struct lexer *lx, const char *file);

/*
 * Feed one line (without or with its "\n"/"\r\n"). Returns 1 when @out holds
 * a complete option, 0 when the line produced none (blank, comment, inside a
 * block), -EINVAL on a syntax error (lx->err says where and why), -ENOMEM.
 * After an error the lexer may be fed on; the bad line is skipped.
 */
int lexer_feed(struct lexer *lx, const char *line, size_t len,
	       struct lex_option *out);

/* End of input: -EINVAL if an inline block is still open. */
int lexer_finish(struct lexer *lx);

/* Wipe and free the block buffer. */
void lexer_free(struct lexer *lx);

/*
 * Split one line into tokens exactly as lexer_feed does (no inline blocks,
 * no BOM): the helper PUSH_REPLY items go through. @file and @line are only
 * for messages. Returns the token count (0 for blank/comment) or -EINVAL
 * with @err filled.
 */
int lexer_split(const char *line, size_t len, const char *file,
		unsigned int line_no, struct lex_option *out, char *err,
		size_t err_len);

#endif
