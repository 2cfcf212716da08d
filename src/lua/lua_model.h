/* Read-only Lua views of a dataset (cov_model) and of its tests. */
#ifndef COV_LUA_MODEL_H
#define COV_LUA_MODEL_H

#include "covengine.h"
#include "lua/run_ctx.h"

#include <lua.h>

/* The userdata behind a dataset object. */
typedef struct cov_lua_dataset {
    cov_run_ctx *ctx;
    cov_dataset d;
} cov_lua_dataset;

#define COV_LUA_DATASET_MT "covengine.dataset"

/* The handle of dataset object ds. */
static inline cov_dataset_handle *cov_lua_handle(const cov_lua_dataset *ds)
{
    return &ds->ctx->data[ds->d];
}

/* Pushes a dataset object (a cov_lua_dataset) for dataset d of run context
 * c. owner_index (0 = none) is a stack index of a value every view keeps
 * alive with the context. */
void cov_lua_push_dataset(lua_State *L, cov_run_ctx *c, cov_dataset d, int owner_index);

/* Pushes a view of test i of the dataset object at dataset_index. */
void cov_lua_push_test(lua_State *L, int dataset_index, uint32_t i);

/* Pushes value v of property kind (test_props.h) as test views and groups
 * show it: a string, number or boolean, a list as an array; nil when
 * absent. */
void cov_lua_push_prop(lua_State *L, const cov_model *m, int kind, uint32_t v);

/* Registers the metatables; call once per state before pushing datasets.
 * Other modules add dataset methods after it (cov_lua_group_init). */
void cov_lua_model_init(lua_State *L);

#endif
