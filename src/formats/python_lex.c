/* The Python lexer (python_lex.h). Moved out of the EasyDeL scanner so the
 * tt-forge-models loader scanner reads Python exactly the same way. */
#include "formats/python_lex.h"

#include "base/alloc.h"
#include "base/utf8.h"
#include "base/vec.h"

#include <stdint.h>
#include <string.h>

enum { F_STR, F_EXPR, F_SPEC };
typedef cov_py_fctx fctx;
typedef cov_py_lex py_lex;
typedef cov_py_tok py_tok;

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (unsigned char)c >= 0x80;
}

static int is_ident(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int is_quote(char c)
{
    return c == '"' || c == '\'';
}

/* Whether p[0..n) is a string prefix (r b f u t and the two-letter mixes, any
 * case); *fmt is set for f- and t-strings, whose {fields} hold code. */
static int str_prefix(const char *p, size_t n, int *fmt)
{
    char a = (char)(p[0] | 0x20), b = n == 2 ? (char)(p[1] | 0x20) : 0;
    if (n == 1 && strchr("rbfut", a)) {
        *fmt = a == 'f' || a == 't';
        return 1;
    }
    if (n == 2 && a != b && (a == 'r' || b == 'r') && strchr("bft", a == 'r' ? b : a)) {
        char o = a == 'r' ? b : a;
        *fmt = o == 'f' || o == 't';
        return 1;
    }
    return 0;
}

/* Skips a plain string body from i (just after the opening quotes). Returns
 * where the body ends and sets *next past the closing quotes. An
 * unterminated single-quoted string ends at its line, a triple-quoted one
 * at the end of the file. A backslash always protects the next character,
 * raw strings included (r"\"" is one string). */
static size_t skip_plain(const char *s, size_t n, size_t i, char q, int triple,
                         size_t *next, int *unterminated)
{
    while (i < n) {
        char c = s[i];
        if (c == '\\') {
            i += s[i + 1] == '\r' && s[i + 2] == '\n' ? 3 : s[i + 1] ? 2 : 1;
            continue;
        }
        if (c == q && (!triple || (s[i + 1] == q && s[i + 2] == q))) {
            *next = i + (triple ? 3 : 1);
            return i;
        }
        if (!triple && (c == '\n' || c == '\r')) {
            *unterminated = 1;
            *next = i;
            return i;
        }
        i++;
    }
    *unterminated = 1;
    *next = n;
    return n;
}

static int push_ctx(py_lex *lx, unsigned char kind, char q, unsigned char triple)
{
    if (COV_GROW_ONE(lx->stk, lx->nstk, lx->scap) < 0) {
        lx->oom = 1;
        return -1;
    }
    fctx *c = &lx->stk[lx->nstk++];
    c->kind = kind;
    c->q = q;
    c->triple = triple;
    c->depth = 0;
    return 0;
}

/* The opening quote(s) at s[at]: 1 or 3 characters. */
static int triple_at(const char *s, size_t at)
{
    return s[at + 1] == s[at] && s[at + 2] == s[at];
}

/* Skips an f-string whose body starts at lx->i. Iterative: nested fields and
 * strings live on lx->stk, so deep nesting costs heap, not C stack. */
static void skip_fstring(py_lex *lx, char q, int triple)
{
    const char *s = lx->s;
    size_t n = lx->n, i = lx->i, base = lx->nstk;
    if (push_ctx(lx, F_STR, q, (unsigned char)triple) < 0)
        return;
    while (lx->nstk > base && i < n) {
        fctx *top = &lx->stk[lx->nstk - 1];
        char c = s[i];
        if (top->kind != F_EXPR) {
            if (c == '\\') {
                /* "\{" is a backslash then a field, not an escaped brace. */
                i += s[i + 1] == '{' || s[i + 1] == '}' || !s[i + 1] ? 1 : 2;
            } else if (c == top->q && (!top->triple || (s[i + 1] == c && s[i + 2] == c))) {
                /* The string's own quote ends it, a format spec included. */
                if (top->kind == F_STR)
                    i += top->triple ? 3 : 1;
                lx->nstk--;
            } else if (!top->triple && (c == '\n' || c == '\r')) {
                lx->nstk--; /* unterminated: ends at its line */
                lx->unterminated = 1;
            } else if (c == '{') {
                if (top->kind == F_STR && s[i + 1] == '{') {
                    i += 2;
                } else {
                    i++;
                    if (push_ctx(lx, F_EXPR, top->q, top->triple) < 0)
                        break;
                }
            } else if (c == '}') {
                if (top->kind == F_SPEC) {
                    lx->nstk--; /* the spec ends its field */
                    i++;
                } else {
                    i += s[i + 1] == '}' ? 2 : 1;
                }
            } else {
                i++;
            }
            continue;
        }
        /* A replacement field's expression: Python code up to its '}'. */
        if (c == '#') {
            while (i < n && s[i] != '\n' && s[i] != '\r')
                i++;
        } else if (is_quote(c) || is_ident_start(c)) {
            size_t j = i;
            int fmt = 0;
            while (is_ident(s[j]))
                j++;
            if (j > i && !(is_quote(s[j]) && str_prefix(s + i, j - i, &fmt))) {
                i = j; /* a name */
                continue;
            }
            int tq = triple_at(s, j);
            size_t body = j + (tq ? 3 : 1);
            if (fmt) {
                i = body;
                if (push_ctx(lx, F_STR, s[j], (unsigned char)tq) < 0)
                    break;
            } else {
                skip_plain(s, n, body, s[j], tq, &i, &lx->unterminated);
            }
        } else if (c == '(' || c == '[' || c == '{') {
            top->depth++;
            i++;
        } else if (c == ')' || c == ']') {
            if (top->depth)
                top->depth--;
            i++;
        } else if (c == '}') {
            if (top->depth)
                top->depth--;
            else
                lx->nstk--;
            i++;
        } else if (c == ':' && top->depth == 0) {
            top->kind = F_SPEC;
            i++;
        } else {
            i++;
        }
    }
    if (lx->nstk > base && !lx->oom)
        lx->unterminated = 1; /* the file ended inside it */
    lx->nstk = base;
    lx->i = i < n ? i : n;
}

/* A string token whose opening quote is at s[q]; start is where its prefix
 * (if any) begins. */
static void string_tok(py_lex *lx, py_tok *t, size_t q, int fmt)
{
    const char *s = lx->s;
    lx->unterminated = 0;
    t->plen = q - t->off;
    int triple = triple_at(s, q);
    size_t body = q + (triple ? 3 : 1);
    if (fmt) {
        lx->i = body;
        skip_fstring(lx, s[q], triple);
        t->kind = COV_PY_FSTRING;
    } else {
        size_t end = skip_plain(s, lx->n, body, s[q], triple, &lx->i, &lx->unterminated);
        t->kind = COV_PY_STRING;
        t->coff = body;
        t->clen = end - body;
    }
    t->len = lx->i - t->off;
    t->unterminated = lx->unterminated;
}

/* Operators longer than one character; brackets are always one. */
static size_t op_len(const char *p)
{
    char a = p[0], b = p[1];
    if ((a == '*' && b == '*') || (a == '/' && b == '/') || (a == '<' && b == '<') ||
        (a == '>' && b == '>'))
        return p[2] == '=' ? 3 : 2; /* **= //= <<= >>= or ** // << >> */
    if (a == '.' && b == '.' && p[2] == '.')
        return 3;
    if ((a == '-' && b == '>') || (b == '=' && strchr("=!<>:+-*/%&|^@", a) && a))
        return 2;
    return 1;
}

/* The next token of code. Comments, blank lines and line continuations
 * produce none; a NEWLINE ends each non-empty logical line (newlines inside
 * brackets do not). */
void cov_py_next(py_lex *lx, py_tok *t)
{
    if (lx->has_ahead) {
        *t = lx->ahead;
        lx->has_ahead = 0;
        return;
    }
    const char *s = lx->s;
    size_t n = lx->n;
    memset(t, 0, sizeof *t);
    for (;;) {
        size_t i = lx->i;
        if (i >= n) {
            t->off = n;
            t->kind = lx->has_tok ? COV_PY_NEWLINE : COV_PY_EOF;
            lx->has_tok = 0;
            return;
        }
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\f') {
            lx->i++;
            continue;
        }
        if (c == '\\' && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
            lx->i += s[i + 1] == '\r' && s[i + 2] == '\n' ? 3 : 2;
            continue;
        }
        if (c == '#') {
            while (lx->i < n && s[lx->i] != '\n' && s[lx->i] != '\r')
                lx->i++;
            continue;
        }
        if (c == '\n' || c == '\r') {
            lx->i++;
            if (lx->depth == 0 && lx->has_tok) {
                lx->has_tok = 0;
                t->kind = COV_PY_NEWLINE;
                t->off = i;
                return;
            }
            continue;
        }
        t->off = i;
        t->first = !lx->has_tok;
        lx->has_tok = 1;
        if (is_ident_start(c)) {
            size_t j = i;
            int fmt = 0;
            while (is_ident(s[j]))
                j++;
            if (is_quote(s[j]) && str_prefix(s + i, j - i, &fmt)) {
                string_tok(lx, t, j, fmt);
                return;
            }
            lx->i = j;
            t->kind = COV_PY_NAME;
            t->len = j - i;
            return;
        }
        if (is_quote(c)) {
            string_tok(lx, t, i, 0);
            return;
        }
        if ((c >= '0' && c <= '9') || (c == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')) {
            size_t j = i + 1;
            while (is_ident(s[j]) || s[j] == '.' ||
                   ((s[j] == '+' || s[j] == '-') && (s[j - 1] | 0x20) == 'e'))
                j++;
            lx->i = j;
            t->kind = COV_PY_NUMBER;
            t->len = j - i;
            return;
        }
        lx->i++;
        if (c == '(' || c == '[' || c == '{') {
            lx->depth++;
        } else if (c == ')' || c == ']' || c == '}') {
            if (lx->depth)
                lx->depth--;
        }
        size_t len = op_len(s + i);
        lx->i = i + len;
        t->kind = COV_PY_OP;
        t->op = c;
        t->len = len;
        return;
    }
}

void cov_py_unget(py_lex *lx, const py_tok *t)
{
    lx->ahead = *t;
    lx->has_ahead = 1;
}

/* Line and column (1-based, in characters) of off; offsets asked for never
 * go backwards, so counting resumes where it stopped. */
void cov_py_where(py_lex *lx, size_t off, int *line, int *col)
{
    const char *s = lx->s;
    for (; lx->lpos < off; lx->lpos++) {
        char c = s[lx->lpos];
        if (c == '\n' || (c == '\r' && s[lx->lpos + 1] != '\n')) {
            lx->line++;
            lx->lstart = lx->lpos + 1;
            lx->lcol = 0;
        } else if ((c & 0xC0) != 0x80 && c != '\r') {
            lx->lcol++; /* characters from lstart to lpos */
        }
    }
    *line = lx->line > INT32_MAX ? INT32_MAX : (int)lx->line;
    *col = lx->lcol >= INT32_MAX ? INT32_MAX : (int)lx->lcol + 1;
}

int cov_py_invalid_utf8(py_lex *lx, int *line, int *col)
{
    size_t bad = cov_utf8_invalid(lx->s, lx->n);
    if (bad == lx->n)
        return 0;
    cov_py_where(lx, bad, line, col);
    return 1;
}

void cov_py_lex_start(py_lex *lx, const char *text, size_t len)
{
    fctx *stk = lx->stk;
    size_t scap = lx->scap;
    memset(lx, 0, sizeof *lx);
    lx->stk = stk; /* keep the context stack's memory across files */
    lx->scap = scap;
    lx->s = text;
    lx->n = len;
    lx->line = 1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        lx->i = lx->lpos = lx->lstart = 3; /* a BOM is not code */
}

void cov_py_lex_free(py_lex *lx)
{
    cov_free(lx->stk);
    lx->stk = NULL;
    lx->scap = lx->nstk = 0;
}
