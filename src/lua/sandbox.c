#include "lua/sandbox.h"

#include "base/alloc.h"

#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads the clock every CLOCK_EVERY allocator calls: finalizers, C
 * functions and the collector all allocate or free, and the hook does not
 * see them. Once the time is up every growth fails, so a C loop that
 * allocates ends too. */
enum { CLOCK_EVERY = 256 };

static int out_of_time(cov_lua_budget *b)
{
    if (b->max_seconds > 0 && !b->exhausted && monotonic_seconds() > b->deadline)
        b->exhausted = COV_LUA_OUT_OF_TIME;
    return b->exhausted == COV_LUA_OUT_OF_TIME;
}

/* The meter counts only under a memory limit: without one, Lua's
 * allocations cost no more than they did. */
static int charge(cov_lua_budget *b, size_t n)
{
    return !b->max_memory || cov_meter_charge(&b->meter, n);
}

/* The meter is installed under a memory limit or a time limit (its
 * deadline stops long allocating C calls). */
static int wants_meter(const cov_lua_budget *b)
{
    return b->max_memory || b->max_seconds > 0;
}

static void credit(cov_lua_budget *b, size_t n)
{
    if (b->max_memory)
        cov_meter_credit(&b->meter, n);
}

/* Lua's allocator contract: nsize 0 frees; a shrink must not fail. Lua's
 * bytes are charged to the budget's meter with the sizes Lua gives (the
 * engine's own, while the meter is installed, by cov_malloc). */
static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    cov_lua_budget *b = ud;
    size_t old = ptr ? osize : 0;
    if (b->max_seconds > 0 && ++b->clock_tick >= CLOCK_EVERY) {
        b->clock_tick = 0;
        out_of_time(b);
    }
    if (nsize == 0) {
        cov_free_unmetered(ptr);
        b->memory -= old;
        credit(b, old);
        return NULL;
    }
    if (nsize <= old) {
        void *p = realloc(ptr, nsize);
        if (!p)
            return ptr; /* keep the bigger block rather than fail a shrink */
        b->memory -= old - nsize;
        credit(b, old - nsize);
        return p;
    }
    if (b->exhausted == COV_LUA_OUT_OF_TIME)
        return NULL;
    if (!charge(b, nsize - old)) {
        /* The meter refuses on its cap, or once the deadline has passed. */
        if (!out_of_time(b))
            b->over_limit = 1;
        return NULL;
    }
    void *p = cov_realloc_unmetered(ptr, nsize);
    b->over_limit = 0; /* a memory error now is the system's, not the limit's */
    if (p)
        b->memory += nsize - old;
    else
        credit(b, nsize - old);
    return p;
}

lua_State *cov_lua_newstate(cov_lua_budget *b)
{
    b->instructions = 0;
    b->exhausted = 0;
    b->over_limit = 0;
    b->memory = 0;
    atomic_init(&b->meter.used, 0);
    b->meter.cap = b->max_memory;
    atomic_init(&b->meter.over, 0);
    b->clock_tick = 0;
    b->deadline = monotonic_seconds() + b->max_seconds;
    b->meter.deadline = b->max_seconds > 0 ? b->deadline : 0;
    atomic_init(&b->meter.ticks, 0);
    atomic_init(&b->meter.late, 0);
    return lua_newstate(budget_alloc, b);
}

cov_meter *cov_lua_meter_begin(cov_lua_budget *b)
{
    cov_meter *prev = cov_meter_current();
    if (wants_meter(b))
        cov_meter_swap(&b->meter);
    return prev;
}

void cov_lua_meter_end(cov_lua_budget *b, cov_meter *prev)
{
    if (wants_meter(b))
        cov_meter_swap(prev);
}

int cov_lua_budget_memory_hit(const cov_lua_budget *b)
{
    return atomic_load(&b->meter.over);
}

/* Bytes the memory limit still allows (SIZE_MAX without one). */
static size_t memory_left(const cov_lua_budget *b)
{
    size_t used = atomic_load(&b->meter.used);
    if (!b->max_memory)
        return SIZE_MAX;
    return used < b->max_memory ? b->max_memory - used : 0;
}

cov_lua_budget *cov_lua_budget_of(lua_State *L)
{
    void *ud;
    return lua_getallocf(L, &ud) == budget_alloc ? ud : NULL;
}

void cov_lua_budget_message(const cov_lua_budget *b, char *buf, size_t size)
{
    if (b->exhausted == COV_LUA_OUT_OF_TIME)
        snprintf(buf, size, "time limit of %g s exceeded", b->max_seconds);
    else
        snprintf(buf, size, "instruction limit of %llu exceeded",
                 (unsigned long long)b->max_instructions);
}

enum { HOOK_STEP = 1000 };

static void count_hook(lua_State *L, lua_Debug *ar);

/* Raises the error of the budget that ran out, blaming the first rule line
 * on the stack from level (0 in the hook, 1 in a C function), and makes the
 * hook fire on every instruction of whichever thread runs, so a pcall that
 * caught the error cannot keep going. */
static int budget_raise(lua_State *L, const cov_lua_budget *b, int level)
{
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    char msg[600];
    lua_Debug where;
    int n = 0;
    for (; level <= 1 && !n; level++)
        if (lua_getstack(L, level, &where) && lua_getinfo(L, "Sl", &where) &&
            where.currentline > 0)
            n = snprintf(msg, sizeof msg, "%s:%d: ", where.short_src, where.currentline);
    cov_lua_budget_message(b, msg + n, sizeof msg - (size_t)n);
    lua_pushstring(L, msg);
    return lua_error(L);
}

/* Counts instructions for every thread (coroutines inherit the hook) and
 * reads the clock. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    void *ud;
    lua_getallocf(L, &ud);
    cov_lua_budget *b = ud; /* the hook is only set in states with a budget */
    if (!b->exhausted) {
        if (b->max_instructions) {
            b->instructions += HOOK_STEP;
            if (b->instructions > b->max_instructions)
                b->exhausted = COV_LUA_OUT_OF_INSTRUCTIONS;
        }
        if (!out_of_time(b) && !b->exhausted)
            return;
    }
    budget_raise(L, b, 0);
}

void cov_lua_where(lua_State *L)
{
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}

void cov_lua_charge(lua_State *L, double cost)
{
    cov_lua_budget *b = cov_lua_budget_of(L);
    if (!b)
        return;
    if (!b->exhausted && b->max_instructions) {
        double left = (double)(b->max_instructions - (b->instructions < b->max_instructions
                                                          ? b->instructions
                                                          : b->max_instructions));
        if (cost > left)
            b->exhausted = COV_LUA_OUT_OF_INSTRUCTIONS;
        else
            b->instructions += (uint64_t)cost;
    }
    out_of_time(b);
    if (b->exhausted)
        budget_raise(L, b, 1);
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
 * on a subject of n bytes it may take n^q steps, and even a plain search
 * compares the pattern at every position (n * length steps), all inside one
 * C call the instruction hook never sees. In the sandbox a match whose worst
 * case exceeds PATTERN_BUDGET steps (about a second) is refused instead of
 * run, and the linear part of the rest is charged to the budget. */
#define PATTERN_BUDGET 1e9

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
    int q = plain ? 0 : pattern_quantifiers(p, plen);
    double steps = 1;
    for (int i = 0; i < q && steps <= PATTERN_BUDGET; i++)
        steps *= (double)n + 1;
    if (steps > PATTERN_BUDGET)
        return luaL_error(L,
                          "pattern too costly for the sandbox: %d quantifiers on a "
                          "%d-byte string",
                          q, (int)n);
    if (((double)n + 1) * ((double)plen + 1) > PATTERN_BUDGET)
        return luaL_error(L,
                          "pattern too costly for the sandbox: a %d-byte pattern on a "
                          "%d-byte string",
                          (int)plen, (int)n);
    cov_lua_charge(L, ((double)n + (double)plen) / 8);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* string.rep with the original as upvalue 1: charged for its loop (one
 * step per copy, even of an empty string) and the bytes it writes. */
static int charged_rep(lua_State *L)
{
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    /* The original's own refusal, raised here so that it names the rule
     * line (raised inside the call below it would name none). */
    if (n > 0 && (l + lsep < l || l + lsep > (size_t)INT_MAX / (size_t)n))
        return luaL_error(L, "resulting string too large");
    /* A result the memory cap cannot hold fails on allocation, before any
     * copying: that limit, not the instructions, is the one to report. */
    cov_lua_budget *b = cov_lua_budget_of(L);
    double bytes = n > 0 ? (double)n * ((double)l + (double)lsep) : 0;
    int over_memory = b && b->max_memory && bytes > (double)memory_left(b);
    if (n > 0 && !over_memory)
        cov_lua_charge(L, (double)n + bytes / 16);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* setmetatable with the original as upvalue 1. Lua runs finalizers with
 * hooks off, out of reach of every budget, and marks a table for
 * finalization when its metatable has a __gc field of any value at this
 * call (a later "mt.__gc = f" takes effect): so the sandbox refuses any
 * metatable with a __gc field. */
static int safe_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int has_gc = lua_rawget(L, 2) != LUA_TNIL;
        lua_pop(L, 1);
        if (has_gc)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the "
                                 "sandbox");
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* Lua calls a message handler, and coroutine.close the __close methods of
 * a coroutine that died, with hooks off when the error came from the hook
 * (a budget running out): out of the budgets' reach. Once a budget is gone
 * the sandbox runs neither. */
static int exhausted(lua_State *L)
{
    const cov_lua_budget *b = cov_lua_budget_of(L);
    return b && b->exhausted;
}

/* The message handler xpcall is given, as upvalue 1. */
static int guarded_handler(lua_State *L)
{
    if (exhausted(L))
        return lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* xpcall with the original as upvalue 1 and the handler guarded. */
static int guarded_xpcall(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_handler, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* coroutine.close with the original as upvalue 1. */
static int guarded_close(lua_State *L)
{
    if (exhausted(L))
        return cov_lua_charge(L, 0), 0;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* collectgarbage with the original as upvalue 1: only "collect", "step",
 * "count" and "isrunning", a collection charged by the heap it walks. */
static int charged_collectgarbage(lua_State *L)
{
    static const char *const allowed[] = {"collect", "step", "count", "isrunning", NULL};
    int opt = luaL_checkoption(L, 1, "collect", allowed);
    if (opt <= 1) {
        const cov_lua_budget *b = cov_lua_budget_of(L);
        cov_lua_charge(L, 1000 + (b ? (double)b->memory / 4 : 0));
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Replaces field name of the table on top with f closing over the old. */
static void wrap_field(lua_State *L, const char *name, lua_CFunction f)
{
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, -2, name);
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
    lua_getglobal(L, LUA_STRLIBNAME);
    wrap_field(L, "rep", charged_rep);
    lua_pop(L, 1);
    lua_pushglobaltable(L);
    wrap_field(L, "setmetatable", safe_setmetatable);
    wrap_field(L, "collectgarbage", charged_collectgarbage);
    wrap_field(L, "xpcall", guarded_xpcall);
    lua_pop(L, 1);
    lua_getglobal(L, LUA_COLIBNAME);
    wrap_field(L, "close", guarded_close);
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
    lua_pushcfunction(L, stderr_print);
    lua_setglobal(L, "print");
    if (b->max_instructions || b->max_seconds > 0)
        lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
}
