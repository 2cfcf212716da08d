/* The public API (covengine.h) over the loaders, the model and the bridge. */
#include "api/engine.h"

#include "base/alloc.h"
#include "model/dump.h"
#include "base/embedded.h"
#include "base/fsutil.h"
#include "base/git_repo.h"
#include "load/load_easydel.h"
#include "load/load_forge.h"
#include "load/load_git.h"
#include "load/load_ttxla.h"
#include "lua/lua_bridge.h"
#include "model/forge_join.h"

#include <stdio.h>
#include <string.h>

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
    cov_limits_default(&e->limits);
    e->sandbox = 1;
    return e;
}

void cov_engine_free(cov_engine *e)
{
    if (!e)
        return;
    cov_model_free(&e->models[COV_HEAD]);
    cov_model_free(&e->models[COV_BASE]);
    for (size_t i = 0; i < e->n_options; i++) {
        cov_free(e->options[i].name);
        cov_free(e->options[i].value);
    }
    cov_free(e->options);
    cov_free(e->report);
    cov_buf_free(&e->emitted);
    if (e->git_held)
        cov_git_release();
    for (int d = 0; d < 2; d++) {
        cov_warning_log *log = &e->load_warnings[d];
        for (size_t i = 0; i < log->n; i++) {
            cov_free(log->items[i].file);
            cov_free(log->items[i].message);
        }
        cov_free(log->items);
        cov_free(e->family_index[d].order);
        cov_free(e->family_index[d].start);
        cov_free(e->family_index[d].count);
    }
    cov_free(e);
}

void cov_engine_set_limits(cov_engine *e, const cov_limits *l) { e->limits = *l; }
void cov_engine_get_limits(const cov_engine *e, cov_limits *l) { *l = e->limits; }
void cov_engine_set_sandbox(cov_engine *e, int on) { e->sandbox = on != 0; }

void cov_engine_set_warning_handler(cov_engine *e, cov_warn_fn fn, void *ud)
{
    e->warn = fn;
    e->warn_ud = ud;
}

const char *cov_engine_option(const cov_engine *e, const char *name)
{
    for (size_t i = 0; i < e->n_options; i++)
        if (strcmp(e->options[i].name, name) == 0)
            return e->options[i].value;
    return NULL;
}

int cov_engine_set_option(cov_engine *e, const char *name, const char *value)
{
    for (size_t i = 0; i < e->n_options; i++) {
        if (strcmp(e->options[i].name, name) != 0)
            continue;
        if (!value) {
            cov_free(e->options[i].name);
            cov_free(e->options[i].value);
            e->options[i] = e->options[--e->n_options];
            return COV_OK;
        }
        char *v = cov_strndup(value, strlen(value));
        if (!v)
            return COV_ENOMEM;
        cov_free(e->options[i].value);
        e->options[i].value = v;
        return COV_OK;
    }
    if (!value)
        return COV_OK;
    cov_option *grown = cov_realloc(e->options, (e->n_options + 1) * sizeof *grown);
    if (!grown)
        return COV_ENOMEM;
    e->options = grown;
    char *n = cov_strndup(name, strlen(name)), *v = cov_strndup(value, strlen(value));
    if (!n || !v) {
        cov_free(n);
        cov_free(v);
        return COV_ENOMEM;
    }
    e->options[e->n_options++] = (cov_option){n, v};
    return COV_OK;
}

/* Keeps a copy of w (the first COV_WARNINGS_KEPT; one that cannot be
 * copied is only counted) and passes it on. */
static void log_warning(void *ud, const cov_error *w)
{
    cov_warning_log *log = ud;
    log->total++;
    if (log->n < COV_WARNINGS_KEPT) {
        if (log->n == log->cap) {
            size_t cap = log->cap ? log->cap * 2 : 16;
            cov_warning_rec *grown = cov_realloc(log->items, cap * sizeof *grown);
            if (grown) {
                log->items = grown;
                log->cap = cap;
            }
        }
        char *file = w->file[0] ? cov_strndup(w->file, strlen(w->file)) : NULL;
        char *message = cov_strndup(w->message, strlen(w->message));
        if (log->n < log->cap && message && (file || !w->file[0])) {
            log->items[log->n++] = (cov_warning_rec){file, message, w->line, w->column};
        } else {
            cov_free(file);
            cov_free(message);
        }
    }
    if (log->e->warn)
        log->e->warn(log->e->warn_ud, w);
}

cov_diag cov_engine_load_diag(cov_engine *e, cov_dataset d, cov_error *err)
{
    e->load_warnings[d].e = e;
    cov_diag diag = {err, log_warning, &e->load_warnings[d], 0};
    /* Each load call counts from zero. */
    e->progress.p = (cov_progress){0};
    e->progress.countdown = COV_PROGRESS_EVERY;
    return diag;
}

cov_load_progress *cov_diag_progress(const cov_diag *d)
{
    if (!d || d->warn != log_warning)
        return NULL;
    cov_engine *e = ((cov_warning_log *)d->warn_ud)->e;
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
        e->loaded[d] = 1;
        e->generation[d]++;
    }
    return rc;
}

const cov_family_index *cov_engine_family_index(cov_engine *e, cov_dataset d)
{
    cov_family_index *x = &e->family_index[d];
    if (x->generation == e->generation[d] + 1)
        return x;
    const cov_model *m = &e->models[d];
    uint32_t nsyms = m->strs.count ? m->strs.count : 1, n = m->tests.count;
    cov_free(x->order);
    cov_free(x->start);
    cov_free(x->count);
    x->order = cov_malloc((size_t)(n ? n : 1) * sizeof *x->order);
    x->start = cov_calloc(nsyms, sizeof *x->start);
    x->count = cov_calloc(nsyms, sizeof *x->count);
    x->generation = 0;
    if (!x->order || !x->start || !x->count)
        return NULL;
    /* Counting sort by family symbol keeps file order within a family. */
    for (uint32_t i = 0; i < n; i++)
        x->count[cov_model_test(m, i)->family]++;
    uint32_t at = 0;
    for (uint32_t s = 0; s < nsyms; s++) {
        x->start[s] = at;
        at += x->count[s];
        x->count[s] = 0; /* refilled below as each run's cursor */
    }
    for (uint32_t i = 0; i < n; i++) {
        cov_sym f = cov_model_test(m, i)->family;
        x->order[x->start[f] + x->count[f]++] = i;
    }
    x->nsyms = nsyms;
    x->generation = e->generation[d] + 1;
    return x;
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

int cov_load_ttxla(cov_engine *e, cov_dataset d, const char *dir, cov_error *err)
{
    cov_error_clear(err);
    if (bad_dataset(d, err))
        return COV_EUSAGE;
    char *repo, *rev;
    int rc = git_spec(dir, &repo, &rev, err);
    if (rc < 0) {
        rc = cov_load_ttxla_git(e, d, repo, rev, err);
        cov_free(repo);
        cov_free(rev);
        return rc;
    }
    if (rc)
        return rc;
    cov_diag diag = cov_engine_load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(&e->models[d], &mark);
    return loaded(e, d, cov_load_ttxla_tree(&e->models[d], dir, &e->limits, &diag), &mark,
                  &diag);
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

int cov_load_ttxla_git(cov_engine *e, cov_dataset d, const char *repo, const char *rev,
                       cov_error *err)
{
    cov_error_clear(err);
    int rc = bad_dataset(d, err) ? COV_EUSAGE : hold_git(e, err);
    if (rc)
        return rc;
    cov_diag diag = cov_engine_load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(&e->models[d], &mark);
    return loaded(e, d, cov_load_ttxla_git_rev(&e->models[d], repo, rev, &e->limits, &diag),
                  &mark, &diag);
}

int cov_load_easydel_git(cov_engine *e, cov_dataset d, const char *repo, const char *rev,
                         cov_error *err)
{
    cov_error_clear(err);
    int rc = bad_dataset(d, err) ? COV_EUSAGE : hold_git(e, err);
    if (rc)
        return rc;
    cov_diag diag = cov_engine_load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(&e->models[d], &mark);
    return loaded(e, d, cov_load_easydel_git_rev(&e->models[d], repo, rev, &e->limits, &diag),
                  &mark, &diag);
}

int cov_load_config(cov_engine *e, cov_dataset d, const char *path, const char *framework,
                    cov_error *err)
{
    cov_error_clear(err);
    if (bad_dataset(d, err))
        return COV_EUSAGE;
    cov_diag diag = cov_engine_load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(&e->models[d], &mark);
    return loaded(e, d,
                  cov_load_ttxla_file(&e->models[d], path, framework, &e->limits, &diag),
                  &mark, &diag);
}

int cov_load_config_buffer(cov_engine *e, cov_dataset d, const char *name, const char *buf,
                           size_t len, const char *framework, cov_error *err)
{
    cov_error_clear(err);
    if (bad_dataset(d, err))
        return COV_EUSAGE;
    cov_diag diag = cov_engine_load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(&e->models[d], &mark);
    return loaded(e, d,
                  cov_load_ttxla_buffer(&e->models[d], name, buf, len, framework, &e->limits,
                                        &diag),
                  &mark, &diag);
}

int cov_load_easydel(cov_engine *e, cov_dataset d, const char *path, cov_error *err)
{
    cov_error_clear(err);
    if (bad_dataset(d, err))
        return COV_EUSAGE;
    char *repo, *rev;
    int rc = git_spec(path, &repo, &rev, err);
    if (rc < 0) {
        rc = cov_load_easydel_git(e, d, repo, rev, err);
        cov_free(repo);
        cov_free(rev);
        return rc;
    }
    if (rc)
        return rc;
    cov_diag diag = cov_engine_load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(&e->models[d], &mark);
    return loaded(e, d, cov_load_easydel_path(&e->models[d], path, &e->limits, &diag), &mark,
                  &diag);
}

int cov_load_easydel_buffer(cov_engine *e, cov_dataset d, const char *name, const char *buf,
                            size_t len, cov_error *err)
{
    cov_error_clear(err);
    if (bad_dataset(d, err))
        return COV_EUSAGE;
    cov_diag diag = cov_engine_load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(&e->models[d], &mark);
    return loaded(e, d,
                  cov_load_easydel_manifest(&e->models[d], name, buf, len, &e->limits, &diag),
                  &mark, &diag);
}

int cov_load_tt_forge_models(cov_engine *e, cov_dataset d, const char *dir, cov_error *err)
{
    cov_error_clear(err);
    if (bad_dataset(d, err))
        return COV_EUSAGE;
    cov_diag diag = cov_engine_load_diag(e, d, err);
    cov_model_mark mark;
    cov_model_mark_take(&e->models[d], &mark);
    return loaded(e, d, cov_load_forge_tree(&e->models[d], dir, &e->limits, &diag), &mark,
                  &diag);
}

/* The snapshot's YAML files sit in data/<framework>/; its manifest is the one
 * JSON file. Names in messages are "builtin:data/..." so a user can tell. */
int cov_load_snapshot(cov_engine *e, cov_dataset d, cov_error *err)
{
    cov_error_clear(err);
    if (bad_dataset(d, err))
        return COV_EUSAGE;
    cov_model *m = &e->models[d];
    cov_diag diag = cov_engine_load_diag(e, d, err);
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
                                       fw[0] ? fw : NULL, &e->limits, &diag);
        else if (n > 5 && strcmp(f->name + n - 5, ".json") == 0)
            rc = cov_load_easydel_manifest(m, name, (const char *)f->data, f->size,
                                           &e->limits, &diag);
    }
    if (rc != COV_OK)
        cov_model_rollback(m, &mark);
    return loaded(e, d, rc, &mark, &diag);
}

int cov_engine_set_report(cov_engine *e, const char *text, size_t len)
{
    char *copy = cov_strndup(text, len);
    if (!copy)
        return COV_ENOMEM;
    cov_free(e->report);
    e->report = copy;
    e->report_len = len;
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

int cov_run_rules(cov_engine *e, const char *path, int argc, const char *const *argv,
                  cov_error *err)
{
    cov_error_clear(err);
    return cov_bridge_run(e, path, NULL, 0, argc, argv, err);
}

int cov_run_rules_buffer(cov_engine *e, const char *name, const char *buf, size_t len,
                         int argc, const char *const *argv, cov_error *err)
{
    cov_error_clear(err);
    return cov_bridge_run(e, name, buf ? buf : "", buf ? len : 0, argc, argv, err);
}

int cov_read_settings(cov_engine *e, const char *path, int argc, const char *const *argv,
                      cov_setting_fn fn, void *ud, cov_error *err)
{
    cov_error_clear(err);
    cov_warn_fn warn = e->warn;
    e->warn = NULL; /* the real run warns */
    e->settings_pass = 1;
    e->settings_read = 1;
    e->setting_fn = fn;
    e->setting_ud = ud;
    int rc = cov_bridge_run(e, path, NULL, 0, argc, argv, err);
    e->settings_pass = 0;
    e->setting_fn = NULL;
    e->setting_ud = NULL;
    e->warn = warn;
    return rc;
}
