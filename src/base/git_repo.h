/* Git repositories as an input (docs/design.md 3.5), read through libgit2 from
 * the object database: nothing is checked out and the work tree, if there
 * is one, is never looked at. This is the only place that knows libgit2;
 * no libgit2 type appears in this header.
 *
 * Every function reports failure as the loaders do: a COV_E* code with
 * d->err filled, the repository's path (as the caller gave it) as the
 * file, no position. Strings and lists a function fills are owned by the
 * caller's struct and freed with the matching _clear/_free function. */
#ifndef COV_GIT_REPO_H
#define COV_GIT_REPO_H

#include "base/diag.h"

#include <stddef.h>
#include <stdint.h>

/* A SHA-1 object id. */
typedef struct cov_git_oid {
    unsigned char id[20];
} cov_git_oid;

/* Hex digits of a commit id in source names ("REPO@1f1c2411ab3c:PATH"):
 * fixed, so a name does not change as the repository grows (git's own
 * abbreviation lengthens), and unambiguous in any real repository. */
#define COV_GIT_SHORT 12

/* The first n (<= 40) hex digits of id into buf (n + 1 bytes). */
void cov_git_oid_hex(const cov_git_oid *id, size_t n, char *buf);
int cov_git_oid_equal(const cov_git_oid *a, const cov_git_oid *b);

/* libgit2's global state is reference-counted: each open repository holds
 * a reference, so the last close releases it. Starting it costs a few
 * milliseconds (Debian's libgit2 has mbedTLS load the system CA bundle), so
 * a caller opening several repositories in turn holds one reference across
 * them: _hold returns 0, or COV_EIO with d->err filled; _release undoes one
 * _hold. Both are thread-safe. */
int cov_git_hold(cov_diag *d);
void cov_git_release(void);

/* An open repository. Opaque; owned by whoever opened it. */
typedef struct cov_git_repo cov_git_repo;

/* Opens the repository at path: a work tree (its .git directory or file,
 * as in a linked worktree), a .git directory or a bare repository. The
 * path must be the repository itself: parent directories are not searched,
 * so a directory inside some other repository is "not a git repository".
 * *out is closed with cov_git_close. */
int cov_git_open(const char *path, cov_git_repo **out, cov_diag *d);
/* Closes r (NULL is fine); every object obtained from it becomes invalid. */
void cov_git_close(cov_git_repo *r);
/* The path r was opened with; owned by r. */
const char *cov_git_path(const cov_git_repo *r);

/* The commit a revision names: any rev-parse spec (a commit id or a prefix
 * of one, a branch, a tag, HEAD~3, origin/main, main@{1}), peeled to a
 * commit. rev NULL means "HEAD".
 *
 * A HEAD that points to a branch with no commits (an unborn HEAD, as in
 * `git clone --bare` of a bundle whose only branch is not the default) is
 * taken to mean the repository's only branch, with a warning saying so;
 * with several branches or none it is an error that names them. */
int cov_git_resolve(cov_git_repo *r, const char *rev, cov_git_oid *commit, cov_diag *d);

/* One commit, as a walk yields it. */
typedef struct cov_git_commit {
    cov_git_oid id;
    cov_git_oid tree;    /* the root tree */
    cov_git_oid subtree; /* the tree at the walk's path, if has_subtree */
    int has_subtree;     /* the path is a directory in this commit */
    unsigned parents;
    int64_t author_time, commit_time;      /* seconds since the epoch (UTC) */
    int author_offset, commit_offset;      /* minutes east of UTC */
    char author_date[32], commit_date[32]; /* ISO 8601: 2025-10-31T17:56:19+01:00 */
    char *author, *email;                  /* the author's name and e-mail address */
    char *subject; /* the message's first paragraph on one line (git's %s) */
} cov_git_commit;

/* Frees c's strings and zeroes it (a zeroed struct is fine). */
void cov_git_commit_clear(cov_git_commit *c);

/* Reads commit id into *c (cleared first; free with cov_git_commit_clear).
 * path (NULL: none) is the directory whose tree goes into c->subtree. */
int cov_git_commit_read(cov_git_repo *r, const cov_git_oid *id, const char *path,
                        cov_git_commit *c, cov_diag *d);

/* The tree at path ("" or NULL: the root) of commit's tree; *found = 0
 * (and COV_OK) when there is no directory there. */
int cov_git_tree_at(cov_git_repo *r, const cov_git_oid *commit, const char *path,
                    cov_git_oid *tree, int *found, cov_diag *d);

/* A blob listed by cov_git_list_blobs. */
typedef struct cov_git_entry {
    char *path; /* prefix/relative/path, owned by the list */
    cov_git_oid blob;
    uint64_t size;
} cov_git_entry;

typedef struct cov_git_list {
    cov_git_entry *v;
    size_t n, cap;
} cov_git_list;

void cov_git_list_free(cov_git_list *l);

/* Appends to *out every regular file (mode 100644 or 100755; not symbolic
 * links or submodules) in tree whose name want(name) accepts (want NULL:
 * all), with its blob id and size, as prefix + "/" + its path below tree;
 * with recursive != 0 those in subdirectories too, except in directories
 * whose name starts with '.'. What was appended is sorted by path with
 * strcmp, as a directory walk is. */
int cov_git_list_blobs(cov_git_repo *r, const cov_git_oid *tree, const char *prefix,
                       int recursive, int (*want)(const char *name), cov_git_list *out,
                       cov_diag *d);

/* Appends the trees directly in tree whose names do not start with '.',
 * as (name, id), sorted by name with strcmp; for a scan of module
 * directories. */
int cov_git_list_trees(cov_git_repo *r, const cov_git_oid *tree, cov_git_list *out,
                       cov_diag *d);

/* A blob's content, borrowed from libgit2's object cache until
 * cov_git_blob_release. name stands for it in messages. A blob over
 * max_size bytes (0: no limit) is COV_ELIMIT before it is read. */
typedef struct cov_git_blob cov_git_blob;
int cov_git_blob_read(cov_git_repo *r, const cov_git_oid *blob, uint64_t max_size,
                      const char *name, cov_git_blob **out, const char **data, size_t *len,
                      cov_diag *d);
void cov_git_blob_release(cov_git_blob *b);

/* The commit a submodule gitlink at path pins in commit's tree; *found = 0
 * when there is no gitlink there. */
int cov_git_gitlink(cov_git_repo *r, const cov_git_oid *commit, const char *path,
                    cov_git_oid *pin, int *found, cov_diag *d);

/* A first-parent walk, oldest first: the commits `git rev-list
 * --first-parent --reverse RANGE` lists. range is "REV" (REV and its
 * first-parent ancestors) or "A..B" (those of B not reachable from A; an
 * empty side is HEAD); each REV as cov_git_resolve takes it. "A...B" is an
 * error. path (NULL: none) is the directory each commit's subtree is read
 * at, so a caller can skip commits where it did not change. */
typedef struct cov_git_walk cov_git_walk;
int cov_git_walk_begin(cov_git_repo *r, const char *range, const char *path,
                       cov_git_walk **out, cov_diag *d);
/* The next commit into *c (cleared first); *done = 1, c untouched, at the
 * end. */
int cov_git_walk_next(cov_git_walk *w, cov_git_commit *c, int *done, cov_diag *d);
/* The number of commits the walk yields in all. */
size_t cov_git_walk_count(const cov_git_walk *w);
void cov_git_walk_free(cov_git_walk *w);

/* The last commit not later than when (commit time, seconds since the
 * epoch) on rev's first-parent line: the first one, going back from rev,
 * whose commit time is <= when. *found = 0 when every commit is later. For
 * pairing a revision of one repository with the state of another (EasyDeL
 * as of a tt-xla commit's date). */
int cov_git_last_before(cov_git_repo *r, const char *rev, int64_t when, cov_git_oid *out,
                        int *found, cov_diag *d);

#endif
