/* The history of a tt-xla repository and its per-blob parse cache
 * (load_history.h). */
#include "load/load_history.h"

#include "base/alloc.h"
#include "base/map.h"
#include "base/vec.h"
#include "formats/yaml_events.h"
#include "load/load_git.h"
#include "load/load_ttxla.h"

#include <stdio.h>
#include <string.h>

/* A distinct config blob and its events, once a revision parsed it. */
typedef struct hblob {
    cov_git_oid id;
    uint64_t size;
    cov_yev_tape tape;
} hblob;

/* A file of a revision: its path (owned) and its blob. */
typedef struct hfile {
    char *path;
    uint32_t blob;
} hfile;

typedef struct hrev {
    cov_git_commit c;
    size_t first, n; /* its files in h->files */
    int has_pin;
    cov_git_oid pin;
} hrev;

struct cov_history {
    cov_git_repo *repo;
    hrev *revs;
    size_t n_revs, cap_revs;
    hfile *files;
    size_t n_files, cap_files;
    hblob *blobs;
    uint32_t n_blobs, cap_blobs;
    cov_map blob_ids; /* blob id -> index in blobs */
    size_t parsed;
};

static int oom(cov_history *h, cov_diag *d)
{
    return cov_fail(d, COV_ENOMEM, h->repo ? cov_git_path(h->repo) : NULL, 0, 0,
                    "out of memory");
}

/* The index of blob id, added if new; UINT32_MAX on OOM. */
static uint32_t blob_index(cov_history *h, const cov_git_oid *id, uint64_t size)
{
    const uint32_t *known = cov_map_find(&h->blob_ids, id->id, sizeof id->id);
    if (known)
        return *known;
    if (COV_GROW_ONE32(h->blobs, h->n_blobs, h->cap_blobs) < 0 ||
        cov_map_put(&h->blob_ids, id->id, sizeof id->id, h->n_blobs, NULL) < 0)
        return UINT32_MAX;
    h->blobs[h->n_blobs] = (hblob){*id, size, {0}};
    return h->n_blobs++;
}

/* Appends revision c (taken over: *c is zeroed) with the config blobs of
 * its subtree. */
static int add_rev(cov_history *h, cov_git_commit *c, cov_diag *d)
{
    cov_git_list blobs = {0};
    int rc = cov_git_list_blobs(h->repo, &c->subtree, COV_TTXLA_CONFIG_DIR, 1,
                                cov_git_config_name, &blobs, d);
    if (rc) {
        cov_git_list_free(&blobs); /* what it appended before failing */
        return rc;
    }
    if (!blobs.n) { /* a config directory without configs: as none */
        cov_git_list_free(&blobs);
        return COV_OK;
    }
    if (COV_GROW_ONE(h->revs, h->n_revs, h->cap_revs) < 0 ||
        cov_grow((void **)&h->files, &h->cap_files, h->n_files + blobs.n,
                 sizeof *h->files) < 0)
        goto nomem;
    hrev *r = &h->revs[h->n_revs];
    memset(r, 0, sizeof *r);
    r->first = h->n_files;
    for (size_t i = 0; i < blobs.n; i++) {
        uint32_t b = blob_index(h, &blobs.v[i].blob, blobs.v[i].size);
        if (b == UINT32_MAX)
            goto nomem;
        h->files[h->n_files++] = (hfile){blobs.v[i].path, b};
        blobs.v[i].path = NULL; /* now the history's */
        r->n++;
    }
    r->c = *c;
    memset(c, 0, sizeof *c);
    h->n_revs++;
    cov_git_list_free(&blobs);
    return COV_OK;
nomem:
    cov_git_list_free(&blobs);
    return oom(h, d);
}

/* Whether revision i has the files (paths and blobs) of revision i - 1. */
static int same_files(const cov_history *h, size_t i)
{
    if (!i || h->revs[i].n != h->revs[i - 1].n)
        return 0;
    const hfile *a = &h->files[h->revs[i - 1].first], *b = &h->files[h->revs[i].first];
    for (size_t k = 0; k < h->revs[i].n; k++)
        if (a[k].blob != b[k].blob || strcmp(a[k].path, b[k].path) != 0)
            return 0;
    return 1;
}

/* Forgets the last revision added. */
static void drop_last(cov_history *h)
{
    hrev *r = &h->revs[--h->n_revs];
    for (size_t k = 0; k < r->n; k++)
        cov_free(h->files[r->first + k].path);
    h->n_files = r->first;
    cov_git_commit_clear(&r->c);
}

int cov_history_open(const char *repo, const char *range, int pin, cov_history **out,
                     cov_diag *d)
{
    *out = NULL;
    cov_history *h = cov_calloc(1, sizeof *h);
    if (!h)
        return cov_fail(d, COV_ENOMEM, repo, 0, 0, "out of memory");
    cov_git_walk *w = NULL;
    int rc = cov_git_open(repo, &h->repo, d);
    if (!rc)
        rc = cov_git_walk_begin(h->repo, range ? range : "HEAD", COV_TTXLA_CONFIG_DIR, &w,
                                d);
    /* The configs (and pin) of the revision before, to skip those that
     * change neither. */
    cov_git_oid last_tree = {{0}}, last_pin = {{0}};
    int had_tree = 0, had_pin = 0;
    for (int done = 0; !rc;) {
        cov_git_commit c = {0};
        if ((rc = cov_git_walk_next(w, &c, &done, d)) || done) {
            cov_git_commit_clear(&c); /* a failed read may have filled part of it */
            break;
        }
        cov_git_oid p = {{0}};
        int found = 0;
        if (pin)
            rc = cov_git_gitlink(h->repo, &c.id, COV_TTXLA_FORGE_PIN, &p, &found, d);
        int changed =
            c.has_subtree &&
            (!had_tree || !cov_git_oid_equal(&last_tree, &c.subtree) ||
             (pin && (found != had_pin || (found && !cov_git_oid_equal(&p, &last_pin)))));
        had_tree = c.has_subtree;
        last_tree = c.subtree;
        had_pin = found;
        last_pin = p;
        int pin_changed = pin && h->n_revs &&
                          (found != h->revs[h->n_revs - 1].has_pin ||
                           (found && !cov_git_oid_equal(&p, &h->revs[h->n_revs - 1].pin)));
        if (!rc && changed) {
            size_t before = h->n_revs;
            rc = add_rev(h, &c, d);
            if (!rc && h->n_revs > before) {
                h->revs[before].has_pin = found;
                h->revs[before].pin = p;
                /* Only other files of the directory changed (a README, the
                 * old .py configs): the same dataset as the revision before. */
                if (!pin_changed && same_files(h, before))
                    drop_last(h);
            }
        }
        cov_git_commit_clear(&c);
    }
    cov_git_walk_free(w);
    if (rc) {
        cov_history_free(h);
        return rc;
    }
    *out = h;
    return COV_OK;
}

void cov_history_free(cov_history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_revs; i++)
        cov_git_commit_clear(&h->revs[i].c);
    for (size_t i = 0; i < h->n_files; i++)
        cov_free(h->files[i].path);
    for (uint32_t i = 0; i < h->n_blobs; i++)
        cov_yev_tape_free(&h->blobs[i].tape);
    cov_free(h->revs);
    cov_free(h->files);
    cov_free(h->blobs);
    cov_map_free(&h->blob_ids);
    cov_git_close(h->repo);
    cov_free(h);
}

cov_git_repo *cov_history_repo(const cov_history *h)
{
    return h->repo;
}
size_t cov_history_count(const cov_history *h)
{
    return h->n_revs;
}

const cov_git_commit *cov_history_commit(const cov_history *h, size_t i)
{
    return &h->revs[i].c;
}

const cov_git_oid *cov_history_pin(const cov_history *h, size_t i)
{
    return h->revs[i].has_pin ? &h->revs[i].pin : NULL;
}

void cov_history_stats(const cov_history *h, size_t *pairs, size_t *blobs, size_t *parsed)
{
    *pairs = h->n_files;
    *blobs = h->n_blobs;
    *parsed = h->parsed;
}

const cov_git_oid *cov_history_blob(const cov_history *h, size_t i)
{
    return &h->blobs[i].id;
}

/* One file of a revision: parsed (and recorded) the first time, replayed
 * after, with its warnings only the first time. */
static int load_file(cov_history *h, cov_model *m, const char *name, const hfile *f,
                     const cov_limits *lim, cov_diag *d)
{
    hblob *b = &h->blobs[f->blob];
    size_t n = strlen(name) + 1 + strlen(f->path);
    char *file = cov_malloc(n + 1);
    if (!file)
        return oom(h, d);
    snprintf(file, n + 1, "%s:%s", name, f->path);
    int rc;
    if (b->tape.recorded && !b->tape.broken) {
        cov_diag quiet = {d->err, NULL, NULL, 0};
        rc = cov_load_ttxla_tape(m, file, &b->tape, NULL, 0, NULL, lim, &quiet);
    } else {
        cov_git_blob *blob;
        const char *data;
        size_t len;
        rc = cov_git_blob_read(h->repo, &b->id, lim ? lim->max_file_size : 0, file, &blob,
                               &data, &len, d);
        if (!rc) {
            h->parsed++;
            rc = cov_load_ttxla_tape(m, file, &b->tape, data, len, NULL, lim, d);
            cov_git_blob_release(blob);
        }
    }
    cov_free(file);
    return rc;
}

int cov_history_load(cov_history *h, size_t i, cov_model *m, const cov_limits *lim,
                     cov_diag *d)
{
    const hrev *r = &h->revs[i];
    char *name = cov_git_source_name(cov_git_path(h->repo), &r->c.id);
    if (!name)
        return oom(h, d);
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    int rc = COV_OK;
    for (size_t k = 0; k < r->n && !rc; k++)
        rc = load_file(h, m, name, &h->files[r->first + k], lim, d);
    if (rc)
        cov_model_rollback(m, &mark);
    cov_free(name);
    return rc;
}
