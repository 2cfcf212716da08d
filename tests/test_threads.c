/* Two engines in two threads at once: each loads the snapshot and a config,
 * runs the default rules and keeps its report; both must equal the report
 * of the same work done alone. Run under TSan/ASan in the sanitizer builds. */
#include "covengine.h"
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULES "../rules/phases.lua"
#define CONFIG "fixtures/ttxla/jax/test_config_fields.yaml"

typedef struct job {
    const char *format;
    char *report; /* malloc'd copy, NULL on failure */
    cov_error err;
} job;

static void *work(void *arg)
{
    job *j = arg;
    j->report = NULL;
    cov_engine *e = cov_engine_new();
    if (!e)
        return NULL;
    size_t len;
    if (cov_load_snapshot(e, COV_HEAD, &j->err) == COV_OK &&
        cov_load_config(e, COV_BASE, CONFIG, NULL, &j->err) == COV_OK &&
        cov_engine_set_option(e, "format", j->format) == COV_OK &&
        cov_run_rules(e, RULES, 0, NULL, &j->err) == COV_OK) {
        const char *text = cov_report(e, &len);
        j->report = malloc(len + 1);
        if (j->report)
            memcpy(j->report, text, len + 1);
    }
    cov_engine_free(e);
    return NULL;
}

static void test_two_engines_two_threads(void)
{
    const char *formats[] = {"json", "markdown"};
    for (int round = 0; round < 2; round++) {
        job alone[2], both[2];
        for (int i = 0; i < 2; i++) {
            alone[i] = (job){formats[i], NULL, {0}};
            work(&alone[i]);
            if (!CHECK(alone[i].report != NULL))
                fprintf(stderr, "  %s\n", alone[i].err.message);
            both[i] = (job){formats[i], NULL, {0}};
        }
        pthread_t t[2];
        for (int i = 0; i < 2; i++)
            CHECK(pthread_create(&t[i], NULL, work, &both[i]) == 0);
        for (int i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        for (int i = 0; i < 2; i++) {
            if (CHECK(both[i].report && alone[i].report))
                CHECK(strcmp(both[i].report, alone[i].report) == 0);
            free(alone[i].report);
            free(both[i].report);
        }
    }
}

int main(void)
{
    static const unit_case cases[] = {
        {"two engines in two threads", test_two_engines_two_threads},
        {0, 0},
    };
    return unit_run(cases);
}
