/* The test_config_*.yaml files under a tt-xla tree, found without
 * recursion, in sorted path order so loads do not depend on the file
 * system's order. */
#include "load/ttxla_internal.h"

#include "base/alloc.h"

#include <string.h>

static int wanted_name(const char *name)
{
    size_t n = strlen(name);
    return n >= 17 && strncmp(name, "test_config_", 12) == 0 &&
           strcmp(name + n - 5, ".yaml") == 0;
}

int cov_ttx_list_tree(const char *dir, cov_strvec *files, cov_ypipe_job **jobs,
                      uint64_t *total, cov_diag *d)
{
    int rc = cov_walk_tree(dir, wanted_name, files, total, d);
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
