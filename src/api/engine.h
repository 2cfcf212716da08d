/* The engine behind the public API: the datasets (head, base and the
 * history's), the run context the Lua layer sees, the history, limits and
 * the last report. Internal to the library. */
#ifndef COV_ENGINE_H
#define COV_ENGINE_H

#include "base/diag.h"
#include "base/git_repo.h"
#include "covengine.h"
#include "load/load_history.h"
#include "lua/run_ctx.h"
#include "model/model.h"

struct cov_engine {
    cov_model models[COV_DATASETS]; /* COV_HEAD, COV_BASE, COV_HISTORY_DS */
    /* What the Lua layer sees (lua/run_ctx.h): handles over models, the
     * options, sandbox and warning handler, the history, and the load
     * hooks. */
    cov_run_ctx run;
    cov_dataset loading; /* the dataset the current load's warnings go to */
    cov_limits limits;
    cov_load_progress progress; /* fn NULL: no progress reports */
    char *report;               /* last run's report, NUL-terminated */
    size_t report_len;
    int git_held; /* holds libgit2 (cov_git_hold) from its first git load on */
    /* cov_load_history: the revisions (run.history points at them), and
     * what each is read with. */
    cov_history *history;
    char *history_easydel, *history_forge; /* owned; NULL: none */
    int history_easydel_git;
    cov_git_repo *history_easydel_repo, *history_forge_repo; /* opened on first use */
};

/* A diag that reports into err and the engine's warning handler. */
static inline cov_diag cov_engine_diag(const cov_engine *e, cov_error *err)
{
    return cov_run_diag(&e->run, err);
}

#endif
