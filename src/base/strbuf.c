#include "base/strbuf.h"

#include "base/alloc.h"
#include "base/vec.h"

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

void cov_buf_adds(cov_buf *b, const char *s)
{
    cov_buf_add(b, s, strlen(s));
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
