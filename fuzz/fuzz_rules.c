/* The Lua bridge under hostile rules: the input is a rule script, run in
 * the sandbox with small budgets over a fixed small model (a config with an
 * anchor, overrides and an unparsed id, and an EasyDeL manifest), through
 * the public API as an embedder would. Any result is fine (a report, a rule
 * error, a limit, a failed gate); the findings are crashes, leaks,
 * sanitizer reports, and runs that do not end (libFuzzer's -timeout, which
 * fuzz/run.sh sets low for this harness: the budgets must stop every
 * script). Each input gets a fresh engine. */
#include "fuzz.h"

#define FUZZ_RULE_INSTRUCTIONS 200000u
#define FUZZ_RULE_MEMORY (32u << 20)

static const char config[] =
    "test_config:\n"
    "  llama/causal_lm/jax-3b-single_device-inference: &pass\n"
    "    status: EXPECTED_PASSING\n"
    "    bringup_status: PASSED\n"
    "  llama/causal_lm/jax-8b-tensor_parallel-inference:\n"
    "    <<: *pass\n"
    "    arch_overrides:\n"
    "      n300: {status: KNOWN_FAILURE_XFAIL, reason: \"too big\"}\n"
    "  gemma/jax-2b-single_device-training:\n"
    "    status: NOT_SUPPORTED_SKIP\n"
    "    reason: \"no\\nkernel\"\n"
    "    markers: [push, nightly]\n"
    "  not-a-test-id: {status: UNSPECIFIED}\n";

static const char manifest[] =
    "{\"modules\": [{\"name\": \"llama\", \"registrations\": "
    "[{\"class\": \"LlamaForCausalLM\", \"task\": \"causal_lm\"}]},"
    " \"gemma\"]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cov_engine *e = cov_engine_new();
    if (!e)
        return 0;
    cov_engine_set_sandbox(e, 1);
    cov_limits lim;
    cov_engine_get_limits(e, &lim);
    lim.max_instructions = FUZZ_RULE_INSTRUCTIONS;
    lim.max_memory = FUZZ_RULE_MEMORY;
    cov_engine_set_limits(e, &lim);
    cov_engine_set_warning_handler(e, fuzz_warn, NULL);
    cov_error err;
    if (cov_load_config_buffer(e, COV_HEAD, "jax/test_config_fuzz.yaml", config,
                               sizeof config - 1, "jax", &err) == COV_OK &&
        cov_load_easydel_buffer(e, COV_HEAD, "manifest.json", manifest, sizeof manifest - 1,
                                &err) == COV_OK) {
        const char *argv[] = {"--flag", "value"};
        int rc = cov_run_rules_buffer(e, "fuzz_rule.lua", (const char *)data, size, 2, argv,
                                      &err);
        char line[512];
        if (rc != COV_OK)
            cov_error_format(&err, line, sizeof line);
        else
            (void)cov_report(e, NULL);
    } else {
        FUZZ_CHECK(0, "the fixed model did not load");
    }
    cov_engine_free(e);
    return 0;
}
