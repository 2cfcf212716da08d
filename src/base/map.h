/* The one hash table of the engine, in two layers.
 *
 * cov_index: open addressing with linear probing over slots of {hash,
 * value}. It keeps no keys: the value is the caller's number for an item (an
 * index into the caller's own array, say) and the caller decides equality,
 * so keys that already live in the caller's arrays are not stored twice. A
 * lookup walks a probe cursor: cov_index_probe starts it at a hash and
 * cov_index_next yields the value of each slot of that hash in turn, then
 * NULL at the empty slot where an item of that hash would go, which
 * cov_index_add then fills. The slots double (from 16) before they would be
 * half full and are rehashed from the stored hashes, so growth never calls
 * the caller back; cov_index_remove deletes by backward shift (no
 * tombstones).
 *
 * cov_map: byte-string keys to uint32_t values on a cov_index. The map
 * copies each key it stores into its own buffer, so a caller's key need
 * live only for the call.
 *
 * All memory comes from cov_realloc (base/alloc.h) and is the table's until
 * it is freed. */
#ifndef COV_MAP_H
#define COV_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct cov_index_slot {
    uint32_t hash; /* 0 marks an empty slot; stored hashes are never 0 */
    uint32_t value;
} cov_index_slot;

typedef struct cov_index {
    cov_index_slot *slots; /* mask + 1 of them, NULL while empty */
    uint32_t mask, count;
} cov_index;

/* Where a lookup is: the slot it looks at next and the hash it looks for. */
typedef struct cov_index_cursor {
    uint32_t pos, hash;
} cov_index_cursor;

/* A fast non-cryptographic hash of n bytes. */
uint32_t cov_hash_bytes(const void *p, size_t n);

/* The 32-bit hash of a 64-bit key (callers with integer keys). */
static inline uint32_t cov_hash_u64(uint64_t key)
{
    return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32);
}

/* Starts a lookup of hash (any value; 0 is treated as 1). */
static inline cov_index_cursor cov_index_probe(const cov_index *ix, uint32_t hash)
{
    hash = hash ? hash : 1;
    return (cov_index_cursor){hash & ix->mask, hash};
}

/* The value of the next slot holding c's hash, or NULL at the empty slot
 * that ends the run (c then stays there, for cov_index_add). The pointer is
 * valid until the index next changes. */
static inline uint32_t *cov_index_next(const cov_index *ix, cov_index_cursor *c)
{
    if (!ix->slots)
        return NULL;
    for (;;) {
        cov_index_slot *s = &ix->slots[c->pos];
        if (!s->hash)
            return NULL;
        c->pos = (c->pos + 1) & ix->mask;
        if (s->hash == c->hash)
            return &s->value;
    }
}

/* Stores value at cursor c, which cov_index_next has run to its end (NULL)
 * with no change to the index since; grows the slots first when they would
 * be half full. 0, or -1 on OOM with the index unchanged. */
int cov_index_add(cov_index *ix, const cov_index_cursor *c, uint32_t value);

/* Removes the slot whose value cov_index_next returned last for c, with no
 * change to the index since. */
void cov_index_remove(cov_index *ix, const cov_index_cursor *c);

/* Empties the index but keeps its slots for reuse. */
void cov_index_clear(cov_index *ix);
/* Frees the slots; the index is then empty, as {0}. */
void cov_index_free(cov_index *ix);

typedef struct cov_map {
    cov_index ix; /* value: the key's entry in ents */
    struct cov_map_ent *ents;
    uint32_t cap_ents;
    char *keys; /* the keys' bytes, one after another */
    size_t keys_len, keys_cap;
} cov_map;

/* An empty map (no allocation until the first put); {0} is one too. */
void cov_map_init(cov_map *m);
/* Frees everything the map holds; it is then empty, as after init. */
void cov_map_free(cov_map *m);
/* Empties the map but keeps its memory for reuse. */
void cov_map_clear(cov_map *m);

/* The value stored under key[0..len), or NULL when there is none. The
 * pointer is valid until the next put, clear or free. */
uint32_t *cov_map_find(const cov_map *m, const void *key, size_t len);

/* Stores value under key[0..len) when the key is new and returns 1. When it
 * is there already, leaves the map alone, puts its value in *old (if not
 * NULL) and returns 0. Returns -1 on OOM or a key over UINT32_MAX bytes,
 * the map unchanged. */
int cov_map_put(cov_map *m, const void *key, size_t len, uint32_t value, uint32_t *old);

#endif
