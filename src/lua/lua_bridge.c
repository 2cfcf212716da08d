/* The covengine module and the rule runner. Like lua.c: the run is one
 * protected call (pmain) with a message handler that keeps a traceback;
 * everything it allocates belongs to the Lua state, so any error, including
 * running out of memory or instructions, unwinds cleanly. */
#include "lua/lua_bridge.h"

#include "base/alloc.h"
#include "base/embedded.h"
#include "base/fsutil.h"
#include "load/load_history.h"
#include "lua/lua_group.h"
#include "lua/lua_json.h"
#include "lua/lua_model.h"
#include "lua/sandbox.h"
#include "lua/traceback.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The registry key of the last traceback: an address, so that reading it
 * back after a failed run (unprotected) needs no string, hence no memory. */
static const char TRACEBACK_KEY = 't';
/* The error object that ends a settings pass (cov_read_settings): raised by
 * cov.settings_given, or by a first use of the data when there were none. */
static char SETTINGS_DONE;
#define ABORT_MT "covengine.abort"

/* ---- module functions -------------------------------------------------- */

/* The run context the module was pushed for, through its slot: upvalue 1
 * of its functions. */
static cov_run_ctx *ctx_of(lua_State *L)
{
    return cov_lua_ctx(L, lua_touserdata(L, lua_upvalueindex(1)));
}

/*** @section The module
 * `local cov = require "covengine"` inside a rule script (or in stock lua5.4
 * with the C module). Fields: `cov.version`, `cov.statuses` and
 * `cov.bringup_statuses` (enum names in order), `cov.options` (string options
 * from the command line: `format`, `output`, `explain`, `baseline`,
 * `fail_under`, `fail_on_regression`), `cov.args` (the script's arguments
 * after `--`, also passed as `...`), `cov.rules_file`, `cov.rule_dirs` (where
 * `require` looks for rule modules: `$COVENGINE_PATH`, the script's
 * directory, the installed rules), `cov.data_dir` (where the installed rules
 * and Lua files are), `cov.head` (the dataset being reported on) and
 * `cov.base` (the dataset to compare against; nil unless one was loaded).
 * Every dataset method below is also a module function acting on `cov.head`:
 * `cov.tests{...}` is `cov.head:tests{...}`.
 */

/*** cov.write(...)
 * Appends its arguments (strings or numbers) to the report. A string the
 * script returns is appended too.
 */
static int mod_write(lua_State *L)
{
    cov_run_ctx *c = ctx_of(L);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_checklstring(L, i, &len);
        cov_buf_add(&c->emitted, s, len);
    }
    if (c->emitted.oom)
        return cov_lua_nomem(L);
    return 0;
}

/* Fills file/line with the position of the Lua code that called us. */
static void caller_position(lua_State *L, char *file, size_t size, int *line)
{
    lua_Debug ar;
    file[0] = '\0';
    *line = 0;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            snprintf(file, size, "%s", ar.short_src);
            *line = ar.currentline;
            return;
        }
    }
}

/*** cov.warn(message [, where [, severity]])
 * Emits a warning (on stderr in the CLI) placed at `where` ("file:line", as
 * `cov.where` gives) or else at the rule line that issued it. `severity`
 * "error" makes it an error the run is about to stop for (a `--strict`
 * lint): the CLI says `error:` and shows it even with `-q`.
 */
static int mod_warn(lua_State *L)
{
    static const char *const severities[] = {"warning", "error", NULL};
    cov_run_ctx *c = ctx_of(L);
    const char *msg = luaL_checkstring(L, 1);
    const char *where = luaL_optstring(L, 2, NULL);
    int error = luaL_checkoption(L, 3, "warning", severities);
    char file[512];
    int line = 0;
    const char *colon = where ? strrchr(where, ':') : NULL;
    if (colon && colon != where && colon[1]) {
        snprintf(file, sizeof file, "%.*s", (int)(colon - where), where);
        line = atoi(colon + 1);
    } else {
        caller_position(L, file, sizeof file, &line);
    }
    cov_diag d = cov_run_diag(c, NULL);
    cov_note(&d, error ? COV_ERULE : COV_OK, file[0] ? file : NULL, line, 0, "%s", msg);
    return 0;
}

/*** cov.where([level]) -> "file:line" | nil
 * The position of the Lua code `level` calls up (1, the default, is the
 * caller of `cov.where`), for rules that record where they were defined.
 */
static int mod_where(lua_State *L)
{
    int level = (int)luaL_optinteger(L, 1, 1);
    lua_Debug ar;
    if (level < 0 || !lua_getstack(L, level, &ar)) {
        lua_pushnil(L);
        return 1;
    }
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline <= 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
    return 1;
}

/*** cov.fail_gate(reason)
 * Marks a gate as failed: the run completes and writes its report, then
 * exits with status 1 printing `reason` (the first one given).
 */
static int mod_fail_gate(lua_State *L)
{
    cov_run_ctx *c = ctx_of(L);
    const char *reason = luaL_checkstring(L, 1);
    if (!c->gate_failed) {
        c->gate_failed = 1;
        snprintf(c->gate_reason, sizeof c->gate_reason, "%s", reason);
    }
    return 0;
}

/*** cov.abort(message)
 * Stops the run with `message` as a one-line error (exit status 2) and no
 * traceback: for problems in the user's input or options (an unknown family
 * to explain, an unknown format), not for bugs in the rules.
 */
static int abort_with(lua_State *L, const char *msg)
{
    lua_newtable(L);
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "message");
    luaL_setmetatable(L, ABORT_MT);
    return lua_error(L);
}

static int mod_abort(lua_State *L)
{
    return abort_with(L, luaL_checkstring(L, 1));
}

/*** cov.baseline() -> table | nil
 * The previous `covengine.report/1` JSON given with `--baseline FILE`
 * (option `baseline`), decoded, or nil without one. A file that cannot be
 * read or is not JSON stops the run with a FILE:LINE:COL error (exit 2).
 */
/* pcall'd by mod_baseline: the file's bytes (a light userdata and length) as a string. */
static int push_text(lua_State *L)
{
    lua_pushlstring(L, lua_touserdata(L, 1), (size_t)lua_tointeger(L, 2));
    return 1;
}

static int mod_baseline(lua_State *L)
{
    cov_run_ctx *c = ctx_of(L);
    const char *path = cov_run_option(c, "baseline");
    if (!path) {
        lua_pushnil(L);
        return 1;
    }
    cov_error err;
    cov_diag d = {&err, NULL, NULL, 0};
    char *text;
    size_t len;
    if (cov_read_file(path, c->limits->max_file_size, &text, &len, &d) != COV_OK) {
        char line[2200];
        return abort_with(L, cov_error_format(&err, line, sizeof line));
    }
    /* Lua's copy, made under pcall: a memory error must not leak ours. */
    lua_pushcfunction(L, push_text);
    lua_pushlightuserdata(L, text);
    lua_pushinteger(L, (lua_Integer)len);
    int copied = lua_pcall(L, 2, 1, 0);
    cov_free(text);
    if (copied != LUA_OK)
        return lua_error(L);
    int s = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(2)); /* cov.json.decode */
    lua_pushvalue(L, s);
    if (lua_pcall(L, 1, 1, 0) == LUA_OK)
        return 1;
    /* "json: invalid JSON near byte N": say where as line and column. */
    const char *msg = lua_tostring(L, -1);
    const char *t = lua_tolstring(L, s, &len);
    long at = 0;
    const char *near = msg ? strstr(msg, "near byte ") : NULL;
    if (near)
        at = strtol(near + 10, NULL, 10) - 1;
    int line = 1, col = 1;
    for (long i = 0; i < at && (size_t)i < len; i++) {
        if (t[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return abort_with(L,
                      lua_pushfstring(L, "%s:%d:%d: not a covengine report: invalid JSON",
                                      path, line, col));
}

/*** cov.distance(a, b [, limit]) -> integer
 * The edit distance (Levenshtein, bytes) between strings a and b; with a
 * limit, any distance over it is reported as limit + 1, which is faster.
 * For "did you mean" suggestions.
 */
static int mod_distance(lua_State *L)
{
    size_t la, lb;
    const char *a = luaL_checklstring(L, 1, &la);
    const char *b = luaL_checklstring(L, 2, &lb);
    lua_Integer lim = luaL_optinteger(L, 3, -1);
    size_t limit = lim < 0 ? (la > lb ? la : lb) : (size_t)lim;
    size_t over = limit + 1;
    /* The band is at most 2 * limit + 1 wide: charge the cells it fills. */
    double band = 2 * (double)limit + 1;
    cov_lua_charge(L, (double)la * (band < (double)lb ? band : (double)lb) / 8);
    if ((la > lb ? la - lb : lb - la) > limit) {
        lua_pushinteger(L, (lua_Integer)over);
        return 1;
    }
    /* Two rows of the dynamic programme; only the band |i - j| <= limit can
     * stay within the limit. Names (the callers' case) fit on the stack: a
     * userdata each would be an allocation and garbage per comparison. */
    size_t small[2 * 128];
    size_t *row = lb < 128 ? small : lua_newuserdatauv(L, 2 * (lb + 1) * sizeof *row, 0);
    size_t *prev = row, *cur = row + lb + 1;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j <= limit ? j : over;
    for (size_t i = 1; i <= la; i++) {
        size_t lo = i > limit ? i - limit : 1, hi = i + limit < lb ? i + limit : lb;
        cur[lo - 1] = (lo == 1 && i <= limit) ? i : over;
        size_t best = cur[lo - 1];
        for (size_t j = lo; j <= hi; j++) {
            size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (v > over)
                v = over;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (hi < lb)
            cur[hi + 1] = over;
        if (best > limit) {
            lua_pushinteger(L, (lua_Integer)over);
            return 1;
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    lua_pushinteger(L, (lua_Integer)(prev[lb] <= limit ? prev[lb] : over));
    return 1;
}

/*** cov.settings_given(list)
 * How `covengine.settings{...}` hands its settings to the engine: `list` is
 * an array of `{name, value}` string pairs. In the settings pass the CLI
 * runs before loading inputs (`cov_read_settings`) this passes them on and
 * ends the pass; in the run after it, it does nothing, unless the pass
 * ended before reaching it (the script used the data first): then it is an
 * error, as the settings would silently not apply.
 */
static int mod_settings_given(lua_State *L)
{
    cov_run_ctx *c = ctx_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    if (!c->settings_pass && c->settings_read == 1)
        return luaL_error(L,
                          "settings{...} comes after the script's first use of the data, "
                          "too late to apply: call it before");
    if (!c->settings_pass)
        return 0;
    lua_Integer n = luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        luaL_checktype(L, -1, LUA_TTABLE);
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        const char *name = luaL_checkstring(L, -2), *value = luaL_checkstring(L, -1);
        if (c->setting_fn && c->setting_fn(c->setting_ud, name, value) != 0)
            return luaL_error(L, "settings: cannot apply '%s' = '%s'", name, value);
        lua_pop(L, 3);
    }
    c->settings_read = 2;
    lua_pushlightuserdata(L, &SETTINGS_DONE);
    return lua_error(L);
}

/* In a settings pass, the data is not loaded yet: a first use of it means
 * the script gives no settings (before that point), which ends the pass. */
static int settings_pass_over(lua_State *L)
{
    lua_pushlightuserdata(L, &SETTINGS_DONE);
    return lua_error(L);
}

static int settings_pass_index(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    if (k && (strcmp(k, "head") == 0 || strcmp(k, "base") == 0))
        return settings_pass_over(L);
    return 0;
}

/* The module's functions that use the data: in a settings pass each stops
 * it (settings_pass_over stands in for it), so that settings{...} after any
 * of them is refused in the run; a `shortcut` is a head dataset method also
 * offered as cov.NAME (cov.tests() is cov.head:tests()). */
/* clang-format off */
static const struct {
    const char *name;
    int shortcut;
} DATA_FNS[] = {
    {"dataset",              0},
    {"baseline",             0},
    {"count",                1},
    {"test",                 1},
    {"tests",                1},
    {"group",                1},
    {"values",               1},
    {"placeholders",         1},
    {"modules",              1},
    {"easydel",              1},
    {"sources",              1},
    {"dump",                 1},
    {"duplicates",           1},
    {"warnings",             1},
    {"arches",               1},
    {"load_tt_xla",          1},
    {"load_config",          1},
    {"load_config_string",   1},
    {"load_easydel",         1},
    {"load_easydel_string",  1},
    {"load_snapshot",        1},
    {"loaders",              1},
    {"tt_forge_models",      1},
    {"unknown_ids",          1},
    {"load_tt_forge_models", 1},
    {"history",              0},
};
/* clang-format on */

/* Hides the datasets of module table mod during a settings pass. */
static void hide_data(lua_State *L, int mod)
{
    static const char *const hidden[] = {"head", "base", NULL};
    for (const char *const *k = hidden; *k; k++) {
        lua_pushnil(L);
        lua_setfield(L, mod, *k);
    }
    for (size_t k = 0; k < sizeof DATA_FNS / sizeof *DATA_FNS; k++) {
        lua_pushcfunction(L, settings_pass_over);
        lua_setfield(L, mod, DATA_FNS[k].name);
    }
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, settings_pass_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, mod);
}

/*** cov.formats(dirs) -> array
 * The report format names (sorted, each once) that the rule directories
 * `dirs` (an array, such as `cov.rule_dirs`) offer: every `reports/NAME.lua`.
 * Only names are read, so it works in the sandbox too.
 */
static int mod_formats(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_newtable(L); /* set of names */
    int set = lua_gettop(L);
    lua_Integer n = luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        const char *dir = lua_tostring(L, -1);
        DIR *d = dir ? opendir(lua_pushfstring(L, "%s/reports", dir)) : NULL;
        if (d) {
            struct dirent *ent;
            while ((ent = readdir(d))) {
                size_t len = strlen(ent->d_name);
                if (len <= 4 || strcmp(ent->d_name + len - 4, ".lua") != 0)
                    continue;
                int ok = 1; /* the names report.format accepts: [%w_-]+ */
                for (size_t k = 0; k < len - 4; k++) {
                    char c = ent->d_name[k];
                    ok = ok && (isalnum((unsigned char)c) || c == '_' || c == '-');
                }
                if (ok) {
                    lua_pushlstring(L, ent->d_name, len - 4);
                    lua_pushboolean(L, 1);
                    lua_rawset(L, set);
                }
            }
            closedir(d);
        }
        lua_settop(L, set);
    }
    lua_newtable(L);
    int list = lua_gettop(L);
    lua_Integer count = 0;
    lua_pushnil(L);
    while (lua_next(L, set)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, list, ++count);
    }
    /* table.sort may be absent (a stripped state); sort here. */
    for (lua_Integer i = 2; i <= count; i++) {
        for (lua_Integer j = i; j > 1; j--) {
            lua_rawgeti(L, list, j - 1);
            lua_rawgeti(L, list, j);
            int less = strcmp(lua_tostring(L, -1), lua_tostring(L, -2)) < 0;
            if (!less) {
                lua_pop(L, 2);
                break;
            }
            lua_rawseti(L, list, j - 1);
            lua_rawseti(L, list, j);
        }
    }
    return 1;
}

/*** @section History
 * `covengine --tt-xla-git REPO --history [A..B]` opens a repository's
 * history: the first-parent revisions (of HEAD, or of the range) whose
 * `tests/runner/test_config` differs from the revision before. Every
 * distinct config blob is parsed once, the first time a revision has it;
 * its events are kept and replayed into each later revision that has the
 * same blob, so a revision's dataset is what a plain load of a checkout of
 * it gives (the same loader merges its files) at the cost of rebuilding,
 * not reparsing. A revision reads the head's EasyDeL input (`--easydel`,
 * or with `--easydel-git` the last EasyDeL commit not later than its own
 * commit date) and, with `--tt-forge-models-git`, the tt-forge-models
 * commit it pins. The default rules compute the series of
 * `rules/trend.lua` per revision for `--format trend`, `trend-json`,
 * `trend-csv` and the HTML chart, and `--blame NAME` compares consecutive
 * revisions.
 *
 * A rule of one's own reads the revisions with `cov.history()`. This one
 * (examples/trend_series.lua) prints, per revision, how many JAX tests are
 * expected to pass:
 *
 * ```lua
 * local cov = require "covengine"
 * assert(cov.history, "give --tt-xla-git REPO --history")
 * local rows = { "date,commit,jax_expected_passing" }
 * for rev in cov.history() do
 *   local n = 0
 *   for _, g in ipairs(rev.dataset:group({ "framework" })) do
 *     if g.framework == "jax" then n = g.status.EXPECTED_PASSING or 0 end
 *   end
 *   rows[#rows + 1] = ("%s,%s,%d"):format(rev.date:sub(1, 10), rev.short, n)
 * end
 * return table.concat(rows, "\n") .. "\n"
 * ```
 *
 * To add a series to the default trend reports instead, append
 * `{ name = ..., text = ..., value = function(report, ctx) ... end }` to
 * `rules/trend.lua` (see its header).
 */

/*** cov.history() -> iterator
 * With a history loaded (`--history`, cov_load_history), an iterator over its
 * revisions, oldest first: `for rev in cov.history() do ... end`. Each `rev`
 * is a table: `index` (1-based, of `count` revisions), `commit` (40 hex
 * digits), `short` (12), `date` (author date, ISO 8601, as git log shows
 * it), `commit_date`, `author`, `subject`, `dataset`. The dataset is built
 * when the iterator reaches the revision (lazily) and is valid until the
 * next step: every revision is loaded into the same dataset, named
 * "history". A revision whose configs do not load (bad YAML) is a warning
 * naming the commit and the file's path:line:col and is stepped over
 * (under --strict it stops the run, exit 2). Without a history
 * `cov.history` is nil.
 */
static int history_step(lua_State *L)
{
    cov_run_ctx *c = ctx_of(L);
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
    size_t n = c->history ? cov_history_count(c->history) : 0;
    for (; (size_t)i < n; i++) {
        int skipped;
        cov_error err;
        int rc = c->load_revision(c->load_ud, (size_t)i, &skipped, &err);
        if (rc == COV_ENOMEM)
            return cov_lua_nomem(L);
        if (rc) {
            char line[2200];
            return abort_with(L, cov_error_format(&err, line, sizeof line));
        }
        if (!skipped)
            break;
    }
    lua_pushinteger(L, i + 1);
    lua_replace(L, lua_upvalueindex(3));
    if ((size_t)i >= n)
        return 0;
    const cov_git_commit *rev = cov_history_commit(c->history, (size_t)i);
    char hex[41];
    cov_git_oid_hex(&rev->id, 40, hex);
    lua_createtable(L, 0, 10);
    lua_pushinteger(L, i + 1);
    lua_setfield(L, -2, "index");
    lua_pushinteger(L, (lua_Integer)n);
    lua_setfield(L, -2, "count");
    lua_pushstring(L, hex);
    lua_setfield(L, -2, "commit");
    lua_pushlstring(L, hex, COV_GIT_SHORT);
    lua_setfield(L, -2, "short");
    lua_pushstring(L, rev->author_date);
    lua_setfield(L, -2, "date");
    lua_pushstring(L, rev->commit_date);
    lua_setfield(L, -2, "commit_date");
    lua_pushstring(L, rev->author ? rev->author : "");
    lua_setfield(L, -2, "author");
    lua_pushstring(L, rev->subject ? rev->subject : "");
    lua_setfield(L, -2, "subject");
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_setfield(L, -2, "dataset");
    return 1;
}

static int mod_history(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, history_step, 3);
    return 1;
}

/*** cov.dataset(name) -> dataset
 * The dataset `"head"` or `"base"`, whether or not anything was loaded into it.
 */
static int mod_dataset(lua_State *L)
{
    static const char *const names[] = {"head", "base", NULL};
    int d = luaL_checkoption(L, 1, "head", names);
    lua_pushvalue(L, lua_upvalueindex(d == 0 ? 2 : 3));
    return 1;
}

/* A method of the head dataset as a module function: cov.tests{...} is
 * cov.head:tests{...}. Upvalue 1 is the dataset, 2 the method. */
static int head_shortcut(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_insert(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 2);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static void push_names(lua_State *L, const char *(*name)(int), int count)
{
    lua_createtable(L, count - 1, 0);
    for (int i = 1; i < count; i++) {
        lua_pushstring(L, name(i));
        lua_rawseti(L, -2, i);
    }
}

int cov_bridge_push_module(lua_State *L, cov_run_ctx *c, int owner_index)
{
    int own_slot = !owner_index;
    if (own_slot) {
        /* c outlives the state: a slot nobody clears. */
        cov_lua_ctx_slot *slot = lua_newuserdatauv(L, sizeof *slot, 0);
        slot->ctx = c;
        owner_index = lua_gettop(L);
    } else {
        owner_index = lua_absindex(L, owner_index);
    }
    cov_lua_model_init(L);
    cov_lua_group_init(L);
    luaL_newmetatable(L, ABORT_MT);
    lua_pop(L, 1);
    lua_newtable(L);
    int mod = lua_gettop(L);

    lua_pushliteral(L, COV_VERSION_STRING);
    lua_setfield(L, mod, "version");
    lua_pushstring(L, cov_data_dir());
    lua_setfield(L, mod, "data_dir");
    push_names(L, cov_status_name, COV_STATUS_COUNT);
    lua_setfield(L, mod, "statuses");
    push_names(L, cov_bringup_name, COV_BRINGUP_COUNT);
    lua_setfield(L, mod, "bringup_statuses");

    cov_lua_push_dataset(L, owner_index, COV_HEAD);
    int head = lua_gettop(L);
    cov_lua_push_dataset(L, owner_index, COV_BASE);
    int base = lua_gettop(L);
    lua_pushvalue(L, head);
    lua_setfield(L, mod, "head");
    if (c->data[COV_BASE].loaded) {
        lua_pushvalue(L, base);
        lua_setfield(L, mod, "base");
    }
    lua_pushvalue(L, owner_index);
    lua_pushvalue(L, head);
    lua_pushvalue(L, base);
    lua_pushcclosure(L, mod_dataset, 3);
    lua_setfield(L, mod, "dataset");
    if (c->history) {
        lua_pushvalue(L, owner_index);
        cov_lua_push_dataset(L, owner_index, COV_HISTORY_DS);
        lua_pushcclosure(L, mod_history, 2);
        lua_setfield(L, mod, "history");
    }

    for (size_t k = 0; k < sizeof DATA_FNS / sizeof *DATA_FNS; k++) {
        if (!DATA_FNS[k].shortcut)
            continue;
        lua_pushvalue(L, head);
        lua_getfield(L, head, DATA_FNS[k].name);
        lua_pushcclosure(L, head_shortcut, 2);
        lua_setfield(L, mod, DATA_FNS[k].name);
    }

    lua_settop(L, mod);
    static const luaL_Reg engine_fns[] = {{"write", mod_write},
                                          {"warn", mod_warn},
                                          {"fail_gate", mod_fail_gate},
                                          {"where", mod_where},
                                          {"abort", mod_abort},
                                          {"distance", mod_distance},
                                          {"formats", mod_formats},
                                          {"settings_given", mod_settings_given},
                                          {NULL, NULL}};
    lua_pushvalue(L, owner_index);
    luaL_setfuncs(L, engine_fns, 1);

    cov_lua_json_open(L);
    lua_pushvalue(L, owner_index);
    lua_getfield(L, -2, "decode");
    lua_pushcclosure(L, mod_baseline, 2);
    lua_setfield(L, mod, "baseline");
    lua_setfield(L, mod, "json");

    lua_createtable(L, 0, (int)c->n_options);
    for (size_t i = 0; i < c->n_options; i++) {
        lua_pushstring(L, c->options[i].value);
        lua_setfield(L, -2, c->options[i].name);
    }
    lua_setfield(L, mod, "options");

    if (c->settings_pass)
        hide_data(L, mod);
    lua_settop(L, mod);
    if (own_slot)
        lua_remove(L, owner_index); /* the module's functions and views hold it */
    return 1;
}

/* ---- module search ----------------------------------------------------- */

/* Searcher for the engine's own Lua modules compiled into the library:
 * "covengine.alias" is lua/covengine/alias.lua. */
static int search_embedded(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    char path[256];
    if (strncmp(name, "covengine.", 10) != 0) {
        lua_pushliteral(L, ""); /* not ours: nothing to add to the message */
        return 1;
    }
    snprintf(path, sizeof path, "lua/covengine/%s.lua", name + 10);
    for (char *p = path + 14; *p; p++)
        if (*p == '.' && strcmp(p, ".lua") != 0)
            *p = '/';
    const cov_embedded_file *f = cov_embedded_find(cov_embedded_lua, path);
    if (!f) {
        lua_pushfstring(L, "no embedded module '%s'", path);
        return 1;
    }
    /* The engine's own modules are embedded precompiled (cmake/Embed.cmake):
     * trusted bytecode, even in the sandbox, which refuses it from rules. */
    lua_pushfstring(L, "@%s", path);
    if (luaL_loadbufferx(L, (const char *)f->data, f->size, lua_tostring(L, -1), "b") !=
        LUA_OK)
        return lua_error(L);
    lua_pushstring(L, path);
    return 2;
}

void cov_lua_add_embedded_searcher(lua_State *L)
{
    lua_getglobal(L, LUA_LOADLIBNAME);
    if (lua_getfield(L, -1, "searchers") == LUA_TTABLE) {
        /* shift searchers 2.. up by one and put ours second */
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = n; i >= 2; i--) {
            lua_rawgeti(L, -1, i);
            lua_rawseti(L, -2, i + 1);
        }
        lua_pushcfunction(L, search_embedded);
        lua_rawseti(L, -2, 2);
    }
    lua_pop(L, 2);
}

/* Searcher over the rule directories (upvalue 1: array of directories), text
 * chunks only: "reports.markdown" is <dir>/reports/markdown.lua. */
static int search_rules(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    luaL_Buffer tried;
    luaL_buffinit(L, &tried);
    lua_Integer n = luaL_len(L, lua_upvalueindex(1));
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, lua_upvalueindex(1), i);
        const char *dir = lua_tostring(L, -1);
        const char *rel = luaL_gsub(L, name, ".", "/");
        const char *path = lua_pushfstring(L, "%s/%s.lua", dir, rel);
        FILE *f = fopen(path, "r");
        if (f) {
            fclose(f);
            if (luaL_loadfilex(L, path, "t") != LUA_OK)
                return lua_error(L);
            lua_pushstring(L, path);
            return 2;
        }
        lua_pop(L, 3);
        if (i > 1)
            luaL_addstring(&tried, "\n\t");
        luaL_addstring(&tried, "no file '");
        lua_pushfstring(L, "%s/%s.lua", dir, name);
        luaL_addvalue(&tried);
        luaL_addstring(&tried, "'");
    }
    luaL_pushresult(&tried);
    return 1;
}

/* Whether directories a and b are the same one ("rules" and the build
 * tree's "/src/rules" are): the same inode, else (one does not exist) the
 * same spelling. */
static int same_dir(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return strcmp(a, b) == 0;
}

/* Appends the string on top of the stack to the array below it, unless
 * that array already holds the same directory: a directory is searched,
 * and named in messages, once. Returns whether it was appended. */
static int append_dir(lua_State *L, lua_Integer *n)
{
    const char *dir = lua_tostring(L, -1);
    for (lua_Integer i = 1; i <= *n; i++) {
        lua_rawgeti(L, -2, i);
        int same = same_dir(lua_tostring(L, -1), dir);
        lua_pop(L, 1);
        if (same) {
            lua_pop(L, 1);
            return 0;
        }
    }
    lua_rawseti(L, -2, ++*n);
    return 1;
}

/* The rule directories in search order: each directory of $COVENGINE_PATH
 * (':'-separated), so users can override any rule module or format, then the
 * script's own directory, then the installed rules, each once. Pushes them
 * as an array; returns how many come from $COVENGINE_PATH. */
static lua_Integer push_rule_dirs(lua_State *L, const char *script)
{
    lua_newtable(L);
    lua_Integer n = 0;
    const char *env = getenv("COVENGINE_PATH");
    while (env && *env) {
        const char *colon = strchr(env, ':');
        size_t len = colon ? (size_t)(colon - env) : strlen(env);
        if (len) {
            lua_pushlstring(L, env, len);
            append_dir(L, &n);
        }
        env += len + (colon ? 1 : 0);
    }
    lua_Integer nuser = n;
    const char *slash = script ? strrchr(script, '/') : NULL;
    if (slash)
        lua_pushlstring(L, script, (size_t)(slash - script) + (slash == script));
    else
        lua_pushliteral(L, ".");
    append_dir(L, &n);
    lua_pushfstring(L, "%s/rules", cov_data_dir());
    append_dir(L, &n);
    return nuser;
}

/* package.searchers becomes: preload, embedded, rule directories; without
 * the sandbox the standard Lua and C searchers follow. */
static void install_searchers(lua_State *L, const char *script, int sandbox)
{
    lua_getglobal(L, LUA_LOADLIBNAME);
    int pkg = lua_gettop(L);
    lua_getfield(L, pkg, "searchers");
    int old = lua_gettop(L);
    lua_newtable(L);
    int fresh = lua_gettop(L);
    lua_Integer n = 0;
    lua_rawgeti(L, old, 1); /* preload */
    lua_rawseti(L, fresh, ++n);
    /* $COVENGINE_PATH may override the engine's own modules too, so its
     * directories are searched before the embedded ones; the script's
     * directory and the installed rules after them. */
    lua_Integer nuser = push_rule_dirs(L, script);
    int all = lua_gettop(L);
    lua_pushvalue(L, all);
    lua_setfield(L, pkg, "rule_dirs");
    lua_Integer ndirs = luaL_len(L, all);
    lua_createtable(L, (int)nuser, 0);
    for (lua_Integer i = 1; i <= nuser; i++) {
        lua_rawgeti(L, all, i);
        lua_rawseti(L, -2, i);
    }
    lua_pushcclosure(L, search_rules, 1);
    lua_rawseti(L, fresh, ++n);
    lua_pushcfunction(L, search_embedded);
    lua_rawseti(L, fresh, ++n);
    lua_createtable(L, 2, 0);
    for (lua_Integer i = nuser + 1; i <= ndirs; i++) {
        lua_rawgeti(L, all, i);
        lua_rawseti(L, -2, i - nuser);
    }
    lua_pushcclosure(L, search_rules, 1);
    lua_rawseti(L, fresh, ++n);
    lua_remove(L, all);
    if (!sandbox) {
        lua_Integer m = luaL_len(L, old);
        for (lua_Integer i = 2; i <= m; i++) {
            lua_rawgeti(L, old, i);
            lua_rawseti(L, fresh, ++n);
        }
    }
    lua_setfield(L, pkg, "searchers");
    lua_settop(L, pkg - 1);
}

/* ---- running a script -------------------------------------------------- */

/* Message handler: keeps the traceback aside (in the registry) and returns
 * the message itself, so the caller reports them separately. */
static int msghandler(lua_State *L)
{
    if (lua_touserdata(L, 1) == &SETTINGS_DONE)
        return 1; /* not an error: the settings pass is over */
    if (lua_istable(L, 1) && lua_getmetatable(L, 1)) {
        luaL_getmetatable(L, ABORT_MT);
        int aborted = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
        if (aborted) {
            /* cov.abort: the message alone, no traceback. */
            lua_getfield(L, 1, "message");
            return 1;
        }
    }
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    cov_lua_traceback(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &TRACEBACK_KEY);
    lua_pushstring(L, msg);
    return 1;
}

/* Loads the rules file `name` as luaL_loadfilex does. Lua writes the chunk's
 * name into every error message and traceback line: a name holding control
 * characters (a newline would forge a line) is given to it escaped. */
static int load_rules_file(lua_State *L, const char *name, uint64_t max_size)
{
    char esc[4 * 1024 + 2] = "@";
    cov_escape_controls(esc + 1, sizeof esc - 1, name);
    if (strcmp(esc + 1, name) == 0)
        return luaL_loadfilex(L, name, "t");
    lua_pushstring(L, esc); /* before reading: a memory error must not leak */
    cov_error err;
    cov_diag d = {&err, NULL, NULL, 0};
    char *text;
    size_t len;
    if (cov_read_file(name, max_size, &text, &len, &d) != COV_OK) {
        char line[2200];
        lua_pushstring(L, cov_error_format(&err, line, sizeof line));
        lua_remove(L, -2);
        return LUA_ERRFILE;
    }
    /* luaL_loadfilex's skipcomment: a UTF-8 BOM, then a "#" first line
     * (its newline kept, so that line numbers hold). */
    const char *p = text;
    if (len - (size_t)(p - text) >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (p < text + len && *p == '#')
        while (p < text + len && *p != '\n')
            p++;
    int status = luaL_loadbufferx(L, p, len - (size_t)(p - text), esc, "t");
    cov_free(text);
    lua_remove(L, -2);
    return status;
}

typedef struct run_args {
    cov_run_ctx *c;
    const char *name;
    const char *buf; /* NULL: read the file `name` */
    size_t len;
    int argc;
    const char *const *argv;
    cov_lua_budget *budget;
} run_args;

static int pmain(lua_State *L)
{
    run_args *a = lua_touserdata(L, 1);
    lua_settop(L, 0);
    cov_lua_openlibs(L, a->budget, a->c->sandbox);
    /* Rules make many short-lived tables (a few per family); the generational
     * collector spends a third less time on them than the incremental one. */
    lua_gc(L, LUA_GCGEN, 0, 0);
    install_searchers(L, a->buf ? NULL : a->name, a->c->sandbox);

    /* require "covengine" returns the module. */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    cov_bridge_push_module(L, a->c, 0);
    int mod = lua_gettop(L);
    lua_createtable(L, a->argc, 0);
    for (int i = 0; i < a->argc; i++) {
        lua_pushstring(L, a->argv[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, mod, "args");
    lua_pushstring(L, a->name);
    lua_setfield(L, mod, "rules_file");
    lua_getglobal(L, LUA_LOADLIBNAME);
    lua_getfield(L, -1, "rule_dirs");
    lua_setfield(L, mod, "rule_dirs");
    lua_pop(L, 1);
    lua_pushvalue(L, mod);
    lua_setfield(L, -3, "covengine");
    lua_settop(L, 0);

    lua_pushcfunction(L, msghandler);
    int status;
    if (a->buf) {
        lua_pushfstring(L, "=%s", a->name);
        status = luaL_loadbufferx(L, a->buf, a->len, lua_tostring(L, -1), "t");
        lua_remove(L, -2);
    } else {
        status = load_rules_file(L, a->name, a->c->limits->max_file_size);
    }
    if (status != LUA_OK)
        return lua_error(L);
    for (int i = 0; i < a->argc; i++)
        lua_pushstring(L, a->argv[i]);
    int base = 2;
    status = lua_pcall(L, a->argc, LUA_MULTRET, 1);
    if (status != LUA_OK)
        return lua_error(L);
    /* A string the script returns is the (rest of the) report. */
    for (int i = base; i <= lua_gettop(L); i++) {
        if (lua_type(L, i) == LUA_TSTRING) {
            size_t len;
            const char *s = lua_tolstring(L, i, &len);
            cov_buf_add(&a->c->emitted, s, len);
        } else if (!lua_isnil(L, i)) {
            return luaL_error(L,
                              "%s returned a %s; return the report as a string or write "
                              "it with cov.write",
                              a->name, luaL_typename(L, i));
        }
    }
    if (a->c->emitted.oom)
        return cov_lua_nomem(L);
    return 0;
}

/* "Lua memory limit of N MiB exceeded" (N bytes when not whole MiB). */
static void memory_limit_message(const cov_lua_budget *b, char *buf, size_t size)
{
    if (b->max_memory % (1024 * 1024) == 0)
        snprintf(buf, size, "Lua memory limit of %llu MiB exceeded",
                 (unsigned long long)(b->max_memory / (1024 * 1024)));
    else
        snprintf(buf, size, "Lua memory limit of %llu bytes exceeded",
                 (unsigned long long)b->max_memory);
}

/* Whether msg is Lua's memory error raised again by error(e), which put
 * "SOURCE:LINE: " before it; returns the length of that prefix, or -1. */
static int rethrown_nomem(const char *msg)
{
    static const char nomem[] = "not enough memory";
    size_t len = msg ? strlen(msg) : 0, n = sizeof nomem - 1;
    if (len < n || strcmp(msg + len - n, nomem) != 0)
        return -1;
    return (int)(len - n);
}

/* Turns a failed run into *err: the Lua message as is (it already starts
 * with "file:line:" for rule errors) and the traceback. */
static int run_error(lua_State *L, int status, const cov_lua_budget *b, cov_error *err)
{
    int code = COV_ERULE;
    const char *msg = lua_tostring(L, -1);
    /* Lua's memory error is one string: once a rule caught it with pcall
     * and raised it again, only the budget knows that the limit, not the
     * system, ran out. */
    int over_limit = b->over_limit || cov_lua_budget_memory_hit(b);
    int prefix = over_limit && status == LUA_ERRRUN ? rethrown_nomem(msg) : -1;
    if (cov_lua_budget_exhausted(b))
        code = COV_ELIMIT;
    else if (status == LUA_ERRMEM)
        code = over_limit ? COV_ELIMIT : COV_ENOMEM;
    else if (prefix >= 0)
        code = COV_ELIMIT;
    if (!err)
        return code;
    cov_error_clear(err);
    err->code = code;
    char budget_msg[128];
    if (code == COV_ELIMIT && cov_lua_budget_exhausted(b)) {
        /* The hook's message names the rule line; an error raised while the
         * budget ran out (a failed allocation, an error in the handler) may
         * not say why. */
        cov_lua_budget_message(b, budget_msg, sizeof budget_msg);
        if (!msg || !strstr(msg, budget_msg))
            msg = budget_msg;
        snprintf(err->message, sizeof err->message, "%s", msg);
    } else if (status == LUA_ERRMEM && over_limit) {
        memory_limit_message(b, err->message, sizeof err->message);
    } else if (prefix >= 0) {
        memory_limit_message(b, budget_msg, sizeof budget_msg);
        snprintf(err->message, sizeof err->message, "%.*s%s", prefix, msg, budget_msg);
    } else {
        snprintf(err->message, sizeof err->message, "%s", msg ? msg : "unknown error");
    }
    /* One line: newlines and tabs (require's list of places) become single
     * spaces. */
    char *w = err->message;
    for (const char *r = err->message; *r; r++) {
        char c = (*r == '\n' || *r == '\t') ? ' ' : *r;
        if (c == ' ' && w > err->message && w[-1] == ' ')
            continue;
        *w++ = c;
    }
    *w = '\0';
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &TRACEBACK_KEY) == LUA_TSTRING)
        snprintf(err->traceback, sizeof err->traceback, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    return code;
}

int cov_bridge_run(cov_run_ctx *c, const char *name, const char *buf, size_t len, int argc,
                   const char *const *argv, char **report, size_t *report_len,
                   cov_error *err)
{
    *report = NULL;
    *report_len = 0;
    cov_buf_free(&c->emitted);
    c->gate_failed = 0;
    c->gate_reason[0] = '\0';
    cov_diag fail_d = {err, NULL, NULL, 0};
    int first = buf && len ? (unsigned char)buf[0] : EOF;
    if (!buf) {
        if (!*name)
            return cov_fail(&fail_d, COV_EIO, "''", 1, 1, "empty path");
        /* Say which file is missing the way every input error does. */
        FILE *f = fopen(name, "r");
        if (!f)
            return cov_fail(&fail_d, COV_EIO, name, 0, 0, "cannot open: %s",
                            strerror(errno));
        struct stat st;
        int dir = fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode);
        first = dir ? EOF : getc(f);
        fclose(f);
        if (dir)
            return cov_fail(&fail_d, COV_EIO, name, 1, 1, "cannot read: %s",
                            strerror(EISDIR));
    }
    /* Lua would say "attempt to load a binary chunk" without naming the file. */
    if (first == LUA_SIGNATURE[0])
        return cov_fail(&fail_d, COV_EINPUT, name, 1, 1,
                        "precompiled Lua is refused: give the rule script as source text");
    cov_lua_budget budget = {0};
    budget.max_instructions = c->limits->max_instructions;
    budget.max_memory = (size_t)c->limits->max_memory;
    if (c->sandbox && !budget.max_instructions)
        budget.max_instructions = COV_SANDBOX_INSTRUCTIONS;
    if (c->sandbox && !budget.max_memory)
        budget.max_memory = (size_t)COV_SANDBOX_MEMORY;
    budget.max_seconds = (double)c->limits->max_seconds;
    if (c->sandbox && !budget.max_seconds)
        budget.max_seconds = COV_SANDBOX_SECONDS;
    lua_State *L = cov_lua_newstate(&budget);
    if (!L) {
        cov_diag d = {err, NULL, NULL, 0};
        return cov_fail(&d, COV_ENOMEM, NULL, 0, 0, "out of memory creating the Lua state");
    }
    run_args a = {c, name, buf, len, argc, argv, &budget};
    lua_pushcfunction(L, pmain);
    lua_pushlightuserdata(L, &a);
    /* Everything the engine allocates while the rules run is on their
     * behalf: the meter stays installed for the whole call (a Lua error
     * cannot skip its removal half-way through a C function). */
    cov_meter *outer = cov_lua_meter_begin(&budget);
    int status = lua_pcall(L, 1, 0, 0);
    cov_lua_meter_end(&budget, outer);
    int rc = COV_OK;
    if (status != LUA_OK && !(c->settings_pass && lua_touserdata(L, -1) == &SETTINGS_DONE))
        rc = run_error(L, status, &budget, err);
    /* A CLI about to exit leaves the state (and the budget its allocator
     * points at, on this stack frame) untouched from here on. */
    if (!c->exit_after_run || c->settings_pass)
        lua_close(L);
    if (c->settings_pass) {
        /* The pass leaves the report and the gates of the last run alone. */
        cov_buf_free(&c->emitted);
        c->gate_failed = 0;
        return rc;
    }
    c->settings_read = 0; /* the next run has had no settings pass */
    if (rc == COV_OK) {
        char *copy = c->emitted.oom ? NULL
                                    : cov_strndup(c->emitted.data ? c->emitted.data : "",
                                                  c->emitted.len);
        if (!copy) {
            cov_diag d = {err, NULL, NULL, 0};
            rc = cov_fail(&d, COV_ENOMEM, NULL, 0, 0, "out of memory keeping the report");
        } else {
            *report = copy;
            *report_len = c->emitted.len;
            if (c->gate_failed) {
                cov_diag d = {err, NULL, NULL, 0};
                rc = cov_fail(&d, COV_EGATE, NULL, 0, 0, "%s", c->gate_reason);
            }
        }
    }
    cov_buf_free(&c->emitted);
    return rc;
}
