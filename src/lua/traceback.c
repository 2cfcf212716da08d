#include "lua/traceback.h"

#include "base/diag.h"

#include <lauxlib.h>
#include <string.h>

static int has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

/* Whether a string key of the table on top of the stack holds a control
 * character. */
static int keys_have_control(lua_State *L)
{
    int found = 0;
    lua_pushnil(L);
    while (!found && lua_next(L, -2)) {
        lua_pop(L, 1);
        size_t len;
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *k = lua_tolstring(L, -1, &len);
            found = has_control(k, len);
        }
    }
    if (found)
        lua_pop(L, 1); /* the key lua_next left */
    return found;
}

/* As many frames as luaL_traceback shows: all of them, or the first 10
 * and the last 11 of a deeper stack. */
enum { FIRST_FRAMES = 10, LAST_FRAMES = 11 };

/* The deepest level of L's stack. lua_getstack walks from the top, so a
 * level-by-level loop would cost the square of a deep recursion's depth:
 * doubling, then halving. */
static int last_level(lua_State *L)
{
    lua_Debug ar;
    int lo = 1, hi = 1;
    while (lua_getstack(L, hi, &ar)) {
        lo = hi;
        hi *= 2;
    }
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (lua_getstack(L, mid, &ar))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - 1;
}

/* The next level shown after l (-1 past the end): skips the middle of a
 * deep stack as luaL_traceback does. */
static int next_shown(int l, int level, int last)
{
    if (last - level > FIRST_FRAMES + LAST_FRAMES && l == level + FIRST_FRAMES - 1)
        return last - LAST_FRAMES + 1;
    return l < last ? l + 1 : -1;
}

/* Whether luaL_traceback could print a control character: in a shown
 * frame's name or source, or in the names it looks functions up by (the
 * keys of package.loaded and of the modules there, _G's globals among
 * them). */
static int needs_escaping(lua_State *L, int level, int last)
{
    lua_Debug ar;
    for (int l = level; l >= 0 && l <= last; l = next_shown(l, level, last)) {
        if (!lua_getstack(L, l, &ar) || !lua_getinfo(L, "Sn", &ar))
            continue;
        if ((ar.name && has_control(ar.name, strlen(ar.name))) ||
            has_control(ar.short_src, strlen(ar.short_src)))
            return 1;
    }
    if (!lua_checkstack(L, 6))
        return 1;
    int found = 0;
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    if (lua_istable(L, -1)) {
        found = keys_have_control(L);
        lua_pushnil(L);
        while (!found && lua_next(L, -2)) {
            if (lua_istable(L, -1))
                found = keys_have_control(L);
            lua_pop(L, 1);
        }
        if (found)
            lua_pop(L, 1); /* the key lua_next left */
    }
    lua_pop(L, 1);
    return found;
}

static void add_escaped(luaL_Buffer *b, const char *s)
{
    char out[512];
    luaL_addstring(b, cov_escape_controls(out, sizeof out, s));
}

static void escaped_traceback(lua_State *L, int level, int last)
{
    lua_Debug ar;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "stack traceback:");
    for (int l = level; l >= 0 && l <= last; l = next_shown(l, level, last)) {
        if (!lua_getstack(L, l, &ar))
            break;
        if (l == last - LAST_FRAMES + 1 && last - level > FIRST_FRAMES + LAST_FRAMES) {
            /* The count luaL_traceback gives (one less than it leaves out). */
            lua_pushfstring(L, "\n\t...\t(skipping %d levels)",
                            last - level - FIRST_FRAMES - LAST_FRAMES);
            luaL_addvalue(&b);
        }
        lua_getinfo(L, "Slnt", &ar);
        luaL_addstring(&b, "\n\t");
        add_escaped(&b, ar.short_src);
        if (ar.currentline > 0) {
            lua_pushfstring(L, ":%d", ar.currentline);
            luaL_addvalue(&b);
        }
        luaL_addstring(&b, ": in ");
        if (*ar.namewhat) {
            luaL_addstring(&b, ar.namewhat);
            luaL_addstring(&b, " '");
            add_escaped(&b, ar.name ? ar.name : "?");
            luaL_addstring(&b, "'");
        } else if (*ar.what == 'm') {
            luaL_addstring(&b, "main chunk");
        } else if (*ar.what != 'C') {
            luaL_addstring(&b, "function <");
            add_escaped(&b, ar.short_src);
            lua_pushfstring(L, ":%d>", ar.linedefined);
            luaL_addvalue(&b);
        } else {
            luaL_addstring(&b, "?");
        }
        if (ar.istailcall)
            luaL_addstring(&b, "\n\t(...tail calls...)");
    }
    luaL_pushresult(&b);
}

void cov_lua_traceback(lua_State *L, int level)
{
    int last = last_level(L);
    if (needs_escaping(L, level, last))
        escaped_traceback(L, level, last);
    else
        luaL_traceback(L, L, NULL, level);
}
