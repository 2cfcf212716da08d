/* Report rendering from a loaded model, through the public API only: the
 * input is loaded as a tt-xla config, then the project's own rules
 * (rules/phases.lua, path baked in at build time) render the JSON report,
 * which must parse. An instruction budget keeps each run short; inputs that
 * do not load, and runs that hit the budget, are not findings. */
#include "fuzz.h"

#ifndef COV_FUZZ_RULES
#error "COV_FUZZ_RULES must name rules/phases.lua"
#endif

/* Generous for the inputs libFuzzer makes (-max_len 4096 by default):
 * phases.lua over a few hundred tests stays well below it. */
#define FUZZ_MAX_INSTRUCTIONS 20000000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cov_engine *e = cov_engine_new();
    if (!e)
        return 0;
    cov_limits lim;
    cov_engine_get_limits(e, &lim);
    lim.max_instructions = FUZZ_MAX_INSTRUCTIONS;
    lim.max_memory = 256u << 20;
    cov_engine_set_limits(e, &lim);
    cov_engine_set_warning_handler(e, fuzz_warn, NULL);
    cov_error err;
    if (cov_load_config_buffer(e, COV_HEAD, "jax/test_config_fuzz.yaml", (const char *)data,
                               size, "jax", &err) == COV_OK &&
        cov_engine_set_option(e, "format", "json") == COV_OK) {
        int rc = cov_run_rules(e, COV_FUZZ_RULES, 0, NULL, &err);
        if (rc == COV_OK) {
            fuzz_check_json(cov_report(e, NULL), "the JSON report");
        } else if (rc == COV_ERULE) {
            /* The rules must handle any model that loads: an error raised by
             * them (not a limit, which is COV_ELIMIT) is a finding. */
            fprintf(stderr, "rule error: %s\n%s\n", err.message, err.traceback);
            FUZZ_CHECK(rc != COV_ERULE, "the rules raised an error on a loaded model");
        }
    }
    cov_engine_free(e);
    return 0;
}
