#include "model/family_index.h"

#include "base/alloc.h"

const cov_family_index *cov_family_index_get(cov_family_index *x, const cov_model *m,
                                             unsigned long generation)
{
    if (x->generation == generation + 1)
        return x;
    uint32_t nsyms = m->strs.count ? m->strs.count : 1, n = m->tests.count;
    cov_family_index_free(x);
    x->order = cov_malloc((size_t)(n ? n : 1) * sizeof *x->order);
    x->start = cov_calloc(nsyms, sizeof *x->start);
    x->count = cov_calloc(nsyms, sizeof *x->count);
    if (!x->order || !x->start || !x->count)
        return NULL;
    /* Counting sort by family symbol keeps file order within a family. */
    for (uint32_t i = 0; i < n; i++)
        x->count[cov_model_test(m, i)->family]++;
    uint32_t at = 0;
    for (uint32_t s = 0; s < nsyms; s++) {
        x->start[s] = at;
        at += x->count[s];
        x->count[s] = 0; /* refilled below as each run's cursor */
    }
    for (uint32_t i = 0; i < n; i++) {
        cov_sym f = cov_model_test(m, i)->family;
        x->order[x->start[f] + x->count[f]++] = i;
    }
    x->nsyms = nsyms;
    x->generation = generation + 1;
    return x;
}

void cov_family_index_free(cov_family_index *x)
{
    cov_free(x->order);
    cov_free(x->start);
    cov_free(x->count);
    x->order = x->start = x->count = NULL;
    x->nsyms = 0;
    x->generation = 0;
}
