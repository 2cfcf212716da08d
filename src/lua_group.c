/* ds:group{keys...}: tests aggregated by any combination of their
 * properties, in one pass in C. Rules and reports work on these groups
 * (hundreds or thousands) instead of on tests (up to millions). */
#include "alloc.h"
#include "engine.h"
#include "lua_bridge.h"
#include "lua_filter.h"
#include "lua_model.h"

#include <lauxlib.h>
#include <string.h>

int cov_lua_group(lua_State *L);

enum key_kind {
    K_FRAMEWORK, K_FAMILY, K_TASK_PATH, K_VARIANT, K_MODEL_FRAMEWORK, K_LLM_PHASE,
    K_STRATEGY, K_PARALLELISM, K_MESH, K_EXEC, K_RUN_MODE, K_SEQ, K_BATCH, K_STATUS,
    K_BRINGUP, K_FILE, K_PARSED, K_HAS_REASON, K_COUNT
};

static const char *const key_names[K_COUNT] = {
    "framework", "family", "task_path", "variant", "model_framework", "llm_phase",
    "strategy", "parallelism", "mesh", "exec", "run_mode", "seq", "batch", "status",
    "bringup_status", "file", "parsed", "has_reason"};

enum { MAX_KEYS = 8 };

static int key_kind(const char *name)
{
    for (int i = 0; i < K_COUNT; i++)
        if (strcmp(name, key_names[i]) == 0)
            return i;
    return -1;
}

typedef struct group {
    uint32_t key[MAX_KEYS];
    uint32_t count, first;
    uint32_t status[COV_STATUS_COUNT];
    uint32_t bringup[COV_BRINGUP_COUNT];
    uint32_t arch_head; /* 1-based index into deltas, 0 = none */
} group;

/* How overrides for one arch change a group's status counts. */
typedef struct arch_delta {
    cov_sym arch;
    uint32_t next;
    int32_t delta[COV_STATUS_COUNT];
} arch_delta;

enum { MAX_COLLECT = 4, MAX_LIMIT = 64 };

/* Distinct values of a collected key within one group: how many, and the
 * first `limit` of them in sorted order. */
typedef struct collected {
    uint32_t distinct, n;
    uint32_t *top; /* limit values, sorted; allocated on the first value */
    uint64_t mask; /* values seen, while the key has at most 64 (see dict) */
} collected;

enum { DICT_MAX = 64 };

/* Scratch memory owned by a userdata so a Lua error frees it (__gc). */
typedef struct scratch {
    group *groups;
    uint32_t ngroups, capgroups;
    uint32_t *slots, mask;
    arch_delta *deltas;
    uint32_t ndeltas, capdeltas;
    /* collect: per group and collected key; the set of (group, key, value)
     * already seen, so each value counts once */
    collected *coll;      /* ngroups * ncollect, grown with groups */
    uint32_t ncollect, capcoll;
    uint64_t *seen;       /* open addressing, entries + 1; 0 = empty */
    uint64_t seen_mask, nseen;
    /* Most collected keys (run_mode, parallelism) have a handful of values in
     * all: numbered in dict, a group's values are bits of its mask and need
     * no trip to the seen set. A key with more than DICT_MAX values moves to
     * the seen set for good. */
    uint32_t dict[MAX_COLLECT][DICT_MAX];
    uint32_t ndict[MAX_COLLECT];
    int large[MAX_COLLECT];
} scratch;

static int scratch_gc(lua_State *L)
{
    scratch *s = lua_touserdata(L, 1);
    cov_free(s->groups);
    cov_free(s->slots);
    cov_free(s->deltas);
    for (uint32_t i = 0; s->coll && i < s->capcoll; i++)
        cov_free(s->coll[i].top);
    cov_free(s->coll);
    cov_free(s->seen);
    memset(s, 0, sizeof *s);
    return 0;
}

static uint32_t key_value(const cov_model *m, const cov_test *t, int kind)
{
    const cov_suffix *sx = t->parsed ? cov_model_suffix(m, t->suffix) : NULL;
    switch (kind) {
    case K_FRAMEWORK: return t->framework;
    case K_FAMILY: return t->family;
    case K_TASK_PATH: return t->task_path;
    case K_VARIANT: return t->parsed ? t->variant : 0;
    case K_MODEL_FRAMEWORK: return t->model_fw;
    case K_LLM_PHASE: return sx ? sx->llm_phase : 0;
    case K_STRATEGY: return sx ? sx->strategy : 0;
    case K_PARALLELISM: return sx ? sx->parallelism : 0;
    case K_MESH: return sx ? sx->mesh : 0;
    case K_EXEC: return sx ? sx->exec : 0;
    case K_RUN_MODE: return sx ? sx->run_mode : 0;
    case K_SEQ: return sx ? (uint32_t)(sx->seq + 1) : 0;
    case K_BATCH: return sx ? (uint32_t)(sx->batch + 1) : 0;
    case K_STATUS: return (uint32_t)cov_test_status(t);
    case K_BRINGUP: return t->f.bringup;
    case K_FILE: return t->source + 1;
    case K_PARSED: return t->parsed;
    case K_HAS_REASON: return t->f.reason != COV_SYM_NONE;
    default: return 0;
    }
}

static void push_key(lua_State *L, const cov_model *m, int kind, uint32_t v)
{
    switch (kind) {
    case K_MODEL_FRAMEWORK:
        if (v)
            lua_pushstring(L, cov_model_framework_name((int)v));
        else
            lua_pushnil(L);
        return;
    case K_SEQ:
    case K_BATCH:
        if (v)
            lua_pushinteger(L, (lua_Integer)v - 1);
        else
            lua_pushnil(L);
        return;
    case K_STATUS: lua_pushstring(L, cov_status_name((int)v)); return;
    case K_BRINGUP:
        if (v)
            lua_pushstring(L, cov_bringup_name((int)v));
        else
            lua_pushnil(L);
        return;
    case K_FILE: lua_pushstring(L, cov_model_source(m, v - 1)->path); return;
    case K_PARSED:
    case K_HAS_REASON: lua_pushboolean(L, v != 0); return;
    default:
        if (v)
            lua_pushlstring(L, cov_model_str(m, v), cov_sym_len(&m->strs, v));
        else
            lua_pushnil(L);
        return;
    }
}

static uint32_t hash_key(const uint32_t *key, int nkeys)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < nkeys; i++)
        h = (h ^ key[i]) * 16777619u + (h >> 15);
    return h * 0x9E3779B1u;
}

static int grow_table(scratch *s)
{
    uint32_t size = s->slots ? (s->mask + 1) * 2 : 1024;
    uint32_t *slots = cov_calloc(size, sizeof *slots);
    if (!slots)
        return -1;
    cov_free(s->slots);
    s->slots = slots;
    s->mask = size - 1;
    return 0;
}

static group *find_group(scratch *s, const uint32_t *key, int nkeys, int *fresh)
{
    *fresh = 0;
    if (!s->slots || (s->ngroups + 1) * 2 > s->mask + 1) {
        if (grow_table(s) < 0)
            return NULL;
        for (uint32_t g = 0; g < s->ngroups; g++) {
            uint32_t j = hash_key(s->groups[g].key, nkeys) & s->mask;
            while (s->slots[j])
                j = (j + 1) & s->mask;
            s->slots[j] = g + 1;
        }
    }
    size_t keybytes = (size_t)nkeys * sizeof *key;
    uint32_t j = hash_key(key, nkeys) & s->mask;
    for (; s->slots[j]; j = (j + 1) & s->mask) {
        group *g = &s->groups[s->slots[j] - 1];
        if (memcmp(g->key, key, keybytes) == 0)
            return g;
    }
    if (s->ngroups == s->capgroups) {
        uint32_t cap = s->capgroups ? s->capgroups * 2 : 256;
        group *more = cov_realloc(s->groups, cap * sizeof *more);
        if (!more)
            return NULL;
        s->groups = more;
        s->capgroups = cap;
    }
    group *g = &s->groups[s->ngroups];
    memset(g, 0, sizeof *g);
    memcpy(g->key, key, keybytes);
    s->slots[j] = ++s->ngroups;
    *fresh = 1;
    return g;
}

static arch_delta *find_delta(scratch *s, group *g, cov_sym arch)
{
    for (uint32_t k = g->arch_head; k; k = s->deltas[k - 1].next)
        if (s->deltas[k - 1].arch == arch)
            return &s->deltas[k - 1];
    if (s->ndeltas == s->capdeltas) {
        uint32_t cap = s->capdeltas ? s->capdeltas * 2 : 64;
        arch_delta *more = cov_realloc(s->deltas, cap * sizeof *more);
        if (!more)
            return NULL;
        s->deltas = more;
        s->capdeltas = cap;
    }
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
    if (!s->seen || (s->nseen + 1) * 2 > s->seen_mask + 1) {
        uint64_t size = s->seen ? (s->seen_mask + 1) * 2 : 1024;
        uint64_t *fresh = cov_calloc((size_t)size, sizeof *fresh);
        if (!fresh)
            return -1;
        for (uint64_t i = 0; s->seen && i <= s->seen_mask; i++) {
            uint64_t k = s->seen[i];
            if (!k)
                continue;
            uint64_t j = (k * 0x9E3779B97F4A7C15ull >> 20) & (size - 1);
            while (fresh[j])
                j = (j + 1) & (size - 1);
            fresh[j] = k;
        }
        cov_free(s->seen);
        s->seen = fresh;
        s->seen_mask = size - 1;
    }
    uint64_t key = (((uint64_t)g << 34) | ((uint64_t)c << 32) | v) + 1;
    uint64_t j = (key * 0x9E3779B97F4A7C15ull >> 20) & s->seen_mask;
    for (; s->seen[j]; j = (j + 1) & s->seen_mask)
        if (s->seen[j] == key)
            return 0;
    s->seen[j] = key;
    s->nseen++;
    return 1;
}

/* Orders values of a key as they read: names by text, numbers by value. */
static int value_cmp(const cov_model *m, int kind, uint32_t a, uint32_t b)
{
    switch (kind) {
    case K_SEQ:
    case K_BATCH:
    case K_STATUS:
    case K_BRINGUP:
    case K_MODEL_FRAMEWORK: return a < b ? -1 : a > b;
    case K_FILE: return strcmp(cov_model_source(m, a - 1)->path, cov_model_source(m, b - 1)->path);
    default: return strcmp(cov_model_str(m, a), cov_model_str(m, b));
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

static void push_counts(lua_State *L, const uint32_t *counts, int n,
                        const char *(*name)(int))
{
    lua_createtable(L, 0, 4);
    for (int i = 1; i < n; i++) {
        if (!counts[i])
            continue;
        lua_pushinteger(L, counts[i]);
        lua_setfield(L, -2, name(i));
    }
}

/*** ds:group(keys [, options]) -> array of groups
 * Aggregates the tests by up to 8 of their properties in one pass in C; rules
 * work on these groups (hundreds) rather than on tests (up to millions). Keys:
 * framework, family, task_path, variant, model_framework, llm_phase, strategy,
 * parallelism, mesh, exec, run_mode, seq, batch, status, bringup_status,
 * file, parsed, has_reason. Each group, in order of first appearance, is
 * `{<key> = value, ..., count = n, status = {NAME = n}, bringup = {NAME = n},
 * arch_status = {arch = {NAME = n}}, first = <test view>}`; `arch_status`
 * gives, for each arch that some test of the group overrides, the effective
 * status counts on that arch (override over entry). Options:
 * `filter = {...}` (as for `ds:tests`) groups only matching tests;
 * `collect = {key, ...}` (up to 4) adds `distinct = {key = n}`, the number of
 * distinct values of each key in the group, and `values = {key = {...}}`, the
 * first `limit` (default 16, at most 64) of them in sorted order.
 */
int cov_lua_group(lua_State *L)
{
    const cov_lua_dataset *ds = luaL_checkudata(L, 1, COV_LUA_DATASET_MT);
    luaL_checktype(L, 2, LUA_TTABLE);
    const cov_model *m = &ds->e->models[ds->d];
    int kinds[MAX_KEYS], nkeys = (int)luaL_len(L, 2);
    if (nkeys < 1 || nkeys > MAX_KEYS)
        return luaL_error(L, "group: give 1 to %d keys", MAX_KEYS);
    for (int k = 0; k < nkeys; k++) {
        lua_rawgeti(L, 2, k + 1);
        const char *name = luaL_checkstring(L, -1);
        kinds[k] = key_kind(name);
        if (kinds[k] < 0)
            return luaL_error(L, "group: unknown key '%s'", name);
        lua_pop(L, 1);
    }
    /* Options: {filter = {...}, collect = {keys}, limit = n}. */
    cov_lua_filter f;
    int collect_kinds[MAX_COLLECT];
    uint32_t ncollect = 0, limit = 16;
    memset(&f, 0, sizeof f);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            lua_pop(L, 1);
            const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
            if (strcmp(k, "filter") && strcmp(k, "collect") && strcmp(k, "limit"))
                return luaL_error(L, "group: unknown option '%s' (known: collect, filter, limit)",
                                  luaL_tolstring(L, -1, NULL));
        }
        lua_getfield(L, 3, "filter");
        cov_lua_filter_read(L, m, -1, &f, "group");
        lua_pop(L, 1);
        if (lua_getfield(L, 3, "limit") != LUA_TNIL) {
            lua_Integer n = luaL_checkinteger(L, -1);
            if (n < 1 || n > MAX_LIMIT)
                return luaL_error(L, "group: 'limit' must be 1 to %d", MAX_LIMIT);
            limit = (uint32_t)n;
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 3, "collect") != LUA_TNIL) {
            luaL_checktype(L, -1, LUA_TTABLE);
            lua_Integer n = luaL_len(L, -1);
            if (n > MAX_COLLECT)
                return luaL_error(L, "group: collect at most %d keys", MAX_COLLECT);
            for (lua_Integer i = 1; i <= n; i++) {
                lua_rawgeti(L, -1, i);
                int kind = key_kind(luaL_checkstring(L, -1));
                if (kind < 0 || kind == K_PARSED || kind == K_HAS_REASON)
                    return luaL_error(L, "group: cannot collect '%s'", lua_tostring(L, -1));
                collect_kinds[ncollect++] = kind;
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }

    scratch *s = lua_newuserdatauv(L, sizeof *s, 0);
    memset(s, 0, sizeof *s);
    if (luaL_newmetatable(L, "covengine.group.scratch")) {
        lua_pushcfunction(L, scratch_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);

    s->ncollect = ncollect;
    const uint32_t *order;
    uint32_t pos, end;
    cov_lua_filter_range(L, ds->e, ds->d, &f, &order, &pos, &end);
    uint32_t key[MAX_KEYS];
    for (; pos < end; pos++) {
        uint32_t i = order ? order[pos] : pos;
        const cov_test *t = cov_model_test(m, i);
        if (!cov_lua_filter_match(&f, t))
            continue;
        for (int k = 0; k < nkeys; k++)
            key[k] = key_value(m, t, kinds[k]);
        int fresh;
        group *g = find_group(s, key, nkeys, &fresh);
        if (!g)
            return cov_lua_nomem(L);
        if (fresh) {
            g->first = i;
            if (grow_collect(s) < 0)
                return cov_lua_nomem(L);
        }
        for (uint32_t c = 0; c < ncollect; c++)
            if (collect(s, m, (uint32_t)(g - s->groups), c, collect_kinds[c],
                        key_value(m, t, collect_kinds[c]), limit) < 0)
                return cov_lua_nomem(L);
        int st = cov_test_status(t);
        g->count++;
        g->status[st]++;
        g->bringup[t->f.bringup]++;
        const cov_override *o = t->n_overrides ? cov_model_overrides(m, t) : NULL;
        for (uint32_t k = 0; k < t->n_overrides; k++) {
            arch_delta *dl = find_delta(s, g, o[k].arch);
            if (!dl)
                return cov_lua_nomem(L);
            if (o[k].f.status && o[k].f.status != st) {
                dl->delta[st]--;
                dl->delta[o[k].f.status]++;
            }
        }
    }

    lua_getfield(L, 1, "test"); /* method used to make the `first` view */
    int test_fn = lua_gettop(L);
    lua_createtable(L, (int)s->ngroups, 0);
    for (uint32_t gi = 0; gi < s->ngroups; gi++) {
        const group *g = &s->groups[gi];
        lua_createtable(L, 0, nkeys + 5);
        for (int k = 0; k < nkeys; k++) {
            push_key(L, m, kinds[k], g->key[k]);
            lua_setfield(L, -2, key_names[kinds[k]]);
        }
        lua_pushinteger(L, g->count);
        lua_setfield(L, -2, "count");
        push_counts(L, g->status, COV_STATUS_COUNT, cov_status_name);
        lua_setfield(L, -2, "status");
        push_counts(L, g->bringup, COV_BRINGUP_COUNT, cov_bringup_name);
        lua_setfield(L, -2, "bringup");
        lua_newtable(L);
        for (uint32_t k = g->arch_head; k; k = s->deltas[k - 1].next) {
            const arch_delta *dl = &s->deltas[k - 1];
            uint32_t eff[COV_STATUS_COUNT];
            for (int st = 0; st < COV_STATUS_COUNT; st++)
                eff[st] = (uint32_t)((int64_t)g->status[st] + dl->delta[st]);
            push_counts(L, eff, COV_STATUS_COUNT, cov_status_name);
            lua_setfield(L, -2, cov_model_str(m, dl->arch));
        }
        lua_setfield(L, -2, "arch_status");
        if (ncollect) {
            lua_createtable(L, 0, (int)ncollect); /* distinct */
            lua_createtable(L, 0, (int)ncollect); /* values */
            for (uint32_t c = 0; c < ncollect; c++) {
                const collected *cl = &s->coll[(size_t)gi * ncollect + c];
                const char *name = key_names[collect_kinds[c]];
                lua_pushinteger(L, cl->distinct);
                lua_setfield(L, -3, name);
                lua_createtable(L, (int)cl->n, 0);
                for (uint32_t k = 0; k < cl->n; k++) {
                    push_key(L, m, collect_kinds[c], cl->top[k]);
                    lua_rawseti(L, -2, (lua_Integer)k + 1);
                }
                lua_setfield(L, -2, name);
            }
            lua_setfield(L, -3, "values");
            lua_setfield(L, -2, "distinct");
        }
        lua_pushvalue(L, test_fn);
        lua_pushvalue(L, 1);
        lua_pushinteger(L, (lua_Integer)g->first + 1);
        lua_call(L, 2, 1);
        lua_setfield(L, -2, "first");
        lua_rawseti(L, -2, (lua_Integer)gi + 1);
    }
    return 1;
}
