#include "base/strbuf.h"

#include "base/alloc.h"
#include "base/vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int reserve(cov_buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (extra > SIZE_MAX - 1 - b->len ||
        cov_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1) < 0) {
        b->oom = 1;
        return -1;
    }
    return 0;
}

void cov_buf_add(cov_buf *b, const char *s, size_t n)
{
    if (reserve(b, n) < 0)
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void cov_buf_adds(cov_buf *b, const char *s) { cov_buf_add(b, s, strlen(s)); }

void cov_buf_addf(cov_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *cov_buf_take(cov_buf *b)
{
    if (b->oom) {
        cov_buf_free(b);
        return NULL;
    }
    char *d = b->data ? b->data : cov_strndup("", 0);
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void cov_buf_free(cov_buf *b)
{
    cov_free(b->data);
    memset(b, 0, sizeof *b);
}
