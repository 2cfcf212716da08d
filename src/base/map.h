/* The one hash map of the engine: byte-string keys to uint32_t values, open
 * addressing with linear probing.
 *
 * Ownership: the map copies each key it stores into its own buffer, so a
 * caller's key need live only for the call; values are plain numbers (an
 * index into the caller's array, say). All memory comes from cov_realloc
 * (base/alloc.h) and is the map's until cov_map_free. */
#ifndef COV_MAP_H
#define COV_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct cov_map_slot {
    uint32_t hash; /* of the key; 0 marks an empty slot (hashes are never 0) */
    uint32_t len;  /* the key's length */
    size_t off;    /* the key's offset in keys */
    uint32_t value;
} cov_map_slot;

typedef struct cov_map {
    cov_map_slot *slots; /* mask + 1 of them, NULL while empty */
    uint32_t mask, count;
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
