/* Bump allocator for data that lives as long as its model: records, strings,
 * node trees. Freed all at once with cov_arena_free. */
#ifndef COV_ARENA_H
#define COV_ARENA_H

#include <stddef.h>

typedef struct cov_arena_chunk cov_arena_chunk;

typedef struct cov_arena {
    cov_arena_chunk *head; /* current chunk; older chunks follow ->prev */
    char *cur, *end;       /* free space in head */
    size_t total;          /* bytes obtained from the allocator */
} cov_arena;

void cov_arena_init(cov_arena *a);
void cov_arena_free(cov_arena *a);

/* n bytes aligned for any scalar type, owned by the arena; NULL on OOM. */
void *cov_arena_alloc(cov_arena *a, size_t n);

/* A NUL-terminated copy of s[0..n) in the arena; NULL on OOM. */
char *cov_arena_strndup(cov_arena *a, const char *s, size_t n);

#endif
