/* One entry of test_config (a test id and its fields) or of
 * PLACEHOLDER_MODELS (a placeholder name and its fields) into the model. */
#include "load/ttxla_internal.h"

#include "formats/testid.h"
#include "model/aggregate.h"

#include <string.h>

/* ---- entries ---- */

static void warn_unparsed(ttx *x, const cov_yev *k)
{
    cov_testid p;
    cov_testid_parse(k->text, k->len, &p);
    cov_ttx_warn_at(x, k, "test id '%.*s' does not fit the grammar: %s", qlen(k->len),
                    k->text, p.error ? p.error : "unknown reason");
}

/* Remembers that test t's key was read in frame pid. */
static int set_tpid(ttx *x, const mapr *r, uint32_t t, uint32_t pid)
{
    if (!x->n_tpid && pid == r->root)
        return 0; /* the common case costs nothing */
    uint32_t n = x->m->tests.count - x->first_test;
    while (x->n_tpid < n) {
        if (COV_GROW_ONE32(x->tpid, x->n_tpid, x->cap_tpid) < 0)
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

int cov_ttx_one_test(ttx *x, const mapr *r, const cov_yev *k)
{
    cov_model *m = x->m;
    if (k->type != COV_YEV_SCALAR)
        return cov_ttx_fail_at(x, COV_EINPUT, k, "test id must be a string");
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
    int rank, rc = cov_ttx_earlier_test(x, r, i, k, &prev, &rank);
    if (rc)
        return rc;
    if (!t->parsed && prev == UINT32_MAX)
        warn_unparsed(x, k);
    cov_yev v;
    if ((rc = next(x, &v)))
        return rc;
    fctx c = {CTX_TEST, i, COV_SYM_NONE};
    if (v.type == COV_YEV_MAP)
        rc = cov_ttx_parse_fields(x, &c, &cov_model_test(m, i)->f, &v);
    else if (!cov_yev_is_null(&v)) {
        char name[512];
        return cov_ttx_fail_at(x, COV_EINPUT, &v, "entry for '%s' must be a mapping",
                               cov_ttx_ctx_name(x, &c, name, sizeof name));
    }
    return rc ? rc : commit_test(x, r, i, prev, rank, pid, k);
}

int cov_ttx_one_placeholder(ttx *x, const mapr *r, const cov_yev *k)
{
    cov_model *m = x->m;
    if (k->type != COV_YEV_SCALAR)
        return cov_ttx_fail_at(x, COV_EINPUT, k, "placeholder name must be a string");
    cov_sym name = intern_ev(x, k);
    if (name == COV_SYM_OOM)
        return oom_at(x, k);
    uint32_t pid = map_pid(x), line = k->line;
    uint64_t sk = seen_key(r->root, name);
    seen_entry *e = cov_ttx_seen_find(x, sk);
    int rank = e ? cov_ttx_map_rank(x, r, e->pid) : RANK_WIN;
    uint32_t prev = e ? e->idx : UINT32_MAX;
    if (rank == RANK_DUP)
        return cov_ttx_fail_at(x, COV_EINPUT, k,
                               "duplicate placeholder '%.*s' (first at line %u)",
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
        rc = cov_ttx_parse_fields(x, &c, &p->f, &v);
    else if (!rc && !cov_yev_is_null(&v))
        return cov_ttx_fail_at(x, COV_EINPUT, &v, "entry for '%.*s' must be a mapping",
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
        cov_ttx_seen_update(x, sk, pid, line);
    } else if (cov_ttx_seen_add(x, sk, pi, pid, line) < 0) {
        return oom_at(x, k);
    }
    return COV_OK;
}

/* The mapping under a top-level key ('test_config' or 'PLACEHOLDER_MODELS'):
 * `one` reads each entry; a null value holds none. */
int cov_ttx_parse_entries(ttx *x, const cov_yev *v, const char *what,
                          int (*one)(ttx *, const mapr *, const cov_yev *))
{
    if (cov_yev_is_null(v))
        return COV_OK;
    if (v->type != COV_YEV_MAP)
        return cov_ttx_fail_at(x, COV_EINPUT, v, "'%s' must be a mapping", what);
    mapr r;
    int rc = cov_ttx_map_open(x, &r, v);
    for (int more = 1; !rc;) {
        cov_yev k;
        if ((rc = cov_ttx_map_key(x, &r, &k, &more)) || !more)
            break;
        rc = one(x, &r, &k);
    }
    return rc;
}
