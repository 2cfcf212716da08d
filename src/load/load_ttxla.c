/* The tt-xla test-config loader's driver: the public calls, one file or
 * buffer at a time (libyaml on this thread, or on a parser thread for large
 * inputs), the top level of a file and its framework, and the rollback of a
 * failed load. A tree's files load in sorted order; a test id a later file
 * repeats replaces the earlier entry once the whole load has succeeded. The
 * other stages are in ttxla_*.c (see ttxla_internal.h). */
#include "load/load_ttxla.h"

#include "base/alloc.h"
#include "load/ttxla_internal.h"
#include "model/aggregate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Below these sizes starting a parser thread costs more than it saves. */
#define PIPE_MIN COV_TTXLA_PIPE_MIN
#define TREE_PIPE_MIN COV_TTXLA_TREE_PIPE_MIN

/* ---- helpers ---- */

int cov_ttx_fail_at(ttx *x, int code, const cov_yev *at, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cov_fail(x->d, code, x->path, clamp_int(at->line), clamp_int(at->column), "%s",
                    msg);
}

void cov_ttx_warn_at(ttx *x, const cov_yev *at, const char *fmt, ...)
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

/* The name of what c describes ("ID" or a placeholder name) into buf. */
const char *cov_ttx_ctx_name(const ttx *x, const fctx *c, char *buf, size_t size)
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

/* ---- files ---- */

/* One top-level key: test_config and PLACEHOLDER_MODELS at most once each. */
static int top_key(ttx *x, const cov_yev *k, uint32_t *tc_line, uint32_t *ph_line)
{
    if (k->type != COV_YEV_SCALAR)
        return cov_ttx_fail_at(x, COV_EINPUT, k, "top-level key must be a string");
    int tc = k->len == 11 && memcmp(k->text, "test_config", 11) == 0;
    int ph = k->len == 18 && memcmp(k->text, "PLACEHOLDER_MODELS", 18) == 0;
    cov_yev v;
    if (!tc && !ph) {
        cov_ttx_warn_at(x, k, "unknown top-level key '%.*s'", qlen(k->len), k->text);
        int rc = cov_yev_next(x->src, &v, 0);
        return rc ? rc : cov_yev_skip(x->src, &v);
    }
    uint32_t *seen = tc ? tc_line : ph_line;
    if (*seen)
        return cov_ttx_fail_at(x, COV_EINPUT, k, "duplicate key '%s' (first at line %u)",
                               tc ? "test_config" : "PLACEHOLDER_MODELS", (unsigned)*seen);
    *seen = k->line;
    int rc = next(x, &v);
    if (rc)
        return rc;
    return tc ? cov_ttx_parse_entries(x, &v, "test_config", cov_ttx_one_test)
              : cov_ttx_parse_entries(x, &v, "PLACEHOLDER_MODELS", cov_ttx_one_placeholder);
}

static int parse_top(ttx *x, uint32_t *tc_line, uint32_t *ph_line)
{
    cov_yev ev;
    int rc = next(x, &ev);
    if (rc || ev.type == COV_YEV_END)
        return rc;
    if (ev.type == COV_YEV_MAP) {
        mapr r;
        rc = cov_ttx_map_open(x, &r, &ev);
        for (int more = 1; !rc;) {
            cov_yev k;
            if ((rc = cov_ttx_map_key(x, &r, &k, &more)) || !more)
                break;
            rc = top_key(x, &k, tc_line, ph_line);
        }
    } else if (!cov_yev_is_null(&ev)) {
        return cov_ttx_fail_at(x, COV_EINPUT, &ev, "top level must be a mapping");
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
    cov_ttx_warn_at(
        x, &at,
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
    x->n_mf = x->n_seen = x->n_nodes = x->n_nf = x->n_syms = x->n_tpid = 0;
    if (x->seen_ix.count)
        cov_index_clear(&x->seen_ix);
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

const char *cov_ttx_errstr(int e, char *buf, size_t size)
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
    /* A directory given as a file is at its start, like any input error. */
    int at = e == EISDIR;
    return cov_fail(x->d, COV_EIO, path, at, at, "cannot open: %s",
                    cov_ttx_errstr(e, eb, sizeof eb));
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
                        cov_ttx_errstr(errno, eb, sizeof eb));
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
    cov_index_free(&x->seen_ix);
    cov_free(x->nodes);
    cov_free(x->nf);
    cov_free(x->syms);
    cov_free(x->tpid);
}

/* Runs a load; on failure puts the model back as it was. A test a later
 * file's entry replaced goes once the whole load has succeeded. */
static int finish(cov_model *m, const cov_model_mark *mark, ttx *x, const char *what,
                  int rc)
{
    if (!rc && cov_model_resolve_duplicates(m, mark->duplicates) != COV_OK)
        rc = cov_fail(x->d, COV_ENOMEM, what, 0, 0, "out of memory");
    else if (!rc && mark->duplicates < m->duplicates.count)
        cov_model_standing_rebuild(m); /* it dropped tests */
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

int cov_load_ttxla_tape(cov_model *m, const char *name, cov_yev_tape *tape, const char *buf,
                        size_t len, const char *framework, const cov_limits *lim,
                        cov_diag *d)
{
    if (bad_framework(framework, d))
        return COV_EUSAGE;
    cov_model_mark mark;
    ttx x;
    cov_model_mark_take(m, &mark);
    ttx_init(&x, m, lim, d);
    int replay = tape->recorded && !tape->broken;
    if (!replay && max_size(&x) && len > max_size(&x))
        return finish(m, &mark, &x, name, too_big(&x, name, len));
    cov_yev_src src;
    int rc = COV_OK;
    if (replay)
        cov_yev_init_play(&src, tape, name, lim, d);
    else if (tape->broken)
        rc = cov_yev_init_buffer(&src, buf ? buf : "", buf ? len : 0, name, lim, d);
    else
        rc = cov_yev_init_record(&src, tape, buf ? buf : "", buf ? len : 0, name, lim, d);
    if (!rc)
        rc = load_stream(&x, &src, name, framework);
    cov_yev_free(&src);
    /* The tape holds every call this load made, whatever its outcome. */
    if (!replay && !tape->broken)
        tape->recorded = 1;
    return finish(m, &mark, &x, name, rc);
}

/* ---- directory trees ---- */

int cov_load_ttxla_tree(cov_model *m, const char *dir, const cov_limits *lim, cov_diag *d)
{
    if (!dir)
        return cov_fail(d, COV_EUSAGE, NULL, 0, 0, "no directory given");
    cov_strvec files = {0};
    cov_ypipe_job *jobs = NULL;
    uint64_t total = 0;
    int rc = cov_ttx_list_tree(dir, &files, &jobs, &total, d);
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
