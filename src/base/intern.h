/* String interning: each distinct byte string gets one small integer (a
 * symbol) and one NUL-terminated copy, so repeated values (families, statuses,
 * arches, markers) cost 4 bytes per use and compare with ==. */
#ifndef COV_INTERN_H
#define COV_INTERN_H

#include "base/arena.h"
#include "base/map.h"

#include <stddef.h>
#include <stdint.h>

typedef uint32_t cov_sym;
#define COV_SYM_NONE ((cov_sym)0)         /* "no value"; never a real string */
#define COV_SYM_OOM ((cov_sym)UINT32_MAX) /* returned when memory ran out */

typedef struct cov_sym_entry {
    const char *str;
    uint32_t len;
} cov_sym_entry;

typedef struct cov_interner {
    cov_arena strings;   /* the copies */
    cov_sym_entry *syms; /* indexed by symbol; [0] is unused */
    uint32_t count, cap; /* symbols in use (including [0]), allocated */
    cov_index ix;        /* value: the symbol; the strings stay in syms */
} cov_interner;

void cov_interner_init(cov_interner *in);
void cov_interner_free(cov_interner *in);

/* The symbol for s[0..len), adding it if new; COV_SYM_OOM on OOM. */
cov_sym cov_intern(cov_interner *in, const char *s, size_t len);

/* The symbol for s[0..len) if already interned, else COV_SYM_NONE. */
cov_sym cov_intern_find(const cov_interner *in, const char *s, size_t len);

/* The string of a symbol (owned by the interner) or NULL for COV_SYM_NONE. */
static inline const char *cov_sym_str(const cov_interner *in, cov_sym s)
{
    return s ? in->syms[s].str : NULL;
}
static inline uint32_t cov_sym_len(const cov_interner *in, cov_sym s)
{
    return s ? in->syms[s].len : 0;
}

#endif
