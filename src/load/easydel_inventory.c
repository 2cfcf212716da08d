/* Around an EasyDeL load (easydel_inventory.h). */
#include "load/easydel_inventory.h"

#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

int cov_easydel_check_free(const cov_model *m, const char *path, cov_diag *d)
{
    if (!m->has_easydel)
        return COV_OK;
    const cov_source *s = cov_model_source(m, m->easydel_source);
    return cov_fail(d, COV_EUSAGE, path, 0, 0,
                    "an EasyDeL inventory is already loaded (from %s)", s->path);
}

typedef struct mod_sort {
    const char *name;
    cov_module mod;
} mod_sort;

static int cmp_mod(const void *a, const void *b)
{
    return strcmp(((const mod_sort *)a)->name, ((const mod_sort *)b)->name);
}

int cov_easydel_finish(cov_model *m, const cov_model_mark *mark, const char *path, int kind,
                       cov_sym source_name, cov_sym revision, cov_sym date, cov_diag *d)
{
    uint32_t first = mark->modules, n = m->modules.count - first;
    if (n > 1) {
        /* Names are unique within one load, so an unstable sort is deterministic. */
        mod_sort *tmp = cov_malloc((size_t)n * sizeof *tmp);
        if (!tmp)
            return cov_fail(d, COV_ENOMEM, path, 0, 0, "out of memory");
        for (uint32_t i = 0; i < n; i++) {
            tmp[i].mod = *COV_VEC_AT(m->modules, cov_module, first + i);
            tmp[i].name = cov_model_str(m, tmp[i].mod.name);
        }
        qsort(tmp, n, sizeof *tmp, cmp_mod);
        for (uint32_t i = 0; i < n; i++)
            *COV_VEC_AT(m->modules, cov_module, first + i) = tmp[i].mod;
        cov_free(tmp);
    }
    uint32_t src = cov_model_add_source(m, path, kind, COV_SYM_NONE);
    if (src == UINT32_MAX)
        return cov_fail(d, COV_ENOMEM, path, 0, 0, "out of memory");
    COV_VEC_AT(m->sources, cov_source, src)->entries = n;
    m->has_easydel = 1;
    m->easydel_source = src;
    m->easydel_source_name = source_name;
    m->easydel_revision = revision;
    m->easydel_date = date;
    return COV_OK;
}
