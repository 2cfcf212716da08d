/* EasyDeL checkout scanner: finds @register_module(...) decorators in
 * easydel/modules/<name>/<file>.py with the Python lexer of python_lex.h
 * (shared with the tt-forge-models scanner), so decorators shown in
 * docstrings or comments are not taken for code. Only the files directly in
 * a module directory are read: EasyDeL keeps each module flat. */
#include "load/scan_easydel.h"
#include "base/fsutil.h"
#include "formats/python_lex.h"

#include "base/alloc.h"
#include "base/vec.h"
#include "load/easydel_inventory.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- files and directories ---- */

/* The entries of dir not starting with '.', sorted with strcmp so the
 * output does not depend on the file system. Returns 0 or an errno value
 * (ENOMEM when memory ran out); the caller frees out with cov_strvec_free. */
static int list_dir(const char *dir, cov_strvec *out)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return errno;
    int err = 0;
    struct dirent *e;
    for (errno = 0; (e = readdir(dh)) != NULL; errno = 0) {
        if (e->d_name[0] == '.')
            continue;
        if (cov_strvec_push(out, cov_strndup(e->d_name, strlen(e->d_name))) < 0) {
            err = ENOMEM;
            break;
        }
    }
    if (!err && errno)
        err = errno;
    closedir(dh);
    if (err) {
        cov_strvec_free(out);
        return err;
    }
    cov_strvec_sort(out);
    return 0;
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether dir's last component is "modules" (trailing slashes ignored). */
static int named_modules(const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return n >= 7 && memcmp(dir + n - 7, "modules", 7) == 0 &&
           (n == 7 || dir[n - 8] == '/');
}

/* The modules directory of a checkout root, an easydel/ package directory
 * or a modules/ directory; *out is freed by the caller with cov_free. */
static int modules_dir(const char *dir, char **out, cov_diag *d)
{
    static const char *const tries[] = {"easydel/modules", "modules"};
    *out = NULL;
    struct stat st;
    if (stat(dir, &st) != 0)
        return cov_fail(d, COV_EIO, dir, 0, 0, "cannot open: %s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cov_fail(d, COV_EIO, dir, 0, 0, "cannot open: %s", strerror(ENOTDIR));
    for (size_t k = 0; k < 2; k++) {
        char *p = cov_path_join(dir, tries[k]);
        if (!p)
            return cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
        if (cov_is_dir(p) == 1) {
            *out = p;
            return COV_OK;
        }
        cov_free(p);
    }
    if (named_modules(dir)) {
        *out = cov_strndup(dir, strlen(dir));
        return *out ? COV_OK : cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
    }
    return cov_fail(d, COV_EINPUT, dir, 0, 0,
                    "not an EasyDeL checkout: no easydel/modules directory");
}

/* ---- decorators ---- */

typedef struct scan {
    cov_model *m;
    cov_diag *d;
    const char *path; /* the file, for messages */
    cov_sym file;     /* the file relative to the modules directory */
    cov_py_lex lx;
    uint32_t pending; /* registrations from here on still wait for their class */
    int *cols;        /* decorator column of each pending registration */
    size_t ncols, ccap;
    char *buf; /* an argument's string value, pieces concatenated */
    size_t blen, bcap;
} scan;

static int tok_is(const scan *sc, const cov_py_tok *t, const char *word)
{
    size_t n = strlen(word);
    return t->kind == COV_PY_NAME && t->len == n && memcmp(sc->lx.s + t->off, word, n) == 0;
}

static int is_op(const cov_py_tok *t, char op)
{
    return t->kind == COV_PY_OP && t->len == 1 && t->op == op;
}

static int buf_add(scan *sc, const char *p, size_t n)
{
    if (n > SIZE_MAX - 1 - sc->blen ||
        cov_grow((void **)&sc->buf, &sc->bcap, sc->blen + n + 1, 1) < 0)
        return -1;
    memcpy(sc->buf + sc->blen, p, n);
    sc->blen += n;
    return 0;
}

/* How one argument's value is written. */
enum { V_EMPTY, V_NAME, V_DOT, V_STRING, V_OTHER };

typedef struct arg {
    int kind;          /* V_NAME: a dotted name (V_DOT: one ending in '.') */
    size_t off, len;   /* V_NAME: its last component */
    size_t koff, klen; /* keyword, klen 0 for a positional argument */
} arg;

enum { FIELD_TASK, FIELD_CONFIG, FIELD_MODEL_TYPE, FIELD_NONE };

/* Stores a finished argument into reg. Returns 0 or COV_ENOMEM. */
static int take_arg(scan *sc, const arg *a, int *npos, cov_registration *reg, int line,
                    int col)
{
    static const char *const fields[] = {"task_type", "config", "model_type"};
    const char *s = sc->lx.s;
    int f = FIELD_NONE;
    if (a->klen) {
        for (int k = 0; k < 3; k++)
            if (strlen(fields[k]) == a->klen &&
                memcmp(s + a->koff, fields[k], a->klen) == 0)
                f = k;
    } else if (a->kind != V_EMPTY) {
        f = *npos < 3 ? *npos : FIELD_NONE;
        ++*npos;
    }
    if (f == FIELD_NONE)
        return COV_OK;
    cov_sym v = COV_SYM_NONE;
    /* task and config name things (TaskType.CAUSAL_LM, LlamaConfig); model_type is text. */
    if (a->kind == V_NAME && f != FIELD_MODEL_TYPE)
        v = cov_model_intern(sc->m, s + a->off, a->len);
    else if (a->kind == V_STRING)
        v = cov_model_intern(sc->m, sc->buf ? sc->buf : "", sc->blen);
    else
        cov_warn(sc->d, sc->path, line, col,
                 "@register_module: cannot read '%s' (not a %s)", fields[f],
                 f == FIELD_MODEL_TYPE ? "string" : "name or a string");
    if (v == COV_SYM_OOM)
        return COV_ENOMEM;
    cov_sym *dst = f == FIELD_TASK     ? &reg->task
                   : f == FIELD_CONFIG ? &reg->config
                                       : &reg->model_type;
    *dst = v;
    return COV_OK;
}

/* Reads the arguments of @register_module after its '('; at is the '@'.
 * Adds a pending registration. Returns 0 or COV_ENOMEM. */
static int read_decorator(scan *sc, const cov_py_tok *at)
{
    cov_py_lex *lx = &sc->lx;
    int line, col;
    cov_py_where(lx, at->off, &line, &col);
    cov_registration reg = {0};
    reg.file = sc->file;
    reg.line = (uint32_t)line;
    arg a = {0};
    sc->blen = 0;
    int npos = 0;
    size_t depth = 1;
    cov_py_tok t;
    for (;;) {
        cov_py_next(lx, &t);
        if (lx->oom)
            return COV_ENOMEM;
        if (t.kind == COV_PY_EOF) {
            cov_warn(sc->d, sc->path, line, col, "@register_module( is never closed");
            return COV_OK;
        }
        if (t.kind == COV_PY_OP && (t.op == '(' || t.op == '[' || t.op == '{')) {
            depth++;
            a.kind = V_OTHER;
            continue;
        }
        if (t.kind == COV_PY_OP && (t.op == ')' || t.op == ']' || t.op == '}')) {
            if (--depth == 0)
                break;
            continue;
        }
        if (depth > 1)
            continue;
        if (is_op(&t, ',')) {
            if (take_arg(sc, &a, &npos, &reg, line, col))
                return COV_ENOMEM;
            memset(&a, 0, sizeof a);
            sc->blen = 0;
            continue;
        }
        if (a.kind == V_EMPTY && !a.klen && t.kind == COV_PY_NAME) {
            cov_py_tok eq;
            cov_py_next(lx, &eq);
            if (is_op(&eq, '=')) {
                a.koff = t.off;
                a.klen = t.len;
                continue;
            }
            cov_py_unget(lx, &eq);
        }
        switch (a.kind) {
        case V_EMPTY:
            a.kind = t.kind == COV_PY_NAME     ? V_NAME
                     : t.kind == COV_PY_STRING ? V_STRING
                                               : V_OTHER;
            break;
        case V_NAME: a.kind = is_op(&t, '.') ? V_DOT : V_OTHER; continue;
        case V_DOT: a.kind = t.kind == COV_PY_NAME ? V_NAME : V_OTHER; break;
        case V_STRING:
            if (t.kind != COV_PY_STRING)
                a.kind = V_OTHER;
            break;
        default: break;
        }
        if (a.kind == V_NAME) {
            a.off = t.off;
            a.len = t.len;
        } else if (a.kind == V_STRING && buf_add(sc, lx->s + t.coff, t.clen) < 0) {
            return COV_ENOMEM;
        }
    }
    if (a.kind == V_DOT)
        a.kind = V_OTHER;
    if (take_arg(sc, &a, &npos, &reg, line, col))
        return COV_ENOMEM;
    if (COV_GROW_ONE(sc->cols, sc->ncols, sc->ccap) < 0)
        return COV_ENOMEM;
    cov_registration *slot = cov_vec_push(&sc->m->registrations, sizeof *slot);
    if (!slot)
        return COV_ENOMEM;
    *slot = reg;
    sc->cols[sc->ncols++] = col;
    return COV_OK;
}

/* Drops the pending registrations: what followed them was not a class. */
static void drop_pending(scan *sc)
{
    cov_vec *regs = &sc->m->registrations;
    for (uint32_t i = sc->pending; i < regs->count; i++)
        cov_warn(sc->d, sc->path, (int)COV_VEC_AT(*regs, cov_registration, i)->line,
                 sc->cols[i - sc->pending], "@register_module not followed by a class");
    regs->count = sc->pending;
    sc->ncols = 0;
}

/* Scans one file's text, appending its registrations. Returns 0 or COV_ENOMEM. */
static int scan_text(scan *sc)
{
    cov_py_lex *lx = &sc->lx;
    cov_vec *regs = &sc->m->registrations;
    sc->pending = regs->count;
    sc->ncols = 0;
    cov_py_tok t;
    for (;;) {
        cov_py_next(lx, &t);
        if (lx->oom)
            return COV_ENOMEM;
        if (t.kind == COV_PY_EOF)
            break;
        if (!t.first)
            continue;
        if (is_op(&t, '@')) {
            /* A decorator: a dotted name, then maybe a call. */
            cov_py_tok at = t, last = {0};
            cov_py_next(lx, &t);
            while (t.kind == COV_PY_NAME) {
                last = t;
                cov_py_next(lx, &t);
                if (!is_op(&t, '.'))
                    break;
                cov_py_next(lx, &t);
            }
            if (tok_is(sc, &last, "register_module") && is_op(&t, '(')) {
                int rc = read_decorator(sc, &at);
                if (rc)
                    return rc;
            } else {
                cov_py_unget(lx, &t);
            }
            continue;
        }
        if (sc->pending == regs->count)
            continue;
        cov_py_tok name;
        if (tok_is(sc, &t, "class")) {
            cov_py_next(lx, &name);
            if (name.kind == COV_PY_NAME) {
                cov_sym cls = cov_model_intern(sc->m, lx->s + name.off, name.len);
                if (cls == COV_SYM_OOM)
                    return COV_ENOMEM;
                for (uint32_t i = sc->pending; i < regs->count; i++)
                    COV_VEC_AT(*regs, cov_registration, i)->class_name = cls;
                sc->pending = regs->count;
                sc->ncols = 0;
                continue;
            }
            cov_py_unget(lx, &name);
        }
        drop_pending(sc);
    }
    drop_pending(sc);
    return COV_OK;
}

/* Scans one file's text (NUL-terminated at len): path names it in messages,
 * rel in its registrations. The checkout scan and cov_easydel_scan_text both
 * come through here, so the fuzzer sees what a checkout scan does per file. */
static int scan_file_text(scan *sc, const char *path, const char *rel, const char *text,
                          size_t len)
{
    sc->path = path;
    sc->file = cov_model_intern(sc->m, rel, strlen(rel));
    if (sc->file == COV_SYM_OOM)
        return cov_fail(sc->d, COV_ENOMEM, path, 0, 0, "out of memory");
    cov_py_lex_start(&sc->lx, text, len);
    int line, col;
    if (cov_py_invalid_utf8(&sc->lx, &line, &col))
        return cov_fail(sc->d, COV_EINPUT, path, line, col, "invalid UTF-8");
    if (scan_text(sc))
        return cov_fail(sc->d, COV_ENOMEM, path, 0, 0, "out of memory");
    return COV_OK;
}

/* Reads and scans one .py file. */
static int scan_file(scan *sc, const char *path, const char *rel, const cov_limits *lim)
{
    char *text;
    size_t len;
    int rc = cov_read_file(path, lim ? lim->max_file_size : 0, &text, &len, sc->d);
    if (rc)
        return rc;
    rc = scan_file_text(sc, path, rel, text, len);
    cov_free(text);
    return rc;
}

static int ends_with_py(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".py") == 0;
}

/* Scans module directory dir (named name) and appends the module. */
static int scan_module(scan *sc, const char *dir, const char *name, const cov_limits *lim)
{
    cov_strvec files = {0};
    int e = list_dir(dir, &files);
    if (e == ENOMEM)
        return cov_fail(sc->d, COV_ENOMEM, dir, 0, 0, "out of memory");
    if (e)
        return cov_fail(sc->d, COV_EIO, dir, 0, 0, "cannot read directory: %s",
                        strerror(e));
    cov_sym sym = cov_model_intern(sc->m, name, strlen(name));
    uint32_t first = sc->m->registrations.count;
    int rc = sym == COV_SYM_OOM ? cov_fail(sc->d, COV_ENOMEM, dir, 0, 0, "out of memory")
                                : COV_OK;
    for (size_t k = 0; k < files.n && !rc; k++) {
        if (!ends_with_py(files.v[k]))
            continue;
        char *path = cov_path_join(dir, files.v[k]);
        char *rel = cov_path_join(name, files.v[k]);
        if (!path || !rel)
            rc = cov_fail(sc->d, COV_ENOMEM, dir, 0, 0, "out of memory");
        else if (is_file(path))
            rc = scan_file(sc, path, rel, lim);
        cov_free(path);
        cov_free(rel);
    }
    cov_strvec_free(&files);
    if (rc)
        return rc;
    cov_module *mod = cov_vec_push(&sc->m->modules, sizeof *mod);
    if (!mod)
        return cov_fail(sc->d, COV_ENOMEM, dir, 0, 0, "out of memory");
    mod->name = sym;
    mod->first = first;
    mod->count = sc->m->registrations.count - first;
    return COV_OK;
}

static int scan_checkout(cov_model *m, const char *dir, const cov_limits *lim,
                         const cov_model_mark *mark, cov_diag *d)
{
    char *mods;
    int rc = modules_dir(dir, &mods, d);
    if (rc)
        return rc;
    cov_strvec entries = {0};
    int e = list_dir(mods, &entries);
    if (e == ENOMEM)
        rc = cov_fail(d, COV_ENOMEM, mods, 0, 0, "out of memory");
    else if (e)
        rc = cov_fail(d, COV_EIO, mods, 0, 0, "cannot read directory: %s", strerror(e));
    scan sc = {0};
    sc.m = m;
    sc.d = d;
    /* A module is a directory not starting with '_' (__pycache__, private
     * helpers) and not the auto/ factory package. */
    for (size_t k = 0; k < entries.n && !rc; k++) {
        const char *name = entries.v[k];
        if (name[0] == '_' || strcmp(name, "auto") == 0)
            continue;
        char *sub = cov_path_join(mods, name);
        if (!sub)
            rc = cov_fail(d, COV_ENOMEM, mods, 0, 0, "out of memory");
        else if (cov_is_dir(sub) == 1)
            rc = scan_module(&sc, sub, name, lim);
        cov_free(sub);
    }
    cov_strvec_free(&entries);
    cov_py_lex_free(&sc.lx);
    cov_free(sc.cols);
    cov_free(sc.buf);
    cov_free(mods);
    if (rc)
        return rc;
    return cov_easydel_finish(m, mark, dir, COV_SOURCE_EASYDEL_CHECKOUT, COV_SYM_NONE,
                              COV_SYM_NONE, COV_SYM_NONE, d);
}

int cov_load_easydel_checkout(cov_model *m, const char *dir, const cov_limits *lim,
                              cov_diag *d)
{
    int rc = cov_easydel_check_free(m, dir, d);
    if (rc)
        return rc;
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    rc = scan_checkout(m, dir, lim, &mark, d);
    if (rc)
        cov_model_rollback(m, &mark);
    return rc;
}

int cov_easydel_scan_text(cov_model *m, const char *module, const char *file,
                          const char *text, size_t len, cov_diag *d)
{
    char *rel = cov_path_join(module, file);
    if (!rel)
        return cov_fail(d, COV_ENOMEM, file, 0, 0, "out of memory");
    int rc = cov_easydel_check_free(m, rel, d);
    if (rc) {
        cov_free(rel);
        return rc;
    }
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    char *copy = cov_strndup(text, len); /* the lexer relies on a NUL at len */
    cov_sym sym = cov_model_intern(m, module, strlen(module));
    uint32_t first = m->registrations.count;
    scan sc = {0};
    sc.m = m;
    sc.d = d;
    if (!copy || sym == COV_SYM_OOM)
        rc = cov_fail(d, COV_ENOMEM, rel, 0, 0, "out of memory");
    else
        rc = scan_file_text(&sc, rel, rel, copy, len);
    if (!rc) {
        cov_module *mod = cov_vec_push(&m->modules, sizeof *mod);
        if (!mod) {
            rc = cov_fail(d, COV_ENOMEM, rel, 0, 0, "out of memory");
        } else {
            mod->name = sym;
            mod->first = first;
            mod->count = m->registrations.count - first;
        }
    }
    cov_py_lex_free(&sc.lx);
    cov_free(sc.cols);
    cov_free(sc.buf);
    cov_free(copy);
    if (!rc)
        rc = cov_easydel_finish(m, &mark, rel, COV_SOURCE_EASYDEL_CHECKOUT, COV_SYM_NONE,
                                COV_SYM_NONE, COV_SYM_NONE, d);
    if (rc)
        cov_model_rollback(m, &mark);
    cov_free(rel);
    return rc;
}

/* ---- files handed in one by one (git blobs) ---- */

struct cov_easydel_scanner {
    cov_model *m;
    cov_diag *d;
    char *path;
    cov_model_mark mark;
    scan sc;
    cov_sym module; /* the module being read, NONE before the first */
    uint32_t first; /* its first registration */
};

int cov_easydel_scanner_begin(cov_model *m, const char *path, cov_easydel_scanner **out,
                              cov_diag *d)
{
    *out = NULL;
    int rc = cov_easydel_check_free(m, path, d);
    if (rc)
        return rc;
    cov_easydel_scanner *s = cov_calloc(1, sizeof *s);
    if (!s || !(s->path = cov_strndup(path, strlen(path)))) {
        cov_free(s);
        return cov_fail(d, COV_ENOMEM, path, 0, 0, "out of memory");
    }
    s->m = m;
    s->d = d;
    s->sc.m = m;
    s->sc.d = d;
    cov_model_mark_take(m, &s->mark);
    *out = s;
    return COV_OK;
}

/* Appends the module being read, if any. */
static int scanner_close_module(cov_easydel_scanner *s)
{
    if (s->module == COV_SYM_NONE)
        return COV_OK;
    cov_module *mod = cov_vec_push(&s->m->modules, sizeof *mod);
    if (!mod)
        return cov_fail(s->d, COV_ENOMEM, s->path, 0, 0, "out of memory");
    mod->name = s->module;
    mod->first = s->first;
    mod->count = s->m->registrations.count - s->first;
    s->module = COV_SYM_NONE;
    return COV_OK;
}

int cov_easydel_scanner_module(cov_easydel_scanner *s, const char *name)
{
    int rc = scanner_close_module(s);
    if (rc)
        return rc;
    cov_sym sym = cov_model_intern(s->m, name, strlen(name));
    if (sym == COV_SYM_OOM)
        return cov_fail(s->d, COV_ENOMEM, s->path, 0, 0, "out of memory");
    s->module = sym;
    s->first = s->m->registrations.count;
    return COV_OK;
}

int cov_easydel_scanner_file(cov_easydel_scanner *s, const char *path, const char *file,
                             const char *text, size_t len)
{
    if (s->module == COV_SYM_NONE)
        return cov_fail(s->d, COV_EUSAGE, path, 0, 0,
                        "internal error: a file before its module");
    const char *module = cov_model_str(s->m, s->module);
    char *rel = cov_path_join(module, file);
    char *copy = cov_strndup(text, len); /* the lexer relies on a NUL at len */
    int rc = rel && copy ? scan_file_text(&s->sc, path, rel, copy, len)
                         : cov_fail(s->d, COV_ENOMEM, path, 0, 0, "out of memory");
    cov_free(copy);
    cov_free(rel);
    return rc;
}

int cov_easydel_scanner_end(cov_easydel_scanner *s, int rc, const char *revision,
                            const char *date)
{
    cov_sym rev = COV_SYM_NONE, day = COV_SYM_NONE;
    if (!rc)
        rc = scanner_close_module(s);
    if (!rc && revision &&
        (rev = cov_model_intern(s->m, revision, strlen(revision))) == COV_SYM_OOM)
        rc = cov_fail(s->d, COV_ENOMEM, s->path, 0, 0, "out of memory");
    if (!rc && date && (day = cov_model_intern(s->m, date, strlen(date))) == COV_SYM_OOM)
        rc = cov_fail(s->d, COV_ENOMEM, s->path, 0, 0, "out of memory");
    if (!rc)
        rc = cov_easydel_finish(s->m, &s->mark, s->path, COV_SOURCE_EASYDEL_CHECKOUT,
                                COV_SYM_NONE, rev, day, s->d);
    if (rc)
        cov_model_rollback(s->m, &s->mark);
    cov_free(s->sc.lx.stk);
    cov_free(s->sc.cols);
    cov_free(s->sc.buf);
    cov_free(s->path);
    cov_free(s);
    return rc;
}
