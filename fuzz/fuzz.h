/* Shared by the libFuzzer harnesses: limits, a warning sink and the checks
 * whose failure is a finding. Everything is per call: libFuzzer runs many
 * inputs in one process, and state kept between them would hide bugs. */
#ifndef COV_FUZZ_H
#define COV_FUZZ_H

#include "covengine.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small enough that short inputs reach every limit branch of the loaders. */
static inline void fuzz_tiny_limits(cov_limits *l)
{
    cov_limits_default(l);
    l->max_depth = 3;
    l->max_aliases = 2;
    l->max_anchors = 2;
    l->max_alias_expansion = 20;
    l->max_scalar = 16;
    l->max_file_size = 256;
}

/* Formats each warning, so message formatting runs on hostile text too. */
static inline void fuzz_warn(void *ud, const cov_error *w)
{
    char line[256];
    cov_error_format(w, line, sizeof line);
    (void)ud;
}

#define FUZZ_CHECK(cond, what)                                                             \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz check failed at %s:%d: %s\n", __FILE__, __LINE__, what); \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* text must be JSON that cJSON reads back. */
static inline void fuzz_check_json(const char *text, const char *what)
{
    cJSON *j = cJSON_Parse(text);
    if (!j)
        fprintf(stderr, "not JSON (%s) near: %.80s\n", what,
                cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "?");
    FUZZ_CHECK(j != NULL, what);
    cJSON_Delete(j);
}

#endif
