/* Tests of a model grouped by raw family, so filtering by family does not
 * scan every test. Built on first use and rebuilt when the model changed. */
#ifndef COV_FAMILY_INDEX_H
#define COV_FAMILY_INDEX_H

#include "model/model.h"

#include <stdint.h>

typedef struct cov_family_index {
    unsigned long generation; /* of the model it was built for, + 1; 0 = never */
    uint32_t *order;          /* test indices, grouped by family symbol */
    uint32_t *start, *count;  /* per family symbol: its run in order */
    uint32_t nsyms;
} cov_family_index;

/* The index of m as of generation (a count the owner bumps whenever m
 * changes), rebuilt into x when x was built for another one. NULL on OOM
 * (x is then empty and rebuilt on the next call). The result points into x. */
const cov_family_index *cov_family_index_get(cov_family_index *x, const cov_model *m,
                                             unsigned long generation);

/* Frees what x holds; x may be reused. */
void cov_family_index_free(cov_family_index *x);

#endif
