/* The first-parent walk of a history (the git layer, src/git_repo.c) as a
 * benchmark: every revision of RANGE with its config tree id, and the blob
 * ids of every YAML file in it, nothing parsed. With --skip-unchanged, a
 * revision whose config tree id equals the previous one's reuses that
 * listing, as a history build will.
 *
 * usage: git_walk [--skip-unchanged] REPO [RANGE]   (RANGE default HEAD)
 * Prints: revisions, with configs, (revision, file) pairs, distinct blobs,
 * distinct config trees, listings done. */
#include "base/alloc.h"
#include "base/git_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int want(const char *name)
{
    size_t n = strlen(name);
    return n >= 17 && strncmp(name, "test_config_", 12) == 0 &&
           strcmp(name + n - 5, ".yaml") == 0;
}

/* A set of object ids: open addressing on the id's first bytes. */
typedef struct idset {
    cov_git_oid *v;
    unsigned char *used;
    size_t n, cap;
} idset;

static int idset_add(idset *s, const cov_git_oid *id)
{
    if (2 * (s->n + 1) > s->cap) {
        idset old = *s;
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = calloc(s->cap, sizeof *s->v);
        s->used = calloc(s->cap, 1);
        s->n = 0;
        if (!s->v || !s->used)
            exit(2);
        for (size_t i = 0; i < old.cap; i++)
            if (old.used[i])
                idset_add(s, &old.v[i]);
        free(old.v);
        free(old.used);
    }
    size_t h;
    memcpy(&h, id->id, sizeof h);
    for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->used[i]) {
            s->used[i] = 1;
            s->v[i] = *id;
            s->n++;
            return 1;
        }
        if (cov_git_oid_equal(&s->v[i], id))
            return 0;
    }
}

int main(int argc, char **argv)
{
    int skip = argc > 1 && strcmp(argv[1], "--skip-unchanged") == 0;
    if (argc - skip < 2) {
        fprintf(stderr, "usage: git_walk [--skip-unchanged] REPO [RANGE]\n");
        return 2;
    }
    const char *repo = argv[1 + skip], *range = argc - skip > 2 ? argv[2 + skip] : "HEAD";
    cov_error err;
    cov_diag d = {&err, NULL, NULL, 0};
    cov_git_repo *r;
    cov_git_walk *w;
    if (cov_git_open(repo, &r, &d) ||
        cov_git_walk_begin(r, range, "tests/runner/test_config", &w, &d)) {
        fprintf(stderr, "git_walk: %s: %s\n", err.file, err.message);
        return 2;
    }
    idset blobs = {0}, trees = {0};
    size_t revs = 0, with = 0, pairs = 0, listings = 0, last_n = 0;
    cov_git_oid last = {{0}};
    int have_last = 0;
    for (;;) {
        cov_git_commit c = {0};
        int done;
        if (cov_git_walk_next(w, &c, &done, &d)) {
            fprintf(stderr, "git_walk: %s\n", err.message);
            return 2;
        }
        if (done)
            break;
        revs++;
        size_t n = 0;
        if (c.has_subtree) {
            idset_add(&trees, &c.subtree);
            if (skip && have_last && cov_git_oid_equal(&c.subtree, &last)) {
                n = last_n;
            } else {
                cov_git_list l = {0};
                if (cov_git_list_blobs(r, &c.subtree, "", 1, want, &l, &d)) {
                    fprintf(stderr, "git_walk: %s\n", err.message);
                    return 2;
                }
                listings++;
                for (size_t i = 0; i < l.n; i++)
                    idset_add(&blobs, &l.v[i].blob);
                n = l.n;
                cov_git_list_free(&l);
            }
            last = c.subtree;
            last_n = n;
            have_last = 1;
        }
        with += n > 0;
        pairs += n;
        cov_git_commit_clear(&c);
    }
    printf("revisions %zu with_configs %zu pairs %zu distinct_blobs %zu distinct_trees %zu "
           "listings %zu\n",
           revs, with, pairs, blobs.n, trees.n, listings);
    free(blobs.v);
    free(blobs.used);
    free(trees.v);
    free(trees.used);
    cov_git_walk_free(w);
    cov_git_close(r);
    return 0;
}
