/* The join of tt-xla tests to tt-forge-models loader variants (docs/design.md
 * 3.4): a test id names a loader by family[/task]/framework and a variant by
 * its variant; the join records each test's variant and why one did not join. */
#ifndef COV_FORGE_JOIN_H
#define COV_FORGE_JOIN_H

#include "base/diag.h"
#include "model/model.h"

#include <stddef.h>
#include <stdint.h>

/* Builds the join's lookups over m's loaders and variants (m->loader_index,
 * m->lvariant_index), replacing earlier ones. 0, or -1 when memory ran out
 * (the old lookups are kept). */
int cov_forge_index_build(cov_model *m);

/* Joins every test of m to its loader variant (m->join, each variant's
 * tests count, m->unknown), if m has a tree. Tests from index warn_from on
 * that name no loader variant are warned about at their id (unparsed ids
 * are not: the loader warned already). COV_OK, or COV_ENOMEM before anything
 * changed. */
int cov_forge_join(cov_model *m, uint32_t warn_from, cov_diag *d);

/* Why test i has no loader variant, in words ("no loader.py in
 * gpt2/causal_lm/jax"), into buf (NUL-terminated, truncated to size);
 * returns buf, or NULL when the test did join (or m has no tree). */
const char *cov_forge_unknown_reason(const cov_model *m, uint32_t i, char *buf,
                                     size_t size);

#endif
