/* Read-only Lua views of a dataset (cov_model) and of its tests. */
#ifndef COV_LUA_MODEL_H
#define COV_LUA_MODEL_H

#include "covengine.h"
#include "lua/run_ctx.h"

#include <lua.h>

/* Where every view reaches its run context: the first member of a full
 * userdata, the owner, that each view keeps alive. A host whose context can
 * go away while views are still reachable (the stock-Lua module's engine,
 * closed by its __gc in any finalizer order) sets ctx to NULL then; every
 * entry point of a view checks it first (cov_lua_ctx). */
typedef struct cov_lua_ctx_slot {
    cov_run_ctx *ctx;
} cov_lua_ctx_slot;

/* The userdata behind a dataset object. */
typedef struct cov_lua_dataset {
    cov_lua_ctx_slot *slot;
    cov_dataset d;
} cov_lua_dataset;

#define COV_LUA_DATASET_MT "covengine.dataset"

/* The run context behind slot; raises "covengine: engine is closed" once
 * the host has cleared it. */
cov_run_ctx *cov_lua_ctx(lua_State *L, const cov_lua_ctx_slot *slot);

/* The dataset object at stack index i, whose run context is open (else a
 * Lua error). */
cov_lua_dataset *cov_lua_check_dataset(lua_State *L, int i);

/* The run context of a dataset object checked by cov_lua_check_dataset. */
static inline cov_run_ctx *cov_lua_ds_ctx(const cov_lua_dataset *ds)
{
    return ds->slot->ctx;
}

/* The handle of a dataset object checked by cov_lua_check_dataset. */
static inline cov_dataset_handle *cov_lua_handle(const cov_lua_dataset *ds)
{
    return &cov_lua_ds_ctx(ds)->data[ds->d];
}

/* Pushes a dataset object (a cov_lua_dataset) for dataset d of the run
 * context in the slot (a cov_lua_ctx_slot at the start of a full userdata)
 * at stack index slot_index; the object keeps that userdata alive. */
void cov_lua_push_dataset(lua_State *L, int slot_index, cov_dataset d);

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
