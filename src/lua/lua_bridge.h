/* The `covengine` Lua module over a run context, and running rule scripts. */
#ifndef COV_LUA_BRIDGE_H
#define COV_LUA_BRIDGE_H

#include "covengine.h"
#include "lua/lua_model.h"
#include "lua/run_ctx.h"

#include <lua.h>

/* Runs a rule script in run context c: from path when buf is NULL, else
 * buf[0..len) named name. Creates a fresh Lua state with c's limits and
 * sandbox, makes require "covengine" return the module, passes argv as `...`
 * and cov.args. Returns COV_OK, COV_EGATE, or an error code with *err filled
 * (a rule error carries the Lua message and traceback). On COV_OK and
 * COV_EGATE (not in a settings pass) *report is what the script emitted,
 * NUL-terminated, *report_len bytes, owned by the caller (cov_free); else
 * NULL. */
int cov_bridge_run(cov_run_ctx *c, const char *name, const char *buf, size_t len, int argc,
                   const char *const *argv, char **report, size_t *report_len,
                   cov_error *err);

/* Pushes the covengine module table over run context c onto L's stack.
 * owner_index, if not 0, is a stack index of a full userdata starting with
 * a cov_lua_ctx_slot that points at c (the Lua C module's engine); every
 * function and object the module hands out keeps it alive and reaches c
 * through it, so the host closes c by clearing the slot, and calls after
 * that raise "covengine: engine is closed". With 0 the module makes a slot
 * of its own (c outlives the state). Returns 1 (values pushed). */
int cov_bridge_push_module(lua_State *L, cov_run_ctx *c, int owner_index);

/* Adds the searcher for the engine's embedded Lua modules
 * (require "covengine.alias") to package.searchers, after preload. */
void cov_lua_add_embedded_searcher(lua_State *L);

#endif
