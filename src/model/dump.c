#include "model/dump.h"

#include "base/alloc.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "formats/yaml_scalar.h"
#include "model/forge_join.h"
#include "model/test_props.h"

#include <math.h>
#include <string.h>

/* cJSON_Add*ToObject return NULL on OOM; the element is then incomplete and
 * we report OOM for the whole dump. ok tracks that. */
typedef struct jctx {
    const cov_model *m;
    int ok;
    int order[COV_K_COUNT], norder; /* the properties of a test, in dump order */
} jctx;

static void add(jctx *c, cJSON *obj, const char *key, cJSON *value)
{
    if (!value || !cJSON_AddItemToObject(obj, key, value)) {
        cJSON_Delete(value);
        c->ok = 0;
    }
}

static cJSON *sym_json(jctx *c, cov_sym s)
{
    return s ? cJSON_CreateString(cov_model_str(c->m, s)) : cJSON_CreateNull();
}

static cJSON *enum_json(const char *name)
{
    return name ? cJSON_CreateString(name) : cJSON_CreateNull();
}

static cJSON *list_json(jctx *c, uint32_t handle)
{
    cJSON *arr = cJSON_CreateArray();
    uint32_t n;
    const cov_sym *items = cov_model_list_items(c->m, handle, &n);
    for (uint32_t i = 0; arr && i < n; i++) {
        cJSON *s = sym_json(c, items[i]);
        if (!s || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            c->ok = 0;
        }
    }
    return arr;
}

static cJSON *scalar_json(const cov_model *m, const cov_node *n)
{
    const char *s = cov_model_str(m, n->value);
    size_t len = cov_sym_len(&m->strs, n->value);
    if (!n->plain)
        return cJSON_CreateString(s ? s : "");
    cov_yaml_value v;
    switch (cov_yaml_resolve(s ? s : "", len, &v)) {
    case COV_YAML_NULL: return cJSON_CreateNull();
    case COV_YAML_BOOL: return cJSON_CreateBool(v.boolean);
    case COV_YAML_INT: return cJSON_CreateNumber((double)v.integer);
    case COV_YAML_FLOAT:
        /* JSON has no inf/nan: keep the text rather than lose the value. */
        return isfinite(v.number) ? cJSON_CreateNumber(v.number) : cJSON_CreateString(s);
    default: return cJSON_CreateString(s);
    }
}

/* Iterative over an explicit stack: node depth is bounded by the loader's
 * limit, but nothing here should rely on that. */
cJSON *cov_node_to_json(const cov_model *m, const cov_node *root)
{
    typedef struct frame {
        const cov_node *node;
        cJSON *json;
        uint32_t next;
    } frame;
    if (!root || root->kind == COV_NODE_NULL)
        return cJSON_CreateNull();
    if (root->kind == COV_NODE_SCALAR)
        return scalar_json(m, root);
    size_t cap = 16, top = 0;
    frame *stack = cov_malloc(cap * sizeof *stack);
    cJSON *out = root->kind == COV_NODE_MAP ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!stack || !out)
        goto oom;
    stack[top++] = (frame){root, out, 0};
    while (top) {
        frame *f = &stack[top - 1];
        const cov_node *n = f->node;
        if (f->next >= n->n) {
            top--;
            continue;
        }
        uint32_t i = f->next++;
        const cov_node *child =
            n->kind == COV_NODE_MAP ? &n->items[2 * i + 1] : &n->items[i];
        cJSON *cj;
        if (child->kind == COV_NODE_MAP)
            cj = cJSON_CreateObject();
        else if (child->kind == COV_NODE_SEQ)
            cj = cJSON_CreateArray();
        else if (child->kind == COV_NODE_SCALAR)
            cj = scalar_json(m, child);
        else
            cj = cJSON_CreateNull();
        if (!cj)
            goto oom;
        int added;
        if (n->kind == COV_NODE_MAP) {
            const cov_node *key = &n->items[2 * i];
            const char *k =
                key->kind == COV_NODE_SCALAR ? cov_model_str(m, key->value) : NULL;
            added = cJSON_AddItemToObject(f->json, k ? k : "", cj);
        } else {
            added = cJSON_AddItemToArray(f->json, cj);
        }
        if (!added) {
            cJSON_Delete(cj);
            goto oom;
        }
        if (child->kind == COV_NODE_MAP || child->kind == COV_NODE_SEQ) {
            if (COV_GROW_ONE(stack, top, cap) < 0)
                goto oom;
            stack[top++] = (frame){child, cj, 0};
        }
    }
    cov_free(stack);
    return out;
oom:
    cov_free(stack);
    cJSON_Delete(out);
    return NULL;
}

/* An arch override's fields, those it gives. */
static void add_override_fields(jctx *c, cJSON *obj, const cov_fields *f)
{
    add(c, obj, "status", enum_json(cov_status_name(f->status)));
    add(c, obj, "bringup_status", enum_json(cov_bringup_name(f->bringup)));
    add(c, obj, "reason", sym_json(c, f->reason));
    if (f->has_markers)
        add(c, obj, "markers", list_json(c, f->markers));
    if (f->has_archs)
        add(c, obj, "supported_archs", list_json(c, f->archs));
    if (f->extra)
        add(c, obj, "extra", cov_node_to_json(c->m, f->extra));
}

static cJSON *task_path_json(jctx *c, cov_sym task)
{
    cJSON *arr = cJSON_CreateArray();
    const char *s = cov_model_str(c->m, task);
    while (arr && s && *s) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        cJSON *part = NULL;
        char *copy = cov_strndup(s, n);
        if (copy)
            part = cJSON_CreateString(copy);
        cov_free(copy);
        if (!part || !cJSON_AddItemToArray(arr, part)) {
            cJSON_Delete(part);
            c->ok = 0;
            break;
        }
        s += n + (slash ? 1 : 0);
    }
    return arr;
}

/* The test properties the dump writes itself (dump_how OWN in
 * test_props.h); i is t's index. */
static cJSON *json_id(jctx *c, const cov_test *t, uint32_t i)
{
    (void)i;
    char small[512];
    size_t n = cov_model_test_id(c->m, t, small, sizeof small);
    if (n < sizeof small)
        return cJSON_CreateString(small);
    char *big = cov_malloc(n + 1);
    if (big)
        cov_model_test_id(c->m, t, big, n + 1);
    cJSON *s = big ? cJSON_CreateString(big) : NULL;
    cov_free(big);
    return s;
}

static cJSON *json_extra(jctx *c, const cov_test *t, uint32_t i)
{
    (void)i;
    return t->f.extra ? cov_node_to_json(c->m, t->f.extra) : cJSON_CreateObject();
}

static cJSON *json_arch_overrides(jctx *c, const cov_test *t, uint32_t i)
{
    (void)i;
    const cov_model *m = c->m;
    cJSON *ov = cJSON_CreateObject();
    const cov_override *list = t->n_overrides ? cov_model_overrides(m, t) : NULL;
    for (uint32_t k = 0; ov && k < t->n_overrides; k++) {
        cJSON *one = cJSON_CreateObject();
        if (one)
            add_override_fields(c, one, &list[k].f);
        add(c, ov, cov_model_str(m, list[k].arch), one);
    }
    return ov;
}

/* The engine's reading of them (model.h): where the test runs and how. */
static cJSON *json_arch_status(jctx *c, const cov_test *t, uint32_t i)
{
    (void)i;
    const cov_model *m = c->m;
    cJSON *as = cJSON_CreateObject();
    uint32_t na = cov_test_arches(m, t, NULL, 0);
    cov_arch_status *al = na ? cov_malloc(na * sizeof *al) : NULL;
    if (na && !al)
        c->ok = 0;
    else
        cov_test_arches(m, t, al, na);
    for (uint32_t k = 0; as && al && k < na; k++)
        add(c, as, cov_model_str(m, al[k].arch), enum_json(cov_status_name(al[k].status)));
    cov_free(al);
    return as;
}

/* The loader variant test i joined to: {path, variant, source, group,
 * checkpoint, model, file, line}, or null. */
static cJSON *json_loader(jctx *c, const cov_test *t, uint32_t i)
{
    (void)t;
    const cov_model *m = c->m;
    const cov_lvariant *v = cov_model_test_lvariant(m, i);
    if (!v)
        return cJSON_CreateNull();
    const cov_loader *L = COV_VEC_AT(m->loaders, cov_loader, v->loader);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add(c, o, "path", sym_json(c, L->path));
    add(c, o, "variant", sym_json(c, v->value));
    add(c, o, "source", sym_json(c, v->field[COV_LF_SOURCE]));
    add(c, o, "group", sym_json(c, v->field[COV_LF_GROUP]));
    add(c, o, "checkpoint", sym_json(c, v->checkpoint));
    add(c, o, "model", sym_json(c, v->field[COV_LF_MODEL]));
    add(c, o, "file", sym_json(c, v->file));
    add(c, o, "line", cJSON_CreateNumber(v->line));
    return o;
}

static cJSON *json_loader_unknown(jctx *c, const cov_test *t, uint32_t i)
{
    (void)t;
    char why[1200];
    const char *reason = cov_forge_unknown_reason(c->m, i, why, sizeof why);
    return reason ? cJSON_CreateString(reason) : cJSON_CreateNull();
}

/* A property the dump writes from its value (dump_how VAL). */
static cJSON *value_json(jctx *c, int kind, uint32_t v)
{
    switch (cov_prop(kind)->type) {
    case COV_PT_SYM: return sym_json(c, v);
    case COV_PT_PATH: return task_path_json(c, v);
    case COV_PT_INT1: return v ? cJSON_CreateNumber((double)v - 1) : cJSON_CreateNull();
    case COV_PT_MFW: return enum_json(cov_model_framework_name((int)v));
    case COV_PT_STATUS: return enum_json(cov_status_name((int)v));
    case COV_PT_BRINGUP: return enum_json(cov_bringup_name((int)v));
    case COV_PT_FILE: return cJSON_CreateString(cov_model_source(c->m, v - 1)->path);
    case COV_PT_BOOL: return cJSON_CreateBool(v != 0);
    case COV_PT_UINT: return cJSON_CreateNumber(v);
    case COV_PT_LIST: return list_json(c, v);
    default: return cJSON_CreateNull();
    }
}

static cJSON *test_json(jctx *c, const cov_test *t)
{
    typedef cJSON *(*writer)(jctx *, const cov_test *, uint32_t);
    static const writer own[COV_K_COUNT] = {
#define DUMP_VAL(name, K)
#define DUMP_OWN(name, K) [COV_K_##K] = json_##name,
#define OWN_WRITER(name, K, type, value, view, group, filter, dump, dump_name, how)        \
    DUMP_##how(name, K)
        COV_TEST_PROPS(OWN_WRITER)
#undef OWN_WRITER
#undef DUMP_VAL
#undef DUMP_OWN
    };
    const cov_model *m = c->m;
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        c->ok = 0;
        return NULL;
    }
    uint32_t i = (uint32_t)(t - COV_VEC_AT(m->tests, cov_test, 0));
    for (int k = 0; k < c->norder; k++) {
        int kind = c->order[k];
        const cov_prop_info *p = cov_prop(kind);
        add(c, o, p->dump_name,
            p->dump_own ? own[kind](c, t, i)
                        : value_json(c, kind, cov_prop_value(m, t, kind)));
    }
    return o;
}

static cJSON *placeholder_json(jctx *c, const cov_placeholder *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        c->ok = 0;
        return NULL;
    }
    add(c, o, "name", sym_json(c, p->name));
    add(c, o, "bringup_status", enum_json(cov_bringup_name(p->bringup)));
    if (p->f.extra)
        add(c, o, "extra", cov_node_to_json(c->m, p->f.extra));
    add(c, o, "file", cJSON_CreateString(cov_model_source(c->m, p->source)->path));
    add(c, o, "line", cJSON_CreateNumber(p->line));
    add(c, o, "column", cJSON_CreateNumber(p->column));
    return o;
}

static cJSON *module_json(jctx *c, const cov_module *mod)
{
    const cov_model *m = c->m;
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        c->ok = 0;
        return NULL;
    }
    add(c, o, "name", sym_json(c, mod->name));
    if (mod->type)
        add(c, o, "type", sym_json(c, mod->type));
    cJSON *regs = cJSON_CreateArray();
    for (uint32_t i = 0; regs && i < mod->count; i++) {
        const cov_registration *r =
            COV_VEC_AT(m->registrations, cov_registration, mod->first + i);
        cJSON *ro = cJSON_CreateObject();
        if (!ro) {
            c->ok = 0;
            break;
        }
        add(c, ro, "task", sym_json(c, r->task));
        add(c, ro, "model_type", sym_json(c, r->model_type));
        add(c, ro, "config", sym_json(c, r->config));
        add(c, ro, "class", sym_json(c, r->class_name));
        if (r->file) {
            add(c, ro, "file", sym_json(c, r->file));
            add(c, ro, "line", cJSON_CreateNumber(r->line));
        }
        if (!cJSON_AddItemToArray(regs, ro)) {
            cJSON_Delete(ro);
            c->ok = 0;
        }
    }
    add(c, o, "registrations", regs);
    return o;
}

static cJSON *source_json(jctx *c, const cov_source *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        c->ok = 0;
        return NULL;
    }
    add(c, o, "path", cJSON_CreateString(s->path));
    add(c, o, "kind", cJSON_CreateString(cov_source_kind_name(s->kind)));
    add(c, o, "framework", sym_json(c, s->framework));
    add(c, o, "entries", cJSON_CreateNumber(s->entries));
    return o;
}

static cJSON *lvariant_json(jctx *c, const cov_lvariant *v)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add(c, o, "name", sym_json(c, v->name));
    add(c, o, "value", sym_json(c, v->value));
    add(c, o, "checkpoint", sym_json(c, v->checkpoint));
    add(c, o, "line", cJSON_CreateNumber(v->line));
    add(c, o, "tested", cJSON_CreateBool(v->tests > 0));
    add(c, o, "tests", cJSON_CreateNumber(v->tests));
    for (int f = 0; f < COV_LF_COUNT; f++)
        add(c, o, cov_loader_field_name(f), sym_json(c, v->field[f]));
    add(c, o, "prefill", cJSON_CreateBool(v->prefill));
    return o;
}

/* One loader: the fields of docs/design.md 5 and, additively, how each ModelInfo
 * field is written ("fields"), its base (adapters), default variant,
 * readability, LLM phases and config entries. */
static cJSON *loader_json(jctx *c, const cov_loader *L)
{
    const cov_model *m = c->m;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add(c, o, "path", sym_json(c, L->path));
    add(c, o, "file", sym_json(c, L->file));
    add(c, o, "line", L->line ? cJSON_CreateNumber(L->line) : cJSON_CreateNull());
    cJSON *computed = cJSON_CreateArray(), *fields = cJSON_CreateObject();
    static const int order[] = {COV_LF_FRAMEWORK, COV_LF_SOURCE, COV_LF_GROUP, COV_LF_TASK,
                                COV_LF_MODEL};
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        const cov_loader_field *f = &L->f[order[k]];
        const char *name = cov_loader_field_name(order[k]);
        add(c, o, name,
            f->how == COV_LV_LITERAL ? sym_json(c, f->value) : cJSON_CreateNull());
    }
    for (int k = 0; k < COV_LF_COUNT; k++) {
        const cov_loader_field *f = &L->f[k];
        const char *name = cov_loader_field_name(k);
        if (computed && f->how != COV_LV_LITERAL && f->how != COV_LV_ABSENT &&
            !cJSON_AddItemToArray(computed, cJSON_CreateString(name)))
            c->ok = 0;
        cJSON *fo = cJSON_CreateObject();
        if (fo) {
            add(c, fo, "how", cJSON_CreateString(cov_loader_how_name(f->how)));
            add(c, fo, "line", f->line ? cJSON_CreateNumber(f->line) : cJSON_CreateNull());
            if (f->how == COV_LV_CANDIDATES)
                add(c, fo, "candidates", list_json(c, f->cands));
        }
        add(c, fields, name, fo);
    }
    add(c, o, "computed", computed);
    add(c, o, "fields", fields);
    add(c, o, "base", sym_json(c, L->base));
    add(c, o, "default_variant", sym_json(c, L->default_variant));
    add(c, o, "readable", cJSON_CreateBool(L->readable));
    cJSON *phases = cJSON_CreateArray();
    if (phases && (L->phases & COV_LOADER_DECODE))
        cJSON_AddItemToArray(phases, cJSON_CreateString("llm_decode"));
    if (phases && (L->phases & COV_LOADER_PREFILL))
        cJSON_AddItemToArray(phases, cJSON_CreateString("llm_prefill"));
    add(c, o, "llm_phases", phases);
    uint32_t tests = 0;
    cJSON *vars = cJSON_CreateArray();
    for (uint32_t k = 0; k < L->count; k++) {
        const cov_lvariant *v = COV_VEC_AT(m->lvariants, cov_lvariant, L->first + k);
        tests += v->tests;
        if (L->variantless || !vars)
            continue;
        cJSON *vo = lvariant_json(c, v);
        if (!vo || !cJSON_AddItemToArray(vars, vo)) {
            cJSON_Delete(vo);
            c->ok = 0;
        }
    }
    add(c, o, "variants", vars);
    /* A loader without variants: the checkpoint it names itself. */
    const cov_lvariant *slot =
        L->variantless ? COV_VEC_AT(m->lvariants, cov_lvariant, L->first) : NULL;
    add(c, o, "checkpoint", sym_json(c, slot ? slot->checkpoint : COV_SYM_NONE));
    add(c, o, "tested", cJSON_CreateBool(tests > 0));
    add(c, o, "tests", cJSON_CreateNumber(tests));
    return o;
}

/* An id read in two files: the entry kept and the one it replaced. */
static cJSON *duplicate_json(jctx *c, const cov_duplicate *d)
{
    const cov_model *m = c->m;
    const cov_test *t = cov_model_test(m, d->test);
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        c->ok = 0;
        return NULL;
    }
    char small[512];
    size_t n = cov_model_test_id(m, t, small, sizeof small);
    char *big = n < sizeof small ? NULL : cov_malloc(n + 1);
    if (big)
        cov_model_test_id(m, t, big, n + 1);
    add(c, o, "id",
        n < sizeof small ? cJSON_CreateString(small)
        : big            ? cJSON_CreateString(big)
                         : NULL);
    cov_free(big);
    add(c, o, "framework", sym_json(c, t->framework));
    add(c, o, "file", cJSON_CreateString(cov_model_source(m, t->source)->path));
    add(c, o, "line", cJSON_CreateNumber(t->line));
    add(c, o, "replaced_file", cJSON_CreateString(cov_model_source(m, d->source)->path));
    add(c, o, "replaced_line", cJSON_CreateNumber(d->line));
    add(c, o, "replaced_column", cJSON_CreateNumber(d->column));
    return o;
}

/* Prints one element compactly after a separator and frees it. */
static void emit(jctx *c, cov_buf *b, cJSON *item, int first)
{
    if (!item || !c->ok) {
        cJSON_Delete(item);
        c->ok = 0;
        return;
    }
    char *text = cJSON_PrintUnformatted(item);
    cJSON_Delete(item);
    if (!text) {
        c->ok = 0;
        return;
    }
    cov_buf_adds(b, first ? "\n  " : ",\n  ");
    cov_buf_adds(b, text);
    cJSON_free(text);
}

char *cov_dump_model(const cov_model *m, cov_diag *d)
{
    cov_alloc_hook_cjson();
    jctx c = {m, 1, {0}, 0};
    c.norder = cov_prop_dump_order(c.order);
    cov_buf b = {0};
    cov_buf_adds(&b, "{\"schema\": \"covengine.dump/1\",\n\"sources\": [");
    for (uint32_t i = 0; c.ok && i < m->sources.count; i++)
        emit(&c, &b, source_json(&c, cov_model_source(m, i)), i == 0);
    cov_buf_adds(&b, "],\n\"tests\": [");
    for (uint32_t i = 0; c.ok && i < m->tests.count; i++)
        emit(&c, &b, test_json(&c, cov_model_test(m, i)), i == 0);
    cov_buf_adds(&b, "],\n\"placeholders\": [");
    for (uint32_t i = 0; c.ok && i < m->placeholders.count; i++)
        emit(&c, &b, placeholder_json(&c, COV_VEC_AT(m->placeholders, cov_placeholder, i)),
             i == 0);
    cov_buf_adds(&b, "],\n\"arches\": [");
    uint32_t na;
    const cov_sym *arches = cov_model_arches(m, &na);
    if (na == UINT32_MAX)
        c.ok = 0;
    for (uint32_t i = 0; c.ok && i < na; i++)
        emit(&c, &b, sym_json(&c, arches[i]), i == 0);
    cov_buf_adds(&b, "],\n\"duplicates\": [");
    for (uint32_t i = 0; c.ok && i < m->duplicates.count; i++)
        emit(&c, &b, duplicate_json(&c, COV_VEC_AT(m->duplicates, cov_duplicate, i)),
             i == 0);
    cov_buf_adds(&b, "],\n\"easydel\": ");
    if (!m->has_easydel) {
        cov_buf_adds(&b, "null");
    } else {
        cJSON *head = cJSON_CreateObject();
        if (head) {
            add(&c, head, "revision", sym_json(&c, m->easydel_revision));
            add(&c, head, "date", sym_json(&c, m->easydel_date));
            add(&c, head, "source",
                cJSON_CreateString(cov_model_source(m, m->easydel_source)->path));
        }
        char *text = head && c.ok ? cJSON_PrintUnformatted(head) : NULL;
        cJSON_Delete(head);
        if (!text) {
            c.ok = 0;
        } else {
            /* Splice the module list into the object's closing brace. */
            cov_buf_add(&b, text, strlen(text) - 1);
            cJSON_free(text);
            cov_buf_adds(&b, ", \"modules\": [");
            for (uint32_t i = 0; c.ok && i < m->modules.count; i++)
                emit(&c, &b, module_json(&c, COV_VEC_AT(m->modules, cov_module, i)),
                     i == 0);
            cov_buf_adds(&b, "]}");
        }
    }
    cov_buf_adds(&b, ",\n\"tt_forge_models\": ");
    if (!m->has_forge) {
        cov_buf_adds(&b, "null");
    } else {
        cJSON *head = cJSON_CreateObject();
        if (head) {
            add(&c, head, "source",
                cJSON_CreateString(cov_model_source(m, m->forge_source)->path));
            add(&c, head, "loaders", cJSON_CreateNumber(m->loaders.count));
            add(&c, head, "unknown", cJSON_CreateNumber(m->unknown));
        }
        char *text = head && c.ok ? cJSON_PrintUnformatted(head) : NULL;
        cJSON_Delete(head);
        if (!text)
            c.ok = 0;
        else
            cov_buf_adds(&b, text);
        cJSON_free(text);
    }
    cov_buf_adds(&b, ",\n\"loaders\": [");
    for (uint32_t i = 0; c.ok && i < m->loaders.count; i++)
        emit(&c, &b, loader_json(&c, COV_VEC_AT(m->loaders, cov_loader, i)), i == 0);
    cov_buf_adds(&b, "]\n}\n");
    if (!c.ok) {
        cov_buf_free(&b);
        cov_fail(d, COV_ENOMEM, NULL, 0, 0, "out of memory writing the dump");
        return NULL;
    }
    char *out = cov_buf_take(&b);
    if (!out)
        cov_fail(d, COV_ENOMEM, NULL, 0, 0, "out of memory writing the dump");
    return out;
}
