/* The property table (model/test_props.h) against the lists made from it:
 * its columns are consistent, and the engine's test views, ds:group and
 * ds:values keys, filter keys and dump fields are exactly what it says. */
#include "model/test_props.h"
#include "covengine.h"
#include "unit.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char CONFIG[] = "test_config:\n"
                             "  gpt2/causal_lm/jax-base-single_device-inference:\n"
                             "    status: KNOWN_FAILURE_XFAIL\n"
                             "    bringup_status: FAILED_RUNTIME\n"
                             "    reason: slow\n"
                             "    markers: [push]\n"
                             "    supported_archs: [n150]\n"
                             "    arch_overrides:\n"
                             "      n150:\n"
                             "        status: EXPECTED_PASSING\n"
                             "    required_pcc: 0.98\n"
                             "  falcon/jax-tiny-single_device-inference:\n";

static void test_columns(void)
{
    int filter_places = 0, dump_places = 0, nfilter = 0, ndump = 0;
    for (int k = 0; k < COV_K_COUNT; k++) {
        const cov_prop_info *p = cov_prop(k);
        REQUIRE(p->name && *p->name);
        CHECK_INT(cov_prop_kind(p->name), k); /* names are unique */
        if (p->type == COV_PT_NONE) {
            /* nothing to push, group, filter or dump from: its own writers */
            CHECK(p->view != COV_PROP_VIEW_VAL);
            CHECK(!p->group && !p->filter);
            CHECK(!p->dump || p->dump_own);
        }
        if (p->group) /* a group key is a value that orders */
            CHECK(p->type != COV_PT_LIST && p->type != COV_PT_UINT);
        if (p->filter) {
            nfilter++;
            filter_places |= 1 << p->filter;
            CHECK(p->type == COV_PT_SYM || p->type == COV_PT_PATH ||
                  p->type == COV_PT_BOOL);
        }
        if (p->dump) {
            ndump++;
            REQUIRE(p->dump < 32);
            dump_places |= 1 << p->dump;
            CHECK(*p->dump_name);
            for (int j = 0; j < k; j++)
                if (cov_prop(j)->dump)
                    CHECK(strcmp(cov_prop(j)->dump_name, p->dump_name) != 0);
        } else {
            CHECK_STR(p->dump_name, "");
        }
    }
    /* places 1..n, each once */
    CHECK(nfilter <= COV_PROP_MAX_FILTER);
    CHECK_INT(filter_places, ((1 << nfilter) - 1) << 1);
    CHECK_INT(dump_places, ((1 << ndump) - 1) << 1);
    int order[COV_K_COUNT];
    CHECK_INT(cov_prop_filter_keys(order), nfilter);
    for (int i = 0; i < nfilter; i++)
        CHECK_INT(cov_prop(order[i])->filter, i + 1);
    CHECK_INT(cov_prop_dump_order(order), ndump);
    for (int i = 0; i < ndump; i++)
        CHECK_INT(cov_prop(order[i])->dump, i + 1);
}

/* The checks below, in Lua, over the rows of the table (P, made in C):
 * (filter 0: not a filter key). A view property reads (and totable has
 * it), any other is an error; a
 * group key is accepted by ds:group and ds:values, any other refused; a
 * filter key filters on the test's own value, the error for an unknown key
 * lists the filter keys in order. */
static const char CHECKS[] =
    "local cov = require 'covengine'\n"
    "local ds = cov.head\n"
    "local t = ds:test(1)\n"
    "local all = t:totable()\n"
    "local bad = {}\n"
    "local function fail(...) bad[#bad + 1] = table.concat({...}, ' ') end\n"
    "local filters = {}\n"
    "for _, p in ipairs(P) do\n"
    "  local ok, v = pcall(function() return t[p.name] end)\n"
    "  if p.view then\n"
    "    if not ok then fail(p.name, 'not a view property:', v) end\n"
    "    if type(v) ~= 'table' and all[p.name] ~= v then fail(p.name, 'not in totable') "
    "end\n"
    "  elseif ok or not v:find(\"test has no property '\" .. p.name .. \"'\", 1, true) "
    "then\n"
    "    fail(p.name, 'read in a view')\n"
    "  end\n"
    "  local gok, g = pcall(ds.group, ds, {p.name})\n"
    "  local vok = pcall(ds.values, ds, p.name)\n"
    "  if p.group and not (gok and vok) then fail(p.name, 'not a group key:', g) end\n"
    "  if not p.group and (gok or vok) then fail(p.name, 'a group key') end\n"
    "  if p.filter > 0 then\n"
    "    filters[p.filter] = p.name\n"
    "    local f = {[p.name] = v}\n"
    "    if v == nil then f[p.name] = false end\n"
    "    local n = 0\n"
    "    for x in ds:tests(f) do n = n + 1; if x ~= t and x[p.name] ~= v then n = -99 end "
    "end\n"
    "    if n < 1 then fail(p.name, 'does not filter') end\n"
    "  else\n"
    "    local fok = pcall(ds.tests, ds, {[p.name] = 1})\n"
    "    if fok then fail(p.name, 'a filter key') end\n"
    "  end\n"
    "end\n"
    "local _, e = pcall(ds.tests, ds, {nosuch = 1})\n"
    "local want = 'unknown filter key \\'nosuch\\' (known: ' .. table.concat(filters, ', "
    "') "
    ".. ')'\n"
    "if not e:find(want, 1, true) then fail('filter error:', e) end\n"
    "cov.write(#bad == 0 and 'ok' or table.concat(bad, '\\n'))\n";

static void test_lists(void)
{
    char *src = malloc(16384);
    REQUIRE(src != NULL);
    size_t n = (size_t)snprintf(src, 16384, "local P = {\n");
    for (int k = 0; k < COV_K_COUNT; k++) {
        const cov_prop_info *p = cov_prop(k);
        n += (size_t)snprintf(src + n, 16384 - n,
                              "  {name = '%s', view = %s, group = %s, filter = %d},\n",
                              p->name, p->view != COV_PROP_VIEW_NO ? "true" : "false",
                              p->group ? "true" : "false", p->filter);
    }
    n += (size_t)snprintf(src + n, 16384 - n, "}\n%s", CHECKS);
    REQUIRE(n < 16384);

    cov_engine *e = cov_engine_new();
    REQUIRE(e != NULL);
    cov_error err;
    CHECK_INT(cov_load_config_buffer(e, COV_HEAD, "jax/test_config_props.yaml", CONFIG,
                                     sizeof CONFIG - 1, "jax", &err),
              COV_OK);
    int rc = cov_run_rules_buffer(e, "props.lua", src, n, 0, NULL, &err);
    if (rc != COV_OK)
        fprintf(stderr, "%s\n", err.message);
    CHECK_INT(rc, COV_OK);
    CHECK_STR(cov_report(e, NULL), "ok");

    /* The dump: a test's fields are the dumped properties, in dump order. */
    char *dump = cov_dump_json(e, COV_HEAD, &err);
    REQUIRE(dump != NULL);
    cJSON *root = cJSON_Parse(dump);
    cov_free(dump);
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
    const cJSON *field = tests && tests->child ? tests->child->child : NULL;
    int order[COV_K_COUNT];
    int ndump = cov_prop_dump_order(order);
    for (int i = 0; i < ndump; i++, field = field ? field->next : NULL) {
        REQUIRE(field != NULL);
        CHECK_STR(field->string, cov_prop(order[i])->dump_name);
    }
    CHECK(field == NULL);
    cJSON_Delete(root);
    cov_engine_free(e);
    free(src);
}

int main(void)
{
    static const unit_case cases[] = {
        {"columns", test_columns},
        {"derived lists", test_lists},
        {0, 0},
    };
    return unit_run(cases);
}
