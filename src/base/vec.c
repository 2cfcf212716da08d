#include "base/vec.h"

#include "base/alloc.h"

#include <string.h>

int cov_grow(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    if (elem == 0)
        return -1;
    size_t n = *cap;
    if (n == 0)
        n = elem < 16 ? 256 / elem : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (n > SIZE_MAX / elem)
        return -1;
    void *p = cov_realloc(*items, n * elem);
    if (!p)
        return -1;
    *items = p;
    *cap = n;
    return 0;
}

int cov_grow32(void **items, uint32_t *cap, size_t need, size_t elem)
{
    size_t c = *cap;
    if (need > UINT32_MAX || cov_grow(items, &c, need, elem) < 0)
        return -1;
    *cap = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
    return 0;
}

void *cov_vec_push(cov_vec *v, size_t item_size)
{
    if (cov_grow32(&v->items, &v->cap, (size_t)v->count + 1, item_size) < 0)
        return NULL;
    char *slot = (char *)v->items + (size_t)v->count++ * item_size;
    memset(slot, 0, item_size);
    return slot;
}

void cov_vec_free(cov_vec *v)
{
    cov_free(v->items);
    memset(v, 0, sizeof *v);
}
