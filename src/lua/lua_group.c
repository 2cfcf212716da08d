/* ds:group: tests aggregated in C (aggregate.c) and handed to Lua as one
 * table per group. Rules and reports work on these groups (hundreds or
 * thousands) instead of on tests (up to millions). */
#include "lua/lua_group.h"

#include "base/alloc.h"
#include "base/map.h"
#include "lua/lua_filter.h"
#include "lua/lua_model.h"
#include "lua/sandbox.h"
#include "model/aggregate.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#define AGG_MT "covengine.group.aggregate"

/* An aggregate built for one call, owned by a userdata so that a Lua error
 * half-way frees it. */
typedef struct holder {
    cov_agg *agg;
} holder;

static int holder_gc(lua_State *L)
{
    holder *h = lua_touserdata(L, 1);
    cov_agg_free(h->agg);
    h->agg = NULL;
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

/* Reads the keys list at index i into kinds; returns how many. */
static int read_keys(lua_State *L, int i, int *kinds, int max, const char *what)
{
    int n = (int)luaL_len(L, i);
    if (n > max)
        return luaL_error(L, "group: give at most %d %s", max, what);
    for (int k = 0; k < n; k++) {
        lua_rawgeti(L, i, k + 1);
        const char *name = luaL_checkstring(L, -1);
        kinds[k] = cov_agg_key_kind(name);
        if (kinds[k] < 0)
            return luaL_error(L, "group: unknown key '%s'", name);
        lua_pop(L, 1);
    }
    return n;
}

/* The computed fields of a group a caller may ask for (option `fields`);
 * keys and count are always there, distinct and values come with collect. */
enum {
    F_STATUS = 1 << 0,
    F_BRINGUP = 1 << 1,
    F_REACH = 1 << 2,
    F_ARCH_STATUS = 1 << 3,
    F_FIRST = 1 << 4,
    F_ALL = (1 << 5) - 1
};
static const char *const FIELD_NAMES[] = {"status",      "bringup", "reach",
                                          "arch_status", "first",   NULL};

/* Pushes the array of group tables of a (see the doc comment below), with
 * the computed fields in the mask `fields`. */
static void push_groups(lua_State *L, const cov_model *m, const cov_agg *a,
                        const int *kinds, int nkeys, const int *collect, int ncollect,
                        uint32_t limit, const cov_sym *arches, uint32_t narches, int fields)
{
    uint32_t n = cov_agg_groups(a);
    lua_createtable(L, (int)n, 0);
    for (uint32_t gi = 0; gi < n; gi++) {
        const cov_agg_group *g = cov_agg_group_at(a, gi);
        /* keys, count, status, bringup, reach, arch_status, distinct,
         * values, first: sized once, no rehash while filling. */
        lua_createtable(L, 0, nkeys + 8);
        for (int k = 0; k < nkeys; k++) {
            cov_lua_push_prop(L, m, kinds[k], g->key[k]);
            lua_setfield(L, -2, cov_agg_key_name(kinds[k]));
        }
        lua_pushinteger(L, g->count);
        lua_setfield(L, -2, "count");
        if (fields & F_STATUS) {
            push_counts(L, g->status, COV_STATUS_COUNT, cov_status_name);
            lua_setfield(L, -2, "status");
        }
        if (fields & F_BRINGUP) {
            push_counts(L, g->bringup, COV_BRINGUP_COUNT, cov_bringup_name);
            lua_setfield(L, -2, "bringup");
        }
        if (fields & F_REACH) {
            push_counts(L, g->reach, COV_STATUS_COUNT, cov_status_name);
            lua_setfield(L, -2, "reach");
        }
        if (fields & F_ARCH_STATUS) {
            lua_newtable(L);
            uint32_t cursor = 0, eff[COV_STATUS_COUNT];
            cov_sym arch;
            if (cov_agg_differs_elsewhere(g)) {
                /* Some test runs only where it is named: every arch differs. */
                for (uint32_t k = 0; k < narches; k++) {
                    cov_agg_arch_counts(a, g, arches[k], eff);
                    push_counts(L, eff, COV_STATUS_COUNT, cov_status_name);
                    lua_setfield(L, -2, cov_model_str(m, arches[k]));
                }
            } else {
                while (cov_agg_next_arch(a, g, &cursor, &arch, eff)) {
                    push_counts(L, eff, COV_STATUS_COUNT, cov_status_name);
                    lua_setfield(L, -2, cov_model_str(m, arch));
                }
            }
            lua_setfield(L, -2, "arch_status");
        }
        if (ncollect) {
            lua_createtable(L, 0, ncollect); /* distinct */
            lua_createtable(L, 0, ncollect); /* values */
            for (int c = 0; c < ncollect; c++) {
                const uint32_t *values;
                uint32_t nv, distinct = cov_agg_collected(a, gi, c, &values, &nv);
                if (nv > limit)
                    nv = limit; /* a standing aggregate may keep more */
                const char *name = cov_agg_key_name(collect[c]);
                lua_pushinteger(L, distinct);
                lua_setfield(L, -3, name);
                lua_createtable(L, (int)nv, 0);
                for (uint32_t k = 0; k < nv; k++) {
                    cov_lua_push_prop(L, m, collect[c], values[k]);
                    lua_rawseti(L, -2, (lua_Integer)k + 1);
                }
                lua_setfield(L, -2, name);
            }
            lua_setfield(L, -3, "values");
            lua_setfield(L, -2, "distinct");
        }
        if (fields & F_FIRST) {
            cov_lua_push_test(L, 1, g->first);
            lua_setfield(L, -2, "first");
        }
        lua_rawseti(L, -2, (lua_Integer)gi + 1);
    }
}

/*** ds:group(keys [, options]) -> array of groups
 * Aggregates the tests by up to 8 of their properties in one pass in C; rules
 * work on these groups (hundreds) rather than on tests (up to millions). Keys:
 * framework, family, task_path, variant, model_framework, llm_phase, strategy,
 * parallelism, mesh, exec, run_mode, seq, batch, status (the summary status,
 * see test views), entry_status (the entry's own), bringup_status, file,
 * parsed, has_reason, and from the tt-forge-models loader variant a test
 * joined to: source, group, checkpoint, loader (its path; nil for a test that
 * names none). Each group, in order of first appearance, is
 * `{<key> = value, ..., count = n, status = {NAME = n}, bringup = {NAME = n},
 * reach = {NAME = n}, arch_status = {arch = {NAME = n}}, first = <test view>}`.
 * `status` counts the tests by summary status; `reach` counts, for each
 * status, the tests that have it on some arch they run on (a test counts
 * under each status it has somewhere, so "some test runs" is a question of
 * `reach` alone); `arch_status` gives, for each arch on which the group's
 * counts may differ from `status` (an arch some test of the group names in
 * `supported_archs` or `arch_overrides`; every arch of `ds:arches()` when
 * some test runs only where it is named), the effective status counts of the
 * tests that run there (see `t:status_on`). Options:
 * `filter = {...}` (as for `ds:tests`) groups only matching tests;
 * `collect = {key, ...}` (up to 4) adds `distinct = {key = n}`, the number of
 * distinct values of each key in the group, and `values = {key = {...}}`, the
 * first `limit` (default 16, at most 64) of them in sorted order;
 * `fields = {name, ...}` makes only those of `status`, `bringup`, `reach`,
 * `arch_status` and `first` (default: all five; the keys and `count` are
 * always there): a caller that reads two fields of a thousand groups does
 * not pay for the tables of the other three.
 */
static int ds_group(lua_State *L)
{
    const cov_lua_dataset *ds = cov_lua_check_dataset(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    cov_model *m = cov_lua_handle(ds)->model;
    int kinds[COV_AGG_MAX_KEYS], collect[COV_AGG_MAX_COLLECT];
    int nkeys = read_keys(L, 2, kinds, COV_AGG_MAX_KEYS, "keys"), ncollect = 0;
    if (nkeys < 1)
        return luaL_error(L, "group: give 1 to %d keys", COV_AGG_MAX_KEYS);

    /* Options: {filter = {...}, collect = {keys}, limit = n}. */
    cov_lua_filter f;
    uint32_t limit = COV_AGG_DEFAULT_LIMIT;
    int filtered = 0, fields = F_ALL;
    memset(&f, 0, sizeof f);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            lua_pop(L, 1);
            const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
            if (strcmp(k, "filter") && strcmp(k, "collect") && strcmp(k, "limit") &&
                strcmp(k, "fields"))
                return luaL_error(
                    L,
                    "group: unknown option '%s' (known: collect, fields, filter, "
                    "limit)",
                    luaL_tolstring(L, -1, NULL));
        }
        filtered = lua_getfield(L, 3, "filter") != LUA_TNIL;
        cov_lua_filter_read(L, m, -1, &f, "group");
        lua_pop(L, 1);
        if (lua_getfield(L, 3, "limit") != LUA_TNIL) {
            lua_Integer n = luaL_checkinteger(L, -1);
            if (n < 1 || n > COV_AGG_MAX_LIMIT)
                return luaL_error(L, "group: 'limit' must be 1 to %d", COV_AGG_MAX_LIMIT);
            limit = (uint32_t)n;
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 3, "fields") != LUA_TNIL) {
            luaL_checktype(L, -1, LUA_TTABLE);
            fields = 0;
            lua_Integer n = luaL_len(L, -1);
            for (lua_Integer i = 1; i <= n; i++) {
                lua_rawgeti(L, -1, i);
                const char *name =
                    lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
                int which = 0;
                while (FIELD_NAMES[which] && strcmp(FIELD_NAMES[which], name))
                    which++;
                if (!FIELD_NAMES[which])
                    return luaL_error(L,
                                      "group: 'fields' names '%s' (known: status, bringup, "
                                      "reach, arch_status, first)",
                                      luaL_tolstring(L, -1, NULL));
                fields |= 1 << which;
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 3, "collect") != LUA_TNIL) {
            luaL_checktype(L, -1, LUA_TTABLE);
            ncollect =
                read_keys(L, lua_gettop(L), collect, COV_AGG_MAX_COLLECT, "collect keys");
            for (int c = 0; c < ncollect; c++)
                if (!cov_agg_collectable(collect[c]))
                    return luaL_error(L, "group: cannot collect '%s'",
                                      cov_agg_key_name(collect[c]));
        }
        lua_pop(L, 1);
    }

    /* The dataset's arches, asked first: failing here leaves nothing to free. */
    uint32_t narches;
    const cov_sym *arches = cov_model_arches(m, &narches);
    if (narches == UINT32_MAX)
        return cov_lua_nomem(L);

    /* The loader keeps the default rules' query up to date as it reads. */
    const cov_agg *a = cov_model_standing(m);
    holder *h = NULL;
    if (filtered || !cov_agg_matches(a, kinds, nkeys, collect, ncollect, limit)) {
        h = lua_newuserdatauv(L, sizeof *h, 0);
        h->agg = NULL;
        if (luaL_newmetatable(L, AGG_MT)) {
            lua_pushcfunction(L, holder_gc);
            lua_setfield(L, -2, "__gc");
        }
        lua_setmetatable(L, -2);
        if (!(h->agg = cov_agg_new(kinds, nkeys, collect, ncollect, limit)))
            return cov_lua_nomem(L);
        const uint32_t *order;
        uint32_t pos, end;
        cov_lua_filter_range(L, cov_lua_ds_ctx(ds), ds->d, &f, &order, &pos, &end);
        for (; pos < end; pos++) {
            uint32_t i = order ? order[pos] : pos;
            if (cov_lua_filter_match(&f, cov_model_test(m, i)) &&
                cov_agg_add(h->agg, m, i) != COV_OK)
                return cov_lua_nomem(L);
        }
        a = h->agg;
    }
    int gc_was_on = lua_gc(L, LUA_GCISRUNNING);
    lua_gc(L, LUA_GCSTOP);
    push_groups(L, m, a, kinds, nkeys, collect, ncollect, limit, arches, narches, fields);
    if (gc_was_on)
        lua_gc(L, LUA_GCRESTART);
    /* Freed now rather than by __gc, which lua_close cannot run once memory
     * is exhausted (the holder's finalizer stays for errors on the way). */
    if (h) {
        cov_agg_free(h->agg);
        h->agg = NULL;
    }
    return 1;
}

/* A value and its text, for sorting names without the model. */
typedef struct named_value {
    const char *text;
    uint32_t v;
} named_value;

static int named_cmp(const void *a, const void *b)
{
    const named_value *x = a, *y = b;
    if (x->text && y->text)
        return strcmp(x->text, y->text);
    return x->v < y->v ? -1 : x->v > y->v;
}

/*** ds:values(key [, filter]) -> array
 * The distinct values of one of the `ds:group` keys among the tests matching
 * `filter` (as for `ds:tests`), sorted (names by text, numbers by value),
 * absent values left out. Much cheaper than `ds:group` when only the values
 * matter: no table per value.
 */
static int ds_values(lua_State *L)
{
    const cov_lua_dataset *ds = cov_lua_check_dataset(L, 1);
    const char *name = luaL_checkstring(L, 2);
    int kind = cov_agg_key_kind(name);
    if (kind < 0)
        return luaL_error(L, "values: unknown key '%s'", name);
    cov_model *m = cov_lua_handle(ds)->model;
    cov_lua_filter f;
    cov_lua_filter_read(L, m, 3, &f, "values");
    const uint32_t *order;
    uint32_t pos, end;
    cov_lua_filter_range(L, cov_lua_ds_ctx(ds), ds->d, &f, &order, &pos, &end);
    /* The distinct values (never 0) in the order met: room for every test
     * in range in memory that belongs to Lua, so an error frees it; the
     * index over them is the engine's and freed before Lua allocates. */
    uint32_t *vals =
        lua_newuserdatauv(L, (size_t)(end > pos ? end - pos : 1) * sizeof *vals, 0);
    cov_index ix = {0};
    uint32_t n = 0;
    int type = cov_prop(kind)->type, boolean = type == COV_PT_BOOL;
    for (; pos < end; pos++) {
        uint32_t i = order ? order[pos] : pos;
        const cov_test *t = cov_model_test(m, i);
        if (!cov_lua_filter_match(&f, t))
            continue;
        uint32_t v = cov_prop_value(m, t, kind);
        if (boolean)
            v++; /* false is a value too: never 0 in the table */
        if (!v)
            continue;
        cov_index_cursor c = cov_index_probe(&ix, v * 2654435761u);
        const uint32_t *e;
        while ((e = cov_index_next(&ix, &c)) && vals[*e] != v)
            ;
        if (e)
            continue;
        if (cov_index_add(&ix, &c, n) < 0) {
            cov_index_free(&ix);
            return cov_lua_nomem(L);
        }
        vals[n++] = v;
    }
    cov_index_free(&ix);
    named_value *list = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *list, 0);
    int names = type == COV_PT_SYM || type == COV_PT_PATH;
    for (uint32_t k = 0; k < n; k++) {
        const char *text = NULL;
        if (type == COV_PT_FILE)
            text = cov_model_source(m, vals[k] - 1)->path;
        else if (names)
            text = cov_model_str(m, vals[k]);
        list[k] = (named_value){text, vals[k]};
    }
    qsort(list, n, sizeof *list, named_cmp);
    lua_createtable(L, (int)n, 0);
    for (uint32_t j = 0; j < n; j++) {
        if (boolean)
            lua_pushboolean(L, list[j].v > 1);
        else
            cov_lua_push_prop(L, m, kind, list[j].v);
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    return 1;
}

void cov_lua_group_init(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"group", ds_group}, {"values", ds_values}, {NULL, NULL}};
    luaL_getmetatable(L, COV_LUA_DATASET_MT);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, methods, 0);
    lua_pop(L, 2);
}
