/* Limits and library selection for Lua states the engine creates: a counting
 * allocator (memory cap that never fails a shrink), an instruction budget a
 * rule cannot escape with pcall or coroutines, and the restricted stdlib. */
#ifndef COV_SANDBOX_H
#define COV_SANDBOX_H

#include "base/alloc.h"

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cov_lua_budget {
    uint64_t max_instructions; /* 0 = unlimited */
    uint64_t instructions;     /* executed so far (in steps of the hook) */
    size_t max_memory;         /* bytes, 0 = unlimited */
    size_t memory;             /* bytes in use by Lua */
    /* Lua's bytes and the engine's allocated on the rule's behalf (while
     * cov_lua_meter_begin has it installed) against the one cap,
     * max_memory; meter.over is set once that cap refused a growth. */
    cov_meter meter;
    double max_seconds;  /* wall clock, 0 = unlimited */
    double deadline;     /* monotonic time the run must end by */
    unsigned clock_tick; /* allocations since the clock was last read */
    int exhausted;       /* a budget ran out: COV_LUA_OUT_OF_* */
    int over_limit;      /* the last growth failed on max_memory, not on the system */
} cov_lua_budget;

enum { COV_LUA_OUT_OF_INSTRUCTIONS = 1, COV_LUA_OUT_OF_TIME = 2 };

/* A new state whose allocator accounts into b (which must outlive it), or
 * NULL on OOM. Close with lua_close. */
lua_State *cov_lua_newstate(cov_lua_budget *b);

/* Opens the standard libraries: all of them, or with sandbox set only the
 * safe ones (no io, os, debug, package.loadlib, C searchers, bytecode,
 * string.dump, file loading) with a locked string metatable. Installs the
 * instruction hook when b->max_instructions is set. */
void cov_lua_openlibs(lua_State *L, cov_lua_budget *b, int sandbox);

/* Installs b's meter on this thread, so that what the engine allocates from
 * here on (loads, JSON, groups, the report, a helper thread's share too)
 * counts against max_memory with Lua's heap and fails once max_seconds
 * have passed; returns the meter it replaced, for cov_lua_meter_end. Does
 * nothing without a memory or time limit. */
cov_meter *cov_lua_meter_begin(cov_lua_budget *b);
void cov_lua_meter_end(cov_lua_budget *b, cov_meter *prev);

/* The memory limit refused a growth during the run (Lua's or the engine's):
 * a memory error that surfaces now, even one a rule caught with pcall and
 * raised again, is that limit's. */
int cov_lua_budget_memory_hit(const cov_lua_budget *b);

/* COV_LUA_OUT_OF_* when the last error was a budget running out, else 0. */
int cov_lua_budget_exhausted(const cov_lua_budget *b);

/* The message for a budget that ran out ("instruction limit of N exceeded",
 * "time limit of N s exceeded") into buf. */
void cov_lua_budget_message(const cov_lua_budget *b, char *buf, size_t size);

/* The budget of the state L runs in, or NULL when L was not made by
 * cov_lua_newstate (stock lua5.4 with the C module). */
cov_lua_budget *cov_lua_budget_of(lua_State *L);

/* Charges cost instructions' worth of work a C function is about to do to
 * the budget of L, checking the wall clock too; raises the budget's error
 * (and keeps raising it, as the hook does) when either runs out. Does
 * nothing in a state without a budget. */
void cov_lua_charge(lua_State *L, double cost);

/* Pushes "SOURCE:LINE: " of the innermost rule line on the stack (Lua code
 * called a C function perhaps through others), or "" when there is none. */
void cov_lua_where(lua_State *L);

/* Raises Lua's own memory error for an allocation outside Lua that failed.
 * lua_error turns Lua's "not enough memory" message into a LUA_ERRMEM, so
 * the run ends in COV_ENOMEM as when Lua's allocator fails, not in a rule
 * error; the string is preallocated, so raising it allocates nothing. */
static inline int cov_lua_nomem(lua_State *L)
{
    cov_lua_charge(L, 0); /* the time limit refused it: raises that instead */
    lua_pushliteral(L, "not enough memory");
    return lua_error(L);
}

#endif
