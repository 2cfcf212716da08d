/* The EasyDeL manifest loader (its own JSON lexer for positions and limits,
 * then cJSON) on arbitrary bytes, with production and with tiny limits. A
 * loaded manifest is dumped and the dump re-parsed; loading a second
 * inventory must be refused without changing the model. */
#include "fuzz.h"

#include "base/diag.h"
#include "load/load_easydel.h"
#include "model/dump.h"
#include "model/model.h"

static void load(const char *buf, size_t size, const cov_limits *lim)
{
    cov_error err;
    cov_diag d = {&err, fuzz_warn, NULL, 0};
    cov_model m;
    if (cov_model_init(&m) != COV_OK)
        return;
    if (cov_load_easydel_manifest(&m, "easydel.json", buf, size, lim, &d) == COV_OK) {
        char *json = cov_dump_model(&m, &d);
        if (json)
            fuzz_check_json(json, "cov_dump_model output");
        uint32_t modules = m.modules.count;
        int rc = cov_load_easydel_manifest(&m, "again.json", buf, size, lim, &d);
        FUZZ_CHECK(rc == COV_EUSAGE && m.modules.count == modules,
                   "a second inventory was not refused");
        cov_free(json);
    }
    cov_model_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cov_limits prod, tiny;
    cov_limits_default(&prod);
    fuzz_tiny_limits(&tiny);
    load((const char *)data, size, &prod);
    load((const char *)data, size, &tiny);
    return 0;
}
