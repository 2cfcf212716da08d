/* Tests aggregated by any combination of their properties, in C: counts,
 * status and bring-up counts, per-arch effective statuses, and the distinct
 * values of up to four "collected" properties per group. ds:group is built
 * on it, and a model keeps one standing aggregate, fed as tests load, for
 * the query the default rules make (model.h). No Lua here. */
#ifndef COV_AGGREGATE_H
#define COV_AGGREGATE_H

#include "model/model.h"
#include "model/test_props.h"

#include <stdint.h>

enum { COV_AGG_MAX_KEYS = 8, COV_AGG_MAX_COLLECT = 4, COV_AGG_MAX_LIMIT = 64 };
/* The values kept per collected key when a query names no limit (ds:group's
 * default): the standing aggregate keeps this many, so a default query, as
 * lua/covengine/facts.lua makes, is answered from it. The one place this
 * number is written. */
enum { COV_AGG_DEFAULT_LIMIT = 16 };

/* The key's name ("family") and back: the group keys are the properties
 * test_props.h marks so; -1 for any other name. */
const char *cov_agg_key_name(int kind);
int cov_agg_key_kind(const char *name);
/* Whether a key can be collected (booleans cannot). */
int cov_agg_collectable(int kind);

/* A key's value for a test is its cov_prop_value (test_props.h): symbols
 * for names, the value + 1 for seq and batch, the enum for status (the
 * summary status, see cov_test_summary_status) and entry_status (the
 * entry's own), source + 1 for file; 0 means absent. */

/* One group. key[] holds the key values in request order. */
typedef struct cov_agg_group {
    uint32_t key[COV_AGG_MAX_KEYS];
    uint32_t count, first;             /* tests; index of the first one */
    uint32_t status[COV_STATUS_COUNT]; /* by summary status */
    uint32_t bringup[COV_BRINGUP_COUNT];
    /* reach[s]: tests that have status s on some arch they run on (a test
     * counts under each status it has somewhere) */
    uint32_t reach[COV_STATUS_COUNT];
    /* How status[] changes on an arch no test of the group names: tests
     * whose scope is finite do not run there. Nonzero: the group's counts
     * differ on every arch of the dataset. */
    int32_t elsewhere[COV_STATUS_COUNT];
    uint32_t arch_head; /* internal */
} cov_agg_group;

typedef struct cov_agg cov_agg;

/* A new, empty aggregate by keys[0..nkeys) collecting collect[0..ncollect)
 * and keeping the first `limit` values of each in sorted order; NULL on OOM
 * or bad arguments. Free with cov_agg_free. */
cov_agg *cov_agg_new(const int *keys, int nkeys, const int *collect, int ncollect,
                     uint32_t limit);
void cov_agg_free(cov_agg *a);

/* Adds test i of m. Returns 0 or COV_ENOMEM (the aggregate is then
 * unusable: free it). */
int cov_agg_add(cov_agg *a, const cov_model *m, uint32_t i);

/* Whether a was made with exactly these keys and collected keys (in order)
 * and a limit of at least `limit`: it then answers that request. */
int cov_agg_matches(const cov_agg *a, const int *keys, int nkeys, const int *collect,
                    int ncollect, uint32_t limit);

uint32_t cov_agg_groups(const cov_agg *a);
const cov_agg_group *cov_agg_group_at(const cov_agg *a, uint32_t i);

/* Walks the arches some test of group g names (supported_archs or
 * arch_overrides): *cursor starts at 0; returns 0 when done, else 1 with
 * *arch and the effective status counts on that arch (the tests that run
 * there, by their status there) in eff[COV_STATUS_COUNT]. */
int cov_agg_next_arch(const cov_agg *a, const cov_agg_group *g, uint32_t *cursor,
                      cov_sym *arch, uint32_t *eff);

/* The effective status counts of group g on any arch, named or not. */
void cov_agg_arch_counts(const cov_agg *a, const cov_agg_group *g, cov_sym arch,
                         uint32_t *eff);

/* Whether g's counts differ on arches none of its tests names. */
int cov_agg_differs_elsewhere(const cov_agg_group *g);

/* Collected key c of group g: the number of distinct values, and the first
 * (up to the limit) in sorted order in *values (owned by a) and *n. */
uint32_t cov_agg_collected(const cov_agg *a, uint32_t g, int c, const uint32_t **values,
                           uint32_t *n);

/* ---- The model's standing aggregate (cov_model.standing) ---------------- */

/* The loader calls this for each test it keeps, once the test is complete. */
void cov_model_note_test(cov_model *m, uint32_t i);
/* Notes every test of m again into a new standing aggregate (after
 * cov_model_resolve_duplicates moved them). */
void cov_model_standing_rebuild(cov_model *m);
/* The standing aggregate — by (framework, family, task_path), collecting
 * variant, run_mode and parallelism, 16 values kept — or NULL when it does
 * not reflect every test (then compute the query instead). */
const cov_agg *cov_model_standing(const cov_model *m);

#endif
