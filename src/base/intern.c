#include "base/intern.h"

#include "base/alloc.h"
#include "base/vec.h"

#include <string.h>

void cov_interner_init(cov_interner *in)
{
    memset(in, 0, sizeof *in);
    cov_arena_init(&in->strings);
}

void cov_interner_free(cov_interner *in)
{
    cov_arena_free(&in->strings);
    cov_free(in->syms);
    cov_index_free(&in->ix);
    memset(in, 0, sizeof *in);
}

/* Runs c to the symbol of s[0..len) and returns it, or COV_SYM_NONE at the
 * end of c's run (where a new symbol goes). */
static cov_sym lookup(const cov_interner *in, cov_index_cursor *c, const char *s,
                      uint32_t len)
{
    for (const uint32_t *v; (v = cov_index_next(&in->ix, c));) {
        const cov_sym_entry *e = &in->syms[*v];
        if (e->len == len && memcmp(e->str, s, len) == 0)
            return *v;
    }
    return COV_SYM_NONE;
}

cov_sym cov_intern_find(const cov_interner *in, const char *s, size_t len)
{
    if (len >= UINT32_MAX)
        return COV_SYM_NONE;
    cov_index_cursor c = cov_index_probe(&in->ix, cov_hash_bytes(s, len));
    return lookup(in, &c, s, (uint32_t)len);
}

cov_sym cov_intern(cov_interner *in, const char *s, size_t len)
{
    if (len >= UINT32_MAX)
        return COV_SYM_OOM;
    cov_index_cursor c = cov_index_probe(&in->ix, cov_hash_bytes(s, len));
    cov_sym found = lookup(in, &c, s, (uint32_t)len);
    if (found)
        return found;
    if (in->count == 0)
        in->count = 1; /* symbol 0 means "none" */
    if (COV_GROW_ONE32(in->syms, in->count, in->cap) < 0)
        return COV_SYM_OOM;
    char *copy = cov_arena_strndup(&in->strings, s, len);
    if (!copy)
        return COV_SYM_OOM;
    if (cov_index_add(&in->ix, &c, in->count) < 0)
        return COV_SYM_OOM;
    cov_sym sym = in->count++;
    in->syms[sym] = (cov_sym_entry){copy, (uint32_t)len};
    return sym;
}
