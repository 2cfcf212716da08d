/* The filter tables ds:tests{...} and ds:group(keys, {filter = ...}) take:
 * the properties test_props.h gives a filter place, exact names looked up
 * once as symbols, matched per test with ==. */
#ifndef COV_LUA_FILTER_H
#define COV_LUA_FILTER_H

#include "lua/run_ctx.h"
#include "model/test_props.h"

#include <lua.h>

typedef struct cov_lua_filter {
    const cov_model *m;
    int n;                              /* keys given */
    int kind[COV_PROP_MAX_FILTER];      /* their properties (test_props.h) */
    uint32_t want[COV_PROP_MAX_FILTER]; /* the value each must have */
    int has_family;
    cov_sym family; /* the family asked for (the family index serves it) */
    int impossible; /* a name the model never saw: nothing matches */
} cov_lua_filter;

/* Reads the filter table at index t (none or nil: match all); an unknown
 * key raises "<what>: unknown filter key ...". `task_path = false` matches
 * the tests without a task path. */
void cov_lua_filter_read(lua_State *L, const cov_model *m, int t, cov_lua_filter *f,
                         const char *what);

int cov_lua_filter_match(const cov_lua_filter *f, const cov_test *t);

/* The tests to scan for f: with a family, that family's run of the family
 * index (*order set); otherwise all tests (*order NULL). Positions are
 * [*pos, *end). Raises on OOM. */
void cov_lua_filter_range(lua_State *L, cov_run_ctx *c, cov_dataset d,
                          const cov_lua_filter *f, const uint32_t **order, uint32_t *pos,
                          uint32_t *end);

#endif
