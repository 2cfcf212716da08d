/* cov.json: Lua values to and from JSON text through cJSON. */
#ifndef COV_LUA_JSON_H
#define COV_LUA_JSON_H

#include <lua.h>

/* Pushes the cov.json table {encode, decode, null, array}. */
int cov_lua_json_open(lua_State *L);

/* Pushes cov.json.null (a light userdata standing for JSON null). */
void cov_lua_json_push_null(lua_State *L);

#endif
