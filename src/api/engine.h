/* The engine behind the public API: two datasets, the run context the Lua
 * layer sees, limits and the last report. Internal to the library. */
#ifndef COV_ENGINE_H
#define COV_ENGINE_H

#include "base/diag.h"
#include "covengine.h"
#include "lua/run_ctx.h"
#include "model/model.h"

struct cov_engine {
    cov_model models[2]; /* COV_HEAD, COV_BASE */
    /* What the Lua layer sees (lua/run_ctx.h): handles over models, the
     * options, sandbox and warning handler, and the load hook. */
    cov_run_ctx run;
    cov_dataset loading; /* the dataset the current load's warnings go to */
    cov_limits limits;
    cov_load_progress progress; /* fn NULL: no progress reports */
    char *report;               /* last run's report, NUL-terminated */
    size_t report_len;
    int git_held; /* holds libgit2 (cov_git_hold) from its first git load on */
};

/* A diag that reports into err and the engine's warning handler. */
static inline cov_diag cov_engine_diag(const cov_engine *e, cov_error *err)
{
    return cov_run_diag(&e->run, err);
}

#endif
