/* luaopen_covengine: the engine as a C module for stock lua5.4, so a plain
 * Lua script can `require "covengine"`, load data, run rules and read the
 * report. The module owns one engine (a userdata with __gc); every object it
 * hands out keeps that userdata alive. An embedder of the public API like
 * the CLI, hence in src/api: only the module table comes from the Lua layer,
 * pushed over the engine's run context.
 *
 * Finalizers run in any order (lua_close calls the engine's __gc before
 * those of tables that still use the module), and a script can call __gc by
 * hand: closing clears the slot every view reaches the run context through
 * and then frees the engine, so a call after close is the Lua error
 * "covengine: engine is closed", never a read of freed memory. */
#include "api/engine.h"
#include "covengine.h"
#include "lua/lua_bridge.h"
#include "lua/lua_model.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#define ENGINE_MT "covengine.engine"

typedef struct lengine {
    cov_lua_ctx_slot slot; /* first: the module's views reach e->run here */
    cov_engine *e;
} lengine;

static int engine_gc(lua_State *L)
{
    lengine *le = luaL_checkudata(L, 1, ENGINE_MT);
    le->slot.ctx = NULL;
    cov_engine_free(le->e);
    le->e = NULL;
    return 0;
}

/* The engine of a module function (upvalue 1), or the error that it is
 * closed. */
static cov_engine *engine_of(lua_State *L)
{
    lengine *le = luaL_checkudata(L, lua_upvalueindex(1), ENGINE_MT);
    if (!le->e)
        luaL_error(L, "covengine: engine is closed");
    return le->e;
}

/* Warnings go to stderr unless the script installs cov.on_warning. */
static void print_warning(void *ud, const cov_error *w)
{
    (void)ud;
    char buf[2200];
    fprintf(stderr, "covengine: warning: %s\n", cov_error_format(w, buf, sizeof buf));
}

/*** @section Stock Lua only
 * In lua5.4 with the C module (`require "covengine"` finding covengine.so),
 * the module owns an engine of its own, empty at first. Every dataset, test
 * view and function of the module keeps it alive; once it is closed all the
 * same (by `lua_close`, whose finalizers run in any order, or its `__gc`
 * called by hand), each of them raises "covengine: engine is closed". The
 * module adds:
 */

/*** cov.run(rules_path [, args...]) -> report [, gate_failure]
 * Runs a rule script over this module's datasets in a fresh Lua state, as
 * the CLI does, and returns its report; a failed gate comes back as a second
 * value. Raises on a rule error.
 */
static int mod_run(lua_State *L)
{
    cov_engine *e = engine_of(L);
    const char *path = luaL_checkstring(L, 1);
    int argc = lua_gettop(L) - 1;
    const char **argv = lua_newuserdatauv(L, sizeof *argv * (size_t)(argc + 1), 0);
    for (int i = 0; i < argc; i++)
        argv[i] = luaL_checkstring(L, i + 2);
    cov_error err;
    int rc = cov_run_rules(e, path, argc, argv, &err);
    if (rc != COV_OK && rc != COV_EGATE) {
        char buf[2200];
        lua_pushstring(L, cov_error_format(&err, buf, sizeof buf));
        return lua_error(L);
    }
    size_t len;
    const char *text = cov_report(e, &len);
    lua_pushlstring(L, text, len);
    if (rc == COV_EGATE) {
        lua_pushstring(L, err.message);
        return 2;
    }
    return 1;
}

/*** cov.set_option(name, value)
 * Sets (or with nil removes) an option the rules see in `cov.options`.
 */
static int mod_set_option(lua_State *L)
{
    cov_engine *e = engine_of(L);
    const char *name = luaL_checkstring(L, 1);
    const char *value = luaL_optstring(L, 2, NULL);
    if (cov_engine_set_option(e, name, value) != COV_OK)
        return luaL_error(L, "out of memory");
    return 0;
}

/*** cov.set_sandbox(on)
 * Whether `cov.run` runs rules in the sandbox (default: on).
 */
static int mod_set_sandbox(lua_State *L)
{
    cov_engine_set_sandbox(engine_of(L), lua_toboolean(L, 1));
    return 0;
}

/*** cov.default_rules() -> path | nil
 * The rule script the CLI runs when given none (first `phases.lua` in
 * `$COVENGINE_PATH`, else the installed one), or nil and the path tried.
 */
static int mod_default_rules(lua_State *L)
{
    char buf[4096];
    if (cov_default_rules(buf, sizeof buf) != COV_OK) {
        lua_pushnil(L);
        lua_pushstring(L, buf);
        return 2;
    }
    lua_pushstring(L, buf);
    return 1;
}

__attribute__((visibility("default"))) int luaopen_covengine(lua_State *L);

int luaopen_covengine(lua_State *L)
{
    lengine *le = lua_newuserdatauv(L, sizeof *le, 0);
    le->slot.ctx = NULL;
    le->e = NULL;
    if (luaL_newmetatable(L, ENGINE_MT)) {
        lua_pushcfunction(L, engine_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    le->e = cov_engine_new();
    if (!le->e)
        return luaL_error(L, "out of memory creating the covengine engine");
    cov_engine_set_warning_handler(le->e, print_warning, NULL);
    le->slot.ctx = &le->e->run;
    int owner = lua_gettop(L);
    cov_bridge_push_module(L, &le->e->run, owner);
    static const luaL_Reg fns[] = {{"run", mod_run},
                                   {"set_option", mod_set_option},
                                   {"set_sandbox", mod_set_sandbox},
                                   {"default_rules", mod_default_rules},
                                   {NULL, NULL}};
    lua_pushvalue(L, owner);
    luaL_setfuncs(L, fns, 1);
    /* require "covengine.alias" etc. find the engine's own Lua files. */
    cov_lua_add_embedded_searcher(L);
    /* The module table keeps the engine alive as long as it is reachable. */
    lua_pushvalue(L, owner);
    lua_setfield(L, -2, "_engine");
    return 1;
}
