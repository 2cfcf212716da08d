/* The tt-xla test-config loader: fields, enums, merges, duplicates, limits,
 * error positions, rollback, and the real snapshots when available. */
#include "formats/testid.h"
#include "load/load_ttxla.h"
#include "model/aggregate.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FIX "fixtures/ttxla/"

/* A model, an error and a warning sink for one case. */
typedef struct ctx {
    cov_model m;
    cov_error err;
    unit_warnings ws;
    cov_diag d;
} ctx;

static void ctx_init(ctx *c)
{
    memset(c, 0, sizeof *c);
    cov_model_init(&c->m);
    c->d.err = &c->err;
    c->d.warn = unit_on_warn;
    c->d.warn_ud = &c->ws;
}

static int load_text(ctx *c, const char *name, const char *text, const cov_limits *lim)
{
    return cov_load_ttxla_buffer(&c->m, name, text, strlen(text), "jax", lim, &c->d);
}

static const char *str(const ctx *c, cov_sym s)
{
    return cov_model_str(&c->m, s);
}

static const char *id_of(const ctx *c, uint32_t i)
{
    static char buf[512];
    cov_model_test_id(&c->m, cov_model_test(&c->m, i), buf, sizeof buf);
    return buf;
}

/* The extra field named key of f, or NULL. */
static const cov_node *extra(const ctx *c, const cov_fields *f, const char *key)
{
    if (!f->extra)
        return NULL;
    for (uint32_t i = 0; i < f->extra->n; i++)
        if (strcmp(str(c, f->extra->items[2 * i].value), key) == 0)
            return &f->extra->items[2 * i + 1];
    return NULL;
}

static const char *list_item(const ctx *c, uint32_t handle, uint32_t i)
{
    uint32_t n;
    const cov_sym *items = cov_model_list_items(&c->m, handle, &n);
    return i < n ? str(c, items[i]) : NULL;
}

static uint32_t list_len(const ctx *c, uint32_t handle)
{
    uint32_t n;
    cov_model_list_items(&c->m, handle, &n);
    return n;
}

/* Checks an error's code, position and exact message. */
static void check_error(const ctx *c, int rc, int code, int line, int col, const char *msg)
{
    CHECK_INT(rc, code);
    CHECK_INT(c->err.line, line);
    CHECK_INT(c->err.column, col);
    CHECK_STR(c->err.message, msg);
}

/* A failed load leaves nothing behind. */
static void check_empty(const ctx *c)
{
    CHECK_INT(c->m.tests.count, 0);
    CHECK_INT(c->m.sources.count, 0);
    CHECK_INT(c->m.overrides.count, 0);
    CHECK_INT(c->m.placeholders.count, 0);
    CHECK_INT(c->m.unparsed, 0);
}

static void test_fields_kept(void)
{
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_file(&c.m, FIX "jax/test_config_fields.yaml", NULL, NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    REQUIRE(c.m.tests.count == 3);
    const cov_source *s = cov_model_source(&c.m, 0);
    CHECK_STR(s->path, FIX "jax/test_config_fields.yaml");
    CHECK_INT(s->kind, COV_SOURCE_TEST_CONFIG);
    CHECK_STR(str(&c, s->framework), "jax");
    CHECK_INT(s->entries, 3);

    const cov_test *t = cov_model_test(&c.m, 0);
    CHECK_STR(id_of(&c, 0), "llama/causal_lm/jax-3B-single_device-inference");
    CHECK_INT(t->line, 3);
    CHECK_INT(t->column, 3);
    CHECK_STR(str(&c, t->framework), "jax");
    CHECK_INT(t->f.status, COV_STATUS_EXPECTED_PASSING);
    CHECK_INT(t->f.bringup, COV_BRINGUP_PASSED);
    CHECK_STR(str(&c, t->f.reason), "quoted reason");
    CHECK(t->f.has_markers && t->f.has_archs);
    CHECK_INT(list_len(&c, t->f.markers), 2);
    CHECK_STR(list_item(&c, t->f.markers, 1), "nightly");
    CHECK_STR(list_item(&c, t->f.archs, 0), "n150");
    CHECK_STR(list_item(&c, t->f.archs, 1), "p150");
    const cov_node *pcc = extra(&c, &t->f, "required_pcc");
    REQUIRE(pcc);
    CHECK_INT(pcc->kind, COV_NODE_SCALAR);
    CHECK_INT(pcc->plain, 1);
    CHECK_STR(str(&c, pcc->value), "0.97");
    const cov_node *fc = extra(&c, &t->f, "filechecks");
    REQUIRE(fc && fc->kind == COV_NODE_SEQ && fc->n == 2);
    CHECK_STR(str(&c, fc->items[0].value), "CHECK: foo");
    CHECK_INT(fc->items[0].plain, 0);
    CHECK_INT(fc->items[1].plain, 1);
    CHECK_STR(str(&c, extra(&c, &t->f, "assert_pcc")->value), "false");
    CHECK_STR(str(&c, extra(&c, &t->f, "batch_size")->value), "4");
    CHECK_INT(t->f.extra->n, 4);

    REQUIRE(t->n_overrides == 2);
    const cov_override *o = cov_model_overrides(&c.m, t);
    CHECK_STR(str(&c, o[0].arch), "p150");
    CHECK_INT(o[0].line, 18);
    CHECK_INT(o[0].column, 7);
    CHECK_INT(o[0].f.status, COV_STATUS_KNOWN_FAILURE_XFAIL);
    CHECK_STR(str(&c, o[0].f.reason), "OOM");
    CHECK_STR(str(&c, extra(&c, &o[0].f, "required_pcc")->value), "0.95");
    CHECK_STR(str(&c, o[1].arch), "n150");
    CHECK_INT(o[1].f.status, COV_STATUS_NOT_SUPPORTED_SKIP);
    CHECK(o[1].f.has_markers);
    CHECK_INT(list_len(&c, o[1].f.markers), 0);
    CHECK(!o[1].f.extra);

    t = cov_model_test(&c.m, 1); /* `key:` alone */
    CHECK_STR(id_of(&c, 1), "gpt2/jax-base-single_device-inference");
    CHECK_INT(t->f.status, COV_STATUS_ABSENT);
    CHECK_INT(cov_test_status(t), COV_STATUS_UNSPECIFIED);
    CHECK(!t->f.extra && !t->f.has_markers && !t->n_overrides && !t->f.reason);

    t = cov_model_test(&c.m, 2);
    CHECK_INT(t->f.status, COV_STATUS_UNSPECIFIED);
    CHECK_INT(t->f.bringup, COV_BRINGUP_FAILED_RUNTIME);
    const cov_node *ct = extra(&c, &t->f, "custom_thing");
    REQUIRE(ct && ct->kind == COV_NODE_MAP && ct->n == 2);
    const cov_node *a = &ct->items[1]; /* [1, {b: ~}] */
    REQUIRE(a->kind == COV_NODE_SEQ && a->n == 2);
    CHECK_STR(str(&c, a->items[0].value), "1");
    REQUIRE(a->items[1].kind == COV_NODE_MAP && a->items[1].n == 1);
    CHECK_STR(str(&c, a->items[1].items[0].value), "b");
    CHECK_INT(a->items[1].items[1].kind, COV_NODE_NULL);
    CHECK_STR(str(&c, ct->items[3].value), "single");
    CHECK_INT(ct->items[3].plain, 0);
    CHECK_STR(str(&c, extra(&c, &t->f, "enable_weight_bfp8_conversion")->value), "true");

    /* Only the unknown field warns. */
    CHECK_INT(c.ws.n, 1);
    CHECK_STR(c.ws.w[0].message,
              "unknown field 'custom_thing' in 'bert/jax-data_parallel-inference'");
    CHECK_INT(c.ws.w[0].line, 33);
    CHECK_INT(c.ws.w[0].column, 5);
    CHECK_STR(c.ws.w[0].file, FIX "jax/test_config_fields.yaml");
    cov_model_free(&c.m);
}

static void test_unknown_status(void)
{
    ctx c;
    ctx_init(&c);
    int rc =
        cov_load_ttxla_file(&c.m, FIX "jax/test_config_bad_status.yaml", NULL, NULL, &c.d);
    check_error(&c, rc, COV_EINPUT, 6, 13,
                "unknown status 'FOO' (allowed: EXPECTED_PASSING, KNOWN_FAILURE_XFAIL, "
                "NOT_SUPPORTED_SKIP, UNSPECIFIED, EXCLUDE_MODEL)");
    CHECK_STR(c.err.file, FIX "jax/test_config_bad_status.yaml");
    check_empty(&c);

    rc = load_text(&c, "b.yaml",
                   "test_config:\n  a/jax-single_device-inference:\n"
                   "    bringup_status: Later\n",
                   NULL);
    check_error(&c, rc, COV_EINPUT, 3, 21,
                "unknown bringup_status 'Later' (allowed: FAILED_FE_COMPILATION, "
                "FAILED_TTMLIR_COMPILATION, FAILED_RUNTIME, INCORRECT_RESULT, PASSED, "
                "UNKNOWN, NOT_STARTED)");
    check_empty(&c);

    /* Null status is absent; any case is accepted. */
    rc = load_text(&c, "n.yaml",
                   "test_config:\n  a/jax-single_device-inference:\n"
                   "    status: ~\n  b/jax-single_device-inference:\n"
                   "    status:\n  c/jax-single_device-inference:\n"
                   "    status: eXcLuDe_MoDeL\n",
                   NULL);
    CHECK_INT(rc, COV_OK);
    REQUIRE(c.m.tests.count == 3);
    CHECK_INT(cov_model_test(&c.m, 0)->f.status, COV_STATUS_ABSENT);
    CHECK_INT(cov_model_test(&c.m, 1)->f.status, COV_STATUS_ABSENT);
    CHECK_INT(cov_model_test(&c.m, 2)->f.status, COV_STATUS_EXCLUDE_MODEL);
    cov_model_free(&c.m);
}

static void test_duplicate_id_in_file(void)
{
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_file(&c.m, FIX "jax/test_config_dup_id.yaml", NULL, NULL, &c.d);
    check_error(
        &c, rc, COV_EINPUT, 8, 3,
        "duplicate test id 'gpt2/jax-base-single_device-inference' (first at line 2)");
    check_empty(&c);
    cov_model_free(&c.m);
}

/* The standing aggregate holds every test once: the tests a later file's
 * entry replaced were dropped from it too (cov_model_standing_rebuild). */
static void check_standing(const cov_model *m)
{
    const cov_agg *a = cov_model_standing(m);
    REQUIRE(a != NULL);
    uint32_t total = 0;
    for (uint32_t g = 0; g < cov_agg_groups(a); g++)
        total += cov_agg_group_at(a, g)->count;
    CHECK_INT(total, m->tests.count);
}

static void test_duplicate_across_tree(void)
{
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_tree(&c.m, FIX "tree_dup", NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    /* Counted once, as tt-xla merges the files: the later one wins. */
    CHECK_INT(c.m.tests.count, 3);
    CHECK_INT(c.m.sources.count, 2);
    /* Sorted order: data_parallel before single_device. */
    CHECK_STR(cov_model_source(&c.m, 0)->path,
              FIX "tree_dup/jax/test_config_inference_data_parallel.yaml");
    const cov_test *kept = cov_model_test(&c.m, 1);
    CHECK_INT(kept->source, 1);
    CHECK_INT(kept->line, 2);
    CHECK_INT(kept->f.status, COV_STATUS_EXPECTED_PASSING);
    CHECK_INT(cov_model_test(&c.m, 2)->source, 1); /* file order is kept */
    REQUIRE(c.m.duplicates.count == 1);
    const cov_duplicate *dup = COV_VEC_AT(c.m.duplicates, cov_duplicate, 0);
    CHECK_INT(dup->test, 1);
    CHECK_INT(dup->source, 0);
    CHECK_INT(dup->line, 4);
    REQUIRE(c.ws.n == 1);
    CHECK_STR(c.ws.w[0].message,
              "test id 'falcon/jax-3_3B_Base-single_device-inference' is also in " FIX
              "tree_dup/jax/test_config_inference_data_parallel.yaml:4; this later entry "
              "replaces it (tt-xla merges the files in order), so the test counts once");
    CHECK_STR(c.ws.w[0].file, FIX "tree_dup/jax/test_config_inference_single_device.yaml");
    CHECK_INT(c.ws.w[0].line, 2);
    CHECK_INT(c.ws.w[0].column, 3);
    check_standing(&c.m);

    /* A repeat within the second file is still a same-file duplicate. */
    const char *again = "test_config:\n"
                        "  falcon/jax-3_3B_Base-single_device-inference:\n"
                        "  falcon/jax-3_3B_Base-single_device-inference:\n";
    rc = load_text(&c, "again.yaml", again, NULL);
    check_error(
        &c, rc, COV_EINPUT, 3, 3,
        "duplicate test id 'falcon/jax-3_3B_Base-single_device-inference' (first at "
        "line 2)");
    CHECK_INT(c.m.tests.count, 3);
    CHECK_INT(c.m.sources.count, 2);
    CHECK_INT(c.m.duplicates.count, 1);

    /* A third file replaces the second's entry in turn: one test, two records. */
    const char *third = "test_config:\n"
                        "  falcon/jax-3_3B_Base-single_device-inference:\n"
                        "    status: NOT_SUPPORTED_SKIP\n";
    rc = load_text(&c, "jax/third.yaml", third, NULL);
    CHECK_INT(rc, COV_OK);
    CHECK_INT(c.m.tests.count, 3);
    REQUIRE(c.m.duplicates.count == 2);
    CHECK_INT(COV_VEC_AT(c.m.duplicates, cov_duplicate, 0)->test, 2);
    CHECK_INT(COV_VEC_AT(c.m.duplicates, cov_duplicate, 1)->test, 2);
    CHECK_INT(cov_model_test(&c.m, 2)->f.status, COV_STATUS_NOT_SUPPORTED_SKIP);
    check_standing(&c.m);
    cov_model_free(&c.m);
}

static void test_placeholders(void)
{
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_file(&c.m, FIX "torch/test_config_placeholders.yaml", NULL,
                                 NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    REQUIRE(c.m.placeholders.count == 3);
    const cov_source *s = cov_model_source(&c.m, 0);
    CHECK_INT(s->kind, COV_SOURCE_PLACEHOLDERS);
    CHECK_STR(str(&c, s->framework), "torch");
    CHECK_INT(s->entries, 3);
    const cov_placeholder *p = COV_VEC_AT(c.m.placeholders, cov_placeholder, 0);
    CHECK_STR(str(&c, p[0].name), "meta-llama/Llama-3.2-90B-Vision");
    CHECK_INT(p[0].bringup, COV_BRINGUP_NOT_STARTED);
    CHECK_INT(p[0].f.bringup, COV_BRINGUP_NOT_STARTED);
    CHECK_INT(p[0].line, 2);
    CHECK_INT(p[0].column, 3);
    CHECK_STR(str(&c, p[1].name), "KLA K-SegNet");
    CHECK_INT(p[1].bringup, COV_BRINGUP_FAILED_FE_COMPILATION);
    CHECK_STR(str(&c, p[1].f.reason), "planned");
    CHECK_INT(p[2].bringup, COV_BRINGUP_ABSENT);
    CHECK_INT(c.ws.n, 0);

    /* Kind by content when the name does not say. */
    rc = load_text(&c, "x/other.yaml",
                   "PLACEHOLDER_MODELS:\n  M:\n    bringup_status: unknown\n", NULL);
    CHECK_INT(rc, COV_OK);
    CHECK_INT(cov_model_source(&c.m, 1)->kind, COV_SOURCE_PLACEHOLDERS);
    rc = load_text(&c, "x/both.yaml", "test_config:\nPLACEHOLDER_MODELS:\n  N:\n", NULL);
    CHECK_INT(rc, COV_OK);
    CHECK_INT(cov_model_source(&c.m, 2)->kind, COV_SOURCE_TEST_CONFIG);
    rc = load_text(&c, "x/dup.yaml", "PLACEHOLDER_MODELS:\n  N:\n  N:\n", NULL);
    check_error(&c, rc, COV_EINPUT, 3, 3, "duplicate placeholder 'N' (first at line 2)");
    cov_model_free(&c.m);
}

static void test_flat_layout(void)
{
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_tree(&c.m, FIX "tree_flat/", NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    REQUIRE(c.m.tests.count == 1 && c.m.sources.count == 2);
    CHECK_STR(str(&c, cov_model_test(&c.m, 0)->framework), "torch");
    CHECK_STR(cov_model_source(&c.m, 0)->path,
              FIX "tree_flat/test_config/test_config_inference.yaml"); /* no "//" */
    CHECK_INT(cov_model_source(&c.m, 1)->kind, COV_SOURCE_PLACEHOLDERS);
    CHECK_INT(c.m.placeholders.count, 1);

    /* An explicit framework wins over the directory. */
    rc = cov_load_ttxla_file(&c.m, FIX "tree_flat/test_config/test_config_inference.yaml",
                             "torch_llm", NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    CHECK_STR(str(&c, cov_model_test(&c.m, 1)->framework), "torch_llm");
    CHECK_INT(c.ws.n, 0);
    cov_model_free(&c.m);
}

/* A file outside jax/, torch/ or torch_llm/ takes its framework from its
 * ids; ids of the other framework warn once per file; a framework given by
 * name must be one tt-xla has. */
static void test_framework_from_ids(void)
{
    ctx c;
    ctx_init(&c);
    const char *jax = "test_config:\n"
                      "  gpt2/jax-Base-single_device-inference:\n"
                      "  bert/pytorch-Base-single_device-inference:\n"
                      "  opt/pytorch-Base-single_device-inference:\n";
    int rc = cov_load_ttxla_buffer(&c.m, "elsewhere/test_config_x.yaml", jax, strlen(jax),
                                   NULL, NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    REQUIRE(c.m.tests.count == 3);
    CHECK_STR(str(&c, cov_model_test(&c.m, 0)->framework), "jax");
    CHECK_STR(str(&c, cov_model_test(&c.m, 2)->framework), "jax");
    CHECK_STR(str(&c, cov_model_source(&c.m, 0)->framework), "jax");
    REQUIRE(c.ws.n == 1);
    CHECK_STR(c.ws.w[0].message,
              "2 test ids are PyTorch (/pytorch-) but the file's framework "
              "is jax; each test keeps the file's framework");
    CHECK_INT(c.ws.w[0].line, 3);

    /* The directory says torch: a JAX id there is the odd one. */
    const char *torch = "test_config:\n  vit/jax-Base-single_device-inference:\n";
    rc = cov_load_ttxla_buffer(&c.m, "t/torch/test_config_y.yaml", torch, strlen(torch),
                               NULL, NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    CHECK_STR(str(&c, cov_model_test(&c.m, 3)->framework), "torch");
    REQUIRE(c.ws.n == 2);
    CHECK_STR(c.ws.w[1].message,
              "1 test id is JAX (/jax-) but the file's framework is torch; "
              "each test keeps the file's framework");

    rc = cov_load_ttxla_buffer(&c.m, "x.yaml", torch, strlen(torch), "jaxx", NULL, &c.d);
    check_error(&c, rc, COV_EUSAGE, 0, 0,
                "unknown framework 'jaxx' (known: jax, torch, torch_llm)");
    CHECK_INT(c.m.tests.count, 4);
    cov_model_free(&c.m);
}

/* The effective status per (test, arch): scope, status on an arch, the
 * summary status and what ds:group counts from them. */
static void test_effective_status(void)
{
    ctx c;
    ctx_init(&c);
    const char *text =
        "test_config:\n"
        /* 0: supported_archs without n150; its n150 override never applies */
        "  a/jax-7B-single_device-inference:\n"
        "    status: NOT_SUPPORTED_SKIP\n"
        "    supported_archs: [p150]\n"
        "    arch_overrides:\n"
        "      n150: {status: EXPECTED_PASSING}\n"
        /* 1: no status of its own; the overrides say it all */
        "  a/jax-3B-single_device-inference:\n"
        "    arch_overrides:\n"
        "      n150: {status: KNOWN_FAILURE_XFAIL}\n"
        "      p150: {status: EXPECTED_PASSING}\n"
        /* 2: a status of its own and one override: runs everywhere */
        "  a/jax-1B-single_device-inference:\n"
        "    status: KNOWN_FAILURE_XFAIL\n"
        "    arch_overrides:\n"
        "      galaxy-wh-6u: {status: NOT_SUPPORTED_SKIP}\n"
        /* 3: nothing: UNSPECIFIED everywhere */
        "  a/jax-Tiny-single_device-inference:\n"
        /* 4: runs nowhere */
        "  a/jax-Big-single_device-inference:\n"
        "    status: EXPECTED_PASSING\n"
        "    supported_archs: []\n";
    int rc = load_text(&c, "jax/test_config_e.yaml", text, NULL);
    REQUIRE(rc == COV_OK && c.m.tests.count == 5);
    cov_sym n150 = cov_intern_find(&c.m.strs, "n150", 4);
    cov_sym p150 = cov_intern_find(&c.m.strs, "p150", 4);
    cov_sym galaxy = cov_intern_find(&c.m.strs, "galaxy-wh-6u", 12);
    const cov_test *t = cov_model_test(&c.m, 0);
    CHECK_INT(cov_test_scope(&c.m, t), COV_SCOPE_SUPPORTED);
    CHECK_INT(cov_test_status_on(&c.m, t, n150), COV_STATUS_ABSENT);
    CHECK_INT(cov_test_status_on(&c.m, t, p150), COV_STATUS_NOT_SUPPORTED_SKIP);
    CHECK_INT(cov_test_summary_status(&c.m, t), COV_STATUS_NOT_SUPPORTED_SKIP);
    CHECK_INT(cov_test_status_elsewhere(&c.m, t), COV_STATUS_ABSENT);
    cov_arch_status as[4];
    REQUIRE(cov_test_arches(&c.m, t, as, 4) == 2);
    CHECK_INT(as[0].arch, p150);
    CHECK_INT(as[1].arch, n150);
    CHECK_INT(as[1].status, COV_STATUS_ABSENT);
    t = cov_model_test(&c.m, 1);
    CHECK_INT(cov_test_scope(&c.m, t), COV_SCOPE_OVERRIDES);
    CHECK_INT(cov_test_status_on(&c.m, t, n150), COV_STATUS_KNOWN_FAILURE_XFAIL);
    CHECK_INT(cov_test_status_on(&c.m, t, galaxy), COV_STATUS_ABSENT);
    CHECK_INT(cov_test_summary_status(&c.m, t), COV_STATUS_EXPECTED_PASSING);
    t = cov_model_test(&c.m, 2);
    CHECK_INT(cov_test_scope(&c.m, t), COV_SCOPE_ALL);
    CHECK_INT(cov_test_status_on(&c.m, t, n150), COV_STATUS_KNOWN_FAILURE_XFAIL);
    CHECK_INT(cov_test_status_on(&c.m, t, galaxy), COV_STATUS_NOT_SUPPORTED_SKIP);
    CHECK_INT(cov_test_status_elsewhere(&c.m, t), COV_STATUS_KNOWN_FAILURE_XFAIL);
    t = cov_model_test(&c.m, 3);
    CHECK_INT(cov_test_summary_status(&c.m, t), COV_STATUS_UNSPECIFIED);
    CHECK_INT(cov_test_status_on(&c.m, t, p150), COV_STATUS_UNSPECIFIED);
    t = cov_model_test(&c.m, 4);
    CHECK_INT(cov_test_status_on(&c.m, t, p150), COV_STATUS_ABSENT);
    CHECK_INT(cov_test_arches(&c.m, t, as, 4), 0);

    uint32_t n;
    const cov_sym *arches = cov_model_arches(&c.m, &n);
    REQUIRE(n == 3);
    CHECK_INT(arches[0], galaxy); /* sorted by name */
    CHECK_INT(arches[1], n150);
    CHECK_INT(arches[2], p150);

    /* One group of all five: counts on each arch are the tests running there. */
    int keys[] = {COV_K_FAMILY};
    cov_agg *a = cov_agg_new(keys, 1, NULL, 0, 1);
    REQUIRE(a != NULL);
    for (uint32_t i = 0; i < c.m.tests.count; i++)
        REQUIRE(cov_agg_add(a, &c.m, i) == COV_OK);
    const cov_agg_group *g = cov_agg_group_at(a, 0);
    CHECK_INT(g->status[COV_STATUS_EXPECTED_PASSING], 2); /* 1 (summary) and 4 */
    CHECK_INT(g->status[COV_STATUS_UNSPECIFIED], 1);
    CHECK_INT(g->reach[COV_STATUS_EXPECTED_PASSING], 1); /* 4 runs nowhere */
    CHECK_INT(g->reach[COV_STATUS_KNOWN_FAILURE_XFAIL], 2);
    CHECK_INT(g->reach[COV_STATUS_NOT_SUPPORTED_SKIP], 2);
    CHECK(cov_agg_differs_elsewhere(g));
    uint32_t eff[COV_STATUS_COUNT];
    cov_agg_arch_counts(a, g, n150, eff); /* 1 XFAIL, 2 XFAIL, 3 UNSPECIFIED */
    CHECK_INT(eff[COV_STATUS_KNOWN_FAILURE_XFAIL], 2);
    CHECK_INT(eff[COV_STATUS_UNSPECIFIED], 1);
    CHECK_INT(eff[COV_STATUS_EXPECTED_PASSING], 0);
    CHECK_INT(eff[COV_STATUS_NOT_SUPPORTED_SKIP], 0);
    cov_agg_arch_counts(a, g, p150, eff); /* 0 SKIP, 1 PASS, 2 XFAIL, 3 UNSPECIFIED */
    CHECK_INT(eff[COV_STATUS_NOT_SUPPORTED_SKIP], 1);
    CHECK_INT(eff[COV_STATUS_EXPECTED_PASSING], 1);
    CHECK_INT(eff[COV_STATUS_KNOWN_FAILURE_XFAIL], 1);
    CHECK_INT(eff[COV_STATUS_UNSPECIFIED], 1);
    cov_sym other = cov_model_intern(&c.m, "qb2-blackhole", 13);
    cov_agg_arch_counts(a, g, other, eff); /* 2 XFAIL, 3 UNSPECIFIED */
    CHECK_INT(eff[COV_STATUS_KNOWN_FAILURE_XFAIL], 1);
    CHECK_INT(eff[COV_STATUS_UNSPECIFIED], 1);
    CHECK_INT(eff[COV_STATUS_EXPECTED_PASSING] + eff[COV_STATUS_NOT_SUPPORTED_SKIP], 0);
    cov_agg_free(a);
    cov_model_free(&c.m);
}

/* Status of the test whose id starts with prefix. */
static const cov_test *find_test(const ctx *c, const char *prefix)
{
    for (uint32_t i = 0; i < c->m.tests.count; i++)
        if (strncmp(id_of(c, i), prefix, strlen(prefix)) == 0)
            return cov_model_test(&c->m, i);
    return NULL;
}

static void test_anchors_and_merges(void)
{
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_file(&c.m, FIX "jax/test_config_merge.yaml", NULL, NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    REQUIRE(c.m.tests.count == 6);
    /* Values as PyYAML gives them (see the fixture). */
    const cov_test *t = find_test(&c, "a/");
    CHECK_INT(t->f.status, COV_STATUS_KNOWN_FAILURE_XFAIL);
    CHECK_STR(str(&c, t->f.reason), "from defaults");
    CHECK_STR(str(&c, extra(&c, &t->f, "required_pcc")->value), "0.9");
    t = find_test(&c, "b/");
    CHECK_INT(t->f.status, COV_STATUS_EXPECTED_PASSING);
    CHECK_STR(str(&c, extra(&c, &t->f, "required_pcc")->value), "0.99");
    CHECK_INT(t->f.extra->n, 1);
    t = find_test(&c, "c/");
    CHECK_INT(t->f.status, COV_STATUS_EXPECTED_PASSING);
    CHECK_STR(str(&c, t->f.reason), "from defaults");
    CHECK_STR(str(&c, extra(&c, &t->f, "required_pcc")->value), "0.99");
    t = find_test(&c, "d/");
    CHECK_INT(t->f.status, COV_STATUS_EXPECTED_PASSING);
    CHECK_STR(list_item(&c, t->f.markers, 0), "push");
    CHECK_STR(str(&c, t->f.reason), "from defaults");
    t = find_test(&c, "e/");
    CHECK_INT(t->f.status, COV_STATUS_KNOWN_FAILURE_XFAIL);
    CHECK_STR(list_item(&c, t->f.markers, 0), "push");
    t = find_test(&c, "f/");
    CHECK_STR(list_item(&c, t->f.archs, 1), "p150");
    REQUIRE(t->n_overrides == 2);
    const cov_override *o = cov_model_overrides(&c.m, t);
    CHECK_INT(o[0].f.status, COV_STATUS_EXPECTED_PASSING);
    CHECK_INT(o[1].f.status, COV_STATUS_KNOWN_FAILURE_XFAIL);
    CHECK_STR(str(&c, o[1].f.reason), "n150 reason");
    /* Three unknown top-level keys (the anchors' holders), nothing else. */
    CHECK_INT(c.ws.n, 3);
    CHECK_STR(c.ws.w[0].message, "unknown top-level key 'defaults'");

    /* Merged test ids: an explicit id beats a merged one without a duplicate. */
    const char *ids = "base: &base\n"
                      "  a/jax-single_device-inference: {status: EXPECTED_PASSING}\n"
                      "  b/jax-single_device-inference: {status: EXPECTED_PASSING}\n"
                      "test_config:\n"
                      "  a/jax-single_device-inference: {status: KNOWN_FAILURE_XFAIL}\n"
                      "  <<: *base\n";
    rc = load_text(&c, "ids.yaml", ids, NULL);
    CHECK_INT(rc, COV_OK);
    CHECK_INT(c.m.tests.count, 8);
    CHECK_INT(find_test(&c, "a/jax-single")->f.status, COV_STATUS_KNOWN_FAILURE_XFAIL);
    CHECK_INT(find_test(&c, "b/jax-single")->f.status, COV_STATUS_EXPECTED_PASSING);

    /* Merging something that is not a mapping is an error where it is. */
    rc = load_text(&c, "m.yaml", "test_config:\n  <<: [1]\n", NULL);
    check_error(&c, rc, COV_EINPUT, 2, 8, "'<<' list items must be mappings");
    rc = load_text(&c, "m.yaml", "test_config:\n  <<: x\n", NULL);
    check_error(&c, rc, COV_EINPUT, 2, 7, "'<<' must be a mapping or a list of mappings");
    rc = load_text(&c, "u.yaml", "test_config:\n  <<: *nope\n", NULL);
    check_error(&c, rc, COV_EINPUT, 2, 7, "undefined alias '*nope'");
    rc = load_text(&c, "u.yaml", "a: &x 1\nb: &x 2\n", NULL);
    check_error(&c, rc, COV_EINPUT, 2, 4, "duplicate anchor '&x' (first at line 1)");
    CHECK_INT(c.m.tests.count, 8);
    cov_model_free(&c.m);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_alias_bomb(void)
{
    ctx c;
    ctx_init(&c);
    cov_limits lim;
    cov_limits_default(&lim);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc =
        cov_load_ttxla_file(&c.m, FIX "jax/test_config_alias_bomb.yaml", NULL, &lim, &c.d);
    double ms = ms_since(&t0);
    check_error(&c, rc, COV_ELIMIT, 10, 10, "aliases expand to more than 1000000 events");
    CHECK(ms < 50);
    check_empty(&c);

    /* The size limit: text plus COV_YEV_EVENT_BYTES per event, the third
     * 10-byte alias crossing 60; 0 lifts it. */
    static const char three[] = "test_config:\n  x/jax-single_device-inference:\n"
                                "    lol: &a xxxxxxxxxx\n    lul: [*a, *a, *a]\n";
    lim.max_alias_bytes = 60;
    rc = load_text(&c, "ab.yaml", three, &lim);
    check_error(&c, rc, COV_ELIMIT, 4, 19, "aliases expand to more than 60 bytes");
    lim.max_alias_bytes = 78;
    CHECK(load_text(&c, "ab.yaml", three, &lim) == COV_OK);
    cov_model_free(&c.m);
    ctx_init(&c);
    lim.max_alias_bytes = 0;
    CHECK(load_text(&c, "ab.yaml", three, &lim) == COV_OK);
    cov_model_free(&c.m);
    ctx_init(&c);
    cov_limits_default(&lim);

    /* The alias count limit. */
    lim.max_aliases = 2;
    rc = load_text(&c, "al.yaml", "a: &a 1\nb: [*a, *a, *a]\n", &lim);
    check_error(&c, rc, COV_ELIMIT, 2, 13, "more than 2 aliases");
    lim.max_anchors = 1;
    rc = load_text(&c, "an.yaml", "a: &a 1\nb: &b 2\n", &lim);
    check_error(&c, rc, COV_ELIMIT, 2, 4, "more than 1 anchors");
    cov_model_free(&c.m);
}

static void test_self_alias(void)
{
    ctx c;
    ctx_init(&c);
    int rc =
        cov_load_ttxla_file(&c.m, FIX "jax/test_config_self_alias.yaml", NULL, NULL, &c.d);
    check_error(&c, rc, COV_EINPUT, 3, 20, "alias '*a' refers to its own anchor");
    check_empty(&c);
    cov_model_free(&c.m);
}

/* An entry whose field `deep` nests depth sequences, in flow style
 * ("deep: [[[...]]]") or block style ("deep:\n      - - - x"). libyaml
 * 0.2.5 is quadratic in flow depth but linear in block depth. */
static char *deep_text(size_t depth, int block)
{
    const char *head = "test_config:\n  x/jax-single_device-inference:\n    deep:";
    size_t n = strlen(head);
    char *p = malloc(n + 2 * depth + 16);
    memcpy(p, head, n);
    if (block) {
        memcpy(p + n, "\n      ", 7);
        n += 7;
        for (size_t i = 0; i < depth; i++)
            memcpy(p + n + 2 * i, "- ", 2);
        strcpy(p + n + 2 * depth, "x\n");
    } else {
        p[n++] = ' ';
        memset(p + n, '[', depth);
        memset(p + n + depth, ']', depth);
        strcpy(p + n + 2 * depth, "\n");
    }
    return p;
}

static void test_deep_nesting(void)
{
    ctx c;
    ctx_init(&c);
    char *text = deep_text(100000, 0);
    cov_limits lim;
    cov_limits_default(&lim);
    int rc = load_text(&c, "deep.yaml", text, &lim);
    /* Depth 3 is the entry; the 62nd bracket (column 11 + 61) is depth 65. */
    check_error(&c, rc, COV_ELIMIT, 3, 72, "nesting deeper than 64");
    check_empty(&c);
    free(text);

    /* Without limits it is built (with explicit stacks, no recursion) and kept. */
    text = deep_text(100000, 1);
    rc = load_text(&c, "deep.yaml", text, NULL);
    CHECK_INT(rc, COV_OK);
    REQUIRE(c.m.tests.count == 1);
    const cov_node *n = extra(&c, &cov_model_test(&c.m, 0)->f, "deep");
    size_t depth = 0;
    for (; n && n->kind == COV_NODE_SEQ; n = n->n ? &n->items[0] : NULL)
        depth++;
    CHECK_INT(depth, 100000);
    CHECK(n && n->kind == COV_NODE_SCALAR && strcmp(str(&c, n->value), "x") == 0);
    rc = load_text(&c, "deep2.yaml", text, &lim);
    check_error(&c, rc, COV_ELIMIT, 4, 129, "nesting deeper than 64");
    free(text);

    /* A deep top level fails at once. */
    text = malloc(100001);
    memset(text, '[', 100000);
    text[100000] = '\0';
    rc = load_text(&c, "top.yaml", text, NULL);
    check_error(&c, rc, COV_EINPUT, 1, 1, "top level must be a mapping");
    free(text);
    cov_model_free(&c.m);
}

static void test_size_limits(void)
{
    ctx c;
    ctx_init(&c);
    cov_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.max_scalar = 12;
    int rc =
        load_text(&c, "s.yaml", "test_config:\n  a/jax-single_device-inference:\n", &lim);
    check_error(&c, rc, COV_ELIMIT, 2, 3, "scalar is 29 bytes, over the limit of 12");

    memset(&lim, 0, sizeof lim);
    lim.max_file_size = 100;
    rc = cov_load_ttxla_file(&c.m, FIX "jax/test_config_fields.yaml", NULL, &lim, &c.d);
    CHECK_INT(rc, COV_ELIMIT);
    CHECK_INT(c.err.line, 0);
    CHECK_INT(c.err.column, 0);
    CHECK(strstr(c.err.message, "file is ") == c.err.message);
    CHECK(strstr(c.err.message, " bytes, over the limit of 100") != NULL);
    char big[200], want[100];
    memset(big, '#', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    rc = load_text(&c, "big.yaml", big, &lim);
    snprintf(want, sizeof want, "file is %zu bytes, over the limit of 100", sizeof big - 1);
    check_error(&c, rc, COV_ELIMIT, 0, 0, want);
    check_empty(&c);
    cov_model_free(&c.m);
}

static void test_syntax_and_reader_errors(void)
{
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_file(&c.m, FIX "jax/test_config_syntax.yaml", NULL, NULL, &c.d);
    check_error(&c, rc, COV_EINPUT, 4, 4,
                "invalid YAML: did not find expected key while parsing a block mapping "
                "(started at line 2, column 3)");

    /* Invalid UTF-8: libyaml reports a byte offset, we report line:column. */
    rc = cov_load_ttxla_file(&c.m, FIX "jax/test_config_bad_utf8.yaml", NULL, NULL, &c.d);
    /* 0xE9 then a space: libyaml points at the space, which should continue it. */
    check_error(&c, rc, COV_EINPUT, 3, 17, "invalid YAML: invalid trailing UTF-8 octet");
    const char *text = "test_config:\n  a/jax-x-single_device-inference:\n"
                       "    reason: \xc3\xa9t\xc3\xa9 \xff\n";
    rc = load_text(&c, "u.yaml", text, NULL);
    check_error(&c, rc, COV_EINPUT, 3, 17, "invalid YAML: invalid leading UTF-8 octet");

    rc = cov_load_ttxla_file(&c.m, FIX "jax/no_such_file.yaml", NULL, NULL, &c.d);
    check_error(&c, rc, COV_EIO, 0, 0, "cannot open: No such file or directory");
    CHECK_STR(c.err.file, FIX "jax/no_such_file.yaml");
    rc = cov_load_ttxla_file(&c.m, FIX "jax", NULL, NULL, &c.d);
    check_error(&c, rc, COV_EIO, 1, 1, "cannot open: Is a directory");

    rc = load_text(&c, "two.yaml", "test_config:\n---\ntest_config:\n", NULL);
    check_error(&c, rc, COV_EINPUT, 2, 1, "expected a single document, found another");
    rc = load_text(&c, "tag.yaml",
                   "test_config:\n  a/jax-single_device-inference:\n"
                   "    status: !custom EXPECTED_PASSING\n",
                   NULL);
    check_error(&c, rc, COV_EINPUT, 3, 13, "unsupported tag '!custom'");
    rc = load_text(&c, "tag.yaml", "test_config: !!python/object:x {}\n", NULL);
    check_error(&c, rc, COV_EINPUT, 1, 14, "unsupported tag '!!python/object:x'");
    rc = load_text(&c, "tag.yaml",
                   "test_config: !!map\n  a/jax-single_device-inference:\n"
                   "    status: !!str EXPECTED_PASSING\n",
                   NULL);
    CHECK_INT(rc, COV_OK);
    CHECK_INT(cov_model_test(&c.m, 0)->f.status, COV_STATUS_EXPECTED_PASSING);
    cov_model_free(&c.m);
}

static void test_wrong_shapes(void)
{
    static const struct {
        const char *text;
        int line, col;
        const char *msg;
    } cases[] = {
        {"- a\n", 1, 1, "top level must be a mapping"},
        {"test_config: [a]\n", 1, 14, "'test_config' must be a mapping"},
        {"PLACEHOLDER_MODELS: x\n", 1, 21, "'PLACEHOLDER_MODELS' must be a mapping"},
        {"test_config:\n  [a]: {}\n", 2, 3, "test id must be a string"},
        {"test_config:\n  a/jax-single_device-inference: [x]\n", 2, 34,
         "entry for 'a/jax-single_device-inference' must be a mapping"},
        {"test_config:\n  a/jax-single_device-inference:\n    markers: push\n", 3, 14,
         "'markers' must be a list of strings"},
        {"test_config:\n  a/jax-single_device-inference:\n    supported_archs: [[n150]]\n",
         3, 23, "'supported_archs' must be a list of strings"},
        {"test_config:\n  a/jax-single_device-inference:\n    status: [x]\n", 3, 13,
         "'status' must be a string"},
        {"test_config:\n  a/jax-single_device-inference:\n    reason: {a: b}\n", 3, 13,
         "'reason' must be a string"},
        {"test_config:\n  a/jax-single_device-inference:\n    arch_overrides: [p150]\n", 3,
         21, "'arch_overrides' must be a mapping of arch to fields"},
        {"test_config:\n  a/jax-single_device-inference:\n    arch_overrides:\n"
         "      p150: EXPECTED_PASSING\n",
         4, 13, "override for 'p150' in 'a/jax-single_device-inference' must be a mapping"},
        {"test_config:\n  a/jax-single_device-inference:\n    arch_overrides:\n"
         "      p150:\n        status: nope\n",
         5, 17,
         "unknown status 'nope' (allowed: EXPECTED_PASSING, KNOWN_FAILURE_XFAIL, "
         "NOT_SUPPORTED_SKIP, UNSPECIFIED, EXCLUDE_MODEL)"},
        {"test_config:\ntest_config:\n", 2, 1,
         "duplicate key 'test_config' (first at line 1)"},
    };
    ctx c;
    ctx_init(&c);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc = load_text(&c, "shape.yaml", cases[i].text, NULL);
        if (!CHECK_INT(rc, COV_EINPUT) || !CHECK_INT(c.err.line, cases[i].line) ||
            !CHECK_INT(c.err.column, cases[i].col) ||
            !CHECK_STR(c.err.message, cases[i].msg))
            fprintf(stderr, "  case %zu\n", i);
        check_empty(&c);
    }
    cov_model_free(&c.m);
}

static void test_warnings(void)
{
    ctx c;
    ctx_init(&c);
    const char *text = "version: 2\n"
                       "test_config:\n"
                       "  a/jax-single_device-inference:\n"
                       "    status: EXPECTED_PASSING\n"
                       "    status: KNOWN_FAILURE_XFAIL\n"
                       "    required_pcc: 0.9\n"
                       "    required_pcc: 0.8\n"
                       "    arch_overrides:\n"
                       "      p150:\n"
                       "        frobnicate: 1\n";
    int rc = load_text(&c, "w.yaml", text, NULL);
    CHECK_INT(rc, COV_OK);
    REQUIRE(c.ws.n == 4);
    CHECK_STR(c.ws.w[0].message, "unknown top-level key 'version'");
    CHECK_STR(c.ws.w[1].message,
              "duplicate field 'status' (first at line 4); the last one wins");
    CHECK_INT(c.ws.w[1].line, 5);
    CHECK_STR(c.ws.w[2].message,
              "duplicate field 'required_pcc' (first at line 6); the last one wins");
    CHECK_STR(c.ws.w[3].message,
              "unknown field 'frobnicate' in 'a/jax-single_device-inference' arch 'p150'");
    const cov_test *t = cov_model_test(&c.m, 0);
    CHECK_INT(t->f.status, COV_STATUS_KNOWN_FAILURE_XFAIL);
    CHECK_STR(str(&c, extra(&c, &t->f, "required_pcc")->value), "0.8");
    CHECK_INT(t->f.extra->n, 1);
    cov_model_free(&c.m);
}

static void test_unparsed_id(void)
{
    ctx c;
    ctx_init(&c);
    int rc =
        cov_load_ttxla_file(&c.m, FIX "jax/test_config_unparsed.yaml", NULL, NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    REQUIRE(c.m.tests.count == 2);
    CHECK_INT(c.m.unparsed, 1);
    CHECK_INT(cov_model_test(&c.m, 0)->parsed, 0);
    CHECK_STR(id_of(&c, 0), "not-a-test-id");
    CHECK_INT(cov_model_test(&c.m, 0)->f.status, COV_STATUS_EXPECTED_PASSING);
    REQUIRE(c.ws.n == 1);
    cov_testid p;
    cov_testid_parse("not-a-test-id", 13, &p);
    char want[256];
    snprintf(want, sizeof want, "test id 'not-a-test-id' does not fit the grammar: %s",
             p.error);
    CHECK_STR(c.ws.w[0].message, want);
    CHECK_INT(c.ws.w[0].line, 2);
    cov_model_free(&c.m);
}

static void test_empty_inputs(void)
{
    static const char *const texts[] = {"",
                                        "# only a comment\n",
                                        "---\n",
                                        "~\n",
                                        "test_config:\n",
                                        "test_config: {}\n",
                                        "PLACEHOLDER_MODELS:\n"};
    ctx c;
    ctx_init(&c);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        CHECK_INT(load_text(&c, "e.yaml", texts[i], NULL), COV_OK);
    CHECK_INT(c.m.sources.count, 7);
    CHECK_INT(c.m.tests.count, 0);
    CHECK_INT(cov_model_source(&c.m, 0)->entries, 0);
    CHECK_INT(c.ws.n, 0);
    cov_model_free(&c.m);
}

static void test_rollback(void)
{
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_tree(&c.m, FIX "tree_rollback", NULL, &c.d);
    check_error(&c, rc, COV_EINPUT, 4, 14, "'markers' must be a list of strings");
    CHECK_STR(c.err.file, FIX "tree_rollback/torch/test_config_bad.yaml");
    check_empty(&c);
    /* The model still works: the good file loads and indexes cleanly. */
    rc = cov_load_ttxla_file(&c.m, FIX "tree_rollback/jax/test_config_good.yaml", NULL,
                             NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    CHECK_INT(c.m.tests.count, 1);
    CHECK_INT(c.ws.n, 0);

    rc = cov_load_ttxla_tree(&c.m, FIX "torch", NULL, &c.d); /* placeholders only: fine */
    CHECK_INT(rc, COV_OK);
    rc = cov_load_ttxla_tree(&c.m, FIX "tree_none", NULL, &c.d);
    CHECK_INT(rc, COV_EIO);
    cov_model_free(&c.m);
}

static void test_no_files(void)
{
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_tree(&c.m, "fixtures/easydel", NULL, &c.d);
    CHECK_INT(rc, COV_EINPUT);
    CHECK_STR(c.err.message, "no test_config_*.yaml files under fixtures/easydel");
    cov_model_free(&c.m);
}

/* ---- large inputs: libyaml runs on a helper thread (yaml_pipe.c) ---- */

typedef struct textbuf {
    char *p;
    size_t n, cap;
} textbuf;

static void put(textbuf *t, const char *s)
{
    size_t n = strlen(s);
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->n, s, n + 1);
    t->n += n;
}

static const char *const big_head =
    "d0: &d0 {status: KNOWN_FAILURE_XFAIL, required_pcc: 0.9}\n"
    "d1: &d1 {reason: merged, markers: [push]}\n"
    "test_config:\n";

/* Entries [from, to) of a synthetic config that exercises every path. */
static void big_entries(textbuf *t, int from, int to)
{
    static const char *const st[] = {"EXPECTED_PASSING", "known_failure_xfail",
                                     "NOT_SUPPORTED_SKIP"};
    char line[256];
    for (int i = from; i < to; i++) {
        snprintf(line, sizeof line, "  fam%d/causal_lm/jax-v%d-single_device-inference:\n",
                 i % 7, i);
        put(t, line);
        if (i % 5 == 0)
            put(t, i % 10 ? "    <<: *d1\n" : "    <<: [*d0, *d1]\n");
        snprintf(line, sizeof line, "    status: %s\n    reason: \"r%d\"\n", st[i % 3],
                 i % 100);
        put(t, line);
        if (i % 4 == 0)
            put(t, "    markers: [m1, m2]\n");
        if (i % 10 == 3)
            put(t, "    arch_overrides:\n      p150: {status: EXPECTED_PASSING, "
                   "required_pcc: 0.95}\n      n150: *d1\n");
    }
}

/* Checks that two models hold the same tests. */
static void check_same_tests(const ctx *a, const ctx *b)
{
    REQUIRE(a->m.tests.count == b->m.tests.count);
    uint32_t diff = 0;
    for (uint32_t i = 0; i < a->m.tests.count; i++) {
        const cov_test *x = cov_model_test(&a->m, i), *y = cov_model_test(&b->m, i);
        char ix[512];
        snprintf(ix, sizeof ix, "%s", id_of(a, i));
        int same = strcmp(ix, id_of(b, i)) == 0 && x->f.status == y->f.status &&
                   x->f.bringup == y->f.bringup &&
                   strcmp(str(a, x->f.reason), str(b, y->f.reason)) == 0 &&
                   list_len(a, x->f.markers) == list_len(b, y->f.markers) &&
                   x->n_overrides == y->n_overrides && !x->f.extra == !y->f.extra;
        for (uint32_t k = 0; same && k < x->n_overrides; k++) {
            const cov_override *ox = cov_model_overrides(&a->m, x) + k;
            const cov_override *oy = cov_model_overrides(&b->m, y) + k;
            same = strcmp(str(a, ox->arch), str(b, oy->arch)) == 0 &&
                   ox->f.status == oy->f.status && !ox->f.extra == !oy->f.extra;
        }
        diff += !same;
    }
    CHECK_INT(diff, 0);
}

static char *write_temp(const textbuf *t)
{
    char *path = strdup("/tmp/cov-ttxla-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, t->p, t->n) != (ssize_t)t->n) {
        free(path);
        return NULL;
    }
    close(fd);
    return path;
}

static void test_large_input_same_result(void)
{
    /* One buffer over the threshold against two halves under it. */
    const int n = 12000, half = n / 2;
    textbuf all = {0}, h1 = {0}, h2 = {0};
    put(&all, big_head);
    big_entries(&all, 0, n);
    put(&h1, big_head);
    big_entries(&h1, 0, half);
    put(&h2, big_head);
    big_entries(&h2, half, n);
    CHECK(all.n >= COV_TTXLA_PIPE_MIN && h1.n < COV_TTXLA_PIPE_MIN &&
          h2.n < COV_TTXLA_PIPE_MIN);
    ctx a, b;
    ctx_init(&a);
    ctx_init(&b);
    CHECK_INT(load_text(&a, "all.yaml", all.p, NULL), COV_OK);
    CHECK_INT(load_text(&b, "h1.yaml", h1.p, NULL), COV_OK);
    CHECK_INT(load_text(&b, "h2.yaml", h2.p, NULL), COV_OK);
    CHECK_INT(a.m.tests.count, n);
    CHECK_INT(a.ws.n, 2); /* the anchors' holders d0 and d1 */
    check_same_tests(&a, &b);
    const cov_test *t = cov_model_test(&a.m, 10); /* <<: [*d0, *d1], then explicit */
    CHECK_INT(t->f.status, COV_STATUS_KNOWN_FAILURE_XFAIL);
    CHECK_STR(str(&a, t->f.reason), "r10");
    CHECK_STR(str(&a, extra(&a, &t->f, "required_pcc")->value), "0.9");
    t = cov_model_test(&a.m, 13);
    REQUIRE(t->n_overrides == 2);
    CHECK_STR(str(&a, cov_model_overrides(&a.m, t)[1].f.reason), "merged");

    /* The same through a file. */
    char *path = write_temp(&all);
    REQUIRE(path);
    ctx c;
    ctx_init(&c);
    CHECK_INT(cov_load_ttxla_file(&c.m, path, "jax", NULL, &c.d), COV_OK);
    check_same_tests(&a, &c);
    unlink(path);
    free(path);
    cov_model_free(&a.m);
    cov_model_free(&b.m);
    cov_model_free(&c.m);
    free(all.p);
    free(h1.p);
    free(h2.p);
}

static void test_large_input_errors(void)
{
    ctx c;
    ctx_init(&c);
    /* An early error stops the parser thread mid-file, with scalars too
     * large for a batch (handed over whole) still unread. */
    textbuf t = {0};
    put(&t, big_head);
    put(&t, "  a/jax-single_device-inference:\n    status: BAD\n");
    char *huge = malloc(40001);
    memset(huge, 'x', 40000);
    huge[40000] = '\0';
    for (int i = 0; i < 3; i++) {
        put(&t, "  b/jax-single_device-inference:\n    reason: ");
        put(&t, huge);
        put(&t, "\n");
    }
    big_entries(&t, 0, 9000);
    REQUIRE(t.n >= COV_TTXLA_PIPE_MIN);
    int rc = load_text(&c, "early.yaml", t.p, NULL);
    CHECK_INT(rc, COV_EINPUT);
    CHECK_INT(c.err.line, 5);
    CHECK_INT(c.err.column, 13);
    check_empty(&c);

    /* Errors found by libyaml on the parser thread, at the end of the input. */
    t.n = 0;
    put(&t, big_head);
    put(&t, "  b/jax-single_device-inference:\n    reason: ");
    put(&t, huge); /* a large event that is read */
    put(&t, "\n");
    big_entries(&t, 0, 9000);
    size_t lines = 0;
    for (size_t i = 0; i < t.n; i++)
        lines += t.p[i] == '\n';
    size_t good = t.n;
    put(&t, "   bad: indent\n");
    rc = load_text(&c, "syntax.yaml", t.p, NULL);
    check_error(&c, rc, COV_EINPUT, (int)lines + 1, 4,
                "invalid YAML: did not find expected key while parsing a block mapping "
                "(started at line 4, column 3)");
    check_empty(&c);
    t.n = good;
    t.p[good] = '\0';
    put(&t, "  z/jax-single_device-inference: {reason: \"\xc3\xa9\xff\"}\n");
    rc = load_text(&c, "utf8.yaml", t.p, NULL);
    check_error(&c, rc, COV_EINPUT, (int)lines + 1, 45,
                "invalid YAML: invalid leading UTF-8 octet");
    char *path = write_temp(&t);
    REQUIRE(path);
    rc = cov_load_ttxla_file(&c.m, path, NULL, NULL, &c.d);
    check_error(&c, rc, COV_EINPUT, (int)lines + 1, 45,
                "invalid YAML: invalid leading UTF-8 octet");
    unlink(path);
    free(path);
    /* Without the bad line it loads, the large reason intact. */
    t.n = good;
    t.p[good] = '\0';
    CHECK_INT(load_text(&c, "ok.yaml", t.p, NULL), COV_OK);
    CHECK_INT(cov_sym_len(&c.m.strs, cov_model_test(&c.m, 0)->f.reason), 40000);
    free(huge);
    free(t.p);
    cov_model_free(&c.m);
}

/* Writes t to dir/rel (dir/sub made as needed). */
static void write_file(const char *dir, const char *sub, const char *name, const char *t)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(t, f);
        fclose(f);
    }
}

static void remove_tree(const char *dir)
{
    static const char *const files[] = {"jax/test_config_a.yaml",
                                        "torch/test_config_b.yaml", "jax", "torch", ""};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
}

static void test_large_tree(void)
{
    /* Over the tree threshold, so one parser thread reads every file. */
    char dir[] = "/tmp/cov-ttxla-tree-XXXXXX";
    REQUIRE(mkdtemp(dir));
    textbuf a = {0};
    put(&a, big_head);
    big_entries(&a, 0, 10000);
    CHECK(a.n >= COV_TTXLA_TREE_PIPE_MIN && a.n < COV_TTXLA_PIPE_MIN * 2);
    write_file(dir, "jax", "test_config_a.yaml", a.p);
    write_file(dir, "torch", "test_config_b.yaml",
               "test_config:\n  x/pytorch-single_device-inference:\n    status: passing\n");
    ctx c;
    ctx_init(&c);
    int rc = cov_load_ttxla_tree(&c.m, dir, NULL, &c.d);
    check_error(&c, rc, COV_EINPUT, 3, 13,
                "unknown status 'passing' (allowed: EXPECTED_PASSING, KNOWN_FAILURE_XFAIL, "
                "NOT_SUPPORTED_SKIP, UNSPECIFIED, EXCLUDE_MODEL)");
    char want[512];
    snprintf(want, sizeof want, "%s/torch/test_config_b.yaml", dir);
    CHECK_STR(c.err.file, want);
    check_empty(&c);

    /* A reader error in a file the parser thread opened: its position. */
    write_file(dir, "torch", "test_config_b.yaml", "test_config:\n  x/\xff:\n");
    rc = cov_load_ttxla_tree(&c.m, dir, NULL, &c.d);
    check_error(&c, rc, COV_EINPUT, 2, 5, "invalid YAML: invalid leading UTF-8 octet");
    check_empty(&c);

    /* The size limit, checked by the parser thread. */
    cov_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.max_file_size = a.n - 1;
    write_file(dir, "torch", "test_config_b.yaml", "PLACEHOLDER_MODELS:\n  M:\n");
    rc = cov_load_ttxla_tree(&c.m, dir, &lim, &c.d);
    snprintf(want, sizeof want, "file is %zu bytes, over the limit of %zu", a.n, a.n - 1);
    check_error(&c, rc, COV_ELIMIT, 0, 0, want);
    check_empty(&c);

    rc = cov_load_ttxla_tree(&c.m, dir, NULL, &c.d);
    CHECK_INT(rc, COV_OK);
    CHECK_INT(c.m.tests.count, 10000);
    CHECK_INT(c.m.placeholders.count, 1);
    CHECK_INT(c.m.sources.count, 2);
    remove_tree(dir);
    free(a.p);
    cov_model_free(&c.m);
}

/* Loads a real tree and checks every id parses and round-trips. */
static void check_real_tree(const char *root, uint32_t tests, uint32_t placeholders,
                            uint32_t files, unsigned long cross_dups)
{
    const char *dir = unit_shared_path("tt-xla", root);
    if (!dir)
        return;
    ctx c;
    ctx_init(&c);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = cov_load_ttxla_tree(&c.m, dir, NULL, &c.d);
    double ms = ms_since(&t0);
    if (!CHECK_INT(rc, COV_OK))
        fprintf(stderr, "  %s:%d:%d: %s\n", c.err.file, c.err.line, c.err.column,
                c.err.message);
    printf("  %s: %u tests in %.2f ms\n", root, c.m.tests.count, ms);
    CHECK_INT(c.m.tests.count, tests);
    CHECK_INT(c.m.placeholders.count, placeholders);
    CHECK_INT(c.m.sources.count, files);
    CHECK_INT(c.m.unparsed, 0);
    CHECK_INT((long long)c.d.warnings, (long long)cross_dups);
    for (int i = 0; i < c.ws.n && i < UNIT_WARNS; i++)
        CHECK(strstr(c.ws.w[i].message, " is also in ") != NULL);
    /* Every id round-trips to the key text at its line and column. */
    uint32_t bad = 0;
    for (uint32_t s = 0; s < c.m.sources.count; s++) {
        char *text = unit_read_file(cov_model_source(&c.m, s)->path, NULL);
        for (uint32_t i = 0; text && i < c.m.tests.count; i++) {
            const cov_test *t = cov_model_test(&c.m, i);
            if (t->source != s)
                continue;
            const char *id = id_of(&c, i), *p = text;
            for (uint32_t l = 1; p && l < t->line; l++)
                p = (p = strchr(p, '\n')) ? p + 1 : NULL;
            if (!p || strncmp(p + t->column - 1, id, strlen(id)) != 0 ||
                p[t->column - 1 + strlen(id)] != ':')
                bad++;
        }
        free(text);
    }
    CHECK_INT(bad, 0);
    cov_model_free(&c.m);
}

static void test_real_2026(void)
{
    check_real_tree("tt-xla-2026-08-21", 1998, 15, 13, 1);
}

static void test_real_2025(void)
{
    check_real_tree("tt-xla-2025-10-31", 724, 32, 7, 0);
}

int main(void)
{
    static const unit_case cases[] = {
        {"fields kept", test_fields_kept},
        {"unknown status", test_unknown_status},
        {"duplicate id in a file", test_duplicate_id_in_file},
        {"duplicate id across a tree", test_duplicate_across_tree},
        {"placeholders", test_placeholders},
        {"flat layout", test_flat_layout},
        {"framework from ids", test_framework_from_ids},
        {"effective status per arch", test_effective_status},
        {"anchors and merge keys", test_anchors_and_merges},
        {"alias bomb and alias limits", test_alias_bomb},
        {"self-referential alias", test_self_alias},
        {"deep nesting", test_deep_nesting},
        {"size limits", test_size_limits},
        {"syntax and reader errors", test_syntax_and_reader_errors},
        {"wrong shapes", test_wrong_shapes},
        {"warnings", test_warnings},
        {"unparsed id", test_unparsed_id},
        {"empty inputs", test_empty_inputs},
        {"rollback", test_rollback},
        {"no files", test_no_files},
        {"large input: same result", test_large_input_same_result},
        {"large input: errors", test_large_input_errors},
        {"large tree", test_large_tree},
        {"real tree 2026-08-21", test_real_2026},
        {"real tree 2025-10-31", test_real_2025},
        {0, 0}};
    return unit_run(cases);
}
