/* The test_config_*.yaml files under a tt-xla tree, found without
 * recursion, in sorted path order so loads do not depend on the file
 * system's order. */
#include "load/ttxla_internal.h"

#include "base/alloc.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static int wanted_name(const char *name)
{
    size_t n = strlen(name);
    return n >= 17 && strncmp(name, "test_config_", 12) == 0 &&
           strcmp(name + n - 5, ".yaml") == 0;
}

/* Looks at one directory entry: a subdirectory to visit or a wanted file.
 * An entry that cannot be looked at is an error naming it, never a skip
 * (a tree deeper than PATH_MAX fails here rather than losing its files). */
static int walk_entry(const char *dir, const char *rel, const char *name, cov_strvec *todo,
                      cov_strvec *files, uint64_t *total, cov_diag *d)
{
    char *child = cov_path_join(rel, name);
    char *abs = child ? cov_path_join(dir, child) : NULL;
    struct stat st;
    int rc = COV_OK;
    if (!abs) {
        cov_free(child);
        rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
    } else if (lstat(abs, &st) != 0) {
        char eb[128];
        int e = errno;
        cov_free(child);
        rc = cov_fail(d, COV_EIO, abs, 0, 0, "cannot stat: %s",
                      cov_ttx_errstr(e, eb, sizeof eb));
    } else if (S_ISDIR(st.st_mode)) {
        /* takes child, even on failure */
        if (cov_strvec_push(todo, child) < 0)
            rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
    } else if (wanted_name(name) && stat(abs, &st) == 0 && S_ISREG(st.st_mode)) {
        if (cov_strvec_push(files, child) < 0)
            rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
        *total += (uint64_t)st.st_size;
    } else
        cov_free(child);
    cov_free(abs);
    return rc;
}

/* Collects wanted files under dir (relative paths) and their total size,
 * without recursion. */
static int walk(const char *dir, cov_strvec *files, uint64_t *total, cov_diag *d)
{
    cov_strvec todo = {0};
    int rc = cov_strvec_push(&todo, cov_strndup("", 0)) < 0
                 ? cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory")
                 : COV_OK;
    while (!rc && todo.n) {
        char *rel = todo.v[--todo.n];
        char *abs = cov_path_join(dir, rel);
        DIR *dh = abs ? opendir(abs) : NULL;
        if (!abs) {
            rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
        } else if (!dh) {
            char eb[128];
            rc = cov_fail(d, COV_EIO, abs, 0, 0, "cannot open directory: %s",
                          cov_ttx_errstr(errno, eb, sizeof eb));
        }
        for (struct dirent *de; !rc && dh && (errno = 0, de = readdir(dh));)
            if (de->d_name[0] != '.')
                rc = walk_entry(dir, rel, de->d_name, &todo, files, total, d);
        if (!rc && dh && errno) {
            char eb[128];
            rc = cov_fail(d, COV_EIO, abs, 0, 0, "cannot read directory: %s",
                          cov_ttx_errstr(errno, eb, sizeof eb));
        }
        if (dh)
            closedir(dh);
        cov_free(abs);
        cov_free(rel);
    }
    cov_strvec_free(&todo);
    return rc;
}

/* The sorted full paths of the wanted files under dir, and their jobs. */
int cov_ttx_list_tree(const char *dir, cov_strvec *files, cov_ypipe_job **jobs,
                      uint64_t *total, cov_diag *d)
{
    int rc = walk(dir, files, total, d);
    if (!rc && !files->n)
        rc =
            cov_fail(d, COV_EINPUT, dir, 0, 0, "no test_config_*.yaml files under %s", dir);
    if (rc)
        return rc;
    cov_strvec_sort(files);
    *jobs = cov_calloc(files->n, sizeof **jobs);
    for (size_t i = 0; *jobs && i < files->n; i++) {
        char *path = cov_path_join(dir, files->v[i]);
        if (!path)
            return cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
        cov_free(files->v[i]);
        files->v[i] = path;
        (*jobs)[i] = (cov_ypipe_job){-1, path, NULL, 0};
    }
    return *jobs ? COV_OK : cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
}
