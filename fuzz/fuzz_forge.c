/* The tt-forge-models loader scanner on one loader.py's text, through the
 * same per-file code a tree load runs, then the join of a few test ids that
 * name it. Invariants: every variant belongs to the loader and has a line
 * inside the file; each joined test names one of them; the dump is JSON. */
#include "fuzz.h"

#include "base/diag.h"
#include "load/load_forge.h"
#include "load/load_ttxla.h"
#include "model/dump.h"
#include "model/forge_join.h"
#include "model/model.h"

static unsigned long count_lines(const char *s, size_t n)
{
    unsigned long lines = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
            lines++;
    return lines;
}

/* Ids naming the loader with the values fixture loaders and python.dict use. */
static const char ids[] =
    "test_config:\n"
    "  m/jax-Base-single_device-inference:\n"
    "  m/jax-a-single_device-inference:\n"
    "  m/jax-single_device-inference:\n"
    "  m/jax-Base-llm_decode-seq_1-batch_1-single_device-mesh_default-"
    "inference:\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cov_error err;
    cov_diag d = {&err, fuzz_warn, NULL, 0};
    cov_model m;
    if (cov_model_init(&m) != COV_OK)
        return 0;
    if (cov_load_ttxla_buffer(&m, "jax/test_config_x.yaml", ids, sizeof ids - 1, NULL, NULL,
                              &d) == COV_OK &&
        cov_forge_scan_text(&m, "m/jax", "m/jax/loader.py", text, size, &d) == COV_OK &&
        cov_forge_join(&m, 0, &d) == COV_OK) {
        FUZZ_CHECK(m.has_forge && m.loaders.count == 1, "one loader");
        const cov_loader *L = COV_VEC_AT(m.loaders, cov_loader, 0);
        unsigned long lines = count_lines(text, size);
        FUZZ_CHECK(L->line <= lines, "loader line outside the file");
        FUZZ_CHECK(L->first + L->count <= m.lvariants.count, "variants out of range");
        for (uint32_t k = 0; k < L->count; k++) {
            const cov_lvariant *v = COV_VEC_AT(m.lvariants, cov_lvariant, L->first + k);
            FUZZ_CHECK(v->loader == 0, "variant of another loader");
            FUZZ_CHECK(v->line <= lines, "variant line outside the file");
        }
        uint32_t unknown = 0;
        for (uint32_t i = 0; i < m.tests.count; i++) {
            const cov_lvariant *v = cov_model_test_lvariant(&m, i);
            char why[512];
            const char *reason = cov_forge_unknown_reason(&m, i, why, sizeof why);
            FUZZ_CHECK((v == NULL) == (reason != NULL), "a test both joined and unknown");
            unknown += v == NULL;
            if (v)
                FUZZ_CHECK(
                    v >= COV_VEC_AT(m.lvariants, cov_lvariant, L->first) &&
                        v < COV_VEC_AT(m.lvariants, cov_lvariant, L->first + L->count),
                    "a test joined outside its loader");
        }
        FUZZ_CHECK(unknown == m.unknown, "unknown count");
        char *json = cov_dump_model(&m, &d);
        if (json)
            fuzz_check_json(json, "cov_dump_model output");
        cov_free(json);
    }
    cov_model_free(&m);
    return 0;
}
