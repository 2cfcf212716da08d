#include "model.h"

#include "alloc.h"
#include "aggregate.h"
#include "covengine.h"
#include "testid.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const status_names[COV_STATUS_COUNT] = {
    NULL, "EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "NOT_SUPPORTED_SKIP",
    "UNSPECIFIED", "EXCLUDE_MODEL"};

static const char *const bringup_names[COV_BRINGUP_COUNT] = {
    NULL, "FAILED_FE_COMPILATION", "FAILED_TTMLIR_COMPILATION", "FAILED_RUNTIME",
    "INCORRECT_RESULT", "PASSED", "UNKNOWN", "NOT_STARTED"};

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

void *cov_vec_push(cov_vec *v, size_t item_size)
{
    if (v->count == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 16;
        if (cap < v->cap || (size_t)cap > SIZE_MAX / item_size)
            return NULL;
        void *items = cov_realloc(v->items, cap * item_size);
        if (!items)
            return NULL;
        v->items = items;
        v->cap = cap;
    }
    char *slot = (char *)v->items + (size_t)v->count++ * item_size;
    memset(slot, 0, item_size);
    return slot;
}

void cov_vec_free(cov_vec *v)
{
    cov_free(v->items);
    memset(v, 0, sizeof *v);
}

int cov_model_init(cov_model *m)
{
    memset(m, 0, sizeof *m);
    cov_arena_init(&m->arena);
    cov_interner_init(&m->strs);
    /* Index 0 of suffixes and lists means "none". */
    if (!cov_vec_push(&m->suffixes, sizeof(cov_suffix)) ||
        !cov_vec_push(&m->lists, sizeof(uint32_t))) {
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
    cov_free(m->loader_slots);
    cov_free(m->lvariant_slots);
    cov_free(m->join);
    cov_agg_free(m->standing);
    cov_free(m->suffix_slots);
    cov_free(m->id_slots);
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

/* Open-addressing set of indices (stored + 1) keyed by a caller's hash. */
static int grow_slots(uint32_t **slots, uint32_t *mask, uint32_t used,
                      uint32_t (*hash_of)(const cov_model *, uint32_t), const cov_model *m)
{
    if (*slots && (used + 1) * 2 <= *mask + 1)
        return 0;
    uint32_t size = *slots ? (*mask + 1) * 2 : 64;
    uint32_t *fresh = cov_calloc(size, sizeof *fresh);
    if (!fresh)
        return -1;
    if (*slots) {
        for (uint32_t i = 0; i <= *mask; i++) {
            uint32_t v = (*slots)[i];
            if (!v)
                continue;
            uint32_t j = hash_of(m, v - 1) & (size - 1);
            while (fresh[j])
                j = (j + 1) & (size - 1);
            fresh[j] = v;
        }
        cov_free(*slots);
    }
    *slots = fresh;
    *mask = size - 1;
    return 0;
}

static uint32_t suffix_hash(const cov_model *m, uint32_t i)
{
    return cov_model_suffix(m, i)->text * 0x9E3779B1u;
}

/* The suffix record for the parsed id, adding it the first time. */
static uint32_t suffix_index(cov_model *m, const char *id, const cov_testid *p)
{
    cov_sym text = cov_model_intern(m, id + p->suffix.off, p->suffix.len);
    if (text == COV_SYM_OOM)
        return 0;
    uint32_t h = text * 0x9E3779B1u;
    if (m->suffix_slots) {
        for (uint32_t j = h & m->suffix_mask; m->suffix_slots[j];
             j = (j + 1) & m->suffix_mask) {
            uint32_t i = m->suffix_slots[j] - 1;
            if (cov_model_suffix(m, i)->text == text)
                return i;
        }
    }
    if (grow_slots(&m->suffix_slots, &m->suffix_mask, m->suffixes.count, suffix_hash, m) < 0)
        return 0;
    cov_suffix *s = cov_vec_push(&m->suffixes, sizeof *s);
    if (!s)
        return 0;
    s->text = text;
    s->seq = p->seq_n;
    s->batch = p->batch_n;
    const cov_span *spans[] = {&p->llm_phase, &p->strategy, &p->parallelism,
                               &p->mesh, &p->exec, &p->run_mode};
    cov_sym *dst[] = {&s->llm_phase, &s->strategy, &s->parallelism,
                      &s->mesh, &s->exec, &s->run_mode};
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
    uint32_t j = h & m->suffix_mask;
    while (m->suffix_slots[j])
        j = (j + 1) & m->suffix_mask;
    m->suffix_slots[j] = index + 1;
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
            put(buf, size, &at, cov_sym_str(in, t->task_path), cov_sym_len(in, t->task_path));
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
    uint32_t parts[6] = {t->framework, t->family, t->task_path, t->variant, t->suffix,
                         t->model_fw};
    return cov_hash_bytes(parts, sizeof parts);
}

static int same_test_key(const cov_test *a, const cov_test *b)
{
    return a->framework == b->framework && a->family == b->family &&
           a->task_path == b->task_path && a->variant == b->variant &&
           a->suffix == b->suffix && a->model_fw == b->model_fw &&
           a->parsed == b->parsed;
}

uint32_t cov_model_index_test(cov_model *m, uint32_t i)
{
    if (grow_slots(&m->id_slots, &m->id_mask, m->tests.count, test_key_hash, m) < 0)
        return COV_INDEX_OOM;
    const cov_test *t = cov_model_test(m, i);
    uint32_t j = test_key_hash(m, i) & m->id_mask;
    for (; m->id_slots[j]; j = (j + 1) & m->id_mask) {
        uint32_t other = m->id_slots[j] - 1;
        if (same_test_key(cov_model_test(m, other), t))
            return other;
    }
    m->id_slots[j] = i + 1;
    return COV_INDEX_NEW;
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
        cov_free(m->loader_slots);
        cov_free(m->lvariant_slots);
        m->loader_slots = m->lvariant_slots = NULL;
        m->loader_mask = m->lvariant_mask = 0;
        m->unknown = 0;
    }
    m->has_forge = k->has_forge;
    m->loaders.count = k->loaders;
    m->lvariants.count = k->lvariants;
    if (!rebuild || !m->id_slots)
        return COV_OK;
    /* Drop index entries of the removed tests by rebuilding from the rest. */
    memset(m->id_slots, 0, ((size_t)m->id_mask + 1) * sizeof *m->id_slots);
    for (uint32_t i = 0; i < m->tests.count; i++)
        if (cov_model_index_test(m, i) == COV_INDEX_OOM)
            return COV_ENOMEM;
    return COV_OK;
}

int cov_model_note_duplicate(cov_model *m, uint32_t later, uint32_t earlier)
{
    uint32_t *pair = cov_vec_push(&m->duplicates, 2 * sizeof *pair);
    if (!pair)
        return COV_ENOMEM;
    pair[0] = later;
    pair[1] = earlier;
    return COV_OK;
}

/* What lua/covengine/facts.lua asks ds:group for; any other query is
 * computed when asked. */
static const int standing_keys[] = {COV_K_FRAMEWORK, COV_K_FAMILY, COV_K_TASK_PATH};
static const int standing_collect[] = {COV_K_VARIANT, COV_K_RUN_MODE, COV_K_PARALLELISM};
enum { STANDING_LIMIT = 16 };

void cov_model_standing_invalidate(cov_model *m)
{
    cov_agg_free(m->standing);
    m->standing = NULL;
    m->standing_state = COV_STANDING_STALE;
}

void cov_model_note_test(cov_model *m, uint32_t i)
{
    if (m->standing_state == COV_STANDING_STALE)
        return;
    if (m->standing_state == COV_STANDING_EMPTY) {
        /* Only a model whose every test is noted can have one. */
        m->standing = i == 0 ? cov_agg_new(standing_keys, 3, standing_collect, 3,
                                           STANDING_LIMIT)
                             : NULL;
        if (!m->standing) {
            m->standing_state = COV_STANDING_STALE;
            return;
        }
        m->standing_state = COV_STANDING_LIVE;
    }
    if (cov_agg_add(m->standing, m, i) != COV_OK)
        cov_model_standing_invalidate(m); /* out of memory: compute on demand */
    else
        m->standing_tests++;
}

const struct cov_agg *cov_model_standing(const cov_model *m)
{
    return m->standing_state == COV_STANDING_LIVE && m->standing_tests == m->tests.count
               ? m->standing
               : NULL;
}
