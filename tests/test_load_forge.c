/* The tt-forge-models loader scanner and the join (load_forge.c): what each
 * fixture loader yields, the warnings and their positions, the join of the
 * fixture configs, loads in either order, a second tree, rollback, and the
 * per-file entry point the fuzzer uses. tests/scripts/compare_forge.py checks
 * the same fixture tree against Python's ast (ctest ast_forge_fixture). */
#include "covengine.h"
#include "load/load_forge.h"
#include "load/load_ttxla.h"
#include "model/forge_join.h"
#include "model/model.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define MODELS "fixtures/forge/models"
#define CONFIGS "fixtures/forge/ttxla"

static const cov_loader *find_loader(const cov_model *m, const char *path)
{
    for (uint32_t i = 0; i < m->loaders.count; i++) {
        const cov_loader *L = COV_VEC_AT(m->loaders, cov_loader, i);
        if (strcmp(cov_model_str(m, L->path), path) == 0)
            return L;
    }
    return NULL;
}

static const cov_lvariant *variant(const cov_model *m, const cov_loader *L,
                                   const char *name)
{
    for (uint32_t k = 0; k < L->count; k++) {
        const cov_lvariant *v = COV_VEC_AT(m->lvariants, cov_lvariant, L->first + k);
        if (v->name && strcmp(cov_model_str(m, v->name), name) == 0)
            return v;
    }
    return NULL;
}

static const char *str(const cov_model *m, cov_sym s)
{
    return s ? cov_model_str(m, s) : "(none)";
}

static void test_fields(void)
{
    cov_model m;
    REQUIRE(cov_model_init(&m) == COV_OK);
    cov_diag d = unit_diag();
    REQUIRE(cov_load_forge_tree(&m, MODELS, NULL, &d) == COV_OK);
    CHECK_INT(m.loaders.count, 9);
    CHECK(m.has_forge);

    /* Literals, a per-variant conditional expression and an if/elif chain
     * on the variant; the docstring's and comment's code is not read. */
    const cov_loader *a = find_loader(&m, "alpha/causal_lm/jax");
    REQUIRE(a != NULL);
    CHECK_INT(a->count, 3);
    CHECK_INT(a->line, 16);
    CHECK_STR(str(&m, a->default_variant), "BASE");
    CHECK_INT(a->f[COV_LF_TASK].how, COV_LV_LITERAL);
    CHECK_STR(str(&m, a->f[COV_LF_TASK].value), "NLP_CAUSAL_LM");
    CHECK_INT(a->f[COV_LF_SOURCE].how, COV_LV_PER_VARIANT);
    CHECK_INT(a->f[COV_LF_SOURCE].line, 40);
    CHECK_INT(a->f[COV_LF_GROUP].how, COV_LV_PER_VARIANT);
    CHECK(variant(&m, a, "FAKE") == NULL);
    const cov_lvariant *base = variant(&m, a, "BASE"), *tiny = variant(&m, a, "TINY");
    REQUIRE(base && tiny);
    CHECK_STR(str(&m, base->value), "Base");
    CHECK_STR(str(&m, base->checkpoint), "org/alpha-base");
    CHECK_INT(base->line, 18);
    CHECK_STR(str(&m, base->field[COV_LF_SOURCE]), "EASYDEL");
    CHECK_STR(str(&m, base->field[COV_LF_GROUP]), "PRIORITY"); /* == cls.DEFAULT_VARIANT */
    CHECK_STR(str(&m, tiny->value), "Tiny");                   /* "Ti" "ny" */
    CHECK_STR(str(&m, tiny->checkpoint), "(none)");            /* an f-string */
    CHECK_STR(str(&m, tiny->field[COV_LF_SOURCE]), "HUGGING_FACE");
    CHECK_STR(str(&m, tiny->field[COV_LF_GROUP]), "RED");

    /* A condition on something else keeps both candidates; a subscript is
     * computed, at its line; _VARIANTS by name from module level. */
    const cov_loader *b = find_loader(&m, "beta/jax");
    REQUIRE(b != NULL);
    CHECK_INT(b->count, 2);
    CHECK_INT(b->f[COV_LF_GROUP].how, COV_LV_CANDIDATES);
    uint32_t n;
    const cov_sym *c = cov_model_list_items(&m, b->f[COV_LF_GROUP].cands, &n);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(str(&m, c[0]), "RED");
        CHECK_STR(str(&m, c[1]), "VULCAN");
    }
    CHECK_INT(b->f[COV_LF_SOURCE].how, COV_LV_COMPUTED);
    CHECK_INT(b->f[COV_LF_SOURCE].line, 27);

    /* A computed member keeps its slot without a value; a key naming no
     * member too; both are warned about at their place. */
    const cov_loader *bp = find_loader(&m, "beta/pytorch");
    REQUIRE(bp != NULL);
    CHECK_INT(bp->count, 3);
    CHECK(variant(&m, bp, "COMPUTED") && !variant(&m, bp, "COMPUTED")->value);
    const cov_error *w =
        unit_warning("ModelVariant member 'COMPUTED' is not a string literal");
    CHECK(w && w->line == 3 && w->column == 5);
    w = unit_warning(
        "_VARIANTS names ModelVariant.MISSING, which ModelVariant does not define");
    CHECK(w && w->line == 10 && w->column == 9);

    /* An unterminated string: a warning, an unreadable loader, the rest loads. */
    const cov_loader *broken = find_loader(&m, "broken/jax");
    REQUIRE(broken != NULL);
    CHECK(!broken->readable);
    CHECK_INT(broken->count, 0);
    w = unit_warning("unterminated string: the loader cannot be read");
    CHECK(w && w->line == 6 && w->column == 71 && strstr(w->file, "broken/jax/loader.py"));

    /* Phases: a decode method and a prefill class with its own _VARIANTS;
     * the adapter takes its base's variants, fields and phases. */
    const cov_loader *g = find_loader(&m, "gamma/pytorch"),
                     *gl = find_loader(&m, "gamma_lora/pytorch");
    REQUIRE(g && gl);
    CHECK_INT(g->phases, COV_LOADER_DECODE | COV_LOADER_PREFILL);
    CHECK(variant(&m, g, "SMALL")->prefill && !variant(&m, g, "BIG")->prefill);
    CHECK_STR(str(&m, gl->base), "gamma/pytorch");
    CHECK_INT(gl->count, 2);
    CHECK_INT(gl->phases, g->phases);
    CHECK_STR(str(&m, gl->f[COV_LF_SOURCE].value), "HUGGING_FACE");
    CHECK_INT(gl->line, 4); /* its own class ModelLoader */

    /* Without variants: one slot, its checkpoint from self.model_name, a
     * field from a local assigned a literal. */
    const cov_loader *dl = find_loader(&m, "delta/jax");
    REQUIRE(dl != NULL);
    CHECK(dl->variantless);
    CHECK_INT(dl->count, 1);
    CHECK_STR(str(&m, COV_VEC_AT(m.lvariants, cov_lvariant, dl->first)->checkpoint),
              "org/Delta-One");
    CHECK_STR(str(&m, dl->f[COV_LF_SOURCE].value), "EASYDEL");

    /* A return in a branch per variant; a for loop's assignment and
     * **kwargs make what they may hold computed. */
    const cov_loader *z = find_loader(&m, "zeta/pytorch");
    REQUIRE(z != NULL);
    CHECK_INT(z->f[COV_LF_SOURCE].how, COV_LV_PER_VARIANT);
    CHECK_STR(str(&m, variant(&m, z, "A")->field[COV_LF_SOURCE]), "TIMM");
    CHECK_STR(str(&m, variant(&m, z, "B")->field[COV_LF_SOURCE]), "TORCHVISION");
    CHECK_INT(z->f[COV_LF_TASK].how, COV_LV_COMPUTED);
    CHECK_INT(z->f[COV_LF_TASK].line, 18);
    CHECK_INT(z->f[COV_LF_GROUP].how, COV_LV_COMPUTED);

    /* A loader ids cannot name (onnx/) is kept, with no join key. */
    const cov_loader *e = find_loader(&m, "eps/onnx");
    CHECK(e && e->mfw == COV_MFW_NONE);
    cov_model_free(&m);
}

/* The fixture configs joined: n tests, which ones name nothing and why. */
static void check_join(cov_model *m)
{
    CHECK_INT(m->tests.count, 16);
    CHECK_INT(m->unknown, 6);
    char buf[512], id[512];
    int seen = 0;
    for (uint32_t i = 0; i < m->tests.count; i++) {
        cov_model_test_id(m, cov_model_test(m, i), id, sizeof id);
        const char *why = cov_forge_unknown_reason(m, i, buf, sizeof buf);
        const cov_lvariant *v = cov_model_test_lvariant(m, i);
        CHECK((why == NULL) == (v != NULL));
        if (strcmp(id, "alpha/causal_lm/jax-Huge-single_device-inference") == 0)
            seen += CHECK_STR(why, "loader alpha/causal_lm/jax has no variant 'Huge'");
        if (strcmp(id, "omega/jax-Base-single_device-inference") == 0)
            seen += CHECK_STR(why, "no loader.py in omega/jax");
        if (strcmp(id, "broken/jax-Base-single_device-inference") == 0)
            seen += CHECK_STR(why, "its loader broken/jax/loader.py cannot be read");
        if (strstr(id, "gamma/pytorch-big-llm_prefill"))
            seen += CHECK_STR(
                why, "variant 'big' of loader gamma/pytorch is not one its prefill "
                     "class serves");
        if (strstr(id, "delta/jax-llm_decode"))
            seen += CHECK_STR(why, "loader delta/jax serves no llm_decode phase (no "
                                   "load_inputs_decode)");
        if (strcmp(id, "delta/jax-single_device-inference") == 0)
            seen += CHECK(v && v->checkpoint &&
                          strcmp(cov_model_str(m, v->checkpoint), "org/Delta-One") == 0);
        if (strstr(id, "gamma_lora/pytorch-small-llm_prefill"))
            seen += CHECK(v && COV_VEC_AT(m->loaders, cov_loader, v->loader)->base);
    }
    CHECK_INT(seen, 7);
}

static void test_join_both_orders(void)
{
    for (int order = 0; order < 2; order++) {
        cov_engine *e = cov_engine_new();
        REQUIRE(e != NULL);
        cov_engine_set_warning_handler(e, unit_on_warn, &unit_warns);
        memset(&unit_warns, 0, sizeof unit_warns);
        cov_error er;
        if (order == 0) {
            CHECK_INT(cov_load_ttxla(e, COV_HEAD, CONFIGS, &er), COV_OK);
            CHECK_INT(cov_load_tt_forge_models(e, COV_HEAD, MODELS, &er), COV_OK);
        } else {
            CHECK_INT(cov_load_tt_forge_models(e, COV_HEAD, MODELS, &er), COV_OK);
            CHECK_INT(cov_load_ttxla(e, COV_HEAD, CONFIGS, &er), COV_OK);
        }
        /* One warning per test naming nothing, at the id, whichever came first. */
        const cov_error *w =
            unit_warning("test id 'omega/jax-Base-single_device-inference' names no "
                         "tt-forge-models loader variant: no loader.py in omega/jax");
        CHECK(w && w->line == 11 && w->column == 3);
        int unknown = 0;
        for (int i = 0; i < unit_warns.n && i < UNIT_WARNS; i++)
            unknown += strstr(unit_warns.w[i].message, "names no tt-forge-models") != NULL;
        CHECK_INT(unknown, 6);
        /* The engine's model, through its public loads (engine.h is internal;
         * the dump says the same). */
        char *json = cov_dump_json(e, COV_HEAD, &er);
        REQUIRE(json != NULL);
        CHECK(strstr(json, "\"loader_unknown\":\"no loader.py in omega/jax\"") != NULL);
        CHECK(strstr(json, "\"tt_forge_models\": {\"source\":\"fixtures/forge/models\","
                           "\"loaders\":9,\"unknown\":6}") != NULL);
        cov_free(json);
        /* A second tree is a usage error and changes nothing. */
        CHECK_INT(cov_load_tt_forge_models(e, COV_HEAD, MODELS, &er), COV_EUSAGE);
        CHECK_STR(er.message, "a tt-forge-models tree is already loaded (from "
                              "fixtures/forge/models)");
        cov_engine_free(e);
    }
    cov_model m;
    REQUIRE(cov_model_init(&m) == COV_OK);
    cov_diag d = unit_diag();
    REQUIRE(cov_load_ttxla_tree(&m, CONFIGS, NULL, &d) == COV_OK);
    REQUIRE(cov_load_forge_tree(&m, MODELS, NULL, &d) == COV_OK);
    REQUIRE(cov_forge_join(&m, 0, &d) == COV_OK);
    check_join(&m);
    cov_model_free(&m);
}

static void test_bad_trees(void)
{
    cov_model m;
    REQUIRE(cov_model_init(&m) == COV_OK);
    cov_diag d = unit_diag();
    CHECK_INT(cov_load_forge_tree(&m, "fixtures/forge/no_such_dir", NULL, &d), COV_EIO);
    CHECK_STR(unit_err.message, "cannot open: No such file or directory");
    CHECK_INT(unit_err.line, 0);
    d = unit_diag();
    CHECK_INT(cov_load_forge_tree(&m, CONFIGS, NULL, &d), COV_EINPUT);
    CHECK_STR(
        unit_err.message,
        "no loader.py files under fixtures/forge/ttxla: not a tt-forge-models checkout");
    /* A file over the size limit fails the whole load and leaves nothing. */
    cov_limits lim = {64, 64, 10000, 10000, 1000000, 16u << 20, 1u << 20, 0, 0, 0};
    d = unit_diag();
    CHECK_INT(cov_load_forge_tree(&m, MODELS, &lim, &d), COV_ELIMIT);
    CHECK(!m.has_forge);
    CHECK_INT(m.loaders.count, 0);
    CHECK_INT(m.lvariants.count, 0);
    CHECK_INT(m.sources.count, 0);
    d = unit_diag();
    CHECK_INT(cov_load_forge_tree(&m, MODELS, NULL, &d), COV_OK);
    CHECK_INT(m.loaders.count, 9);
    cov_model_free(&m);
}

static void test_scan_text(void)
{
    static const char text[] = "class ModelVariant(StrEnum):\n"
                               "    X = \"x\\u00e9\"\n"
                               "    Y = r\"y\\n\"\n"
                               "class ModelLoader(ForgeModel):\n"
                               "    _VARIANTS = {ModelVariant.X: C(), ModelVariant.Y: C(\n"
                               "        pretrained_model_name='o/y')}\n"
                               "    @classmethod\n"
                               "    def _get_model_info(cls, variant=None):\n"
                               "        if not (variant != ModelVariant.X or False):\n"
                               "            s = ModelSource.A\n"
                               "        else: s = ModelSource.B\n"
                               "        return ModelInfo(source=s)\n";
    cov_model m;
    REQUIRE(cov_model_init(&m) == COV_OK);
    cov_diag d = unit_diag();
    REQUIRE(cov_forge_scan_text(&m, "m/jax", "m/jax/loader.py", text, sizeof text - 1,
                                &d) == COV_OK);
    const cov_loader *L = find_loader(&m, "m/jax");
    REQUIRE(L && L->count == 2);
    CHECK_STR(str(&m, variant(&m, L, "X")->value), "x\xc3\xa9");
    CHECK_STR(str(&m, variant(&m, L, "Y")->value), "y\\n");
    CHECK_STR(str(&m, variant(&m, L, "Y")->checkpoint), "o/y");
    /* "or False" is not a test on the variant: both candidates. */
    CHECK_INT(L->f[COV_LF_SOURCE].how, COV_LV_CANDIDATES);
    /* Scanning again into the same model is a usage error. */
    CHECK_INT(cov_forge_scan_text(&m, "m/jax", "again.py", text, sizeof text - 1, &d),
              COV_EUSAGE);
    cov_model_free(&m);
    /* Garbage never crashes and keeps the brackets' warning exact. */
    static const char bad[] = "x = (1, [2\n";
    REQUIRE(cov_model_init(&m) == COV_OK);
    d = unit_diag();
    CHECK_INT(cov_forge_scan_text(&m, "b/jax", "b.py", bad, sizeof bad - 1, &d), COV_OK);
    CHECK(unit_warning("'[' is never closed: the loader cannot be read") != NULL);
    CHECK_INT(unit_warns.w[0].line, 1);
    CHECK_INT(unit_warns.w[0].column, 9);
    cov_model_free(&m);
}

int main(void)
{
    static const unit_case cases[] = {
        {"fields", test_fields},
        {"join_both_orders", test_join_both_orders},
        {"bad_trees", test_bad_trees},
        {"scan_text", test_scan_text},
        {0},
    };
    return unit_run(cases);
}
