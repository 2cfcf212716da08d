/* The directory walk both floors share (bench/read_floor.c,
 * bench/real_floor.c): what the tt-forge-models scan walks (hidden
 * directories and __pycache__ skipped, symbolic links not followed), each
 * regular file whose name ends in a suffix read whole into memory and
 * dropped. */
#ifndef COV_BENCH_FLOOR_WALK_H
#define COV_BENCH_FLOOR_WALK_H

#include <stddef.h>

typedef struct floor_count {
    unsigned long files, bytes;
} floor_count;

/* The whole file in a NUL-terminated buffer the caller frees, or NULL. */
char *floor_slurp(const char *path, size_t *len);

/* Walks dir, adding each file read to *n; 0, or 2 after a message on
 * stderr when a directory or a file cannot be read. */
int floor_walk(const char *dir, const char *suffix, floor_count *n);

#endif
