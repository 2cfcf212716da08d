#include "lua/sandbox.h"

#include "base/alloc.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (b->max_memory &&
        (nsize - old > b->max_memory || b->memory + (nsize - old) > b->max_memory)) {
        b->over_limit = 1;
        return NULL;
    }
    void *p = cov_realloc(ptr, nsize);
    b->over_limit = 0; /* a memory error now is the system's, not the limit's */
    if (p)
        b->memory += nsize - old;
    return p;
}

lua_State *cov_lua_newstate(cov_lua_budget *b)
{
    b->instructions = 0;
    b->exhausted = 0;
    b->over_limit = 0;
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
    /* Blame the rule line that was running (level 0 inside a hook). */
    char msg[600];
    lua_Debug where;
    int n = 0;
    if (lua_getstack(L, 0, &where) && lua_getinfo(L, "Sl", &where) && where.currentline > 0)
        n = snprintf(msg, sizeof msg, "%s:%d: ", where.short_src, where.currentline);
    snprintf(msg + n, sizeof msg - (size_t)n, "instruction limit of %llu exceeded",
             (unsigned long long)b->max_instructions);
    lua_pushstring(L, msg);
    lua_error(L);
}

int cov_lua_budget_exhausted(const cov_lua_budget *b)
{
    return b->exhausted;
}

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

/* Lua's pattern matcher backtracks: with q quantifiers ('*', '+', '-', '?')
 * on a subject of n bytes it may take n^q steps, all inside one C call the
 * instruction hook never sees. In the sandbox a match whose worst case
 * exceeds PATTERN_BUDGET steps is refused instead of run. */
#define PATTERN_BUDGET 1e10

static int pattern_quantifiers(const char *p, size_t len)
{
    int q = 0;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (c == '%' && i + 1 < len) {
            char k = p[++i];
            if (k == 'b') /* %bxy: two delimiters */
                i += 2;
            else if (k == 'f' && i + 1 < len && p[i + 1] == '[') { /* %f[set] */
                i++;
                while (i + 1 < len && p[i + 1] != ']')
                    i++;
                i++;
                continue;
            }
        } else if (c == '[') { /* a set: skip to its ']' ("[]...]" and "%]" included) */
            i++;
            if (i < len && p[i] == '^')
                i++;
            if (i < len && p[i] == ']')
                i++;
            while (i < len && p[i] != ']') {
                if (p[i] == '%')
                    i++;
                i++;
            }
        } else if (c == '(' || c == ')' || c == '^' || c == '$') {
            continue;
        }
        if (i + 1 < len &&
            (p[i + 1] == '*' || p[i + 1] == '+' || p[i + 1] == '-' || p[i + 1] == '?')) {
            q++;
            i++;
        }
    }
    return q;
}

/* string.find/match/gmatch/gsub with the original as upvalue 1. */
static int guarded_match(lua_State *L)
{
    size_t n, plen;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &plen);
    int plain = lua_toboolean(L, 4) && lua_tocfunction(L, lua_upvalueindex(2)) != NULL;
    if (!plain) {
        int q = pattern_quantifiers(p, plen);
        double steps = 1;
        for (int i = 0; i < q && steps <= PATTERN_BUDGET; i++)
            steps *= (double)n + 1;
        if (steps > PATTERN_BUDGET)
            return luaL_error(L,
                              "pattern too costly for the sandbox: %d quantifiers on a "
                              "%d-byte string",
                              q, (int)n);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static void guard_patterns(lua_State *L)
{
    static const char *const fns[] = {"find", "match", "gmatch", "gsub", NULL};
    lua_getglobal(L, LUA_STRLIBNAME);
    for (const char *const *f = fns; *f; f++) {
        lua_getfield(L, -1, *f);
        /* upvalue 2 marks find, whose 4th argument means "plain" */
        if (strcmp(*f, "find") == 0)
            lua_pushcfunction(L, guarded_match);
        else
            lua_pushnil(L);
        lua_pushcclosure(L, guarded_match, 2);
        lua_setfield(L, -2, *f);
    }
    lua_pop(L, 1);
}

/* print writes to stderr: stdout is the report's. */
static int stderr_print(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1)
            fputc('\t', stderr);
        fwrite(s, 1, len, stderr);
        lua_pop(L, 1);
    }
    fputc('\n', stderr);
    fflush(stderr);
    return 0;
}

static void open_safe(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},          {LUA_LOADLIBNAME, luaopen_package},
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
    guard_patterns(L);
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
    lua_pushcfunction(L, stderr_print);
    lua_setglobal(L, "print");
    if (b->max_instructions)
        lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
}
