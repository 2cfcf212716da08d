#include "base/arena.h"

#include "base/alloc.h"

#include <stdint.h>
#include <string.h>

struct cov_arena_chunk {
    cov_arena_chunk *prev;
    max_align_t data[]; /* start of usable space, maximally aligned */
};

enum { CHUNK_MIN = 64 * 1024, CHUNK_MAX = 4 * 1024 * 1024 };
#define ALIGN (sizeof(max_align_t))

void cov_arena_init(cov_arena *a)
{
    memset(a, 0, sizeof *a);
}

void cov_arena_free(cov_arena *a)
{
    cov_arena_chunk *c = a->head;
    while (c) {
        cov_arena_chunk *prev = c->prev;
        cov_free(c);
        c = prev;
    }
    cov_arena_init(a);
}

void *cov_arena_alloc(cov_arena *a, size_t n)
{
    size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
    if (need < n)
        return NULL;
    if ((size_t)(a->end - a->cur) < need) {
        /* Chunks grow with the arena so a million records cost few mallocs. */
        size_t size = a->total / 4;
        if (size < CHUNK_MIN)
            size = CHUNK_MIN;
        if (size > CHUNK_MAX)
            size = CHUNK_MAX;
        if (size < need)
            size = need;
        if (size > SIZE_MAX - sizeof(cov_arena_chunk))
            return NULL;
        cov_arena_chunk *c = cov_malloc(sizeof(cov_arena_chunk) + size);
        if (!c)
            return NULL;
        c->prev = a->head;
        a->head = c;
        a->cur = (char *)c->data;
        a->end = a->cur + size;
        a->total += size;
    }
    void *p = a->cur;
    a->cur += need;
    return p;
}

char *cov_arena_strndup(cov_arena *a, const char *s, size_t n)
{
    char *d = cov_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}
