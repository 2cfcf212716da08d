/* A JSON lexer that records positions, for the EasyDeL manifest loader
 * and covengine.json. cJSON builds a tree but records no positions and
 * recurses per nesting level; this lexer runs first, iteratively: it
 * validates the text (accepting no more than cJSON 1.7 accepts), enforces
 * the depth and scalar limits, and records the byte offset of every value in
 * pre-order, so walking cJSON's tree in the same pre-order gives each node
 * its position for semantic errors. */
#ifndef COV_JSON_LEX_H
#define COV_JSON_LEX_H

#include <stddef.h>
#include <stdint.h>

/* cJSON 1.7.15 parses a number from a 64-byte buffer: a longer number fails
 * there, so the lexer rejects it first with a clear message. */
#define COV_JSON_MAX_NUMBER 63

/* What the lexer records for each value, in pre-order. */
typedef struct cov_jpos {
    size_t off;  /* first byte of the value */
    size_t key;  /* first byte of its key when an object member, else SIZE_MAX */
    size_t size; /* values in its subtree, itself included */
} cov_jpos;

typedef struct cov_jlex {
    const char *t;
    size_t len, i;
    cov_jpos *pos;
    size_t npos, pcap;
    size_t *open; /* pos index of each open container */
    size_t depth, ocap;
    uint32_t max_depth;
    uint64_t max_scalar;
    int code;      /* error: COV_EINPUT, COV_ELIMIT or COV_ENOMEM */
    size_t at;     /* error offset */
    char msg[160]; /* error message */
} cov_jlex;

/* Lexes x->t[0..x->len) (NUL-terminated at len); the caller zeroes *x and
 * sets t, len, max_depth and max_scalar (0: no limit). Returns 0 with
 * x->pos[0..x->npos) filled, or -1 with x->code (COV_EINPUT, COV_ELIMIT or
 * COV_ENOMEM), x->at (byte offset) and x->msg set. Either way the caller
 * frees x->pos and x->open with cov_free (cov_jlex_free). */
int cov_jlex_run(cov_jlex *x);
void cov_jlex_free(cov_jlex *x);

/* The 1-based line and column (in UTF-8 characters) of byte off of t, which
 * is NUL-terminated at or after off. A leading BOM takes no column. */
void cov_json_where(const char *t, size_t off, int *line, int *col);

/* Whether text[0..len) (NUL-terminated at len) is JSON that cJSON parses, by
 * this lexer: COV_OK, COV_EINPUT or COV_ELIMIT (nesting deeper than cJSON
 * allows) for bad text, COV_ENOMEM. For telling cJSON's failures apart. */
int cov_json_check(const char *text, size_t len);

#endif
