#include "base/map.h"

#include "base/alloc.h"
#include "base/intern.h"
#include "base/vec.h"

#include <string.h>

void cov_map_init(cov_map *m)
{
    memset(m, 0, sizeof *m);
}

void cov_map_free(cov_map *m)
{
    cov_free(m->slots);
    cov_free(m->keys);
    cov_map_init(m);
}

void cov_map_clear(cov_map *m)
{
    if (m->slots)
        memset(m->slots, 0, ((size_t)m->mask + 1) * sizeof *m->slots);
    m->count = 0;
    m->keys_len = 0;
}

static uint32_t key_hash(const void *key, size_t len)
{
    uint32_t h = cov_hash_bytes(key, len);
    return h ? h : 1;
}

/* The slot of key: the one holding it, or the empty one where it goes. */
static cov_map_slot *probe(const cov_map *m, const void *key, size_t len, uint32_t h)
{
    for (uint32_t j = h & m->mask;; j = (j + 1) & m->mask) {
        cov_map_slot *s = &m->slots[j];
        if (!s->hash ||
            (s->hash == h && s->len == len && memcmp(m->keys + s->off, key, len) == 0))
            return s;
    }
}

uint32_t *cov_map_find(const cov_map *m, const void *key, size_t len)
{
    if (!m->slots)
        return NULL;
    cov_map_slot *s = probe(m, key, len, key_hash(key, len));
    return s->hash ? &s->value : NULL;
}

/* Doubles the slots (from 16) when one more key would fill half of them. */
static int grow(cov_map *m)
{
    if (m->slots && ((size_t)m->count + 1) * 2 <= (size_t)m->mask + 1)
        return 0;
    size_t size = m->slots ? ((size_t)m->mask + 1) * 2 : 16;
    if (size > ((size_t)UINT32_MAX >> 1) + 1)
        return -1;
    cov_map_slot *fresh = cov_calloc(size, sizeof *fresh);
    if (!fresh)
        return -1;
    cov_map old = *m;
    m->slots = fresh;
    m->mask = (uint32_t)(size - 1);
    for (size_t i = 0; old.slots && i <= old.mask; i++)
        if (old.slots[i].hash)
            *probe(m, old.keys + old.slots[i].off, old.slots[i].len, old.slots[i].hash) =
                old.slots[i];
    cov_free(old.slots);
    return 0;
}

int cov_map_put(cov_map *m, const void *key, size_t len, uint32_t value, uint32_t *old)
{
    if (len > UINT32_MAX)
        return -1;
    uint32_t h = key_hash(key, len);
    if (m->slots) {
        cov_map_slot *s = probe(m, key, len, h);
        if (s->hash) {
            if (old)
                *old = s->value;
            return 0;
        }
    }
    if (cov_grow((void **)&m->keys, &m->keys_cap, m->keys_len + len + 1, 1) < 0 ||
        grow(m) < 0)
        return -1;
    cov_map_slot *s = probe(m, key, len, h);
    memcpy(m->keys + m->keys_len, key, len);
    *s = (cov_map_slot){h, (uint32_t)len, m->keys_len, value};
    m->keys_len += len;
    m->count++;
    return 1;
}
