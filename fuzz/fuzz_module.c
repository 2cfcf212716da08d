/* The stock-Lua module (src/api/luaopen.c, `require "covengine"` in lua5.4)
 * driven by a sequence of operations, one per input byte, in one Lua state
 * with the safe standard libraries (no io, os, package loaders or load of
 * files): loading the module, dropping and collecting it, finalizers that
 * call into it, the engine's __gc called by hand, loads from text (the
 * input's bytes after the first 0xff are the YAML), queries, tests held
 * across collections, coroutines, and closing the state at any point. Any
 * Lua error is fine; the findings are crashes, use after free and leaks in
 * whatever order the objects die. Every snippet runs under an instruction
 * hook, so each input stays short. */
#include "fuzz.h"

#include <lauxlib.h>
#include <lualib.h>

int luaopen_covengine(lua_State *L);

#define FUZZ_MODULE_OPS 48
#define FUZZ_MODULE_COUNT 200000

static const char *const ops[] = {
    "c = require 'covengine'",
    "c = nil; package.loaded.covengine = nil",
    "collectgarbage()",
    "g = setmetatable({}, {__gc = function() if c then pcall(c.dataset('head').count,"
    " c.dataset('head')) end end}); g = nil",
    "local e = c._engine; getmetatable(e).__gc(e)",
    "c.dataset('head'):load_config_string('jax/test_config_fuzz.yaml', YAML, 'jax')",
    "c.dataset('base'):load_config_string('jax/test_config_base.yaml', FIXED, 'jax')",
    "n = c.dataset('head'):count()",
    "t = c.dataset('head'):tests()[1]",
    "if t then s = t.id .. tostring(t.status) .. tostring(t.reason) end",
    "d = c.dataset('head'):dump()",
    "c.set_option('format', 'json')",
    "c.set_sandbox(false); c.set_sandbox(true)",
    "grp = c.dataset('head'):group('family')",
    "co = coroutine.wrap(function() local ds = c.dataset('head'); "
    "coroutine.yield(ds:count());"
    " return ds:count() end); co()",
    "if co then pcall(co) end",
    "c.dataset('head'):load_easydel_string('m.json', '{\"modules\": [\"llama\"]}')",
    "j = c.json.encode({a = {1, 2, 'x'}, [\"k\\0z\"] = c.json.array{}}); c.json.decode(j)",
    "w = c.distance('llama', 'lama')",
    "c.warn('fuzz', 'a\\nb:1')",
    "hold = setmetatable({c}, {__mode = 'v'})",
    "for _, x in ipairs(c.dataset('head'):tests()) do local _ = x.family end",
    "c.dataset('head'):load_config_string('jax/test_config_fuzz.yaml', YAML, 'jax')",
};
#define N_OPS (sizeof ops / sizeof *ops)

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    luaL_error(L, "instruction budget");
}

static const char fixed[] = "test_config:\n  llama/jax-single_device-inference:\n"
                            "    status: EXPECTED_PASSING\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, 0xff, size);
    size_t nops = sep ? (size_t)(sep - data) : size;
    const char *yaml = sep ? (const char *)sep + 1 : "";
    size_t ylen = sep ? size - nops - 1 : 0;
    if (nops > FUZZ_MODULE_OPS)
        nops = FUZZ_MODULE_OPS;

    lua_State *L = luaL_newstate();
    if (!L)
        return 0;
    static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},
                                    {LUA_LOADLIBNAME, luaopen_package},
                                    {LUA_COLIBNAME, luaopen_coroutine},
                                    {LUA_TABLIBNAME, luaopen_table},
                                    {LUA_STRLIBNAME, luaopen_string},
                                    {LUA_MATHLIBNAME, luaopen_math},
                                    {NULL, NULL}};
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    /* No files: only the module itself can be required. */
    luaL_dostring(L, "dofile, loadfile, load = nil, nil, nil\n"
                     "package.searchers = {package.searchers[1]}\n"
                     "package.path, package.cpath, package.loadlib = '', '', nil\n");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_covengine);
    lua_setfield(L, -2, "covengine");
    lua_pop(L, 1);
    lua_pushlstring(L, yaml, ylen);
    lua_setglobal(L, "YAML");
    lua_pushstring(L, fixed);
    lua_setglobal(L, "FIXED");

    for (size_t i = 0; i < nops; i++) {
        unsigned op = data[i] % (N_OPS + 1);
        if (op == N_OPS) /* close with everything alive */
            break;
        lua_sethook(L, count_hook, LUA_MASKCOUNT, FUZZ_MODULE_COUNT);
        if (luaL_loadstring(L, ops[op]) == LUA_OK)
            lua_pcall(L, 0, 0, 0);
        lua_settop(L, 0);
        lua_sethook(L, NULL, 0, 0);
    }
    lua_close(L);
    return 0;
}
