/* The config lexer: OpenVPN 2.6's tokenizing rules, inline blocks, limits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf/lexer.h"

/* Split one line; returns the count, tokens in o. */
static int split(const char *line, struct lex_option *o, char *err)
{
	return lexer_split(line, strlen(line), "t.conf", 7, o, err, LEX_ERR_LEN);
}

static void expect_tokens(const char *line, int n, ...)
{
	struct lex_option o;
	char err[LEX_ERR_LEN] = "";
	va_list ap;

	assert_int_equal(split(line, &o, err), n);
	assert_string_equal(err, "");
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(o.argv[i], va_arg(ap, const char *));
	va_end(ap);
	assert_null(o.argv[n]);
}

static void expect_error(const char *line, const char *msg)
{
	struct lex_option o;
	char err[LEX_ERR_LEN] = "";

	assert_int_equal(split(line, &o, err), -EINVAL);
	assert_string_equal(err, msg);
}

static void test_plain_tokens(void **state)
{
	(void)state;
	expect_tokens("remote 198.18.0.1 1194 udp", 4, "remote", "198.18.0.1",
		      "1194", "udp");
	expect_tokens("  \t verb   3\t ", 2, "verb", "3");
	expect_tokens("", 0);
	expect_tokens("   \t", 0);
	expect_tokens("client\r", 1, "client");
}

static void test_quotes(void **state)
{
	(void)state;
	expect_tokens("up \"/bin/script arg\"", 2, "up", "/bin/script arg");
	expect_tokens("up '/bin/a \\b'", 2, "up", "/bin/a \\b");
	expect_tokens("setenv X \"\"", 3, "setenv", "X", "");
	/* A closing quote ends the token at once. */
	expect_tokens("a \"b\"c", 3, "a", "b", "c");
	/* Quotes inside an unquoted token are ordinary characters. */
	expect_tokens("a b\"c'd", 2, "a", "b\"c'd");
	expect_tokens("a \"it's\" 'say \"hi\"'", 3, "a", "it's", "say \"hi\"");
	expect_tokens("a \"x # y ; z\"", 2, "a", "x # y ; z");
	expect_error("up \"/bin/x", "t.conf:7: no closing quotation (\")");
	expect_error("up '/bin/x", "t.conf:7: no closing single quotation (')");
}

static void test_escapes(void **state)
{
	(void)state;
	expect_tokens("a b\\ c", 2, "a", "b c");
	expect_tokens("a c:\\\\dir\\\\f", 2, "a", "c:\\dir\\f");
	expect_tokens("a \\\"q\\\"", 2, "a", "\"q\"");
	expect_tokens("a \"in \\\"side\\\\\"", 2, "a", "in \"side\\");
	/* An escaped blank where a token would start is skipped. */
	expect_tokens("a \\ b", 2, "a", "b");
	expect_error("a c:\\dir",
		     "t.conf:7: bad backslash ('\\') usage: only \\\\, \\\" and "
		     "\\<space> are escapes; write c:\\\\dir for a backslash");
	expect_error("a \"x\\'\"",
		     "t.conf:7: bad backslash ('\\') usage: only \\\\, \\\" and "
		     "\\<space> are escapes; write c:\\\\dir for a backslash");
	expect_error("a b\\", "t.conf:7: backslash ('\\') at end of line");
	/* Between tokens an escaped newline is skipped, as OpenVPN does. */
	expect_tokens("a \\", 1, "a");
}

static void test_comments(void **state)
{
	(void)state;
	expect_tokens("# comment", 0);
	expect_tokens("; comment", 0);
	expect_tokens("   ;remote x", 0);
	expect_tokens("remote h 1194 # trailing", 3, "remote", "h", "1194");
	expect_tokens("remote h ;x", 2, "remote", "h");
	/* Inside a token, # and ; are ordinary. */
	expect_tokens("a b#c d;e", 3, "a", "b#c", "d;e");
	/* Escaped, at a token start, still a comment (as OpenVPN). */
	expect_tokens("a \\#b", 1, "a");
}

static void test_limits(void **state)
{
	struct lex_option o;
	char err[LEX_ERR_LEN];
	char line[600];

	(void)state;
	memset(line, 'a', LEX_MAX_LINE);
	line[LEX_MAX_LINE] = '\0';
	assert_int_equal(split(line, &o, err), 1);
	assert_int_equal(strlen(o.argv[0]), LEX_MAX_LINE);
	line[LEX_MAX_LINE] = 'a';
	line[LEX_MAX_LINE + 1] = '\0';
	expect_error(line, "t.conf:7: line is too long (254 characters max)");
	/* 16 tokens are fine, the 17th is an error, not a truncation. */
	expect_tokens("a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", 16, "a", "1", "2",
		      "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
		      "14", "15");
	expect_error("a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
		     "t.conf:7: too many parameters (16 max, option name "
		     "included)");
	assert_int_equal(lexer_split("a\0b", 3, "t.conf", 7, &o, err,
				     sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:7: NUL character in line");
}

/* Feed a whole text; returns the options seen through a callback. */
struct collected {
	int n;
	char names[8][32];
	char last_content[256];
	unsigned int lines[8];
	char err[LEX_ERR_LEN];
};

static int feed_all(const char *text, struct collected *c)
{
	struct lexer lx;
	struct lex_option o;
	const char *p = text;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	lexer_init(&lx, "in.conf");
	while (*p && ret >= 0) {
		size_t n = strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n');

		ret = lexer_feed(&lx, p, n, &o);
		p += n;
		if (ret == 1 && c->n < 8) {
			snprintf(c->names[c->n], 32, "%s", o.argv[0]);
			c->lines[c->n++] = o.line;
			if (o.is_inline)
				snprintf(c->last_content, 256, "%s", o.argv[1]);
		}
	}
	if (ret >= 0)
		ret = lexer_finish(&lx);
	snprintf(c->err, sizeof(c->err), "%s", ret < 0 ? lx.err : "");
	lexer_free(&lx);
	return ret < 0 ? ret : c->n;
}

static void test_inline_blocks(void **state)
{
	struct collected c;

	(void)state;
	assert_int_equal(feed_all("client\n<ca>\nAAA\n  BBB\n</ca>\nverb 3\n",
				  &c), 3);
	assert_string_equal(c.names[1], "ca");
	assert_int_equal(c.lines[1], 2);
	assert_int_equal(c.lines[2], 6);
	assert_string_equal(c.last_content, "AAA\n  BBB\n");
	/* Indented closing tag, trailing text after it, CRLF inside. */
	assert_int_equal(feed_all("<key>\r\nK1\r\n\t</key> x\r\n", &c), 1);
	assert_string_equal(c.last_content, "K1\n");
	/* Any tag: the option table decides later. */
	assert_int_equal(feed_all("<foo-bar>\n</foo-bar>\n", &c), 1);
	assert_string_equal(c.names[0], "foo-bar");
	assert_string_equal(c.last_content, "");
	/* Comment-looking lines are content inside a block. */
	assert_int_equal(feed_all("<tls-auth>\n# 2048 bit\n;x\n</tls-auth>\n",
				  &c), 1);
	assert_string_equal(c.last_content, "# 2048 bit\n;x\n");
}

static void test_inline_errors(void **state)
{
	struct collected c;

	(void)state;
	assert_int_equal(feed_all("verb 3\n<ca>\nAAA\n", &c), -EINVAL);
	assert_string_equal(c.err, "in.conf:2: inline block <ca> is not closed "
			    "(</ca> missing)");
	assert_int_equal(feed_all("<ca>\nAAA\n</cert>\n</ca>\n", &c), -EINVAL);
	assert_string_equal(c.err, "in.conf:3: </cert> does not close <ca> "
			    "opened at line 1");
	assert_int_equal(feed_all("verb 3\n</ca>\n", &c), -EINVAL);
	assert_string_equal(c.err, "in.conf:2: </ca> without an opening <ca>");
	assert_int_equal(feed_all("<c a>\n", &c), 1);	/* two tokens: no tag */
	assert_int_equal(feed_all("<c$a>\n</c$a>\n", &c), -EINVAL);
	assert_string_equal(c.err, "in.conf:1: bad inline tag <c$a>");
}

static void test_inline_too_large(void **state)
{
	struct lexer lx;
	struct lex_option o;
	char line[1024];
	int ret = 0;
	unsigned int i;

	(void)state;
	memset(line, 'Q', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	lexer_init(&lx, "big.conf");
	assert_int_equal(lexer_feed(&lx, "x\n", 2, &o), 1);
	assert_int_equal(lexer_feed(&lx, "<ca>\n", 5, &o), 0);
	for (i = 0; i < 2000 && ret == 0; i++)
		ret = lexer_feed(&lx, line, strlen(line), &o);
	assert_int_equal(ret, -EINVAL);
	assert_true(i > 1000);
	assert_string_equal(lx.err, "big.conf:2: inline block <ca> is too large "
			    "(1048576 bytes max)");
	/* Over a block, line length is not limited; outside it is. */
	assert_int_equal(lexer_feed(&lx, line, strlen(line), &o), -EINVAL);
	assert_int_equal(lexer_finish(&lx), 0);
	lexer_free(&lx);
}

static void test_bom_crlf_dashes(void **state)
{
	struct lexer lx;
	struct lex_option o;

	(void)state;
	lexer_init(&lx, "bom.conf");
	assert_int_equal(lexer_feed(&lx, "\xEF\xBB\xBF--client\r\n", 13, &o), 1);
	assert_string_equal(o.argv[0], "client");
	assert_int_equal(o.line, 1);
	/* A BOM only counts on the first line. */
	assert_int_equal(lexer_feed(&lx, "\xEF\xBB\xBFverb 3\r\n", 11, &o), 1);
	assert_string_equal(o.argv[0], "\xEF\xBB\xBFverb");
	/* "--" is dropped only in front of a real name. */
	assert_int_equal(lexer_feed(&lx, "-- x", 4, &o), 1);
	assert_string_equal(o.argv[0], "--");
	assert_int_equal(lexer_feed(&lx, "--<ca>", 6, &o), 0);
	assert_int_equal(lexer_feed(&lx, "</ca>", 5, &o), 1);
	assert_true(o.is_inline);
	assert_int_equal(o.line, 4);
	assert_int_equal(lexer_finish(&lx), 0);
	lexer_free(&lx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_tokens),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_inline_blocks),
		cmocka_unit_test(test_inline_errors),
		cmocka_unit_test(test_inline_too_large),
		cmocka_unit_test(test_bom_crlf_dashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
