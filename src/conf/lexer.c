/* OpenVPN config syntax: tokens, quotes, escapes, comments, inline blocks. */
#include "conf/lexer.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* Cursor over one line while it is split into tokens. */
struct tok {
	const char *p;
	const char *end;
	struct lex_option *out;
	char *w;		/* next free byte of out->store */
	const char *why;	/* set on error */
};

static bool is_blank(char c)
{
	return isspace((unsigned char)c) != 0;
}

static int put(struct tok *t, char c, size_t *tok_len)
{
	if (++*tok_len > LEX_MAX_TOKEN) {
		t->why = "parameter is too long (256 characters max)";
		return -EINVAL;
	}
	*t->w++ = c;
	return 0;
}

/*
 * A backslash at t->p: the next character is taken literally. OpenVPN only
 * allows backslash, double quote and whitespace to be escaped, so that a
 * Windows path written with single backslashes is an error, not a surprise.
 */
static int escape(struct tok *t, char *c)
{
	if (t->p + 1 >= t->end) {
		t->why = "backslash ('\\') at end of line";
		return -EINVAL;
	}
	*c = t->p[1];
	if (*c != '\\' && *c != '"' && !is_blank(*c)) {
		t->why = "bad backslash ('\\') usage: only \\\\, \\\" and "
			 "\\<space> are escapes; write c:\\\\dir for a backslash";
		return -EINVAL;
	}
	t->p += 2;
	return 0;
}

static int read_unquoted(struct tok *t, size_t *len)
{
	char c;

	while (t->p < t->end && !is_blank(*t->p)) {
		if (*t->p == '\\') {
			if (escape(t, &c))
				return -EINVAL;
		} else {
			c = *t->p++;
		}
		if (put(t, c, len))
			return -EINVAL;
	}
	return 0;
}

static int read_dquoted(struct tok *t, size_t *len)
{
	char c;

	for (t->p++; t->p < t->end; ) {
		if (*t->p == '"') {
			t->p++;
			return 0;
		}
		if (*t->p == '\\') {
			if (escape(t, &c))
				return -EINVAL;
		} else {
			c = *t->p++;
		}
		if (put(t, c, len))
			return -EINVAL;
	}
	t->why = "no closing quotation (\")";
	return -EINVAL;
}

/* Single quotes: no escapes at all, as in the shell. */
static int read_squoted(struct tok *t, size_t *len)
{
	for (t->p++; t->p < t->end; t->p++) {
		if (*t->p == '\'') {
			t->p++;
			return 0;
		}
		if (put(t, *t->p, len))
			return -EINVAL;
	}
	t->why = "no closing single quotation (')";
	return -EINVAL;
}

/*
 * Skip what lies between tokens. Returns false at end of line or at a
 * comment. An escaped blank (or newline) where a token would start is
 * skipped, and a comment character there starts a comment even when
 * escaped: both as OpenVPN's state machine does.
 */
static bool skip_to_token(struct tok *t)
{
	while (t->p < t->end) {
		char c = *t->p;

		if (c == '\\' && t->p + 1 == t->end)
			return false;	/* escaped newline: OpenVPN skips it */
		if (c == '\\' &&
		    (is_blank(t->p[1]) || t->p[1] == '#' || t->p[1] == ';')) {
			if (!is_blank(t->p[1]))
				return false;
			t->p += 2;
		} else if (is_blank(c)) {
			t->p++;
		} else {
			return c != '#' && c != ';';
		}
	}
	return false;
}

static int read_token(struct tok *t)
{
	struct lex_option *o = t->out;
	size_t len = 0;
	int ret;

	if (o->argc >= LEX_MAX_ARGS) {
		t->why = "too many parameters (16 max, option name included)";
		return -EINVAL;
	}
	o->argv[o->argc] = t->w;
	if (*t->p == '"')
		ret = read_dquoted(t, &len);
	else if (*t->p == '\'')
		ret = read_squoted(t, &len);
	else
		ret = read_unquoted(t, &len);
	if (ret)
		return ret;
	*t->w++ = '\0';
	o->argv[++o->argc] = NULL;
	return 0;
}

static int lex_errorf(char *err, size_t err_len, const char *file,
		      unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int lex_errorf(char *err, size_t err_len, const char *file,
		      unsigned int line, const char *fmt, ...)
{
	char msg[LEX_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err && err_len)
		snprintf(err, err_len, "%s:%u: %s", file, line, msg);
	return -EINVAL;
}

int lexer_split(const char *line, size_t len, const char *file,
		unsigned int line_no, struct lex_option *out, char *err,
		size_t err_len)
{
	struct tok t = { .p = line, .end = line + len, .out = out };

	memset(out, 0, offsetof(struct lex_option, store));
	out->line = line_no;
	t.w = out->store;
	if (len > LEX_MAX_LINE)
		return lex_errorf(err, err_len, file, line_no,
				  "line is too long (%u characters max)",
				  LEX_MAX_LINE);
	if (memchr(line, '\0', len))
		return lex_errorf(err, err_len, file, line_no,
				  "NUL character in line");
	while (skip_to_token(&t)) {
		if (read_token(&t))
			return lex_errorf(err, err_len, file, line_no, "%s",
					  t.why);
	}
	return (int)out->argc;
}

void lexer_init(struct lexer *lx, const char *file)
{
	memset(lx, 0, sizeof(*lx));
	lx->file = file ? file : "[CONFIG]";
}

void lexer_free(struct lexer *lx)
{
	mem_wipe(lx->block, lx->block_cap);
	free(lx->block);
	lx->block = NULL;
	lx->block_len = 0;
	lx->block_cap = 0;
	lx->in_block = false;
}

static void block_reset(struct lexer *lx)
{
	mem_wipe(lx->block, lx->block_len);
	lx->block_len = 0;
	lx->in_block = false;
}

static int block_append(struct lexer *lx, const char *s, size_t n)
{
	size_t need = lx->block_len + n + 2;	/* '\n' and NUL */
	char *nb;

	if (need > LEX_MAX_INLINE)
		return -E2BIG;
	if (need > lx->block_cap) {
		size_t cap = lx->block_cap ? lx->block_cap : 4096;

		while (cap < need)
			cap *= 2;
		/* Not realloc: the old copy could hold a key and must be wiped. */
		nb = malloc(cap);
		if (!nb)
			return -ENOMEM;
		if (lx->block_len)
			memcpy(nb, lx->block, lx->block_len);
		mem_wipe(lx->block, lx->block_cap);
		free(lx->block);
		lx->block = nb;
		lx->block_cap = cap;
	}
	memcpy(lx->block + lx->block_len, s, n);
	lx->block_len += n;
	lx->block[lx->block_len++] = '\n';
	lx->block[lx->block_len] = '\0';
	return 0;
}

static int block_close(struct lexer *lx, struct lex_option *out)
{
	/* An empty block still needs a buffer to point at. */
	if (!lx->block) {
		if (block_append(lx, "", 0))
			return -ENOMEM;
		lx->block_len = 0;
		lx->block[0] = '\0';
	}
	memset(out, 0, offsetof(struct lex_option, store));
	out->line = lx->block_line;
	out->argc = 2;
	strcpy(out->store, lx->tag);
	out->argv[0] = out->store;
	out->argv[1] = lx->block;	/* each line ends in "\n", as in OpenVPN */
	out->is_inline = true;
	out->inline_len = lx->block_len;
	lx->in_block = false;
	return 1;
}

/* "</tag>" at the start of @s (n bytes): the length of "tag", else 0. */
static size_t close_tag_len(const char *s, size_t n)
{
	const char *gt;

	if (n < 4 || s[0] != '<' || s[1] != '/')
		return 0;
	gt = memchr(s, '>', n);
	return gt ? (size_t)(gt - s) - 2 : 0;
}

static int block_line(struct lexer *lx, const char *s, size_t n,
		      struct lex_option *out)
{
	size_t i = 0, tlen, want = strlen(lx->tag);
	int ret;

	while (i < n && is_blank(s[i]))
		i++;
	tlen = close_tag_len(s + i, n - i);
	if (tlen == want && !memcmp(s + i + 2, lx->tag, want))
		return block_close(lx, out);
	if (tlen) {
		block_reset(lx);
		return lex_errorf(lx->err, sizeof(lx->err), lx->file, lx->line,
				  "</%.*s> does not close <%s> opened at line %u",
				  (int)(tlen > LEX_MAX_TAG ? LEX_MAX_TAG : tlen),
				  s + i + 2, lx->tag, lx->block_line);
	}
	ret = block_append(lx, s, n);
	if (ret == -E2BIG) {
		block_reset(lx);
		return lex_errorf(lx->err, sizeof(lx->err), lx->file,
				  lx->block_line,
				  "inline block <%s> is too large (%u bytes max)",
				  lx->tag, LEX_MAX_INLINE);
	}
	return ret;
}

static bool tag_char_ok(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* A lone "<tag>" token opens a block; "</tag>" here closes nothing. */
static int block_open(struct lexer *lx, const char *tok)
{
	size_t n = strlen(tok);

	if (tok[1] == '/')
		return lex_errorf(lx->err, sizeof(lx->err), lx->file, lx->line,
				  "%s without an opening <%.*s>", tok,
				  (int)(n - 3), tok + 2);
	if (n - 2 > LEX_MAX_TAG)
		return lex_errorf(lx->err, sizeof(lx->err), lx->file, lx->line,
				  "inline tag is too long (%u characters max)",
				  LEX_MAX_TAG);
	for (size_t i = 1; i < n - 1; i++)
		if (!tag_char_ok(tok[i]))
			return lex_errorf(lx->err, sizeof(lx->err), lx->file,
					  lx->line, "bad inline tag %s", tok);
	memcpy(lx->tag, tok + 1, n - 2);
	lx->tag[n - 2] = '\0';
	block_reset(lx);
	lx->in_block = true;
	lx->block_line = lx->line;
	return 0;
}

static bool is_tag(const struct lex_option *o)
{
	const char *s = o->argv[0];
	size_t n = strlen(s);

	return o->argc == 1 && n >= 3 && s[0] == '<' && s[n - 1] == '>';
}

static void strip_eol(const char *line, size_t *len)
{
	if (*len && line[*len - 1] == '\n')
		(*len)--;
	if (*len && line[*len - 1] == '\r')
		(*len)--;
}

int lexer_feed(struct lexer *lx, const char *line, size_t len,
	       struct lex_option *out)
{
	int n;

	strip_eol(line, &len);
	lx->line++;
	if (lx->in_block)
		return block_line(lx, line, len, out);
	if (lx->line == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
		line += 3;
		len -= 3;
	}
	n = lexer_split(line, len, lx->file, lx->line, out, lx->err,
			sizeof(lx->err));
	if (n <= 0)
		return n;
	if (strlen(out->argv[0]) >= 3 && !strncmp(out->argv[0], "--", 2))
		out->argv[0] += 2;
	if (is_tag(out))
		return block_open(lx, out->argv[0]);
	return 1;
}

int lexer_finish(struct lexer *lx)
{
	if (!lx->in_block)
		return 0;
	block_reset(lx);
	return lex_errorf(lx->err, sizeof(lx->err), lx->file, lx->block_line,
			  "inline block <%s> is not closed (</%s> missing)",
			  lx->tag, lx->tag);
}
