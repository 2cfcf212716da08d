/* The `covengine` Lua module over an engine, and running rule scripts. */
#ifndef COV_LUA_BRIDGE_H
#define COV_LUA_BRIDGE_H

#include "covengine.h"

#include <lua.h>

/* Runs a rule script: from path when buf is NULL, else buf[0..len) named
 * name. Creates a fresh Lua state with the engine's limits and sandbox,
 * makes require "covengine" return the module, passes argv as `...` and
 * cov.args, and stores what the script emitted as the engine's report.
 * Returns COV_OK, COV_EGATE, or an error code with *err filled (a rule error
 * carries the Lua message and traceback). */
int cov_bridge_run(cov_engine *e, const char *name, const char *buf, size_t len, int argc,
                   const char *const *argv, cov_error *err);

/* Pushes the covengine module table for engine e onto L's stack.
 * owner_index, if not 0, is a stack index of a value that keeps e alive (the
 * Lua C module's engine userdata); every object the module hands out keeps a
 * reference to it. Returns 1 (values pushed). */
int cov_bridge_push_module(lua_State *L, cov_engine *e, int owner_index);

/* Adds the searcher for the engine's embedded Lua modules
 * (require "covengine.alias") to package.searchers, after preload. */
void cov_lua_add_embedded_searcher(lua_State *L);

/* Raises Lua's own memory error for an allocation outside Lua that failed.
 * lua_error turns Lua's "not enough memory" message into a LUA_ERRMEM, so
 * the run ends in COV_ENOMEM as when Lua's allocator fails, not in a rule
 * error; the string is preallocated, so raising it allocates nothing. */
static inline int cov_lua_nomem(lua_State *L)
{
    lua_pushliteral(L, "not enough memory");
    return lua_error(L);
}

/* The report buffer of a running script; NULL outside cov_bridge_run. */
typedef struct cov_run cov_run;

#endif
