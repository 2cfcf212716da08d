/* A lexer for Python source, shared by the EasyDeL checkout scanner
 * (scan_easydel.c) and the tt-forge-models loader scanner (load_forge.c).
 * It never runs Python: it knows comments, line continuations, brackets,
 * operators and every string form (prefixes, triple quotes, escapes,
 * f-strings with nested quotes as Python 3.12 allows), so that code shown
 * in docstrings or comments is never taken for code. No allocation except
 * the f-string context stack; no Lua. */
#ifndef COV_PYTHON_LEX_H
#define COV_PYTHON_LEX_H

#include <stddef.h>

enum {
    COV_PY_EOF,
    COV_PY_NEWLINE, /* ends each non-empty logical line */
    COV_PY_NAME,
    COV_PY_STRING, /* any string but an f- or t-string */
    COV_PY_FSTRING,
    COV_PY_NUMBER,
    COV_PY_OP /* an operator or delimiter, 1 to 3 characters */
};

typedef struct cov_py_tok {
    int kind;
    size_t off, len;   /* the token as written */
    size_t coff, clen; /* COV_PY_STRING: the text between the quotes, escapes as written */
    size_t plen;       /* strings: the length of the prefix (r, b, rb, ...) */
    char op;           /* COV_PY_OP: its first character */
    int first;         /* the first token of its logical line */
    int unterminated;  /* strings: the closing quote is missing */
} cov_py_tok;

/* Inside an f-string: its literal text, a replacement field's expression or
 * the field's format spec (internal). */
typedef struct cov_py_fctx {
    unsigned char kind, triple;
    char q;
    size_t depth;
} cov_py_fctx;

typedef struct cov_py_lex {
    const char *s; /* NUL-terminated at n */
    size_t n, i;
    size_t depth;     /* brackets open in code */
    int has_tok;      /* the current logical line has a token */
    cov_py_fctx *stk; /* f-string contexts, innermost last; owned */
    size_t nstk, scap;
    int oom;          /* the context stack could not grow: stop */
    int unterminated; /* internal: the string being read has no closing quote */
    cov_py_tok ahead; /* one token of lookahead */
    int has_ahead;
    size_t lpos, lstart; /* line counting up to lpos; lstart starts that line */
    size_t lcol;         /* characters from lstart to lpos */
    unsigned long line;
} cov_py_lex;

/* Starts lexing text[0..len) (NUL-terminated at len; not copied, must
 * outlive the lexer's use). A UTF-8 byte order mark is skipped. The context
 * stack's memory is kept from an earlier use: zero-initialise lx once, call
 * cov_py_lex_free when done with it. */
void cov_py_lex_start(cov_py_lex *lx, const char *text, size_t len);
void cov_py_lex_free(cov_py_lex *lx);

/* The next token. Comments, blank lines and line continuations produce
 * none; newlines inside brackets do not end a logical line. After EOF it
 * keeps returning EOF. Check lx->oom after each call. */
void cov_py_next(cov_py_lex *lx, cov_py_tok *t);
/* Pushes t back (one token at most). */
void cov_py_unget(cov_py_lex *lx, const cov_py_tok *t);

/* Python source is UTF-8 (PEP 3120): 0 when the text given to
 * cov_py_lex_start is, else 1 with the line and column of its first byte
 * that is not (a loader refuses the file: names taken from it would make
 * invalid JSON). Call it before the first cov_py_where. */
int cov_py_invalid_utf8(cov_py_lex *lx, int *line, int *col);

/* Line and column (1-based, in characters) of offset off. Offsets asked for
 * must not go backwards: counting resumes where it stopped. */
void cov_py_where(cov_py_lex *lx, size_t off, int *line, int *col);

#endif
