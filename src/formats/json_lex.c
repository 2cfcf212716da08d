/* The JSON position lexer (json_lex.h): RFC 8259 as cJSON 1.7 reads it,
 * one pass, no recursion. */
#include "formats/json_lex.h"

#include "base/alloc.h"
#include "base/diag.h"
#include "base/utf8.h"
#include "base/vec.h"
#include "covengine.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The 1-based line and column (in UTF-8 characters) of byte off of t, which
 * is NUL-terminated at or after off. A leading BOM takes no column. */
void cov_json_where(const char *t, size_t off, int *line, int *col)
{
    long l = 1, c = 1;
    size_t i = 0;
    if (off >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (; i < off; i++) {
        unsigned char ch = (unsigned char)t[i];
        if (ch == '\n' || (ch == '\r' && t[i + 1] != '\n')) {
            l++;
            c = 1;
        } else if (ch != '\r' && (ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l > INT_MAX ? INT_MAX : (int)l;
    *col = c > INT_MAX ? INT_MAX : (int)c;
}

static int jerr(cov_jlex *x, int code, size_t at, const char *fmt, ...) COV_PRINTF(4, 5);

static int jerr(cov_jlex *x, int code, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->msg, sizeof x->msg, fmt, ap);
    va_end(ap);
    x->code = code;
    x->at = at;
    return -1;
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The \uXXXX code at t+i (just after "\u"), or -1. The text is NUL-terminated,
 * so the scan stops at the end without reading past it. */
static long hex4(const char *t, size_t i)
{
    long v = 0;
    for (int k = 0; k < 4; k++) {
        char c = t[i + (size_t)k];
        if (!is_hex(c))
            return -1;
        v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* A string at x->i (the opening quote); leaves x->i after the closing one.
 * Accepts what RFC 8259 accepts, minus \u0000 (cJSON would cut the string
 * there); the limit counts the bytes between the quotes as written. */
static int jstring(cov_jlex *x)
{
    const char *t = x->t;
    size_t start = x->i, i = start + 1;
    for (;;) {
        if (x->max_scalar && i - start - 1 > x->max_scalar)
            return jerr(x, COV_ELIMIT, start, "string longer than %llu bytes",
                        (unsigned long long)x->max_scalar);
        if (i >= x->len)
            return jerr(x, COV_EINPUT, start, "invalid JSON: unterminated string");
        unsigned char c = (unsigned char)t[i];
        if (c == '"')
            break;
        if (c < 0x20)
            return jerr(x, COV_EINPUT, i,
                        "invalid JSON: control character 0x%02X in string", c);
        if (c >= 0x80) { /* RFC 8259: JSON text is UTF-8 */
            size_t n = cov_utf8_seq((const unsigned char *)t + i, x->len - i);
            if (!n)
                return jerr(x, COV_EINPUT, i, "invalid JSON: invalid UTF-8 in string");
            i += n;
            continue;
        }
        if (c != '\\') {
            i++;
            continue;
        }
        if (i + 1 >= x->len)
            return jerr(x, COV_EINPUT, start, "invalid JSON: unterminated string");
        char e = t[i + 1];
        if (e && strchr("\"\\/bfnrt", e)) {
            i += 2;
            continue;
        }
        if (e != 'u')
            return jerr(x, COV_EINPUT, i, "invalid JSON: invalid escape");
        long u = hex4(t, i + 2);
        if (u < 0)
            return jerr(x, COV_EINPUT, i, "invalid JSON: invalid \\u escape");
        if (u == 0)
            return jerr(x, COV_EINPUT, i,
                        "invalid JSON: \\u0000 in a string is not supported");
        if (u >= 0xDC00 && u <= 0xDFFF)
            return jerr(x, COV_EINPUT, i, "invalid JSON: unpaired surrogate in \\u escape");
        if (u >= 0xD800 && u <= 0xDBFF) {
            long lo = t[i + 6] == '\\' && t[i + 7] == 'u' ? hex4(t, i + 8) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return jerr(x, COV_EINPUT, i,
                            "invalid JSON: unpaired surrogate in \\u escape");
            i += 6;
        }
        i += 6;
    }
    x->i = i + 1;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A number at x->i, strictly as RFC 8259 writes it. */
static int jnumber(cov_jlex *x)
{
    const char *t = x->t;
    size_t start = x->i, i = start;
    if (t[i] == '-')
        i++;
    if (t[i] == '0') {
        i++;
        if (is_digit(t[i]))
            return jerr(x, COV_EINPUT, start,
                        "invalid JSON: invalid number (leading zero)");
    } else if (is_digit(t[i])) {
        while (is_digit(t[i]))
            i++;
    } else {
        return jerr(x, COV_EINPUT, start, "invalid JSON: invalid number");
    }
    if (t[i] == '.') {
        i++;
        if (!is_digit(t[i]))
            return jerr(x, COV_EINPUT, start, "invalid JSON: invalid number");
        while (is_digit(t[i]))
            i++;
    }
    if (t[i] == 'e' || t[i] == 'E') {
        i++;
        if (t[i] == '+' || t[i] == '-')
            i++;
        if (!is_digit(t[i]))
            return jerr(x, COV_EINPUT, start, "invalid JSON: invalid number");
        while (is_digit(t[i]))
            i++;
    }
    /* The text is NUL-terminated, so the scan above stopped at x->len at the latest. */
    if (x->max_scalar && i - start > x->max_scalar)
        return jerr(x, COV_ELIMIT, start, "number longer than %llu bytes",
                    (unsigned long long)x->max_scalar);
    if (i - start > COV_JSON_MAX_NUMBER)
        return jerr(x, COV_EINPUT, start, "invalid JSON: number longer than %d characters",
                    COV_JSON_MAX_NUMBER);
    x->i = i;
    return 0;
}

static int jliteral(cov_jlex *x)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if (x->len - x->i >= n && memcmp(x->t + x->i, words[k], n) == 0) {
            x->i += n;
            return 0;
        }
    }
    return jerr(x, COV_EINPUT, x->i,
                "invalid JSON: invalid literal (expected true, false or null)");
}

static int junexpected(cov_jlex *x)
{
    unsigned char c = (unsigned char)x->t[x->i];
    if (c > 0x20 && c < 0x7F)
        return jerr(x, COV_EINPUT, x->i, "invalid JSON: unexpected character '%c'", c);
    return jerr(x, COV_EINPUT, x->i, "invalid JSON: unexpected byte 0x%02X", c);
}

enum { J_VALUE, J_VALUE_OR_CLOSE, J_KEY, J_KEY_OR_CLOSE, J_COLON, J_AFTER, J_END };

/* Closes the innermost container at x->i; returns the next state. */
static int jclose(cov_jlex *x)
{
    size_t idx = x->open[--x->depth];
    x->pos[idx].size = x->npos - idx;
    x->i++;
    return x->depth ? J_AFTER : J_END;
}

/* Lexes the whole text; returns 0, or -1 with the error in x. Iterative: the
 * only per-level state is x->open. */
int cov_jlex_run(cov_jlex *x)
{
    const char *t = x->t;
    int st = J_VALUE;
    size_t key = SIZE_MAX;
    x->i = x->len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    for (;;) {
        while (x->i < x->len &&
               (t[x->i] == ' ' || t[x->i] == '\t' || t[x->i] == '\n' || t[x->i] == '\r'))
            x->i++;
        if (x->i >= x->len) {
            if (st == J_END)
                return 0;
            return jerr(x, COV_EINPUT, x->len, "invalid JSON: unexpected end of input");
        }
        char c = t[x->i];
        switch (st) {
        case J_END:
            return jerr(x, COV_EINPUT, x->i,
                        "invalid JSON: unexpected data after the value");
        case J_COLON:
            if (c != ':')
                return jerr(x, COV_EINPUT, x->i, "invalid JSON: expected ':'");
            x->i++;
            st = J_VALUE;
            continue;
        case J_KEY_OR_CLOSE:
        case J_KEY:
            if (c == '}' && st == J_KEY_OR_CLOSE) {
                st = jclose(x);
                continue;
            }
            if (c != '"')
                return jerr(x, COV_EINPUT, x->i,
                            st == J_KEY ? "invalid JSON: expected a string key"
                                        : "invalid JSON: expected a string key or '}'");
            key = x->i;
            if (jstring(x) < 0)
                return -1;
            st = J_COLON;
            continue;
        case J_AFTER: {
            char open = t[x->pos[x->open[x->depth - 1]].off];
            if (c == ',') {
                x->i++;
                st = open == '[' ? J_VALUE : J_KEY;
                continue;
            }
            if (c == (open == '[' ? ']' : '}')) {
                st = jclose(x);
                continue;
            }
            return jerr(x, COV_EINPUT, x->i,
                        open == '[' ? "invalid JSON: expected ',' or ']'"
                                    : "invalid JSON: expected ',' or '}'");
        }
        case J_VALUE_OR_CLOSE:
            if (c == ']') {
                st = jclose(x);
                continue;
            }
            break;
        default: break;
        }
        /* A value: record it before descending so the order is pre-order. */
        if (COV_GROW_ONE(x->pos, x->npos, x->pcap) < 0)
            return jerr(x, COV_ENOMEM, 0, "out of memory");
        cov_jpos *p = &x->pos[x->npos++];
        p->off = x->i;
        p->key = key;
        p->size = 1;
        key = SIZE_MAX;
        if (c == '[' || c == '{') {
            if (x->depth >= x->max_depth)
                return jerr(x, COV_ELIMIT, x->i, "nesting deeper than %lu",
                            (unsigned long)x->max_depth);
            if (COV_GROW_ONE(x->open, x->depth, x->ocap) < 0)
                return jerr(x, COV_ENOMEM, 0, "out of memory");
            x->open[x->depth++] = x->npos - 1;
            x->i++;
            st = c == '[' ? J_VALUE_OR_CLOSE : J_KEY_OR_CLOSE;
            continue;
        }
        int rc;
        if (c == '"')
            rc = jstring(x);
        else if (c == '-' || is_digit(c))
            rc = jnumber(x);
        else if (c == 't' || c == 'f' || c == 'n')
            rc = jliteral(x);
        else
            rc = junexpected(x);
        if (rc < 0)
            return -1;
        st = x->depth ? J_AFTER : J_END;
    }
}

void cov_jlex_free(cov_jlex *x)
{
    cov_free(x->pos);
    cov_free(x->open);
}

int cov_json_check(const char *text, size_t len)
{
    cov_jlex x = {0};
    x.t = text;
    x.len = len;
    x.max_depth = CJSON_NESTING_LIMIT;
    int rc = cov_jlex_run(&x) < 0 ? x.code : COV_OK;
    cov_jlex_free(&x);
    return rc;
}
