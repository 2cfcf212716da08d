/* The streaming tt-xla YAML loader on arbitrary bytes, twice: with the
 * production limits (and, when that loads, the JSON dump re-parsed and a
 * second load into the same model that must either succeed or leave the model
 * exactly as it was), and into a fresh model with tiny limits so every limit
 * branch (depth, anchors, aliases, alias expansion, scalar, file size) is
 * reachable from short inputs; and through the history's parse cache: the
 * events recorded on a first load and replayed on a second must load what a
 * direct load does, or fail the same way at the same place. */
#include "fuzz.h"

#include "base/diag.h"
#include "load/load_ttxla.h"
#include "model/dump.h"
#include "model/model.h"

/* The dump must be JSON; returns it (caller frees) or NULL on OOM. */
static char *dump_checked(const cov_model *m)
{
    cov_error err;
    cov_diag d = {&err, NULL, NULL, 0};
    char *json = cov_dump_model(m, &d);
    if (json)
        fuzz_check_json(json, "cov_dump_model output");
    return json;
}

static void check_tape(const char *buf, size_t size, const cov_limits *lim)
{
    cov_model m[3];
    cov_error err[3];
    int rc[3], ok = 1;
    memset(m, 0, sizeof m); /* a model that failed to init is freed too */
    for (int i = 0; i < 3; i++)
        ok &= cov_model_init(&m[i]) == COV_OK;
    cov_yev_tape tape = {0};
    if (ok) {
        const char *name = "jax/test_config_tape.yaml";
        cov_diag d0 = {&err[0], NULL, NULL, 0}, d1 = {&err[1], NULL, NULL, 0},
                 d2 = {&err[2], NULL, NULL, 0};
        rc[0] = cov_load_ttxla_buffer(&m[0], name, buf, size, "jax", lim, &d0);
        rc[1] = cov_load_ttxla_tape(&m[1], name, &tape, buf, size, "jax", lim, &d1);
        /* Not recorded (too big to read, or out of memory): the history
         * reads the blob again, as the direct load. */
        rc[2] = tape.recorded && !tape.broken
                    ? cov_load_ttxla_tape(&m[2], name, &tape, NULL, 0, "jax", lim, &d2)
                    : cov_load_ttxla_buffer(&m[2], name, buf, size, "jax", lim, &d2);
        if (rc[0] != COV_ENOMEM && rc[1] != COV_ENOMEM && rc[2] != COV_ENOMEM) {
            FUZZ_CHECK(rc[0] == rc[1] && rc[1] == rc[2],
                       "tape load differs from a direct one");
            if (rc[0] == COV_OK) {
                char *a = dump_checked(&m[0]), *b = dump_checked(&m[1]),
                     *c = dump_checked(&m[2]);
                if (a && b && c)
                    FUZZ_CHECK(strcmp(a, b) == 0 && strcmp(b, c) == 0,
                               "tape load gave another model");
                cov_free(a);
                cov_free(b);
                cov_free(c);
            } else if (rc[0] == rc[1] && rc[1] == rc[2]) {
                for (int i = 1; i < 3; i++)
                    FUZZ_CHECK(err[i].line == err[0].line &&
                                   err[i].column == err[0].column &&
                                   strcmp(err[i].message, err[0].message) == 0,
                               "tape load failed elsewhere");
            }
        }
    }
    cov_yev_tape_free(&tape);
    for (int i = 0; i < 3; i++)
        cov_model_free(&m[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    cov_limits prod, tiny;
    cov_limits_default(&prod);
    fuzz_tiny_limits(&tiny);
    cov_error err;
    cov_diag d = {&err, fuzz_warn, NULL, 0};

    cov_model m;
    if (cov_model_init(&m) != COV_OK)
        return 0;
    int rc =
        cov_load_ttxla_buffer(&m, "jax/test_config_fuzz.yaml", buf, size, "jax", &prod, &d);
    if (rc == COV_OK) {
        char *before = dump_checked(&m);
        /* Same bytes again, framework inferred from the name: every id is now a
         * duplicate across files, and a failure must roll back completely. */
        rc = cov_load_ttxla_buffer(&m, "jax/test_config_placeholders.yaml", buf, size, NULL,
                                   &tiny, &d);
        char *after = dump_checked(&m);
        if (rc != COV_OK && before && after)
            FUZZ_CHECK(strcmp(before, after) == 0, "failed load changed the model");
        cov_free(before);
        cov_free(after);
    }
    cov_model_free(&m);

    if (cov_model_init(&m) != COV_OK)
        return 0;
    if (cov_load_ttxla_buffer(&m, "torch/test_config_fuzz.yaml", buf, size, NULL, &tiny,
                              &d) == COV_OK)
        cov_free(dump_checked(&m));
    cov_model_free(&m);
    check_tape(buf, size, &prod);
    check_tape(buf, size, &tiny);
    return 0;
}
