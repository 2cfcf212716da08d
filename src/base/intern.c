#include "base/intern.h"

#include "base/alloc.h"
#include "base/vec.h"

#include <string.h>

uint32_t cov_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t k;
        memcpy(&k, s, 8);
        h = (h ^ k) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        s += 8;
        n -= 8;
    }
    uint64_t k = 0;
    memcpy(&k, s, n);
    h = (h ^ k) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 32;
    return (uint32_t)h;
}

void cov_interner_init(cov_interner *in)
{
    memset(in, 0, sizeof *in);
    cov_arena_init(&in->strings);
}

void cov_interner_free(cov_interner *in)
{
    cov_arena_free(&in->strings);
    cov_free(in->syms);
    cov_free(in->slots);
    memset(in, 0, sizeof *in);
}

static int rehash(cov_interner *in)
{
    uint32_t size = in->mask ? (in->mask + 1) * 2 : 256;
    uint32_t *slots = cov_calloc(size, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t s = 1; s < in->count; s++) {
        uint32_t i = in->syms[s].hash & (size - 1);
        while (slots[i])
            i = (i + 1) & (size - 1);
        slots[i] = s;
    }
    cov_free(in->slots);
    in->slots = slots;
    in->mask = size - 1;
    return 0;
}

static uint32_t *lookup(const cov_interner *in, const char *s, uint32_t len, uint32_t h)
{
    uint32_t i = h & in->mask;
    for (;;) {
        uint32_t sym = in->slots[i];
        if (!sym)
            return &in->slots[i];
        const cov_sym_entry *e = &in->syms[sym];
        if (e->hash == h && e->len == len && memcmp(e->str, s, len) == 0)
            return &in->slots[i];
        i = (i + 1) & in->mask;
    }
}

cov_sym cov_intern_find(const cov_interner *in, const char *s, size_t len)
{
    if (!in->slots || len >= UINT32_MAX)
        return COV_SYM_NONE;
    return *lookup(in, s, (uint32_t)len, cov_hash_bytes(s, len));
}

cov_sym cov_intern(cov_interner *in, const char *s, size_t len)
{
    if (len >= UINT32_MAX)
        return COV_SYM_OOM;
    /* Keep the table at most half full. */
    if (!in->slots || (in->count + 1) * 2 > in->mask + 1) {
        if (rehash(in) < 0)
            return COV_SYM_OOM;
    }
    uint32_t h = cov_hash_bytes(s, len);
    uint32_t *slot = lookup(in, s, (uint32_t)len, h);
    if (*slot)
        return *slot;
    if (in->count == 0)
        in->count = 1; /* symbol 0 means "none" */
    if (COV_GROW_ONE32(in->syms, in->count, in->cap) < 0)
        return COV_SYM_OOM;
    char *copy = cov_arena_strndup(&in->strings, s, len);
    if (!copy)
        return COV_SYM_OOM;
    cov_sym sym = in->count++;
    in->syms[sym] = (cov_sym_entry){copy, (uint32_t)len, h};
    *slot = sym;
    return sym;
}
