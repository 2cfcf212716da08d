/* The git layer over libgit2 (git_repo.h). libgit2's global state is
 * reference-counted: each open repository holds one git_libgit2_init(), so
 * the last close releases it and nothing outlives the engine. */
#include "base/git_repo.h"

#include "base/alloc.h"
#include "base/fsutil.h"
#include "base/utf8.h"
#include "base/vec.h"

#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct cov_git_repo {
    git_repository *repo;
    git_odb *odb;
    char *path;
};

struct cov_git_walk {
    cov_git_repo *r;
    char *path;       /* the directory each commit's subtree is read at, or NULL */
    cov_git_oid *ids; /* oldest first */
    size_t n, next;
};

_Static_assert(sizeof(cov_git_oid) == sizeof(git_oid), "a cov_git_oid is a git_oid");

static const git_oid *goid(const cov_git_oid *id)
{
    return (const git_oid *)(const void *)id;
}

static void set_oid(cov_git_oid *to, const git_oid *from)
{
    memcpy(to->id, from->id, sizeof to->id);
}

void cov_git_oid_hex(const cov_git_oid *id, size_t n, char *buf)
{
    static const char digits[] = "0123456789abcdef";
    if (n > 40)
        n = 40;
    for (size_t i = 0; i < n; i++)
        buf[i] = digits[i % 2 ? id->id[i / 2] & 15 : id->id[i / 2] >> 4];
    buf[n] = '\0';
}

int cov_git_oid_equal(const cov_git_oid *a, const cov_git_oid *b)
{
    return memcmp(a->id, b->id, sizeof a->id) == 0;
}

const char *cov_git_path(const cov_git_repo *r)
{
    return r->path;
}

/* libgit2's last error on this thread, for a message. */
static const char *git_msg(void)
{
    const git_error *e = git_error_last();
    return e && e->message ? e->message : "unknown error";
}

/* A libgit2 failure as an error on the repository: "REPO: what: message". */
static int git_fail(cov_git_repo *r, cov_diag *d, const char *what)
{
    const git_error *e = git_error_last();
    int code = e && e->klass == GIT_ERROR_NOMEMORY ? COV_ENOMEM : COV_EIO;
    return cov_fail(d, code, r->path, 0, 0, "%s: %s", what, git_msg());
}

static int oom(const char *path, cov_diag *d)
{
    return cov_fail(d, COV_ENOMEM, path, 0, 0, "out of memory");
}

/* ---- opening ---- */

int cov_git_hold(cov_diag *d)
{
    if (git_libgit2_init() >= 0)
        return COV_OK;
    return cov_fail(d, COV_EIO, NULL, 0, 0, "cannot start libgit2: %s", git_msg());
}

void cov_git_release(void)
{
    git_libgit2_shutdown();
}

int cov_git_open(const char *path, cov_git_repo **out, cov_diag *d)
{
    *out = NULL;
    if (!path || !*path)
        return cov_fail(d, COV_EUSAGE, NULL, 0, 0, "no git repository given");
    struct stat st;
    if (stat(path, &st) != 0)
        return cov_fail(d, COV_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cov_fail(d, COV_EINPUT, path, 0, 0, "not a git repository");
    cov_git_repo *r = cov_calloc(1, sizeof *r);
    if (!r || !(r->path = cov_strndup(path, strlen(path)))) {
        cov_free(r);
        return oom(path, d);
    }
    if (git_libgit2_init() < 0) {
        int rc = cov_fail(d, COV_EIO, path, 0, 0, "cannot start libgit2: %s", git_msg());
        cov_free(r->path);
        cov_free(r);
        return rc;
    }
    int rc = git_repository_open_ext(&r->repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
    if (rc == GIT_ENOTFOUND)
        rc = cov_fail(d, COV_EINPUT, path, 0, 0, "not a git repository");
    else if (rc < 0)
        rc = git_fail(r, d, "cannot open git repository");
    else if (git_repository_odb(&r->odb, r->repo) < 0)
        rc = git_fail(r, d, "cannot open the object database");
    if (rc) {
        cov_git_close(r);
        return rc;
    }
    *out = r;
    return COV_OK;
}

void cov_git_close(cov_git_repo *r)
{
    if (!r)
        return;
    git_odb_free(r->odb);
    git_repository_free(r->repo);
    cov_free(r->path);
    cov_free(r);
    git_libgit2_shutdown();
}

/* ---- revisions ---- */

/* The local branches' names, ", "-separated, into buf. */
static size_t branch_names(cov_git_repo *r, char *buf, size_t size, char *only,
                           size_t osize)
{
    git_branch_iterator *it;
    size_t n = 0, used = 0;
    buf[0] = '\0';
    if (git_branch_iterator_new(&it, r->repo, GIT_BRANCH_LOCAL) < 0)
        return 0;
    git_reference *ref;
    git_branch_t type;
    while (git_branch_next(&ref, &type, it) == 0) {
        const char *name;
        if (git_branch_name(&name, ref) == 0) {
            if (n == 0)
                snprintf(only, osize, "%s", name);
            int w = snprintf(buf + used, size - used, "%s%s", n ? ", " : "", name);
            if (w > 0 && (size_t)w < size - used)
                used += (size_t)w;
            n++;
        }
        git_reference_free(ref);
    }
    git_branch_iterator_free(it);
    return n;
}

/* Where an unborn HEAD points ("refs/heads/master") into buf. */
static void head_target(cov_git_repo *r, char *buf, size_t size)
{
    git_reference *head;
    snprintf(buf, size, "an unborn branch");
    if (git_reference_lookup(&head, r->repo, "HEAD") == 0) {
        const char *t = git_reference_symbolic_target(head);
        if (t)
            snprintf(buf, size, "%s", t);
        git_reference_free(head);
    }
}

/* Peels obj to a commit into *commit (obj is freed). */
static int peel_commit(cov_git_repo *r, git_object *obj, const char *rev,
                       cov_git_oid *commit, cov_diag *d)
{
    git_object *c;
    int rc = git_object_peel(&c, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc < 0)
        return cov_fail(d, COV_EINPUT, r->path, 0, 0, "revision '%s' is not a commit", rev);
    set_oid(commit, git_object_id(c));
    git_object_free(c);
    return COV_OK;
}

int cov_git_resolve(cov_git_repo *r, const char *rev, cov_git_oid *commit, cov_diag *d)
{
    if (!rev || !*rev)
        rev = "HEAD";
    if (strstr(rev, "..")) /* no ref name has one */
        return cov_fail(d, COV_EINPUT, r->path, 0, 0, "'%s' is a range, not a revision",
                        rev);
    git_object *obj;
    int rc = git_revparse_single(&obj, r->repo, rev);
    if (rc == 0)
        return peel_commit(r, obj, rev, commit, d);
    if (rc != GIT_ENOTFOUND && rc != GIT_EAMBIGUOUS && rc != GIT_EINVALIDSPEC &&
        rc != GIT_EUNBORNBRANCH)
        return git_fail(r, d, "cannot resolve revision");
    if (rc == GIT_EAMBIGUOUS)
        return cov_fail(d, COV_EINPUT, r->path, 0, 0, "ambiguous revision '%s'", rev);
    if (git_repository_head_unborn(r->repo) != 1 ||
        (strncmp(rev, "HEAD", 4) != 0 && strncmp(rev, "@", 1) != 0))
        return cov_fail(d, COV_EINPUT, r->path, 0, 0, "unknown revision '%s'", rev);
    char target[256], names[512], only[256] = "";
    head_target(r, target, sizeof target);
    size_t n = branch_names(r, names, sizeof names, only, sizeof only);
    if (strcmp(rev, "HEAD") != 0 && strcmp(rev, "@") != 0)
        return cov_fail(d, COV_EINPUT, r->path, 0, 0,
                        "revision '%s': HEAD points to %s, which has no commits", rev,
                        target);
    if (n == 0)
        return cov_fail(
            d, COV_EINPUT, r->path, 0, 0,
            "HEAD points to %s, which has no commits, and there are no branches", target);
    if (n > 1)
        return cov_fail(d, COV_EINPUT, r->path, 0, 0,
                        "HEAD points to %s, which has no commits; name a revision "
                        "(branches: %s)",
                        target, names);
    /* One branch: what a clone of a bundle with only refs/heads/main gives. */
    git_reference *ref;
    if (git_branch_lookup(&ref, r->repo, only, GIT_BRANCH_LOCAL) < 0)
        return git_fail(r, d, "cannot read branch");
    rc = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
    git_reference_free(ref);
    if (rc < 0)
        return git_fail(r, d, "cannot read branch");
    cov_warn(d, r->path, 0, 0,
             "HEAD points to %s, which has no commits; using the only branch, %s", target,
             only);
    set_oid(commit, git_object_id(obj));
    git_object_free(obj);
    return COV_OK;
}

/* ---- commits ---- */

void cov_git_commit_clear(cov_git_commit *c)
{
    cov_free(c->author);
    cov_free(c->email);
    cov_free(c->subject);
    memset(c, 0, sizeof *c);
}

/* ISO 8601 with the offset the time was recorded in. */
static void iso_date(int64_t t, int offset, char *buf, size_t size)
{
    time_t local = (time_t)(t + (int64_t)offset * 60);
    struct tm tm;
    if (!gmtime_r(&local, &tm)) {
        snprintf(buf, size, "?");
        return;
    }
    int a = offset < 0 ? -offset : offset;
    char when[24];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s%c%02d:%02d", when, offset < 0 ? '-' : '+', a / 60 % 100,
             a % 60);
}

/* Authors and subjects are shown in reports (JSON included): bytes that
 * are not UTF-8 (a Latin-1 name) become U+FFFD rather than failing a
 * history for one commit. */
static char *dup_str(const char *s)
{
    return cov_utf8_repair(s ? s : "", s ? strlen(s) : 0);
}

static int lookup_commit(cov_git_repo *r, const cov_git_oid *id, git_commit **out,
                         cov_diag *d)
{
    if (git_commit_lookup(out, r->repo, goid(id)) == 0)
        return COV_OK;
    char hex[41];
    cov_git_oid_hex(id, 40, hex);
    char what[80];
    snprintf(what, sizeof what, "cannot read commit %s", hex);
    return git_fail(r, d, what);
}

/* The tree entry at path below root, or NULL (*rc set on a real failure). */
static int entry_at(cov_git_repo *r, git_tree *root, const char *path, git_tree_entry **out,
                    cov_diag *d)
{
    *out = NULL;
    int rc = git_tree_entry_bypath(out, root, path);
    if (rc == GIT_ENOTFOUND) {
        *out = NULL;
        return COV_OK;
    }
    return rc < 0 ? git_fail(r, d, "cannot read tree") : COV_OK;
}

/* The tree at path in the tree of commit c. */
static int subtree_of(cov_git_repo *r, git_commit *c, const char *path, cov_git_oid *tree,
                      int *found, cov_diag *d)
{
    *found = 0;
    if (!path || !*path) {
        set_oid(tree, git_commit_tree_id(c));
        *found = 1;
        return COV_OK;
    }
    git_tree *root;
    if (git_commit_tree(&root, c) < 0)
        return git_fail(r, d, "cannot read tree");
    git_tree_entry *e;
    int rc = entry_at(r, root, path, &e, d);
    if (!rc && e && git_tree_entry_type(e) == GIT_OBJECT_TREE) {
        set_oid(tree, git_tree_entry_id(e));
        *found = 1;
    }
    git_tree_entry_free(e);
    git_tree_free(root);
    return rc;
}

int cov_git_commit_read(cov_git_repo *r, const cov_git_oid *id, const char *path,
                        cov_git_commit *c, cov_diag *d)
{
    cov_git_commit_clear(c);
    git_commit *gc;
    int rc = lookup_commit(r, id, &gc, d);
    if (rc)
        return rc;
    c->id = *id;
    set_oid(&c->tree, git_commit_tree_id(gc));
    c->parents = git_commit_parentcount(gc);
    const git_signature *a = git_commit_author(gc);
    c->author_time = (int64_t)a->when.time;
    c->author_offset = a->when.offset;
    c->commit_time = (int64_t)git_commit_time(gc);
    c->commit_offset = git_commit_time_offset(gc);
    iso_date(c->author_time, c->author_offset, c->author_date, sizeof c->author_date);
    iso_date(c->commit_time, c->commit_offset, c->commit_date, sizeof c->commit_date);
    c->author = dup_str(a->name);
    c->email = dup_str(a->email);
    c->subject = dup_str(git_commit_summary(gc));
    if (!c->author || !c->email || !c->subject)
        rc = oom(r->path, d);
    if (!rc && path)
        rc = subtree_of(r, gc, path, &c->subtree, &c->has_subtree, d);
    git_commit_free(gc);
    if (rc)
        cov_git_commit_clear(c);
    return rc;
}

int cov_git_tree_at(cov_git_repo *r, const cov_git_oid *commit, const char *path,
                    cov_git_oid *tree, int *found, cov_diag *d)
{
    git_commit *gc;
    *found = 0;
    int rc = lookup_commit(r, commit, &gc, d);
    if (rc)
        return rc;
    rc = subtree_of(r, gc, path, tree, found, d);
    git_commit_free(gc);
    return rc;
}

int cov_git_gitlink(cov_git_repo *r, const cov_git_oid *commit, const char *path,
                    cov_git_oid *pin, int *found, cov_diag *d)
{
    git_commit *gc;
    git_tree *root;
    *found = 0;
    int rc = lookup_commit(r, commit, &gc, d);
    if (rc)
        return rc;
    if (git_commit_tree(&root, gc) < 0) {
        git_commit_free(gc);
        return git_fail(r, d, "cannot read tree");
    }
    git_tree_entry *e;
    rc = entry_at(r, root, path, &e, d);
    if (!rc && e && git_tree_entry_filemode(e) == GIT_FILEMODE_COMMIT) {
        set_oid(pin, git_tree_entry_id(e));
        *found = 1;
    }
    git_tree_entry_free(e);
    git_tree_free(root);
    git_commit_free(gc);
    return rc;
}

/* ---- trees and blobs ---- */

void cov_git_list_free(cov_git_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        cov_free(l->v[i].path);
    cov_free(l->v);
    memset(l, 0, sizeof *l);
}

/* Appends (path, id, size); takes path, even on failure. */
static int list_push(cov_git_list *l, char *path, const git_oid *id, uint64_t size)
{
    if (!path || COV_GROW_ONE(l->v, l->n, l->cap) < 0) {
        cov_free(path);
        return -1;
    }
    cov_git_entry *e = &l->v[l->n++];
    e->path = path;
    set_oid(&e->blob, id);
    e->size = size;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const cov_git_entry *)a)->path, ((const cov_git_entry *)b)->path);
}

static int blob_size(cov_git_repo *r, const git_oid *id, uint64_t *size, cov_diag *d)
{
    size_t len;
    git_object_t type;
    if (git_odb_read_header(&len, &type, r->odb, id) < 0)
        return git_fail(r, d, "cannot read blob");
    *size = (uint64_t)len;
    return COV_OK;
}

int cov_git_list_blobs(cov_git_repo *r, const cov_git_oid *tree, const char *prefix,
                       int recursive, int (*want)(const char *name), cov_git_list *out,
                       cov_diag *d)
{
    /* Trees still to visit, as (id, path) entries of a list used as a stack. */
    cov_git_list todo = {0};
    size_t first = out->n;
    int rc =
        list_push(&todo, cov_strndup(prefix ? prefix : "", prefix ? strlen(prefix) : 0),
                  goid(tree), 0) < 0
            ? oom(r->path, d)
            : COV_OK;
    while (!rc && todo.n) {
        cov_git_entry dir = todo.v[--todo.n];
        git_tree *t;
        if (git_tree_lookup(&t, r->repo, goid(&dir.blob)) < 0) {
            rc = git_fail(r, d, "cannot read tree");
            cov_free(dir.path);
            break;
        }
        size_t n = git_tree_entrycount(t);
        for (size_t i = 0; i < n && !rc; i++) {
            const git_tree_entry *e = git_tree_entry_byindex(t, i);
            const char *name = git_tree_entry_name(e);
            git_filemode_t mode = git_tree_entry_filemode(e);
            int sub = recursive && mode == GIT_FILEMODE_TREE && name[0] != '.';
            int file =
                (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) &&
                (!want || want(name));
            if (!sub && !file)
                continue;
            char *path = cov_path_join(dir.path, name);
            uint64_t size = 0;
            if (path && file && (rc = blob_size(r, git_tree_entry_id(e), &size, d))) {
                cov_free(path);
                break;
            }
            if (list_push(sub ? &todo : out, path, git_tree_entry_id(e), size) < 0)
                rc = oom(r->path, d);
        }
        git_tree_free(t);
        cov_free(dir.path);
    }
    cov_git_list_free(&todo);
    if (rc) {
        while (out->n > first)
            cov_free(out->v[--out->n].path);
        return rc;
    }
    if (out->n - first > 1)
        qsort(out->v + first, out->n - first, sizeof *out->v, cmp_entry);
    return COV_OK;
}

int cov_git_list_trees(cov_git_repo *r, const cov_git_oid *tree, cov_git_list *out,
                       cov_diag *d)
{
    git_tree *t;
    if (git_tree_lookup(&t, r->repo, goid(tree)) < 0)
        return git_fail(r, d, "cannot read tree");
    size_t n = git_tree_entrycount(t), first = out->n;
    int rc = COV_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(t, i);
        const char *name = git_tree_entry_name(e);
        if (git_tree_entry_filemode(e) == GIT_FILEMODE_TREE && name[0] != '.' &&
            list_push(out, cov_strndup(name, strlen(name)), git_tree_entry_id(e), 0) < 0)
            rc = oom(r->path, d);
    }
    git_tree_free(t);
    if (rc)
        while (out->n > first)
            cov_free(out->v[--out->n].path);
    else if (out->n - first > 1)
        qsort(out->v + first, out->n - first, sizeof *out->v, cmp_entry);
    return rc;
}

int cov_git_blob_read(cov_git_repo *r, const cov_git_oid *blob, uint64_t max_size,
                      const char *name, cov_git_blob **out, const char **data, size_t *len,
                      cov_diag *d)
{
    *out = NULL;
    uint64_t size = 0;
    int rc = blob_size(r, goid(blob), &size, d);
    if (rc)
        return rc;
    if (max_size && size > max_size)
        return cov_fail(d, COV_ELIMIT, name, 0, 0,
                        "file is %llu bytes, over the limit of %llu",
                        (unsigned long long)size, (unsigned long long)max_size);
    git_blob *b;
    if (git_blob_lookup(&b, r->repo, goid(blob)) < 0)
        return git_fail(r, d, "cannot read blob");
    *data = git_blob_rawcontent(b);
    *len = (size_t)git_blob_rawsize(b);
    *out = (cov_git_blob *)b;
    return COV_OK;
}

void cov_git_blob_release(cov_git_blob *b)
{
    git_blob_free((git_blob *)b);
}

/* ---- walks ---- */

/* Resolves the sides of "A..B" (empty: HEAD) into the walk. */
static int push_range(cov_git_repo *r, git_revwalk *w, const char *range, cov_diag *d)
{
    const char *dots = strstr(range, "..");
    if (dots && dots[2] == '.')
        return cov_fail(d, COV_EINPUT, r->path, 0, 0,
                        "range '%s': A...B (symmetric difference) has no first-parent "
                        "order; use A..B",
                        range);
    cov_git_oid to, from;
    char *a = NULL;
    const char *b = range;
    int rc = COV_OK;
    if (dots) {
        if (!(a = cov_strndup(range, (size_t)(dots - range))))
            return oom(r->path, d);
        b = dots + 2;
        rc = cov_git_resolve(r, *a ? a : "HEAD", &from, d);
    }
    if (!rc)
        rc = cov_git_resolve(r, *b ? b : "HEAD", &to, d);
    cov_free(a);
    if (rc)
        return rc;
    if (git_revwalk_push(w, goid(&to)) < 0 ||
        (dots && git_revwalk_hide(w, goid(&from)) < 0))
        return git_fail(r, d, "cannot walk history");
    return COV_OK;
}

int cov_git_walk_begin(cov_git_repo *r, const char *range, const char *path,
                       cov_git_walk **out, cov_diag *d)
{
    *out = NULL;
    cov_git_walk *w = cov_calloc(1, sizeof *w);
    if (!w || (path && !(w->path = cov_strndup(path, strlen(path))))) {
        cov_free(w);
        return oom(r->path, d);
    }
    w->r = r;
    git_revwalk *gw;
    if (git_revwalk_new(&gw, r->repo) < 0) {
        cov_git_walk_free(w);
        return git_fail(r, d, "cannot walk history");
    }
    int rc = COV_OK;
    if (git_revwalk_sorting(gw, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
        git_revwalk_simplify_first_parent(gw) < 0)
        rc = git_fail(r, d, "cannot walk history");
    if (!rc)
        rc = push_range(r, gw, range && *range ? range : "HEAD", d);
    size_t cap = 0;
    git_oid id;
    while (!rc) {
        int g = git_revwalk_next(&id, gw);
        if (g == GIT_ITEROVER)
            break;
        if (g < 0) {
            rc = git_fail(r, d, "cannot walk history");
            break;
        }
        if (COV_GROW_ONE(w->ids, w->n, cap) < 0) {
            rc = oom(r->path, d);
            break;
        }
        set_oid(&w->ids[w->n++], &id);
    }
    git_revwalk_free(gw);
    if (rc) {
        cov_git_walk_free(w);
        return rc;
    }
    *out = w;
    return COV_OK;
}

int cov_git_walk_next(cov_git_walk *w, cov_git_commit *c, int *done, cov_diag *d)
{
    *done = w->next >= w->n;
    if (*done)
        return COV_OK;
    int rc = cov_git_commit_read(w->r, &w->ids[w->next], w->path, c, d);
    if (!rc)
        w->next++;
    return rc;
}

size_t cov_git_walk_count(const cov_git_walk *w)
{
    return w->n;
}

void cov_git_walk_free(cov_git_walk *w)
{
    if (!w)
        return;
    cov_free(w->ids);
    cov_free(w->path);
    cov_free(w);
}

int cov_git_last_before(cov_git_repo *r, const char *rev, int64_t when, cov_git_oid *out,
                        int *found, cov_diag *d)
{
    *found = 0;
    cov_git_oid at;
    int rc = cov_git_resolve(r, rev, &at, d);
    while (!rc) {
        git_commit *c;
        if ((rc = lookup_commit(r, &at, &c, d)))
            break;
        if ((int64_t)git_commit_time(c) <= when) {
            *out = at;
            *found = 1;
            git_commit_free(c);
            break;
        }
        unsigned parents = git_commit_parentcount(c);
        if (parents)
            set_oid(&at, git_commit_parent_id(c, 0));
        git_commit_free(c);
        if (!parents)
            break;
    }
    return rc;
}
