/* The @register_module scanner (a Python lexer) on one module file's text,
 * through the same per-file code the checkout scan runs. Invariants: every
 * registration kept has a class and a line inside the file; the inventory
 * dumps as JSON. */
#include "fuzz.h"

#include "base/diag.h"
#include "load/scan_easydel.h"
#include "model/dump.h"
#include "model/model.h"

/* Lines as the scanner counts them: "\n", "\r\n" and a lone "\r" end one. */
static unsigned long count_lines(const char *s, size_t n)
{
    unsigned long lines = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
            lines++;
    return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cov_error err;
    cov_diag d = {&err, fuzz_warn, NULL, 0};
    cov_model m;
    if (cov_model_init(&m) != COV_OK)
        return 0;
    if (cov_easydel_scan_text(&m, "llama", "modeling_llama.py", text, size, &d) == COV_OK) {
        FUZZ_CHECK(m.has_easydel && m.modules.count == 1, "one module");
        unsigned long lines = count_lines(text, size);
        for (uint32_t i = 0; i < m.registrations.count; i++) {
            const cov_registration *r = COV_VEC_AT(m.registrations, cov_registration, i);
            FUZZ_CHECK(r->class_name != COV_SYM_NONE, "registration without a class");
            FUZZ_CHECK(r->line >= 1 && r->line <= lines,
                       "registration line outside the file");
        }
        char *json = cov_dump_model(&m, &d);
        if (json)
            fuzz_check_json(json, "cov_dump_model output");
        cov_free(json);
    }
    cov_model_free(&m);
    return 0;
}
