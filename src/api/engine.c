/* The public API (covengine.h) over the loaders, the model and the bridge. */
#include "api/engine.h"

#include "base/alloc.h"
#include "base/embedded.h"
#include "base/fsutil.h"
#include "base/git_repo.h"
#include "load/load_easydel.h"
#include "load/load_forge.h"
#include "load/load_git.h"
#include "load/load_history.h"
#include "load/load_ttxla.h"
#include "lua/lua_bridge.h"
#include "model/dump.h"
#include "model/forge_join.h"

#include <stdio.h>
#include <string.h>

static int load_hook(void *ud, cov_dataset d, const cov_load_req *r, cov_error *err);
static int load_revision(void *ud, size_t i, int *skipped, cov_error *err);

cov_engine *cov_engine_new(void)
{
    cov_engine *e = cov_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    if (cov_model_init(&e->models[COV_HEAD]) != COV_OK) {
        cov_free(e);
        return NULL;
    }
    if (cov_model_init(&e->models[COV_BASE]) != COV_OK) {
        cov_model_free(&e->models[COV_HEAD]);
        cov_free(e);
        return NULL;
    }
    if (cov_model_init(&e->models[COV_HISTORY_DS]) != COV_OK) {
        cov_model_free(&e->models[COV_HEAD]);
        cov_model_free(&e->models[COV_BASE]);
        cov_free(e);
        return NULL;
    }
    cov_limits_default(&e->limits);
    e->run.data[COV_HEAD].model = &e->models[COV_HEAD];
    e->run.data[COV_BASE].model = &e->models[COV_BASE];
    e->run.data[COV_HISTORY_DS].model = &e->models[COV_HISTORY_DS];
    e->run.limits = &e->limits;
    e->run.sandbox = 1;
    e->run.load = load_hook;
    e->run.load_revision = load_revision;
    e->run.load_ud = e;
    return e;
}

void cov_engine_free(cov_engine *e)
{
    if (!e)
        return;
    cov_model_free(&e->models[COV_HEAD]);
    cov_model_free(&e->models[COV_BASE]);
    cov_model_free(&e->models[COV_HISTORY_DS]);
    cov_run_ctx_free(&e->run);
    cov_history_free(e->history);
    cov_git_close(e->history_easydel_repo);
    cov_git_close(e->history_forge_repo);
    cov_free(e->history_easydel);
    cov_free(e->history_forge);
    cov_free(e->report);
    if (e->git_held)
        cov_git_release();
    cov_free(e);
}

void cov_engine_set_limits(cov_engine *e, const cov_limits *l)
{
    e->limits = *l;
}
void cov_engine_get_limits(const cov_engine *e, cov_limits *l)
{
    *l = e->limits;
}
void cov_engine_set_sandbox(cov_engine *e, int on)
{
    e->run.sandbox = on != 0;
}
void cov_engine_set_exit_after_run(cov_engine *e, int on)
{
    e->run.exit_after_run = on != 0;
}

void cov_engine_set_warning_handler(cov_engine *e, cov_warn_fn fn, void *ud)
{
    e->run.warn = fn;
    e->run.warn_ud = ud;
}

int cov_engine_set_option(cov_engine *e, const char *name, const char *value)
{
    return cov_run_set_option(&e->run, name, value);
}

/* Keeps a copy of w in the warning log of the dataset being loaded and
 * passes it on. */
static void log_warning(void *ud, const cov_error *w)
{
    cov_engine *e = ud;
    cov_warning_log_add(&e->run.data[e->loading].warnings, w);
    if (e->run.warn)
        e->run.warn(e->run.warn_ud, w);
}

/* A diag for loading into dataset d: warnings go to the engine's handler
 * and into the warning log of d's handle. */
static cov_diag load_diag(cov_engine *e, cov_dataset d, cov_error *err)
{
    e->loading = d;
    cov_diag diag = {err, log_warning, e, 0};
    /* Each load call counts from zero. */
    e->progress.p = (cov_progress){0};
    e->progress.countdown = COV_PROGRESS_EVERY;
    return diag;
}

cov_load_progress *cov_diag_progress(const cov_diag *d)
{
    if (!d || d->warn != log_warning)
        return NULL;
    cov_engine *e = d->warn_ud;
    return e->progress.fn ? &e->progress : NULL;
}

void cov_engine_set_progress_handler(cov_engine *e, cov_progress_fn fn, void *ud)
{
    e->progress.fn = fn;
    e->progress.ud = ud;
}

static int bad_dataset(cov_dataset d, cov_error *err)
{
    if (d == COV_HEAD || d == COV_BASE)
        return 0;
    cov_diag diag = {err, NULL, NULL, 0};
    cov_fail(&diag, COV_EUSAGE, NULL, 0, 0, "unknown dataset %d", (int)d);
    return 1;
}

/* Every loader ends here. On success the dataset's tests are joined to its
 * tt-forge-models loaders (warning about the tests this load added, or about
 * all of them when it added the tree) and the dataset is marked as used; a
 * join that runs out of memory undoes the load. */
static int loaded(cov_engine *e, cov_dataset d, int rc, const cov_model_mark *mark,
                  cov_diag *diag)
{
    if (rc == COV_OK) {
        cov_model *m = &e->models[d];
        rc = cov_forge_join(m, mark->has_forge ? mark->tests : 0, diag);
        if (rc != COV_OK)
            cov_model_rollback(m, mark);
    }
    if (rc == COV_OK) {
        e->run.data[d].loaded = 1;
        e->run.data[d].generation++;
    }
    return rc;
}

/* Whether spec is "git:REPO@REV": -1 with *repo and *rev set (the caller
 * frees both with cov_free), 0 for a plain path, or an error code with err
 * filled. */
static int git_spec(const char *spec, char **repo, char **rev, cov_error *err)
{
    int k = cov_git_spec_split(spec, repo, rev);
    cov_diag diag = {err, NULL, NULL, 0};
    if (k < 0)
        return cov_fail(&diag, COV_ENOMEM, spec, 0, 0, "out of memory");
    if (k && !**repo) {
        cov_free(*repo);
        cov_free(*rev);
        return cov_fail(&diag, COV_EUSAGE, spec, 0, 0,
                        "no repository before the revision (git:REPO@REV)");
    }
    return k ? -1 : COV_OK;
}

/* The engine keeps libgit2 started between its git loads. */
static int hold_git(cov_engine *e, cov_error *err)
{
    if (e->git_held)
        return COV_OK;
    cov_diag diag = {err, NULL, NULL, 0};
    int rc = cov_git_hold(&diag);
    e->git_held = rc == COV_OK;
    return rc;
}

/* Loads revision rev of repository repo into dataset d: a tt-xla tree
 * (kind COV_LOAD_TTXLA) or an EasyDeL checkout (COV_LOAD_EASYDEL). */
static int load_git(cov_engine *e, cov_dataset d, cov_load_kind kind, const char *repo,
                    const char *rev, cov_error *err)
{
    int rc = hold_git(e, err);
    if (rc)
        return rc;
    cov_model *m = &e->models[d];
    cov_diag diag = load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    if (kind == COV_LOAD_TTXLA)
        rc = cov_load_ttxla_git_rev(m, repo, rev, &e->limits, &diag);
    else
        rc = cov_load_easydel_git_rev(m, repo, rev, &e->limits, &diag);
    return loaded(e, d, rc, &mark, &diag);
}

/* The commit pinned at COV_TTXLA_FORGE_PIN by rev of ttxla, resolved in
 * forge; *found = 0 (after a warning) when there is none to load. */
static int forge_pin(cov_git_repo *ttxla, const char *rev, cov_git_repo *forge,
                     cov_git_oid *commit, int *found, cov_diag *diag)
{
    cov_git_oid c, pin;
    *found = 0;
    int rc = cov_git_resolve(ttxla, rev, &c, diag), has;
    if (!rc)
        rc = cov_git_gitlink(ttxla, &c, COV_TTXLA_FORGE_PIN, &pin, &has, diag);
    if (rc)
        return rc;
    char hex[41], want[41];
    cov_git_oid_hex(&c, COV_GIT_SHORT, hex);
    if (!has) {
        cov_warn(diag, cov_git_path(ttxla), 0, 0,
                 "revision %s pins no %s: no tt-forge-models tree", hex,
                 COV_TTXLA_FORGE_PIN);
        return COV_OK;
    }
    cov_git_oid_hex(&pin, 40, want);
    cov_error quiet;
    cov_diag qd = {&quiet, NULL, NULL, 0};
    if (cov_git_resolve(forge, want, commit, &qd) != COV_OK) {
        cov_warn(diag, cov_git_path(forge), 0, 0,
                 "revision %s pins tt-forge-models commit %s, which this repository lacks: "
                 "no tt-forge-models tree",
                 hex, want);
        return COV_OK;
    }
    *found = 1;
    return COV_OK;
}

int cov_load_tt_forge_models_pinned(cov_engine *e, cov_dataset d, const char *ttxla_repo,
                                    const char *rev, const char *forge_repo, cov_error *err)
{
    cov_error_clear(err);
    int rc = bad_dataset(d, err) ? COV_EUSAGE : hold_git(e, err);
    if (rc)
        return rc;
    cov_diag diag = load_diag(e, d, err);
    cov_git_repo *t = NULL, *f = NULL;
    cov_git_oid commit;
    int found = 0;
    rc = cov_git_open(ttxla_repo, &t, &diag);
    if (!rc)
        rc = cov_git_open(forge_repo, &f, &diag);
    if (!rc)
        rc = forge_pin(t, rev, f, &commit, &found, &diag);
    cov_model_mark mark;
    cov_model_mark_take(&e->models[d], &mark);
    if (!rc && found)
        rc = loaded(e, d,
                    cov_load_forge_git_commit(&e->models[d], f, &commit, &e->limits, &diag),
                    &mark, &diag);
    cov_git_close(t);
    cov_git_close(f);
    return rc;
}

/* The snapshot's YAML files sit in data/<framework>/; its manifest is the one
 * JSON file. Names in messages are "builtin:data/..." so a user can tell.
 * On failure m is as before. */
static int load_snapshot(cov_model *m, const cov_limits *limits, cov_diag *diag)
{
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    int rc = COV_OK;
    for (const cov_embedded_file *f = cov_embedded_snapshot; f->name && rc == COV_OK; f++) {
        char name[512], fw[64] = "";
        snprintf(name, sizeof name, "builtin:%s", f->name);
        size_t n = strlen(f->name);
        const char *slash = strrchr(f->name, '/');
        const char *dirstart = slash;
        while (dirstart && dirstart > f->name && dirstart[-1] != '/')
            dirstart--;
        if (slash && dirstart && (size_t)(slash - dirstart) < sizeof fw)
            snprintf(fw, sizeof fw, "%.*s", (int)(slash - dirstart), dirstart);
        if (n > 5 && strcmp(f->name + n - 5, ".yaml") == 0)
            rc = cov_load_ttxla_buffer(m, name, (const char *)f->data, f->size,
                                       fw[0] ? fw : NULL, limits, diag);
        else if (n > 5 && strcmp(f->name + n - 5, ".json") == 0)
            rc = cov_load_easydel_manifest(m, name, (const char *)f->data, f->size, limits,
                                           diag);
    }
    if (rc != COV_OK)
        cov_model_rollback(m, &mark);
    return rc;
}

/* Every load, from the public API or from Lua (the run context's hook):
 * r into dataset d. */
static int load(cov_engine *e, cov_dataset d, const cov_load_req *r, cov_error *err)
{
    cov_error_clear(err);
    if (bad_dataset(d, err))
        return COV_EUSAGE;
    if (r->kind == COV_LOAD_TTXLA || r->kind == COV_LOAD_EASYDEL) {
        char *repo, *rev;
        int rc = git_spec(r->path, &repo, &rev, err);
        if (rc < 0) {
            rc = load_git(e, d, r->kind, repo, rev, err);
            cov_free(repo);
            cov_free(rev);
            return rc;
        }
        if (rc)
            return rc;
    }
    cov_model *m = &e->models[d];
    const cov_limits *l = &e->limits;
    cov_diag diag = load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    int rc = COV_EUSAGE;
    switch (r->kind) {
    case COV_LOAD_TTXLA: rc = cov_load_ttxla_tree(m, r->path, l, &diag); break;
    case COV_LOAD_CONFIG:
        rc = cov_load_ttxla_file(m, r->path, r->framework, l, &diag);
        break;
    case COV_LOAD_CONFIG_BUFFER:
        rc = cov_load_ttxla_buffer(m, r->path, r->buf, r->len, r->framework, l, &diag);
        break;
    case COV_LOAD_EASYDEL: rc = cov_load_easydel_path(m, r->path, l, &diag); break;
    case COV_LOAD_EASYDEL_BUFFER:
        rc = cov_load_easydel_manifest(m, r->path, r->buf, r->len, l, &diag);
        break;
    case COV_LOAD_FORGE: rc = cov_load_forge_tree(m, r->path, l, &diag); break;
    case COV_LOAD_SNAPSHOT: rc = load_snapshot(m, l, &diag); break;
    }
    return loaded(e, d, rc, &mark, &diag);
}

static int load_hook(void *ud, cov_dataset d, const cov_load_req *r, cov_error *err)
{
    return load(ud, d, r, err);
}

int cov_load_ttxla(cov_engine *e, cov_dataset d, const char *dir, cov_error *err)
{
    cov_load_req r = {COV_LOAD_TTXLA, dir, NULL, 0, NULL};
    return load(e, d, &r, err);
}

int cov_load_ttxla_git(cov_engine *e, cov_dataset d, const char *repo, const char *rev,
                       cov_error *err)
{
    cov_error_clear(err);
    return bad_dataset(d, err) ? COV_EUSAGE
                               : load_git(e, d, COV_LOAD_TTXLA, repo, rev, err);
}

int cov_load_easydel_git(cov_engine *e, cov_dataset d, const char *repo, const char *rev,
                         cov_error *err)
{
    cov_error_clear(err);
    return bad_dataset(d, err) ? COV_EUSAGE
                               : load_git(e, d, COV_LOAD_EASYDEL, repo, rev, err);
}

int cov_load_config(cov_engine *e, cov_dataset d, const char *path, const char *framework,
                    cov_error *err)
{
    cov_load_req r = {COV_LOAD_CONFIG, path, NULL, 0, framework};
    return load(e, d, &r, err);
}

int cov_load_config_buffer(cov_engine *e, cov_dataset d, const char *name, const char *buf,
                           size_t len, const char *framework, cov_error *err)
{
    cov_load_req r = {COV_LOAD_CONFIG_BUFFER, name, buf, len, framework};
    return load(e, d, &r, err);
}

int cov_load_easydel(cov_engine *e, cov_dataset d, const char *path, cov_error *err)
{
    cov_load_req r = {COV_LOAD_EASYDEL, path, NULL, 0, NULL};
    return load(e, d, &r, err);
}

int cov_load_easydel_buffer(cov_engine *e, cov_dataset d, const char *name, const char *buf,
                            size_t len, cov_error *err)
{
    cov_load_req r = {COV_LOAD_EASYDEL_BUFFER, name, buf, len, NULL};
    return load(e, d, &r, err);
}

int cov_load_tt_forge_models(cov_engine *e, cov_dataset d, const char *dir, cov_error *err)
{
    cov_load_req r = {COV_LOAD_FORGE, dir, NULL, 0, NULL};
    return load(e, d, &r, err);
}

int cov_load_snapshot(cov_engine *e, cov_dataset d, cov_error *err)
{
    cov_load_req r = {COV_LOAD_SNAPSHOT, NULL, NULL, 0, NULL};
    return load(e, d, &r, err);
}

/* ---- history ---- */

static char *copy_or_null(const char *s, int *oom)
{
    char *c = s ? cov_strndup(s, strlen(s)) : NULL;
    *oom |= s && !c;
    return c;
}

int cov_load_history(cov_engine *e, const char *repo, const char *range,
                     const char *easydel, int easydel_git, const char *forge_git,
                     cov_error *err)
{
    cov_error_clear(err);
    cov_diag diag = cov_engine_diag(e, err);
    if (!repo)
        return cov_fail(&diag, COV_EUSAGE, NULL, 0, 0, "no repository given");
    int rc = hold_git(e, err);
    cov_history *h = NULL;
    if (!rc)
        rc = cov_history_open(repo, range, forge_git != NULL, &h, &diag);
    int oom = 0;
    char *ed = copy_or_null(easydel, &oom), *fg = copy_or_null(forge_git, &oom);
    if (!rc && oom)
        rc = cov_fail(&diag, COV_ENOMEM, repo, 0, 0, "out of memory");
    cov_git_repo *er = NULL, *fr = NULL;
    /* Open the other repositories now: a missing one is a usage error
     * before any rule runs, not a surprise at the first revision. */
    if (!rc && easydel && easydel_git)
        rc = cov_git_open(easydel, &er, &diag);
    if (!rc && forge_git)
        rc = cov_git_open(forge_git, &fr, &diag);
    if (rc) {
        cov_history_free(h);
        cov_git_close(er);
        cov_git_close(fr);
        cov_free(ed);
        cov_free(fg);
        return rc;
    }
    cov_history_free(e->history);
    cov_git_close(e->history_easydel_repo);
    cov_git_close(e->history_forge_repo);
    cov_free(e->history_easydel);
    cov_free(e->history_forge);
    e->history = h;
    e->history_easydel = ed;
    e->history_easydel_git = easydel_git != 0;
    e->history_forge = fg;
    e->history_easydel_repo = er;
    e->history_forge_repo = fr;
    e->run.history = h;
    return COV_OK;
}

/* EasyDeL for a revision committed at `when`. */
static int history_easydel(cov_engine *e, cov_model *m, int64_t when, cov_diag *diag)
{
    if (!e->history_easydel)
        return COV_OK;
    if (!e->history_easydel_git)
        return cov_load_easydel_path(m, e->history_easydel, &e->limits, diag);
    cov_git_oid at;
    int found;
    int rc = cov_git_last_before(e->history_easydel_repo, NULL, when, &at, &found, diag);
    if (rc || !found) /* EasyDeL did not exist yet: no inventory */
        return rc;
    return cov_load_easydel_git_commit(m, e->history_easydel_repo, &at, &e->limits, diag);
}

/* The tt-forge-models tree a revision pins, from the forge repository. */
static int history_forge(cov_engine *e, cov_model *m, size_t i, cov_diag *diag)
{
    if (!e->history_forge_repo)
        return COV_OK;
    char hex[41];
    cov_git_oid_hex(&cov_history_commit(e->history, i)->id, 40, hex);
    cov_git_oid commit;
    int found;
    int rc = forge_pin(cov_history_repo(e->history), hex, e->history_forge_repo, &commit,
                       &found, diag);
    if (rc || !found)
        return rc;
    return cov_load_forge_git_commit(m, e->history_forge_repo, &commit, &e->limits, diag);
}

/* The run context's load_revision hook (lua/run_ctx.h): revision i into
 * COV_HISTORY_DS. Its warnings go to the engine's handler, not into the
 * handle's warning log. */
static int load_revision(void *ud, size_t i, int *skipped, cov_error *err)
{
    cov_engine *e = ud;
    cov_error_clear(err);
    *skipped = 0;
    cov_diag diag = cov_engine_diag(e, err);
    if (!e->history || i >= cov_history_count(e->history))
        return cov_fail(&diag, COV_EUSAGE, NULL, 0, 0, "no such revision in the history");
    cov_model *m = &e->models[COV_HISTORY_DS];
    cov_model_free(m);
    cov_dataset_handle *hd = &e->run.data[COV_HISTORY_DS];
    hd->loaded = 0;
    hd->generation++;
    if (cov_model_init(m) != COV_OK)
        return cov_fail(&diag, COV_ENOMEM, NULL, 0, 0, "out of memory");
    const cov_git_commit *c = cov_history_commit(e->history, i);
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    int rc = history_easydel(e, m, c->commit_time, &diag);
    if (!rc)
        rc = history_forge(e, m, i, &diag);
    if (!rc) {
        rc = cov_history_load(e->history, i, m, &e->limits, &diag);
        if (rc == COV_EINPUT && !cov_run_option(&e->run, "strict")) {
            /* A bad revision: say where, and let the history go on. */
            char msg[1200];
            snprintf(msg, sizeof msg, "revision skipped: %s", err->message);
            cov_warn(&diag, err->file[0] ? err->file : NULL, err->line, err->column, "%s",
                     msg);
            cov_error_clear(err);
            *skipped = 1;
            return COV_OK;
        }
    }
    if (!rc) {
        /* The join's warnings were the plain load's business; per revision
         * they would repeat hundreds of times. */
        cov_diag quiet = {err, NULL, NULL, 0};
        rc = cov_forge_join(m, 0, &quiet);
    }
    if (rc) {
        cov_model_rollback(m, &mark);
        return rc;
    }
    hd->loaded = 1;
    hd->generation++;
    return COV_OK;
}

const char *cov_report(const cov_engine *e, size_t *len)
{
    if (len)
        *len = e->report ? e->report_len : 0;
    return e->report ? e->report : "";
}

int cov_write_report(const cov_engine *e, const char *path, cov_error *err)
{
    cov_error_clear(err);
    cov_diag diag = cov_engine_diag(e, err);
    size_t len;
    const char *text = cov_report(e, &len);
    return cov_write_atomic(path, text, len, &diag);
}

int cov_write_file(const char *path, const char *data, size_t len, cov_error *err)
{
    cov_error_clear(err);
    cov_diag diag = {err, NULL, NULL, 0};
    return cov_write_atomic(path, data, len, &diag);
}

char *cov_dump_json(const cov_engine *e, cov_dataset d, cov_error *err)
{
    cov_error_clear(err);
    if (bad_dataset(d, err))
        return NULL;
    cov_diag diag = cov_engine_diag(e, err);
    return cov_dump_model(&e->models[d], &diag);
}

/* Runs a script in the run context; the report it returns replaces the
 * engine's (the bridge returns none for a failed run or a settings pass). */
static int run(cov_engine *e, const char *name, const char *buf, size_t len, int argc,
               const char *const *argv, cov_error *err)
{
    char *report = NULL;
    size_t report_len = 0;
    int rc = cov_bridge_run(&e->run, name, buf, len, argc, argv, &report, &report_len, err);
    if (report) {
        cov_free(e->report);
        e->report = report;
        e->report_len = report_len;
    }
    return rc;
}

int cov_run_rules(cov_engine *e, const char *path, int argc, const char *const *argv,
                  cov_error *err)
{
    cov_error_clear(err);
    return run(e, path, NULL, 0, argc, argv, err);
}

int cov_run_rules_buffer(cov_engine *e, const char *name, const char *buf, size_t len,
                         int argc, const char *const *argv, cov_error *err)
{
    cov_error_clear(err);
    return run(e, name, buf ? buf : "", buf ? len : 0, argc, argv, err);
}

int cov_read_settings(cov_engine *e, const char *path, int argc, const char *const *argv,
                      cov_setting_fn fn, void *ud, cov_error *err)
{
    cov_error_clear(err);
    cov_run_ctx *c = &e->run;
    cov_warn_fn warn = c->warn;
    c->warn = NULL; /* the real run warns */
    c->settings_pass = 1;
    c->settings_read = 1;
    c->setting_fn = fn;
    c->setting_ud = ud;
    int rc = run(e, path, NULL, 0, argc, argv, err);
    c->settings_pass = 0;
    c->setting_fn = NULL;
    c->setting_ud = NULL;
    c->warn = warn;
    return rc;
}
