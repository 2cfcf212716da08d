/* The engine behind the public API: two datasets, limits, options and the
 * last report. Internal to the library. */
#ifndef COV_ENGINE_H
#define COV_ENGINE_H

#include "covengine.h"
#include "base/diag.h"
#include "model/model.h"
#include "base/strbuf.h"

/* Tests of a dataset grouped by raw family, built on first use and rebuilt
 * after a load, so filtering by family does not scan every test. */
typedef struct cov_family_index {
    unsigned long generation; /* of the dataset it was built for; 0 = never */
    uint32_t *order;          /* test indices, grouped by family symbol */
    uint32_t *start, *count;  /* per family symbol: its run in order */
    uint32_t nsyms;
} cov_family_index;

/* The warnings loading a dataset gave, for rules that report them (SARIF,
 * annotations): the first COV_WARNINGS_KEPT of them, copied. */
enum { COV_WARNINGS_KEPT = 10000 };

typedef struct cov_warning_rec {
    char *file, *message; /* owned; file NULL when the warning has none */
    int line, column;
} cov_warning_rec;

typedef struct cov_warning_log {
    struct cov_engine *e; /* whose handler each warning is passed on to */
    cov_warning_rec *items;
    size_t n, cap;
    unsigned long total; /* every warning, kept or not */
} cov_warning_log;

typedef struct cov_option {
    char *name, *value;
} cov_option;

struct cov_engine {
    cov_model models[2];   /* COV_HEAD, COV_BASE */
    int loaded[2];         /* something was loaded into the dataset */
    unsigned long generation[2]; /* bumped by every successful load */
    cov_family_index family_index[2];
    cov_warning_log load_warnings[2];
    cov_limits limits;
    int sandbox;
    cov_warn_fn warn;
    void *warn_ud;
    cov_load_progress progress; /* fn NULL: no progress reports */
    cov_option *options;
    size_t n_options;
    char *report;          /* last run's report, NUL-terminated */
    size_t report_len;
    cov_buf emitted;       /* what the running script wrote with cov.write */
    int gate_failed;       /* a rule called cov.fail_gate */
    char gate_reason[1024];
    /* cov_read_settings: the run is a settings pass, which hides the data,
     * hands covengine.settings{...} to setting_fn and stops there. */
    int settings_pass;
    int settings_read; /* 0 no pass before this run, 1 it found none, 2 it found them */
    cov_setting_fn setting_fn;
    void *setting_ud;
    int git_held; /* holds libgit2 (cov_git_hold) from its first git load on */
};

/* A diag that reports into err and the engine's warning handler. */
static inline cov_diag cov_engine_diag(const cov_engine *e, cov_error *err)
{
    cov_diag d = {err, e->warn, e->warn_ud, 0};
    return d;
}

/* A diag for loading into dataset d: warnings go to the engine's handler
 * and into its load_warnings[d]. */
cov_diag cov_engine_load_diag(cov_engine *e, cov_dataset d, cov_error *err);

/* The value of option name, or NULL. */
const char *cov_engine_option(const cov_engine *e, const char *name);

/* The family index of dataset d, (re)built if stale; NULL on OOM. */
const cov_family_index *cov_engine_family_index(cov_engine *e, cov_dataset d);

/* Replaces the report with a copy of text[0..len). Returns 0 or COV_ENOMEM. */
int cov_engine_set_report(cov_engine *e, const char *text, size_t len);

#endif
