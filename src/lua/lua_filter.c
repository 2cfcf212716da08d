#include "lua/lua_filter.h"

#include "lua/sandbox.h"

#include <lauxlib.h>
#include <string.h>

/* The value filter key kind asks for, from the value on top of the stack. */
static uint32_t filter_value(lua_State *L, const cov_model *m, int kind, int *impossible)
{
    int type = cov_prop(kind)->type;
    if (type == COV_PT_BOOL)
        return (uint32_t)lua_toboolean(L, -1);
    if (type == COV_PT_PATH && lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1))
        return COV_SYM_NONE; /* false: the tests without one */
    size_t len;
    const char *s = luaL_checklstring(L, -1, &len);
    cov_sym sym = cov_intern_find(&m->strs, s, len);
    if (!sym)
        *impossible = 1;
    return sym;
}

/* Raises "<what>: unknown filter key '<key>' (known: family, ...)" for the
 * key on top of the stack. */
static void unknown_key(lua_State *L, const int *keys, int nkeys, const char *what)
{
    const char *key = luaL_tolstring(L, -1, NULL);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 0; i < nkeys; i++) {
        if (i)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, cov_prop(keys[i])->name);
    }
    luaL_pushresult(&b);
    luaL_error(L, "%s: unknown filter key '%s' (known: %s)", what, key,
               lua_tostring(L, -1));
}

void cov_lua_filter_read(lua_State *L, const cov_model *m, int t, cov_lua_filter *f,
                         const char *what)
{
    memset(f, 0, sizeof *f);
    f->m = m;
    if (lua_isnoneornil(L, t))
        return;
    t = lua_absindex(L, t);
    luaL_checktype(L, t, LUA_TTABLE);
    int keys[COV_PROP_MAX_FILTER];
    int nkeys = cov_prop_filter_keys(keys);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        int known = 0;
        for (int k = 0; k < nkeys; k++)
            known |= lua_type(L, -1) == LUA_TSTRING &&
                     strcmp(lua_tostring(L, -1), cov_prop(keys[k])->name) == 0;
        if (!known)
            unknown_key(L, keys, nkeys, what);
    }
    for (int k = 0; k < nkeys; k++) {
        if (lua_getfield(L, t, cov_prop(keys[k])->name) != LUA_TNIL) {
            f->kind[f->n] = keys[k];
            f->want[f->n] = filter_value(L, m, keys[k], &f->impossible);
            if (keys[k] == COV_K_FAMILY) {
                f->has_family = 1;
                f->family = f->want[f->n];
            }
            f->n++;
        }
        lua_pop(L, 1);
    }
}

int cov_lua_filter_match(const cov_lua_filter *f, const cov_test *t)
{
    if (f->impossible)
        return 0;
    for (int k = 0; k < f->n; k++)
        if (cov_prop_value(f->m, t, f->kind[k]) != f->want[k])
            return 0;
    return 1;
}

void cov_lua_filter_range(lua_State *L, cov_run_ctx *c, cov_dataset d,
                          const cov_lua_filter *f, const uint32_t **order, uint32_t *pos,
                          uint32_t *end)
{
    *order = NULL;
    *pos = 0;
    *end = c->data[d].model->tests.count;
    if (!f->has_family || f->impossible)
        return;
    const cov_family_index *x = cov_run_family_index(c, d);
    if (!x)
        cov_lua_nomem(L);
    *order = x->order;
    *pos = x->start[f->family];
    *end = *pos + x->count[f->family];
}
