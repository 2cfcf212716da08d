/* A growable byte buffer. After an allocation failure it stops growing and
 * remembers it (oom), so callers check once at the end. */
#ifndef COV_STRBUF_H
#define COV_STRBUF_H

#include <stddef.h>

typedef struct cov_buf {
    char *data; /* NUL-terminated when len > 0; free with cov_buf_free */
    size_t len, cap;
    int oom;
} cov_buf;

void cov_buf_add(cov_buf *b, const char *s, size_t n);
void cov_buf_adds(cov_buf *b, const char *s);
/* Hands the data to the caller (free with cov_free; "" when empty) and
 * resets b; NULL if an allocation failed along the way. */
char *cov_buf_take(cov_buf *b);
void cov_buf_free(cov_buf *b);

#endif
