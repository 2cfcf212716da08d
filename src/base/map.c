#include "base/map.h"

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

/* ---- cov_index: the one probing, growth and rehash loop ---- */

/* The empty slot where hash goes (the item is known to be absent). */
static uint32_t free_slot(const cov_index *ix, uint32_t hash)
{
    uint32_t j = hash & ix->mask;
    while (ix->slots[j].hash)
        j = (j + 1) & ix->mask;
    return j;
}

/* Doubles the slots (from 16) and rehashes them from the stored hashes. */
static int grow(cov_index *ix)
{
    size_t size = ix->slots ? ((size_t)ix->mask + 1) * 2 : 16;
    if (size > ((size_t)UINT32_MAX >> 1) + 1)
        return -1;
    cov_index_slot *fresh = cov_calloc(size, sizeof *fresh);
    if (!fresh)
        return -1;
    cov_index old = *ix;
    ix->slots = fresh;
    ix->mask = (uint32_t)(size - 1);
    for (size_t i = 0; old.slots && i <= old.mask; i++)
        if (old.slots[i].hash)
            ix->slots[free_slot(ix, old.slots[i].hash)] = old.slots[i];
    cov_free(old.slots);
    return 0;
}

int cov_index_add(cov_index *ix, const cov_index_cursor *c, uint32_t value)
{
    uint32_t j = c->pos;
    if (!ix->slots || ((size_t)ix->count + 1) * 2 > (size_t)ix->mask + 1) {
        if (grow(ix) < 0)
            return -1;
        j = free_slot(ix, c->hash);
    }
    ix->slots[j] = (cov_index_slot){c->hash, value};
    ix->count++;
    return 0;
}

void cov_index_remove(cov_index *ix, const cov_index_cursor *c)
{
    uint32_t mask = ix->mask, i = (c->pos - 1) & mask;
    for (uint32_t j = (i + 1) & mask; ix->slots[j].hash; j = (j + 1) & mask) {
        uint32_t home = ix->slots[j].hash & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) { /* i is on j's probe path */
            ix->slots[i] = ix->slots[j];
            i = j;
        }
    }
    ix->slots[i].hash = 0;
    ix->count--;
}

void cov_index_clear(cov_index *ix)
{
    if (ix->slots)
        memset(ix->slots, 0, ((size_t)ix->mask + 1) * sizeof *ix->slots);
    ix->count = 0;
}

void cov_index_free(cov_index *ix)
{
    cov_free(ix->slots);
    memset(ix, 0, sizeof *ix);
}

/* ---- cov_map: copied byte-string keys on a cov_index ---- */

typedef struct cov_map_ent {
    size_t off;   /* the key's offset in keys */
    uint32_t len; /* the key's length */
    uint32_t value;
} cov_map_ent;

void cov_map_init(cov_map *m)
{
    memset(m, 0, sizeof *m);
}

void cov_map_free(cov_map *m)
{
    cov_index_free(&m->ix);
    cov_free(m->ents);
    cov_free(m->keys);
    cov_map_init(m);
}

void cov_map_clear(cov_map *m)
{
    cov_index_clear(&m->ix);
    m->keys_len = 0;
}

/* Runs c to the entry of key, or to its end (NULL) when there is none. */
static cov_map_ent *lookup(const cov_map *m, cov_index_cursor *c, const void *key,
                           size_t len)
{
    for (const uint32_t *v; (v = cov_index_next(&m->ix, c));) {
        cov_map_ent *e = &m->ents[*v];
        if (e->len == len && memcmp(m->keys + e->off, key, len) == 0)
            return e;
    }
    return NULL;
}

uint32_t *cov_map_find(const cov_map *m, const void *key, size_t len)
{
    cov_index_cursor c = cov_index_probe(&m->ix, cov_hash_bytes(key, len));
    cov_map_ent *e = lookup(m, &c, key, len);
    return e ? &e->value : NULL;
}

int cov_map_put(cov_map *m, const void *key, size_t len, uint32_t value, uint32_t *old)
{
    if (len > UINT32_MAX)
        return -1;
    cov_index_cursor c = cov_index_probe(&m->ix, cov_hash_bytes(key, len));
    cov_map_ent *e = lookup(m, &c, key, len);
    if (e) {
        if (old)
            *old = e->value;
        return 0;
    }
    uint32_t n = m->ix.count;
    if (cov_grow((void **)&m->keys, &m->keys_cap, m->keys_len + len + 1, 1) < 0 ||
        COV_GROW_ONE32(m->ents, n, m->cap_ents) < 0 || cov_index_add(&m->ix, &c, n) < 0)
        return -1;
    memcpy(m->keys + m->keys_len, key, len);
    m->ents[n] = (cov_map_ent){m->keys_len, (uint32_t)len, value};
    m->keys_len += len;
    return 1;
}
