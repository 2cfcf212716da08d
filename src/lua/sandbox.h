/* Limits and library selection for Lua states the engine creates: a counting
 * allocator (memory cap that never fails a shrink), an instruction budget a
 * rule cannot escape with pcall or coroutines, and the restricted stdlib. */
#ifndef COV_SANDBOX_H
#define COV_SANDBOX_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cov_lua_budget {
    uint64_t max_instructions; /* 0 = unlimited */
    uint64_t instructions;     /* executed so far (in steps of the hook) */
    size_t max_memory;         /* bytes, 0 = unlimited */
    size_t memory;             /* bytes in use */
    int exhausted;             /* the instruction budget ran out */
    int over_limit;            /* the last growth failed on max_memory, not on the system */
} cov_lua_budget;

/* A new state whose allocator accounts into b (which must outlive it), or
 * NULL on OOM. Close with lua_close. */
lua_State *cov_lua_newstate(cov_lua_budget *b);

/* Opens the standard libraries: all of them, or with sandbox set only the
 * safe ones (no io, os, debug, package.loadlib, C searchers, bytecode,
 * string.dump, file loading) with a locked string metatable. Installs the
 * instruction hook when b->max_instructions is set. */
void cov_lua_openlibs(lua_State *L, cov_lua_budget *b, int sandbox);

/* 1 when the last error was the instruction budget running out. */
int cov_lua_budget_exhausted(const cov_lua_budget *b);

/* Raises Lua's own memory error for an allocation outside Lua that failed.
 * lua_error turns Lua's "not enough memory" message into a LUA_ERRMEM, so
 * the run ends in COV_ENOMEM as when Lua's allocator fails, not in a rule
 * error; the string is preallocated, so raising it allocates nothing. */
static inline int cov_lua_nomem(lua_State *L)
{
    lua_pushliteral(L, "not enough memory");
    return lua_error(L);
}

#endif
