#include "lua/lua_filter.h"

#include "lua/sandbox.h"

#include <lauxlib.h>
#include <string.h>

static void filter_sym(lua_State *L, const cov_model *m, int t, const char *key, int *has,
                       cov_sym *sym, int *impossible)
{
    if (lua_getfield(L, t, key) != LUA_TNIL) {
        size_t len;
        const char *s = luaL_checklstring(L, -1, &len);
        *has = 1;
        *sym = cov_intern_find(&m->strs, s, len);
        if (!*sym)
            *impossible = 1;
    }
    lua_pop(L, 1);
}

static const char *const filter_keys[] = {"family",  "framework", "task_path",
                                          "variant", "parsed",    NULL};

void cov_lua_filter_read(lua_State *L, const cov_model *m, int t, cov_lua_filter *f,
                         const char *what)
{
    memset(f, 0, sizeof *f);
    if (lua_isnoneornil(L, t))
        return;
    t = lua_absindex(L, t);
    luaL_checktype(L, t, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        int known = 0;
        for (const char *const *k = filter_keys; *k; k++)
            known |= lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), *k) == 0;
        if (!known)
            luaL_error(L,
                       "%s: unknown filter key '%s' (known: family, framework, "
                       "task_path, variant, parsed)",
                       what, luaL_tolstring(L, -1, NULL));
    }
    filter_sym(L, m, t, "family", &f->has_family, &f->family, &f->impossible);
    filter_sym(L, m, t, "framework", &f->has_framework, &f->framework, &f->impossible);
    if (lua_getfield(L, t, "task_path") == LUA_TBOOLEAN && !lua_toboolean(L, -1))
        f->has_task = 1; /* false: tests without a task path (f->task is NONE) */
    lua_pop(L, 1);
    if (!f->has_task)
        filter_sym(L, m, t, "task_path", &f->has_task, &f->task, &f->impossible);
    filter_sym(L, m, t, "variant", &f->has_variant, &f->variant, &f->impossible);
    if (lua_getfield(L, t, "parsed") != LUA_TNIL) {
        f->has_parsed = 1;
        f->parsed = lua_toboolean(L, -1);
    }
    lua_pop(L, 1);
}

int cov_lua_filter_match(const cov_lua_filter *f, const cov_test *t)
{
    return !f->impossible && (!f->has_family || t->family == f->family) &&
           (!f->has_framework || t->framework == f->framework) &&
           (!f->has_task || t->task_path == f->task) &&
           (!f->has_variant || (t->parsed && t->variant == f->variant)) &&
           (!f->has_parsed || t->parsed == f->parsed);
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
