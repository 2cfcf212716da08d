/* The streaming tt-xla YAML loader on arbitrary bytes, twice: with the
 * production limits (and, when that loads, the JSON dump re-parsed and a
 * second load into the same model that must either succeed or leave the model
 * exactly as it was), and into a fresh model with tiny limits so every limit
 * branch (depth, anchors, aliases, alias expansion, scalar, file size) is
 * reachable from short inputs. */
#include "fuzz.h"

#include "base/diag.h"
#include "model/dump.h"
#include "load/load_ttxla.h"
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
    return 0;
}
