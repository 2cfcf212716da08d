#include "model/aggregate.h"

#include "base/alloc.h"
#include "base/map.h"
#include "base/vec.h"
#include "covengine.h"

#include <string.h>

const char *cov_agg_key_name(int kind)
{
    return kind >= 0 && kind < COV_K_COUNT ? cov_prop(kind)->name : NULL;
}

int cov_agg_key_kind(const char *name)
{
    int kind = cov_prop_kind(name);
    return kind >= 0 && cov_prop(kind)->group ? kind : -1;
}

int cov_agg_collectable(int kind)
{
    return kind >= 0 && kind < COV_K_COUNT && cov_prop(kind)->group &&
           cov_prop(kind)->type != COV_PT_BOOL;
}

typedef cov_agg_group group;

/* How one arch changes a group's status counts, beyond `elsewhere`. */
typedef struct arch_delta {
    cov_sym arch;
    uint32_t next;
    int32_t delta[COV_STATUS_COUNT];
} arch_delta;

/* Distinct values of a collected key within one group: how many, and the
 * first `limit` of them in sorted order. */
typedef struct collected {
    uint32_t distinct, n;
    uint32_t *top; /* limit values, sorted; allocated on the first value */
    uint64_t mask; /* values seen, while the key has at most 64 (see dict) */
} collected;

enum { DICT_MAX = 64, MAX_COLLECT = COV_AGG_MAX_COLLECT };

struct cov_agg {
    int keys[COV_AGG_MAX_KEYS], nkeys;
    int collect[COV_AGG_MAX_COLLECT];
    uint32_t limit;
    group *groups;
    uint32_t ngroups, capgroups;
    cov_index group_ix; /* hash of a group's key -> the group */
    arch_delta *deltas;
    uint32_t ndeltas, capdeltas;
    /* collect: per group and collected key; the set of (group, key, value)
     * already seen, so each value counts once */
    collected *coll; /* capgroups * ncollect, grown with groups */
    uint32_t ncollect, capcoll;
    uint64_t *seen; /* the (group, key, value) triples, packed */
    uint32_t nseen, capseen;
    cov_index seen_ix; /* hash of a triple -> its place in seen */
    /* Most collected keys (run_mode, parallelism) have a handful of values in
     * all: numbered in dict, a group's values are bits of its mask and need
     * no trip to the seen set. A key with more than DICT_MAX values moves to
     * the seen set for good. */
    uint32_t dict[MAX_COLLECT][DICT_MAX];
    uint32_t ndict[MAX_COLLECT];
    int large[MAX_COLLECT];
    /* the arches of the test being added */
    cov_arch_status *tarch;
    uint32_t cap_tarch;
};

typedef cov_agg scratch;

static uint32_t hash_key(const uint32_t *key, int nkeys)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < nkeys; i++)
        h = (h ^ key[i]) * 16777619u + (h >> 15);
    return h * 0x9E3779B1u;
}

static group *find_group(scratch *s, const uint32_t *key, int nkeys, int *fresh)
{
    *fresh = 0;
    size_t keybytes = (size_t)nkeys * sizeof *key;
    cov_index_cursor c = cov_index_probe(&s->group_ix, hash_key(key, nkeys));
    for (const uint32_t *v; (v = cov_index_next(&s->group_ix, &c));) {
        group *g = &s->groups[*v];
        if (memcmp(g->key, key, keybytes) == 0)
            return g;
    }
    if (COV_GROW_ONE32(s->groups, s->ngroups, s->capgroups) < 0 ||
        cov_index_add(&s->group_ix, &c, s->ngroups) < 0)
        return NULL;
    group *g = &s->groups[s->ngroups++];
    memset(g, 0, sizeof *g);
    memcpy(g->key, key, keybytes);
    *fresh = 1;
    return g;
}

static arch_delta *find_delta(scratch *s, group *g, cov_sym arch)
{
    for (uint32_t k = g->arch_head; k; k = s->deltas[k - 1].next)
        if (s->deltas[k - 1].arch == arch)
            return &s->deltas[k - 1];
    if (COV_GROW_ONE32(s->deltas, s->ndeltas, s->capdeltas) < 0)
        return NULL;
    arch_delta *d = &s->deltas[s->ndeltas++];
    memset(d, 0, sizeof *d);
    d->arch = arch;
    d->next = g->arch_head;
    g->arch_head = s->ndeltas;
    return d;
}

static int grow_collect(scratch *s)
{
    uint32_t want = s->capgroups * s->ncollect;
    if (!s->ncollect || s->capcoll >= want)
        return 0;
    collected *more = cov_realloc(s->coll, (size_t)want * sizeof *more);
    if (!more)
        return -1;
    memset(more + s->capcoll, 0, (size_t)(want - s->capcoll) * sizeof *more);
    s->coll = more;
    s->capcoll = want;
    return 0;
}

/* Records (group, key, value); 1 if it is new, 0 if seen, -1 on OOM. */
static int seen_add(scratch *s, uint32_t g, uint32_t c, uint32_t v)
{
    uint64_t key = ((uint64_t)g << 34) | ((uint64_t)c << 32) | v;
    cov_index_cursor at = cov_index_probe(&s->seen_ix, cov_hash_u64(key));
    for (const uint32_t *e; (e = cov_index_next(&s->seen_ix, &at));)
        if (s->seen[*e] == key)
            return 0;
    if (COV_GROW_ONE32(s->seen, s->nseen, s->capseen) < 0 ||
        cov_index_add(&s->seen_ix, &at, s->nseen) < 0)
        return -1;
    s->seen[s->nseen++] = key;
    return 1;
}

/* Orders values of a key as they read: names by text, numbers by value. */
static int value_cmp(const cov_model *m, int kind, uint32_t a, uint32_t b)
{
    switch (cov_prop(kind)->type) {
    case COV_PT_SYM:
    case COV_PT_PATH: return strcmp(cov_model_str(m, a), cov_model_str(m, b));
    case COV_PT_FILE:
        return strcmp(cov_model_source(m, a - 1)->path, cov_model_source(m, b - 1)->path);
    default: return a < b ? -1 : a > b;
    }
}

/* Moves key c from masks to the seen set: every value each group has. */
static int go_large(scratch *s, uint32_t c)
{
    for (uint32_t g = 0; g < s->ngroups; g++) {
        uint64_t mask = s->coll[(size_t)g * s->ncollect + c].mask;
        for (uint32_t b = 0; mask; b++, mask >>= 1)
            if ((mask & 1) && seen_add(s, g, c, s->dict[c][b]) < 0)
                return -1;
    }
    s->large[c] = 1;
    return 0;
}

/* 1 if group gi sees value v of key c for the first time, 0 if not, -1 on
 * OOM. */
static int first_sight(scratch *s, uint32_t gi, uint32_t c, uint32_t v)
{
    if (!s->large[c]) {
        uint32_t b = 0;
        while (b < s->ndict[c] && s->dict[c][b] != v)
            b++;
        if (b == s->ndict[c] && b < DICT_MAX)
            s->dict[c][s->ndict[c]++] = v;
        if (b < DICT_MAX) {
            uint64_t *mask = &s->coll[(size_t)gi * s->ncollect + c].mask;
            if (*mask & (1ull << b))
                return 0;
            *mask |= 1ull << b;
            return 1;
        }
        if (go_large(s, c) < 0)
            return -1;
    }
    return seen_add(s, gi, c, v);
}

/* Counts v as a value of collected key c in group gi and keeps it if it is
 * among the `limit` smallest. Absent values (0) are not counted. */
static int collect(scratch *s, const cov_model *m, uint32_t gi, uint32_t c, int kind,
                   uint32_t v, uint32_t limit)
{
    if (!v)
        return 0;
    int fresh = first_sight(s, gi, c, v);
    if (fresh <= 0)
        return fresh;
    collected *cl = &s->coll[(size_t)gi * s->ncollect + c];
    cl->distinct++;
    if (!cl->top && !(cl->top = cov_malloc(limit * sizeof *cl->top)))
        return -1;
    if (cl->n == limit && value_cmp(m, kind, v, cl->top[cl->n - 1]) >= 0)
        return 0;
    uint32_t at = cl->n < limit ? cl->n++ : limit - 1;
    while (at > 0 && value_cmp(m, kind, v, cl->top[at - 1]) < 0) {
        cl->top[at] = cl->top[at - 1];
        at--;
    }
    cl->top[at] = v;
    return 0;
}

cov_agg *cov_agg_new(const int *keys, int nkeys, const int *collect_keys, int ncollect,
                     uint32_t limit)
{
    if (nkeys < 1 || nkeys > COV_AGG_MAX_KEYS || ncollect < 0 ||
        ncollect > COV_AGG_MAX_COLLECT || limit < 1 || limit > COV_AGG_MAX_LIMIT)
        return NULL;
    cov_agg *a = cov_calloc(1, sizeof *a);
    if (!a)
        return NULL;
    memcpy(a->keys, keys, (size_t)nkeys * sizeof *keys);
    a->nkeys = nkeys;
    if (ncollect)
        memcpy(a->collect, collect_keys, (size_t)ncollect * sizeof *collect_keys);
    a->ncollect = (uint32_t)ncollect;
    a->limit = limit;
    return a;
}

void cov_agg_free(cov_agg *a)
{
    if (!a)
        return;
    cov_free(a->groups);
    cov_index_free(&a->group_ix);
    cov_free(a->deltas);
    for (uint32_t i = 0; a->coll && i < a->capcoll; i++)
        cov_free(a->coll[i].top);
    cov_free(a->coll);
    cov_free(a->seen);
    cov_index_free(&a->seen_ix);
    cov_free(a->tarch);
    cov_free(a);
}

int cov_agg_add(cov_agg *a, const cov_model *m, uint32_t i)
{
    const cov_test *t = cov_model_test(m, i);
    uint32_t key[COV_AGG_MAX_KEYS];
    for (int k = 0; k < a->nkeys; k++)
        key[k] = cov_prop_value(m, t, a->keys[k]);
    int fresh;
    group *g = find_group(a, key, a->nkeys, &fresh);
    if (!g)
        return COV_ENOMEM;
    if (fresh) {
        g->first = i;
        if (grow_collect(a) < 0)
            return COV_ENOMEM;
    }
    uint32_t gi = (uint32_t)(g - a->groups);
    for (uint32_t c = 0; c < a->ncollect; c++)
        if (collect(a, m, gi, c, a->collect[c], cov_prop_value(m, t, a->collect[c]),
                    a->limit) < 0)
            return COV_ENOMEM;
    g = &a->groups[gi];
    int st = cov_test_summary_status(m, t);
    g->count++;
    g->status[st]++;
    g->bringup[t->f.bringup]++;
    if (!t->n_overrides && !t->f.has_archs) {
        g->reach[st]++; /* runs everywhere as its entry says */
        return COV_OK;
    }
    uint32_t n = cov_test_arches(m, t, a->tarch, a->cap_tarch);
    if (n > a->cap_tarch) {
        cov_arch_status *more = cov_realloc(a->tarch, (size_t)n * sizeof *more);
        if (!more)
            return COV_ENOMEM;
        a->tarch = more;
        a->cap_tarch = n;
        cov_test_arches(m, t, a->tarch, n);
    }
    /* On an arch the test does not name it runs as `elsewhere` says (its
     * entry, or nowhere); on a named arch as its status there says. */
    int other = cov_test_status_elsewhere(m, t);
    if (other != st) {
        g->elsewhere[st]--;
        if (other)
            g->elsewhere[other]++;
    }
    unsigned reached = other ? 1u << other : 0;
    for (uint32_t k = 0; k < n; k++) {
        arch_delta *dl = find_delta(a, &a->groups[gi], a->tarch[k].arch);
        if (!dl)
            return COV_ENOMEM;
        int here = a->tarch[k].status;
        if (here != other) {
            if (other)
                dl->delta[other]--;
            if (here)
                dl->delta[here]++;
        }
        if (here)
            reached |= 1u << here;
    }
    g = &a->groups[gi];
    for (int s = 1; s < COV_STATUS_COUNT; s++)
        if (reached >> s & 1)
            g->reach[s]++;
    return COV_OK;
}

int cov_agg_matches(const cov_agg *a, const int *keys, int nkeys, const int *collect_keys,
                    int ncollect, uint32_t limit)
{
    return a && nkeys == a->nkeys && (uint32_t)ncollect == a->ncollect &&
           limit <= a->limit && memcmp(keys, a->keys, (size_t)nkeys * sizeof *keys) == 0 &&
           (!ncollect ||
            memcmp(collect_keys, a->collect, (size_t)ncollect * sizeof *collect_keys) == 0);
}

uint32_t cov_agg_groups(const cov_agg *a)
{
    return a->ngroups;
}

const cov_agg_group *cov_agg_group_at(const cov_agg *a, uint32_t i)
{
    return &a->groups[i];
}

int cov_agg_next_arch(const cov_agg *a, const cov_agg_group *g, uint32_t *cursor,
                      cov_sym *arch, uint32_t *eff)
{
    uint32_t k = *cursor ? a->deltas[*cursor - 1].next : g->arch_head;
    if (!k)
        return 0;
    const arch_delta *dl = &a->deltas[k - 1];
    *arch = dl->arch;
    for (int st = 0; st < COV_STATUS_COUNT; st++)
        eff[st] = (uint32_t)((int64_t)g->status[st] + g->elsewhere[st] + dl->delta[st]);
    *cursor = k;
    return 1;
}

void cov_agg_arch_counts(const cov_agg *a, const cov_agg_group *g, cov_sym arch,
                         uint32_t *eff)
{
    const arch_delta *dl = NULL;
    for (uint32_t k = g->arch_head; k && !dl; k = a->deltas[k - 1].next)
        if (a->deltas[k - 1].arch == arch)
            dl = &a->deltas[k - 1];
    for (int st = 0; st < COV_STATUS_COUNT; st++)
        eff[st] = (uint32_t)((int64_t)g->status[st] + g->elsewhere[st] +
                             (dl ? dl->delta[st] : 0));
}

int cov_agg_differs_elsewhere(const cov_agg_group *g)
{
    for (int st = 0; st < COV_STATUS_COUNT; st++)
        if (g->elsewhere[st])
            return 1;
    return 0;
}

uint32_t cov_agg_collected(const cov_agg *a, uint32_t g, int c, const uint32_t **values,
                           uint32_t *n)
{
    const collected *cl = &a->coll[(size_t)g * a->ncollect + (uint32_t)c];
    *values = cl->top;
    *n = cl->n;
    return cl->distinct;
}

/* ---- the model's standing aggregate ------------------------------------ */

/* What lua/covengine/facts.lua asks ds:group for (with the default limit,
 * COV_AGG_DEFAULT_LIMIT); any other query is computed when asked. */
static const int standing_keys[] = {COV_K_FRAMEWORK, COV_K_FAMILY, COV_K_TASK_PATH};
static const int standing_collect[] = {COV_K_VARIANT, COV_K_RUN_MODE, COV_K_PARALLELISM};

void cov_model_note_test(cov_model *m, uint32_t i)
{
    if (m->standing_state == COV_STANDING_STALE)
        return;
    if (m->standing_state == COV_STANDING_EMPTY) {
        /* Only a model whose every test is noted can have one. */
        m->standing = i == 0 ? cov_agg_new(standing_keys, 3, standing_collect, 3,
                                           COV_AGG_DEFAULT_LIMIT)
                             : NULL;
        if (!m->standing) {
            m->standing_state = COV_STANDING_STALE;
            return;
        }
        m->standing_free = cov_agg_free;
        m->standing_state = COV_STANDING_LIVE;
    }
    if (cov_agg_add(m->standing, m, i) != COV_OK)
        cov_model_standing_invalidate(m); /* out of memory: compute on demand */
    else
        m->standing_tests++;
}

void cov_model_standing_rebuild(cov_model *m)
{
    cov_model_standing_invalidate(m);
    m->standing_state = COV_STANDING_EMPTY;
    m->standing_tests = 0;
    for (uint32_t i = 0; i < m->tests.count && m->standing_state != COV_STANDING_STALE; i++)
        cov_model_note_test(m, i);
}

const cov_agg *cov_model_standing(const cov_model *m)
{
    return m->standing_state == COV_STANDING_LIVE && m->standing_tests == m->tests.count
               ? m->standing
               : NULL;
}
