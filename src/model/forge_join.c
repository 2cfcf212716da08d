/* The join of tt-xla tests to tt-forge-models loader variants: the lookups
 * over the loaders a tree load read (load_forge.c builds them once the tree
 * is in), the join itself and why a test did not join. It reads and writes
 * only model data, so it is the model's, and reports (dump.c, the Lua
 * views) ask it without reaching into the loader. */
#include "model/forge_join.h"

#include "base/alloc.h"

#include <stdio.h>
#include <string.h>

static cov_lvariant *lvariant(cov_model *m, uint32_t i)
{
    return COV_VEC_AT(m->lvariants, cov_lvariant, i);
}

static cov_loader *loader(cov_model *m, uint32_t i)
{
    return COV_VEC_AT(m->loaders, cov_loader, i);
}

/* ---- the lookups ---- */

/* Keys of the lookups: the numbers' bytes. */
static uint32_t find_loader(const cov_model *m, cov_sym family, cov_sym task, int mfw)
{
    const uint32_t key[3] = {family, task, (uint32_t)mfw};
    const uint32_t *i = cov_map_find(&m->loader_index, key, sizeof key);
    return i ? *i : UINT32_MAX;
}

static uint32_t find_variant(const cov_model *m, uint32_t li, cov_sym value)
{
    const uint32_t key[2] = {li, value};
    const uint32_t *i = cov_map_find(&m->lvariant_index, key, sizeof key);
    return i ? *i : UINT32_MAX;
}

/* The join's lookups over every loader a test id can name: the first
 * readable loader of each (family, task, mfw) and the first member of each
 * of its variant values. */
int cov_forge_index_build(cov_model *m)
{
    cov_map loaders = {0}, variants = {0};
    for (uint32_t i = 0; i < m->loaders.count; i++) {
        const cov_loader *L = loader(m, i);
        if (!L->mfw || !L->readable)
            continue;
        const uint32_t key[3] = {L->family, L->task, L->mfw};
        int rc = cov_map_put(&loaders, key, sizeof key, i, NULL);
        if (rc < 0)
            goto oom;
        for (uint32_t k = 0; rc && k < L->count; k++) {
            const cov_lvariant *x = lvariant(m, L->first + k);
            const uint32_t vkey[2] = {i, x->value};
            /* two members with one value: the first stays */
            if (x->value &&
                cov_map_put(&variants, vkey, sizeof vkey, L->first + k, NULL) < 0)
                goto oom;
        }
    }
    cov_map_free(&m->loader_index);
    cov_map_free(&m->lvariant_index);
    m->loader_index = loaders;
    m->lvariant_index = variants;
    return 0;
oom:
    cov_map_free(&loaders);
    cov_map_free(&variants);
    return -1;
}

/* ---- the join ---- */

enum {
    W_OK,
    W_UNPARSED,
    W_NO_LOADER,
    W_UNREADABLE,
    W_NO_VARIANT,
    W_NEEDS_VARIANT,
    W_NO_VARIANTS,
    W_NO_DECODE,
    W_NO_PREFILL,
    W_PREFILL_VARIANT
};

static int join_one(const cov_model *m, const cov_test *t, uint32_t *out, uint32_t *li)
{
    *out = 0;
    *li = UINT32_MAX;
    if (!t->parsed)
        return W_UNPARSED;
    uint32_t l = find_loader(m, t->family, t->task_path, t->model_fw);
    if (l == UINT32_MAX) {
        /* Not in the index: absent, or there but unreadable. */
        for (uint32_t i = 0; i < m->loaders.count; i++) {
            const cov_loader *L = COV_VEC_AT(m->loaders, cov_loader, i);
            if (L->family == t->family && L->task == t->task_path &&
                L->mfw == t->model_fw) {
                *li = i;
                return W_UNREADABLE;
            }
        }
        return W_NO_LOADER;
    }
    *li = l;
    const cov_loader *L = COV_VEC_AT(m->loaders, cov_loader, l);
    uint32_t v;
    if (!t->variant) {
        if (!L->variantless)
            return W_NEEDS_VARIANT;
        v = L->first;
    } else if (L->variantless) {
        return W_NO_VARIANTS;
    } else if ((v = find_variant(m, l, t->variant)) == UINT32_MAX) {
        return W_NO_VARIANT;
    }
    const cov_suffix *sx = cov_model_suffix(m, t->suffix);
    const char *phase = sx->llm_phase ? cov_model_str(m, sx->llm_phase) : "";
    if (strcmp(phase, "llm_decode") == 0 && !(L->phases & COV_LOADER_DECODE))
        return W_NO_DECODE;
    if (strcmp(phase, "llm_prefill") == 0) {
        if (!(L->phases & COV_LOADER_PREFILL))
            return W_NO_PREFILL;
        if (!COV_VEC_AT(m->lvariants, cov_lvariant, v)->prefill)
            return W_PREFILL_VARIANT;
    }
    *out = v + 1;
    return W_OK;
}

static const char *reason_text(const cov_model *m, const cov_test *t, int why, uint32_t li,
                               char *buf, size_t size)
{
    char path[1024];
    if (li != UINT32_MAX)
        snprintf(path, sizeof path, "%s",
                 cov_model_str(m, COV_VEC_AT(m->loaders, cov_loader, li)->path));
    else if (t->parsed)
        snprintf(path, sizeof path, "%s%s%s/%s", cov_model_str(m, t->family),
                 t->task_path ? "/" : "",
                 t->task_path ? cov_model_str(m, t->task_path) : "",
                 cov_model_framework_name(t->model_fw));
    const char *v = t->parsed && t->variant ? cov_model_str(m, t->variant) : "";
    switch (why) {
    case W_UNPARSED: snprintf(buf, size, "the id does not fit the test-id grammar"); break;
    case W_NO_LOADER: snprintf(buf, size, "no loader.py in %s", path); break;
    case W_UNREADABLE:
        snprintf(buf, size, "its loader %s/loader.py cannot be read", path);
        break;
    case W_NO_VARIANT: snprintf(buf, size, "loader %s has no variant '%s'", path, v); break;
    case W_NEEDS_VARIANT:
        snprintf(buf, size, "loader %s has variants and the id names none", path);
        break;
    case W_NO_VARIANTS:
        snprintf(buf, size, "loader %s declares no variants and the id names '%s'", path,
                 v);
        break;
    case W_NO_DECODE:
        snprintf(buf, size, "loader %s serves no llm_decode phase (no load_inputs_decode)",
                 path);
        break;
    case W_NO_PREFILL:
        snprintf(buf, size,
                 "loader %s serves no llm_prefill phase (no ForgePrefillModel subclass)",
                 path);
        break;
    default:
        snprintf(buf, size, "variant '%s' of loader %s is not one its prefill class serves",
                 v, path);
        break;
    }
    return buf;
}

const char *cov_forge_unknown_reason(const cov_model *m, uint32_t i, char *buf, size_t size)
{
    if (!m->has_forge || i >= m->tests.count)
        return NULL;
    uint32_t v, li;
    const cov_test *t = cov_model_test(m, i);
    int why = join_one(m, t, &v, &li);
    return why == W_OK ? NULL : reason_text(m, t, why, li, buf, size);
}

int cov_forge_join(cov_model *m, uint32_t warn_from, cov_diag *d)
{
    if (!m->has_forge)
        return COV_OK;
    uint32_t n = m->tests.count;
    if (n > m->join_cap || !m->join) {
        uint32_t cap = n > 16 ? n : 16;
        uint32_t *j = cov_realloc(m->join, (size_t)cap * sizeof *j);
        if (!j)
            return cov_fail(d, COV_ENOMEM, cov_model_source(m, m->forge_source)->path, 0, 0,
                            "out of memory joining the tests to their loaders");
        m->join = j;
        m->join_cap = cap;
    }
    for (uint32_t k = 0; k < m->lvariants.count; k++)
        lvariant(m, k)->tests = 0;
    m->unknown = 0;
    for (uint32_t i = 0; i < n; i++) {
        const cov_test *t = cov_model_test(m, i);
        uint32_t li;
        int why = join_one(m, t, &m->join[i], &li);
        if (m->join[i]) {
            lvariant(m, m->join[i] - 1)->tests++;
            continue;
        }
        m->unknown++;
        if (i < warn_from || why == W_UNPARSED || !d || !d->warn)
            continue;
        char id[512], why_text[1200];
        cov_model_test_id(m, t, id, sizeof id);
        cov_warn(d, cov_model_source(m, t->source)->path, (int)t->line, t->column,
                 "test id '%s' names no tt-forge-models loader variant: %s", id,
                 reason_text(m, t, why, li, why_text, sizeof why_text));
    }
    return COV_OK;
}
