/* tt-forge-models loader scanner and join (load_forge.h).
 *
 * A file is lexed into a token array first (brackets matched, logical
 * lines with their indentation), then read in three layers: classes and
 * module-level assignments; the few statements of the classes that matter
 * (ModelVariant members, _VARIANTS, DEFAULT_VARIANT, defs); and, inside
 * _get_model_info, a small evaluation of assignments, if/elif/else chains
 * and the return ModelInfo(...) call over "cells", one per variant, each a
 * literal, a set of candidates or computed. Expressions are parsed into a
 * node array by a recursive descent bounded in depth; anything outside the
 * small grammar it knows is one opaque node, so a construct it does not
 * know never derails what follows. */
#include "load/load_forge.h"

#include "base/alloc.h"
#include "base/fsutil.h"
#include "base/vec.h"
#include "formats/python_lex.h"
#include "model/forge_join.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_DEPTH = 96 };
#define NO_NODE UINT32_MAX

/* ---- tokens and lines ---- */

typedef struct ftok {
    int kind;
    size_t off, len, coff, clen, plen;
    int line;
    size_t lstart;  /* where its line starts: the column is counted from there */
    char op;        /* COV_PY_OP: its first character */
    uint32_t match; /* brackets: the index of the other one */
} ftok;

typedef struct fline {
    uint32_t start, end; /* tokens [start, end), its NEWLINE not included */
    long indent;
} fline;

/* Expression nodes. */
enum { N_OTHER, N_NAME, N_STR, N_IFEXP, N_AND, N_OR, N_NOT, N_CMP, N_SEQ, N_CALL, N_DICT };
enum { C_EQ, C_NE, C_IN, C_NOTIN };

typedef struct node {
    uint8_t kind, op, star;
    uint32_t tok; /* its first token */
    uint32_t a, b, c;
    /* N_NAME: a = first token, b = parts (a.b.c: 3); N_STR: a = sym;
     * N_IFEXP: a body, b test, c orelse; N_CMP: a left, b right; N_NOT: a;
     * N_CALL: a = function (an N_NAME); star: *args or **kwargs given. */
    uint32_t kids, nkids;
    /* N_AND, N_OR, N_SEQ: nkids nodes at kid[kids]; N_CALL: nkids pairs
     * (keyword token + 1 or 0 for a positional argument, value); N_DICT:
     * nkids pairs (key or NO_NODE for **x, value). */
} node;

/* A cell: what one variant's value of something is. */
enum { K_UNSET, K_LIT, K_CAND, K_COMP };
typedef struct cell {
    uint8_t kind;
    cov_sym lit;         /* K_LIT */
    uint32_t line;       /* K_COMP: where; else the expression's line */
    uint32_t cfirst, cn; /* K_CAND: pool[cfirst .. cfirst + cn) */
} cell;

typedef struct env_entry {
    size_t off, len; /* the name, in the text */
    cell *v;
} env_entry;

typedef struct env {
    env_entry *e;
    size_t n, cap;
} env;

typedef struct member {
    cov_sym name, value; /* value NONE: not a string literal */
} member;

typedef struct klass {
    uint32_t line;       /* index into lines */
    uint32_t name;       /* token */
    uint32_t bfirst, bn; /* base names (last parts, as tokens) in kid[] */
} klass;

typedef struct fscan {
    cov_model *m;
    cov_diag *d;
    const char *path; /* for messages */
    const char *s;
    size_t n;
    cov_py_lex lx;
    ftok *t;
    uint32_t nt, capt;
    fline *ln;
    uint32_t nl, capl;
    node *nd;
    uint32_t nn, capn;
    uint32_t *kid;
    uint32_t nk, capk;
    uint32_t *stack; /* open brackets while lexing */
    uint32_t nst, capst;
    klass *cls;
    uint32_t ncls, capcls;
    member *mem;
    uint32_t nmem, capmem;
    cov_sym *pool; /* candidate sets of cells */
    uint32_t npool, cappool;
    void **blocks; /* scratch allocations of this file */
    size_t nblocks, capblocks;
    char *buf;
    size_t blen, bcap;
    int depth;
    int oom;
    /* _get_model_info, while it is evaluated */
    uint32_t nv;          /* variants (slots) of the loader */
    const cov_sym *vname; /* their member names */
    cov_sym default_member;
    size_t voff, vlen; /* the variant parameter's name; vlen 0: none */
    cell *res[COV_LF_COUNT];
    uint8_t *returned;
} fscan;

#define GROW(f, arr, cnt, cap)                                                             \
    (COV_GROW_ONE32((f)->arr, (f)->cnt, (f)->cap) < 0 ? ((f)->oom = 1, -1) : 0)

static void *scratch(fscan *f, size_t n)
{
    if (COV_GROW_ONE(f->blocks, f->nblocks, f->capblocks) < 0) {
        f->oom = 1;
        return NULL;
    }
    void *p = cov_calloc(1, n ? n : 1);
    if (!p) {
        f->oom = 1;
        return NULL;
    }
    f->blocks[f->nblocks++] = p;
    return p;
}

/* Room for one more item after the n of *items (capacity *cap, elem bytes
 * each) in the scan's scratch memory: a bigger copy, the old array left to
 * the scratch. Returns 0 or -1 on OOM. */
static int scratch_room(fscan *f, void **items, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 8;
    void *more = scratch(f, c * elem);
    if (!more)
        return -1;
    if (n)
        memcpy(more, *items, n * elem);
    *items = more;
    *cap = c;
    return 0;
}

static void scratch_free(fscan *f)
{
    for (size_t i = 0; i < f->nblocks; i++)
        cov_free(f->blocks[i]);
    f->nblocks = 0;
}

static const ftok *tk(const fscan *f, uint32_t i)
{
    return &f->t[i];
}

static int is_word(const fscan *f, uint32_t i, uint32_t e, const char *w)
{
    size_t n = strlen(w);
    return i < e && f->t[i].kind == COV_PY_NAME && f->t[i].len == n &&
           memcmp(f->s + f->t[i].off, w, n) == 0;
}

static int is_opx(const fscan *f, uint32_t i, uint32_t e, const char *op)
{
    size_t n = strlen(op);
    return i < e && f->t[i].kind == COV_PY_OP && f->t[i].len == n &&
           memcmp(f->s + f->t[i].off, op, n) == 0;
}

static int is_open(const fscan *f, uint32_t i)
{
    const ftok *t = &f->t[i];
    return t->kind == COV_PY_OP && t->len == 1 &&
           (t->op == '(' || t->op == '[' || t->op == '{');
}

static int same_text(const fscan *f, uint32_t i, size_t off, size_t len)
{
    return f->t[i].kind == COV_PY_NAME && f->t[i].len == len &&
           memcmp(f->s + f->t[i].off, f->s + off, len) == 0;
}

/* The next token at depth 0 after i (a bracket is skipped whole). */
static uint32_t step(const fscan *f, uint32_t i)
{
    return is_open(f, i) ? f->t[i].match + 1 : i + 1;
}

/* The column (1-based, in characters) of token i. */
static int col_of(const fscan *f, uint32_t i)
{
    long cc = 1;
    for (size_t k = f->t[i].lstart; k < f->t[i].off; k++)
        if ((f->s[k] & 0xC0) != 0x80 && f->s[k] != '\r')
            cc++;
    return cc > INT32_MAX ? INT32_MAX : (int)cc;
}

/* Lexes the file into f->t and f->ln. Returns 0, 1 when the lexer cannot
 * follow it (warned), or -1 on OOM. */
static int tokenize(fscan *f)
{
    cov_py_lex_start(&f->lx, f->s, f->n);
    f->nt = f->nl = f->nst = 0;
    int bad = 0;
    unsigned long line = 1;
    size_t scanned = f->lx.i, lstart = f->lx.i; /* after a byte order mark */
    for (;;) {
        cov_py_tok pt;
        cov_py_next(&f->lx, &pt);
        if (f->lx.oom) {
            f->oom = 1;
            return -1;
        }
        if (pt.kind == COV_PY_EOF)
            break;
        if (pt.kind == COV_PY_NEWLINE) {
            if (f->nl && f->ln[f->nl - 1].end == UINT32_MAX)
                f->ln[f->nl - 1].end = f->nt;
            continue;
        }
        if (GROW(f, t, nt, capt) < 0)
            return -1;
        ftok *t = &f->t[f->nt];
        t->kind = pt.kind;
        t->off = pt.off;
        t->len = pt.len;
        t->coff = pt.coff;
        t->clen = pt.clen;
        t->plen = pt.plen;
        t->op = pt.op;
        t->match = UINT32_MAX;
        /* Lines as the lexer counts them ("\n", "\r\n", a lone "\r"); offsets
         * only grow, so the scan resumes where it stopped. */
        for (; scanned < pt.off; scanned++) {
            char c = f->s[scanned];
            if (c == '\n' || (c == '\r' && f->s[scanned + 1] != '\n')) {
                line++;
                lstart = scanned + 1;
            }
        }
        t->line = line > INT32_MAX ? INT32_MAX : (int)line;
        t->lstart = lstart;
        if (pt.first) {
            if (GROW(f, ln, nl, capl) < 0)
                return -1;
            /* Indentation as Python measures it: tabs to multiples of 8. */
            size_t b = lstart;
            long ind = 0;
            for (size_t k = b; k < pt.off; k++)
                ind = f->s[k] == '\t' ? (ind / 8 + 1) * 8 : f->s[k] == '\f' ? 0 : ind + 1;
            f->ln[f->nl++] = (fline){f->nt, UINT32_MAX, ind};
        }
        f->nt++;
        if (pt.unterminated) {
            cov_warn(f->d, f->path, t->line, col_of(f, f->nt - 1),
                     "unterminated string: the loader cannot be read");
            bad = 1;
            break;
        }
        if (pt.kind != COV_PY_OP || pt.len != 1)
            continue;
        char c = pt.op;
        if (c == '(' || c == '[' || c == '{') {
            if (GROW(f, stack, nst, capst) < 0)
                return -1;
            f->stack[f->nst++] = f->nt - 1;
        } else if (c == ')' || c == ']' || c == '}') {
            char want = c == ')' ? '(' : c == ']' ? '[' : '{';
            if (!f->nst || f->t[f->stack[f->nst - 1]].op != want) {
                cov_warn(f->d, f->path, t->line, col_of(f, f->nt - 1),
                         "unmatched '%c': the loader cannot be read", c);
                bad = 1;
                break;
            }
            uint32_t o = f->stack[--f->nst];
            f->t[o].match = f->nt - 1;
            t->match = o;
        }
    }
    if (!bad && f->nst) {
        const ftok *o = &f->t[f->stack[f->nst - 1]];
        cov_warn(f->d, f->path, o->line, col_of(f, f->stack[f->nst - 1]),
                 "'%c' is never closed: the loader cannot be read", o->op);
        bad = 1;
    }
    if (f->nl && f->ln[f->nl - 1].end == UINT32_MAX)
        f->ln[f->nl - 1].end = f->nt;
    return bad;
}

/* ---- expressions ---- */

static uint32_t new_node(fscan *f, int kind, uint32_t tok)
{
    if (GROW(f, nd, nn, capn) < 0)
        return NO_NODE;
    node *n = &f->nd[f->nn];
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    n->tok = tok;
    n->a = n->b = n->c = NO_NODE;
    return f->nn++;
}

static uint32_t other(fscan *f, uint32_t tok)
{
    return new_node(f, N_OTHER, tok);
}

/* Reserves n kid slots; returns the first, or UINT32_MAX on OOM. */
static uint32_t reserve(fscan *f, uint32_t n)
{
    if (cov_grow32((void **)&f->kid, &f->capk, (size_t)f->nk + n, sizeof *f->kid) < 0) {
        f->oom = 1;
        return UINT32_MAX;
    }
    uint32_t at = f->nk;
    f->nk += n;
    return at;
}

static int buf_add(fscan *f, const char *p, size_t n)
{
    if (n > SIZE_MAX - 1 - f->blen ||
        cov_grow((void **)&f->buf, &f->bcap, f->blen + n + 1, 1) < 0) {
        f->oom = 1;
        return -1;
    }
    memcpy(f->buf + f->blen, p, n);
    f->blen += n;
    return 0;
}

static int utf8_add(fscan *f, unsigned long c)
{
    char u[4];
    size_t n;
    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return buf_add(f, u, n);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Appends a string token's value to f->buf: escapes decoded as Python does
 * (none in a raw string). Returns 1 when the value is not plain text this
 * scanner keeps (bytes, a NUL, \N{...}, a surrogate), 0, or -1 on OOM. */
static int decode_string(fscan *f, const ftok *t)
{
    int raw = 0;
    for (size_t k = 0; k < t->plen; k++) {
        char c = (char)(f->s[t->off + k] | 0x20);
        if (c == 'b')
            return 1;
        raw |= c == 'r';
    }
    const char *p = f->s + t->coff, *end = p + t->clen;
    if (raw)
        return memchr(p, '\0', t->clen) ? 1 : buf_add(f, p, t->clen);
    while (p < end) {
        if (*p == '\0')
            return 1;
        if (*p != '\\' || p + 1 >= end) {
            if (buf_add(f, p++, 1) < 0)
                return -1;
            continue;
        }
        char e = p[1];
        static const char simple[] = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
        const char *hit = NULL;
        for (const char *q = simple; *q; q += 2)
            if (*q == e)
                hit = q;
        if (hit) {
            if (buf_add(f, hit + 1, 1) < 0)
                return -1;
            p += 2;
        } else if (e == '\n' || e == '\r') {
            p += 2 + (e == '\r' && p + 2 < end && p[2] == '\n');
        } else if (e >= '0' && e <= '7') {
            unsigned long v = 0;
            int k = 0;
            for (p++; k < 3 && p < end && *p >= '0' && *p <= '7'; k++, p++)
                v = v * 8 + (unsigned long)(*p - '0');
            if (v == 0 || utf8_add(f, v) < 0)
                return v == 0 ? 1 : -1;
        } else if (e == 'x' || e == 'u' || e == 'U') {
            int want = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            unsigned long v = 0;
            p += 2;
            for (int k = 0; k < want; k++, p++) {
                if (p >= end || hexval(*p) < 0)
                    return 1;
                v = v * 16 + (unsigned long)hexval(*p);
            }
            if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                return 1;
            if (utf8_add(f, v) < 0)
                return -1;
        } else if (e == 'N') {
            return 1;
        } else {
            if (buf_add(f, p, 2) < 0) /* an unknown escape keeps its backslash */
                return -1;
            p += 2;
        }
    }
    return 0;
}

static uint32_t parse_expr(fscan *f, uint32_t *p, uint32_t e);

/* expr over exactly [a, b): anything left over makes it opaque. */
static uint32_t parse_range(fscan *f, uint32_t a, uint32_t b)
{
    if (a >= b)
        return other(f, a);
    uint32_t p = a;
    uint32_t n = parse_expr(f, &p, b);
    if (n == NO_NODE)
        return NO_NODE;
    return p == b ? n : other(f, a);
}

/* The comma-separated items of [a, b) (brackets skipped): their starts in
 * starts[] (scratch), count in *n, and whether a top-level 'for' makes it a
 * comprehension. A trailing comma adds no item. */
static uint32_t *split(fscan *f, uint32_t a, uint32_t b, uint32_t *n, int *comprehension,
                       int *trailing)
{
    uint32_t count = a < b;
    *comprehension = *trailing = 0;
    for (uint32_t i = a; i < b; i = step(f, i)) {
        if (is_opx(f, i, b, ","))
            count++;
        if (is_word(f, i, b, "for"))
            *comprehension = 1;
    }
    uint32_t *at = scratch(f, (size_t)(count + 1) * 2 * sizeof *at);
    if (!at)
        return NULL;
    uint32_t k = 0, start = a;
    for (uint32_t i = a; i <= b; i = i < b ? step(f, i) : b + 1) {
        if (i == b || is_opx(f, i, b, ",")) {
            if (start < i || i != b) {
                at[2 * k] = start;
                at[2 * k + 1] = i;
                k++;
            }
            if (i == b && start == i && k > 0)
                *trailing = 1;
            start = i + 1;
        }
    }
    *n = k;
    return at;
}

static uint32_t parse_brackets(fscan *f, uint32_t o)
{
    uint32_t close = f->t[o].match, a = o + 1, b = close;
    char c = f->t[o].op;
    uint32_t n, *items;
    int comp, trailing;
    if (!(items = split(f, a, b, &n, &comp, &trailing)))
        return NO_NODE;
    if (comp || (n == 0 && c != '{'))
        return other(f, o);
    if (c == '(' && n == 1 && !trailing)
        return parse_range(f, items[0], items[1]);
    int dict = 0;
    if (c == '{' && n > 0) {
        /* A dict when its first item has a key (k: v) or is **x. */
        dict = is_opx(f, items[0], items[1], "**");
        for (uint32_t i = items[0]; !dict && i < items[1]; i = step(f, i))
            dict = is_opx(f, i, items[1], ":");
    }
    if (c == '{' && n == 0)
        dict = 1;
    uint32_t id = new_node(f, dict ? N_DICT : N_SEQ, o);
    if (id == NO_NODE)
        return NO_NODE;
    uint32_t slots = reserve(f, dict ? 2 * n : n);
    if (slots == UINT32_MAX)
        return NO_NODE;
    f->nd[id].kids = slots;
    f->nd[id].nkids = n;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t s = items[2 * k], e = items[2 * k + 1];
        if (!dict) {
            uint32_t v = parse_range(f, s, e);
            if (v == NO_NODE)
                return NO_NODE;
            f->kid[slots + k] = v;
            continue;
        }
        uint32_t key = NO_NODE, val;
        if (is_opx(f, s, e, "**")) {
            val = parse_range(f, s + 1, e);
        } else {
            uint32_t colon = s;
            while (colon < e && !is_opx(f, colon, e, ":"))
                colon = step(f, colon);
            if (colon >= e) {
                key = other(f, s); /* a set item in a dict: not Python */
                val = other(f, s);
            } else {
                key = parse_range(f, s, colon);
                val = parse_range(f, colon + 1, e);
            }
            if (key == NO_NODE)
                return NO_NODE;
        }
        if (val == NO_NODE)
            return NO_NODE;
        f->kid[slots + 2 * k] = key;
        f->kid[slots + 2 * k + 1] = val;
    }
    return id;
}

static uint32_t parse_call(fscan *f, uint32_t func, uint32_t o)
{
    uint32_t close = f->t[o].match;
    uint32_t n, *items;
    int comp, trailing;
    if (!(items = split(f, o + 1, close, &n, &comp, &trailing)))
        return NO_NODE;
    if (comp)
        return other(f, f->nd[func].tok);
    uint32_t id = new_node(f, N_CALL, f->nd[func].tok);
    uint32_t slots = id == NO_NODE ? UINT32_MAX : reserve(f, 2 * n);
    if (slots == UINT32_MAX)
        return NO_NODE;
    f->nd[id].a = func;
    f->nd[id].kids = slots;
    f->nd[id].nkids = n;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t s = items[2 * k], e = items[2 * k + 1], kw = 0, v;
        if (is_opx(f, s, e, "*") || is_opx(f, s, e, "**")) {
            f->nd[id].star = 1;
            v = other(f, s);
        } else if (s + 1 < e && f->t[s].kind == COV_PY_NAME && is_opx(f, s + 1, e, "=")) {
            kw = s + 1;
            v = parse_range(f, s + 2, e);
        } else {
            v = parse_range(f, s, e);
        }
        if (v == NO_NODE)
            return NO_NODE;
        f->kid[slots + 2 * k] = kw;
        f->kid[slots + 2 * k + 1] = v;
    }
    return id;
}

static int is_keyword(const fscan *f, uint32_t i)
{
    static const char *const kws[] = {
        "if",    "else",   "elif", "for",   "in",     "is",     "not",   "and",
        "or",    "lambda", "def",  "class", "return", "yield",  "from",  "import",
        "while", "with",   "as",   "pass",  "del",    "global", "async", "await"};
    for (size_t k = 0; k < sizeof kws / sizeof *kws; k++)
        if (is_word(f, i, i + 1, kws[k]))
            return 1;
    return 0;
}

static uint32_t parse_primary(fscan *f, uint32_t *p, uint32_t e)
{
    uint32_t i = *p, n;
    const ftok *t = tk(f, i);
    if (t->kind == COV_PY_NAME && !is_keyword(f, i)) {
        n = new_node(f, N_NAME, i);
        if (n == NO_NODE)
            return NO_NODE;
        f->nd[n].a = i;
        f->nd[n].b = 1;
        i++;
        while (is_opx(f, i, e, ".") && i + 1 < e && f->t[i + 1].kind == COV_PY_NAME) {
            f->nd[n].b++;
            i += 2;
        }
    } else if (t->kind == COV_PY_STRING || t->kind == COV_PY_FSTRING) {
        int plain = 1;
        f->blen = 0;
        for (; i < e && (f->t[i].kind == COV_PY_STRING || f->t[i].kind == COV_PY_FSTRING);
             i++) {
            if (!plain)
                continue;
            int r = f->t[i].kind == COV_PY_FSTRING ? 1 : decode_string(f, &f->t[i]);
            if (r < 0)
                return NO_NODE;
            plain = r == 0;
        }
        if (!plain) {
            n = other(f, *p);
        } else {
            cov_sym s = cov_model_intern(f->m, f->buf ? f->buf : "", f->blen);
            if (s == COV_SYM_OOM) {
                f->oom = 1;
                return NO_NODE;
            }
            n = new_node(f, N_STR, *p);
            if (n != NO_NODE)
                f->nd[n].a = s;
        }
    } else if (is_open(f, i)) {
        if (f->t[i].match >= e)
            return other(f, i);
        n = f->depth > MAX_DEPTH ? other(f, i) : parse_brackets(f, i);
        i = f->t[i].match + 1;
    } else {
        n = other(f, i);
        i++;
    }
    if (n == NO_NODE)
        return NO_NODE;
    /* Trailers: a call of a dotted name is kept; anything else is opaque. */
    while (i < e) {
        if (is_opx(f, i, e, ".") && i + 1 < e && f->t[i + 1].kind == COV_PY_NAME) {
            n = other(f, *p);
            i += 2;
        } else if (is_open(f, i) && f->t[i].op != '{' && f->t[i].match < e) {
            if (f->t[i].op == '(' && f->nd[n].kind == N_NAME && f->depth <= MAX_DEPTH)
                n = parse_call(f, n, i);
            else
                n = other(f, *p);
            i = f->t[i].match + 1;
        } else {
            break;
        }
        if (n == NO_NODE)
            return NO_NODE;
    }
    *p = i;
    return n;
}

static int binary_op(const fscan *f, uint32_t i, uint32_t e)
{
    static const char *const ops[] = {"+",  "-",  "*",  "/", "//", "%", "@",
                                      "**", "<<", ">>", "&", "|",  "^"};
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
        if (is_opx(f, i, e, ops[k]))
            return 1;
    return 0;
}

static uint32_t parse_unary(fscan *f, uint32_t *p, uint32_t e)
{
    if (*p >= e)
        return other(f, *p);
    if (is_opx(f, *p, e, "-") || is_opx(f, *p, e, "+") || is_opx(f, *p, e, "~") ||
        is_opx(f, *p, e, "*") || is_opx(f, *p, e, "**") || is_word(f, *p, e, "await")) {
        uint32_t at = (*p)++;
        if (++f->depth > MAX_DEPTH) {
            *p = e;
        } else if (parse_unary(f, p, e) == NO_NODE) {
            return NO_NODE;
        }
        f->depth--;
        return other(f, at);
    }
    return parse_primary(f, p, e);
}

static uint32_t parse_arith(fscan *f, uint32_t *p, uint32_t e)
{
    uint32_t at = *p, n = parse_unary(f, p, e);
    while (n != NO_NODE && binary_op(f, *p, e)) {
        (*p)++;
        if (parse_unary(f, p, e) == NO_NODE)
            return NO_NODE;
        n = other(f, at);
    }
    return n;
}

/* The comparison operator at *p (advanced past it), or -1. */
static int cmp_op(const fscan *f, uint32_t *p, uint32_t e, int *known)
{
    static const char *const plain[] = {"<", ">", "<=", ">="};
    uint32_t i = *p;
    *known = 1;
    if (is_opx(f, i, e, "==") || (is_word(f, i, e, "is") && !is_word(f, i + 1, e, "not"))) {
        *p = i + 1;
        return C_EQ;
    }
    if (is_opx(f, i, e, "!=")) {
        *p = i + 1;
        return C_NE;
    }
    if (is_word(f, i, e, "is") && is_word(f, i + 1, e, "not")) {
        *p = i + 2;
        return C_NE;
    }
    if (is_word(f, i, e, "in")) {
        *p = i + 1;
        return C_IN;
    }
    if (is_word(f, i, e, "not") && is_word(f, i + 1, e, "in")) {
        *p = i + 2;
        return C_NOTIN;
    }
    *known = 0;
    for (size_t k = 0; k < 4; k++)
        if (is_opx(f, i, e, plain[k])) {
            *p = i + 1;
            return C_EQ;
        }
    return -1;
}

static uint32_t parse_cmp(fscan *f, uint32_t *p, uint32_t e)
{
    uint32_t at = *p, l = parse_arith(f, p, e);
    int known, op;
    if (l == NO_NODE || (op = cmp_op(f, p, e, &known)) < 0)
        return l;
    uint32_t r = parse_arith(f, p, e);
    if (r == NO_NODE)
        return NO_NODE;
    int chain = 0, more;
    while (cmp_op(f, p, e, &more) >= 0) {
        chain = 1;
        if (parse_arith(f, p, e) == NO_NODE)
            return NO_NODE;
    }
    if (chain || !known)
        return other(f, at);
    uint32_t n = new_node(f, N_CMP, at);
    if (n != NO_NODE) {
        f->nd[n].op = (uint8_t)op;
        f->nd[n].a = l;
        f->nd[n].b = r;
    }
    return n;
}

static uint32_t parse_not(fscan *f, uint32_t *p, uint32_t e)
{
    if (!is_word(f, *p, e, "not"))
        return parse_cmp(f, p, e);
    uint32_t at = (*p)++, x;
    if (++f->depth > MAX_DEPTH) {
        *p = e;
        x = other(f, at);
    } else {
        x = parse_not(f, p, e);
    }
    f->depth--;
    uint32_t n = x == NO_NODE ? NO_NODE : new_node(f, N_NOT, at);
    if (n != NO_NODE)
        f->nd[n].a = x;
    return n;
}

/* and_test / or_test: items joined by word ("and", "or"). */
static uint32_t parse_bool(fscan *f, uint32_t *p, uint32_t e, int is_or)
{
    uint32_t at = *p;
    uint32_t first = is_or ? parse_bool(f, p, e, 0) : parse_not(f, p, e);
    const char *w = is_or ? "or" : "and";
    if (first == NO_NODE || !is_word(f, *p, e, w))
        return first;
    /* The items go to a scratch list first: each may hold kids of its own. */
    size_t n = 1, cap = 0;
    uint32_t *items = NULL;
    if (scratch_room(f, (void **)&items, &cap, 0, sizeof *items) < 0)
        return NO_NODE;
    items[0] = first;
    while (is_word(f, *p, e, w)) {
        (*p)++;
        uint32_t x = is_or ? parse_bool(f, p, e, 0) : parse_not(f, p, e);
        if (x == NO_NODE)
            return NO_NODE;
        if (scratch_room(f, (void **)&items, &cap, n, sizeof *items) < 0)
            return NO_NODE;
        items[n++] = x;
    }
    uint32_t id = new_node(f, is_or ? N_OR : N_AND, at);
    uint32_t slots = id == NO_NODE ? UINT32_MAX : reserve(f, n);
    if (slots == UINT32_MAX)
        return NO_NODE;
    f->nd[id].kids = slots;
    f->nd[id].nkids = n;
    memcpy(f->kid + slots, items, n * sizeof *items);
    return id;
}

static uint32_t parse_expr(fscan *f, uint32_t *p, uint32_t e)
{
    uint32_t at = *p;
    if (is_word(f, at, e, "lambda") || is_word(f, at, e, "yield")) {
        *p = e;
        return other(f, at);
    }
    if (++f->depth > MAX_DEPTH) {
        f->depth--;
        *p = e;
        return other(f, at);
    }
    uint32_t body = parse_bool(f, p, e, 1), n = body;
    if (body != NO_NODE && is_word(f, *p, e, "if")) {
        (*p)++;
        uint32_t test = parse_bool(f, p, e, 1), orelse = NO_NODE;
        if (test != NO_NODE && is_word(f, *p, e, "else")) {
            (*p)++;
            orelse = parse_expr(f, p, e);
        }
        if (test == NO_NODE || (orelse == NO_NODE && f->oom)) {
            n = NO_NODE;
        } else if (orelse == NO_NODE) {
            n = other(f, at);
        } else if ((n = new_node(f, N_IFEXP, at)) != NO_NODE) {
            f->nd[n].a = body;
            f->nd[n].b = test;
            f->nd[n].c = orelse;
        }
    }
    f->depth--;
    return n;
}

/* The last part of an N_NAME, as a token index. */
static uint32_t name_last(const fscan *f, uint32_t n)
{
    return f->nd[n].a + 2 * (f->nd[n].b - 1);
}

/* ---- classes and statements ---- */

/* The body of the compound statement on line l whose header colon is at
 * token c: the rest of that line (a one-liner) or the lines indented more. */
typedef struct block {
    uint32_t l0, l1; /* lines [l0, l1), when a = b */
    uint32_t a, b;   /* tokens of a one-line body */
} block;

/* The colon ending a compound statement's header on line l (brackets
 * skipped; a lambda's own colon too), or UINT32_MAX. */
static uint32_t header_colon(const fscan *f, uint32_t l)
{
    const fline *ln = &f->ln[l];
    int lambdas = 0;
    for (uint32_t i = ln->start; i < ln->end; i = step(f, i)) {
        if (is_word(f, i, ln->end, "lambda"))
            lambdas++;
        if (is_opx(f, i, ln->end, ":")) {
            if (!lambdas)
                return i;
            lambdas--;
        }
    }
    return UINT32_MAX;
}

static block body_of(const fscan *f, uint32_t l, uint32_t colon)
{
    block b = {0, 0, 0, 0};
    if (colon != UINT32_MAX && colon + 1 < f->ln[l].end) {
        b.a = colon + 1;
        b.b = f->ln[l].end;
        return b;
    }
    uint32_t k = l + 1;
    while (k < f->nl && f->ln[k].indent > f->ln[l].indent)
        k++;
    b.l0 = l + 1;
    b.l1 = k;
    return b;
}

/* The next statement line of a block after line l (its own body skipped). */
static uint32_t next_stmt(const fscan *f, uint32_t l, uint32_t l1)
{
    long ind = f->ln[l].indent;
    for (l++; l < l1 && f->ln[l].indent > ind; l++)
        ;
    return l;
}

/* Simple statements: the ';'-separated parts of tokens [a, b), one at a time. */
static uint32_t simple_end(const fscan *f, uint32_t a, uint32_t b)
{
    while (a < b && !is_opx(f, a, b, ";"))
        a = step(f, a);
    return a;
}

/* If [a, b) is an assignment NAME = value (or NAME: type = value), the
 * name's token and where its value starts; else UINT32_MAX. */
static uint32_t assignment(const fscan *f, uint32_t a, uint32_t b, uint32_t *value)
{
    if (a >= b || f->t[a].kind != COV_PY_NAME || is_keyword(f, a))
        return UINT32_MAX;
    if (is_opx(f, a + 1, b, "=")) {
        *value = a + 2;
        return a;
    }
    if (is_opx(f, a + 1, b, ":")) {
        for (uint32_t i = a + 2; i < b; i = step(f, i))
            if (is_opx(f, i, b, "=")) {
                *value = i + 1;
                return a;
            }
    }
    return UINT32_MAX;
}

static int add_class(fscan *f, uint32_t l)
{
    const fline *ln = &f->ln[l];
    uint32_t i = ln->start + 1;
    if (i >= ln->end || f->t[i].kind != COV_PY_NAME)
        return 0;
    if (GROW(f, cls, ncls, capcls) < 0)
        return -1;
    klass *k = &f->cls[f->ncls++];
    k->line = l;
    k->name = i;
    k->bfirst = f->nk;
    k->bn = 0;
    if (!is_opx(f, i + 1, ln->end, "("))
        return 0;
    uint32_t close = f->t[i + 1].match, n, *items;
    int comp, trailing;
    if (!(items = split(f, i + 2, close, &n, &comp, &trailing)))
        return -1;
    uint32_t slots = reserve(f, n);
    if (slots == UINT32_MAX)
        return -1;
    k = &f->cls[f->ncls - 1];
    k->bfirst = slots;
    for (uint32_t j = 0; j < n; j++) {
        /* A base is a dotted name; keep its last part (metaclass=... is not). */
        uint32_t s = items[2 * j], e = items[2 * j + 1], last = UINT32_MAX;
        for (uint32_t x = s; x < e; x += 2) {
            if (f->t[x].kind != COV_PY_NAME)
                break;
            if (x + 1 == e)
                last = x;
            else if (!is_opx(f, x + 1, e, "."))
                break;
        }
        if (last != UINT32_MAX)
            f->kid[slots + k->bn++] = last;
    }
    return 0;
}

static int has_base(const fscan *f, const klass *k, const char *name)
{
    for (uint32_t j = 0; j < k->bn; j++)
        if (is_word(f, f->kid[k->bfirst + j], f->kid[k->bfirst + j] + 1, name))
            return 1;
    return 0;
}

static const klass *find_class(const fscan *f, const char *name, const char *base)
{
    for (uint32_t i = 0; i < f->ncls; i++) {
        const klass *k = &f->cls[i];
        if (name && !is_word(f, k->name, k->name + 1, name))
            continue;
        if (base && !has_base(f, k, base))
            continue;
        return k;
    }
    return NULL;
}

static block class_body(const fscan *f, const klass *k)
{
    return body_of(f, k->line, header_colon(f, k->line));
}

/* Calls fn on each simple statement [a, b) of a block that is not a
 * compound statement's header, and on_def for each def. */
typedef int (*stmt_fn)(fscan *f, void *ud, uint32_t a, uint32_t b, uint32_t line);

static int each_simple(fscan *f, block bl, stmt_fn fn, void *ud)
{
    if (bl.a < bl.b) {
        for (uint32_t a = bl.a; a < bl.b;) {
            uint32_t e = simple_end(f, a, bl.b);
            int rc = fn(f, ud, a, e, UINT32_MAX);
            if (rc)
                return rc;
            a = e + 1;
        }
        return 0;
    }
    for (uint32_t l = bl.l0; l < bl.l1; l = next_stmt(f, l, bl.l1)) {
        const fline *ln = &f->ln[l];
        for (uint32_t a = ln->start; a < ln->end;) {
            uint32_t e = simple_end(f, a, ln->end);
            int rc = fn(f, ud, a, e, l);
            if (rc)
                return rc;
            a = e + 1;
        }
    }
    return 0;
}

/* The value of the last module-level assignment to the name at token name
 * before line `before`, parsed; NO_NODE if none. */
static uint32_t module_value(fscan *f, uint32_t name, uint32_t before)
{
    uint32_t found = UINT32_MAX, value = 0;
    if (!f->nl)
        return NO_NODE;
    long ind = f->ln[0].indent;
    for (uint32_t l = 0; l < before && l < f->nl; l++) {
        const fline *ln = &f->ln[l];
        uint32_t v;
        if (ln->indent != ind)
            continue;
        uint32_t e = simple_end(f, ln->start, ln->end);
        uint32_t a = assignment(f, ln->start, e, &v);
        if (a != UINT32_MAX && same_text(f, a, f->t[name].off, f->t[name].len)) {
            found = l;
            value = v;
        }
    }
    if (found == UINT32_MAX)
        return NO_NODE;
    return parse_range(f, value, simple_end(f, value, f->ln[found].end));
}

/* ---- one loader ---- */

typedef struct loader_scan {
    cov_loader *L; /* being filled (in m->loaders) */
    uint32_t vars; /* _VARIANTS value node of ModelLoader, or NO_NODE */
    uint32_t vars_line;
    uint32_t dflt;      /* DEFAULT_VARIANT value node */
    uint32_t info_line; /* line of def _get_model_info */
    int decode;
    uint32_t prefill_vars; /* _VARIANTS of the prefill class */
} loader_scan;

static int enum_member(fscan *f, void *ud, uint32_t a, uint32_t b, uint32_t line)
{
    (void)ud;
    (void)line;
    uint32_t v;
    uint32_t name = assignment(f, a, b, &v);
    if (name == UINT32_MAX)
        return 0;
    uint32_t n = parse_range(f, v, b);
    if (n == NO_NODE)
        return -1;
    if (GROW(f, mem, nmem, capmem) < 0)
        return -1;
    cov_sym sym = cov_model_intern(f->m, f->s + f->t[name].off, f->t[name].len);
    if (sym == COV_SYM_OOM)
        return f->oom = 1, -1;
    member *mb = &f->mem[f->nmem++];
    mb->name = sym;
    mb->value = f->nd[n].kind == N_STR ? f->nd[n].a : COV_SYM_NONE;
    if (!mb->value)
        cov_warn(f->d, f->path, f->t[name].line, col_of(f, name),
                 "ModelVariant member '%.*s' is not a string literal: no test id can name "
                 "it",
                 (int)f->t[name].len, f->s + f->t[name].off);
    return 0;
}

static int loader_stmt(fscan *f, void *ud, uint32_t a, uint32_t b, uint32_t line)
{
    loader_scan *ls = ud;
    uint32_t v;
    (void)line;
    if (is_word(f, a, b, "def") ||
        (is_word(f, a, b, "async") && is_word(f, a + 1, b, "def"))) {
        uint32_t nm = a + 1 + is_word(f, a, b, "async");
        if (is_word(f, nm, b, "_get_model_info") && line != UINT32_MAX)
            ls->info_line = line;
        if (is_word(f, nm, b, "load_inputs_decode"))
            ls->decode = 1;
        return 0;
    }
    uint32_t name = assignment(f, a, b, &v);
    if (name == UINT32_MAX)
        return 0;
    if (is_word(f, name, b, "_VARIANTS") || is_word(f, name, b, "DEFAULT_VARIANT")) {
        uint32_t n = parse_range(f, v, b);
        if (n == NO_NODE)
            return -1;
        if (is_word(f, name, b, "_VARIANTS")) {
            ls->vars = n;
            ls->vars_line = f->t[a].line;
        } else {
            ls->dflt = n;
        }
    }
    return 0;
}

/* The _VARIANTS value of a class: a dict, or a name bound to one at module
 * level before the class. */
static uint32_t variants_dict(fscan *f, uint32_t n, uint32_t before)
{
    if (n != NO_NODE && f->nd[n].kind == N_NAME && f->nd[n].b == 1)
        n = module_value(f, f->nd[n].a, before);
    return n != NO_NODE && f->nd[n].kind == N_DICT ? n : NO_NODE;
}

static const member *find_member(const fscan *f, cov_sym name)
{
    for (uint32_t i = 0; i < f->nmem; i++)
        if (f->mem[i].name == name)
            return &f->mem[i];
    return NULL;
}

/* The member a dotted name ModelVariant.X (any prefix) names: X, as a sym
 * that exists, or NONE. */
static cov_sym member_of(fscan *f, uint32_t n)
{
    if (n == NO_NODE || f->nd[n].kind != N_NAME || f->nd[n].b < 2)
        return COV_SYM_NONE;
    const ftok *t = &f->t[name_last(f, n)];
    if (t->len == 15 && memcmp(f->s + t->off, "DEFAULT_VARIANT", 15) == 0)
        return f->default_member;
    return cov_intern_find(&f->m->strs, f->s + t->off, t->len);
}

static int capitalised(const fscan *f, uint32_t tok)
{
    char c = f->s[f->t[tok].off];
    return c >= 'A' && c <= 'Z';
}

/* ---- cells ---- */

static cell *new_vec(fscan *f)
{
    return scratch(f, (size_t)f->nv * sizeof(cell));
}

static cell *vec_fill(fscan *f, const uint8_t *mask, int kind, cov_sym lit, uint32_t line)
{
    cell *v = new_vec(f);
    for (uint32_t i = 0; v && i < f->nv; i++)
        if (mask[i])
            v[i] = (cell){(uint8_t)kind, lit, line, 0, 0};
    return v;
}

static int pool_add(fscan *f, cov_sym s)
{
    if (GROW(f, pool, npool, cappool) < 0)
        return -1;
    f->pool[f->npool++] = s;
    return 0;
}

/* The values of a literal or candidate cell: into the pool from `start`,
 * without repeats. */
static int add_values(fscan *f, const cell *c, uint32_t start)
{
    uint32_t n = c->kind == K_LIT ? 1 : c->cn;
    for (uint32_t k = 0; k < n; k++) {
        cov_sym v = c->kind == K_LIT ? c->lit : f->pool[c->cfirst + k];
        int seen = 0;
        for (uint32_t j = start; j < f->npool && !seen; j++)
            seen = f->pool[j] == v;
        if (!seen && pool_add(f, v) < 0)
            return -1;
    }
    return 0;
}

/* *out = a or b: either value may be the one that applies. */
static int cell_union(fscan *f, const cell *a, const cell *b, cell *out)
{
    if (a->kind == K_UNSET || b->kind == K_COMP) {
        *out = *b;
        return 0;
    }
    if (b->kind == K_UNSET || a->kind == K_COMP) {
        *out = *a;
        return 0;
    }
    uint32_t start = f->npool;
    if (add_values(f, a, start) < 0 || add_values(f, b, start) < 0)
        return -1;
    uint32_t line = a->line;
    if (f->npool - start == 1) {
        *out = (cell){K_LIT, f->pool[start], line, 0, 0};
        f->npool = start;
    } else {
        *out = (cell){K_CAND, COV_SYM_NONE, line, start, f->npool - start};
    }
    return 0;
}

static env_entry *env_find(const env *en, const fscan *f, uint32_t name)
{
    for (size_t i = 0; i < en->n; i++)
        if (same_text(f, name, en->e[i].off, en->e[i].len))
            return &en->e[i];
    return NULL;
}

/* The entry of a name, made (all cells unset) if need be. */
static env_entry *env_get(fscan *f, env *en, uint32_t name)
{
    env_entry *x = env_find(en, f, name);
    if (x)
        return x;
    if (scratch_room(f, (void **)&en->e, &en->cap, en->n, sizeof *en->e) < 0)
        return NULL;
    cell *v = new_vec(f);
    if (!v)
        return NULL;
    en->e[en->n] = (env_entry){f->t[name].off, f->t[name].len, v};
    return &en->e[en->n++];
}

static int env_copy(fscan *f, const env *from, env *to)
{
    to->n = to->cap = 0;
    to->e = NULL;
    if (!from->n)
        return 0;
    to->e = scratch(f, from->n * sizeof *to->e);
    if (!to->e)
        return -1;
    for (size_t i = 0; i < from->n; i++) {
        cell *v = new_vec(f);
        if (!v)
            return -1;
        memcpy(v, from->e[i].v, f->nv * sizeof *v);
        to->e[i] = (env_entry){from->e[i].off, from->e[i].len, v};
    }
    to->n = to->cap = from->n;
    return 0;
}

static int is_variant_param(const fscan *f, uint32_t n)
{
    return f->vlen && n != NO_NODE && f->nd[n].kind == N_NAME && f->nd[n].b == 1 &&
           same_text(f, f->nd[n].a, f->voff, f->vlen);
}

/* Whether node n tests the variant alone (== / != / in / not in members,
 * and / or / not of such tests); if so, the variants it holds for in out. */
static int vset(fscan *f, uint32_t n, uint8_t *out)
{
    const node *x = &f->nd[n];
    uint32_t nv = f->nv;
    switch (x->kind) {
    case N_NOT:
        if (!vset(f, x->a, out))
            return 0;
        for (uint32_t v = 0; v < nv; v++)
            out[v] = !out[v];
        return 1;
    case N_AND:
    case N_OR: {
        uint8_t *tmp = scratch(f, nv);
        if (!tmp)
            return 0;
        for (uint32_t v = 0; v < nv; v++)
            out[v] = x->kind == N_AND;
        for (uint32_t k = 0; k < x->nkids; k++) {
            if (!vset(f, f->kid[x->kids + k], tmp))
                return 0;
            for (uint32_t v = 0; v < nv; v++)
                out[v] = x->kind == N_AND ? out[v] && tmp[v] : out[v] || tmp[v];
        }
        return 1;
    }
    case N_CMP: {
        uint32_t other;
        if (is_variant_param(f, x->a))
            other = x->b;
        else if (is_variant_param(f, x->b) && (x->op == C_EQ || x->op == C_NE))
            other = x->a;
        else
            return 0;
        for (uint32_t v = 0; v < nv; v++)
            out[v] = 0;
        if (x->op == C_EQ || x->op == C_NE) {
            if (f->nd[other].kind != N_NAME || f->nd[other].b < 2)
                return 0;
            cov_sym mb = member_of(f, other);
            for (uint32_t v = 0; v < nv; v++)
                out[v] = mb && f->vname[v] == mb;
        } else {
            if (f->nd[other].kind != N_SEQ)
                return 0;
            const node *seq = &f->nd[other];
            for (uint32_t k = 0; k < seq->nkids; k++) {
                uint32_t it = f->kid[seq->kids + k];
                if (f->nd[it].kind != N_NAME || f->nd[it].b < 2)
                    return 0;
                cov_sym mb = member_of(f, it);
                for (uint32_t v = 0; v < nv; v++)
                    out[v] = out[v] || (mb && f->vname[v] == mb);
            }
        }
        if (x->op == C_NE || x->op == C_NOTIN)
            for (uint32_t v = 0; v < nv; v++)
                out[v] = !out[v];
        return 1;
    }
    default: return 0;
    }
}

/* The value of expression n for the variants in mask. */
static cell *eval(fscan *f, const env *en, uint32_t n, const uint8_t *mask)
{
    const node *x = &f->nd[n];
    uint32_t line = (uint32_t)f->t[x->tok].line, nv = f->nv;
    if (x->kind == N_STR)
        return vec_fill(f, mask, K_LIT, x->a, line);
    if (x->kind == N_NAME && x->b >= 2 && capitalised(f, name_last(f, n) - 2)) {
        /* An enum member (ModelSource.EASYDEL): its name. */
        const ftok *t = &f->t[name_last(f, n)];
        cov_sym s = cov_model_intern(f->m, f->s + t->off, t->len);
        if (s == COV_SYM_OOM) {
            f->oom = 1;
            return NULL;
        }
        return vec_fill(f, mask, K_LIT, s, line);
    }
    if (x->kind == N_NAME && x->b == 1 && !is_variant_param(f, n)) {
        env_entry *e = env_find(en, f, x->a);
        if (e) {
            cell *v = new_vec(f);
            if (v)
                memcpy(v, e->v, nv * sizeof *v);
            /* A name used before any assignment in some variant is not known. */
            for (uint32_t k = 0; v && k < nv; k++)
                if (mask[k] && v[k].kind == K_UNSET)
                    v[k] = (cell){K_COMP, COV_SYM_NONE, line, 0, 0};
            return v;
        }
    }
    if (x->kind == N_IFEXP) {
        uint8_t *s = scratch(f, nv), *mb = scratch(f, nv), *mo = scratch(f, nv);
        if (!s || !mb || !mo)
            return NULL;
        int known = vset(f, x->b, s);
        for (uint32_t k = 0; k < nv; k++) {
            mb[k] = mask[k] && (!known || s[k]);
            mo[k] = mask[k] && (!known || !s[k]);
        }
        cell *b = eval(f, en, x->a, mb), *o = b ? eval(f, en, x->c, mo) : NULL;
        cell *out = o ? new_vec(f) : NULL;
        for (uint32_t k = 0; out && k < nv; k++) {
            if (!mask[k])
                continue;
            if (known)
                out[k] = s[k] ? b[k] : o[k];
            else if (cell_union(f, &b[k], &o[k], &out[k]) < 0)
                return NULL;
        }
        return out;
    }
    return vec_fill(f, mask, K_COMP, COV_SYM_NONE, line);
}

static const char *const field_words[COV_LF_COUNT] = {"source", "group", "task", "model",
                                                      "framework"};

/* return ...: the ModelInfo fields of the variants in mask that have not
 * returned yet. Under a condition on something else than the variant, what
 * is returned cannot be told: computed. */
static int do_return(fscan *f, const env *en, uint32_t a, uint32_t b, uint8_t *mask,
                     int uncertain, uint32_t *kwline)
{
    uint32_t n = parse_range(f, a, b);
    if (n == NO_NODE)
        return -1;
    uint32_t line = (uint32_t)f->t[a < b ? a : a - 1].line, nv = f->nv;
    const node *x = &f->nd[n];
    int info = x->kind == N_CALL && f->nd[x->a].kind == N_NAME &&
               is_word(f, name_last(f, x->a), name_last(f, x->a) + 1, "ModelInfo");
    for (int fl = 0; fl < COV_LF_COUNT; fl++) {
        cell *v = NULL;
        if (info && !uncertain) {
            x = &f->nd[n];
            for (uint32_t k = 0; k < x->nkids && !v; k++) {
                uint32_t kw = f->kid[x->kids + 2 * k];
                if (kw && is_word(f, kw - 1, kw, field_words[fl])) {
                    v = eval(f, en, f->kid[x->kids + 2 * k + 1], mask);
                    if (!v)
                        return -1;
                    if (!kwline[fl])
                        kwline[fl] = (uint32_t)f->t[kw - 1].line;
                }
            }
            /* Not given: absent, unless **kwargs may hold it. */
            if (!v &&
                !(v = vec_fill(f, mask, x->star ? K_COMP : K_UNSET, COV_SYM_NONE, line)))
                return -1;
        } else if (!(v = vec_fill(f, mask, K_COMP, COV_SYM_NONE, line))) {
            return -1;
        }
        for (uint32_t k = 0; k < nv; k++)
            if (mask[k] && !f->returned[k])
                f->res[fl][k] = v[k];
    }
    for (uint32_t k = 0; k < nv; k++)
        if (mask[k])
            f->returned[k] = 1;
    return 0;
}

static int set_name(fscan *f, env *en, uint32_t name, const cell *v, const uint8_t *mask)
{
    if (same_text(f, name, f->voff, f->vlen) && f->vlen)
        return 0; /* the variant itself (variant = cls.DEFAULT_VARIANT) */
    env_entry *e = env_get(f, en, name);
    if (!e)
        return -1;
    for (uint32_t k = 0; k < f->nv; k++)
        if (mask[k])
            e->v[k] = v[k];
    return 0;
}

/* Names assigned in [a, b) other than by NAME = value become computed. */
static int spoil(fscan *f, env *en, uint32_t a, uint32_t b, const uint8_t *mask)
{
    uint32_t eq = UINT32_MAX;
    for (uint32_t i = a; i < b && eq == UINT32_MAX; i = step(f, i))
        if (f->t[i].kind == COV_PY_OP && f->t[i].len >= 1 &&
            f->s[f->t[i].off + f->t[i].len - 1] == '=' && !is_opx(f, i, b, "==") &&
            !is_opx(f, i, b, "!=") && !is_opx(f, i, b, "<=") && !is_opx(f, i, b, ">="))
            eq = i;
    if (eq == UINT32_MAX) {
        /* for NAME in ...: the loop variable */
        if (!(is_word(f, a, b, "for") && a + 1 < b && f->t[a + 1].kind == COV_PY_NAME))
            return 0;
        eq = a + 2;
        a++;
    }
    for (uint32_t i = a; i < eq; i = step(f, i)) {
        if (f->t[i].kind != COV_PY_NAME || is_keyword(f, i) || is_opx(f, i + 1, eq, ".") ||
            (i > a && is_opx(f, i - 1, eq, ".")))
            continue;
        cell *v = vec_fill(f, mask, K_COMP, COV_SYM_NONE, (uint32_t)f->t[i].line);
        if (!v || set_name(f, en, i, v, mask) < 0)
            return -1;
    }
    return 0;
}

static int exec_block(fscan *f, block bl, env *en, uint8_t *mask, int uncertain,
                      uint32_t *kwline);

static int exec_simple(fscan *f, env *en, uint32_t a, uint32_t b, uint8_t *mask,
                       int uncertain, uint32_t *kwline)
{
    uint32_t v;
    if (a >= b)
        return 0;
    if (is_word(f, a, b, "return"))
        return do_return(f, en, a + 1, b, mask, uncertain, kwline);
    uint32_t name = assignment(f, a, b, &v);
    if (name != UINT32_MAX) {
        uint32_t n = parse_range(f, v, b);
        if (n == NO_NODE)
            return -1;
        cell *val = eval(f, en, n, mask);
        return val ? set_name(f, en, name, val, mask) : -1;
    }
    return spoil(f, en, a, b, mask);
}

/* Removes from mask the variants that have returned. */
static void drop_returned(const fscan *f, uint8_t *mask)
{
    for (uint32_t k = 0; k < f->nv; k++)
        if (f->returned[k])
            mask[k] = 0;
}

/* An if/elif/else chain starting at line l: its clauses' conditions and
 * bodies. Returns the line after it. */
static int exec_if(fscan *f, uint32_t l, uint32_t l1, env *en, uint8_t *mask, int uncertain,
                   uint32_t *kwline, uint32_t *next)
{
    enum { MAX_CLAUSES = 256 };
    uint32_t lines[MAX_CLAUSES], nc = 0, k = l;
    int has_else = 0;
    do {
        lines[nc++] = k;
        has_else = is_word(f, f->ln[k].start, f->ln[k].end, "else");
        k = next_stmt(f, k, l1);
    } while (!has_else && nc < MAX_CLAUSES && k < l1 &&
             (is_word(f, f->ln[k].start, f->ln[k].end, "elif") ||
              is_word(f, f->ln[k].start, f->ln[k].end, "else")));
    *next = k;
    uint32_t nv = f->nv;
    uint8_t *sets = scratch(f, (size_t)nc * nv);
    if (!sets)
        return -1;
    int known = 1;
    for (uint32_t c = 0; c < nc; c++) {
        const fline *ln = &f->ln[lines[c]];
        uint32_t colon = header_colon(f, lines[c]);
        uint8_t *s = sets + (size_t)c * nv;
        if (colon == UINT32_MAX)
            return 0; /* not an if we can read: leave it */
        if (c == nc - 1 && has_else) {
            memset(s, 1, nv);
            continue;
        }
        uint32_t cond = parse_range(f, ln->start + 1, colon);
        if (cond == NO_NODE)
            return -1;
        known = known && vset(f, cond, s);
    }
    if (known) {
        uint8_t *rem = scratch(f, nv), *m = scratch(f, nv);
        if (!rem || !m)
            return -1;
        memcpy(rem, mask, nv);
        for (uint32_t c = 0; c < nc; c++) {
            const uint8_t *s = sets + (size_t)c * nv;
            for (uint32_t v = 0; v < nv; v++) {
                m[v] = rem[v] && s[v];
                rem[v] = rem[v] && !s[v];
            }
            block body = body_of(f, lines[c], header_colon(f, lines[c]));
            if (exec_block(f, body, en, m, uncertain, kwline) < 0)
                return -1;
        }
        return 0;
    }
    /* A condition on something else: each clause may run; names get every
     * value they may have afterwards. */
    env *alts = scratch(f, (size_t)(nc + 1) * sizeof *alts);
    uint8_t *m = scratch(f, nv);
    if (!alts || !m)
        return -1;
    for (uint32_t c = 0; c < nc; c++) {
        if (env_copy(f, en, &alts[c]) < 0)
            return -1;
        memcpy(m, mask, nv);
        block body = body_of(f, lines[c], header_colon(f, lines[c]));
        if (exec_block(f, body, &alts[c], m, uncertain + 1, kwline) < 0)
            return -1;
    }
    uint32_t na = nc;
    if (!has_else && env_copy(f, en, &alts[na++]) < 0)
        return -1;
    for (uint32_t c = 0; c < na; c++) {
        for (size_t i = 0; i < alts[c].n; i++) {
            env_entry *from = &alts[c].e[i];
            env_entry *to = NULL;
            for (size_t j = 0; j < en->n && !to; j++)
                if (en->e[j].len == from->len &&
                    memcmp(f->s + en->e[j].off, f->s + from->off, from->len) == 0)
                    to = &en->e[j];
            if (!to) {
                /* new in this clause: find it by a token of the same text */
                if (scratch_room(f, (void **)&en->e, &en->cap, en->n, sizeof *en->e) < 0)
                    return -1;
                cell *v = new_vec(f);
                if (!v)
                    return -1;
                en->e[en->n] = (env_entry){from->off, from->len, v};
                to = &en->e[en->n++];
                /* First sight: the first alternative's cells as they are. */
                for (uint32_t v2 = 0; v2 < nv; v2++)
                    if (mask[v2])
                        to->v[v2] = from->v[v2];
                continue;
            }
            for (uint32_t v2 = 0; v2 < nv; v2++) {
                if (!mask[v2])
                    continue;
                if (c == 0) {
                    to->v[v2] = from->v[v2];
                } else {
                    cell u;
                    if (cell_union(f, &to->v[v2], &from->v[v2], &u) < 0)
                        return -1;
                    to->v[v2] = u;
                }
            }
        }
    }
    return 0;
}

/* Whether line l starts a compound statement other than if. */
static int compound(const fscan *f, uint32_t l)
{
    static const char *const words[] = {"for",     "while", "with",  "try",   "except",
                                        "finally", "def",   "class", "async", "elif",
                                        "else",    "match", "case"};
    const fline *ln = &f->ln[l];
    if (header_colon(f, l) == UINT32_MAX)
        return 0;
    /* match and case are keywords only where no name could be meant. */
    if ((is_word(f, ln->start, ln->end, "match") ||
         is_word(f, ln->start, ln->end, "case")) &&
        (is_opx(f, ln->start + 1, ln->end, "=") || is_opx(f, ln->start + 1, ln->end, ":") ||
         is_opx(f, ln->start + 1, ln->end, ".")))
        return 0;
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (is_word(f, ln->start, ln->end, words[k]))
            return 1;
    return 0;
}

static int exec_block(fscan *f, block bl, env *en, uint8_t *mask, int uncertain,
                      uint32_t *kwline)
{
    if (bl.a < bl.b) {
        for (uint32_t a = bl.a; a < bl.b;) {
            uint32_t e = simple_end(f, a, bl.b);
            if (exec_simple(f, en, a, e, mask, uncertain, kwline) < 0)
                return -1;
            drop_returned(f, mask);
            a = e + 1;
        }
        return 0;
    }
    if (++f->depth > MAX_DEPTH) {
        f->depth--;
        return 0;
    }
    for (uint32_t l = bl.l0; l < bl.l1;) {
        const fline *ln = &f->ln[l];
        uint32_t next = next_stmt(f, l, bl.l1);
        if (is_word(f, ln->start, ln->end, "if")) {
            if (exec_if(f, l, bl.l1, en, mask, uncertain, kwline, &next) < 0)
                return -1;
        } else if (compound(f, l)) {
            /* for, while, with, try, def...: what they assign is computed. */
            for (uint32_t k = l; k < next; k++) {
                const fline *x = &f->ln[k];
                for (uint32_t a = x->start; a < x->end;) {
                    uint32_t e = simple_end(f, a, x->end);
                    if (spoil(f, en, a, e, mask) < 0)
                        return -1;
                    a = e + 1;
                }
            }
        } else {
            for (uint32_t a = ln->start; a < ln->end;) {
                uint32_t e = simple_end(f, a, ln->end);
                if (exec_simple(f, en, a, e, mask, uncertain, kwline) < 0)
                    return -1;
                a = e + 1;
            }
        }
        drop_returned(f, mask);
        l = next;
    }
    f->depth--;
    return 0;
}

/* ---- one loader.py ---- */

static cov_lvariant *lvariant(cov_model *m, uint32_t i)
{
    return COV_VEC_AT(m->lvariants, cov_lvariant, i);
}

static cov_loader *loader(cov_model *m, uint32_t i)
{
    return COV_VEC_AT(m->loaders, cov_loader, i);
}

/* Sets the loader's and its variants' fields from the cells. */
static int classify(fscan *f, cov_loader *L, const uint32_t *kwline, uint32_t defline)
{
    uint32_t nv = f->nv;
    int any = 0;
    for (uint32_t k = 0; k < nv; k++)
        any |= f->returned[k];
    for (int fl = 0; fl < COV_LF_COUNT; fl++) {
        cov_loader_field *lf = &L->f[fl];
        memset(lf, 0, sizeof *lf);
        if (!any)
            continue; /* no ModelInfo returned: absent */
        int comp = 0, cand = 0, lit = 0, absent = 0, differ = 0;
        cov_sym first = COV_SYM_NONE;
        uint32_t comp_line = 0;
        for (uint32_t k = 0; k < nv; k++) {
            cell *c = &f->res[fl][k];
            if (!f->returned[k]) /* falls off the end without a return */
                *c = (cell){K_COMP, COV_SYM_NONE, defline, 0, 0};
            if (c->kind == K_COMP) {
                if (!comp++)
                    comp_line = c->line;
            } else if (c->kind == K_CAND) {
                cand++;
            } else if (c->kind == K_LIT) {
                if (lit++ && c->lit != first)
                    differ = 1;
                if (lit == 1)
                    first = c->lit;
            } else {
                absent++;
            }
            lvariant(f->m, L->first + k)->field[fl] =
                c->kind == K_LIT ? c->lit : COV_SYM_NONE;
        }
        lf->line = kwline[fl];
        if (comp) {
            lf->how = COV_LV_COMPUTED;
            lf->line = comp_line;
        } else if (cand) {
            uint32_t start = f->npool;
            for (uint32_t k = 0; k < nv; k++) {
                cell *c = &f->res[fl][k];
                if ((c->kind == K_LIT || c->kind == K_CAND) && add_values(f, c, start) < 0)
                    return -1;
            }
            lf->how = COV_LV_CANDIDATES;
            lf->cands = cov_model_list(f->m, f->pool + start, f->npool - start);
            f->npool = start;
            if (!lf->cands)
                return f->oom = 1, -1;
        } else if (lit && !differ && !absent) {
            lf->how = COV_LV_LITERAL;
            lf->value = first;
        } else if (lit) {
            lf->how = COV_LV_PER_VARIANT;
        } else {
            lf->line = 0; /* given to no variant */
        }
    }
    return 0;
}

/* def _get_model_info(cls, variant, ...): evaluated over the loader's variants. */
static int model_info(fscan *f, cov_loader *L, uint32_t defline)
{
    const fline *ln = &f->ln[defline];
    uint32_t i = ln->start;
    while (i < ln->end && !is_open(f, i))
        i++;
    f->vlen = 0;
    if (i < ln->end && f->t[i].op == '(') {
        uint32_t n, *items;
        int comp, trailing;
        if (!(items = split(f, i + 1, f->t[i].match, &n, &comp, &trailing)))
            return -1;
        /* The parameter after cls is the variant. */
        if (n >= 2 && f->t[items[2]].kind == COV_PY_NAME) {
            f->voff = f->t[items[2]].off;
            f->vlen = f->t[items[2]].len;
        }
    }
    uint32_t nv = f->nv = L->count;
    cov_sym *names = scratch(f, nv * sizeof *names);
    uint8_t *mask = scratch(f, nv);
    f->returned = scratch(f, nv);
    if (!names || !mask || !f->returned)
        return -1;
    for (uint32_t k = 0; k < nv; k++) {
        names[k] = lvariant(f->m, L->first + k)->name;
        mask[k] = 1;
    }
    f->vname = names;
    for (int fl = 0; fl < COV_LF_COUNT; fl++)
        if (!(f->res[fl] = new_vec(f)))
            return -1;
    env en = {NULL, 0, 0};
    uint32_t kwline[COV_LF_COUNT] = {0};
    block body = body_of(f, defline, header_colon(f, defline));
    f->depth = 0;
    if (exec_block(f, body, &en, mask, 0, kwline) < 0)
        return -1;
    return classify(f, L, kwline, (uint32_t)f->t[ln->start].line);
}

static int push_variant(fscan *f, uint32_t li, cov_sym name, cov_sym value,
                        cov_sym checkpoint, uint32_t line)
{
    cov_lvariant *v = cov_vec_push(&f->m->lvariants, sizeof *v);
    if (!v)
        return f->oom = 1, -1;
    cov_loader *L = loader(f->m, li);
    v->name = name;
    v->value = value;
    v->checkpoint = checkpoint;
    v->file = L->file;
    v->line = line;
    v->loader = li;
    return 0;
}

/* The literal pretrained_model_name of a config call, or NONE. */
static cov_sym checkpoint_of(const fscan *f, uint32_t n)
{
    const node *x = &f->nd[n];
    if (x->kind != N_CALL)
        return COV_SYM_NONE;
    for (uint32_t k = 0; k < x->nkids; k++) {
        uint32_t kw = f->kid[x->kids + 2 * k], v = f->kid[x->kids + 2 * k + 1];
        if (kw && is_word(f, kw - 1, kw, "pretrained_model_name"))
            return f->nd[v].kind == N_STR ? f->nd[v].a : COV_SYM_NONE;
    }
    return COV_SYM_NONE;
}

static int read_variants(fscan *f, uint32_t li, uint32_t dict)
{
    const node *d = &f->nd[dict];
    uint32_t first = loader(f->m, li)->first;
    for (uint32_t k = 0; k < d->nkids; k++) {
        uint32_t key = f->kid[d->kids + 2 * k], val = f->kid[d->kids + 2 * k + 1];
        if (key == NO_NODE)
            continue; /* **other: not read */
        const ftok *kt = &f->t[f->nd[key].tok];
        if (f->nd[key].kind != N_NAME || f->nd[key].b < 2) {
            cov_warn(f->d, f->path, kt->line, col_of(f, f->nd[key].tok),
                     "_VARIANTS key is not ModelVariant.<member>: it is not read");
            continue;
        }
        const ftok *lt = &f->t[name_last(f, key)];
        cov_sym name = cov_model_intern(f->m, f->s + lt->off, lt->len);
        if (name == COV_SYM_OOM)
            return f->oom = 1, -1;
        const member *mb = find_member(f, name);
        if (!mb)
            cov_warn(
                f->d, f->path, kt->line, col_of(f, f->nd[key].tok),
                "_VARIANTS names ModelVariant.%.*s, which ModelVariant does not define",
                (int)lt->len, f->s + lt->off);
        cov_sym ck = checkpoint_of(f, val);
        int dup = 0;
        for (uint32_t j = first; j < f->m->lvariants.count && !dup; j++)
            if (lvariant(f->m, j)->name == name) {
                lvariant(f->m, j)->checkpoint = ck; /* the later value wins, as in a dict */
                dup = 1;
            }
        if (!dup && push_variant(f, li, name, mb ? mb->value : COV_SYM_NONE, ck,
                                 (uint32_t)kt->line) < 0)
            return -1;
    }
    return 0;
}

/* A loader without variants names its checkpoint itself: the one string
 * literal assigned to self.model_name, self.pretrained_model_name or a
 * local of those names anywhere in class ModelLoader. Several different
 * literals: none. */
static int own_checkpoint(fscan *f, block body, cov_sym *out)
{
    *out = COV_SYM_NONE;
    if (body.a < body.b)
        return 0;
    int n = 0;
    for (uint32_t l = body.l0; l < body.l1; l++) {
        const fline *ln = &f->ln[l];
        for (uint32_t a = ln->start; a < ln->end;) {
            uint32_t e = simple_end(f, a, ln->end), at = a;
            a = e + 1;
            if (is_word(f, at, e, "self") && is_opx(f, at + 1, e, "."))
                at += 2;
            uint32_t v;
            if (!(is_word(f, at, e, "model_name") ||
                  is_word(f, at, e, "pretrained_model_name")) ||
                !is_opx(f, at + 1, e, "="))
                continue;
            v = parse_range(f, at + 2, e);
            if (v == NO_NODE)
                return -1;
            if (f->nd[v].kind != N_STR)
                continue;
            if (n && *out != f->nd[v].a) {
                *out = COV_SYM_NONE;
                return 0;
            }
            *out = f->nd[v].a;
            n = 1;
        }
    }
    return 0;
}

/* Scans the loader.py text f->s for loader li (path, file and key set). */
static int scan_loader(fscan *f, uint32_t li)
{
    cov_model *m = f->m;
    f->ncls = f->nmem = f->npool = f->nn = f->nk = 0;
    f->default_member = COV_SYM_NONE;
    loader(m, li)->first = m->lvariants.count;
    int r = tokenize(f);
    if (r < 0)
        return -1;
    if (r > 0)
        return 0; /* unreadable: no variants */
    for (uint32_t l = 0; l < f->nl; l++)
        if (is_word(f, f->ln[l].start, f->ln[l].end, "class") && add_class(f, l) < 0)
            return -1;
    const klass *ve = find_class(f, "ModelVariant", "StrEnum");
    if (ve && each_simple(f, class_body(f, ve), enum_member, NULL) < 0)
        return -1;
    const klass *ml = find_class(f, "ModelLoader", NULL);
    loader_scan ls = {NULL, NO_NODE, 0, NO_NODE, UINT32_MAX, 0, NO_NODE};
    if (ml) {
        loader(m, li)->line = (uint32_t)f->t[ml->name].line;
        if (each_simple(f, class_body(f, ml), loader_stmt, &ls) < 0)
            return -1;
        if (ls.dflt != NO_NODE && f->nd[ls.dflt].kind == N_NAME && f->nd[ls.dflt].b >= 2) {
            const ftok *t = &f->t[name_last(f, ls.dflt)];
            f->default_member = cov_model_intern(m, f->s + t->off, t->len);
            if (f->default_member == COV_SYM_OOM)
                return f->oom = 1, -1;
        }
        uint32_t dict = variants_dict(f, ls.vars, ml->line);
        if (dict != NO_NODE && read_variants(f, li, dict) < 0)
            return -1;
    }
    cov_loader *L = loader(m, li);
    L->readable = 1;
    L->default_variant = f->default_member;
    if (m->lvariants.count == L->first) {
        L->variantless = 1;
        cov_sym ck = COV_SYM_NONE;
        if (ml && own_checkpoint(f, class_body(f, ml), &ck) < 0)
            return -1;
        if (push_variant(f, li, COV_SYM_NONE, COV_SYM_NONE, ck, L->line) < 0)
            return -1;
        L = loader(m, li);
    }
    L->count = m->lvariants.count - L->first;
    if (ls.decode)
        L->phases |= COV_LOADER_DECODE;
    /* tt-xla runs the prefill phase of a loader that has a ForgePrefillModel
     * subclass: for that class's own _VARIANTS, else for all. */
    const klass *pk = find_class(f, NULL, "ForgePrefillModel");
    if (pk) {
        loader_scan ps = {NULL, NO_NODE, 0, NO_NODE, UINT32_MAX, 0, NO_NODE};
        if (each_simple(f, class_body(f, pk), loader_stmt, &ps) < 0)
            return -1;
        uint32_t dict = variants_dict(f, ps.vars, pk->line);
        L = loader(m, li);
        L->phases |= COV_LOADER_PREFILL;
        for (uint32_t k = 0; k < L->count; k++) {
            cov_lvariant *v = lvariant(m, L->first + k);
            int in = dict == NO_NODE;
            for (uint32_t j = 0; !in && j < f->nd[dict].nkids; j++) {
                uint32_t key = f->kid[f->nd[dict].kids + 2 * j];
                in = key != NO_NODE && f->nd[key].kind == N_NAME && f->nd[key].b >= 2 &&
                     v->name && member_of(f, key) == v->name;
            }
            v->prefill = (uint8_t)in;
        }
    }
    if (ls.info_line != UINT32_MAX && model_info(f, loader(m, li), ls.info_line) < 0)
        return -1;
    L = loader(m, li);
    for (uint32_t k = 0; k < L->count;
         k++) /* a variantless slot takes the literal values */
        if (L->variantless)
            for (int fl = 0; fl < COV_LF_COUNT; fl++)
                if (L->f[fl].how == COV_LV_LITERAL)
                    lvariant(m, L->first + k)->field[fl] = L->f[fl].value;
    return 0;
}

/* ---- the tree ---- */

static int mfw_of(const char *name, size_t n)
{
    if (n == 3 && memcmp(name, "jax", 3) == 0)
        return COV_MFW_JAX;
    if (n == 7 && memcmp(name, "pytorch", 7) == 0)
        return COV_MFW_PYTORCH;
    return COV_MFW_NONE;
}

/* Appends the loader of directory rel (file: its loader.py as read) and
 * sets its join key: family/task.../<fw>. Returns its index or UINT32_MAX. */
static uint32_t add_loader(cov_model *m, const char *rel, const char *file)
{
    cov_loader *L = cov_vec_push(&m->loaders, sizeof *L);
    if (!L)
        return UINT32_MAX;
    size_t n = strlen(rel);
    L->path = cov_model_intern(m, rel, n);
    L->file = cov_model_intern(m, file, strlen(file));
    const char *slash1 = memchr(rel, '/', n), *last = strrchr(rel, '/');
    if (L->path == COV_SYM_OOM || L->file == COV_SYM_OOM)
        return UINT32_MAX;
    if (slash1) {
        L->mfw = (uint8_t)mfw_of(last + 1, n - (size_t)(last + 1 - rel));
        L->family = cov_model_intern(m, rel, (size_t)(slash1 - rel));
        L->task = last > slash1
                      ? cov_model_intern(m, slash1 + 1, (size_t)(last - slash1 - 1))
                      : COV_SYM_NONE;
        if (L->family == COV_SYM_OOM || L->task == COV_SYM_OOM)
            return UINT32_MAX;
        if (!L->family)
            L->mfw = COV_MFW_NONE;
    }
    return m->loaders.count - 1;
}

/* The base loader's path of an adapter directory (the first path component
 * ending in _lora or _dora, without it), or 0 (not an adapter). */
static size_t adapter_base(const char *rel, char *out, size_t size)
{
    static const char *const suffixes[] = {"_lora", "_dora"};
    size_t n = strlen(rel);
    if (n + 1 > size)
        return 0;
    for (size_t s = 0; s < n;) {
        size_t e = s;
        while (e < n && rel[e] != '/')
            e++;
        for (int k = 0; k < 2; k++) {
            size_t sl = strlen(suffixes[k]);
            if (e - s > sl && memcmp(rel + e - sl, suffixes[k], sl) == 0) {
                memcpy(out, rel, e - sl);
                memcpy(out + e - sl, rel + e, n - e + 1);
                return n - sl;
            }
        }
        s = e + 1;
    }
    return 0;
}

/* Adapters take their base loader's variants, fields and phases (tt-xla
 * discovers them from the base file; only the LoRA weights differ). */
static int resolve_adapters(cov_model *m, cov_diag *d, uint32_t from)
{
    char base[4096];
    for (uint32_t i = from; i < m->loaders.count; i++) {
        cov_loader *L = loader(m, i);
        const char *rel = cov_model_str(m, L->path);
        if (!adapter_base(rel, base, sizeof base))
            continue;
        cov_sym bsym = cov_model_intern(m, base, strlen(base));
        if (bsym == COV_SYM_OOM)
            return -1;
        L->base = bsym;
        uint32_t b = UINT32_MAX;
        for (uint32_t k = from; k < m->loaders.count && b == UINT32_MAX; k++)
            if (loader(m, k)->path == bsym && !loader(m, k)->base)
                b = k;
        if (b == UINT32_MAX || !loader(m, b)->readable) {
            cov_warn(d, cov_model_str(m, L->file), 0, 0,
                     "adapter loader: its base loader %s/loader.py %s", base,
                     b == UINT32_MAX ? "is not in the tree" : "cannot be read");
            L->readable = 0;
            L->count = 0;
            continue;
        }
        cov_loader B = *loader(m, b);
        uint32_t first = m->lvariants.count;
        for (uint32_t k = 0; k < B.count; k++) {
            cov_lvariant *v = cov_vec_push(&m->lvariants, sizeof *v);
            if (!v)
                return -1;
            *v = *lvariant(m, B.first + k);
            v->loader = i;
            v->tests = 0;
        }
        L = loader(m, i);
        L->first = first;
        L->count = B.count;
        L->variantless = B.variantless;
        L->phases = B.phases;
        L->default_variant = B.default_variant;
        memcpy(L->f, B.f, sizeof L->f);
    }
    return 0;
}

static void fscan_free(fscan *f)
{
    scratch_free(f);
    cov_free(f->blocks);
    cov_py_lex_free(&f->lx);
    cov_free(f->t);
    cov_free(f->ln);
    cov_free(f->nd);
    cov_free(f->kid);
    cov_free(f->stack);
    cov_free(f->cls);
    cov_free(f->mem);
    cov_free(f->pool);
    cov_free(f->buf);
}

/* Scans text (NUL-terminated at len) as the loader of directory rel. */
static int scan_one(fscan *f, const char *rel, const char *file, const char *text,
                    size_t len)
{
    int line, col;
    cov_py_lex_start(&f->lx, text, len);
    if (cov_py_invalid_utf8(&f->lx, &line, &col))
        return cov_fail(f->d, COV_EINPUT, file, line, col, "invalid UTF-8");
    uint32_t li = add_loader(f->m, rel, file);
    if (li == UINT32_MAX)
        return cov_fail(f->d, COV_ENOMEM, file, 0, 0, "out of memory");
    f->path = file;
    f->s = text;
    f->n = len;
    int rc = scan_loader(f, li);
    scratch_free(f);
    if (rc < 0 || f->oom)
        return cov_fail(f->d, COV_ENOMEM, file, 0, 0, "out of memory");
    return COV_OK;
}

/* Completes a load: adapters, the source, the lookups. */
static int finish_tree(cov_model *m, const char *dir, uint32_t from, cov_diag *d)
{
    if (resolve_adapters(m, d, from) < 0)
        return cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
    uint32_t src = cov_model_add_source(m, dir, COV_SOURCE_TT_FORGE_MODELS, COV_SYM_NONE);
    if (src == UINT32_MAX || cov_forge_index_build(m) < 0)
        return cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
    COV_VEC_AT(m->sources, cov_source, src)->entries = m->loaders.count - from;
    m->forge_source = src;
    m->has_forge = 1;
    return COV_OK;
}

static int check_free(const cov_model *m, const char *dir, cov_diag *d)
{
    if (!m->has_forge)
        return COV_OK;
    return cov_fail(d, COV_EUSAGE, dir, 0, 0,
                    "a tt-forge-models tree is already loaded (from %s)",
                    cov_model_source(m, m->forge_source)->path);
}

static int is_loader(const char *name)
{
    return strcmp(name, "loader.py") == 0;
}

/* The directories under dir (relative paths) that hold a loader.py: a
 * loader.py at the top is no model's. */
static int walk(const char *dir, cov_strvec *dirs, cov_diag *d)
{
    cov_strvec files = {0};
    int rc = cov_walk_tree(dir, is_loader, &files, NULL, d);
    for (size_t i = 0; !rc && i < files.n; i++) {
        char *slash = strrchr(files.v[i], '/');
        if (!slash)
            continue;
        *slash = '\0';
        if (cov_strvec_push(dirs, files.v[i]) < 0)
            rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
        files.v[i] = NULL;
    }
    cov_strvec_free(&files);
    return rc;
}

static int load_tree(cov_model *m, const char *dir, const cov_limits *lim, cov_diag *d)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return cov_fail(d, COV_EIO, dir, 0, 0, "cannot open: %s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cov_fail(d, COV_EIO, dir, 0, 0, "cannot open: %s", strerror(ENOTDIR));
    cov_strvec files = {0};
    int rc = walk(dir, &files, d);
    if (!rc && !files.n)
        rc = cov_fail(d, COV_EINPUT, dir, 0, 0,
                      "no loader.py files under %s: not a tt-forge-models checkout", dir);
    cov_strvec_sort(&files);
    fscan f = {0};
    f.m = m;
    f.d = d;
    uint32_t from = m->loaders.count;
    for (size_t i = 0; !rc && i < files.n; i++) {
        char *rel = cov_path_join(files.v[i], "loader.py");
        char *path = rel ? cov_path_join(dir, rel) : NULL, *text = NULL;
        size_t len;
        if (!path)
            rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
        else if (!(rc = cov_read_file(path, lim ? lim->max_file_size : 0, &text, &len, d)))
            rc = scan_one(&f, files.v[i], path, text, len);
        cov_free(text);
        cov_free(path);
        cov_free(rel);
    }
    fscan_free(&f);
    cov_strvec_free(&files);
    return rc ? rc : finish_tree(m, dir, from, d);
}

int cov_load_forge_tree(cov_model *m, const char *dir, const cov_limits *lim, cov_diag *d)
{
    if (!dir)
        return cov_fail(d, COV_EUSAGE, NULL, 0, 0, "no directory given");
    int rc = check_free(m, dir, d);
    if (rc)
        return rc;
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    rc = load_tree(m, dir, lim, d);
    if (rc)
        cov_model_rollback(m, &mark);
    return rc;
}

int cov_load_forge_read(cov_model *m, const char *name, size_t n, cov_forge_read_fn read,
                        void *ud, cov_diag *d)
{
    int rc = check_free(m, name, d);
    if (rc)
        return rc;
    if (!n)
        return cov_fail(d, COV_EINPUT, name, 0, 0,
                        "no loader.py files under %s: not a tt-forge-models checkout",
                        name);
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    fscan f = {0};
    f.m = m;
    f.d = d;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *rel, *file;
        char *text;
        size_t len;
        if (!(rc = read(ud, i, &rel, &file, &text, &len, d)))
            rc = scan_one(&f, rel, file, text, len);
    }
    fscan_free(&f);
    if (!rc)
        rc = finish_tree(m, name, mark.loaders, d);
    if (rc)
        cov_model_rollback(m, &mark);
    return rc;
}

int cov_forge_scan_text(cov_model *m, const char *rel, const char *file, const char *text,
                        size_t len, cov_diag *d)
{
    int rc = check_free(m, file, d);
    if (rc)
        return rc;
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    char *copy = cov_strndup(text, len); /* the lexer relies on a NUL at len */
    fscan f = {0};
    f.m = m;
    f.d = d;
    rc = copy ? scan_one(&f, rel, file, copy, len)
              : cov_fail(d, COV_ENOMEM, file, 0, 0, "out of memory");
    fscan_free(&f);
    cov_free(copy);
    if (!rc)
        rc = finish_tree(m, file, mark.loaders, d);
    if (rc)
        cov_model_rollback(m, &mark);
    return rc;
}
