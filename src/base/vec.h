/* The one growable array of the engine. Every array that grows by doubling
 * grows through cov_grow (or cov_grow32 for 32-bit counts), which checks the
 * size arithmetic for overflow and allocates with cov_realloc, so allocation
 * failure is injected and accounted like any other (base/alloc.h).
 *
 * cov_vec is the typed-by-size vector the model keeps its records in:
 * cov_vec_push returns a zeroed slot. Other arrays keep their own pointer,
 * count and capacity fields and call cov_grow before appending. */
#ifndef COV_VEC_H
#define COV_VEC_H

#include <stddef.h>
#include <stdint.h>

/* Makes *items (an array of elem-byte items with room for *cap) hold at
 * least need items: the capacity doubles from 16 items (or 256 bytes,
 * whichever is more) until it is enough. Returns 0, or -1 when the size
 * overflows or the allocation fails; *items and *cap are then unchanged. */
int cov_grow(void **items, size_t *cap, size_t need, size_t elem);
/* The same for a 32-bit capacity; a need above UINT32_MAX is refused. */
int cov_grow32(void **items, uint32_t *cap, size_t need, size_t elem);

/* Room for one more item after the n an array `arr` (capacity field cap)
 * holds: 0 or -1 as cov_grow. */
#define COV_GROW_ONE(arr, n, cap)                                                          \
    ((n) < (cap) ? 0 : cov_grow((void **)&(arr), &(cap), (size_t)(n) + 1, sizeof *(arr)))
#define COV_GROW_ONE32(arr, n, cap)                                                        \
    ((n) < (cap) ? 0 : cov_grow32((void **)&(arr), &(cap), (size_t)(n) + 1, sizeof *(arr)))

/* A growable array of fixed-size items. */
typedef struct cov_vec {
    void *items;
    uint32_t count, cap;
} cov_vec;

/* Appends a zeroed item of item_size bytes; returns it, or NULL on OOM or
 * overflow (v is then unchanged). */
void *cov_vec_push(cov_vec *v, size_t item_size);
void cov_vec_free(cov_vec *v);
#define COV_VEC_AT(v, type, i) (&((type *)(v).items)[i])

#endif
