/* ds:group and ds:values: dataset methods that aggregate in C
 * (model/aggregate.h), added to the dataset objects of lua_model.h. */
#ifndef COV_LUA_GROUP_H
#define COV_LUA_GROUP_H

#include <lua.h>

/* Adds group and values to the dataset methods; call after
 * cov_lua_model_init, before pushing datasets. */
void cov_lua_group_init(lua_State *L);

#endif
