/* JSON for rules. Encoding rules:
 *  - a table whose keys are exactly 1..n (n > 0), or one marked with
 *    cov.json.array(t), is an array; any other table is an object with its
 *    keys sorted, so reports are byte-for-byte reproducible;
 *  - integers print without a fraction; NaN/inf are errors (JSON has none);
 *  - strings and keys must be UTF-8 without NUL bytes (errors otherwise:
 *    JSON text is UTF-8, and cJSON's strings and keys end at a NUL, so a
 *    key "a\0b" would be written as "a", next to the "a" of "a\0c");
 *  - cov.json.null stands for null inside tables.
 * Depth is capped so a cyclic table is an error, not a crash. */
#include "lua/lua_json.h"

#include "base/alloc.h"
#include "base/strbuf.h"
#include "base/utf8.h"
#include "covengine.h"
#include "formats/json_lex.h"
#include "lua/sandbox.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 200 };

static const char ARRAY_MARK[] = "covengine.json.array";
static int null_sentinel; /* its address is cov.json.null */

/* A table is an array when marked, or when its keys are exactly 1..n. */
static int is_array(lua_State *L, int idx, lua_Integer *n)
{
    if (lua_getmetatable(L, idx)) {
        luaL_getmetatable(L, ARRAY_MARK);
        int marked = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
        if (marked) {
            *n = (lua_Integer)lua_rawlen(L, idx);
            return 1;
        }
    }
    lua_Integer count = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
            lua_pop(L, 1);
            return 0;
        }
        if (lua_tointeger(L, -1) > max)
            max = lua_tointeger(L, -1);
        count++;
    }
    *n = count;
    return count > 0 && count == max;
}

/* The string at idx, when it can be written as JSON: UTF-8, no NUL byte
 * (what names it in the error: "string" or "key"). */
static const char *json_text(lua_State *L, int idx, const char *what)
{
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    const char *nul = memchr(s, '\0', len);
    size_t bad = cov_utf8_invalid(s, nul ? (size_t)(nul - s) : len);
    char why[96];
    if (bad < (nul ? (size_t)(nul - s) : len))
        snprintf(why, sizeof why, "json: %s is not UTF-8 (byte %zu is 0x%02X)", what,
                 bad + 1, (unsigned char)s[bad]);
    else if (nul)
        snprintf(why, sizeof why, "json: %s holds a NUL byte (byte %zu)", what,
                 (size_t)(nul - s) + 1);
    else
        return s;
    luaL_error(L, "%s", why);
    return NULL;
}

/* Lua integers exactly (JSON has no limit; cJSON's double would round
 * 9007199254740993). A float with the fewest of 15, 16 or 17 significant
 * digits that reads back as the same double (17 always does): what cJSON
 * 1.7 writes, %1.15g, whenever that is exact, and never a number that reads
 * back as another (cJSON keeps %1.15g when it is merely close). */
static void format_number(lua_State *L, int idx, char *buf, size_t size)
{
    if (lua_isinteger(L, idx)) {
        snprintf(buf, size, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
        return;
    }
    double v = lua_tonumber(L, idx);
    if (!isfinite(v))
        luaL_error(L, "json: cannot encode %f", v);
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%1.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
}

typedef struct keyslot {
    const char *text; /* the key as JSON will show it */
    lua_Integer slot; /* where the value sits in the anchor table */
} keyslot;

static int compare_keys(const void *a, const void *b)
{
    return strcmp(((const keyslot *)a)->text, ((const keyslot *)b)->text);
}

/* The partial cJSON tree, and the printed text, hang off a userdata with
 * __gc, so a Lua error half-way through (running out of memory included)
 * frees them. */
typedef struct holder {
    cJSON *root;
    char *text;
    cov_buf out;  /* encode: the text written so far */
    cov_jlex lex; /* decode: where each value is written */
} holder;

static int holder_gc(lua_State *L)
{
    holder *h = lua_touserdata(L, 1);
    cJSON_Delete(h->root);
    h->root = NULL;
    cJSON_free(h->text);
    h->text = NULL;
    cov_buf_free(&h->out);
    cov_jlex_free(&h->lex);
    memset(&h->lex, 0, sizeof h->lex);
    return 0;
}

static void encode_into(lua_State *L, int idx, int depth, cJSON *parent, const char *key,
                        cJSON **root);

/* Attaches a fresh node to its parent (or makes it the root) before anything
 * can raise, so a Lua error part-way frees the whole tree through the root's
 * holder and leaks nothing. */
static cJSON *attach(lua_State *L, cJSON *node, cJSON *parent, const char *key,
                     cJSON **root)
{
    if (!node)
        cov_lua_nomem(L);
    int ok = 1;
    if (!parent)
        *root = node;
    else if (key)
        ok = cJSON_AddItemToObject(parent, key, node);
    else
        ok = cJSON_AddItemToArray(parent, node);
    if (!ok) {
        cJSON_Delete(node);
        cov_lua_nomem(L);
    }
    return node;
}

/* Objects are written with sorted keys. Pushes an anchor table that keeps
 * each key's text (odd slots) and value (even slots) alive, then a userdata
 * array of the keys in order (so an error cannot leak it); returns their
 * number. The caller pops both. */
static lua_Integer sorted_keys(lua_State *L, int idx, keyslot **out)
{
    lua_newtable(L);
    int anchor = lua_gettop(L);
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int kt = lua_type(L, -2);
        if (kt != LUA_TSTRING && kt != LUA_TNUMBER)
            luaL_error(L, "json: object keys must be strings or numbers, not %s",
                       luaL_typename(L, -2));
        lua_rawseti(L, anchor, 2 * n + 2); /* value */
        lua_pushvalue(L, -1);
        luaL_tolstring(L, -1, NULL);
        json_text(L, -1, "key");
        lua_rawseti(L, anchor, 2 * n + 1); /* key text */
        lua_pop(L, 1);
        n++;
    }
    keyslot *keys = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *keys, 0);
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, anchor, 2 * i + 1);
        keys[i] = (keyslot){lua_tostring(L, -1), 2 * i + 2};
        lua_pop(L, 1); /* still referenced by the anchor */
    }
    qsort(keys, (size_t)n, sizeof *keys, compare_keys);
    *out = keys;
    return n;
}

static void encode_object(lua_State *L, int idx, int depth, cJSON *obj, cJSON **root)
{
    keyslot *keys;
    lua_Integer n = sorted_keys(L, idx, &keys);
    int anchor = lua_gettop(L) - 1;
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, anchor, keys[i].slot);
        encode_into(L, lua_gettop(L), depth + 1, obj, keys[i].text, root);
        lua_pop(L, 1);
    }
    lua_pop(L, 2); /* keys, anchor */
}

/* Encodes the value at idx as a child of parent (under key for objects). */
static void encode_into(lua_State *L, int idx, int depth, cJSON *parent, const char *key,
                        cJSON **root)
{
    if (depth > MAX_DEPTH)
        luaL_error(L, "json: nesting deeper than %d (a cycle?)", MAX_DEPTH);
    luaL_checkstack(L, 8, "json: nesting too deep");
    switch (lua_type(L, idx)) {
    case LUA_TNIL: attach(L, cJSON_CreateNull(), parent, key, root); return;
    case LUA_TBOOLEAN:
        attach(L, cJSON_CreateBool(lua_toboolean(L, idx)), parent, key, root);
        return;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == &null_sentinel) {
            attach(L, cJSON_CreateNull(), parent, key, root);
            return;
        }
        break;
    case LUA_TNUMBER: {
        char num[64];
        format_number(L, idx, num, sizeof num);
        attach(L, cJSON_CreateRaw(num), parent, key, root);
        return;
    }
    case LUA_TSTRING:
        attach(L, cJSON_CreateString(json_text(L, idx, "string")), parent, key, root);
        return;
    case LUA_TTABLE: {
        lua_Integer n;
        if (!is_array(L, idx, &n)) {
            cJSON *obj = attach(L, cJSON_CreateObject(), parent, key, root);
            encode_object(L, idx, depth, obj, root);
            return;
        }
        cJSON *arr = attach(L, cJSON_CreateArray(), parent, key, root);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, i);
            encode_into(L, lua_gettop(L), depth + 1, arr, NULL, root);
            lua_pop(L, 1);
        }
        return;
    }
    default: break;
    }
    luaL_error(L, "json: cannot encode a %s", luaL_typename(L, idx));
}

/*** @section JSON
 * `cov.json` writes and reads JSON through cJSON. `cov.json.null` stands for
 * null inside tables.
 */

/*** cov.json.encode(value [, {indent = true}]) -> string
 * Tables whose keys are exactly 1..n (or marked with `cov.json.array`) become
 * arrays, other tables objects with sorted keys, so output is reproducible.
 * Integers are written exactly, floats so that they read back the same.
 * Functions, NaN, infinities, cycles, and strings or keys that are not UTF-8
 * or hold a NUL byte are errors.
 */

/* Writing: cJSON prints a whole tree at once, so a report of tens of
 * thousands of families would be held as a tree (about 10 KB a family) and
 * as text at the same time. Here the outer containers (the first
 * STREAM_DEPTH levels, and any holding more than STREAM_ITEMS values) are
 * written as we go, and each value under them is built and printed by cJSON
 * on its own and freed at once. The text is the same byte for byte: cJSON's
 * formatted layout starts each line of a value with one tab per container
 * (array or object) around it, and JSON has no raw newline inside a
 * string, so a value printed alone moves to its place by inserting that
 * many tabs after each of its newlines. */
enum { STREAM_DEPTH = 2, STREAM_ITEMS = 256 };

static void add_tabs(cov_buf *out, int n)
{
    while (n-- > 0)
        cov_buf_add(out, "\t", 1);
}

/* Appends text, with `tabs` tabs after each newline. */
static void add_shifted(cov_buf *out, const char *text, int tabs)
{
    const char *nl;
    while (tabs > 0 && (nl = strchr(text, '\n'))) {
        cov_buf_add(out, text, (size_t)(nl - text) + 1);
        add_tabs(out, tabs);
        text = nl + 1;
    }
    cov_buf_adds(out, text);
}

/* The number of keys of the table at idx, counting no further than one
 * past `enough`. */
static lua_Integer count_keys(lua_State *L, int idx, lua_Integer enough)
{
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (++n > enough) {
            lua_pop(L, 1);
            break;
        }
    }
    return n;
}

/* Prints the value at idx, nested in `depth` containers, alone through
 * cJSON and appends it to h->out. */
static void print_alone(lua_State *L, holder *h, int idx, int depth, int indent)
{
    encode_into(L, idx, depth, NULL, NULL, &h->root);
    h->text = indent ? cJSON_Print(h->root) : cJSON_PrintUnformatted(h->root);
    cJSON_Delete(h->root);
    h->root = NULL;
    if (!h->text)
        cov_lua_nomem(L);
    add_shifted(&h->out, h->text, indent ? depth : 0);
    cJSON_free(h->text);
    h->text = NULL;
}

/* Writes the value at idx, nested in `depth` containers, to h->out. */
static void write_value(lua_State *L, holder *h, int idx, int depth, int indent)
{
    if (depth > MAX_DEPTH)
        luaL_error(L, "json: nesting deeper than %d (a cycle?)", MAX_DEPTH);
    luaL_checkstack(L, 8, "json: nesting too deep");
    cov_buf *out = &h->out;
    lua_Integer n;
    if (lua_type(L, idx) != LUA_TTABLE) {
        print_alone(L, h, idx, depth, indent);
    } else if (is_array(L, idx, &n)) {
        if (depth >= STREAM_DEPTH && n <= STREAM_ITEMS) {
            print_alone(L, h, idx, depth, indent);
            return;
        }
        cov_buf_add(out, "[", 1);
        for (lua_Integer i = 1; i <= n; i++) {
            if (i > 1)
                cov_buf_add(out, ", ", indent ? 2 : 1);
            lua_rawgeti(L, idx, i);
            write_value(L, h, lua_gettop(L), depth + 1, indent);
            lua_pop(L, 1);
        }
        cov_buf_add(out, "]", 1);
    } else if (depth >= STREAM_DEPTH && count_keys(L, idx, STREAM_ITEMS) <= STREAM_ITEMS) {
        print_alone(L, h, idx, depth, indent);
    } else {
        keyslot *keys;
        n = sorted_keys(L, idx, &keys);
        int anchor = lua_gettop(L) - 1;
        cov_buf_add(out, "{\n", indent ? 2 : 1);
        for (lua_Integer i = 0; i < n; i++) {
            if (indent)
                add_tabs(out, depth + 1);
            /* The key as cJSON writes a string (its escapes). */
            lua_pushstring(L, keys[i].text);
            print_alone(L, h, lua_gettop(L), 0, 0);
            lua_pop(L, 1);
            cov_buf_add(out, ":\t", indent ? 2 : 1);
            lua_rawgeti(L, anchor, keys[i].slot);
            write_value(L, h, lua_gettop(L), depth + 1, indent);
            lua_pop(L, 1);
            if (i + 1 < n)
                cov_buf_add(out, ",", 1);
            if (indent)
                cov_buf_add(out, "\n", 1);
        }
        if (indent)
            add_tabs(out, depth);
        cov_buf_add(out, "}", 1);
        lua_pop(L, 2); /* keys, anchor */
    }
}

static int json_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    int indent = 0;
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "indent");
        indent = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    lua_settop(L, 1);
    cov_alloc_hook_cjson();
    holder *h = lua_newuserdatauv(L, sizeof *h, 0);
    memset(h, 0, sizeof *h);
    if (luaL_newmetatable(L, "covengine.json.holder")) {
        lua_pushcfunction(L, holder_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    write_value(L, h, 1, 0, indent);
    if (h->out.oom)
        return cov_lua_nomem(L);
    /* One instruction a byte: cJSON writes about as fast as the VM runs. */
    cov_lua_charge(L, (double)h->out.len);
    lua_pushlstring(L, h->out.len ? h->out.data : "", h->out.len);
    cov_buf_free(&h->out);
    return 1;
}

/* The integer written at t (a JSON number), when it is one Lua can hold
 * exactly: no fraction, no exponent, within 64 bits. */
static int exact_integer(const char *t, lua_Integer *out)
{
    size_t n = t[0] == '-';
    while (t[n] >= '0' && t[n] <= '9')
        n++;
    if (t[n] == '.' || t[n] == 'e' || t[n] == 'E')
        return 0;
    errno = 0;
    long long v = strtoll(t, NULL, 10);
    if (errno)
        return 0;
    *out = (lua_Integer)v;
    return 1;
}

/* Pushes cJSON's value v; lex holds the position of each value in the same
 * pre-order, *k the index of v's. */
static void decode_value(lua_State *L, const cJSON *v, int depth, const cov_jlex *lex,
                         size_t *k)
{
    luaL_checkstack(L, 4, "json: nesting too deep");
    if (depth > MAX_DEPTH)
        luaL_error(L, "json: nesting deeper than %d", MAX_DEPTH);
    const char *at = *k < lex->npos ? lex->t + lex->pos[*k].off : "";
    ++*k;
    lua_Integer exact;
    if (cJSON_IsNumber(v) && exact_integer(at, &exact)) {
        lua_pushinteger(L, exact);
    } else if (cJSON_IsNull(v)) {
        lua_pushlightuserdata(L, &null_sentinel);
    } else if (cJSON_IsBool(v)) {
        lua_pushboolean(L, cJSON_IsTrue(v));
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        lua_Integer i;
        if (d == floor(d) && fabs(d) < 9007199254740992.0 && lua_numbertointeger(d, &i))
            lua_pushinteger(L, i);
        else
            lua_pushnumber(L, d);
    } else if (cJSON_IsString(v)) {
        lua_pushstring(L, v->valuestring);
    } else if (cJSON_IsArray(v)) {
        lua_newtable(L);
        luaL_setmetatable(L, ARRAY_MARK);
        lua_Integer i = 1;
        for (const cJSON *c = v->child; c; c = c->next) {
            decode_value(L, c, depth + 1, lex, k);
            lua_rawseti(L, -2, i++);
        }
    } else {
        lua_newtable(L);
        for (const cJSON *c = v->child; c; c = c->next) {
            decode_value(L, c, depth + 1, lex, k);
            lua_setfield(L, -2, c->string);
        }
    }
}

/*** cov.json.decode(text) -> value
 * Parses JSON; arrays come back marked as arrays, nulls as `cov.json.null`,
 * integers exactly (up to 64 bits). Text after the value, and strings that
 * are not UTF-8, are errors ("json: invalid JSON: ... near byte N").
 */
static int json_decode(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    cov_lua_charge(L, (double)len); /* one instruction a byte, as encode */
    cov_alloc_hook_cjson();
    /* The holder first: creating it after parsing could fail and leak the tree. */
    holder *h = lua_newuserdatauv(L, sizeof *h, 0);
    memset(h, 0, sizeof *h);
    luaL_setmetatable(L, "covengine.json.holder");
    const char *end = NULL;
    cJSON *root = h->root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        cov_lua_charge(L, 0); /* past the time limit, which refused an allocation */
        /* cJSON says NULL for bad text and for a failed allocation alike;
         * the manifest loader's lexer, which accepts no more than cJSON
         * does, tells them apart. */
        int why = cov_json_check(text, len);
        if (why == COV_OK || why == COV_ENOMEM)
            return cov_lua_nomem(L);
        size_t at = end ? (size_t)(end - text) : 0;
        return luaL_error(L, "json: invalid JSON near byte %d", (int)at + 1);
    }
    /* cJSON stops after the first value and takes string bytes as they come:
     * the lexer checks the whole text (nothing after the value, UTF-8
     * strings) and says where each value is written, so that an integer
     * reads back exactly (cJSON keeps a double). */
    h->lex.t = text;
    h->lex.len = len;
    h->lex.max_depth = CJSON_NESTING_LIMIT;
    if (cov_jlex_run(&h->lex) < 0) {
        if (h->lex.code == COV_ENOMEM)
            return cov_lua_nomem(L);
        return luaL_error(L, "json: %s near byte %d", h->lex.msg, (int)h->lex.at + 1);
    }
    size_t k = 0;
    decode_value(L, root, 0, &h->lex, &k);
    cJSON_Delete(h->root);
    h->root = NULL;
    cov_jlex_free(&h->lex);
    memset(&h->lex, 0, sizeof h->lex);
    return 1;
}

/*** cov.json.array([t]) -> t
 * Marks `t` (or a new table) to encode as an array even when empty.
 */
static int json_array(lua_State *L)
{
    if (lua_isnoneornil(L, 1))
        lua_newtable(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    luaL_setmetatable(L, ARRAY_MARK);
    return 1;
}

void cov_lua_json_push_null(lua_State *L)
{
    lua_pushlightuserdata(L, &null_sentinel);
}

int cov_lua_json_open(lua_State *L)
{
    luaL_newmetatable(L, ARRAY_MARK);
    lua_pop(L, 1);
    if (luaL_newmetatable(L, "covengine.json.holder")) {
        lua_pushcfunction(L, holder_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    static const luaL_Reg fns[] = {{"encode", json_encode},
                                   {"decode", json_decode},
                                   {"array", json_array},
                                   {NULL, NULL}};
    luaL_newlib(L, fns);
    lua_pushlightuserdata(L, &null_sentinel);
    lua_setfield(L, -2, "null");
    return 1;
}
