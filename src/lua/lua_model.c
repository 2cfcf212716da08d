/* Read-only Lua views over the C model, in the manner of awesome's objects:
 * a dataset object with methods, and a light test view whose properties are
 * computed on access by a table of getters. No Lua table per test exists
 * unless a rule asks for one. */
#include "lua/lua_model.h"

#include "base/alloc.h"
#include "formats/yaml_scalar.h"
#include "lua/lua_filter.h"
#include "lua/lua_json.h"
#include "lua/sandbox.h"
#include "model/dump.h"
#include "model/forge_join.h"
#include "model/test_props.h"

#include <lauxlib.h>
#include <string.h>

#define DATASET_MT COV_LUA_DATASET_MT
#define TEST_MT "covengine.test"

typedef cov_lua_dataset ldataset;

typedef struct ltest {
    cov_lua_ctx_slot *slot; /* the dataset's */
    cov_dataset d;
    uint32_t index;
} ltest;

static const cov_model *model_of(const cov_run_ctx *c, cov_dataset d)
{
    return c->data[d].model;
}

static const char *dataset_name(cov_dataset d)
{
    return d == COV_HEAD ? "head" : d == COV_BASE ? "base" : "history";
}

cov_run_ctx *cov_lua_ctx(lua_State *L, const cov_lua_ctx_slot *slot)
{
    if (!slot->ctx)
        luaL_error(L, "covengine: engine is closed");
    return slot->ctx;
}

cov_lua_dataset *cov_lua_check_dataset(lua_State *L, int i)
{
    ldataset *ds = luaL_checkudata(L, i, DATASET_MT);
    cov_lua_ctx(L, ds->slot);
    return ds;
}

#define check_dataset cov_lua_check_dataset

/* The model of a dataset object checked by check_dataset. */
static const cov_model *ds_model(const ldataset *ds)
{
    return model_of(cov_lua_ds_ctx(ds), ds->d);
}

/* ---- strings and small values ------------------------------------------ */

static void push_sym(lua_State *L, const cov_model *m, cov_sym s)
{
    if (s)
        lua_pushlstring(L, cov_model_str(m, s), cov_sym_len(&m->strs, s));
    else
        lua_pushnil(L);
}

static void push_name(lua_State *L, const char *name)
{
    if (name)
        lua_pushstring(L, name);
    else
        lua_pushnil(L);
}

/* Fields of the table on top of the stack: t[name] = the value (a symbol
 * or string that is absent sets nothing). */
static void set_sym(lua_State *L, const cov_model *m, const char *name, cov_sym s)
{
    push_sym(L, m, s);
    lua_setfield(L, -2, name);
}

static void set_str(lua_State *L, const char *name, const char *s)
{
    push_name(L, s);
    lua_setfield(L, -2, name);
}

static void set_int(lua_State *L, const char *name, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, name);
}

static void set_bool(lua_State *L, const char *name, int v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, name);
}

static void push_list(lua_State *L, const cov_model *m, uint32_t handle)
{
    uint32_t n;
    const cov_sym *items = cov_model_list_items(m, handle, &n);
    lua_createtable(L, (int)n, 0);
    for (uint32_t i = 0; i < n; i++) {
        push_sym(L, m, items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static void push_scalar(lua_State *L, const cov_model *m, const cov_node *n)
{
    const char *s = cov_model_str(m, n->value);
    size_t len = cov_sym_len(&m->strs, n->value);
    if (!n->plain) {
        lua_pushlstring(L, s ? s : "", len);
        return;
    }
    cov_yaml_value v;
    switch (cov_yaml_resolve(s ? s : "", len, &v)) {
    case COV_YAML_NULL: cov_lua_json_push_null(L); break;
    case COV_YAML_BOOL: lua_pushboolean(L, v.boolean); break;
    case COV_YAML_INT: lua_pushinteger(L, (lua_Integer)v.integer); break;
    case COV_YAML_FLOAT: lua_pushnumber(L, v.number); break;
    default: lua_pushlstring(L, s, len); break;
    }
}

/* A YAML node as plain Lua values (nulls as cov.json.null). Iterative: the
 * containers being filled sit on the Lua stack, one per open frame, and the
 * frames live in a userdata so an error cannot leak them. */
typedef struct node_frame {
    const cov_node *node;
    uint32_t next;
} node_frame;

static int is_container(const cov_node *n)
{
    return n->kind == COV_NODE_MAP || n->kind == COV_NODE_SEQ;
}

/* Stores the value on top of the stack as item i of the container below it. */
static void store_item(lua_State *L, const cov_model *m, const cov_node *parent, uint32_t i)
{
    if (parent->kind == COV_NODE_MAP) {
        push_scalar(L, m, &parent->items[2 * i]);
        lua_insert(L, -2);
        lua_rawset(L, -3);
    } else {
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static void push_node(lua_State *L, const cov_model *m, const cov_node *root)
{
    if (!root || !is_container(root)) {
        if (root && root->kind == COV_NODE_SCALAR)
            push_scalar(L, m, root);
        else
            cov_lua_json_push_null(L);
        return;
    }
    size_t cap = 8, top = 0;
    node_frame *stack = lua_newuserdatauv(L, cap * sizeof *stack, 0);
    int stack_at = lua_gettop(L);
    lua_newtable(L);
    stack[top++] = (node_frame){root, 0};
    while (top) {
        node_frame *f = &stack[top - 1];
        if (f->next == f->node->n) {
            /* This container is complete; hand it to its parent. */
            if (--top)
                store_item(L, m, stack[top - 1].node, stack[top - 1].next - 1);
            continue;
        }
        uint32_t i = f->next++;
        const cov_node *child =
            f->node->kind == COV_NODE_MAP ? &f->node->items[2 * i + 1] : &f->node->items[i];
        if (!is_container(child)) {
            if (child->kind == COV_NODE_SCALAR)
                push_scalar(L, m, child);
            else
                cov_lua_json_push_null(L);
            store_item(L, m, f->node, i);
            continue;
        }
        luaL_checkstack(L, 4, "YAML value nested too deeply");
        if (top == cap) {
            node_frame *bigger = lua_newuserdatauv(L, cap * 2 * sizeof *stack, 0);
            memcpy(bigger, stack, cap * sizeof *stack);
            lua_replace(L, stack_at);
            stack = bigger;
            cap *= 2;
        }
        lua_newtable(L);
        stack[top++] = (node_frame){child, 0};
    }
    lua_remove(L, stack_at);
}

static void push_fields(lua_State *L, const cov_model *m, const cov_fields *f)
{
    lua_createtable(L, 0, 6);
    set_str(L, "status", cov_status_name(f->status));
    set_str(L, "bringup_status", cov_bringup_name(f->bringup));
    set_sym(L, m, "reason", f->reason);
    if (f->has_markers) {
        push_list(L, m, f->markers);
        lua_setfield(L, -2, "markers");
    }
    if (f->has_archs) {
        push_list(L, m, f->archs);
        lua_setfield(L, -2, "supported_archs");
    }
    if (f->extra) {
        push_node(L, m, f->extra);
        lua_setfield(L, -2, "extra");
    }
}

/* ---- test views -------------------------------------------------------- */

void cov_lua_push_test(lua_State *L, int dataset_index, uint32_t i)
{
    ldataset *ds = lua_touserdata(L, dataset_index);
    ltest *t = lua_newuserdatauv(L, sizeof *t, 1);
    t->slot = ds->slot;
    t->d = ds->d;
    t->index = i;
    lua_pushvalue(L, dataset_index); /* keeps the dataset (and its owner) alive */
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, TEST_MT);
}

static const cov_test *check_test(lua_State *L, int i, const cov_model **mp)
{
    ltest *t = luaL_checkudata(L, i, TEST_MT);
    const cov_model *m = model_of(cov_lua_ctx(L, t->slot), t->d);
    if (t->index >= m->tests.count)
        luaL_error(L, "test view refers to a test that no longer exists");
    *mp = m;
    return cov_model_test(m, t->index);
}

static void push_id(lua_State *L, const cov_model *m, const cov_test *t)
{
    char small[256];
    size_t n = cov_model_test_id(m, t, small, sizeof small);
    if (n < sizeof small) {
        lua_pushlstring(L, small, n);
        return;
    }
    luaL_Buffer b;
    char *big = luaL_buffinitsize(L, &b, n + 1);
    cov_model_test_id(m, t, big, n + 1);
    luaL_pushresultsize(&b, n);
}

typedef void (*getter)(lua_State *L, const cov_model *m, const cov_test *t);

void cov_lua_push_prop(lua_State *L, const cov_model *m, int kind, uint32_t v)
{
    switch (cov_prop(kind)->type) {
    case COV_PT_SYM:
    case COV_PT_PATH: push_sym(L, m, v); return;
    case COV_PT_INT1:
        if (v)
            lua_pushinteger(L, (lua_Integer)v - 1);
        else
            lua_pushnil(L);
        return;
    case COV_PT_MFW: push_name(L, cov_model_framework_name((int)v)); return;
    case COV_PT_STATUS: push_name(L, cov_status_name((int)v)); return;
    case COV_PT_BRINGUP: push_name(L, cov_bringup_name((int)v)); return;
    case COV_PT_FILE: lua_pushstring(L, cov_model_source(m, v - 1)->path); return;
    case COV_PT_BOOL: lua_pushboolean(L, v != 0); return;
    case COV_PT_UINT: lua_pushinteger(L, v); return;
    case COV_PT_LIST: push_list(L, m, v); return;
    default: lua_pushnil(L); return;
    }
}

static void get_id(lua_State *L, const cov_model *m, const cov_test *t)
{
    push_id(L, m, t);
}

static void get_arch_status(lua_State *L, const cov_model *m, const cov_test *t)
{
    cov_arch_status small[16], *list = small;
    uint32_t n = cov_test_arches(m, t, small, 16);
    if (n > 16) {
        list = lua_newuserdatauv(L, n * sizeof *list, 0);
        cov_test_arches(m, t, list, n);
    }
    lua_createtable(L, 0, (int)(n < 16 ? n : 16));
    for (uint32_t i = 0; i < n; i++) {
        if (list[i].status)
            lua_pushstring(L, cov_status_name(list[i].status));
        else
            lua_pushboolean(L, 0);
        lua_setfield(L, -2, cov_model_str(m, list[i].arch));
    }
    if (list != small)
        lua_remove(L, -2);
}

static void get_extra(lua_State *L, const cov_model *m, const cov_test *t)
{
    if (t->f.extra)
        push_node(L, m, t->f.extra);
    else
        lua_newtable(L);
}

static void get_arch_overrides(lua_State *L, const cov_model *m, const cov_test *t)
{
    lua_createtable(L, 0, t->n_overrides);
    const cov_override *o = t->n_overrides ? cov_model_overrides(m, t) : NULL;
    for (uint32_t i = 0; i < t->n_overrides; i++) {
        push_fields(L, m, &o[i].f);
        lua_setfield(L, -2, cov_model_str(m, o[i].arch));
    }
}

static void get_loader(lua_State *L, const cov_model *m, const cov_test *t)
{
    const cov_lvariant *v =
        cov_model_test_lvariant(m, (uint32_t)(t - COV_VEC_AT(m->tests, cov_test, 0)));
    if (!v) {
        lua_pushnil(L);
        return;
    }
    const cov_loader *ld = COV_VEC_AT(m->loaders, cov_loader, v->loader);
    lua_createtable(L, 0, 8);
    set_sym(L, m, "path", ld->path);
    set_sym(L, m, "variant", v->value);
    set_sym(L, m, "source", v->field[COV_LF_SOURCE]);
    set_sym(L, m, "group", v->field[COV_LF_GROUP]);
    set_sym(L, m, "checkpoint", v->checkpoint);
    set_sym(L, m, "model", v->field[COV_LF_MODEL]);
    set_sym(L, m, "file", v->file);
    set_int(L, "line", v->line);
}

/*** @section Test views
 * `ds:tests()` and `ds:test(i)` hand out read-only views of single tests;
 * each property is computed when read, and reading an unknown one is an
 * error. Properties: `id`, `family` (raw, the id's first path component),
 * `task_path` ("causal_lm", "causal_lm/moe" or nil), `variant`, `framework`
 * (config directory: jax, torch, torch_llm), `model_framework` (jax or
 * pytorch, from the id), `llm_phase`, `seq`, `batch`, `strategy`,
 * `parallelism`, `mesh`, `exec`, `run_mode`, `parsed` (the id fits the
 * grammar; if not, only `id` and `family` are set), `status` (the summary
 * status: the entry's own when it gives one, else the best status it has on
 * the arches its `supported_archs` or `arch_overrides` name, else
 * UNSPECIFIED), `entry_status` (the entry's own, UNSPECIFIED when absent),
 * `status_given`, `arch_status` (each arch the test names in
 * `supported_archs` or `arch_overrides` -> its status there, or false where
 * it does not run), `status_elsewhere` (its status on every arch it does not
 * name, or nil: it runs only where it is named), `bringup_status`,
 * `reason`, `markers`, `supported_archs`, `arch_overrides` (arch ->
 * {status, bringup_status, reason, ...} as written), `extra` (every other
 * field, typed as YAML 1.1 reads it), `file`, `line`, `column`. With a
 * tt-forge-models tree loaded, `loader` is the loader variant the id names:
 * `{path, variant, source, group, checkpoint, model, file, line}` (nil when
 * the id names none: see `ds:unknown_ids()`), and `source`, `group` (the
 * ModelInfo fields for that variant: "EASYDEL", "RED"; nil when not
 * literal) and `checkpoint` (its pretrained_model_name) are its fields.
 * `tostring(t)` is the id; views compare equal when they show the same
 * test.
 */
/* The view's properties, in the order of test_props.h: those it pushes
 * from their value (fn NULL) and those a getter above builds. */
static const struct {
    const char *name;
    int kind;
    getter fn;
} test_getters[] = {
#define VIEW_NO(name, K)
#define VIEW_VAL(name, K) {#name, COV_K_##K, NULL},
#define VIEW_OWN(name, K) {#name, COV_K_##K, get_##name},
#define GETTER(name, K, type, value, view, ...) VIEW_##view(name, K)
    COV_TEST_PROPS(GETTER)
#undef GETTER
#undef VIEW_NO
#undef VIEW_VAL
#undef VIEW_OWN
};

static void get_property(lua_State *L, const cov_model *m, const cov_test *t, size_t i)
{
    if (test_getters[i].fn)
        test_getters[i].fn(L, m, t);
    else
        cov_lua_push_prop(L, m, test_getters[i].kind,
                          cov_prop_value(m, t, test_getters[i].kind));
}

/*** t:status_on(arch) -> status | nil
 * The status that applies on `arch`, or nil where the test does not run: an
 * arch outside its `supported_archs`, or, for an entry with no status of its
 * own whose arch overrides give one, an arch they do not name. Elsewhere the
 * arch override's status, else the entry's own (UNSPECIFIED when absent).
 */
static int test_status_on(lua_State *L)
{
    const cov_model *m;
    const cov_test *t = check_test(L, 1, &m);
    size_t len;
    const char *arch = luaL_checklstring(L, 2, &len);
    cov_sym a = cov_intern_find(&m->strs, arch, len);
    push_name(L, cov_status_name(a ? cov_test_status_on(m, t, a)
                                   : cov_test_status_elsewhere(m, t)));
    return 1;
}

/*** t:totable() -> table
 * A plain table of every property, for printing or JSON.
 */
static int test_totable(lua_State *L)
{
    const cov_model *m;
    const cov_test *t = check_test(L, 1, &m);
    lua_createtable(L, 0, (int)(sizeof test_getters / sizeof *test_getters));
    for (size_t i = 0; i < sizeof test_getters / sizeof *test_getters; i++) {
        get_property(L, m, t, i);
        lua_setfield(L, -2, test_getters[i].name);
    }
    return 1;
}

/* __index: upvalue 1 maps property names to getter indices, upvalue 2 holds
 * the methods. Unknown names are errors: a typo should not read as nil. */
static int test_index(lua_State *L)
{
    const cov_model *m;
    const cov_test *t = check_test(L, 1, &m);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER) {
        get_property(L, m, t, (size_t)lua_tointeger(L, -1));
        return 1;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL)
        return 1;
    return luaL_error(L, "test has no property '%s'", luaL_tolstring(L, 2, NULL));
}

static int test_newindex(lua_State *L)
{
    return luaL_error(L, "test views are read-only (tried to set '%s')",
                      luaL_tolstring(L, 2, NULL));
}

static int test_tostring(lua_State *L)
{
    const cov_model *m;
    const cov_test *t = check_test(L, 1, &m);
    push_id(L, m, t);
    return 1;
}

static int test_eq(lua_State *L)
{
    ltest *a = luaL_checkudata(L, 1, TEST_MT), *b = luaL_checkudata(L, 2, TEST_MT);
    lua_pushboolean(L, a->slot == b->slot && a->d == b->d && a->index == b->index);
    return 1;
}

/* ---- dataset ----------------------------------------------------------- */

/*** @section Datasets
 * A dataset holds what was loaded: tt-xla tests and placeholders and an
 * EasyDeL inventory. `#ds` is its number of tests.
 */

/*** ds:count() -> integer
 * The number of tests.
 */
static int ds_count(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    lua_pushinteger(L, ds_model(ds)->tests.count);
    return 1;
}

/*** ds:name() -> "head" | "base" | "history"
 */
static int ds_name(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    lua_pushstring(L, dataset_name(ds->d));
    return 1;
}

/*** ds:loaded() -> boolean
 * Whether anything was loaded into the dataset.
 */
static int ds_loaded(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    lua_pushboolean(L, cov_lua_handle(ds)->loaded);
    return 1;
}

/*** ds:test(i) -> test view | nil
 * The i-th test (1-based, in load order).
 */
static int ds_test(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    if (i < 1 || i > (lua_Integer)ds_model(ds)->tests.count) {
        lua_pushnil(L);
        return 1;
    }
    cov_lua_push_test(L, 1, (uint32_t)(i - 1));
    return 1;
}

/* Iterator state: upvalue 1 the dataset, 2 a userdata {filter, position}. */
typedef struct iter {
    cov_lua_filter f;
    uint32_t pos; /* next position in order[] or tests */
    uint32_t end;
    const uint32_t *order;    /* family index run, or NULL to scan all */
    unsigned long generation; /* a load while iterating ends the walk */
} iter;

static int tests_next(lua_State *L)
{
    ldataset *ds = check_dataset(L, lua_upvalueindex(1));
    iter *it = lua_touserdata(L, lua_upvalueindex(2));
    const cov_model *m = ds_model(ds);
    if (it->f.impossible || it->generation != cov_lua_handle(ds)->generation)
        return 0;
    while (it->pos < it->end) {
        uint32_t i = it->order ? it->order[it->pos] : it->pos;
        it->pos++;
        if (cov_lua_filter_match(&it->f, cov_model_test(m, i))) {
            cov_lua_push_test(L, lua_upvalueindex(1), i);
            return 1;
        }
    }
    return 0;
}

/*** ds:tests([filter]) -> iterator
 * Iterates test views in file order. `filter` may give `family`, `framework`,
 * `task_path`, `variant` (exact names; `task_path = false`: no task path)
 * and `parsed` (boolean); filtering by family uses an index, so it does not
 * scan every test.
 */
static int ds_tests(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    lua_settop(L, 2); /* the filter, or nil */
    iter *it = lua_newuserdatauv(L, sizeof *it, 0);
    memset(it, 0, sizeof *it);
    cov_lua_filter_read(L, m, 2, &it->f, "tests{}");
    it->generation = cov_lua_handle(ds)->generation;
    cov_lua_filter_range(L, cov_lua_ds_ctx(ds), ds->d, &it->f, &it->order, &it->pos,
                         &it->end);
    lua_pushvalue(L, 1);
    lua_insert(L, -2);
    lua_pushcclosure(L, tests_next, 2);
    return 1;
}

/*** ds:placeholders() -> array
 * The placeholder models: `{name, bringup_status, file, line, extra}`.
 */
static int ds_placeholders(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    lua_createtable(L, (int)m->placeholders.count, 0);
    for (uint32_t i = 0; i < m->placeholders.count; i++) {
        const cov_placeholder *p = COV_VEC_AT(m->placeholders, cov_placeholder, i);
        lua_createtable(L, 0, 5);
        set_sym(L, m, "name", p->name);
        set_str(L, "bringup_status", cov_bringup_name(p->bringup));
        set_str(L, "file", cov_model_source(m, p->source)->path);
        set_int(L, "line", p->line);
        if (p->f.extra) {
            push_node(L, m, p->f.extra);
            lua_setfield(L, -2, "extra");
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/*** ds:modules() -> array
 * The EasyDeL modules sorted by name: `{name, type, registrations = {{task,
 * model_type, config, class, file, line}, ...}}` (`file` and `line` only for
 * a scanned checkout; `type` only where the manifest gives one).
 */
static int ds_modules(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    lua_createtable(L, (int)m->modules.count, 0);
    for (uint32_t i = 0; i < m->modules.count; i++) {
        const cov_module *mod = COV_VEC_AT(m->modules, cov_module, i);
        lua_createtable(L, 0, 2);
        set_sym(L, m, "name", mod->name);
        set_sym(L, m, "type", mod->type);
        lua_createtable(L, (int)mod->count, 0);
        for (uint32_t k = 0; k < mod->count; k++) {
            const cov_registration *r =
                COV_VEC_AT(m->registrations, cov_registration, mod->first + k);
            lua_createtable(L, 0, 6);
            set_sym(L, m, "task", r->task);
            set_sym(L, m, "model_type", r->model_type);
            set_sym(L, m, "config", r->config);
            set_sym(L, m, "class", r->class_name);
            if (r->file) {
                set_sym(L, m, "file", r->file);
                set_int(L, "line", r->line);
            }
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        lua_setfield(L, -2, "registrations");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/*** ds:easydel() -> table | nil
 * `{revision, date, source, module_count}` of the EasyDeL inventory, or nil
 * when none is loaded.
 */
static int ds_easydel(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    if (!m->has_easydel) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 4);
    set_sym(L, m, "revision", m->easydel_revision);
    set_sym(L, m, "date", m->easydel_date);
    set_str(L, "source", cov_model_source(m, m->easydel_source)->path);
    set_int(L, "module_count", m->modules.count);
    return 1;
}

static void push_lvariant(lua_State *L, const cov_model *m, const cov_lvariant *v)
{
    lua_createtable(L, 0, 12);
    set_sym(L, m, "name", v->name);
    set_sym(L, m, "value", v->value);
    set_sym(L, m, "checkpoint", v->checkpoint);
    set_int(L, "line", v->line);
    set_bool(L, "tested", v->tests > 0);
    set_int(L, "tests", v->tests);
    set_bool(L, "prefill", v->prefill);
    for (int f = 0; f < COV_LF_COUNT; f++) {
        push_sym(L, m, v->field[f]);
        lua_setfield(L, -2, cov_loader_field_name(f));
    }
}

static void push_loader(lua_State *L, const cov_model *m, const cov_loader *ld)
{
    lua_createtable(L, 0, 20);
    set_sym(L, m, "path", ld->path);
    set_sym(L, m, "file", ld->file);
    set_int(L, "line", ld->line);
    set_sym(L, m, "family", ld->family);
    set_sym(L, m, "task_path", ld->task);
    set_str(L, "model_framework", cov_model_framework_name(ld->mfw));
    set_sym(L, m, "base", ld->base);
    set_sym(L, m, "default_variant", ld->default_variant);
    set_bool(L, "readable", ld->readable);
    lua_createtable(L, 2, 0);
    int np = 0;
    if (ld->phases & COV_LOADER_DECODE) {
        lua_pushliteral(L, "llm_decode");
        lua_rawseti(L, -2, ++np);
    }
    if (ld->phases & COV_LOADER_PREFILL) {
        lua_pushliteral(L, "llm_prefill");
        lua_rawseti(L, -2, ++np);
    }
    lua_setfield(L, -2, "llm_phases");
    lua_createtable(L, 0, COV_LF_COUNT); /* fields */
    lua_createtable(L, COV_LF_COUNT, 0); /* computed */
    int nc = 0;
    for (int f = 0; f < COV_LF_COUNT; f++) {
        const cov_loader_field *lf = &ld->f[f];
        const char *name = cov_loader_field_name(f);
        push_sym(L, m, lf->how == COV_LV_LITERAL ? lf->value : COV_SYM_NONE);
        lua_setfield(L, -4, name);
        if (lf->how != COV_LV_LITERAL && lf->how != COV_LV_ABSENT) {
            lua_pushstring(L, name);
            lua_rawseti(L, -2, ++nc);
        }
        lua_createtable(L, 0, 3);
        set_str(L, "how", cov_loader_how_name(lf->how));
        if (lf->line) {
            set_int(L, "line", lf->line);
        }
        if (lf->how == COV_LV_CANDIDATES) {
            push_list(L, m, lf->cands);
            lua_setfield(L, -2, "candidates");
        }
        lua_setfield(L, -3, name);
    }
    lua_setfield(L, -3, "computed");
    lua_setfield(L, -2, "fields");
    uint32_t tests = 0;
    lua_createtable(L, ld->variantless ? 0 : (int)ld->count, 0);
    for (uint32_t k = 0; k < ld->count; k++) {
        const cov_lvariant *v = COV_VEC_AT(m->lvariants, cov_lvariant, ld->first + k);
        tests += v->tests;
        if (ld->variantless)
            continue;
        push_lvariant(L, m, v);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "variants");
    /* A loader without variants: the checkpoint it names itself. */
    push_sym(L, m,
             ld->variantless ? COV_VEC_AT(m->lvariants, cov_lvariant, ld->first)->checkpoint
                             : COV_SYM_NONE);
    lua_setfield(L, -2, "checkpoint");
    set_bool(L, "tested", tests > 0);
    set_int(L, "tests", tests);
}

/*** ds:loaders() -> array
 * The tt-forge-models loaders (empty without a tree), in the order of their
 * files' paths: `{path, file, line, family, task_path, model_framework,
 * source, group, task, model, framework, computed, fields, base,
 * default_variant, readable, llm_phases, variants, checkpoint, tested, tests}`. `path`
 * is the loader's directory ("gpt2/causal_lm/jax"), `family` and
 * `task_path` its parts, `model_framework` "jax" or "pytorch" when test ids
 * can name it (nil for onnx/ and the like). `source`, `group`, `task`,
 * `model`, `framework` are the ModelInfo fields when one literal holds for
 * every variant; `computed` names the others, and `fields[name]` says how
 * each is written: `{how = "literal" | "per_variant" | "candidates" |
 * "computed" | "absent", line, candidates}`. `base` is an adapter's base
 * loader, `readable` false when the lexer could not follow the file.
 * `variants`: `{name, value, checkpoint, line, tested, tests, prefill,
 * source, group, task, model, framework}` (the fields for that variant, nil
 * where not known); a loader without variants has none, and its own
 * `tested`/`tests` count the entries naming it and `checkpoint` is the one
 * literal it assigns to `self.model_name` or `self.pretrained_model_name`. A variant (or
 * variantless loader) with `tested` false is *unlisted*: no config entry names it.
 */
static int ds_loaders(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    lua_createtable(L, (int)m->loaders.count, 0);
    for (uint32_t i = 0; i < m->loaders.count; i++) {
        push_loader(L, m, COV_VEC_AT(m->loaders, cov_loader, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/*** ds:tt_forge_models() -> table | nil
 * `{source, loaders, unknown}` of the tt-forge-models tree (its directory,
 * how many loaders, how many tests name no loader variant), or nil when
 * none is loaded.
 */
static int ds_tt_forge_models(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    if (!m->has_forge) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 3);
    set_str(L, "source", cov_model_source(m, m->forge_source)->path);
    set_int(L, "loaders", m->loaders.count);
    set_int(L, "unknown", m->unknown);
    return 1;
}

/*** ds:unknown_ids() -> array
 * With a tt-forge-models tree, the tests whose id names no loader variant
 * (the loader warns about each): `{id, framework, file, line, column,
 * reason}`, in load order; `reason` says what is missing ("no loader.py in
 * gpt2/causal_lm/jax", "loader ... has no variant 'X'"). Empty without a
 * tree.
 */
static int ds_unknown_ids(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    lua_createtable(L, (int)m->unknown, 0);
    int n = 0;
    for (uint32_t i = 0; m->has_forge && i < m->tests.count; i++) {
        char why[1200];
        const char *reason = cov_forge_unknown_reason(m, i, why, sizeof why);
        if (!reason)
            continue;
        const cov_test *t = cov_model_test(m, i);
        lua_createtable(L, 0, 6);
        push_id(L, m, t);
        lua_setfield(L, -2, "id");
        set_sym(L, m, "framework", t->framework);
        set_str(L, "file", cov_model_source(m, t->source)->path);
        set_int(L, "line", t->line);
        set_int(L, "column", t->column);
        set_str(L, "reason", reason);
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

/*** ds:sources() -> array
 * The files read: `{path, kind, framework, entries}` with kind one of
 * test_config, placeholders, easydel_manifest, easydel_checkout,
 * tt_forge_models (a directory; entries: its loaders).
 */
static int ds_sources(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    lua_createtable(L, (int)m->sources.count, 0);
    for (uint32_t i = 0; i < m->sources.count; i++) {
        const cov_source *s = cov_model_source(m, i);
        lua_createtable(L, 0, 4);
        set_str(L, "path", s->path);
        set_str(L, "kind", cov_source_kind_name(s->kind));
        set_sym(L, m, "framework", s->framework);
        set_int(L, "entries", s->entries);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/*** ds:warnings() -> array, total
 * The warnings loading this dataset gave (an unknown field, an unparsed id,
 * a duplicate key, ...), in the order they came: `{file, line, column,
 * message}` (`file` nil, `line` and `column` 0 where there is none), the
 * first 10000 of them, and how many there were in all. For reports of
 * findings (`--format sarif`, `--format github`).
 */
static int ds_warnings(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_warning_log *log = &cov_lua_handle(ds)->warnings;
    lua_createtable(L, (int)log->n, 0);
    for (size_t i = 0; i < log->n; i++) {
        const cov_warning_rec *w = &log->items[i];
        lua_createtable(L, 0, 4);
        if (w->file) {
            set_str(L, "file", w->file);
        }
        set_int(L, "line", w->line);
        set_int(L, "column", w->column);
        set_str(L, "message", w->message);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushinteger(L, (lua_Integer)log->total);
    return 2;
}

/* Pushes the C string given as a light userdata. */
static int push_text(lua_State *L)
{
    lua_pushstring(L, lua_touserdata(L, 1));
    return 1;
}

/*** ds:duplicates() -> array
 * Ids repeated, within one framework, in another file (the loader warns
 * about each). As in tt-xla, which merges its files in sorted order, the
 * later file's entry replaces the earlier one's: the dataset keeps that one
 * test. Each is `{id, framework, file, line}` of the entry kept and
 * `replaced_file, replaced_line` of the one it replaced (also as
 * `first_file, first_line`), in file order of the replaced entries.
 */
static int ds_duplicates(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    uint32_t n = m->duplicates.count;
    lua_createtable(L, (int)n, 0);
    for (uint32_t k = 0; k < n; k++) {
        const cov_duplicate *d = COV_VEC_AT(m->duplicates, cov_duplicate, k);
        const cov_test *kept = cov_model_test(m, d->test);
        lua_createtable(L, 0, 8);
        push_id(L, m, kept);
        lua_setfield(L, -2, "id");
        set_sym(L, m, "framework", kept->framework);
        set_str(L, "file", cov_model_source(m, kept->source)->path);
        set_int(L, "line", kept->line);
        for (int alias = 0; alias < 2; alias++) {
            lua_pushstring(L, cov_model_source(m, d->source)->path);
            lua_setfield(L, -2, alias ? "first_file" : "replaced_file");
            lua_pushinteger(L, d->line);
            lua_setfield(L, -2, alias ? "first_line" : "replaced_line");
        }
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/*** ds:arches() -> array
 * Every arch some test names in `supported_archs` or `arch_overrides`,
 * sorted: the arches on which counts can differ.
 */
static int ds_arches(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    const cov_model *m = ds_model(ds);
    uint32_t n;
    const cov_sym *a = cov_model_arches(m, &n);
    if (n == UINT32_MAX)
        return cov_lua_nomem(L);
    lua_createtable(L, (int)n, 0);
    for (uint32_t i = 0; i < n; i++) {
        push_sym(L, m, a[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/*** ds:dump() -> string
 * The dataset as `covengine.dump/1` JSON, as `covengine --dump` prints it.
 */
static int ds_dump(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    cov_error err;
    cov_error_clear(&err);
    cov_diag diag = cov_run_diag(cov_lua_ds_ctx(ds), &err);
    char *text = cov_dump_model(ds_model(ds), &diag);
    if (!text)
        return err.code == COV_ENOMEM ? cov_lua_nomem(L) : luaL_error(L, "%s", err.message);
    /* Copied in a protected call: if the copy runs out of memory, text is
     * still freed before the error goes on. */
    lua_pushcfunction(L, push_text);
    lua_pushlightuserdata(L, text);
    int status = lua_pcall(L, 1, 1, 0);
    cov_free(text);
    return status == LUA_OK ? 1 : lua_error(L);
}

/* Loads raise "FILE:LINE:COL: message" as a Lua error at the caller; running
 * out of memory raises Lua's memory error. */
static int load_result(lua_State *L, int rc, const cov_error *err)
{
    if (rc == COV_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    if (rc == COV_ENOMEM)
        return cov_lua_nomem(L);
    char buf[2200];
    cov_error_format(err, buf, sizeof buf);
    lua_pushstring(L, buf);
    return lua_error(L);
}

/* A ds:load_* method: what it loads and its arguments after ds: a path (a
 * name with text) unless it loads the snapshot, then the text when text,
 * then an optional framework when framework. */
typedef struct load_method {
    const char *name;
    cov_load_kind kind;
    unsigned char text, framework;
} load_method;

static const load_method load_methods[] = {
    /*** ds:load_tt_xla(dir) -> true
     * Loads every test_config_*.yaml under `dir`, or of a git revision when
     * `dir` is `"git:REPO@REV"` (files named `REPO@COMMIT:PATH`). Like every
     * loader, raises `"FILE:LINE:COL: message"` on bad input and then leaves the
     * dataset as it was.
     */
    {"load_tt_xla", COV_LOAD_TTXLA, 0, 0},
    /*** ds:load_config(path [, framework]) -> true
     * Loads one YAML file; the framework defaults to its directory's name.
     */
    {"load_config", COV_LOAD_CONFIG, 0, 1},
    /*** ds:load_config_string(name, text [, framework]) -> true
     * Loads YAML text; `name` stands for the file in messages.
     */
    {"load_config_string", COV_LOAD_CONFIG_BUFFER, 1, 1},
    /*** ds:load_easydel(path) -> true
     * Loads an EasyDeL manifest (.json) or scans a checkout directory, or a
     * git revision's (`"git:REPO@REV"`).
     */
    {"load_easydel", COV_LOAD_EASYDEL, 0, 0},
    /*** ds:load_easydel_string(name, json) -> true
     * Loads a manifest from text.
     */
    {"load_easydel_string", COV_LOAD_EASYDEL_BUFFER, 1, 0},
    /*** ds:load_tt_forge_models(dir) -> true
     * Reads every loader.py of a tt-forge-models checkout (one per dataset) and
     * joins the dataset's tests, loaded before or after, to their loader
     * variants.
     */
    {"load_tt_forge_models", COV_LOAD_FORGE, 0, 0},
    /*** ds:load_snapshot() -> true
     * Loads the built-in snapshot (what the CLI uses without input options).
     */
    {"load_snapshot", COV_LOAD_SNAPSHOT, 0, 0},
};

/* Every ds:load_* (upvalue 1: its row of load_methods) loads into the
 * dataset through the run context's hook. In the sandbox rules get no file
 * access: loads that take a path are refused (whatever the path: the host's
 * own inputs are loaded already), loads from text and the built-in snapshot
 * are charged by their size. */
static int ds_load(lua_State *L)
{
    const load_method *lm = &load_methods[lua_tointeger(L, lua_upvalueindex(1))];
    ldataset *ds = check_dataset(L, 1);
    cov_load_req r = {lm->kind, NULL, NULL, 0, NULL};
    int arg = 2;
    if (lm->kind != COV_LOAD_SNAPSHOT)
        r.path = luaL_checkstring(L, arg++);
    if (lm->text)
        r.buf = luaL_checklstring(L, arg++, &r.len);
    if (lm->framework)
        r.framework = luaL_optstring(L, arg, NULL);
    /* Rules run in a state of their own (a budget state); a host script
     * using the stock-Lua module calls from its own state and keeps its
     * file access. */
    if (cov_lua_ds_ctx(ds)->sandbox && cov_lua_budget_of(L) && r.path && !r.buf) {
        cov_lua_where(L);
        lua_pushfstring(L, "%s: no file access in the sandbox (the host loads the inputs)",
                        lm->name);
        lua_concat(L, 2);
        return lua_error(L);
    }
    cov_lua_charge(L, 1000 + (double)r.len / 4);
    cov_error err;
    const cov_run_ctx *c = cov_lua_ds_ctx(ds);
    return load_result(L, c->load(c->load_ud, ds->d, &r, &err), &err);
}

static const luaL_Reg dataset_methods[] = {
    {"name", ds_name},
    {"loaded", ds_loaded},
    {"count", ds_count},
    {"test", ds_test},
    {"tests", ds_tests},
    {"placeholders", ds_placeholders},
    {"modules", ds_modules},
    {"easydel", ds_easydel},
    {"sources", ds_sources},
    {"warnings", ds_warnings},
    {"dump", ds_dump},
    {"duplicates", ds_duplicates},
    {"arches", ds_arches},
    {"loaders", ds_loaders},
    {"tt_forge_models", ds_tt_forge_models},
    {"unknown_ids", ds_unknown_ids},
    {NULL, NULL},
};

static int ds_tostring(lua_State *L)
{
    ldataset *ds = check_dataset(L, 1);
    lua_pushfstring(L, "covengine dataset '%s' (%d tests)", dataset_name(ds->d),
                    (int)ds_model(ds)->tests.count);
    return 1;
}

void cov_lua_model_init(lua_State *L)
{
    if (luaL_newmetatable(L, DATASET_MT)) {
        size_t n = sizeof load_methods / sizeof *load_methods;
        lua_createtable(L, 0, (int)(sizeof dataset_methods / sizeof *dataset_methods + n));
        luaL_setfuncs(L, dataset_methods, 0);
        for (size_t i = 0; i < n; i++) {
            lua_pushinteger(L, (lua_Integer)i);
            lua_pushcclosure(L, ds_load, 1);
            lua_setfield(L, -2, load_methods[i].name);
        }
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, ds_count);
        lua_setfield(L, -2, "__len");
        lua_pushcfunction(L, ds_tostring);
        lua_setfield(L, -2, "__tostring");
        lua_pushliteral(L, "covengine.dataset");
        lua_setfield(L, -2, "__name");
        lua_pushboolean(L, 0); /* getmetatable() must not hand out the methods */
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, TEST_MT)) {
        /* upvalue 1: property name -> getter index */
        size_t n = sizeof test_getters / sizeof *test_getters;
        lua_createtable(L, 0, (int)n);
        for (size_t i = 0; i < n; i++) {
            lua_pushinteger(L, (lua_Integer)i);
            lua_setfield(L, -2, test_getters[i].name);
        }
        /* upvalue 2: methods */
        static const luaL_Reg methods[] = {
            {"status_on", test_status_on}, {"totable", test_totable}, {NULL, NULL}};
        luaL_newlib(L, methods);
        lua_pushcclosure(L, test_index, 2);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, test_newindex);
        lua_setfield(L, -2, "__newindex");
        lua_pushcfunction(L, test_tostring);
        lua_setfield(L, -2, "__tostring");
        lua_pushcfunction(L, test_eq);
        lua_setfield(L, -2, "__eq");
        set_bool(L, "__metatable", 0);
    }
    lua_pop(L, 1);
}

void cov_lua_push_dataset(lua_State *L, int slot_index, cov_dataset d)
{
    slot_index = lua_absindex(L, slot_index);
    ldataset *ds = lua_newuserdatauv(L, sizeof *ds, 1);
    ds->slot = lua_touserdata(L, slot_index);
    ds->d = d;
    lua_pushvalue(L, slot_index); /* the slot outlives every view of it */
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, DATASET_MT);
}
