/* The git layer (git_repo.c) and the loads from git revisions (load_git.c)
 * on fixture repositories built at test time by
 * scripts/make_git_fixtures.sh, each answer checked against the git CLI;
 * and the walk over the shared history bundle against its documented
 * figures. */
#include "base/alloc.h"
#include "base/git_repo.h"
#include "load/load_git.h"
#include "load/load_history.h"
#include "load/load_ttxla.h"
#include "load/scan_easydel.h"
#include "model/dump.h"
#include "model/model.h"
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fix[256];    /* the fixtures' directory, "" when they could not be built */
static char bundle[256]; /* a bare clone of the shared bundle, "" without one */

/* fix + "/" + rel into a static buffer (one at a time). */
static const char *at(const char *rel)
{
    static char buf[2][512];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%s/%s", fix, rel);
    return buf[k];
}

/* The first line a shell command prints, into buf; "" if none. */
static const char *sh(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static const char *sh(char *buf, size_t size, const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    buf[0] = '\0';
    FILE *p = popen(cmd, "r");
    if (!p)
        return buf;
    if (!fgets(buf, (int)size, p))
        buf[0] = '\0';
    pclose(p);
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

/* git rev-parse SPEC in fixture repo REPO, as hex. */
static const char *rev_parse(const char *repo, const char *spec, char *buf)
{
    return sh(buf, 64, "git -C '%s' rev-parse '%s' 2>/dev/null", at(repo), spec);
}

static const char *hex(const cov_git_oid *id, char *buf)
{
    cov_git_oid_hex(id, 40, buf);
    return buf;
}

static int have_fixtures(void)
{
    if (!fix[0])
        unit_skip("the git fixtures could not be built (is git installed?)");
    return fix[0] != 0;
}

static cov_git_repo *open_fix(const char *rel)
{
    cov_git_repo *r = NULL;
    cov_diag d = unit_diag();
    int rc = cov_git_open(at(rel), &r, &d);
    CHECK_INT(rc, COV_OK);
    if (rc)
        fprintf(stderr, "  %s\n", unit_err.message);
    return r;
}

static void test_open(void)
{
    if (!have_fixtures())
        return;
    /* A work tree, its .git directory and a bare repository. */
    const char *ok[] = {"ttxla", "ttxla/.git", "ttxla.git", "unborn.git"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        cov_git_repo *r = open_fix(ok[i]);
        if (r)
            CHECK_STR(cov_git_path(r), at(ok[i]));
        cov_git_close(r);
    }
    struct {
        const char *rel, *msg;
        int code;
    } bad[] = {
        {"no-such-repo", "cannot open: No such file or directory", COV_EIO},
        {"checkout-main", "not a git repository", COV_EINPUT},
        /* Parents are not searched: a directory inside a repository is not one. */
        {"ttxla/tests", "not a git repository", COV_EINPUT},
        {"ttxla/README.md", "not a git repository", COV_EINPUT},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        static int sentinel;
        cov_git_repo *r = (cov_git_repo *)(void *)&sentinel; /* must be reset */
        cov_diag d = unit_diag();
        CHECK_INT(cov_git_open(at(bad[i].rel), &r, &d), bad[i].code);
        CHECK(r == NULL);
        CHECK_STR(unit_err.message, bad[i].msg);
        CHECK_STR(unit_err.file, at(bad[i].rel));
        CHECK_INT(unit_err.line, 0);
    }
}

static void test_resolve(void)
{
    if (!have_fixtures())
        return;
    cov_git_repo *r = open_fix("ttxla");
    REQUIRE(r);
    /* A commit id and a prefix of one resolve too. */
    char full[64], prefix[16];
    rev_parse("ttxla", "main~2", full);
    snprintf(prefix, sizeof prefix, "%.9s", full);
    const char *specs[] = {"main",     "main~3", "HEAD~1", "v1", "start", "feature",
                           "main~3^2", "HEAD",   NULL,     full, prefix};
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        char want[64], got[41];
        const char *spec = specs[i] ? specs[i] : "HEAD";
        /* ^{commit} peels an annotated tag as the layer does. */
        char peeled[64];
        snprintf(peeled, sizeof peeled, "%s^{commit}", spec);
        rev_parse("ttxla", peeled, want);
        cov_git_oid id;
        cov_diag d = unit_diag();
        CHECK_INT(cov_git_resolve(r, specs[i], &id, &d), COV_OK);
        CHECK_STR(hex(&id, got), want);
        CHECK_INT(unit_warns.n, 0);
    }
    struct {
        const char *spec, *msg;
    } bad[] = {
        {"nope", "unknown revision 'nope'"},
        {"main~40", "unknown revision 'main~40'"},
        {"main^{tree}", "revision 'main^{tree}' is not a commit"},
        {"main..feature", "'main..feature' is a range, not a revision"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cov_git_oid id;
        cov_diag d = unit_diag();
        CHECK_INT(cov_git_resolve(r, bad[i].spec, &id, &d), COV_EINPUT);
        CHECK_STR(unit_err.message, bad[i].msg);
        CHECK_STR(unit_err.file, at("ttxla"));
    }
    cov_git_close(r);
}

static void test_unborn_head(void)
{
    if (!have_fixtures())
        return;
    char want[64], got[41];
    rev_parse("ttxla", "main", want);
    cov_git_repo *r = open_fix("unborn.git");
    REQUIRE(r);
    cov_git_oid id;
    cov_diag d = unit_diag();
    CHECK_INT(cov_git_resolve(r, NULL, &id, &d), COV_OK);
    CHECK_STR(hex(&id, got), want);
    CHECK_INT(unit_warns.n, 1);
    CHECK_STR(unit_warns.w[0].message,
              "HEAD points to refs/heads/master, which has no commits; "
              "using the only branch, main");
    CHECK_STR(unit_warns.w[0].file, at("unborn.git"));
    d = unit_diag();
    CHECK_INT(cov_git_resolve(r, "HEAD~1", &id, &d), COV_EINPUT);
    CHECK_STR(unit_err.message,
              "revision 'HEAD~1': HEAD points to refs/heads/master, which has no "
              "commits");
    d = unit_diag();
    CHECK_INT(cov_git_resolve(r, "main~1", &id, &d), COV_OK);
    CHECK_STR(hex(&id, got), rev_parse("ttxla", "main~1", want));
    cov_git_close(r);

    r = open_fix("two.git");
    REQUIRE(r);
    d = unit_diag();
    CHECK_INT(cov_git_resolve(r, "HEAD", &id, &d), COV_EINPUT);
    CHECK_STR(unit_err.message,
              "HEAD points to refs/heads/master, which has no commits; name a "
              "revision (branches: feature, main)");
    CHECK_INT(unit_warns.n, 0);
    cov_git_close(r);
}

static void test_commit_read(void)
{
    if (!have_fixtures())
        return;
    cov_git_repo *r = open_fix("ttxla");
    REQUIRE(r);
    struct {
        const char *spec, *subject, *date;
        unsigned parents;
        int has_configs;
    } want[] = {
        {"start", "Start without configs", "2025-07-02T10:00:00+02:00", 0, 0},
        {"main~7", "Add configs", "2025-10-20T11:00:00+01:00", 1, 1},
        {"v1", "Mark gpt2 failing", "2025-10-21T12:00:00-05:00", 1, 1},
        {"main~3", "Merge branch 'feature'", "2025-10-25T09:00:00+00:00", 2, 1},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        cov_git_oid id;
        cov_git_commit c = {0};
        cov_diag d = unit_diag();
        REQUIRE(cov_git_resolve(r, want[i].spec, &id, &d) == COV_OK);
        CHECK_INT(cov_git_commit_read(r, &id, COV_TTXLA_CONFIG_DIR, &c, &d), COV_OK);
        CHECK_STR(c.subject, want[i].subject);
        CHECK_STR(c.author, "Ada Author");
        CHECK_STR(c.email, "ada@example.com");
        CHECK_STR(c.author_date, want[i].date);
        CHECK_STR(c.commit_date, want[i].date);
        CHECK_INT(c.parents, want[i].parents);
        CHECK_INT(c.has_subtree, want[i].has_configs);
        char buf[64], spec[64], got[41];
        snprintf(spec, sizeof spec, "%s^{tree}", want[i].spec);
        CHECK_STR(hex(&c.tree, got), rev_parse("ttxla", spec, buf));
        if (c.has_subtree) {
            snprintf(spec, sizeof spec, "%s:" COV_TTXLA_CONFIG_DIR, want[i].spec);
            CHECK_STR(hex(&c.subtree, got), rev_parse("ttxla", spec, buf));
        }
        CHECK(cov_git_oid_equal(&c.id, &id));
        cov_git_commit_clear(&c);
    }
    cov_git_close(r);
}

static int wanted_yaml(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

static void test_list_and_read(void)
{
    if (!have_fixtures())
        return;
    cov_git_repo *r = open_fix("ttxla.git");
    REQUIRE(r);
    cov_git_oid id, tree;
    int found = 0;
    cov_diag d = unit_diag();
    REQUIRE(cov_git_resolve(r, "main", &id, &d) == COV_OK);
    CHECK_INT(cov_git_tree_at(r, &id, COV_TTXLA_CONFIG_DIR, &tree, &found, &d), COV_OK);
    REQUIRE(found);
    cov_git_list l = {0};
    CHECK_INT(cov_git_list_blobs(r, &tree, "cfg", 1, wanted_yaml, &l, &d), COV_OK);
    /* .hidden/ is not entered, __init__.py is not wanted; sorted by path. */
    static const char *const paths[] = {"jax/test_config_inference_single_device.yaml",
                                        "jax/test_config_t5.yaml",
                                        "torch/test_config_inference_single_device.yaml",
                                        "torch/test_config_placeholders.yaml",
                                        "torch/test_config_training_single_device.yaml"};
    CHECK_INT(l.n, 5);
    for (size_t i = 0; i < l.n && i < 5; i++) {
        char want[300], buf[64], got[41], spec[300];
        snprintf(want, sizeof want, "cfg/%s", paths[i]);
        CHECK_STR(l.v[i].path, want);
        snprintf(spec, sizeof spec, "main:" COV_TTXLA_CONFIG_DIR "/%s", paths[i]);
        CHECK_STR(hex(&l.v[i].blob, got), rev_parse("ttxla", spec, buf));
        /* The blob's content is the checkout's file. */
        char file[600];
        snprintf(file, sizeof file, "%s/" COV_TTXLA_CONFIG_DIR "/%s", at("checkout-main"),
                 paths[i]);
        size_t flen;
        char *text = unit_read_file(file, &flen);
        REQUIRE(text);
        CHECK_INT(l.v[i].size, flen);
        cov_git_blob *b;
        const char *data;
        size_t len;
        CHECK_INT(cov_git_blob_read(r, &l.v[i].blob, 0, l.v[i].path, &b, &data, &len, &d),
                  COV_OK);
        CHECK(len == flen && memcmp(data, text, len) == 0);
        cov_git_blob_release(b);
        /* Over the size limit: refused before it is read. */
        d = unit_diag();
        CHECK_INT(cov_git_blob_read(r, &l.v[i].blob, 10, "big", &b, &data, &len, &d),
                  COV_ELIMIT);
        char msg[200];
        snprintf(msg, sizeof msg, "file is %zu bytes, over the limit of 10", flen);
        CHECK_STR(unit_err.message, msg);
        CHECK_STR(unit_err.file, "big");
        free(text);
    }
    cov_git_list_free(&l);
    /* Not recursive: nothing directly in the config directory is YAML. */
    CHECK_INT(cov_git_list_blobs(r, &tree, "", 0, wanted_yaml, &l, &d), COV_OK);
    CHECK_INT(l.n, 0);
    CHECK_INT(cov_git_list_blobs(r, &tree, "", 0, NULL, &l, &d), COV_OK);
    CHECK_INT(l.n, 1);
    if (l.n)
        CHECK_STR(l.v[0].path, "__init__.py");
    cov_git_list_free(&l);
    CHECK_INT(cov_git_list_trees(r, &tree, &l, &d), COV_OK);
    CHECK_INT(l.n, 2); /* jax, torch; not .hidden */
    if (l.n == 2) {
        CHECK_STR(l.v[0].path, "jax");
        CHECK_STR(l.v[1].path, "torch");
    }
    cov_git_list_free(&l);
    /* No directory there. */
    CHECK_INT(cov_git_tree_at(r, &id, "tests/nope", &tree, &found, &d), COV_OK);
    CHECK_INT(found, 0);
    CHECK_INT(cov_git_tree_at(r, &id, "README.md", &tree, &found, &d), COV_OK);
    CHECK_INT(found, 0);
    cov_git_close(r);
}

static void test_gitlink(void)
{
    if (!have_fixtures())
        return;
    cov_git_repo *r = open_fix("ttxla");
    REQUIRE(r);
    char f1[64], f2[64], got[41];
    rev_parse("forge", "main~1", f1);
    rev_parse("forge", "main", f2);
    struct {
        const char *spec, *pin;
    } want[] = {
        {"main", f2}, {"main~2", f2}, {"main~3", f1}, {"main~7", f1}, {"start", NULL}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        cov_git_oid id, pin;
        int found = -1;
        cov_diag d = unit_diag();
        REQUIRE(cov_git_resolve(r, want[i].spec, &id, &d) == COV_OK);
        CHECK_INT(cov_git_gitlink(r, &id, "third_party/tt_forge_models", &pin, &found, &d),
                  COV_OK);
        CHECK_INT(found, want[i].pin != NULL);
        if (found && want[i].pin)
            CHECK_STR(hex(&pin, got), want[i].pin);
        /* A blob or a tree is no gitlink. */
        CHECK_INT(cov_git_gitlink(r, &id, "README.md", &pin, &found, &d), COV_OK);
        CHECK_INT(found, 0);
        CHECK_INT(cov_git_gitlink(r, &id, "third_party", &pin, &found, &d), COV_OK);
        CHECK_INT(found, 0);
    }
    cov_git_close(r);
}

/* The walk of range against `git rev-list --first-parent --reverse`. */
static void check_walk(cov_git_repo *r, const char *repo, const char *range, size_t n_want)
{
    cov_git_walk *w;
    cov_diag d = unit_diag();
    CHECK_INT(cov_git_walk_begin(r, range, COV_TTXLA_CONFIG_DIR, &w, &d), COV_OK);
    REQUIRE(w);
    CHECK_INT(cov_git_walk_count(w), n_want);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "git -C '%s' rev-list --first-parent --reverse '%s'",
             at(repo), range);
    FILE *p = popen(cmd, "r");
    REQUIRE(p);
    size_t n = 0;
    char line[128], got[41];
    for (;;) {
        cov_git_commit c = {0};
        int done;
        CHECK_INT(cov_git_walk_next(w, &c, &done, &d), COV_OK);
        if (done)
            break;
        n++;
        if (CHECK(fgets(line, sizeof line, p) != NULL)) {
            line[strcspn(line, "\n")] = '\0';
            CHECK_STR(hex(&c.id, got), line);
        }
        cov_git_commit_clear(&c);
    }
    CHECK(fgets(line, sizeof line, p) == NULL);
    pclose(p);
    CHECK_INT(n, n_want);
    int done = 0;
    cov_git_commit c = {0};
    CHECK_INT(cov_git_walk_next(w, &c, &done, &d), COV_OK);
    CHECK_INT(done, 1);
    cov_git_walk_free(w);
}

static void test_walk(void)
{
    if (!have_fixtures())
        return;
    cov_git_repo *r = open_fix("ttxla");
    REQUIRE(r);
    check_walk(r, "ttxla", "main", 9);
    check_walk(r, "ttxla", "HEAD", 9);
    check_walk(r, "ttxla", "main~3..main", 3);
    check_walk(r, "ttxla", "start..v1", 2);
    check_walk(r, "ttxla", "v1..", 6);
    check_walk(r, "ttxla", "feature", 5);
    check_walk(r, "ttxla", "main..main", 0);

    /* First parent only, oldest first; the config tree says where nothing changed. */
    static const char *const subjects[] = {
        "Start without configs",  "Add configs",           "Mark gpt2 failing",
        "Rename opt test id",     "Move t5 config to jax", "Merge branch 'feature'",
        "Uplift tt_forge_models", "Break the jax config",  "Fix the jax config"};
    cov_git_walk *w;
    cov_diag d = unit_diag();
    REQUIRE(cov_git_walk_begin(r, "main", COV_TTXLA_CONFIG_DIR, &w, &d) == COV_OK);
    cov_git_oid prev = {{0}};
    for (size_t i = 0;; i++) {
        cov_git_commit c = {0};
        int done;
        if (!CHECK_INT(cov_git_walk_next(w, &c, &done, &d), COV_OK) || done)
            break;
        REQUIRE(i < 9);
        CHECK_STR(c.subject, subjects[i]);
        CHECK_INT(c.has_subtree, i > 0);
        /* Only the uplift and the fix leave the config tree as it was (the fix
         * restores the tree of the uplift, which is the merge's). */
        int same = i > 0 && cov_git_oid_equal(&c.subtree, &prev);
        CHECK_INT(same, i == 6);
        prev = c.subtree;
        cov_git_commit_clear(&c);
    }
    cov_git_walk_free(w);

    static int sentinel;
    cov_git_walk *none = (cov_git_walk *)(void *)&sentinel;
    d = unit_diag();
    CHECK_INT(cov_git_walk_begin(r, "main...feature", NULL, &none, &d), COV_EINPUT);
    CHECK(none == NULL);
    CHECK_STR(unit_err.message,
              "range 'main...feature': A...B (symmetric difference) has no first-parent "
              "order; use A..B");
    d = unit_diag();
    CHECK_INT(cov_git_walk_begin(r, "nope..main", NULL, &none, &d), COV_EINPUT);
    CHECK_STR(unit_err.message, "unknown revision 'nope'");
    cov_git_close(r);
}

static void test_last_before(void)
{
    if (!have_fixtures())
        return;
    cov_git_repo *r = open_fix("easydel");
    REQUIRE(r);
    char e1[64], e2[64], got[41];
    rev_parse("easydel", "main~1", e1);
    rev_parse("easydel", "main", e2);
    struct {
        int64_t when;
        const char *want;
    } cases[] = {
        {1761912000, e1},   /* 2025-10-31 12:00 UTC */
        {1756713600, e1},   /* 2025-09-01 08:00 UTC: not later is fine */
        {1756713599, NULL}, /* a second before the first commit */
        {1767225600, e2},   /* 2026-01-01 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cov_git_oid id;
        int found = -1;
        cov_diag d = unit_diag();
        CHECK_INT(cov_git_last_before(r, "main", cases[i].when, &id, &found, &d), COV_OK);
        CHECK_INT(found, cases[i].want != NULL);
        if (found && cases[i].want)
            CHECK_STR(hex(&id, got), cases[i].want);
    }
    cov_git_close(r);
}

static void test_load_ttxla_git(void)
{
    if (!have_fixtures())
        return;
    cov_model m;
    REQUIRE(cov_model_init(&m) == COV_OK);
    cov_diag d = unit_diag();
    CHECK_INT(cov_load_ttxla_git_rev(&m, at("ttxla"), "main", unit_limits(), &d), COV_OK);
    CHECK_INT(m.tests.count, 7);
    CHECK_INT(m.placeholders.count, 1);
    CHECK_INT(m.sources.count, 5);
    char buf[64], want[700];
    rev_parse("ttxla", "main", buf);
    snprintf(want, sizeof want, "%s@%.12s:" COV_TTXLA_CONFIG_DIR "/jax/test_config_t5.yaml",
             at("ttxla"), buf);
    if (m.sources.count == 5) {
        const cov_source *s = cov_model_source(&m, 1);
        CHECK_STR(s->path, want);
        /* The framework follows the blob's directory: moved from torch to jax. */
        CHECK_STR(cov_model_str(&m, s->framework), "jax");
    }
    /* A malformed revision: its commit and the file's line and column, and
     * nothing of it kept. */
    uint32_t tests = m.tests.count, sources = m.sources.count;
    d = unit_diag();
    CHECK_INT(cov_load_ttxla_git_rev(&m, at("ttxla"), "main~1", unit_limits(), &d),
              COV_EINPUT);
    rev_parse("ttxla", "main~1", buf);
    snprintf(want, sizeof want,
             "%s@%.12s:" COV_TTXLA_CONFIG_DIR
             "/jax/test_config_inference_single_device.yaml",
             at("ttxla"), buf);
    CHECK_STR(unit_err.file, want);
    CHECK_INT(unit_err.line, 4);
    CHECK_INT(m.tests.count, tests);
    CHECK_INT(m.sources.count, sources);
    /* A revision without configs. */
    d = unit_diag();
    CHECK_INT(cov_load_ttxla_git_rev(&m, at("ttxla"), "start", unit_limits(), &d),
              COV_EINPUT);
    CHECK_STR(unit_err.message, "no test_config_*.yaml files under " COV_TTXLA_CONFIG_DIR);
    rev_parse("ttxla", "start", buf);
    snprintf(want, sizeof want, "%s@%.12s", at("ttxla"), buf);
    CHECK_STR(unit_err.file, want);
    /* The size limit applies per blob, as per file. */
    cov_limits small = *unit_limits();
    small.max_file_size = 100;
    d = unit_diag();
    CHECK_INT(cov_load_ttxla_git_rev(&m, at("ttxla"), "main", &small, &d), COV_ELIMIT);
    CHECK_INT(m.tests.count, tests);
    cov_model_free(&m);
}

static void test_load_easydel_git(void)
{
    if (!have_fixtures())
        return;
    cov_model a, b;
    REQUIRE(cov_model_init(&a) == COV_OK);
    REQUIRE(cov_model_init(&b) == COV_OK);
    cov_diag d = unit_diag();
    CHECK_INT(cov_load_easydel_git_rev(&a, at("easydel"), "main~1", unit_limits(), &d),
              COV_OK);
    int warned = unit_warns.n;
    d = unit_diag();
    CHECK_INT(cov_load_easydel_checkout(&b, "fixtures/easydel/checkout", unit_limits(), &d),
              COV_OK);
    CHECK_INT(unit_warns.n, warned);
    /* The same modules and registrations as the checkout they were copied from. */
    CHECK_INT(a.modules.count, b.modules.count);
    CHECK_INT(a.registrations.count, b.registrations.count);
    for (uint32_t i = 0; i < a.modules.count && i < b.modules.count; i++) {
        const cov_module *ma = COV_VEC_AT(a.modules, cov_module, i);
        const cov_module *mb = COV_VEC_AT(b.modules, cov_module, i);
        CHECK_STR(cov_model_str(&a, ma->name), cov_model_str(&b, mb->name));
        CHECK_INT(ma->count, mb->count);
        for (uint32_t k = 0; k < ma->count && k < mb->count; k++) {
            const cov_registration *ra =
                COV_VEC_AT(a.registrations, cov_registration, ma->first + k);
            const cov_registration *rb =
                COV_VEC_AT(b.registrations, cov_registration, mb->first + k);
            CHECK_STR(cov_model_str(&a, ra->class_name), cov_model_str(&b, rb->class_name));
            CHECK_STR(cov_model_str(&a, ra->file), cov_model_str(&b, rb->file));
            CHECK_INT(ra->line, rb->line);
        }
    }
    char buf[64];
    CHECK_STR(cov_model_str(&a, a.easydel_revision), rev_parse("easydel", "main~1", buf));
    CHECK_STR(cov_model_str(&a, a.easydel_date), "2025-09-01");
    /* A second inventory is refused, and the model is as it was. */
    uint32_t mods = a.modules.count;
    d = unit_diag();
    CHECK_INT(cov_load_easydel_git_rev(&a, at("easydel"), "main", unit_limits(), &d),
              COV_EUSAGE);
    CHECK_INT(a.modules.count, mods);
    /* Not an EasyDeL repository. */
    cov_model c;
    REQUIRE(cov_model_init(&c) == COV_OK);
    d = unit_diag();
    CHECK_INT(cov_load_easydel_git_rev(&c, at("ttxla"), "main", unit_limits(), &d),
              COV_EINPUT);
    CHECK_STR(unit_err.message, "not an EasyDeL checkout: no easydel/modules directory");
    CHECK_INT(c.has_easydel, 0);
    d = unit_diag();
    CHECK_INT(cov_load_easydel_git_rev(&c, at("easydel"), "main", unit_limits(), &d),
              COV_OK);
    CHECK_INT(c.modules.count, mods + 1); /* qwen2 */
    cov_model_free(&a);
    cov_model_free(&b);
    cov_model_free(&c);
}

static void test_spec_split(void)
{
    struct {
        const char *spec, *repo, *rev;
        int k;
    } cases[] = {
        {"git:.@origin/main", ".", "origin/main", 1},
        {"git:repo", "repo", "HEAD", 1},
        {"git:/a@b/repo@main", "/a@b/repo", "main", 1},
        {"git:.@HEAD@{1}", ".", "HEAD@{1}", 1},
        {"git:.@main@{2 days ago}", ".", "main@{2 days ago}", 1},
        {"git:@main", "", "main", 1},
        {"./git:x", NULL, NULL, 0},
        {"tt-xla", NULL, NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *repo, *rev;
        CHECK_INT(cov_git_spec_split(cases[i].spec, &repo, &rev), cases[i].k);
        CHECK_STR(repo, cases[i].repo);
        CHECK_STR(rev, cases[i].rev);
        cov_free(repo);
        cov_free(rev);
    }
}

static int wanted_config(const char *name)
{
    return strncmp(name, "test_config_", 12) == 0 && wanted_yaml(name);
}

/* The shared history: 566 first-parent revisions, 518 with configs, 539
 * distinct YAML blobs in 5,371 (revision, file) pairs (shared/README.md). */
static void test_bundle(void)
{
    if (!bundle[0]) {
        unit_skip("no shared history bundle");
        return;
    }
    cov_git_repo *r = NULL;
    cov_diag d = unit_diag();
    REQUIRE(cov_git_open(bundle, &r, &d) == COV_OK);
    cov_git_walk *w;
    REQUIRE(cov_git_walk_begin(r, "main", COV_TTXLA_CONFIG_DIR, &w, &d) == COV_OK);
    CHECK_INT(cov_git_walk_count(w), 566);
    size_t revs = 0, with = 0, pairs = 0, ndistinct = 0, cap = 1024;
    cov_git_oid *distinct = malloc(cap * sizeof *distinct);
    for (;;) {
        cov_git_commit c = {0};
        int done;
        if (!CHECK_INT(cov_git_walk_next(w, &c, &done, &d), COV_OK) || done)
            break;
        revs++;
        cov_git_list l = {0};
        if (c.has_subtree)
            CHECK_INT(cov_git_list_blobs(r, &c.subtree, "", 1, wanted_config, &l, &d),
                      COV_OK);
        with += l.n > 0;
        pairs += l.n;
        for (size_t i = 0; i < l.n; i++) {
            size_t k = 0;
            while (k < ndistinct && !cov_git_oid_equal(&distinct[k], &l.v[i].blob))
                k++;
            if (k == ndistinct && ndistinct < cap)
                distinct[ndistinct++] = l.v[i].blob;
        }
        cov_git_list_free(&l);
        if (revs == 566) {
            CHECK_STR(c.subject,
                      "Uplift third_party/tt_forge_models to "
                      "3d755214570c2cca8efd6a7e15ec878f34ad87ba 2026-08-21 (#5992)");
            CHECK_STR(c.author_date, "2026-08-21T10:22:52+02:00");
            CHECK_STR(c.commit_date, "2026-08-21T08:22:52+00:00");
            cov_git_oid pin;
            int found;
            CHECK_INT(
                cov_git_gitlink(r, &c.id, "third_party/tt_forge_models", &pin, &found, &d),
                COV_OK);
            char got[41];
            CHECK(found &&
                  strcmp(hex(&pin, got), "3d755214570c2cca8efd6a7e15ec878f34ad87ba") == 0);
        }
        cov_git_commit_clear(&c);
    }
    CHECK_INT(revs, 566);
    CHECK_INT(with, 518);
    CHECK_INT(pairs, 5371);
    CHECK_INT(ndistinct, 539);
    free(distinct);
    cov_git_walk_free(w);
    cov_git_close(r);
}

/* Revision i of h loaded from its parse cache, dumped (cov_free), or NULL
 * with *rc set when the load failed. */
static char *history_dump(cov_history *h, size_t i, int *rc)
{
    cov_model m;
    if (cov_model_init(&m) != COV_OK)
        return NULL;
    cov_diag d = unit_diag();
    *rc = cov_history_load(h, i, &m, unit_limits(), &d);
    char *json = *rc ? NULL : cov_dump_model(&m, &d);
    cov_model_free(&m);
    return json;
}

/* The same revision loaded as a plain revision load does it. */
static char *commit_dump(cov_history *h, size_t i, int *rc)
{
    cov_model m;
    if (cov_model_init(&m) != COV_OK)
        return NULL;
    cov_diag d = unit_diag();
    *rc = cov_load_ttxla_git_commit(&m, cov_history_repo(h), &cov_history_commit(h, i)->id,
                                    unit_limits(), &d);
    char *json = *rc ? NULL : cov_dump_model(&m, &d);
    cov_model_free(&m);
    return json;
}

/* Every revision of h built from the cache (parsed, then replayed: twice)
 * is the plain load of that commit, byte for byte; a bad one fails the same
 * way, at the same file, line and column. */
static void check_history_loads(cov_history *h)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < cov_history_count(h); i++) {
            int rc1, rc2;
            char *a = history_dump(h, i, &rc1);
            cov_error e1 = unit_err;
            char *b = commit_dump(h, i, &rc2);
            CHECK_INT(rc1, rc2);
            if (rc1 || rc2) {
                CHECK_STR(e1.file, unit_err.file);
                CHECK_INT(e1.line, unit_err.line);
                CHECK_INT(e1.column, unit_err.column);
                CHECK_STR(e1.message, unit_err.message);
            } else {
                CHECK(a && b && strcmp(a, b) == 0);
            }
            cov_free(a);
            cov_free(b);
        }
    }
}

static void test_history(void)
{
    if (!have_fixtures())
        return;
    cov_history *h;
    cov_diag d = unit_diag();
    REQUIRE(cov_history_open(at("ttxla"), NULL, 0, &h, &d) == COV_OK);
    /* c1 has no configs and c7 changes only the pin: 7 of the 9. */
    CHECK_INT(cov_history_count(h), 7);
    CHECK_STR(cov_history_commit(h, 0)->subject, "Add configs");
    CHECK_STR(cov_history_commit(h, 6)->subject, "Fix the jax config");
    size_t pairs, blobs, parsed;
    cov_history_stats(h, &pairs, &blobs, &parsed);
    CHECK_INT(pairs, 4 * 4 + 3 * 5); /* 4 files each, 5 from the merge on */
    CHECK_INT(parsed, 0);
    check_history_loads(h);
    /* Each distinct blob parsed once over both passes. */
    cov_history_stats(h, &pairs, &blobs, &parsed);
    CHECK_INT(parsed, blobs);
    cov_history_free(h);
    /* With the pin counted, c7 is a revision too. */
    d = unit_diag();
    REQUIRE(cov_history_open(at("ttxla"), NULL, 1, &h, &d) == COV_OK);
    CHECK_INT(cov_history_count(h), 8);
    cov_history_free(h);
    d = unit_diag();
    REQUIRE(cov_history_open(at("ttxla"), "v1..main", 0, &h, &d) == COV_OK);
    CHECK_INT(cov_history_count(h), 5);
    cov_history_free(h);
    d = unit_diag();
    CHECK_INT(cov_history_open(at("ttxla"), "nosuch..main", 0, &h, &d), COV_EINPUT);
    CHECK(h == NULL);
}

static void test_history_bundle(void)
{
    if (!bundle[0]) {
        unit_skip("no shared history bundle");
        return;
    }
    cov_history *h;
    cov_diag d = unit_diag();
    REQUIRE(cov_history_open(bundle, "main", 0, &h, &d) == COV_OK);
    size_t pairs, blobs, parsed;
    cov_history_stats(h, &pairs, &blobs, &parsed);
    /* Every distinct blob of shared/README's 539 is in some revision that
     * changed the configs. */
    CHECK_INT(blobs, 539);
    CHECK(cov_history_count(h) > 300 && cov_history_count(h) < 518);
    /* The last revision, from the cache, as a plain load. */
    int rc1, rc2;
    char *a = history_dump(h, cov_history_count(h) - 1, &rc1);
    char *b = commit_dump(h, cov_history_count(h) - 1, &rc2);
    CHECK_INT(rc1, COV_OK);
    CHECK_INT(rc2, COV_OK);
    CHECK(a && b && strcmp(a, b) == 0);
    cov_free(a);
    cov_free(b);
    cov_history_free(h);
}

int main(void)
{
    char tmpl[] = "/tmp/covengine-git-XXXXXX";
    char *dir = mkdtemp(tmpl);
    char cmd[1024];
    if (dir) {
        snprintf(fix, sizeof fix, "%s/fix", dir);
        snprintf(cmd, sizeof cmd, "sh scripts/make_git_fixtures.sh '%s' >/dev/null", fix);
        if (system(cmd) != 0) {
            fprintf(stderr, "could not build the git fixtures\n");
            fix[0] = '\0';
        }
        const char *shared = unit_shared_data();
        char path[600];
        snprintf(path, sizeof path, "%s/history/tt-xla-test-config-history.bundle",
                 shared ? shared : "");
        if (shared && access(path, R_OK) == 0) {
            snprintf(bundle, sizeof bundle, "%s/bundle.git", dir);
            snprintf(cmd, sizeof cmd, "git clone -q --bare '%s' '%s'", path, bundle);
            if (system(cmd) != 0)
                bundle[0] = '\0';
        }
    }
    static const unit_case cases[] = {
        {"open: work tree, .git, bare; missing, not a repository", test_open},
        {"resolve revisions", test_resolve},
        {"unborn HEAD: the only branch, or an error naming them", test_unborn_head},
        {"commit: subject, author, ISO dates, parents, config tree", test_commit_read},
        {"list blobs and read them", test_list_and_read},
        {"submodule gitlinks", test_gitlink},
        {"first-parent walks", test_walk},
        {"history: revisions, the parse cache, loads as plain loads", test_history},
        {"history of the shared bundle: 539 distinct blobs", test_history_bundle},
        {"last commit not later than a date", test_last_before},
        {"load tt-xla configs of a revision", test_load_ttxla_git},
        {"scan EasyDeL at a revision", test_load_easydel_git},
        {"git:REPO@REV specs", test_spec_split},
        {"the shared history bundle", test_bundle},
        {0},
    };
    int rc = unit_run(cases);
    if (dir) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    return rc;
}
