/* The tt-xla test-config loader: a recursive descent over the fixed schema
 * (top level -> test_config -> entry -> arch_overrides -> fields), pulling
 * events from yaml_events.c. Only the schema levels recurse (a constant
 * depth); values of other fields, whose shape the input decides, are built
 * with explicit stacks.
 *
 * Merge keys. PyYAML's SafeLoader flattens `<<` into the mapping: the merged
 * pairs come first (later `<<` keys after earlier ones, the items of a
 * `<<: [*a, *b]` list in reverse), the explicit pairs last, and the last
 * pair of a key wins. Streaming, a key can arrive before or after the one
 * that beats it, so each logical mapping keeps a small stack of "frames": its
 * own mapping and the merged mappings and lists being read. Frame ids grow in
 * the order frames open; an earlier pair is remembered by the id of the
 * frame it was read in, and map_rank() finds which of two pairs PyYAML keeps
 * from where the frames diverge. */
#include "load/load_ttxla.h"

#include "base/alloc.h"
#include "base/fsutil.h"
#include "formats/testid.h"
#include "formats/yaml_events.h"
#include "formats/yaml_pipe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Below these sizes starting a parser thread costs more than it saves. */
#define PIPE_MIN COV_TTXLA_PIPE_MIN
#define TREE_PIPE_MIN COV_TTXLA_TREE_PIPE_MIN

enum { RANK_WIN, RANK_LOSE, RANK_DUP }; /* a key against its earlier occurrence */

typedef struct mframe {
    uint32_t id;
    uint32_t seq; /* a `<<: [...]` list rather than a mapping */
} mframe;

/* One logical mapping being read: its frames start at mf[base]. */
typedef struct mapr {
    uint32_t base, root, log_base;
} mapr;

/* Keys seen in the open mappings: (mapping root id, key symbol) -> where. */
typedef struct seen_entry {
    uint64_t key;
    uint32_t idx, pid, line;
} seen_entry;

/* A sequence or mapping of a generic value being built. */
typedef struct nframe {
    uint32_t base;    /* its first child in nodes[] */
    uint32_t replace; /* MAP: pair whose value the next value replaces */
    int map;
    mapr r;
} nframe;
#define APPEND UINT32_MAX
#define DISCARD (UINT32_MAX - 1)

/* What a set of fields belongs to, for messages. */
enum { CTX_TEST, CTX_OVERRIDE, CTX_PLACEHOLDER };
typedef struct fctx {
    int kind;
    uint32_t index; /* test or placeholder */
    cov_sym arch;
} fctx;

typedef struct ttx {
    cov_model *m;
    cov_diag *d;
    const cov_limits *lim;
    cov_yev_src *src;
    const char *path;
    uint32_t source, first_test, file_uid, next_id;
    cov_sym fw, jax_sym;
    int fw_from_ids; /* the framework comes from the first id */
    /* ids whose /jax- or /pytorch- disagrees with the file's framework */
    uint32_t n_mismatch, mismatch_line, mismatch_column;
    int mismatch_jax;
    mframe *mf;
    uint32_t n_mf, cap_mf;
    seen_entry *seen;
    uint32_t seen_mask, n_seen;
    uint64_t *log;
    uint32_t n_log, cap_log;
    cov_node *nodes;
    uint32_t n_nodes, cap_nodes;
    nframe *nf;
    uint32_t n_nf, cap_nf;
    cov_sym *syms;
    uint32_t n_syms, cap_syms;
    uint32_t *tpid; /* per test of this file: frame id its key was read in; */
                    /* empty while every id came straight from test_config */
    uint32_t n_tpid, cap_tpid;
} ttx;

/* ---- helpers ---- */

/* Makes room in *items (capacity *cap) for an item at index count. */
static int vgrow(void **items, uint32_t *cap, uint32_t count, size_t size)
{
    if (count < *cap)
        return 0;
    if (*cap > UINT32_MAX / 2)
        return -1;
    uint32_t n = *cap ? *cap * 2 : 64;
    void *p = cov_realloc(*items, (size_t)n * size);
    if (!p)
        return -1;
    *items = p;
    *cap = n;
    return 0;
}

static int clamp_int(uint32_t v)
{
    return v > INT_MAX ? INT_MAX : (int)v;
}

/* Precision for quoting a name of n bytes in a message. */
static int qlen(size_t n)
{
    return n > 300 ? 300 : (int)n;
}

static int fail_at(ttx *x, int code, const cov_yev *at, const char *fmt, ...)
    COV_PRINTF(4, 5);
static void warn_at(ttx *x, const cov_yev *at, const char *fmt, ...) COV_PRINTF(3, 4);

static int fail_at(ttx *x, int code, const cov_yev *at, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cov_fail(x->d, code, x->path, clamp_int(at->line), clamp_int(at->column), "%s",
                    msg);
}

static void warn_at(ttx *x, const cov_yev *at, const char *fmt, ...)
{
    if (!x->d)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cov_warn(x->d, x->path, clamp_int(at->line), clamp_int(at->column), "%s", msg);
}

static int oom_at(ttx *x, const cov_yev *at)
{
    return fail_at(x, COV_ENOMEM, at, "out of memory");
}

static cov_sym intern_ev(ttx *x, const cov_yev *ev)
{
    return cov_model_intern(x->m, ev->text, ev->len);
}

static int next(ttx *x, cov_yev *ev)
{
    return cov_yev_next(x->src, ev, 1);
}

/* The name of what c describes ("ID" or a placeholder name) into buf. */
static const char *ctx_name(const ttx *x, const fctx *c, char *buf, size_t size)
{
    if (c->kind == CTX_PLACEHOLDER) {
        const cov_placeholder *p =
            COV_VEC_AT(x->m->placeholders, cov_placeholder, c->index);
        snprintf(buf, size, "%s", cov_model_str(x->m, p->name));
    } else {
        cov_model_test_id(x->m, cov_model_test(x->m, c->index), buf, size);
    }
    return buf;
}

/* ---- keys seen per mapping: open addressing, backward-shift deletion ---- */

static uint64_t seen_key(uint32_t uid, uint32_t sym)
{
    return (uint64_t)uid << 32 | sym;
}

static uint32_t seen_home(const ttx *x, uint64_t key)
{
    return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & x->seen_mask;
}

static seen_entry *seen_find(ttx *x, uint64_t key)
{
    if (!x->seen)
        return NULL;
    for (uint32_t j = seen_home(x, key); x->seen[j].key; j = (j + 1) & x->seen_mask)
        if (x->seen[j].key == key)
            return &x->seen[j];
    return NULL;
}

static void seen_put(ttx *x, const seen_entry *e)
{
    uint32_t j = seen_home(x, e->key);
    while (x->seen[j].key)
        j = (j + 1) & x->seen_mask;
    x->seen[j] = *e;
    x->n_seen++;
}

static int seen_grow(ttx *x)
{
    if (x->seen && (x->n_seen + 1) * 2 <= x->seen_mask + 1)
        return 0;
    uint32_t size = x->seen ? (x->seen_mask + 1) * 2 : 64;
    seen_entry *old = x->seen;
    uint32_t old_size = old ? x->seen_mask + 1 : 0;
    if (!size || !(x->seen = cov_calloc(size, sizeof *x->seen))) {
        x->seen = old;
        return -1;
    }
    x->seen_mask = size - 1;
    x->n_seen = 0;
    for (uint32_t i = 0; i < old_size; i++)
        if (old[i].key)
            seen_put(x, &old[i]);
    cov_free(old);
    return 0;
}

/* Adds key; log != 0 records it so the mapping's close removes it. */
static int seen_add(ttx *x, uint64_t key, uint32_t idx, uint32_t pid, uint32_t line,
                    int log)
{
    if (seen_grow(x) < 0)
        return -1;
    if (log) {
        if (vgrow((void **)&x->log, &x->cap_log, x->n_log, sizeof *x->log) < 0)
            return -1;
        x->log[x->n_log++] = key;
    }
    seen_entry e = {key, idx, pid, line};
    seen_put(x, &e);
    return 0;
}

/* The winner of a key is now the pair read at pid, line. */
static void seen_update(ttx *x, uint64_t key, uint32_t pid, uint32_t line)
{
    seen_entry *e = seen_find(x, key);
    if (e) {
        e->pid = pid;
        e->line = line;
    }
}

static void seen_del(ttx *x, uint64_t key)
{
    seen_entry *e = seen_find(x, key);
    if (!e)
        return;
    uint32_t i = (uint32_t)(e - x->seen), mask = x->seen_mask;
    for (uint32_t j = (i + 1) & mask; x->seen[j].key; j = (j + 1) & mask) {
        uint32_t home = seen_home(x, x->seen[j].key);
        if (((j - home) & mask) >= ((j - i) & mask)) { /* i is on j's probe path */
            x->seen[i] = x->seen[j];
            i = j;
        }
    }
    x->seen[i].key = 0;
    x->n_seen--;
}

/* ---- logical mappings: merge keys followed, precedence as PyYAML ---- */

static int mf_push(ttx *x, uint32_t seq, const cov_yev *at)
{
    if (vgrow((void **)&x->mf, &x->cap_mf, x->n_mf, sizeof *x->mf) < 0)
        return oom_at(x, at);
    x->mf[x->n_mf++] = (mframe){++x->next_id, seq};
    return COV_OK;
}

/* Starts reading the mapping whose MAP event *at was just read. */
static int map_open(ttx *x, mapr *r, const cov_yev *at)
{
    r->base = x->n_mf;
    r->log_base = x->n_log;
    int rc = mf_push(x, 0, at);
    r->root = x->next_id;
    return rc;
}

static int is_merge_key(const cov_yev *k)
{
    return k->type == COV_YEV_SCALAR && k->plain && k->len == 2 && k->text[0] == '<' &&
           k->text[1] == '<';
}

/* The next key of the mapping into *k (a scalar or, for a complex key, a
 * collection start); *more = 0 at its end. */
static int map_key(ttx *x, mapr *r, cov_yev *k, int *more)
{
    for (;;) {
        int rc = next(x, k);
        if (rc)
            return rc;
        if (x->mf[x->n_mf - 1].seq) { /* between the items of `<<: [...]` */
            if (k->type == COV_YEV_SEQ_END) {
                x->n_mf--;
                continue;
            }
            if (k->type != COV_YEV_MAP)
                return fail_at(x, COV_EINPUT, k, "'<<' list items must be mappings");
            if ((rc = mf_push(x, 0, k)))
                return rc;
            continue;
        }
        if (k->type == COV_YEV_MAP_END) {
            if (--x->n_mf > r->base)
                continue;
            while (x->n_log > r->log_base)
                seen_del(x, x->log[--x->n_log]);
            *more = 0;
            return COV_OK;
        }
        if (!is_merge_key(k)) {
            *more = 1;
            return COV_OK;
        }
        if ((rc = next(x, k)))
            return rc;
        if (k->type != COV_YEV_MAP && k->type != COV_YEV_SEQ)
            return fail_at(x, COV_EINPUT, k,
                           "'<<' must be a mapping or a list of mappings");
        if ((rc = mf_push(x, k->type == COV_YEV_SEQ, k)))
            return rc;
    }
}

/* The frame the current key was read in. */
static uint32_t map_pid(const ttx *x)
{
    return x->mf[x->n_mf - 1].id;
}

/* Whether the current key beats an earlier one read in frame prev. The
 * deepest open frame that opened no later than prev holds both; there an
 * explicit pair beats merged ones, a later `<<` beats an earlier one, and an
 * earlier item of a `<<` list beats a later one. */
static int map_rank(const ttx *x, const mapr *r, uint32_t prev)
{
    uint32_t top = x->n_mf - 1, k = top;
    while (k > r->base && x->mf[k].id > prev)
        k--;
    if (x->mf[k].seq)
        return RANK_LOSE;
    if (x->mf[k].id != prev)
        return RANK_WIN;
    return k == top ? RANK_DUP : RANK_LOSE;
}

/* ---- generic values (extra fields), built without recursion ---- */

static int node_push(ttx *x, const cov_node *n, const cov_yev *at)
{
    if (vgrow((void **)&x->nodes, &x->cap_nodes, x->n_nodes, sizeof *x->nodes) < 0)
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
        return fail_at(x, COV_EINPUT, ev, "unexpected YAML event");
    if (vgrow((void **)&x->nf, &x->cap_nf, x->n_nf, sizeof *x->nf) < 0)
        return oom_at(x, ev);
    nframe *f = &x->nf[x->n_nf++];
    memset(f, 0, sizeof *f);
    f->base = x->n_nodes;
    f->replace = APPEND;
    f->map = ev->type == COV_YEV_MAP;
    return f->map ? map_open(x, &f->r, ev) : COV_OK;
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
        return fail_at(x, COV_EINPUT, k, "complex mapping keys are not supported");
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
    seen_entry *e = seen_find(x, sk);
    int rank = e ? map_rank(x, &f->r, e->pid) : RANK_WIN;
    if (rank == RANK_DUP)
        warn_at(x, k, "duplicate key '%.*s' (first at line %u); the last one wins",
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
        if (seen_add(x, sk, idx, map_pid(x), k->line, 1) < 0)
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
    } else if ((rc = map_key(x, &f->r, ev, &more))) {
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
        return fail_at(x, COV_EINPUT, v, "'%s' must be a string", word);
    *out = 0;
    if (cov_yev_is_null(v))
        return COV_OK;
    int e =
        bringup ? cov_bringup_parse(v->text, v->len) : cov_status_parse(v->text, v->len);
    if (!e)
        return fail_at(x, COV_EINPUT, v, "unknown %s '%.*s' (allowed: %s)", word,
                       qlen(v->len), v->text,
                       bringup ? cov_bringup_allowed() : cov_status_allowed());
    *out = (uint8_t)e;
    return COV_OK;
}

static int parse_reason(ttx *x, const cov_yev *v, cov_sym *out)
{
    if (v->type != COV_YEV_SCALAR)
        return fail_at(x, COV_EINPUT, v, "'reason' must be a string");
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
        return fail_at(x, COV_EINPUT, v, "'%s' must be a list of strings", name);
    x->n_syms = 0;
    for (;;) {
        cov_yev it;
        int rc = next(x, &it);
        if (rc)
            return rc;
        if (it.type == COV_YEV_SEQ_END)
            break;
        if (it.type != COV_YEV_SCALAR)
            return fail_at(x, COV_EINPUT, &it, "'%s' must be a list of strings", name);
        cov_sym s = intern_ev(x, &it);
        if (s == COV_SYM_OOM ||
            vgrow((void **)&x->syms, &x->cap_syms, x->n_syms, sizeof *x->syms) < 0)
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

static int parse_fields(ttx *x, const fctx *c, cov_fields *f, const cov_yev *at);

/* One arch -> fields pair; appends an override record, then keeps it,
 * drops it or moves it over an earlier one for the same arch. */
static int one_override(ttx *x, const fctx *c, const mapr *r, const cov_yev *k,
                        uint32_t first)
{
    cov_model *m = x->m;
    if (k->type != COV_YEV_SCALAR)
        return fail_at(x, COV_EINPUT, k,
                       "'arch_overrides' must be a mapping of arch to fields");
    cov_sym arch = intern_ev(x, k);
    if (arch == COV_SYM_OOM)
        return oom_at(x, k);
    uint32_t pid = map_pid(x), line = k->line;
    uint64_t sk = seen_key(r->root, arch);
    seen_entry *e = seen_find(x, sk);
    int rank = e ? map_rank(x, r, e->pid) : RANK_WIN;
    uint32_t prev = e ? e->idx : UINT32_MAX;
    if (rank == RANK_DUP)
        warn_at(x, k, "duplicate key '%.*s' (first at line %u); the last one wins",
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
        rc = parse_fields(x, &oc, &COV_VEC_AT(m->overrides, cov_override, oi)->f, &v);
    else if (!rc && !cov_yev_is_null(&v)) {
        char name[512];
        return fail_at(x, COV_EINPUT, &v, "override for '%s' in '%s' must be a mapping",
                       cov_model_str(m, arch), ctx_name(x, c, name, sizeof name));
    }
    if (rc)
        return rc;
    if (rank == RANK_LOSE) {
        m->overrides.count--;
    } else if (prev != UINT32_MAX) {
        *COV_VEC_AT(m->overrides, cov_override, first + prev) =
            *COV_VEC_AT(m->overrides, cov_override, oi);
        m->overrides.count--;
        seen_update(x, sk, pid, line);
    } else if (seen_add(x, sk, oi - first, pid, line, 1) < 0) {
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
            return fail_at(x, COV_EINPUT, v,
                           "'arch_overrides' must be a mapping of arch to fields");
        mapr r;
        int rc = map_open(x, &r, v);
        for (int more = 1; !rc;) {
            cov_yev k;
            if ((rc = map_key(x, &r, &k, &more)) || !more)
                break;
            rc = one_override(x, c, &r, &k, first);
        }
        if (rc)
            return rc;
    }
    uint32_t n = m->overrides.count - first;
    if (n > UINT16_MAX) {
        char name[512];
        return fail_at(x, COV_EINPUT, v, "more than %u arch_overrides in '%s'",
                       (unsigned)UINT16_MAX, ctx_name(x, c, name, sizeof name));
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
    int rank = sl->pid ? map_rank(x, r, sl->pid) : RANK_WIN;
    if (rank == RANK_DUP)
        warn_at(x, k, "duplicate field '%s' (first at line %u); the last one wins", name,
                (unsigned)sl->line);
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
    ctx_name(x, c, name, sizeof name);
    if (c->kind == CTX_OVERRIDE)
        warn_at(x, k, "unknown field '%.*s' in '%s' arch '%s'", qlen(k->len), k->text, name,
                cov_model_str(x->m, c->arch));
    else
        warn_at(x, k, "unknown field '%.*s' in '%s'", qlen(k->len), k->text, name);
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
    seen_entry *e = seen_find(x, sk);
    int rank = e ? map_rank(x, r, e->pid) : RANK_WIN;
    uint32_t prev = e ? e->idx : UINT32_MAX;
    if (rank == RANK_DUP)
        warn_at(x, k, "duplicate field '%.*s' (first at line %u); the last one wins",
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
        seen_update(x, sk, pid, line);
        return COV_OK;
    }
    prev = (x->n_nodes - base) / 2;
    if ((rc = node_push(x, &key, k)) || (rc = node_push(x, &val, k)))
        return rc;
    return seen_add(x, sk, prev, pid, line, 1) < 0 ? oom_at(x, k) : COV_OK;
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
static int parse_fields(ttx *x, const fctx *c, cov_fields *f, const cov_yev *at)
{
    slot slots[N_SLOTS];
    memset(slots, 0, sizeof slots);
    uint32_t base = x->n_nodes;
    mapr r;
    int rc = map_open(x, &r, at);
    for (int more = 1; !rc;) {
        cov_yev k;
        if ((rc = map_key(x, &r, &k, &more)) || !more)
            break;
        if (k.type != COV_YEV_SCALAR)
            return fail_at(x, COV_EINPUT, &k, "field name must be a string");
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

/* ---- entries ---- */

/* Finds an earlier test of this file with the id of test i (*prev, or
 * UINT32_MAX) and how the two rank. Another file's test only warns. */
static int earlier_test(ttx *x, const mapr *r, uint32_t i, const cov_yev *k, uint32_t *prev,
                        int *rank)
{
    cov_model *m = x->m;
    *prev = UINT32_MAX;
    *rank = RANK_WIN;
    uint32_t other = cov_model_index_test(m, i);
    if (other == COV_INDEX_NEW)
        return COV_OK;
    if (other == COV_INDEX_OOM)
        return oom_at(x, k);
    const cov_test *o = cov_model_test(m, other);
    if (o->source != x->source) {
        /* tt-xla merges its files in sorted order, a later file's entry
         * replacing an earlier one's: keep this one, count the id once. */
        warn_at(x, k,
                "test id '%.*s' is also in %s:%u; this later entry replaces it (tt-xla "
                "merges the files in order), so the test counts once",
                qlen(k->len), k->text, cov_model_source(m, o->source)->path,
                (unsigned)o->line);
        return cov_model_note_duplicate(m, i, other) != COV_OK ? oom_at(x, k) : COV_OK;
    }
    *prev = other;
    *rank = map_rank(x, r, x->n_tpid ? x->tpid[*prev - x->first_test] : r->root);
    if (*rank == RANK_DUP)
        return fail_at(x, COV_EINPUT, k, "duplicate test id '%.*s' (first at line %u)",
                       qlen(k->len), k->text, (unsigned)cov_model_test(m, *prev)->line);
    return COV_OK;
}

static void warn_unparsed(ttx *x, const cov_yev *k)
{
    cov_testid p;
    cov_testid_parse(k->text, k->len, &p);
    warn_at(x, k, "test id '%.*s' does not fit the grammar: %s", qlen(k->len), k->text,
            p.error ? p.error : "unknown reason");
}

/* Remembers that test t's key was read in frame pid. */
static int set_tpid(ttx *x, const mapr *r, uint32_t t, uint32_t pid)
{
    if (!x->n_tpid && pid == r->root)
        return 0; /* the common case costs nothing */
    uint32_t n = x->m->tests.count - x->first_test;
    while (x->n_tpid < n) {
        if (vgrow((void **)&x->tpid, &x->cap_tpid, x->n_tpid, sizeof *x->tpid) < 0)
            return -1;
        x->tpid[x->n_tpid++] = r->root;
    }
    x->tpid[t - x->first_test] = pid;
    return 0;
}

/* Keeps test i (new), or resolves it against the earlier test prev. */
static int commit_test(ttx *x, const mapr *r, uint32_t i, uint32_t prev, int rank,
                       uint32_t pid, const cov_yev *k)
{
    cov_model *m = x->m;
    if (prev == UINT32_MAX) {
        if (set_tpid(x, r, i, pid) < 0)
            return oom_at(x, k);
        cov_model_note_test(m, i);
        return COV_OK;
    }
    cov_test *t = cov_model_test(m, i);
    if (!t->parsed)
        m->unparsed--; /* the id is counted once, by the record kept */
    if (rank == RANK_LOSE) {
        if (t->n_overrides)
            m->overrides.count = t->overrides;
    } else {
        *cov_model_test(m, prev) = *t;
        cov_model_standing_invalidate(m); /* prev was noted with other fields */
        if (set_tpid(x, r, prev, pid) < 0)
            return oom_at(x, k);
    }
    m->tests.count--;
    return COV_OK;
}

static int one_test(ttx *x, const mapr *r, const cov_yev *k)
{
    cov_model *m = x->m;
    if (k->type != COV_YEV_SCALAR)
        return fail_at(x, COV_EINPUT, k, "test id must be a string");
    uint32_t i = m->tests.count, prev, pid = map_pid(x);
    cov_test *t = cov_vec_push(&m->tests, sizeof *t);
    if (!t || cov_model_set_id(m, t, k->text, k->len) != COV_OK)
        return oom_at(x, k);
    if (t->parsed && x->fw_from_ids) {
        /* The path did not say: the first id does (/jax- or /pytorch-). */
        const char *fw = t->model_fw == COV_MFW_JAX ? "jax" : "torch";
        cov_sym s = cov_model_intern(m, fw, strlen(fw));
        if (s == COV_SYM_OOM)
            return oom_at(x, k);
        x->fw = s;
        COV_VEC_AT(m->sources, cov_source, x->source)->framework = s;
        x->fw_from_ids = 0;
    }
    if (t->parsed && (t->model_fw == COV_MFW_JAX) != (x->fw == x->jax_sym) &&
        !x->n_mismatch++) {
        x->mismatch_line = k->line;
        x->mismatch_column = k->column;
        x->mismatch_jax = t->model_fw == COV_MFW_JAX;
    }
    t->framework = x->fw;
    t->source = x->source;
    t->line = k->line;
    t->column = (uint16_t)(k->column > UINT16_MAX ? UINT16_MAX : k->column);
    int rank, rc = earlier_test(x, r, i, k, &prev, &rank);
    if (rc)
        return rc;
    if (!t->parsed && prev == UINT32_MAX)
        warn_unparsed(x, k);
    cov_yev v;
    if ((rc = next(x, &v)))
        return rc;
    fctx c = {CTX_TEST, i, COV_SYM_NONE};
    if (v.type == COV_YEV_MAP)
        rc = parse_fields(x, &c, &cov_model_test(m, i)->f, &v);
    else if (!cov_yev_is_null(&v)) {
        char name[512];
        return fail_at(x, COV_EINPUT, &v, "entry for '%s' must be a mapping",
                       ctx_name(x, &c, name, sizeof name));
    }
    return rc ? rc : commit_test(x, r, i, prev, rank, pid, k);
}

static int one_placeholder(ttx *x, const mapr *r, const cov_yev *k)
{
    cov_model *m = x->m;
    if (k->type != COV_YEV_SCALAR)
        return fail_at(x, COV_EINPUT, k, "placeholder name must be a string");
    cov_sym name = intern_ev(x, k);
    if (name == COV_SYM_OOM)
        return oom_at(x, k);
    uint32_t pid = map_pid(x), line = k->line;
    uint64_t sk = seen_key(r->root, name);
    seen_entry *e = seen_find(x, sk);
    int rank = e ? map_rank(x, r, e->pid) : RANK_WIN;
    uint32_t prev = e ? e->idx : UINT32_MAX;
    if (rank == RANK_DUP)
        return fail_at(x, COV_EINPUT, k, "duplicate placeholder '%.*s' (first at line %u)",
                       qlen(k->len), k->text, (unsigned)e->line);
    cov_placeholder *p = cov_vec_push(&m->placeholders, sizeof *p);
    if (!p)
        return oom_at(x, k);
    uint32_t pi = m->placeholders.count - 1;
    p->name = name;
    p->source = x->source;
    p->line = k->line;
    p->column = k->column;
    cov_yev v;
    int rc = next(x, &v);
    fctx c = {CTX_PLACEHOLDER, pi, COV_SYM_NONE};
    if (!rc && v.type == COV_YEV_MAP)
        rc = parse_fields(x, &c, &p->f, &v);
    else if (!rc && !cov_yev_is_null(&v))
        return fail_at(x, COV_EINPUT, &v, "entry for '%.*s' must be a mapping",
                       qlen(cov_sym_len(&m->strs, name)), cov_model_str(m, name));
    if (rc)
        return rc;
    p = COV_VEC_AT(m->placeholders, cov_placeholder, pi);
    p->bringup = p->f.bringup;
    if (rank == RANK_LOSE) {
        m->placeholders.count--;
    } else if (prev != UINT32_MAX) {
        *COV_VEC_AT(m->placeholders, cov_placeholder, prev) = *p;
        m->placeholders.count--;
        seen_update(x, sk, pid, line);
    } else if (seen_add(x, sk, pi, pid, line, 1) < 0) {
        return oom_at(x, k);
    }
    return COV_OK;
}

/* The mapping under a top-level key ('test_config' or 'PLACEHOLDER_MODELS'):
 * `one` reads each entry; a null value holds none. */
static int parse_entries(ttx *x, const cov_yev *v, const char *what,
                         int (*one)(ttx *, const mapr *, const cov_yev *))
{
    if (cov_yev_is_null(v))
        return COV_OK;
    if (v->type != COV_YEV_MAP)
        return fail_at(x, COV_EINPUT, v, "'%s' must be a mapping", what);
    mapr r;
    int rc = map_open(x, &r, v);
    for (int more = 1; !rc;) {
        cov_yev k;
        if ((rc = map_key(x, &r, &k, &more)) || !more)
            break;
        rc = one(x, &r, &k);
    }
    return rc;
}

/* ---- files ---- */

/* One top-level key: test_config and PLACEHOLDER_MODELS at most once each. */
static int top_key(ttx *x, const cov_yev *k, uint32_t *tc_line, uint32_t *ph_line)
{
    if (k->type != COV_YEV_SCALAR)
        return fail_at(x, COV_EINPUT, k, "top-level key must be a string");
    int tc = k->len == 11 && memcmp(k->text, "test_config", 11) == 0;
    int ph = k->len == 18 && memcmp(k->text, "PLACEHOLDER_MODELS", 18) == 0;
    cov_yev v;
    if (!tc && !ph) {
        warn_at(x, k, "unknown top-level key '%.*s'", qlen(k->len), k->text);
        int rc = cov_yev_next(x->src, &v, 0);
        return rc ? rc : cov_yev_skip(x->src, &v);
    }
    uint32_t *seen = tc ? tc_line : ph_line;
    if (*seen)
        return fail_at(x, COV_EINPUT, k, "duplicate key '%s' (first at line %u)",
                       tc ? "test_config" : "PLACEHOLDER_MODELS", (unsigned)*seen);
    *seen = k->line;
    int rc = next(x, &v);
    if (rc)
        return rc;
    return tc ? parse_entries(x, &v, "test_config", one_test)
              : parse_entries(x, &v, "PLACEHOLDER_MODELS", one_placeholder);
}

static int parse_top(ttx *x, uint32_t *tc_line, uint32_t *ph_line)
{
    cov_yev ev;
    int rc = next(x, &ev);
    if (rc || ev.type == COV_YEV_END)
        return rc;
    if (ev.type == COV_YEV_MAP) {
        mapr r;
        rc = map_open(x, &r, &ev);
        for (int more = 1; !rc;) {
            cov_yev k;
            if ((rc = map_key(x, &r, &k, &more)) || !more)
                break;
            rc = top_key(x, &k, tc_line, ph_line);
        }
    } else if (!cov_yev_is_null(&ev)) {
        return fail_at(x, COV_EINPUT, &ev, "top level must be a mapping");
    }
    /* The document must end here: a second one is an error in the source. */
    return rc ? rc : next(x, &ev);
}

/* The framework a file's parent directory names, or NULL when it names none
 * (the flat layout of older trees, a file given alone): the ids decide. */
static const char *infer_framework(const char *path)
{
    size_t n = strlen(path);
    while (n > 0 && path[n - 1] != '/') /* the file name */
        n--;
    while (n > 0 && path[n - 1] == '/')
        n--;
    size_t end = n;
    while (n > 0 && path[n - 1] != '/')
        n--;
    static const char *const known[] = {"jax", "torch", "torch_llm"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strlen(known[i]) == end - n && memcmp(path + n, known[i], end - n) == 0)
            return known[i];
    return NULL;
}

/* After a file: one warning when some of its ids are of the other framework. */
static void warn_mismatch(ttx *x)
{
    if (!x->n_mismatch)
        return;
    cov_yev at = {0};
    at.line = x->mismatch_line;
    at.column = x->mismatch_column;
    unsigned n = (unsigned)x->n_mismatch;
    warn_at(x, &at,
            "%u test id%s %s %s (%s) but the file's framework is %s; each test keeps the "
            "file's framework",
            n, n == 1 ? "" : "s", n == 1 ? "is" : "are", x->mismatch_jax ? "JAX" : "PyTorch",
            x->mismatch_jax ? "/jax-" : "/pytorch-", cov_model_str(x->m, x->fw));
}

static int is_placeholder_file(const char *path)
{
    const char *base = strrchr(path, '/');
    return strcmp(base ? base + 1 : path, "test_config_placeholders.yaml") == 0;
}

static void reset_file_state(ttx *x)
{
    x->n_mf = x->n_log = x->n_nodes = x->n_nf = x->n_syms = x->n_tpid = 0;
    if (x->n_seen)
        memset(x->seen, 0, ((size_t)x->seen_mask + 1) * sizeof *x->seen);
    x->n_seen = 0;
    x->file_uid = ++x->next_id;
}

static int load_stream(ttx *x, cov_yev_src *src, const char *path, const char *framework)
{
    cov_model *m = x->m;
    cov_yev at = {0};
    at.line = at.column = 1;
    x->src = src;
    x->path = path;
    reset_file_state(x);
    const char *fw = framework ? framework : infer_framework(path);
    x->fw_from_ids = fw == NULL;
    x->n_mismatch = 0;
    if (!fw)
        fw = "torch"; /* until an id says otherwise (a placeholder file has none) */
    if ((x->fw = cov_model_intern(m, fw, strlen(fw))) == COV_SYM_OOM ||
        (x->jax_sym = cov_model_intern(m, "jax", 3)) == COV_SYM_OOM)
        return oom_at(x, &at);
    int kind = is_placeholder_file(path) ? COV_SOURCE_PLACEHOLDERS : COV_SOURCE_TEST_CONFIG;
    if ((x->source = cov_model_add_source(m, path, kind, x->fw)) == UINT32_MAX)
        return oom_at(x, &at);
    x->first_test = m->tests.count;
    uint32_t first_ph = m->placeholders.count, tc_line = 0, ph_line = 0;
    int rc = parse_top(x, &tc_line, &ph_line);
    if (rc)
        return rc;
    warn_mismatch(x);
    cov_source *s = COV_VEC_AT(m->sources, cov_source, x->source);
    s->entries = (m->tests.count - x->first_test) + (m->placeholders.count - first_ph);
    if (ph_line && !tc_line)
        s->kind = COV_SOURCE_PLACEHOLDERS;
    return COV_OK;
}

static const char *errstr(int e, char *buf, size_t size)
{
    if (strerror_r(e, buf, size) != 0)
        snprintf(buf, size, "error %d", e);
    return buf;
}

static uint64_t max_size(const ttx *x)
{
    return x->lim ? x->lim->max_file_size : 0;
}

static int cannot_open(ttx *x, const char *path, int e)
{
    char eb[128];
    return cov_fail(x->d, COV_EIO, path, 0, 0, "cannot open: %s", errstr(e, eb, sizeof eb));
}

static int too_big(ttx *x, const char *path, uint64_t size)
{
    return cov_fail(x->d, COV_ELIMIT, path, 0, 0,
                    "file is %llu bytes, over the limit of %llu", (unsigned long long)size,
                    (unsigned long long)max_size(x));
}

/* Loads the next job of q, which the parser thread opened and reads. */
static int load_piped(ttx *x, cov_ypipe *q, const cov_ypipe_job *job, const char *path,
                      const char *framework)
{
    cov_ypipe_head h;
    if (cov_ypipe_begin(q, &h) < 0)
        return cov_fail(x->d, COV_EINPUT, path, 1, 1,
                        "internal error: YAML events out of step");
    if (h.err)
        return cannot_open(x, path, h.err);
    if (h.too_big)
        return too_big(x, path, h.size);
    cov_yev_src src;
    cov_yev_init_pipe(&src, q, job, path, x->lim, x->d);
    cov_progress_begin(x->d, path, h.size);
    int rc = load_stream(x, &src, path, framework);
    cov_yev_free(&src);
    if (!rc)
        cov_progress_end(x->d, h.size);
    return rc;
}

/* Loads one job on a parser thread, or returns -1 if none can start. */
static int load_one_piped(ttx *x, const cov_ypipe_job *job, const char *path,
                          const char *framework)
{
    cov_ypipe *q = cov_ypipe_start(job, 1, max_size(x));
    if (!q)
        return -1;
    int rc = load_piped(x, q, job, path, framework);
    cov_ypipe_stop(q);
    return rc;
}

static int load_fd(ttx *x, int fd, const char *path, const char *framework)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return cannot_open(x, path, errno);
    if (S_ISDIR(st.st_mode))
        return cannot_open(x, path, EISDIR);
    if (max_size(x) && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_size(x))
        return too_big(x, path, (uint64_t)st.st_size);
    cov_ypipe_job job = {fd, NULL, NULL, 0};
    int rc = -1;
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size >= PIPE_MIN)
        rc = load_one_piped(x, &job, path, framework);
    if (rc >= 0)
        return rc;
    uint64_t size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    cov_yev_src src;
    cov_progress_begin(x->d, path, size);
    if (!(rc = cov_yev_init_fd(&src, fd, path, x->lim, x->d)))
        rc = load_stream(x, &src, path, framework);
    cov_yev_free(&src);
    if (!rc)
        cov_progress_end(x->d, size);
    return rc;
}

static int load_file(ttx *x, const char *path, const char *framework)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        char eb[128];
        return cov_fail(x->d, COV_EIO, path, 0, 0, "cannot open: %s",
                        errstr(errno, eb, sizeof eb));
    }
    int rc = load_fd(x, fd, path, framework);
    close(fd);
    return rc;
}

static void ttx_init(ttx *x, cov_model *m, const cov_limits *lim, cov_diag *d)
{
    memset(x, 0, sizeof *x);
    x->m = m;
    x->d = d;
    x->lim = lim;
}

static void ttx_free(ttx *x)
{
    cov_free(x->mf);
    cov_free(x->seen);
    cov_free(x->log);
    cov_free(x->nodes);
    cov_free(x->nf);
    cov_free(x->syms);
    cov_free(x->tpid);
}

/* Runs a load; on failure puts the model back as it was. A test a later
 * file's entry replaced goes once the whole load has succeeded. */
static int finish(cov_model *m, const cov_model_mark *mark, ttx *x, const char *what, int rc)
{
    if (!rc && cov_model_resolve_duplicates(m, mark->duplicates) != COV_OK)
        rc = cov_fail(x->d, COV_ENOMEM, what, 0, 0, "out of memory");
    ttx_free(x);
    if (rc)
        cov_model_rollback(m, mark);
    m->changes++;
    return rc;
}

/* A framework given by the caller must be one tt-xla has. */
static int bad_framework(const char *fw, cov_diag *d)
{
    if (!fw || !strcmp(fw, "jax") || !strcmp(fw, "torch") || !strcmp(fw, "torch_llm"))
        return 0;
    return cov_fail(d, COV_EUSAGE, NULL, 0, 0,
                    "unknown framework '%s' (known: jax, torch, torch_llm)", fw);
}

int cov_load_ttxla_file(cov_model *m, const char *path, const char *framework,
                        const cov_limits *lim, cov_diag *d)
{
    if (!path)
        return cov_fail(d, COV_EUSAGE, NULL, 0, 0, "no file name given");
    if (bad_framework(framework, d))
        return COV_EUSAGE;
    cov_model_mark mark;
    ttx x;
    cov_model_mark_take(m, &mark);
    ttx_init(&x, m, lim, d);
    return finish(m, &mark, &x, path, load_file(&x, path, framework));
}

int cov_load_ttxla_buffer(cov_model *m, const char *name, const char *buf, size_t len,
                          const char *framework, const cov_limits *lim, cov_diag *d)
{
    if (bad_framework(framework, d))
        return COV_EUSAGE;
    cov_model_mark mark;
    ttx x;
    cov_model_mark_take(m, &mark);
    ttx_init(&x, m, lim, d);
    if (!name)
        name = "<buffer>";
    if (!buf)
        len = 0;
    if (max_size(&x) && len > max_size(&x))
        return finish(m, &mark, &x, name, too_big(&x, name, len));
    cov_ypipe_job job = {-1, NULL, buf ? buf : "", len};
    int rc = len >= PIPE_MIN ? load_one_piped(&x, &job, name, framework) : -1;
    if (rc < 0) {
        cov_yev_src src;
        if (!(rc = cov_yev_init_buffer(&src, job.buf, len, name, lim, d)))
            rc = load_stream(&x, &src, name, framework);
        cov_yev_free(&src);
    }
    return finish(m, &mark, &x, name, rc);
}

/* ---- directory trees ---- */

static int wanted_name(const char *name)
{
    size_t n = strlen(name);
    return n >= 17 && strncmp(name, "test_config_", 12) == 0 &&
           strcmp(name + n - 5, ".yaml") == 0;
}

/* Looks at one directory entry: a subdirectory to visit or a wanted file. */
static int walk_entry(const char *dir, const char *rel, const char *name, cov_strvec *todo,
                      cov_strvec *files, uint64_t *total)
{
    char *child = cov_path_join(rel, name);
    char *abs = child ? cov_path_join(dir, child) : NULL;
    struct stat st;
    int rc = 0;
    if (!abs) {
        cov_free(child);
        rc = -1;
    } else if (lstat(abs, &st) != 0)
        ; /* vanished meanwhile */
    else if (S_ISDIR(st.st_mode))
        rc = cov_strvec_push(todo, child); /* takes child, even on failure */
    else if (wanted_name(name) && stat(abs, &st) == 0 && S_ISREG(st.st_mode)) {
        rc = cov_strvec_push(files, child);
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
                          errstr(errno, eb, sizeof eb));
        }
        for (struct dirent *de; !rc && dh && (de = readdir(dh));)
            if (de->d_name[0] != '.' &&
                walk_entry(dir, rel, de->d_name, &todo, files, total) < 0)
                rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
        if (dh)
            closedir(dh);
        cov_free(abs);
        cov_free(rel);
    }
    cov_strvec_free(&todo);
    return rc;
}

/* The sorted full paths of the wanted files under dir, and their jobs. */
static int list_tree(const char *dir, cov_strvec *files, cov_ypipe_job **jobs, uint64_t *total,
                     cov_diag *d)
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

int cov_load_ttxla_tree(cov_model *m, const char *dir, const cov_limits *lim, cov_diag *d)
{
    if (!dir)
        return cov_fail(d, COV_EUSAGE, NULL, 0, 0, "no directory given");
    cov_strvec files = {0};
    cov_ypipe_job *jobs = NULL;
    uint64_t total = 0;
    int rc = list_tree(dir, &files, &jobs, &total, d);
    cov_model_mark mark;
    ttx x;
    cov_model_mark_take(m, &mark);
    ttx_init(&x, m, lim, d);
    cov_load_progress *lp = cov_diag_progress(d);
    if (!rc && lp) {
        lp->p.files_total = files.n;
        lp->p.bytes_total = total;
    }
    /* One parser thread reads file k+1 while this thread loads file k. */
    cov_ypipe *q =
        !rc && total >= TREE_PIPE_MIN ? cov_ypipe_start(jobs, files.n, max_size(&x)) : NULL;
    for (size_t i = 0; !rc && i < files.n; i++)
        rc = q ? load_piped(&x, q, &jobs[i], files.v[i], NULL)
               : load_file(&x, files.v[i], NULL);
    cov_ypipe_stop(q);
    cov_free(jobs);
    cov_strvec_free(&files);
    return finish(m, &mark, &x, dir, rc);
}
