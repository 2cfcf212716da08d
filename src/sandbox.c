#include "sandbox.h"

#include "alloc.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>

/* Lua's allocator contract: nsize 0 frees; a shrink must not fail. */
static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    cov_lua_budget *b = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        cov_free(ptr);
        b->memory -= old;
        return NULL;
    }
    if (nsize <= old) {
        void *p = realloc(ptr, nsize);
        if (!p)
            return ptr; /* keep the bigger block rather than fail a shrink */
        b->memory -= old - nsize;
        return p;
    }
    if (b->max_memory && (nsize - old > b->max_memory || b->memory + (nsize - old) > b->max_memory))
        return NULL;
    void *p = cov_realloc(ptr, nsize);
    if (p)
        b->memory += nsize - old;
    return p;
}

lua_State *cov_lua_newstate(cov_lua_budget *b)
{
    b->instructions = 0;
    b->exhausted = 0;
    b->memory = 0;
    return lua_newstate(budget_alloc, b);
}

enum { HOOK_STEP = 1000 };

/* Counts instructions for every thread (coroutines inherit the hook). Once
 * the budget is gone the hook fires on every instruction of whichever thread
 * runs, so a pcall that caught the first error cannot keep going. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    void *ud;
    lua_getallocf(L, &ud);
    cov_lua_budget *b = ud;
    if (!b->exhausted) {
        b->instructions += HOOK_STEP;
        if (b->instructions <= b->max_instructions)
            return;
        b->exhausted = 1;
    }
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction limit of %llu exceeded",
               (unsigned long long)b->max_instructions);
}

int cov_lua_budget_exhausted(const cov_lua_budget *b) { return b->exhausted; }

/* load() restricted to text chunks: the mode argument is forced to "t". */
static int text_load(lua_State *L)
{
    int n = lua_gettop(L);
    if (n < 3) {
        lua_settop(L, 3);
        n = 3;
    }
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static void open_safe(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},         {LUA_LOADLIBNAME, luaopen_package},
        {LUA_COLIBNAME, luaopen_coroutine}, {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string},   {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},    {NULL, NULL}};
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    /* Nothing that reads files or bytecode. */
    static const char *const removed[] = {"dofile", "loadfile", NULL};
    for (const char *const *r = removed; *r; r++) {
        lua_pushnil(L);
        lua_setglobal(L, *r);
    }
    lua_getglobal(L, "load");
    lua_pushcclosure(L, text_load, 1);
    lua_setglobal(L, "load");
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    /* package: no C modules, no loadlib; searchers are set by the bridge. */
    lua_getglobal(L, LUA_LOADLIBNAME);
    static const char *const pkg_removed[] = {"loadlib", "cpath", "searchpath", NULL};
    for (const char *const *r = pkg_removed; *r; r++) {
        lua_pushnil(L);
        lua_setfield(L, -2, *r);
    }
    lua_pop(L, 1);
    /* Rules share the string metatable with the engine: lock it. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushliteral(L, "string metatable is locked");
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

void cov_lua_openlibs(lua_State *L, cov_lua_budget *b, int sandbox)
{
    if (sandbox)
        open_safe(L);
    else
        luaL_openlibs(L);
    if (b->max_instructions)
        lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
}
