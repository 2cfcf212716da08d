/* The traceback of a rule error, safe to print: Lua's own (luaL_traceback)
 * unless a name it would print holds a control character. */
#ifndef COV_LUA_TRACEBACK_H
#define COV_LUA_TRACEBACK_H

#include <lua.h>

/* Pushes the traceback of L from `level` ("stack traceback:" and a line
 * per frame, as luaL_traceback writes it). A rule may name a function
 * "a\nb" (a global, a field, a package.loaded key), which luaL_traceback
 * prints raw, so one frame's line could pose as another line of stderr;
 * then every frame is written here instead, its names escaped
 * (cov_escape_controls). */
void cov_lua_traceback(lua_State *L, int level);

#endif
