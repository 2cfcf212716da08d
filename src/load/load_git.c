/* Loads from git revisions (load_git.h) over the git layer and the
 * existing loaders. */
#include "load/load_git.h"

#include "base/alloc.h"
#include "base/fsutil.h"
#include "load/load_forge.h"
#include "load/load_ttxla.h"
#include "load/scan_easydel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cov_git_spec_split(const char *spec, char **repo, char **rev)
{
    *repo = *rev = NULL;
    if (!spec || strncmp(spec, "git:", 4) != 0)
        return 0;
    const char *s = spec + 4, *at = NULL;
    for (const char *p = s; *p; p++)
        if (*p == '@' && p[1] != '{')
            at = p;
    size_t n = at ? (size_t)(at - s) : strlen(s);
    *repo = cov_strndup(s, n);
    *rev = at ? cov_strndup(at + 1, strlen(at + 1)) : cov_strndup("HEAD", 4);
    if (!*repo || !*rev) {
        cov_free(*repo);
        cov_free(*rev);
        *repo = *rev = NULL;
        return -1;
    }
    return 1;
}

char *cov_git_source_name(const char *repo, const cov_git_oid *commit)
{
    char hex[COV_GIT_SHORT + 1];
    cov_git_oid_hex(commit, COV_GIT_SHORT, hex);
    size_t n = strlen(repo) + 1 + COV_GIT_SHORT;
    char *name = cov_malloc(n + 1);
    if (name)
        snprintf(name, n + 1, "%s@%s", repo, hex);
    return name;
}

/* "NAME:PATH" (cov_free); NULL on OOM. */
static char *blob_name(const char *name, const char *path)
{
    size_t a = strlen(name), b = strlen(path);
    char *s = cov_malloc(a + b + 2);
    if (s) {
        memcpy(s, name, a);
        s[a] = ':';
        memcpy(s + a + 1, path, b + 1);
    }
    return s;
}

int cov_git_config_name(const char *name)
{
    size_t n = strlen(name);
    return n >= 17 && strncmp(name, "test_config_", 12) == 0 &&
           strcmp(name + n - 5, ".yaml") == 0;
}

static int wanted_py(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".py") == 0;
}

static uint64_t max_size(const cov_limits *lim)
{
    return lim ? lim->max_file_size : 0;
}

/* A load of one commit, given the commit's source name REPO@COMMIT. */
typedef int (*commit_load)(cov_model *m, cov_git_repo *r, const cov_git_oid *commit,
                           const char *name, const cov_limits *lim, cov_diag *d);

/* Runs load on commit with its source name. */
static int with_name(cov_model *m, cov_git_repo *r, const cov_git_oid *commit,
                     const cov_limits *lim, cov_diag *d, commit_load load)
{
    char *name = cov_git_source_name(cov_git_path(r), commit);
    if (!name)
        return cov_fail(d, COV_ENOMEM, cov_git_path(r), 0, 0, "out of memory");
    int rc = load(m, r, commit, name, lim, d);
    cov_free(name);
    return rc;
}

/* Opens repo, resolves rev and runs load on the commit. */
static int with_commit(cov_model *m, const char *repo, const char *rev,
                       const cov_limits *lim, cov_diag *d, commit_load load)
{
    cov_git_repo *r;
    cov_git_oid commit;
    int rc = cov_git_open(repo, &r, d);
    if (!rc && !(rc = cov_git_resolve(r, rev, &commit, d)))
        rc = with_name(m, r, &commit, lim, d, load);
    cov_git_close(r);
    return rc;
}

/* The public pair of a load (load_git.h): cov_load_KIND_git_commit at a
 * commit of an open repository and cov_load_KIND_git_rev at a revision of
 * the repository at a path, both over KIND_commit. */
#define GIT_LOADS(kind)                                                                    \
    int cov_load_##kind##_git_commit(cov_model *m, cov_git_repo *r,                        \
                                     const cov_git_oid *commit, const cov_limits *lim,     \
                                     cov_diag *d)                                          \
    {                                                                                      \
        return with_name(m, r, commit, lim, d, kind##_commit);                             \
    }                                                                                      \
    int cov_load_##kind##_git_rev(cov_model *m, const char *repo, const char *rev,         \
                                  const cov_limits *lim, cov_diag *d)                      \
    {                                                                                      \
        return with_commit(m, repo, rev, lim, d, kind##_commit);                           \
    }

/* The blobs below dir at commit (none when there is no dir) whose names
 * want takes, listed recursively under prefix. */
static int list_at(cov_git_repo *r, const cov_git_oid *commit, const char *dir,
                   const char *prefix, int (*want)(const char *name), cov_git_list *out,
                   cov_diag *d)
{
    cov_git_oid tree;
    int found;
    int rc = cov_git_tree_at(r, commit, dir, &tree, &found, d);
    if (!rc && found)
        rc = cov_git_list_blobs(r, &tree, prefix, 1, want, out, d);
    return rc;
}

/* What to do with a blob's bytes (data[0..len), valid until it returns);
 * file names the blob in messages. */
typedef int (*blob_use)(void *ud, const char *file, const char *data, size_t len);

/* Reads blob (at most the file size limit) and runs use on its bytes. */
static int with_blob(cov_git_repo *r, const cov_git_oid *blob, const char *file,
                     const cov_limits *lim, blob_use use, void *ud, cov_diag *d)
{
    cov_git_blob *b;
    const char *data;
    size_t len;
    int rc = cov_git_blob_read(r, blob, max_size(lim), file, &b, &data, &len, d);
    if (!rc) {
        rc = use(ud, file, data, len);
        cov_git_blob_release(b);
    }
    return rc;
}

typedef struct config_load {
    cov_model *m;
    const cov_limits *lim;
    cov_diag *d;
} config_load;

static int load_config(void *ud, const char *file, const char *data, size_t len)
{
    config_load *cl = ud;
    cov_progress_begin(cl->d, file, len);
    int rc = cov_load_ttxla_buffer(cl->m, file, data, len, NULL, cl->lim, cl->d);
    if (!rc)
        cov_progress_end(cl->d, len);
    return rc;
}

/* Loads the listed config blobs named NAME:PATH into m. */
static int load_configs(cov_model *m, cov_git_repo *r, const char *name,
                        const cov_git_list *blobs, const cov_limits *lim, cov_diag *d)
{
    cov_load_progress *lp = cov_diag_progress(d);
    if (lp) {
        lp->p.files_total = blobs->n;
        for (size_t i = 0; i < blobs->n; i++)
            lp->p.bytes_total += blobs->v[i].size;
    }
    int rc = COV_OK;
    for (size_t i = 0; i < blobs->n && !rc; i++) {
        const cov_git_entry *e = &blobs->v[i];
        char *file = blob_name(name, e->path);
        if (!file)
            return cov_fail(d, COV_ENOMEM, name, 0, 0, "out of memory");
        config_load cl = {m, lim, d};
        rc = with_blob(r, &e->blob, file, lim, load_config, &cl, d);
        cov_free(file);
    }
    return rc;
}

static int ttxla_commit(cov_model *m, cov_git_repo *r, const cov_git_oid *commit,
                        const char *name, const cov_limits *lim, cov_diag *d)
{
    cov_git_list blobs = {0};
    int rc = list_at(r, commit, COV_TTXLA_CONFIG_DIR, COV_TTXLA_CONFIG_DIR,
                     cov_git_config_name, &blobs, d);
    if (!rc && !blobs.n)
        rc = cov_fail(d, COV_EINPUT, name, 0, 0, "no test_config_*.yaml files under %s",
                      COV_TTXLA_CONFIG_DIR);
    if (!rc) {
        cov_model_mark mark;
        cov_model_mark_take(m, &mark);
        if ((rc = load_configs(m, r, name, &blobs, lim, d)))
            cov_model_rollback(m, &mark);
    }
    cov_git_list_free(&blobs);
    return rc;
}

GIT_LOADS(ttxla)

static int scan_file(void *ud, const char *file, const char *data, size_t len)
{
    return cov_easydel_scanner_file(ud, file, strrchr(file, '/') + 1, data, len);
}

/* Scans one module directory's .py blobs. */
static int scan_module(cov_easydel_scanner *s, cov_git_repo *r, const char *name,
                       const cov_git_entry *mod, const cov_limits *lim, cov_diag *d)
{
    cov_git_list files = {0};
    char *dir = blob_name(name, COV_EASYDEL_MODULES_DIR);
    char *prefix = dir ? cov_path_join(dir, mod->path) : NULL;
    int rc = prefix ? cov_easydel_scanner_module(s, mod->path)
                    : cov_fail(d, COV_ENOMEM, name, 0, 0, "out of memory");
    if (!rc)
        rc = cov_git_list_blobs(r, &mod->blob, prefix, 0, wanted_py, &files, d);
    for (size_t k = 0; k < files.n && !rc; k++)
        rc = with_blob(r, &files.v[k].blob, files.v[k].path, lim, scan_file, s, d);
    cov_git_list_free(&files);
    cov_free(prefix);
    cov_free(dir);
    return rc;
}

static int easydel_commit(cov_model *m, cov_git_repo *r, const cov_git_oid *commit,
                          const char *name, const cov_limits *lim, cov_diag *d)
{
    cov_git_commit c = {0};
    cov_git_list mods = {0};
    cov_easydel_scanner *s = NULL;
    int rc = cov_git_commit_read(r, commit, COV_EASYDEL_MODULES_DIR, &c, d);
    if (!rc && !c.has_subtree)
        rc = cov_fail(d, COV_EINPUT, name, 0, 0,
                      "not an EasyDeL checkout: no easydel/modules directory");
    if (!rc)
        rc = cov_easydel_scanner_begin(m, name, &s, d);
    if (!rc)
        rc = cov_git_list_trees(r, &c.subtree, &mods, d);
    /* A module is a directory not starting with '_' (__pycache__, private
     * helpers) and not the auto/ factory package, as for a checkout. */
    for (size_t k = 0; k < mods.n && !rc; k++)
        if (mods.v[k].path[0] != '_' && strcmp(mods.v[k].path, "auto") != 0)
            rc = scan_module(s, r, name, &mods.v[k], lim, d);
    if (s) {
        char hex[41], day[11];
        cov_git_oid_hex(commit, 40, hex);
        snprintf(day, sizeof day, "%.10s", c.commit_date);
        rc = cov_easydel_scanner_end(s, rc, hex, day);
    }
    cov_git_list_free(&mods);
    cov_git_commit_clear(&c);
    return rc;
}

GIT_LOADS(easydel)

/* ---- tt-forge-models ---- */

static int wanted_loader(const char *name)
{
    return strcmp(name, "loader.py") == 0;
}

/* By directory, as a tree load sorts its loaders. */
static int by_dir(const void *a, const void *b)
{
    const cov_git_entry *x = a, *y = b;
    size_t nx = strlen(x->path) - strlen("/loader.py"),
           ny = strlen(y->path) - strlen("/loader.py");
    size_t n = nx < ny ? nx : ny;
    int c = memcmp(x->path, y->path, n);
    return c ? c : (nx > ny) - (nx < ny);
}

typedef struct forge_reader {
    cov_git_repo *r;
    const cov_git_list *files;
    const char *name; /* REPO@COMMIT */
    const cov_limits *lim;
    char *rel, *file, *text; /* of the current file */
    size_t len;
} forge_reader;

/* A copy of the text: the lexer wants a NUL at len. */
static int copy_loader(void *ud, const char *file, const char *data, size_t len)
{
    forge_reader *fr = ud;
    (void)file;
    fr->text = cov_strndup(data, len);
    fr->len = len;
    return COV_OK;
}

static int read_loader(void *ud, size_t i, const char **rel, const char **file, char **text,
                       size_t *len, cov_diag *d)
{
    forge_reader *fr = ud;
    const cov_git_entry *e = &fr->files->v[i];
    cov_free(fr->rel);
    cov_free(fr->file);
    cov_free(fr->text);
    fr->text = NULL;
    /* Listed with the prefix "." so that every path has a directory. */
    const char *path = e->path + 2;
    fr->rel = cov_strndup(path, strlen(path) - strlen("/loader.py"));
    fr->file = blob_name(fr->name, path);
    if (!fr->rel || !fr->file)
        return cov_fail(d, COV_ENOMEM, fr->name, 0, 0, "out of memory");
    int rc = with_blob(fr->r, &e->blob, fr->file, fr->lim, copy_loader, fr, d);
    if (rc)
        return rc;
    if (!fr->text)
        return cov_fail(d, COV_ENOMEM, fr->name, 0, 0, "out of memory");
    *len = fr->len;
    *rel = fr->rel;
    *file = fr->file;
    *text = fr->text;
    return COV_OK;
}

static int forge_commit(cov_model *m, cov_git_repo *r, const cov_git_oid *commit,
                        const char *name, const cov_limits *lim, cov_diag *d)
{
    cov_git_list files = {0};
    int rc = list_at(r, commit, "", ".", wanted_loader, &files, d);
    /* A loader.py at the root has no directory: not a loader of the tree. */
    size_t k = 0;
    for (size_t i = 0; i < files.n; i++) {
        if (strchr(files.v[i].path + 2, '/'))
            files.v[k++] = files.v[i];
        else
            cov_free(files.v[i].path);
    }
    files.n = k;
    if (!rc) {
        qsort(files.v, files.n, sizeof *files.v, by_dir);
        forge_reader fr = {r, &files, name, lim, NULL, NULL, NULL, 0};
        rc = cov_load_forge_read(m, name, files.n, read_loader, &fr, d);
        cov_free(fr.rel);
        cov_free(fr.file);
        cov_free(fr.text);
    }
    cov_git_list_free(&files);
    return rc;
}

int cov_load_forge_git_commit(cov_model *m, cov_git_repo *r, const cov_git_oid *commit,
                              const cov_limits *lim, cov_diag *d)
{
    return with_name(m, r, commit, lim, d, forge_commit);
}
