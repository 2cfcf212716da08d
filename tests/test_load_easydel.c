/* The EasyDeL inventory loader: manifests (load_easydel.c) and checkout
 * scans (scan_easydel.c), their errors, limits and rollback. */
#include "base/alloc.h"
#include "load/load_easydel.h"
#include "load/scan_easydel.h"
#include "model/model.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECKOUT "fixtures/easydel/checkout"
#define CHECKOUT_JSON "fixtures/easydel/checkout.json"

static int load_text(cov_model *m, const char *text, const cov_limits *lim)
{
    cov_diag d = unit_diag();
    return cov_load_easydel_manifest(m, "t.json", text, strlen(text), lim, &d);
}

static const cov_module *module_at(const cov_model *m, uint32_t i)
{
    return COV_VEC_AT(m->modules, cov_module, i);
}

static const cov_registration *reg_at(const cov_model *m, const cov_module *mod, uint32_t k)
{
    return COV_VEC_AT(m->registrations, cov_registration, mod->first + k);
}

static const cov_module *find_module(const cov_model *m, const char *name)
{
    for (uint32_t i = 0; i < m->modules.count; i++)
        if (strcmp(cov_model_str(m, module_at(m, i)->name), name) == 0)
            return module_at(m, i);
    return NULL;
}

/* A NULL-safe string for comparisons ("" stands for NONE). */
static const char *str(const cov_model *m, cov_sym s)
{
    return s ? cov_model_str(m, s) : "(none)";
}

/* a and b have the same modules and registrations (name, task, model_type,
 * config, class); prints the first difference. */
static int same_inventory(const cov_model *a, const cov_model *b)
{
    if (!CHECK_INT(a->modules.count, b->modules.count))
        return 0;
    for (uint32_t i = 0; i < a->modules.count; i++) {
        const cov_module *ma = module_at(a, i), *mb = module_at(b, i);
        if (!CHECK_STR(str(a, ma->name), str(b, mb->name)) ||
            !CHECK_INT(ma->count, mb->count)) {
            fprintf(stderr, "  module %u\n", i);
            return 0;
        }
        for (uint32_t k = 0; k < ma->count; k++) {
            const cov_registration *ra = reg_at(a, ma, k), *rb = reg_at(b, mb, k);
            if (!CHECK_STR(str(a, ra->task), str(b, rb->task)) ||
                !CHECK_STR(str(a, ra->model_type), str(b, rb->model_type)) ||
                !CHECK_STR(str(a, ra->config), str(b, rb->config)) ||
                !CHECK_STR(str(a, ra->class_name), str(b, rb->class_name))) {
                fprintf(stderr, "  module %s, registration %u\n", str(a, ma->name), k);
                return 0;
            }
        }
    }
    return 1;
}

static void check_reg(const cov_model *m, const cov_registration *r, const char *task,
                      const char *model_type, const char *config, const char *cls)
{
    CHECK_STR(str(m, r->task), task);
    CHECK_STR(str(m, r->model_type), model_type);
    CHECK_STR(str(m, r->config), config);
    CHECK_STR(str(m, r->class_name), cls);
}

/* ---- the checkout fixture ---- */

/* Release criterion: a checkout and the manifest made from it agree. */
static void test_checkout_equals_manifest(void)
{
    cov_model scanned, listed;
    REQUIRE(cov_model_init(&scanned) == 0);
    REQUIRE(cov_model_init(&listed) == 0);
    cov_diag d = unit_diag();
    CHECK_INT(cov_load_easydel_path(&scanned, CHECKOUT, unit_limits(), &d), COV_OK);
    d = unit_diag();
    CHECK_INT(cov_load_easydel_path(&listed, CHECKOUT_JSON, unit_limits(), &d), COV_OK);
    CHECK_INT(scanned.modules.count, 4);
    CHECK(same_inventory(&scanned, &listed));

    const cov_source *s = cov_model_source(&scanned, scanned.easydel_source);
    CHECK_STR(s->path, CHECKOUT);
    CHECK_INT(s->kind, COV_SOURCE_EASYDEL_CHECKOUT);
    CHECK_INT(s->entries, 4);
    CHECK_INT(s->framework, COV_SYM_NONE);
    CHECK_INT(scanned.easydel_revision, COV_SYM_NONE);
    s = cov_model_source(&listed, listed.easydel_source);
    CHECK_STR(s->path, CHECKOUT_JSON);
    CHECK_INT(s->kind, COV_SOURCE_EASYDEL_MANIFEST);
    CHECK_INT(s->entries, 4);
    CHECK_STR(str(&listed, listed.easydel_revision), "fixture");
    CHECK_STR(str(&listed, listed.easydel_date), "2026-01-01");
    CHECK_STR(str(&listed, listed.easydel_source_name), "easydel");
    CHECK(listed.has_easydel && scanned.has_easydel);
    cov_model_free(&scanned);
    cov_model_free(&listed);
}

static void test_checkout_details(void)
{
    cov_model m;
    REQUIRE(cov_model_init(&m) == 0);
    cov_diag d = unit_diag();
    REQUIRE(cov_load_easydel_checkout(&m, CHECKOUT, unit_limits(), &d) == COV_OK);
    /* Sorted by name; _private and auto are not modules; empty_mod is one. */
    static const char *const names[] = {"empty_mod", "gpt_j", "llama", "mixtral"};
    REQUIRE(CHECK_INT(m.modules.count, 4));
    for (uint32_t i = 0; i < 4; i++)
        CHECK_STR(str(&m, module_at(&m, i)->name), names[i]);
    CHECK_INT(module_at(&m, 0)->count, 0);

    const cov_module *llama = find_module(&m, "llama");
    REQUIRE(llama && CHECK_INT(llama->count, 3));
    const cov_registration *r = reg_at(&m, llama, 0);
    check_reg(&m, r, "BASE_MODULE", "llama", "LlamaConfig", "LlamaModel");
    CHECK_STR(str(&m, r->file), "llama/modeling_llama.py");
    CHECK_INT(r->line, 21);
    r = reg_at(&m, llama, 1); /* arguments over seven lines, a comment among them */
    check_reg(&m, r, "CAUSAL_LM", "llama", "LlamaConfig", "LlamaForCausalLM");
    CHECK_INT(r->line, 29);
    r = reg_at(&m, llama,
               2); /* other decorators, a comment and a blank line before the class */
    check_reg(&m, r, "SEQUENCE_CLASSIFICATION", "llama", "LlamaConfig",
              "LlamaForSequenceClassification");
    CHECK_INT(r->line, 40);

    const cov_module *gptj = find_module(&m, "gpt_j");
    REQUIRE(gptj && CHECK_INT(gptj->count, 2));
    check_reg(&m, reg_at(&m, gptj, 0), "BASE_MODULE", "gptj", "GPTJConfig", "GPTJModel");
    CHECK_INT(reg_at(&m, gptj, 0)->line, 24);
    check_reg(&m, reg_at(&m, gptj, 1), "CAUSAL_LM", "gptj", "GPTJConfig",
              "GPTJForCausalLM");

    /* (file, line) order: mixtral_sparse.py sorts before modeling_mixtral.py. */
    const cov_module *mix = find_module(&m, "mixtral");
    REQUIRE(mix && CHECK_INT(mix->count, 4));
    CHECK_STR(str(&m, reg_at(&m, mix, 0)->file), "mixtral/mixtral_sparse.py");
    CHECK_INT(reg_at(&m, mix, 0)->line, 8);
    check_reg(&m, reg_at(&m, mix, 0), "SEQUENCE_CLASSIFICATION", "mixtral", "MixtralConfig",
              "MixtralForSequenceClassification");
    CHECK_STR(str(&m, reg_at(&m, mix, 1)->file), "mixtral/modeling_mixtral.py");
    CHECK_INT(reg_at(&m, mix, 1)->line, 11);
    check_reg(&m, reg_at(&m, mix, 2), "CAUSAL_LM", "mixtral", "MixtralConfig",
              "MixtralForCausalLM");
    CHECK_INT(reg_at(&m, mix, 3)->line, 18);
    check_reg(&m, reg_at(&m, mix, 3), "IMAGE_TEXT_TO_TEXT", "mixtral", "MixtralConfig",
              "MixtralForCausalLM");

    /* The registration on a function is the only warning. */
    CHECK_INT(unit_warns.n, 1);
    CHECK_STR(unit_warns.w[0].file, CHECKOUT "/easydel/modules/llama/modeling_llama.py");
    CHECK_INT(unit_warns.w[0].line, 49);
    CHECK_INT(unit_warns.w[0].column, 1);
    CHECK_STR(unit_warns.w[0].message, "@register_module not followed by a class");
    cov_model_free(&m);
}

/* The checkout root, the easydel/ package and modules/ itself all work. */
static void test_checkout_forms(void)
{
    static const char *const dirs[] = {CHECKOUT "/", CHECKOUT "/easydel",
                                       CHECKOUT "/easydel/modules",
                                       CHECKOUT "/easydel/modules/"};
    cov_model ref;
    REQUIRE(cov_model_init(&ref) == 0);
    cov_diag d = unit_diag();
    REQUIRE(cov_load_easydel_checkout(&ref, CHECKOUT, NULL, &d) == COV_OK);
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        cov_model m;
        REQUIRE(cov_model_init(&m) == 0);
        d = unit_diag();
        if (CHECK_INT(cov_load_easydel_path(&m, dirs[i], NULL, &d), COV_OK))
            CHECK(same_inventory(&m, &ref));
        cov_model_free(&m);
    }
    cov_model_free(&ref);
}

/* ---- scanner edge cases, each a one-file checkout in a temporary directory ---- */

typedef struct tmpco {
    char root[64], mods[96], mod[128], file[160];
} tmpco;

static int tmpco_make(tmpco *t)
{
    snprintf(t->root, sizeof t->root, "/tmp/cov_easydel_XXXXXX");
    if (!mkdtemp(t->root))
        return 0;
    snprintf(t->mods, sizeof t->mods, "%s/modules", t->root);
    snprintf(t->mod, sizeof t->mod, "%s/m", t->mods);
    snprintf(t->file, sizeof t->file, "%s/x.py", t->mod);
    return mkdir(t->mods, 0700) == 0 && mkdir(t->mod, 0700) == 0;
}

static void tmpco_remove(const tmpco *t)
{
    unlink(t->file);
    rmdir(t->mod);
    rmdir(t->mods);
    rmdir(t->root);
}

static int write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(text, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* Scans text as modules/m/x.py; returns the load's code. */
static int scan_py(const tmpco *t, cov_model *m, const char *text, size_t len,
                   const cov_limits *lim)
{
    if (!write_file(t->file, text, len))
        return -1;
    cov_diag d = unit_diag();
    return cov_load_easydel_checkout(m, t->mods, lim, &d);
}

typedef struct py_case {
    const char *text;
    int nregs;
    const char *task, *model_type, *config, *cls; /* of the last registration */
    int nwarn;
    const char *warn; /* the first warning */
} py_case;

static void test_scanner_cases(void)
{
    static const py_case cases[] = {
        /* CRLF line ends, tabs, a decorator written "@ name (...)". */
        {"x = 1\r\n@ register_module "
         "(\tTaskType.A,\r\n\tconfig=C,\r\n\tmodel_type=\"t\")\r\n"
         "class K:\r\n\tpass\r\n",
         1, "A", "t", "C", "K", 0, NULL},
        /* A backslash continuation inside the decorator line. */
        {"@register_module(TaskType.A, \\\n  config=C)\nclass K: pass\n", 1, "A", NULL, "C",
         "K", 0, NULL},
        /* A format spec with a quote as fill character, a decorator in an f-string field.
         */
        {"s = f\"{x:'>10} {'@register_module(TaskType.Z)'} (\"\n"
         "@register_module(TaskType.B, config=C)\nclass K2(Base): pass\n",
         1, "B", NULL, "C", "K2", 0, NULL},
        /* Strings: task and config as strings, implicit concatenation. */
        {"@register_module(\"causal-language-model\", 'Cfg', 'a' \"b\" r'c')\nclass K: "
         "pass\n",
         1, "causal-language-model", "abc", "Cfg", "K", 0, NULL},
        /* Dotted names keep their last component. */
        {"@ed.register_module(ed.TaskType.CAUSAL_LM, config=ed.modules.LlamaConfig)\n"
         "class K: pass\n",
         1, "CAUSAL_LM", NULL, "LlamaConfig", "K", 0, NULL},
        /* Arguments that are neither a name nor a string are warned about. */
        {"@register_module(pick(), config=make(1), model_type=MODEL_TYPE)\nclass K: pass\n",
         1, NULL, NULL, NULL, "K", 3,
         "@register_module: cannot read 'task_type' (not a name or a string)"},
        /* Not followed by a class. */
        {"@register_module(TaskType.A, config=C)\nasync def f(): pass\n", 0, NULL, NULL,
         NULL, NULL, 1, "@register_module not followed by a class"},
        {"@register_module(TaskType.A, config=C)\n", 0, NULL, NULL, NULL, NULL, 1,
         "@register_module not followed by a class"},
        {"@register_module(TaskType.A, config=C)\nx = 1\nclass K: pass\n", 0, NULL, NULL,
         NULL, NULL, 1, "@register_module not followed by a class"},
        {"@register_module(TaskType.A, config=(C\n", 0, NULL, NULL, NULL, NULL, 1,
         "@register_module( is never closed"},
        /* Unterminated strings end the scan without harm. */
        {"x = \"abc\n@register_module(TaskType.A)\nclass K: pass\n", 1, "A", NULL, NULL,
         "K", 0, NULL},
        {"x = '''abc\n@register_module(TaskType.A)\nclass K: pass\n", 0, NULL, NULL, NULL,
         NULL, 0, NULL},
        {"x = f\"{abc\n", 0, NULL, NULL, NULL, NULL, 0, NULL},
        /* Not decorators: matrix product, a decorator name that only ends the same. */
        {"y = (a\n @ b)\n@my_register_module(TaskType.A)\nclass K: pass\n", 0, NULL, NULL,
         NULL, NULL, 0, NULL},
        /* Escaped quotes and a raw string ending in an escaped quote. */
        {"a = 'it\\'s @register_module('\nb = r\"\\\"\" + \")\"\n"
         "@register_module(TaskType.A, model_type='q')\nclass K: pass\n",
         1, "A", "q", NULL, "K", 0, NULL},
        /* Upper-case and two-letter prefixes. */
        {"a = BR'''\n@register_module(TaskType.Z)\nclass Z: pass\n''' + Rf\"{'('}\"\n"
         "@register_module(TaskType.A)\nclass K: pass\n",
         1, "A", NULL, NULL, "K", 0, NULL},
        /* A name that merely looks like a prefix is a name. */
        {"rb = 1\nx = rb\n@register_module(TaskType.A)\nclass K: pass\n", 1, "A", NULL,
         NULL, "K", 0, NULL},
        /* A UTF-8 BOM, then a decorator on the first line. */
        {"\xEF\xBB\xBF@register_module(TaskType.A)\nclass K: pass\n", 1, "A", NULL, NULL,
         "K", 0, NULL},
    };
    tmpco t;
    REQUIRE(tmpco_make(&t));
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const py_case *c = &cases[i];
        cov_model m;
        REQUIRE(cov_model_init(&m) == 0);
        int rc = scan_py(&t, &m, c->text, strlen(c->text), unit_limits());
        if (!CHECK_INT(rc, COV_OK) || !CHECK_INT(m.modules.count, 1) ||
            !CHECK_INT(module_at(&m, 0)->count, c->nregs) ||
            !CHECK_INT(unit_warns.n, c->nwarn)) {
            fprintf(stderr, "  case %zu: %s\n", i, c->text);
            cov_model_free(&m);
            continue;
        }
        if (c->nregs)
            check_reg(&m, reg_at(&m, module_at(&m, 0), (uint32_t)c->nregs - 1),
                      c->task ? c->task : "(none)",
                      c->model_type ? c->model_type : "(none)",
                      c->config ? c->config : "(none)", c->cls ? c->cls : "(none)");
        if (c->nwarn && !CHECK_STR(unit_warns.w[0].message, c->warn))
            fprintf(stderr, "  case %zu\n", i);
        cov_model_free(&m);
    }
    tmpco_remove(&t);
}

/* Deep nesting costs heap, not C stack, in the Python lexer too. */
static void test_scanner_deep(void)
{
    enum { N = 100000 };
    size_t cap = (size_t)N * 8 + 256, n = 0;
    char *text = cov_malloc(cap);
    REQUIRE(text);
    n += (size_t)sprintf(text + n, "x = ");
    for (int i = 0; i < N; i++)
        n += (size_t)sprintf(text + n, "f\"{");
    for (int i = 0; i < N; i++)
        n += (size_t)sprintf(text + n, "}\"");
    n += (size_t)sprintf(text + n, "\ny = ");
    memset(text + n, '(', N);
    n += N;
    memset(text + n, ')', N);
    n += N;
    n += (size_t)sprintf(text + n, "\n@register_module(TaskType.A)\nclass K: pass\n");
    tmpco t;
    cov_model m;
    if (CHECK(tmpco_make(&t)) && CHECK(cov_model_init(&m) == 0)) {
        if (CHECK_INT(scan_py(&t, &m, text, n, NULL), COV_OK) &&
            CHECK_INT(m.registrations.count, 1)) {
            const cov_registration *r = COV_VEC_AT(m.registrations, cov_registration, 0);
            CHECK_STR(str(&m, r->class_name), "K");
            CHECK_INT(r->line, 3);
        }
        cov_model_free(&m);
        tmpco_remove(&t);
    }
    cov_free(text);
}

/* max_file_size applies to each .py file; the failed scan is rolled back. */
static void test_scanner_limits(void)
{
    cov_model m;
    REQUIRE(cov_model_init(&m) == 0);
    cov_limits lim = *unit_limits();
    lim.max_file_size = 200;
    cov_diag d = unit_diag();
    /* gpt_j/modeling_gpt_j.py is the first file over 200 bytes; empty_mod came before it.
     */
    CHECK_INT(cov_load_easydel_checkout(&m, CHECKOUT, &lim, &d), COV_ELIMIT);
    CHECK_STR(unit_err.file, CHECKOUT "/easydel/modules/gpt_j/modeling_gpt_j.py");
    CHECK_INT(unit_err.line, 0);
    CHECK_INT(unit_err.column, 0);
    CHECK(strncmp(unit_err.message, "file is ", 8) == 0 &&
          strstr(unit_err.message, " bytes, over the limit of 200"));
    CHECK_INT(m.modules.count, 0);
    CHECK_INT(m.registrations.count, 0);
    CHECK_INT(m.sources.count, 0);
    CHECK(!m.has_easydel);
    cov_model_free(&m);
}

/* ---- manifests ---- */

typedef struct bad_case {
    const char *text;
    int code, line, col;
    const char *message;
} bad_case;

static void test_manifest_errors(void)
{
    static const bad_case cases[] = {
        /* syntax */
        {"", COV_EINPUT, 1, 1, "invalid JSON: unexpected end of input"},
        {"  \n ", COV_EINPUT, 2, 2, "invalid JSON: unexpected end of input"},
        {"{\"modules\": []", COV_EINPUT, 1, 15, "invalid JSON: unexpected end of input"},
        {"{\"modules\": [}", COV_EINPUT, 1, 14, "invalid JSON: unexpected character '}'"},
        {"{\"modules\": []} x", COV_EINPUT, 1, 17,
         "invalid JSON: unexpected data after the value"},
        {"{\"a\" 1}", COV_EINPUT, 1, 6, "invalid JSON: expected ':'"},
        {"{\"a\": 1,}", COV_EINPUT, 1, 9, "invalid JSON: expected a string key"},
        {"{1: 2}", COV_EINPUT, 1, 2, "invalid JSON: expected a string key or '}'"},
        {"[\"a\" \"b\"]", COV_EINPUT, 1, 6, "invalid JSON: expected ',' or ']'"},
        {"{\"a\": 1 \"b\": 2}", COV_EINPUT, 1, 9, "invalid JSON: expected ',' or '}'"},
        {"{\"a\": tru}", COV_EINPUT, 1, 7,
         "invalid JSON: invalid literal (expected true, false or null)"},
        {"['a']", COV_EINPUT, 1, 2, "invalid JSON: unexpected character '''"},
        {"[\x01]", COV_EINPUT, 1, 2, "invalid JSON: unexpected byte 0x01"},
        {"{\"a\": \"x\\q\"}", COV_EINPUT, 1, 9, "invalid JSON: invalid escape"},
        {"{\"a\": \"\\u12G4\"}", COV_EINPUT, 1, 8, "invalid JSON: invalid \\u escape"},
        {"{\"a\": \"\\ud800x\"}", COV_EINPUT, 1, 8,
         "invalid JSON: unpaired surrogate in \\u escape"},
        {"{\"a\": \"\\udc00\"}", COV_EINPUT, 1, 8,
         "invalid JSON: unpaired surrogate in \\u escape"},
        {"{\"a\": \"\\u0000\"}", COV_EINPUT, 1, 8,
         "invalid JSON: \\u0000 in a string is not supported"},
        {"[\"a\nb\"]", COV_EINPUT, 1, 4, "invalid JSON: control character 0x0A in string"},
        {"{\"a\": \"abc", COV_EINPUT, 1, 7, "invalid JSON: unterminated string"},
        {"{\"a\": 01}", COV_EINPUT, 1, 7, "invalid JSON: invalid number (leading zero)"},
        {"{\"a\": -}", COV_EINPUT, 1, 7, "invalid JSON: invalid number"},
        {"{\"a\": 1.}", COV_EINPUT, 1, 7, "invalid JSON: invalid number"},
        {"{\"a\": 1e}", COV_EINPUT, 1, 7, "invalid JSON: invalid number"},
        {"[1234567890123456789012345678901234567890123456789012345678901234]", COV_EINPUT,
         1, 2, "invalid JSON: number longer than 63 characters"},
        /* Columns count characters, not bytes. */
        {"[\"\xC3\xA9\xE2\x82\xAC\", x]", COV_EINPUT, 1, 8,
         "invalid JSON: unexpected character 'x'"},
        /* types */
        {"\"llama\"", COV_EINPUT, 1, 1,
         "manifest must be an object or an array of module names"},
        {"{\"source\": \"easydel\"}", COV_EINPUT, 1, 1, "'modules' must be an array"},
        {"{\"modules\": {}}", COV_EINPUT, 1, 13, "'modules' must be an array"},
        {"{\"modules\": null}", COV_EINPUT, 1, 13, "'modules' must be an array"},
        {"{\"revision\": 5, \"modules\": []}", COV_EINPUT, 1, 14,
         "'revision' must be a string"},
        {"{\"date\": [], \"modules\": []}", COV_EINPUT, 1, 10, "'date' must be a string"},
        {"{\"modules\": [5]}", COV_EINPUT, 1, 14, "module must be an object or a string"},
        {"[\"a\", null]", COV_EINPUT, 1, 7, "module must be an object or a string"},
        {"[\"a\", \"\"]", COV_EINPUT, 1, 7, "module name must be a non-empty string"},
        {"{\"modules\": [{}]}", COV_EINPUT, 1, 14, "'name' must be a non-empty string"},
        {"{\"modules\": [{\"name\": \"\"}]}", COV_EINPUT, 1, 23,
         "'name' must be a non-empty string"},
        {"{\n  \"modules\": [\n    {\"name\": 5}\n  ]\n}", COV_EINPUT, 3, 14,
         "'name' must be a non-empty string"},
        {"{\"modules\": [{\"name\": \"a\", \"registrations\": {}}]}", COV_EINPUT, 1, 45,
         "'registrations' must be an array"},
        {"{\"modules\": [{\"name\": \"a\", \"registrations\": [[]]}]}", COV_EINPUT, 1, 46,
         "registration must be an object"},
        {"[{\"name\": \"a\", \"registrations\": [{\"task\": 1}]}]", COV_EINPUT, 1, 43,
         "'task' must be a string"},
        {"[{\"name\": \"a\", \"registrations\": [{\"model_type\": true}]}]", COV_EINPUT, 1,
         49, "'model_type' must be a string"},
        {"[{\"name\": \"a\", \"registrations\": [{\"config\": {}}]}]", COV_EINPUT, 1, 45,
         "'config' must be a string"},
        {"[{\"name\": \"a\", \"registrations\": [{\"class\": 1.5}]}]", COV_EINPUT, 1, 44,
         "'class' must be a string"},
        /* duplicates */
        {"{\"modules\": [], \"modules\": []}", COV_EINPUT, 1, 17,
         "duplicate key 'modules' (first at line 1, column 2)"},
        {"{\"a\": 1, \"\\u0061\": 2, \"modules\": []}", COV_EINPUT, 1, 10,
         "duplicate key 'a' (first at line 1, column 2)"},
        {"{\"modules\": [],\n \"x\": {\"y\": [{\"k\": 1,\n  \"k\": 2}]}}", COV_EINPUT, 3, 3,
         "duplicate key 'k' (first at line 2, column 15)"},
        /* the earliest duplicate in the file wins, however deep */
        {"{\"x\": {\"k\": 1, \"k\": 2}, \"modules\": [], \"x\": 3}", COV_EINPUT, 1, 16,
         "duplicate key 'k' (first at line 1, column 8)"},
        {"{\"modules\": [\"a\",\n {\"name\": \"b\"},\n {\"name\": \"a\"}]}", COV_EINPUT, 3,
         11, "duplicate module 'a' (first at line 1)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const bad_case *c = &cases[i];
        cov_model m;
        REQUIRE(cov_model_init(&m) == 0);
        int rc = load_text(&m, c->text, unit_limits());
        int ok = CHECK_INT(rc, c->code);
        ok &= CHECK_STR(unit_err.message, c->message);
        ok &= CHECK_STR(unit_err.file, "t.json");
        ok &= CHECK_INT(unit_err.line, c->line);
        ok &= CHECK_INT(unit_err.column, c->col);
        ok &= CHECK_INT(m.modules.count, 0) && CHECK(!m.has_easydel);
        if (!ok)
            fprintf(stderr, "  case %zu: %s\n", i, c->text);
        cov_model_free(&m);
    }
}

/* An object big enough for the hashed duplicate check. */
static void test_manifest_duplicate_in_big_object(void)
{
    char text[4096];
    size_t n = (size_t)sprintf(text, "{\"modules\": [], \"extra\": {");
    for (int i = 0; i < 100; i++)
        n += (size_t)sprintf(text + n, "\"k%d\": %d, ", i, i);
    n += (size_t)sprintf(text + n, "\"k42\": 0}}");
    cov_model m;
    REQUIRE(cov_model_init(&m) == 0);
    CHECK_INT(load_text(&m, text, unit_limits()), COV_EINPUT);
    CHECK_STR(unit_err.message, "duplicate key 'k42' (first at line 1, column 469)");
    CHECK_INT(unit_err.column, (int)n - 9);
    /* Without the repeat it loads. */
    strcpy(text + n - 10, "\"x\": 0}}");
    CHECK_INT(load_text(&m, text, unit_limits()), COV_OK);
    cov_model_free(&m);
}

/* depth '[' characters; free with cov_free. */
static char *nested(int depth)
{
    char *text = cov_malloc((size_t)depth + 1);
    if (text) {
        memset(text, '[', (size_t)depth);
        text[depth] = '\0';
    }
    return text;
}

static void test_manifest_limits(void)
{
    cov_model m;
    REQUIRE(cov_model_init(&m) == 0);
    /* 100,000 open brackets: stopped at the first too deep, without recursion. */
    char *deep = nested(100000);
    REQUIRE(deep);
    CHECK_INT(load_text(&m, deep, unit_limits()), COV_ELIMIT);
    CHECK_STR(unit_err.message, "nesting deeper than 64");
    CHECK_INT(unit_err.line, 1);
    CHECK_INT(unit_err.column, 65);
    /* Unlimited still stops where cJSON would. */
    CHECK_INT(load_text(&m, deep, NULL), COV_ELIMIT);
    CHECK_STR(unit_err.message, "nesting deeper than 1000");
    CHECK_INT(unit_err.column, 1001);
    cov_limits lim = *unit_limits();
    lim.max_depth = 5000;
    CHECK_INT(load_text(&m, deep, &lim), COV_ELIMIT);
    CHECK_STR(unit_err.message, "nesting deeper than 1000");
    /* Objects count too. */
    CHECK_INT(load_text(&m, "{\"modules\": [], \"x\": {\"y\": [{}]}}",
                        &(cov_limits){.max_depth = 3}),
              COV_ELIMIT);
    CHECK_STR(unit_err.message, "nesting deeper than 3");
    CHECK_INT(unit_err.column, 29);
    cov_free(deep);

    /* Exactly the limit is fine: 64 balanced levels reach the type check. */
    char text[200];
    memset(text, '[', 64);
    memset(text + 64, ']', 64);
    text[128] = '\0';
    CHECK_INT(load_text(&m, text, unit_limits()), COV_EINPUT);
    CHECK_STR(unit_err.message, "module must be an object or a string");
    CHECK_INT(unit_err.column, 2);

    lim = *unit_limits();
    lim.max_scalar = 8;
    CHECK_INT(load_text(&m, "[\"12345678\", \"123456789\"]", &lim), COV_ELIMIT);
    CHECK_STR(unit_err.message, "string longer than 8 bytes");
    CHECK_INT(unit_err.column, 14);
    CHECK_INT(load_text(&m, "{\"modules\": [], \"n\": 1234567890}", &lim), COV_ELIMIT);
    CHECK_STR(unit_err.message, "number longer than 8 bytes");
    CHECK_INT(load_text(&m, "{\"modules\": [], \"key-too-long\": 1}", &lim), COV_ELIMIT);
    CHECK_STR(unit_err.message, "string longer than 8 bytes");
    CHECK_INT(unit_err.column, 17);

    lim = *unit_limits();
    lim.max_file_size = 10;
    CHECK_INT(load_text(&m, "[\"a\", \"b\", \"c\"]", &lim), COV_ELIMIT);
    CHECK_STR(unit_err.message, "file is 15 bytes, over the limit of 10");
    CHECK_INT(unit_err.line, 0);
    CHECK_INT(unit_err.column, 0);
    cov_diag d = unit_diag();
    CHECK_INT(cov_load_easydel_path(&m, CHECKOUT_JSON, &lim, &d), COV_ELIMIT);
    CHECK_STR(unit_err.file, CHECKOUT_JSON);
    CHECK(strstr(unit_err.message, "over the limit of 10") != NULL);
    CHECK_INT(m.modules.count, 0);
    CHECK(!m.has_easydel);
    cov_model_free(&m);
}

static void test_manifest_forms(void)
{
    cov_model m;
    REQUIRE(cov_model_init(&m) == 0);
    /* A bare array of names; sorted on the way in. */
    CHECK_INT(load_text(&m, "[\"qwen2\", \"gpt2\", \"llama\"]", NULL), COV_OK);
    REQUIRE(CHECK_INT(m.modules.count, 3));
    CHECK_STR(str(&m, module_at(&m, 0)->name), "gpt2");
    CHECK_STR(str(&m, module_at(&m, 1)->name), "llama");
    CHECK_STR(str(&m, module_at(&m, 2)->name), "qwen2");
    CHECK_INT(module_at(&m, 1)->count, 0);
    CHECK_INT(m.easydel_revision, COV_SYM_NONE);
    CHECK_INT(m.easydel_date, COV_SYM_NONE);
    const cov_source *s = cov_model_source(&m, m.easydel_source);
    CHECK_STR(s->path, "t.json");
    CHECK_INT(s->kind, COV_SOURCE_EASYDEL_MANIFEST);
    CHECK_INT(s->entries, 3);
    cov_model_free(&m);

    /* Object form: nulls, absent fields, a TaskType. prefix, extra keys, a BOM,
     * names as strings among objects, registrations kept with their module. */
    REQUIRE(cov_model_init(&m) == 0);
    const char *text =
        "\xEF\xBB\xBF{\"source\": null, \"revision\": \"abc\", \"x\": {\"y\": [1, "
        "-2.5e3, true, false, null]},\n"
        " \"modules\": [\n"
        "  {\"name\": \"zeta\", \"type\": \"LLM\", \"registrations\": [\n"
        "    {\"task\": \"TaskType.CAUSAL_LM\", \"model_type\": null, \"class\": "
        "\"ZetaForCausalLM\", \"other\": [1]},\n"
        "    {\"task\": \"BASE_MODULE\", \"config\": \"Z\\u00e9Config\"}]},\n"
        "  \"alpha\",\n"
        "  {\"name\": \"mid\", \"registrations\": null},\n"
        "  {\"name\": \"beta\", \"registrations\": [{}]}]}";
    CHECK_INT(load_text(&m, text, unit_limits()), COV_OK);
    REQUIRE(CHECK_INT(m.modules.count, 4));
    CHECK_STR(str(&m, m.easydel_revision), "abc");
    CHECK_INT(m.easydel_source_name, COV_SYM_NONE);
    static const char *const names[] = {"alpha", "beta", "mid", "zeta"};
    static const uint32_t counts[] = {0, 1, 0, 2};
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_STR(str(&m, module_at(&m, i)->name), names[i]);
        CHECK_INT(module_at(&m, i)->count, counts[i]);
    }
    const cov_module *zeta = module_at(&m, 3);
    check_reg(&m, reg_at(&m, zeta, 0), "CAUSAL_LM", "(none)", "(none)", "ZetaForCausalLM");
    check_reg(&m, reg_at(&m, zeta, 1), "BASE_MODULE", "(none)",
              "Z\xC3\xA9"
              "Config",
              "(none)");
    CHECK_INT(reg_at(&m, zeta, 0)->file, COV_SYM_NONE);
    CHECK_INT(reg_at(&m, zeta, 0)->line, 0);
    check_reg(&m, reg_at(&m, module_at(&m, 1), 0), "(none)", "(none)", "(none)", "(none)");
    cov_model_free(&m);

    /* The buffer need not be NUL-terminated: only len bytes are read. */
    REQUIRE(cov_model_init(&m) == 0);
    const char buf[] = {'[', '"', 'a', '"', ']', 'x', 'x'};
    cov_diag d = unit_diag();
    CHECK_INT(cov_load_easydel_manifest(&m, "buf", buf, 5, NULL, &d), COV_OK);
    CHECK_INT(m.modules.count, 1);
    cov_model_free(&m);
}

/* A model holds one inventory; a failed load leaves it as it was. */
static void test_second_inventory_and_rollback(void)
{
    cov_model m;
    REQUIRE(cov_model_init(&m) == 0);
    /* Something already there that a rollback must keep. */
    REQUIRE(cov_model_add_source(&m, "other.yaml", COV_SOURCE_TEST_CONFIG, COV_SYM_NONE) ==
            0);

    /* Fails after two modules were added. */
    CHECK_INT(load_text(&m, "[\"a\", {\"name\": \"b\", \"registrations\": [{}]}, 7]", NULL),
              COV_EINPUT);
    CHECK_INT(m.modules.count, 0);
    CHECK_INT(m.registrations.count, 0);
    CHECK_INT(m.sources.count, 1);
    CHECK(!m.has_easydel);
    /* Fails while finishing nothing: a missing file. */
    cov_diag d = unit_diag();
    CHECK_INT(cov_load_easydel_path(&m, "fixtures/easydel/missing.json", NULL, &d),
              COV_EIO);
    CHECK_STR(unit_err.file, "fixtures/easydel/missing.json");
    CHECK_STR(unit_err.message, "cannot open: No such file or directory");
    CHECK_INT(unit_err.line, 0);
    CHECK_INT(unit_err.column, 0);
    d = unit_diag();
    CHECK_INT(cov_load_easydel_checkout(&m, "fixtures/easydel/missing", NULL, &d), COV_EIO);
    CHECK_STR(unit_err.message, "cannot open: No such file or directory");
    d = unit_diag();
    CHECK_INT(cov_load_easydel_checkout(&m, "fixtures/easydel", NULL, &d), COV_EINPUT);
    CHECK_STR(unit_err.file, "fixtures/easydel");
    CHECK_STR(unit_err.message, "not an EasyDeL checkout: no easydel/modules directory");
    d = unit_diag();
    CHECK_INT(cov_load_easydel_checkout(&m, CHECKOUT_JSON, NULL, &d), COV_EIO);
    CHECK_STR(unit_err.message, "cannot open: Not a directory");
    CHECK_INT(m.sources.count, 1);
    CHECK(!m.has_easydel);

    d = unit_diag();
    REQUIRE(cov_load_easydel_path(&m, CHECKOUT_JSON, NULL, &d) == COV_OK);
    CHECK_INT(m.sources.count, 2);
    CHECK_INT(m.easydel_source, 1);
    uint32_t mods = m.modules.count, regs = m.registrations.count;
    d = unit_diag();
    CHECK_INT(cov_load_easydel_path(&m, CHECKOUT, NULL, &d), COV_EUSAGE);
    CHECK_STR(unit_err.message,
              "an EasyDeL inventory is already loaded (from " CHECKOUT_JSON ")");
    CHECK_STR(unit_err.file, CHECKOUT);
    CHECK_INT(load_text(&m, "[]", NULL), COV_EUSAGE);
    d = unit_diag();
    CHECK_INT(cov_load_easydel_checkout(&m, CHECKOUT, NULL, &d), COV_EUSAGE);
    CHECK_INT(m.modules.count, mods);
    CHECK_INT(m.registrations.count, regs);
    CHECK_INT(m.sources.count, 2);
    CHECK_STR(str(&m, m.easydel_revision), "fixture");
    cov_model_free(&m);
}

/* ---- the real manifests ---- */

static void check_real(const char *file, uint32_t modules, uint32_t regs,
                       const char *revision)
{
    const char *path = unit_shared_path("easydel", file);
    if (!path)
        return;
    cov_model m;
    REQUIRE(cov_model_init(&m) == 0);
    cov_diag d = unit_diag();
    int rc = cov_load_easydel_path(&m, path, unit_limits(), &d);
    if (rc == COV_EIO) {
        unit_skip("manifest absent");
        cov_model_free(&m);
        return;
    }
    if (CHECK_INT(rc, COV_OK)) {
        CHECK_INT(m.modules.count, modules);
        CHECK_INT(m.registrations.count, regs);
        CHECK_STR(str(&m, m.easydel_revision), revision);
        CHECK_STR(str(&m, m.easydel_source_name), "easydel");
        for (uint32_t i = 1; i < m.modules.count; i++)
            CHECK(strcmp(str(&m, module_at(&m, i - 1)->name),
                         str(&m, module_at(&m, i)->name)) < 0);
        const cov_module *llama = find_module(&m, "llama");
        int found = 0;
        for (uint32_t k = 0; llama && k < llama->count; k++) {
            const cov_registration *r = reg_at(&m, llama, k);
            if (strcmp(str(&m, r->task), "CAUSAL_LM") == 0) {
                check_reg(&m, r, "CAUSAL_LM", "llama", "LlamaConfig", "LlamaForCausalLM");
                found = 1;
            }
        }
        CHECK(found);
        CHECK(find_module(&m, "gpt_neox") != NULL);
        CHECK(find_module(&m, "gpt_neo") == NULL);
    } else {
        fprintf(stderr, "  %s:%d:%d: %s\n", unit_err.file, unit_err.line, unit_err.column,
                unit_err.message);
    }
    cov_model_free(&m);
}

static void test_real_2025(void)
{
    check_real("easydel-2025-09-15.json", 53, 139,
               "741bf02efb3ca41d2152ca6b6bb72d00dab795ec");
}

static void test_real_2026(void)
{
    check_real("easydel-2026-04-22.json", 73, 209,
               "090a03b2e0b3606bd38e0e3fcfdc640cd7e6e246");
}

int main(void)
{
    static const unit_case cases[] = {
        {"checkout equals its manifest", test_checkout_equals_manifest},
        {"checkout details", test_checkout_details},
        {"checkout directory forms", test_checkout_forms},
        {"scanner cases", test_scanner_cases},
        {"scanner deep nesting", test_scanner_deep},
        {"scanner limits and rollback", test_scanner_limits},
        {"manifest errors", test_manifest_errors},
        {"manifest duplicate key in a big object", test_manifest_duplicate_in_big_object},
        {"manifest limits", test_manifest_limits},
        {"manifest forms", test_manifest_forms},
        {"second inventory and rollback", test_second_inventory_and_rollback},
        {"real manifest 2025-09-15", test_real_2025},
        {"real manifest 2026-04-22", test_real_2026},
        {0},
    };
    return unit_run(cases);
}
