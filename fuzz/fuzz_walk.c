/* The tt-xla tree walker on a tree the input describes, built in a fresh
 * temporary directory per input and removed after it. One record a line:
 *   d PATH        a directory (parents made as needed)
 *   f PATH[\tYAML] a file, with the YAML after a tab (else a small config)
 *   l PATH        a symbolic link to ".." (a loop the walker must not enter)
 *   q PATH        a FIFO (never opened: the walker reads regular files only)
 *   D N           a chain of N*16 directories "a/a/...", deeper than PATH_MAX
 *                 from N = 128, with a wanted file at the bottom
 * PATH bytes are mapped onto [a-z0-9_.] and '/', ".." components dropped.
 * Checks: when the walk succeeds it lists exactly the wanted files the
 * harness made (test_config_*.yaml, regular, under no '.'-directory; none is
 * skipped silently), in sorted order; the tree load that follows either
 * succeeds or fails without touching the model, and its dump is JSON. */
#include "fuzz.h"

#include "base/alloc.h"
#include "base/fsutil.h"
#include "load/load_ttxla.h"
#include "load/ttxla_internal.h"
#include "model/dump.h"
#include "model/model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_RECORDS 64
#define MAX_PATH_LEN 200

static const char default_yaml[] = "test_config:\n  a/jax-single_device-inference:\n"
                                   "    status: EXPECTED_PASSING\n";

/* Removes everything under the directory fd (closed), however deep. */
static void remove_under(int fd)
{
    DIR *dh = fdopendir(fd);
    if (!dh) {
        close(fd);
        return;
    }
    for (struct dirent *de; (de = readdir(dh));) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd(dh), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(dh), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            if (sub >= 0)
                remove_under(sub);
            unlinkat(dirfd(dh), de->d_name, AT_REMOVEDIR);
        } else {
            unlinkat(dirfd(dh), de->d_name, 0);
        }
    }
    closedir(dh);
}

/* Opens (making them) the directories of rel[0..n) under root: an fd. */
static int open_dirs(int root, const char *rel, size_t n)
{
    int fd = dup(root);
    size_t i = 0;
    while (fd >= 0 && i < n) {
        size_t j = i;
        while (j < n && rel[j] != '/')
            j++;
        char name[MAX_PATH_LEN + 1];
        memcpy(name, rel + i, j - i);
        name[j - i] = '\0';
        if (j > i) {
            mkdirat(fd, name, 0755);
            int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            close(fd);
            fd = sub;
        }
        i = j + 1;
    }
    return fd;
}

/* The input's path onto a safe relative one; its length (0: none). */
static size_t clean_path(const char *p, size_t n, char *out)
{
    static const char map[] = "abcdefghijklmnopqrstuvwxyz0123456789_./";
    size_t k = 0;
    for (size_t i = 0; i < n && k < MAX_PATH_LEN; i++) {
        char c = map[(unsigned char)p[i] % (sizeof map - 1)];
        if (c == '/' && (k == 0 || out[k - 1] == '/'))
            continue;
        out[k++] = c;
        /* drop ".." components */
        if (k >= 2 && out[k - 1] == '.' && out[k - 2] == '.' &&
            (k == 2 || out[k - 3] == '/'))
            k -= 2;
    }
    while (k && out[k - 1] == '/')
        k--;
    out[k] = '\0';
    return k;
}

static int wanted(const char *rel)
{
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    size_t n = strlen(base);
    if (n < 17 || strncmp(base, "test_config_", 12) || strcmp(base + n - 5, ".yaml"))
        return 0;
    for (const char *c = rel; *c; c++)
        if (*c == '.' && (c == rel || c[-1] == '/'))
            return 0;
    return 1;
}

/* Makes one leaf (file, link, FIFO) at rel under root; 1 if it is a regular file. */
static int make_leaf(int root, char kind, const char *rel, const char *body, size_t blen)
{
    const char *slash = strrchr(rel, '/');
    int fd = open_dirs(root, rel, slash ? (size_t)(slash - rel) : 0);
    const char *name = slash ? slash + 1 : rel;
    int regular = 0;
    if (fd < 0)
        return 0;
    if (kind == 'l') {
        symlinkat("..", fd, name);
    } else if (kind == 'q') {
        mkfifoat(fd, name, 0644);
    } else {
        int f = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
        if (f >= 0) {
            regular = write(f, body, blen) == (ssize_t)blen;
            close(f);
        }
    }
    close(fd);
    return regular;
}

/* The deep chain: depth directories "a", a wanted file at the bottom. */
static int make_deep(int root, size_t depth, cov_strvec *expect)
{
    int fd = dup(root);
    for (size_t i = 0; fd >= 0 && i < depth; i++) {
        mkdirat(fd, "a", 0755);
        int sub = openat(fd, "a", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        close(fd);
        fd = sub;
    }
    if (fd < 0)
        return 0;
    int f = openat(fd, "test_config_deep.yaml", O_WRONLY | O_CREAT | O_EXCL, 0644);
    close(fd);
    if (f < 0)
        return 0;
    int ok = write(f, default_yaml, sizeof default_yaml - 1) > 0;
    close(f);
    char *rel = cov_malloc(depth * 2 + 32);
    if (!rel)
        return 0;
    for (size_t i = 0; i < depth; i++)
        memcpy(rel + 2 * i, "a/", 2);
    strcpy(rel + 2 * depth, "test_config_deep.yaml");
    return ok && cov_strvec_push(expect, rel) == 0;
}

static void build_tree(int root, const char *buf, size_t size, cov_strvec *expect)
{
    size_t at = 0;
    for (int r = 0; r < MAX_RECORDS && at < size; r++) {
        const char *line = buf + at, *nl = memchr(line, '\n', size - at);
        size_t n = nl ? (size_t)(nl - line) : size - at;
        at += n + 1;
        if (n < 2)
            continue;
        char kind = line[0];
        if (kind == 'D') {
            size_t depth = 16 * ((unsigned char)line[1] % 160u);
            if (depth && !expect->n)
                make_deep(root, depth, expect);
            continue;
        }
        const char *tab = memchr(line + 1, '\t', n - 1);
        size_t plen = tab ? (size_t)(tab - line - 1) : n - 1;
        char rel[MAX_PATH_LEN + 1];
        if (!clean_path(line + 1, plen, rel))
            continue;
        if (kind == 'd') {
            char with_slash[MAX_PATH_LEN + 2];
            snprintf(with_slash, sizeof with_slash, "%s/", rel);
            int fd = open_dirs(root, with_slash, strlen(with_slash));
            if (fd >= 0)
                close(fd);
        } else if (kind == 'f' || kind == 'l' || kind == 'q') {
            const char *body = tab ? tab + 1 : default_yaml;
            size_t blen = tab ? n - plen - 2 : sizeof default_yaml - 1;
            if (make_leaf(root, kind, rel, body, blen) && wanted(rel))
                cov_strvec_push(expect, cov_strndup(rel, strlen(rel)));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char dir[] = "/tmp/fuzz_walk.XXXXXX";
    if (!mkdtemp(dir))
        return 0;
    int root = open(dir, O_RDONLY | O_DIRECTORY);
    if (root < 0) {
        rmdir(dir);
        return 0;
    }
    cov_strvec expect = {0};
    build_tree(root, (const char *)data, size, &expect);
    cov_strvec_sort(&expect);

    cov_error err;
    cov_diag d = {&err, fuzz_warn, NULL, 0};
    cov_strvec files = {0};
    cov_ypipe_job *jobs = NULL;
    uint64_t total = 0;
    int rc = cov_ttx_list_tree(dir, &files, &jobs, &total, &d);
    if (rc == COV_OK) {
        FUZZ_CHECK(files.n == expect.n, "the walk lists another number of files");
        size_t dl = strlen(dir);
        for (size_t i = 0; i < files.n; i++)
            FUZZ_CHECK(strncmp(files.v[i], dir, dl) == 0 && files.v[i][dl] == '/' &&
                           strcmp(files.v[i] + dl + 1, expect.v[i]) == 0,
                       "the walk lists another file");
    } else if (rc == COV_EINPUT) {
        FUZZ_CHECK(expect.n == 0, "no files found in a tree that has some");
    }
    cov_free(jobs);
    cov_strvec_free(&files);

    cov_model m;
    memset(&m, 0, sizeof m);
    if (cov_model_init(&m) == COV_OK) {
        cov_limits lim;
        cov_limits_default(&lim);
        if (cov_load_ttxla_tree(&m, dir, &lim, &d) == COV_OK) {
            char *json = cov_dump_model(&m, &d);
            if (json)
                fuzz_check_json(json, "cov_dump_model output");
            cov_free(json);
        }
    }
    cov_model_free(&m);
    cov_strvec_free(&expect);
    remove_under(root);
    rmdir(dir);
    return 0;
}
