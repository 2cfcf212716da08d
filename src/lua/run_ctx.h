/* What the Lua layer sees of the engine that runs it: a run context holding
 * the datasets' handles (head, base and the history's), the history, the
 * options, limits and warning handler, the running script's output and
 * gate, the settings pass, and hooks to load into a dataset and to load a
 * revision of the history into its dataset. The engine (api/engine.c) owns
 * one, fills it and passes it to the bridge; nothing in src/lua knows
 * struct cov_engine or calls the public API back. */
#ifndef COV_RUN_CTX_H
#define COV_RUN_CTX_H

#include "base/diag.h"
#include "base/strbuf.h"
#include "covengine.h"
#include "load/load_history.h"
#include "model/family_index.h"
#include "model/model.h"

/* The warnings loading a dataset gave, for rules that report them (SARIF,
 * annotations): the first COV_WARNINGS_KEPT of them, copied. Only the Lua
 * layer reads them (ds:warnings), so they live here; the engine appends to
 * them from the diag it gives its loaders. */
enum { COV_WARNINGS_KEPT = 10000 };

typedef struct cov_warning_rec {
    char *file, *message; /* owned; file NULL when the warning has none */
    int line, column;
} cov_warning_rec;

typedef struct cov_warning_log {
    cov_warning_rec *items;
    size_t n, cap;
    unsigned long total; /* every warning, kept or not */
} cov_warning_log;

/* Keeps a copy of w: the first COV_WARNINGS_KEPT; one that cannot be copied
 * (OOM) is only counted. */
void cov_warning_log_add(cov_warning_log *log, const cov_error *w);

/* A dataset as the Lua views see it. The model is the engine's; loaded and
 * generation are kept by the load hook; the family index and the warning
 * log belong to the handle. */
typedef struct cov_dataset_handle {
    cov_model *model;
    int loaded;                    /* something was loaded into the dataset */
    unsigned long generation;      /* bumped by every successful load */
    cov_family_index family_index; /* built by cov_run_family_index */
    cov_warning_log warnings;
} cov_dataset_handle;

/* What a load started from Lua (ds:load_*) asks for. */
typedef enum cov_load_kind {
    COV_LOAD_TTXLA,          /* path: a tt-xla tree or "git:REPO@REV" */
    COV_LOAD_CONFIG,         /* path: one YAML file; framework may be NULL */
    COV_LOAD_CONFIG_BUFFER,  /* path names buf[0..len); framework may be NULL */
    COV_LOAD_EASYDEL,        /* path: a manifest, a checkout or "git:REPO@REV" */
    COV_LOAD_EASYDEL_BUFFER, /* path names the manifest buf[0..len) */
    COV_LOAD_FORGE,          /* path: a tt-forge-models tree */
    COV_LOAD_SNAPSHOT        /* the built-in snapshot */
} cov_load_kind;

typedef struct cov_load_req {
    cov_load_kind kind;
    const char *path;
    const char *buf;
    size_t len;
    const char *framework;
} cov_load_req;

/* Loads req into dataset d; returns COV_OK or an error code with *err filled,
 * the dataset then as it was. Installed by the engine. */
typedef int (*cov_load_fn)(void *ud, cov_dataset d, const cov_load_req *req,
                           cov_error *err);

/* The dataset cov.history() loads each revision into: a handle of the run
 * context like head and base, but not a cov_dataset of the public API
 * (its loads refuse it). */
#define COV_HISTORY_DS ((cov_dataset)2)
enum { COV_DATASETS = 3 };

/* Loads revision i of the history into COV_HISTORY_DS (emptied first).
 * A revision whose configs do not load (bad YAML) is, unless the option
 * "strict" is set, a warning naming the commit and the file's
 * path:line:col, and *skipped = 1 with COV_OK; else an error code with
 * *err filled. Installed by the engine. */
typedef int (*cov_revision_fn)(void *ud, size_t i, int *skipped, cov_error *err);

typedef struct cov_option {
    char *name, *value; /* owned */
} cov_option;

typedef struct cov_run_ctx {
    cov_dataset_handle data[COV_DATASETS]; /* COV_HEAD, COV_BASE, COV_HISTORY_DS */
    const cov_limits *limits;              /* the engine's; outlives the context */
    int sandbox;
    int exit_after_run;  /* cov_engine_set_exit_after_run: leave the Lua state open */
    cov_option *options; /* cov_run_set_option; unsorted, names unique */
    size_t n_options;
    cov_warn_fn warn; /* may be NULL: warnings are dropped */
    void *warn_ud;
    cov_load_fn load;
    cov_revision_fn load_revision;
    void *load_ud; /* of both hooks */
    /* The history (cov_load_history), the engine's; NULL: none. cov.history()
     * lists its revisions and loads each with load_revision. */
    const cov_history *history;
    /* The running script (cov_bridge_run). */
    cov_buf emitted; /* what it wrote with cov.write */
    int gate_failed; /* a rule called cov.fail_gate */
    char gate_reason[1024];
    /* cov_read_settings: the run is a settings pass, which hides the data,
     * hands covengine.settings{...} to setting_fn and stops there. */
    int settings_pass;
    int settings_read; /* 0 no pass before this run, 1 it found none, 2 it found them */
    cov_setting_fn setting_fn;
    void *setting_ud;
} cov_run_ctx;

/* Frees what c owns (options, warning logs, family indexes, output); the
 * models are the engine's. */
void cov_run_ctx_free(cov_run_ctx *c);

/* The value of option name, or NULL. */
const char *cov_run_option(const cov_run_ctx *c, const char *name);

/* Sets option name to a copy of value, or removes it when value is NULL.
 * Returns COV_OK or COV_ENOMEM (the options then as they were). */
int cov_run_set_option(cov_run_ctx *c, const char *name, const char *value);

/* The family index of dataset d, (re)built if stale; NULL on OOM. */
const cov_family_index *cov_run_family_index(cov_run_ctx *c, cov_dataset d);

/* A diag that reports into err and the context's warning handler. */
static inline cov_diag cov_run_diag(const cov_run_ctx *c, cov_error *err)
{
    cov_diag d = {err, c->warn, c->warn_ud, 0};
    return d;
}

#endif
