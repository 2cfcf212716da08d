/* The tt-xla test-config loader: a recursive descent over the fixed schema
 * (top level -> test_config -> entry -> arch_overrides -> fields), pulling
 * events from yaml_events.c. Only the schema levels recurse (a constant
 * depth); values of other fields, whose shape the input decides, are built
 * with explicit stacks.
 *
 * Merge keys. PyYAML's SafeLoader flattens `<<` into the mapping: the merged
 * pairs come first (later `<<` keys after earlier ones, the items of a
 * `<<: [*a, *b]` list in reverse), the explicit pairs last, and the last
 * pair of a key wins. Streaming, a key can arrive before or after the one
 * that beats it, so each logical mapping keeps a small stack of "frames": its
 * own mapping and the merged mappings and lists being read. Frame ids grow in
 * the order frames open; an earlier pair is remembered by the id of the
 * frame it was read in, and cov_ttx_map_rank() finds which of two pairs PyYAML keeps
 * from where the frames diverge. */
#include "load/ttxla_internal.h"

#include "base/alloc.h"
#include "base/vec.h"

#include <string.h>

/* ---- keys seen per mapping: a stack of entries under a cov_index ---- */

seen_entry *cov_ttx_seen_find(ttx *x, uint64_t key)
{
    cov_index_cursor c = cov_index_probe(&x->seen_ix, cov_hash_u64(key));
    for (const uint32_t *v; (v = cov_index_next(&x->seen_ix, &c));)
        if (x->seen[*v].key == key)
            return &x->seen[*v];
    return NULL;
}

int cov_ttx_seen_add(ttx *x, uint64_t key, uint32_t idx, uint32_t pid, uint32_t line)
{
    cov_index_cursor c = cov_index_probe(&x->seen_ix, cov_hash_u64(key));
    while (cov_index_next(&x->seen_ix, &c))
        ;
    if (COV_GROW_ONE32(x->seen, x->n_seen, x->cap_seen) < 0 ||
        cov_index_add(&x->seen_ix, &c, x->n_seen) < 0)
        return -1;
    x->seen[x->n_seen++] = (seen_entry){key, idx, pid, line};
    return 0;
}

/* The winner of a key is now the pair read at pid, line. */
void cov_ttx_seen_update(ttx *x, uint64_t key, uint32_t pid, uint32_t line)
{
    seen_entry *e = cov_ttx_seen_find(x, key);
    if (e) {
        e->pid = pid;
        e->line = line;
    }
}

/* Removes the key added last. */
static void seen_pop(ttx *x)
{
    uint32_t top = --x->n_seen;
    cov_index_cursor c = cov_index_probe(&x->seen_ix, cov_hash_u64(x->seen[top].key));
    for (const uint32_t *v; (v = cov_index_next(&x->seen_ix, &c));)
        if (*v == top) {
            cov_index_remove(&x->seen_ix, &c);
            return;
        }
}

/* ---- logical mappings: merge keys followed, precedence as PyYAML ---- */

static int mf_push(ttx *x, uint32_t seq, const cov_yev *at)
{
    if (COV_GROW_ONE32(x->mf, x->n_mf, x->cap_mf) < 0)
        return oom_at(x, at);
    x->mf[x->n_mf++] = (mframe){++x->next_id, seq};
    return COV_OK;
}

/* Starts reading the mapping whose MAP event *at was just read. */
int cov_ttx_map_open(ttx *x, mapr *r, const cov_yev *at)
{
    r->base = x->n_mf;
    r->seen_base = x->n_seen;
    int rc = mf_push(x, 0, at);
    r->root = x->next_id;
    return rc;
}

static int is_merge_key(const cov_yev *k)
{
    return k->type == COV_YEV_SCALAR && k->plain && k->len == 2 && k->text[0] == '<' &&
           k->text[1] == '<';
}

/* The next key of the mapping into *k (a scalar or, for a complex key, a
 * collection start); *more = 0 at its end. */
int cov_ttx_map_key(ttx *x, mapr *r, cov_yev *k, int *more)
{
    for (;;) {
        int rc = next(x, k);
        if (rc)
            return rc;
        if (x->mf[x->n_mf - 1].seq) { /* between the items of `<<: [...]` */
            if (k->type == COV_YEV_SEQ_END) {
                x->n_mf--;
                continue;
            }
            if (k->type != COV_YEV_MAP)
                return cov_ttx_fail_at(x, COV_EINPUT, k,
                                       "'<<' list items must be mappings");
            if ((rc = mf_push(x, 0, k)))
                return rc;
            continue;
        }
        if (k->type == COV_YEV_MAP_END) {
            if (--x->n_mf > r->base)
                continue;
            while (x->n_seen > r->seen_base)
                seen_pop(x);
            *more = 0;
            return COV_OK;
        }
        if (!is_merge_key(k)) {
            *more = 1;
            return COV_OK;
        }
        if ((rc = next(x, k)))
            return rc;
        if (k->type != COV_YEV_MAP && k->type != COV_YEV_SEQ)
            return cov_ttx_fail_at(x, COV_EINPUT, k,
                                   "'<<' must be a mapping or a list of mappings");
        if ((rc = mf_push(x, k->type == COV_YEV_SEQ, k)))
            return rc;
    }
}

/* Whether the current key beats an earlier one read in frame prev. The
 * deepest open frame that opened no later than prev holds both; there an
 * explicit pair beats merged ones, a later `<<` beats an earlier one, and an
 * earlier item of a `<<` list beats a later one. */
int cov_ttx_map_rank(const ttx *x, const mapr *r, uint32_t prev)
{
    uint32_t top = x->n_mf - 1, k = top;
    while (k > r->base && x->mf[k].id > prev)
        k--;
    if (x->mf[k].seq)
        return RANK_LOSE;
    if (x->mf[k].id != prev)
        return RANK_WIN;
    return k == top ? RANK_DUP : RANK_LOSE;
}

/* ---- test ids seen before ---- */

/* Finds an earlier test of this file with the id of test i (*prev, or
 * UINT32_MAX) and how the two rank. Another file's test only warns. */
int cov_ttx_earlier_test(ttx *x, const mapr *r, uint32_t i, const cov_yev *k,
                         uint32_t *prev, int *rank)
{
    cov_model *m = x->m;
    *prev = UINT32_MAX;
    *rank = RANK_WIN;
    uint32_t other = cov_model_index_test(m, i);
    if (other == COV_INDEX_NEW)
        return COV_OK;
    if (other == COV_INDEX_OOM)
        return oom_at(x, k);
    const cov_test *o = cov_model_test(m, other);
    if (o->source != x->source) {
        /* tt-xla merges its files in sorted order, a later file's entry
         * replacing an earlier one's: keep this one, count the id once. */
        cov_ttx_warn_at(
            x, k,
            "test id '%.*s' is also in %s:%u; this later entry replaces it (tt-xla "
            "merges the files in order), so the test counts once",
            qlen(k->len), k->text, cov_model_source(m, o->source)->path, (unsigned)o->line);
        return cov_model_note_duplicate(m, i, other) != COV_OK ? oom_at(x, k) : COV_OK;
    }
    *prev = other;
    *rank = cov_ttx_map_rank(x, r, x->n_tpid ? x->tpid[*prev - x->first_test] : r->root);
    if (*rank == RANK_DUP)
        return cov_ttx_fail_at(x, COV_EINPUT, k,
                               "duplicate test id '%.*s' (first at line %u)", qlen(k->len),
                               k->text, (unsigned)cov_model_test(m, *prev)->line);
    return COV_OK;
}
