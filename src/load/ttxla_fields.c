/* The fields of a tt-xla entry or arch override: status, bringup_status,
 * reason, markers, supported_archs and arch_overrides into their slots,
 * comparator and compiler fields and unknown ones (with a warning) into
 * f->extra as generic values. A field repeated in one mapping follows the
 * merge-key precedence of ttxla_merge.c. */
#include "load/ttxla_internal.h"

#include <string.h>

#define APPEND UINT32_MAX
#define DISCARD (UINT32_MAX - 1)

/* ---- generic values (extra fields), built without recursion ---- */

static int node_push(ttx *x, const cov_node *n, const cov_yev *at)
{
    if (COV_GROW_ONE32(x->nodes, x->n_nodes, x->cap_nodes) < 0)
        return oom_at(x, at);
    x->nodes[x->n_nodes++] = *n;
    return COV_OK;
}

static int scalar_node(ttx *x, const cov_yev *ev, cov_node *out)
{
    memset(out, 0, sizeof *out);
    if (cov_yev_is_null(ev))
        return COV_OK; /* COV_NODE_NULL */
    out->kind = COV_NODE_SCALAR;
    out->plain = (uint8_t)ev->plain;
    out->value = intern_ev(x, ev);
    return out->value == COV_SYM_OOM ? oom_at(x, ev) : COV_OK;
}

/* Moves nodes[base..] into the arena as the children of *out. */
static int node_finish(ttx *x, uint32_t base, int kind, cov_node *out, const cov_yev *at)
{
    uint32_t n = x->n_nodes - base;
    memset(out, 0, sizeof *out);
    out->kind = (uint8_t)kind;
    out->n = kind == COV_NODE_MAP ? n / 2 : n;
    if (n) {
        out->items = cov_arena_alloc(&x->m->arena, (size_t)n * sizeof *out->items);
        if (!out->items)
            return oom_at(x, at);
        memcpy(out->items, x->nodes + base, (size_t)n * sizeof *out->items);
    }
    x->n_nodes = base;
    return COV_OK;
}

static int nf_push(ttx *x, const cov_yev *ev)
{
    if (ev->type != COV_YEV_SEQ && ev->type != COV_YEV_MAP)
        return cov_ttx_fail_at(x, COV_EINPUT, ev, "unexpected YAML event");
    if (COV_GROW_ONE32(x->nf, x->n_nf, x->cap_nf) < 0)
        return oom_at(x, ev);
    nframe *f = &x->nf[x->n_nf++];
    memset(f, 0, sizeof *f);
    f->base = x->n_nodes;
    f->replace = APPEND;
    f->map = ev->type == COV_YEV_MAP;
    return f->map ? cov_ttx_map_open(x, &f->r, ev) : COV_OK;
}

/* Gives a finished child to the innermost open collection. */
static int nf_attach(ttx *x, const cov_node *node, const cov_yev *at)
{
    const nframe *f = &x->nf[x->n_nf - 1];
    if (!f->map || f->replace == APPEND)
        return node_push(x, node, at);
    if (f->replace != DISCARD)
        x->nodes[f->base + 2 * f->replace + 1] = *node;
    return COV_OK;
}

/* Reads a key of the innermost mapping and prepares where its value goes. */
static int nf_key(ttx *x, nframe *f, const cov_yev *k)
{
    if (k->type != COV_YEV_SCALAR)
        return cov_ttx_fail_at(x, COV_EINPUT, k, "complex mapping keys are not supported");
    cov_node key;
    int rc = scalar_node(x, k, &key);
    if (rc)
        return rc;
    if (key.kind == COV_NODE_NULL) { /* keep `~:` as the text it is */
        key.kind = COV_NODE_SCALAR;
        key.plain = 1;
        if ((key.value = intern_ev(x, k)) == COV_SYM_OOM)
            return oom_at(x, k);
    }
    uint64_t sk = seen_key(f->r.root, key.value);
    seen_entry *e = cov_ttx_seen_find(x, sk);
    int rank = e ? cov_ttx_map_rank(x, &f->r, e->pid) : RANK_WIN;
    if (rank == RANK_DUP)
        cov_ttx_warn_at(x, k, "duplicate key '%.*s' (first at line %u); the last one wins",
                        qlen(k->len), k->text, (unsigned)e->line);
    if (rank == RANK_LOSE) {
        f->replace = DISCARD;
    } else if (e) {
        f->replace = e->idx;
        e->pid = map_pid(x);
        e->line = k->line;
    } else {
        f->replace = APPEND;
        uint32_t idx = (x->n_nodes - f->base) / 2;
        if ((rc = node_push(x, &key, k)))
            return rc;
        if (cov_ttx_seen_add(x, sk, idx, map_pid(x), k->line) < 0)
            return oom_at(x, k);
    }
    return COV_OK;
}

/* Fetches the next child of the innermost collection into *ev, or finishes
 * the collection into *node (*done = 1). */
static int nf_next(ttx *x, cov_yev *ev, cov_node *node, int *done)
{
    nframe *f = &x->nf[x->n_nf - 1];
    int rc, more = 1;
    if (!f->map) {
        if ((rc = next(x, ev)))
            return rc;
        more = ev->type != COV_YEV_SEQ_END;
    } else if ((rc = cov_ttx_map_key(x, &f->r, ev, &more))) {
        return rc;
    }
    *done = !more;
    if (!more) {
        rc = node_finish(x, f->base, f->map ? COV_NODE_MAP : COV_NODE_SEQ, node, ev);
        x->n_nf--;
        return rc;
    }
    if (f->map && ((rc = nf_key(x, f, ev)) || (rc = next(x, ev))))
        return rc;
    return COV_OK;
}

/* Builds the value that starts with *first into *out (arena-owned). */
static int build_node(ttx *x, const cov_yev *first, cov_node *out)
{
    const uint32_t bottom = x->n_nf;
    cov_yev ev = *first;
    cov_node node;
    int rc;
    for (;;) {
        int done = ev.type == COV_YEV_SCALAR;
        if (done)
            rc = scalar_node(x, &ev, &node);
        else
            rc = nf_push(x, &ev);
        if (rc)
            return rc;
        for (;;) {
            if (done) {
                if (x->n_nf == bottom) {
                    *out = node;
                    return COV_OK;
                }
                if ((rc = nf_attach(x, &node, &ev)))
                    return rc;
            }
            if ((rc = nf_next(x, &ev, &node, &done)))
                return rc;
            if (!done)
                break; /* ev starts a child */
        }
    }
}

/* ---- fields ---- */

enum {
    FLD_EXTRA,  /* unknown: kept in extra, with a warning */
    FLD_KNOWN,  /* comparator/compiler field: kept in extra */
    FLD_STATUS, /* the rest have slots in cov_fields */
    FLD_BRINGUP,
    FLD_REASON,
    FLD_MARKERS,
    FLD_ARCHS,
    FLD_OVERRIDES
};
#define N_SLOTS (FLD_OVERRIDES - FLD_STATUS + 1)

static const char *const slot_names[N_SLOTS] = {
    "status", "bringup_status", "reason", "markers", "supported_archs", "arch_overrides"};

/* A million entries each name a few fields: switch on the length first. */
static int field_id(const char *s, size_t n)
{
#define IS(lit) (n == sizeof lit - 1 && memcmp(s, lit, n) == 0)
    switch (n) {
    case 6: return IS("status") ? FLD_STATUS : IS("reason") ? FLD_REASON : FLD_EXTRA;
    case 7: return IS("markers") ? FLD_MARKERS : FLD_EXTRA;
    case 10:
        return IS("assert_pcc") || IS("batch_size") || IS("filechecks") ? FLD_KNOWN
                                                                        : FLD_EXTRA;
    case 11: return IS("assert_atol") ? FLD_KNOWN : FLD_EXTRA;
    case 12: return IS("required_pcc") ? FLD_KNOWN : FLD_EXTRA;
    case 13:
        return IS("required_atol") || IS("allclose_rtol") || IS("allclose_atol")
                   ? FLD_KNOWN
                   : FLD_EXTRA;
    case 14:
        if (s[0] == 'b')
            return IS("bringup_status") ? FLD_BRINGUP : FLD_EXTRA;
        if (s[0] == 'a')
            return IS("arch_overrides") ? FLD_OVERRIDES : FLD_EXTRA;
        return IS("execution_pass") ? FLD_KNOWN : FLD_EXTRA;
    case 15:
        if (s[0] == 's')
            return IS("supported_archs") ? FLD_ARCHS : FLD_EXTRA;
        return IS("assert_allclose") ? FLD_KNOWN : FLD_EXTRA;
    case 17: return IS("inject_custom_moe") ? FLD_KNOWN : FLD_EXTRA;
    case 18: return IS("optimization_level") ? FLD_KNOWN : FLD_EXTRA;
    case 19: return IS("emitpy_assert_exact") ? FLD_KNOWN : FLD_EXTRA;
    case 29: return IS("enable_weight_bfp8_conversion") ? FLD_KNOWN : FLD_EXTRA;
    default: return FLD_EXTRA;
    }
#undef IS
}

typedef struct slot {
    uint32_t pid, line; /* pid 0: not seen yet */
} slot;

static int parse_enum(ttx *x, const cov_yev *v, int bringup, uint8_t *out)
{
    const char *word = bringup ? "bringup_status" : "status";
    if (v->type != COV_YEV_SCALAR)
        return cov_ttx_fail_at(x, COV_EINPUT, v, "'%s' must be a string", word);
    *out = 0;
    if (cov_yev_is_null(v))
        return COV_OK;
    int e =
        bringup ? cov_bringup_parse(v->text, v->len) : cov_status_parse(v->text, v->len);
    if (!e)
        return cov_ttx_fail_at(x, COV_EINPUT, v, "unknown %s '%.*s' (allowed: %s)", word,
                               qlen(v->len), v->text,
                               bringup ? cov_bringup_allowed() : cov_status_allowed());
    *out = (uint8_t)e;
    return COV_OK;
}

static int parse_reason(ttx *x, const cov_yev *v, cov_sym *out)
{
    if (v->type != COV_YEV_SCALAR)
        return cov_ttx_fail_at(x, COV_EINPUT, v, "'reason' must be a string");
    *out = COV_SYM_NONE;
    if (cov_yev_is_null(v))
        return COV_OK;
    *out = intern_ev(x, v);
    return *out == COV_SYM_OOM ? oom_at(x, v) : COV_OK;
}

/* A list of scalars into a model list (stored only if keep). */
static int parse_list(ttx *x, const cov_yev *v, const char *name, int keep,
                      uint32_t *handle, uint8_t *has)
{
    *handle = 0;
    *has = 0;
    if (cov_yev_is_null(v))
        return COV_OK;
    if (v->type != COV_YEV_SEQ)
        return cov_ttx_fail_at(x, COV_EINPUT, v, "'%s' must be a list of strings", name);
    x->n_syms = 0;
    for (;;) {
        cov_yev it;
        int rc = next(x, &it);
        if (rc)
            return rc;
        if (it.type == COV_YEV_SEQ_END)
            break;
        if (it.type != COV_YEV_SCALAR)
            return cov_ttx_fail_at(x, COV_EINPUT, &it, "'%s' must be a list of strings",
                                   name);
        cov_sym s = intern_ev(x, &it);
        if (s == COV_SYM_OOM || COV_GROW_ONE32(x->syms, x->n_syms, x->cap_syms) < 0)
            return oom_at(x, &it);
        x->syms[x->n_syms++] = s;
    }
    if (!keep)
        return COV_OK;
    if (!(*handle = cov_model_list(x->m, x->syms, x->n_syms)))
        return oom_at(x, v);
    *has = 1;
    return COV_OK;
}

/* One arch -> fields pair; appends an override record, then keeps it,
 * drops it or moves it over an earlier one for the same arch. */
static int one_override(ttx *x, const fctx *c, const mapr *r, const cov_yev *k,
                        uint32_t first)
{
    cov_model *m = x->m;
    if (k->type != COV_YEV_SCALAR)
        return cov_ttx_fail_at(x, COV_EINPUT, k,
                               "'arch_overrides' must be a mapping of arch to fields");
    cov_sym arch = intern_ev(x, k);
    if (arch == COV_SYM_OOM)
        return oom_at(x, k);
    uint32_t pid = map_pid(x), line = k->line;
    uint64_t sk = seen_key(r->root, arch);
    seen_entry *e = cov_ttx_seen_find(x, sk);
    int rank = e ? cov_ttx_map_rank(x, r, e->pid) : RANK_WIN;
    uint32_t prev = e ? e->idx : UINT32_MAX;
    if (rank == RANK_DUP)
        cov_ttx_warn_at(x, k, "duplicate key '%.*s' (first at line %u); the last one wins",
                        qlen(k->len), k->text, (unsigned)e->line);
    cov_override *o = cov_vec_push(&m->overrides, sizeof *o);
    if (!o)
        return oom_at(x, k);
    uint32_t oi = m->overrides.count - 1;
    o->arch = arch;
    o->line = k->line;
    o->column = k->column;
    cov_yev v;
    int rc = next(x, &v);
    fctx oc = {CTX_OVERRIDE, c->index, arch};
    if (!rc && v.type == COV_YEV_MAP)
        rc = cov_ttx_parse_fields(x, &oc, &COV_VEC_AT(m->overrides, cov_override, oi)->f,
                                  &v);
    else if (!rc && !cov_yev_is_null(&v)) {
        char name[512];
        return cov_ttx_fail_at(
            x, COV_EINPUT, &v, "override for '%s' in '%s' must be a mapping",
            cov_model_str(m, arch), cov_ttx_ctx_name(x, c, name, sizeof name));
    }
    if (rc)
        return rc;
    if (rank == RANK_LOSE) {
        m->overrides.count--;
    } else if (prev != UINT32_MAX) {
        *COV_VEC_AT(m->overrides, cov_override, first + prev) =
            *COV_VEC_AT(m->overrides, cov_override, oi);
        m->overrides.count--;
        cov_ttx_seen_update(x, sk, pid, line);
    } else if (cov_ttx_seen_add(x, sk, oi - first, pid, line) < 0) {
        return oom_at(x, k);
    }
    return COV_OK;
}

/* arch_overrides of test c->index; its records stay contiguous. */
static int parse_overrides(ttx *x, const fctx *c, const cov_yev *v, int keep)
{
    cov_model *m = x->m;
    uint32_t first = m->overrides.count;
    if (!cov_yev_is_null(v)) {
        if (v->type != COV_YEV_MAP)
            return cov_ttx_fail_at(x, COV_EINPUT, v,
                                   "'arch_overrides' must be a mapping of arch to fields");
        mapr r;
        int rc = cov_ttx_map_open(x, &r, v);
        for (int more = 1; !rc;) {
            cov_yev k;
            if ((rc = cov_ttx_map_key(x, &r, &k, &more)) || !more)
                break;
            rc = one_override(x, c, &r, &k, first);
        }
        if (rc)
            return rc;
    }
    uint32_t n = m->overrides.count - first;
    if (n > UINT16_MAX) {
        char name[512];
        return cov_ttx_fail_at(x, COV_EINPUT, v, "more than %u arch_overrides in '%s'",
                               (unsigned)UINT16_MAX,
                               cov_ttx_ctx_name(x, c, name, sizeof name));
    }
    if (!keep) {
        m->overrides.count = first;
        return COV_OK;
    }
    cov_test *t = cov_model_test(m, c->index);
    if (t->n_overrides) { /* an earlier arch_overrides lost; it ends at first */
        memmove(COV_VEC_AT(m->overrides, cov_override, t->overrides),
                COV_VEC_AT(m->overrides, cov_override, first), n * sizeof(cov_override));
        m->overrides.count = t->overrides + n;
    } else {
        t->overrides = first;
    }
    t->n_overrides = (uint16_t)n;
    return COV_OK;
}

static int known_field(ttx *x, const fctx *c, cov_fields *f, const mapr *r, int id,
                       const cov_yev *k, slot *sl)
{
    const char *name = slot_names[id - FLD_STATUS];
    uint32_t pid = map_pid(x), line = k->line;
    int rank = sl->pid ? cov_ttx_map_rank(x, r, sl->pid) : RANK_WIN;
    if (rank == RANK_DUP)
        cov_ttx_warn_at(x, k, "duplicate field '%s' (first at line %u); the last one wins",
                        name, (unsigned)sl->line);
    int keep = rank != RANK_LOSE;
    cov_yev v;
    int rc = next(x, &v);
    if (rc)
        return rc;
    uint8_t e = 0, has = 0;
    cov_sym s = COV_SYM_NONE;
    uint32_t list = 0;
    switch (id) {
    case FLD_STATUS:
    case FLD_BRINGUP:
        if (!(rc = parse_enum(x, &v, id == FLD_BRINGUP, &e)) && keep)
            *(id == FLD_STATUS ? &f->status : &f->bringup) = e;
        break;
    case FLD_REASON:
        if (!(rc = parse_reason(x, &v, &s)) && keep)
            f->reason = s;
        break;
    case FLD_MARKERS:
    case FLD_ARCHS:
        if ((rc = parse_list(x, &v, name, keep, &list, &has)) || !keep)
            break;
        if (id == FLD_MARKERS) {
            f->markers = list;
            f->has_markers = has;
        } else {
            f->archs = list;
            f->has_archs = has;
        }
        break;
    default: rc = parse_overrides(x, c, &v, keep); break;
    }
    if (!rc && keep) {
        sl->pid = pid;
        sl->line = line;
    }
    return rc;
}

static void warn_unknown(ttx *x, const fctx *c, const cov_yev *k)
{
    char name[512];
    cov_ttx_ctx_name(x, c, name, sizeof name);
    if (c->kind == CTX_OVERRIDE)
        cov_ttx_warn_at(x, k, "unknown field '%.*s' in '%s' arch '%s'", qlen(k->len),
                        k->text, name, cov_model_str(x->m, c->arch));
    else
        cov_ttx_warn_at(x, k, "unknown field '%.*s' in '%s'", qlen(k->len), k->text, name);
}

/* A field without a slot: its pair goes to nodes[base..] for f->extra. */
static int extra_field(ttx *x, const fctx *c, const mapr *r, int id, const cov_yev *k,
                       uint32_t base)
{
    cov_node key = {COV_NODE_SCALAR, (uint8_t)k->plain, 0, intern_ev(x, k), NULL};
    if (key.value == COV_SYM_OOM)
        return oom_at(x, k);
    uint32_t pid = map_pid(x), line = k->line;
    uint64_t sk = seen_key(r->root, key.value);
    seen_entry *e = cov_ttx_seen_find(x, sk);
    int rank = e ? cov_ttx_map_rank(x, r, e->pid) : RANK_WIN;
    uint32_t prev = e ? e->idx : UINT32_MAX;
    if (rank == RANK_DUP)
        cov_ttx_warn_at(x, k,
                        "duplicate field '%.*s' (first at line %u); the last one wins",
                        qlen(k->len), k->text, (unsigned)e->line);
    if (id == FLD_EXTRA && rank != RANK_LOSE)
        warn_unknown(x, c, k);
    cov_yev v;
    cov_node val;
    int rc = next(x, &v);
    if (rc || (rc = build_node(x, &v, &val)) || rank == RANK_LOSE)
        return rc;
    if (prev != UINT32_MAX) {
        x->nodes[base + 2 * prev + 1] = val;
        cov_ttx_seen_update(x, sk, pid, line);
        return COV_OK;
    }
    prev = (x->n_nodes - base) / 2;
    if ((rc = node_push(x, &key, k)) || (rc = node_push(x, &val, k)))
        return rc;
    return cov_ttx_seen_add(x, sk, prev, pid, line) < 0 ? oom_at(x, k) : COV_OK;
}

/* Moves the extra pairs in nodes[base..] into f->extra. */
static int finish_extra(ttx *x, cov_fields *f, uint32_t base, const cov_yev *at)
{
    if (x->n_nodes == base)
        return COV_OK;
    cov_node *map = cov_arena_alloc(&x->m->arena, sizeof *map);
    if (!map)
        return oom_at(x, at);
    f->extra = map;
    return node_finish(x, base, COV_NODE_MAP, map, at);
}

/* The fields of the mapping whose MAP event *at was just read. */
int cov_ttx_parse_fields(ttx *x, const fctx *c, cov_fields *f, const cov_yev *at)
{
    slot slots[N_SLOTS];
    memset(slots, 0, sizeof slots);
    uint32_t base = x->n_nodes;
    mapr r;
    int rc = cov_ttx_map_open(x, &r, at);
    for (int more = 1; !rc;) {
        cov_yev k;
        if ((rc = cov_ttx_map_key(x, &r, &k, &more)) || !more)
            break;
        if (k.type != COV_YEV_SCALAR)
            return cov_ttx_fail_at(x, COV_EINPUT, &k, "field name must be a string");
        int id = field_id(k.text, k.len);
        if (id == FLD_OVERRIDES && c->kind != CTX_TEST)
            id = FLD_EXTRA; /* only tests have override records */
        if (id >= FLD_STATUS)
            rc = known_field(x, c, f, &r, id, &k, &slots[id - FLD_STATUS]);
        else
            rc = extra_field(x, c, &r, id, &k, base);
    }
    return rc ? rc : finish_extra(x, f, base, at);
}
