/* The run context the Lua layer sees instead of the engine (lua/run_ctx.h):
 * options, the warning log, the family index, and loads through the hook
 * the engine installs. */
#include "api/engine.h"
#include "lua/run_ctx.h"
#include "model/family_index.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

static const char CONFIG[] = "test_config:\n"
                             "  falcon/jax-a-single_device-inference:\n"
                             "    bogus: 1\n"
                             "  gpt2/jax-b-single_device-inference:\n"
                             "  falcon/jax-c-single_device-inference:\n";

static void test_options(void)
{
    cov_run_ctx c = {0};
    CHECK(cov_run_option(&c, "format") == NULL);
    CHECK_INT(cov_run_set_option(&c, "format", "json"), COV_OK);
    CHECK_INT(cov_run_set_option(&c, "output", "x.json"), COV_OK);
    CHECK_INT(cov_run_set_option(&c, "format", "csv"), COV_OK); /* replaces */
    CHECK_INT(c.n_options, 2);
    CHECK_STR(cov_run_option(&c, "format"), "csv");
    CHECK_INT(cov_run_set_option(&c, "format", NULL), COV_OK); /* removes */
    CHECK_INT(cov_run_set_option(&c, "nosuch", NULL), COV_OK);
    CHECK(cov_run_option(&c, "format") == NULL);
    CHECK_STR(cov_run_option(&c, "output"), "x.json");
    CHECK_INT(c.n_options, 1);
    cov_run_ctx_free(&c);
    CHECK_INT(c.n_options, 0);
}

static void test_warning_log(void)
{
    cov_warning_log log = {0};
    cov_error w = {0};
    w.line = 3;
    w.column = 5;
    snprintf(w.file, sizeof w.file, "a.yaml");
    snprintf(w.message, sizeof w.message, "first");
    cov_warning_log_add(&log, &w);
    w.file[0] = '\0';
    for (int i = 1; i < COV_WARNINGS_KEPT + 5; i++) {
        snprintf(w.message, sizeof w.message, "w%d", i);
        cov_warning_log_add(&log, &w);
    }
    /* The first COV_WARNINGS_KEPT are kept, all are counted. */
    CHECK_INT(log.n, COV_WARNINGS_KEPT);
    CHECK_INT(log.total, COV_WARNINGS_KEPT + 5);
    CHECK_STR(log.items[0].file, "a.yaml");
    CHECK_STR(log.items[0].message, "first");
    CHECK_INT(log.items[0].line, 3);
    CHECK_INT(log.items[0].column, 5);
    CHECK(log.items[1].file == NULL);
    CHECK_STR(log.items[COV_WARNINGS_KEPT - 1].message, "w9999");
    cov_run_ctx c = {0};
    c.data[COV_HEAD].warnings = log; /* freed with the context */
    cov_run_ctx_free(&c);
    CHECK_INT(c.data[COV_HEAD].warnings.n, 0);
}

/* Loads through the run context's hook, as ds:load_* does: the engine's
 * load, which marks the dataset loaded, bumps its generation and logs its
 * warnings in the handle. */
static void test_load_hook(void)
{
    cov_engine *e = cov_engine_new();
    REQUIRE(e != NULL);
    cov_run_ctx *c = &e->run;
    CHECK(c->data[COV_HEAD].model == &e->models[COV_HEAD]);
    CHECK(c->limits == &e->limits);
    CHECK_INT(c->sandbox, 1);
    cov_error err;
    cov_load_req r = {COV_LOAD_CONFIG_BUFFER, "jax/test_config_x.yaml", CONFIG,
                      sizeof CONFIG - 1, NULL};
    CHECK_INT(c->load(c->load_ud, COV_HEAD, &r, &err), COV_OK);
    const cov_dataset_handle *h = &c->data[COV_HEAD];
    CHECK_INT(h->loaded, 1);
    CHECK_INT(h->generation, 1);
    CHECK_INT(h->model->tests.count, 3);
    REQUIRE(h->warnings.n == 1);
    CHECK_STR(h->warnings.items[0].file, "jax/test_config_x.yaml");
    CHECK_INT(h->warnings.items[0].line, 3);
    CHECK_INT(c->data[COV_BASE].loaded, 0);
    CHECK_INT(c->data[COV_BASE].warnings.total, 0);

    /* The family index: falcon's tests in file order, then rebuilt when a
     * load bumps the generation. */
    const cov_family_index *x = cov_run_family_index(c, COV_HEAD);
    REQUIRE(x != NULL);
    cov_sym falcon = cov_intern_find(&h->model->strs, "falcon", 6);
    REQUIRE(falcon != 0);
    CHECK_INT(x->count[falcon], 2);
    CHECK_INT(x->order[x->start[falcon]], 0);
    CHECK_INT(x->order[x->start[falcon] + 1], 2);
    CHECK(cov_run_family_index(c, COV_HEAD) == x);
    CHECK_INT(x->generation, 2);

    /* A bad input leaves the dataset, its generation and its index alone. */
    cov_load_req bad = {COV_LOAD_CONFIG_BUFFER, "bad.yaml", "test_config: [", 14, "jax"};
    CHECK(c->load(c->load_ud, COV_HEAD, &bad, &err) != COV_OK);
    CHECK_INT(err.line, 1);
    CHECK_INT(h->generation, 1);
    CHECK_INT(x->generation, 2);

    const char more[] = "test_config:\n  falcon/jax-d-single_device-inference:\n";
    cov_load_req r2 = {COV_LOAD_CONFIG_BUFFER, "more.yaml", more, sizeof more - 1, "jax"};
    CHECK_INT(c->load(c->load_ud, COV_HEAD, &r2, &err), COV_OK);
    CHECK_INT(h->generation, 2);
    x = cov_run_family_index(c, COV_HEAD);
    REQUIRE(x != NULL);
    CHECK_INT(x->generation, 3);
    CHECK_INT(x->count[falcon], 3);
    CHECK_INT(x->order[x->start[falcon] + 2], 3);

    /* An unknown dataset is refused by the hook as by the public API. */
    CHECK_INT(c->load(c->load_ud, (cov_dataset)7, &r, &err), COV_EUSAGE);
    CHECK_STR(err.message, "unknown dataset 7");
    cov_engine_free(e);
}

int main(void)
{
    static const unit_case cases[] = {
        {"options", test_options},
        {"warning log", test_warning_log},
        {"load hook", test_load_hook},
        {0, 0},
    };
    return unit_run(cases);
}
