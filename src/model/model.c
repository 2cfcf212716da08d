#include "model/model.h"

#include "base/alloc.h"
#include "covengine.h"
#include "formats/testid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const status_names[COV_STATUS_COUNT] = {
    NULL,          "EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "NOT_SUPPORTED_SKIP",
    "UNSPECIFIED", "EXCLUDE_MODEL"};

static const char *const bringup_names[COV_BRINGUP_COUNT] = {NULL,
                                                             "FAILED_FE_COMPILATION",
                                                             "FAILED_TTMLIR_COMPILATION",
                                                             "FAILED_RUNTIME",
                                                             "INCORRECT_RESULT",
                                                             "PASSED",
                                                             "UNKNOWN",
                                                             "NOT_STARTED"};

const char *cov_status_name(int s)
{
    return s > 0 && s < COV_STATUS_COUNT ? status_names[s] : NULL;
}

const char *cov_bringup_name(int b)
{
    return b > 0 && b < COV_BRINGUP_COUNT ? bringup_names[b] : NULL;
}

/* Enum values are the lower-case names, so one case-insensitive comparison
 * accepts both spellings. */
static int parse_enum(const char *const *names, int count, const char *s, size_t len)
{
    for (int i = 1; i < count; i++)
        if (strlen(names[i]) == len && strncasecmp(names[i], s, len) == 0)
            return i;
    return 0;
}

int cov_status_parse(const char *s, size_t len)
{
    return parse_enum(status_names, COV_STATUS_COUNT, s, len);
}

int cov_bringup_parse(const char *s, size_t len)
{
    return parse_enum(bringup_names, COV_BRINGUP_COUNT, s, len);
}

const char *cov_status_allowed(void)
{
    return "EXPECTED_PASSING, KNOWN_FAILURE_XFAIL, NOT_SUPPORTED_SKIP, UNSPECIFIED, "
           "EXCLUDE_MODEL";
}

const char *cov_bringup_allowed(void)
{
    return "FAILED_FE_COMPILATION, FAILED_TTMLIR_COMPILATION, FAILED_RUNTIME, "
           "INCORRECT_RESULT, PASSED, UNKNOWN, NOT_STARTED";
}

const char *cov_model_framework_name(int mfw)
{
    return mfw == COV_MFW_JAX ? "jax" : mfw == COV_MFW_PYTORCH ? "pytorch" : NULL;
}

const char *cov_source_kind_name(int kind)
{
    switch (kind) {
    case COV_SOURCE_TEST_CONFIG: return "test_config";
    case COV_SOURCE_PLACEHOLDERS: return "placeholders";
    case COV_SOURCE_EASYDEL_MANIFEST: return "easydel_manifest";
    case COV_SOURCE_EASYDEL_CHECKOUT: return "easydel_checkout";
    case COV_SOURCE_TT_FORGE_MODELS: return "tt_forge_models";
    default: return "unknown";
    }
}

const char *cov_loader_field_name(int field)
{
    static const char *const names[COV_LF_COUNT] = {"source", "group", "task", "model",
                                                    "framework"};
    return field >= 0 && field < COV_LF_COUNT ? names[field] : NULL;
}

const char *cov_loader_how_name(int how)
{
    static const char *const names[] = {"absent", "literal", "per_variant", "candidates",
                                        "computed"};
    return how >= 0 && how <= COV_LV_COMPUTED ? names[how] : NULL;
}

const cov_lvariant *cov_model_test_lvariant(const cov_model *m, uint32_t i)
{
    if (!m->has_forge || !m->join || i >= m->join_cap || !m->join[i])
        return NULL;
    return COV_VEC_AT(m->lvariants, cov_lvariant, m->join[i] - 1);
}

int cov_test_status(const cov_test *t)
{
    return t->f.status ? t->f.status : COV_STATUS_UNSPECIFIED;
}

/* ---- effective status per (test, arch) ---- */

/* Position in "how much of the test runs and passes", best first. */
static int status_rank(int st)
{
    switch (st) {
    case COV_STATUS_EXPECTED_PASSING: return 0;
    case COV_STATUS_KNOWN_FAILURE_XFAIL: return 1;
    case COV_STATUS_UNSPECIFIED: return 2;
    case COV_STATUS_NOT_SUPPORTED_SKIP: return 3;
    case COV_STATUS_EXCLUDE_MODEL: return 4;
    default: return 5;
    }
}

int cov_status_better(int a, int b)
{
    return status_rank(a) < status_rank(b);
}

static const cov_override *override_for(const cov_model *m, const cov_test *t, cov_sym arch)
{
    const cov_override *o = t->n_overrides ? cov_model_overrides(m, t) : NULL;
    for (uint32_t k = 0; k < t->n_overrides; k++)
        if (o[k].arch == arch)
            return &o[k];
    return NULL;
}

static int list_has(const cov_model *m, uint32_t handle, cov_sym s)
{
    uint32_t n;
    const cov_sym *items = cov_model_list_items(m, handle, &n);
    for (uint32_t i = 0; i < n; i++)
        if (items[i] == s)
            return 1;
    return 0;
}

int cov_test_scope(const cov_model *m, const cov_test *t)
{
    if (t->f.has_archs)
        return COV_SCOPE_SUPPORTED;
    if (t->f.status || !t->n_overrides)
        return COV_SCOPE_ALL;
    const cov_override *o = cov_model_overrides(m, t);
    for (uint32_t k = 0; k < t->n_overrides; k++)
        if (o[k].f.status)
            return COV_SCOPE_OVERRIDES;
    return COV_SCOPE_ALL;
}

/* The status on arch given its override (or NULL) and t's scope. */
static int status_in_scope(const cov_model *m, const cov_test *t, int scope, cov_sym arch,
                           const cov_override *o)
{
    if (scope == COV_SCOPE_SUPPORTED && !list_has(m, t->f.archs, arch))
        return COV_STATUS_ABSENT;
    if (scope == COV_SCOPE_OVERRIDES && !o)
        return COV_STATUS_ABSENT;
    return o && o->f.status ? o->f.status : cov_test_status(t);
}

int cov_test_status_on(const cov_model *m, const cov_test *t, cov_sym arch)
{
    return status_in_scope(m, t, cov_test_scope(m, t), arch, override_for(m, t, arch));
}

int cov_test_summary_status(const cov_model *m, const cov_test *t)
{
    if (t->f.status || (!t->n_overrides && !t->f.has_archs))
        return cov_test_status(t);
    int scope = cov_test_scope(m, t), best = COV_STATUS_ABSENT;
    if (scope == COV_SCOPE_SUPPORTED) {
        uint32_t n;
        const cov_sym *items = cov_model_list_items(m, t->f.archs, &n);
        for (uint32_t i = 0; i < n; i++) {
            int st = status_in_scope(m, t, scope, items[i], override_for(m, t, items[i]));
            if (cov_status_better(st, best))
                best = st;
        }
    } else if (scope == COV_SCOPE_OVERRIDES) {
        const cov_override *o = cov_model_overrides(m, t);
        for (uint32_t k = 0; k < t->n_overrides; k++) {
            int st = o[k].f.status ? o[k].f.status : COV_STATUS_UNSPECIFIED;
            if (cov_status_better(st, best))
                best = st;
        }
    }
    return best ? best : COV_STATUS_UNSPECIFIED;
}

int cov_test_status_elsewhere(const cov_model *m, const cov_test *t)
{
    return cov_test_scope(m, t) == COV_SCOPE_ALL ? cov_test_status(t) : COV_STATUS_ABSENT;
}

uint32_t cov_test_arches(const cov_model *m, const cov_test *t, cov_arch_status *out,
                         uint32_t max)
{
    int scope = cov_test_scope(m, t);
    uint32_t n = 0, items;
    const cov_sym *list = cov_model_list_items(m, t->f.archs, &items);
    const cov_override *o = t->n_overrides ? cov_model_overrides(m, t) : NULL;
    /* Each arch once: an item is new when no earlier item names it (the
     * lists are short; a hostile one costs its length squared, once). */
    for (uint32_t i = 0; i < items; i++) {
        uint32_t j = 0;
        while (j < i && list[j] != list[i])
            j++;
        if (j < i)
            continue;
        if (n < max)
            out[n] = (cov_arch_status){
                list[i], (uint8_t)status_in_scope(m, t, scope, list[i],
                                                  override_for(m, t, list[i]))};
        n++;
    }
    for (uint32_t k = 0; k < t->n_overrides; k++) {
        if (items && list_has(m, t->f.archs, o[k].arch))
            continue;
        if (n < max)
            out[n] = (cov_arch_status){
                o[k].arch, (uint8_t)status_in_scope(m, t, scope, o[k].arch, &o[k])};
        n++;
    }
    return n;
}

typedef struct arch_name {
    const char *text;
    cov_sym sym;
} arch_name;

static int arch_name_cmp(const void *a, const void *b)
{
    return strcmp(((const arch_name *)a)->text, ((const arch_name *)b)->text);
}

const cov_sym *cov_model_arches(const cov_model *m, uint32_t *n)
{
    cov_model_cache *cache = m->cache;
    if (cache->arches_at == m->changes + 1) {
        *n = cache->n_arches;
        return cache->arches;
    }
    cov_free(cache->arches);
    cache->arches = NULL;
    cache->n_arches = 0;
    cache->arches_at = 0;
    /* One bit per symbol marks the arches already listed. */
    size_t words = ((size_t)m->strs.count + 63) / 64;
    uint64_t *seen = cov_calloc(words ? words : 1, sizeof *seen);
    cov_vec found = {0};
    int ok = seen != NULL;
    for (uint32_t i = 0; ok && i < m->tests.count; i++) {
        const cov_test *t = cov_model_test(m, i);
        uint32_t items;
        const cov_sym *list = cov_model_list_items(m, t->f.archs, &items);
        const cov_override *o = t->n_overrides ? cov_model_overrides(m, t) : NULL;
        for (uint32_t k = 0; ok && k < items + t->n_overrides; k++) {
            cov_sym a = k < items ? list[k] : o[k - items].arch;
            if (!a || (seen[a / 64] >> (a % 64) & 1))
                continue;
            seen[a / 64] |= 1ull << (a % 64);
            cov_sym *slot = cov_vec_push(&found, sizeof *slot);
            if (slot)
                *slot = a;
            ok = slot != NULL;
        }
    }
    cov_free(seen);
    if (!ok) {
        cov_vec_free(&found);
        *n = UINT32_MAX;
        return NULL;
    }
    /* Sorted by name: pairs of (text, symbol) sort without the model. */
    cov_sym *v = found.items;
    arch_name *names = found.count ? cov_malloc(found.count * sizeof *names) : NULL;
    if (found.count && !names) {
        cov_vec_free(&found);
        *n = UINT32_MAX;
        return NULL;
    }
    for (uint32_t i = 0; i < found.count; i++)
        names[i] = (arch_name){cov_model_str(m, v[i]), v[i]};
    if (found.count)
        qsort(names, found.count, sizeof *names, arch_name_cmp);
    for (uint32_t i = 0; i < found.count; i++)
        v[i] = names[i].sym;
    cov_free(names);
    cache->arches = v;
    cache->n_arches = found.count;
    cache->arches_at = m->changes + 1;
    *n = cache->n_arches;
    return cache->arches;
}

int cov_model_init(cov_model *m)
{
    memset(m, 0, sizeof *m);
    cov_arena_init(&m->arena);
    cov_interner_init(&m->strs);
    /* Index 0 of suffixes and lists means "none". */
    if (!cov_vec_push(&m->suffixes, sizeof(cov_suffix)) ||
        !cov_vec_push(&m->lists, sizeof(uint32_t)) ||
        !(m->cache = cov_calloc(1, sizeof *m->cache))) {
        cov_model_free(m);
        return COV_ENOMEM;
    }
    return COV_OK;
}

void cov_model_free(cov_model *m)
{
    cov_arena_free(&m->arena);
    cov_interner_free(&m->strs);
    cov_vec_free(&m->sources);
    cov_vec_free(&m->tests);
    cov_vec_free(&m->suffixes);
    cov_vec_free(&m->overrides);
    cov_vec_free(&m->placeholders);
    cov_vec_free(&m->lists);
    cov_vec_free(&m->modules);
    cov_vec_free(&m->registrations);
    cov_vec_free(&m->duplicates);
    cov_vec_free(&m->loaders);
    cov_vec_free(&m->lvariants);
    cov_map_free(&m->loader_index);
    cov_map_free(&m->lvariant_index);
    cov_free(m->join);
    if (m->standing)
        m->standing_free(m->standing);
    cov_index_free(&m->suffix_ix);
    cov_index_free(&m->id_ix);
    if (m->cache)
        cov_free(m->cache->arches);
    cov_free(m->cache);
    memset(m, 0, sizeof *m);
}

uint32_t cov_model_add_source(cov_model *m, const char *path, int kind, cov_sym framework)
{
    char *copy = cov_arena_strndup(&m->arena, path, strlen(path));
    cov_source *s = copy ? cov_vec_push(&m->sources, sizeof *s) : NULL;
    if (!s)
        return UINT32_MAX;
    s->path = copy;
    s->kind = kind;
    s->framework = framework;
    return m->sources.count - 1;
}

uint32_t cov_model_list(cov_model *m, const cov_sym *items, uint32_t n)
{
    uint32_t handle = m->lists.count;
    uint32_t *w = cov_vec_push(&m->lists, sizeof *w);
    if (!w)
        return 0;
    *w = n;
    for (uint32_t i = 0; i < n; i++) {
        w = cov_vec_push(&m->lists, sizeof *w);
        if (!w) {
            m->lists.count = handle;
            return 0;
        }
        *w = items[i];
    }
    return handle;
}

const cov_sym *cov_model_list_items(const cov_model *m, uint32_t handle, uint32_t *n)
{
    if (!handle) {
        *n = 0;
        return NULL;
    }
    const uint32_t *w = COV_VEC_AT(m->lists, uint32_t, handle);
    *n = w[0];
    return w + 1;
}

/* The suffix record for the parsed id, adding it the first time. */
static uint32_t suffix_index(cov_model *m, const char *id, const cov_testid *p)
{
    cov_sym text = cov_model_intern(m, id + p->suffix.off, p->suffix.len);
    if (text == COV_SYM_OOM)
        return 0;
    cov_index_cursor c = cov_index_probe(&m->suffix_ix, text * 0x9E3779B1u);
    for (const uint32_t *v; (v = cov_index_next(&m->suffix_ix, &c));)
        if (cov_model_suffix(m, *v)->text == text)
            return *v;
    cov_suffix *s = cov_vec_push(&m->suffixes, sizeof *s);
    if (!s)
        return 0;
    s->text = text;
    s->seq = p->seq_n;
    s->batch = p->batch_n;
    const cov_span *spans[] = {&p->llm_phase, &p->strategy, &p->parallelism,
                               &p->mesh,      &p->exec,     &p->run_mode};
    cov_sym *dst[] = {&s->llm_phase, &s->strategy, &s->parallelism,
                      &s->mesh,      &s->exec,     &s->run_mode};
    for (size_t k = 0; k < sizeof spans / sizeof *spans; k++) {
        if (!spans[k]->len)
            continue;
        *dst[k] = cov_model_intern(m, id + spans[k]->off, spans[k]->len);
        if (*dst[k] == COV_SYM_OOM) {
            m->suffixes.count--;
            return 0;
        }
    }
    uint32_t index = m->suffixes.count - 1;
    if (cov_index_add(&m->suffix_ix, &c, index) < 0) {
        m->suffixes.count--;
        return 0;
    }
    return index;
}

int cov_model_set_id(cov_model *m, cov_test *t, const char *id, size_t len)
{
    cov_testid p;
    cov_testid_parse(id, len, &p);
    t->parsed = (uint8_t)p.parsed;
    t->family = t->task_path = t->variant = COV_SYM_NONE;
    t->suffix = 0;
    t->model_fw = COV_MFW_NONE;
    if (p.family.len) {
        t->family = cov_model_intern(m, id + p.family.off, p.family.len);
        if (t->family == COV_SYM_OOM)
            return COV_ENOMEM;
    }
    if (!p.parsed) {
        m->unparsed++;
        t->variant = cov_model_intern(m, id, len);
        return t->variant == COV_SYM_OOM ? COV_ENOMEM : COV_OK;
    }
    if (p.task_path.len) {
        t->task_path = cov_model_intern(m, id + p.task_path.off, p.task_path.len);
        if (t->task_path == COV_SYM_OOM)
            return COV_ENOMEM;
    }
    if (p.variant.len) {
        t->variant = cov_model_intern(m, id + p.variant.off, p.variant.len);
        if (t->variant == COV_SYM_OOM)
            return COV_ENOMEM;
    }
    t->model_fw = id[p.model_fw.off] == 'j' ? COV_MFW_JAX : COV_MFW_PYTORCH;
    t->suffix = suffix_index(m, id, &p);
    return t->suffix ? COV_OK : COV_ENOMEM;
}

/* Appends s to buf at *at, counting what does not fit. */
static void put(char *buf, size_t size, size_t *at, const char *s, size_t n)
{
    if (*at < size) {
        size_t room = size - *at;
        memcpy(buf + *at, s, n < room ? n : room);
    }
    *at += n;
}

size_t cov_model_test_id(const cov_model *m, const cov_test *t, char *buf, size_t size)
{
    size_t at = 0;
    const cov_interner *in = &m->strs;
    if (!t->parsed) {
        put(buf, size, &at, cov_sym_str(in, t->variant), cov_sym_len(in, t->variant));
    } else {
        const char *fw = cov_model_framework_name(t->model_fw);
        put(buf, size, &at, cov_sym_str(in, t->family), cov_sym_len(in, t->family));
        if (t->task_path) {
            put(buf, size, &at, "/", 1);
            put(buf, size, &at, cov_sym_str(in, t->task_path),
                cov_sym_len(in, t->task_path));
        }
        put(buf, size, &at, "/", 1);
        put(buf, size, &at, fw, strlen(fw));
        put(buf, size, &at, "-", 1);
        if (t->variant) {
            put(buf, size, &at, cov_sym_str(in, t->variant), cov_sym_len(in, t->variant));
            put(buf, size, &at, "-", 1);
        }
        cov_sym sfx = cov_model_suffix(m, t->suffix)->text;
        put(buf, size, &at, cov_sym_str(in, sfx), cov_sym_len(in, sfx));
    }
    if (size)
        buf[at < size ? at : size - 1] = '\0';
    return at;
}

/* Tests are the same id in the same framework when all id parts match. */
static uint32_t test_key_hash(const cov_model *m, uint32_t i)
{
    const cov_test *t = cov_model_test(m, i);
    uint32_t parts[6] = {t->framework, t->family, t->task_path,
                         t->variant,   t->suffix, t->model_fw};
    return cov_hash_bytes(parts, sizeof parts);
}

static int same_test_key(const cov_test *a, const cov_test *b)
{
    return a->framework == b->framework && a->family == b->family &&
           a->task_path == b->task_path && a->variant == b->variant &&
           a->suffix == b->suffix && a->model_fw == b->model_fw && a->parsed == b->parsed;
}

uint32_t cov_model_index_test(cov_model *m, uint32_t i)
{
    const cov_test *t = cov_model_test(m, i);
    cov_index_cursor c = cov_index_probe(&m->id_ix, test_key_hash(m, i));
    for (const uint32_t *v; (v = cov_index_next(&m->id_ix, &c));)
        if (same_test_key(cov_model_test(m, *v), t))
            return *v;
    return cov_index_add(&m->id_ix, &c, i) < 0 ? COV_INDEX_OOM : COV_INDEX_NEW;
}

void cov_model_mark_take(const cov_model *m, cov_model_mark *k)
{
    k->sources = m->sources.count;
    k->tests = m->tests.count;
    k->overrides = m->overrides.count;
    k->placeholders = m->placeholders.count;
    k->lists = m->lists.count;
    k->modules = m->modules.count;
    k->registrations = m->registrations.count;
    k->duplicates = m->duplicates.count;
    k->unparsed = m->unparsed;
    k->has_easydel = m->has_easydel;
    k->easydel_revision = m->easydel_revision;
    k->easydel_date = m->easydel_date;
    k->easydel_source_name = m->easydel_source_name;
    k->easydel_source = m->easydel_source;
    k->has_forge = m->has_forge;
    k->loaders = m->loaders.count;
    k->lvariants = m->lvariants.count;
}

int cov_model_rollback(cov_model *m, const cov_model_mark *k)
{
    int rebuild = m->tests.count != k->tests;
    m->sources.count = k->sources;
    m->tests.count = k->tests;
    m->overrides.count = k->overrides;
    m->placeholders.count = k->placeholders;
    m->lists.count = k->lists;
    m->modules.count = k->modules;
    m->registrations.count = k->registrations;
    m->duplicates.count = k->duplicates;
    m->unparsed = k->unparsed;
    if (rebuild)
        cov_model_standing_invalidate(m);
    m->has_easydel = k->has_easydel;
    m->easydel_revision = k->easydel_revision;
    m->easydel_date = k->easydel_date;
    m->easydel_source_name = k->easydel_source_name;
    m->easydel_source = k->easydel_source;
    if (m->has_forge && !k->has_forge) {
        /* The tree's lookups go with it; the join covers no test again. */
        cov_map_free(&m->loader_index);
        cov_map_free(&m->lvariant_index);
        m->unknown = 0;
    }
    m->has_forge = k->has_forge;
    m->loaders.count = k->loaders;
    m->lvariants.count = k->lvariants;
    if (!rebuild || !m->id_ix.slots)
        return COV_OK;
    /* Drop index entries of the removed tests by rebuilding from the rest. */
    cov_index_clear(&m->id_ix);
    for (uint32_t i = 0; i < m->tests.count; i++)
        if (cov_model_index_test(m, i) == COV_INDEX_OOM)
            return COV_ENOMEM;
    return COV_OK;
}

int cov_model_note_duplicate(cov_model *m, uint32_t later, uint32_t earlier)
{
    cov_duplicate *d = cov_vec_push(&m->duplicates, sizeof *d);
    if (!d)
        return COV_ENOMEM;
    const cov_test *e = cov_model_test(m, earlier);
    *d = (cov_duplicate){later, earlier, e->source, e->line, e->column};
    /* The id now names the later entry: a third file repeating it replaces
     * this one, and a repeat within this file is a duplicate key. */
    cov_index_cursor c = cov_index_probe(&m->id_ix, test_key_hash(m, earlier));
    for (uint32_t *v; (v = cov_index_next(&m->id_ix, &c));)
        if (*v == earlier) {
            *v = later;
            break;
        }
    return COV_OK;
}

int cov_model_resolve_duplicates(cov_model *m, uint32_t first)
{
    uint32_t nd = m->duplicates.count, n = m->tests.count;
    if (first >= nd)
        return COV_OK;
    /* replaced[i]: the test that replaces test i, + 1; then its new index. */
    uint32_t *replaced = cov_calloc(n ? n : 1, sizeof *replaced);
    if (!replaced)
        return COV_ENOMEM;
    cov_duplicate *dup = m->duplicates.items;
    for (uint32_t k = first; k < nd; k++) {
        replaced[dup[k].earlier] = dup[k].test + 1;
        dup[k].earlier = UINT32_MAX;
    }
    /* Every record names the entry finally kept: follow the replacements. */
    for (uint32_t k = 0; k < nd; k++)
        while (replaced[dup[k].test])
            dup[k].test = replaced[dup[k].test] - 1;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
        cov_test *t = cov_model_test(m, i);
        if (replaced[i]) {
            if (!t->parsed)
                m->unparsed--;
            replaced[i] = UINT32_MAX;
            continue;
        }
        if (kept != i)
            *cov_model_test(m, kept) = *t;
        replaced[i] = kept++;
    }
    for (uint32_t k = 0; k < nd; k++)
        dup[k].test = replaced[dup[k].test];
    cov_free(replaced);
    m->tests.count = kept;
    cov_index_clear(&m->id_ix);
    int rc = COV_OK;
    for (uint32_t i = 0; i < m->tests.count && rc == COV_OK; i++)
        if (cov_model_index_test(m, i) == COV_INDEX_OOM)
            rc = COV_ENOMEM;          /* not expected: fewer keys than before, no growth */
    cov_model_standing_invalidate(m); /* the caller rebuilds it */
    return rc;
}

void cov_model_standing_invalidate(cov_model *m)
{
    if (m->standing)
        m->standing_free(m->standing);
    m->standing = NULL;
    m->standing_state = COV_STANDING_STALE;
}
