/* Read-only Lua views of a dataset (cov_model) and of its tests. */
#ifndef COV_LUA_MODEL_H
#define COV_LUA_MODEL_H

#include "covengine.h"

#include <lua.h>

/* The userdata behind a dataset object. */
typedef struct cov_lua_dataset {
    cov_engine *e;
    cov_dataset d;
} cov_lua_dataset;

#define COV_LUA_DATASET_MT "covengine.dataset"

/* Pushes a dataset object for dataset d of engine e. owner_index (0 = none)
 * is a stack index of a value every view keeps alive with the engine. */
void cov_lua_push_dataset(lua_State *L, cov_engine *e, cov_dataset d, int owner_index);

/* Pushes a view of test i of the dataset object at dataset_index. */
void cov_lua_push_test(lua_State *L, int dataset_index, uint32_t i);

/* Registers the metatables; call once per state before pushing datasets. */
void cov_lua_model_init(lua_State *L);

#endif
