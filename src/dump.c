#include "dump.h"

#include "alloc.h"
#include "strbuf.h"
#include "yaml_scalar.h"

#include <math.h>
#include <string.h>

/* cJSON_Add*ToObject return NULL on OOM; the element is then incomplete and
 * we report OOM for the whole dump. ok tracks that. */
typedef struct jctx {
    const cov_model *m;
    int ok;
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
        const cov_node *child = n->kind == COV_NODE_MAP ? &n->items[2 * i + 1] : &n->items[i];
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
            const char *k = key->kind == COV_NODE_SCALAR ? cov_model_str(m, key->value) : NULL;
            added = cJSON_AddItemToObject(f->json, k ? k : "", cj);
        } else {
            added = cJSON_AddItemToArray(f->json, cj);
        }
        if (!added) {
            cJSON_Delete(cj);
            goto oom;
        }
        if (child->kind == COV_NODE_MAP || child->kind == COV_NODE_SEQ) {
            if (top == cap) {
                frame *bigger = cov_realloc(stack, cap * 2 * sizeof *stack);
                if (!bigger)
                    goto oom;
                stack = bigger;
                cap *= 2;
            }
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

static void add_fields(jctx *c, cJSON *obj, const cov_fields *f, int entry)
{
    int status = f->status;
    if (entry && !status)
        status = COV_STATUS_UNSPECIFIED;
    add(c, obj, "status", enum_json(cov_status_name(status)));
    add(c, obj, "bringup_status", enum_json(cov_bringup_name(f->bringup)));
    add(c, obj, "reason", sym_json(c, f->reason));
    if (entry || f->has_markers)
        add(c, obj, "markers", list_json(c, f->markers));
    if (entry || f->has_archs)
        add(c, obj, "supported_archs", list_json(c, f->archs));
    if (f->extra)
        add(c, obj, "extra", cov_node_to_json(c->m, f->extra));
    else if (entry)
        add(c, obj, "extra", cJSON_CreateObject());
}

static cJSON *int_or_null(int32_t v)
{
    return v >= 0 ? cJSON_CreateNumber(v) : cJSON_CreateNull();
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

static cJSON *test_json(jctx *c, const cov_test *t)
{
    const cov_model *m = c->m;
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        c->ok = 0;
        return NULL;
    }
    char small[512];
    size_t n = cov_model_test_id(m, t, small, sizeof small);
    if (n < sizeof small) {
        add(c, o, "id", cJSON_CreateString(small));
    } else {
        char *big = cov_malloc(n + 1);
        if (big)
            cov_model_test_id(m, t, big, n + 1);
        add(c, o, "id", big ? cJSON_CreateString(big) : NULL);
        cov_free(big);
    }
    const cov_suffix *sx = t->parsed ? cov_model_suffix(m, t->suffix) : NULL;
    add(c, o, "framework", sym_json(c, t->framework));
    add(c, o, "family", sym_json(c, t->family));
    add(c, o, "task_path", task_path_json(c, t->task_path));
    add(c, o, "model_framework", enum_json(cov_model_framework_name(t->model_fw)));
    add(c, o, "variant", sym_json(c, t->parsed ? t->variant : COV_SYM_NONE));
    add(c, o, "llm_phase", sym_json(c, sx ? sx->llm_phase : 0));
    add(c, o, "seq", int_or_null(sx ? sx->seq : -1));
    add(c, o, "batch", int_or_null(sx ? sx->batch : -1));
    add(c, o, "strategy", sym_json(c, sx ? sx->strategy : 0));
    add(c, o, "parallelism", sym_json(c, sx ? sx->parallelism : 0));
    add(c, o, "mesh", sym_json(c, sx ? sx->mesh : 0));
    add(c, o, "exec", sym_json(c, sx ? sx->exec : 0));
    add(c, o, "run_mode", sym_json(c, sx ? sx->run_mode : 0));
    add(c, o, "parsed", cJSON_CreateBool(t->parsed));
    add_fields(c, o, &t->f, 1);
    cJSON *ov = cJSON_CreateObject();
    const cov_override *list = t->n_overrides ? cov_model_overrides(m, t) : NULL;
    for (uint32_t i = 0; ov && i < t->n_overrides; i++) {
        cJSON *one = cJSON_CreateObject();
        if (one)
            add_fields(c, one, &list[i].f, 0);
        add(c, ov, cov_model_str(m, list[i].arch), one);
    }
    add(c, o, "arch_overrides", ov);
    add(c, o, "file", cJSON_CreateString(cov_model_source(m, t->source)->path));
    add(c, o, "line", cJSON_CreateNumber(t->line));
    add(c, o, "column", cJSON_CreateNumber(t->column));
    return o;
}

cJSON *cov_test_to_json(const cov_model *m, const cov_test *t)
{
    jctx c = {m, 1};
    cJSON *o = test_json(&c, t);
    if (!c.ok) {
        cJSON_Delete(o);
        return NULL;
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
    jctx c = {m, 1};
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
    cov_buf_adds(&b, "],\n\"easydel\": ");
    if (!m->has_easydel) {
        cov_buf_adds(&b, "null");
    } else {
        cJSON *head = cJSON_CreateObject();
        if (head) {
            add(&c, head, "revision", sym_json(&c, m->easydel_revision));
            add(&c, head, "date", sym_json(&c, m->easydel_date));
            add(&c, head, "source", cJSON_CreateString(
                                        cov_model_source(m, m->easydel_source)->path));
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
                emit(&c, &b, module_json(&c, COV_VEC_AT(m->modules, cov_module, i)), i == 0);
            cov_buf_adds(&b, "]}");
        }
    }
    cov_buf_adds(&b, "\n}\n");
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
