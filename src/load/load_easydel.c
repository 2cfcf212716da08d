/* EasyDeL manifest loader. cJSON builds the tree but records no positions
 * and recurses per nesting level, so a small iterative lexer runs first
 * (formats/json_lex.h): it validates the text, enforces the depth and scalar
 * limits, and records the byte offset of every value in pre-order. Walking
 * the cJSON tree in the same pre-order then gives each node its position for
 * semantic errors. */
#include "load/load_easydel.h"

#include "base/fsutil.h"

#include "base/alloc.h"
#include "base/map.h"
#include "base/vec.h"
#include "formats/json_lex.h"
#include "load/easydel_inventory.h"
#include "load/scan_easydel.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the cJSON tree, with positions ---- */

typedef struct jdoc {
    const char *name; /* file name for messages */
    const char *t;
    const cov_jpos *pos;
    size_t npos;
    cov_diag *d;
} jdoc;

static int jfail(const jdoc *doc, int code, size_t off, const char *fmt, ...)
    COV_PRINTF(4, 5);

static int jfail(const jdoc *doc, int code, size_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    cov_json_where(doc->t, off, &line, &col);
    return cov_fail(doc->d, code, doc->name, line, col, "%s", msg);
}

static int oom(const jdoc *doc)
{
    return cov_fail(doc->d, COV_ENOMEM, doc->name, 0, 0, "out of memory");
}

/* Whether node's type matches the text the lexer saw at its position. */
static int same_kind(const cJSON *node, char c)
{
    switch (c) {
    case '{': return cJSON_IsObject(node);
    case '[': return cJSON_IsArray(node);
    case '"': return cJSON_IsString(node);
    case 't':
    case 'f': return cJSON_IsBool(node);
    case 'n': return cJSON_IsNull(node);
    default: return cJSON_IsNumber(node);
    }
}

typedef struct jframe {
    const cJSON *node;
    size_t idx;
} jframe;

typedef struct jkey {
    const char *key;
    size_t off;
} jkey;

/* Scratch space for the duplicate-key pass, reused for every object. */
typedef struct dupscan {
    jkey *keys;
    size_t kcap;
    cov_map seen;                   /* key -> its index in keys, for large objects */
    size_t best_second, best_first; /* earliest duplicate found (SIZE_MAX: none) */
    const char *best_key;
} dupscan;

/* Finds the first repeated key of the object at pos index idx and keeps it
 * in s if it comes earlier in the file than what s holds. Returns 0 or -1 on
 * OOM. Small objects compare pairwise; large ones hash. */
static int object_dups(const jdoc *doc, const cJSON *obj, size_t idx, dupscan *s)
{
    size_t n = 0, ci = idx + 1;
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (COV_GROW_ONE(s->keys, n, s->kcap) < 0)
            return -1;
        s->keys[n].key = c->string;
        s->keys[n].off = doc->pos[ci].key;
        n++;
        ci += doc->pos[ci].size;
    }
    if (n < 2)
        return 0;
    size_t first = SIZE_MAX, second = SIZE_MAX;
    if (n <= 16) {
        for (size_t j = 1; j < n && second == SIZE_MAX; j++)
            for (size_t k = 0; k < j; k++)
                if (strcmp(s->keys[j].key, s->keys[k].key) == 0) {
                    first = k;
                    second = j;
                    break;
                }
    } else {
        cov_map_clear(&s->seen);
        for (size_t j = 0; j < n && second == SIZE_MAX; j++) {
            const char *key = s->keys[j].key;
            uint32_t k;
            int rc = cov_map_put(&s->seen, key, strlen(key), (uint32_t)j, &k);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                first = k;
                second = j;
            }
        }
    }
    if (second != SIZE_MAX && s->keys[second].off < s->best_second) {
        s->best_second = s->keys[second].off;
        s->best_first = s->keys[first].off;
        s->best_key = s->keys[second].key;
    }
    return 0;
}

/* Visits the whole tree with an explicit stack: checks that it lines up with
 * the lexer's positions and reports the earliest duplicate key in the file. */
static int check_tree(const jdoc *doc, const cJSON *root)
{
    jframe *stack = NULL;
    size_t n = 0, cap = 0, seen = 0;
    dupscan s = {0};
    s.best_second = SIZE_MAX;
    int rc = COV_OK;
    const cJSON *node = root;
    size_t idx = 0;
    for (;;) {
        if (idx >= doc->npos || !same_kind(node, doc->t[doc->pos[idx].off])) {
            rc = jfail(doc, COV_EINPUT, idx < doc->npos ? doc->pos[idx].off : 0,
                       "invalid JSON: cJSON read the text differently");
            goto out;
        }
        seen++;
        if (cJSON_IsObject(node) && object_dups(doc, node, idx, &s) < 0) {
            rc = oom(doc);
            goto out;
        }
        if (cJSON_IsArray(node) || cJSON_IsObject(node)) {
            size_t ci = idx + 1;
            for (const cJSON *c = node->child; c; c = c->next) {
                if (ci >= doc->npos) {
                    rc = jfail(doc, COV_EINPUT, 0,
                               "invalid JSON: cJSON read the text differently");
                    goto out;
                }
                if (COV_GROW_ONE(stack, n, cap) < 0) {
                    rc = oom(doc);
                    goto out;
                }
                stack[n].node = c;
                stack[n].idx = ci;
                n++;
                ci += doc->pos[ci].size;
            }
        }
        if (!n)
            break;
        n--;
        node = stack[n].node;
        idx = stack[n].idx;
    }
    if (seen != doc->npos) {
        rc = jfail(doc, COV_EINPUT, 0, "invalid JSON: cJSON read the text differently");
    } else if (s.best_second != SIZE_MAX) {
        int line, col;
        cov_json_where(doc->t, s.best_first, &line, &col);
        rc = jfail(doc, COV_EINPUT, s.best_second,
                   "duplicate key '%s' (first at line %d, column %d)", s.best_key, line,
                   col);
    }
out:
    cov_free(stack);
    cov_free(s.keys);
    cov_map_free(&s.seen);
    return rc;
}

/* The member key of obj (at pos index idx), or NULL; *at receives its pos
 * index. The node belongs to obj's tree. Keys are unique once check_tree has
 * passed. */
static const cJSON *member(const jdoc *doc, const cJSON *obj, size_t idx, const char *key,
                           size_t *at)
{
    size_t ci = idx + 1;
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (strcmp(c->string, key) == 0) {
            *at = ci;
            return c;
        }
        ci += doc->pos[ci].size;
    }
    return NULL;
}

/* An optional string member: *sym is NONE when absent or null. A "TaskType."
 * prefix is dropped when strip_task is set, as the scanner does. */
static int opt_string(const jdoc *doc, cov_model *m, const cJSON *obj, size_t idx,
                      const char *key, int strip_task, cov_sym *sym)
{
    size_t at;
    const cJSON *v = member(doc, obj, idx, key, &at);
    *sym = COV_SYM_NONE;
    if (!v || cJSON_IsNull(v))
        return COV_OK;
    if (!cJSON_IsString(v))
        return jfail(doc, COV_EINPUT, doc->pos[at].off, "'%s' must be a string", key);
    const char *s = v->valuestring;
    if (strip_task && strncmp(s, "TaskType.", 9) == 0)
        s += 9;
    *sym = cov_model_intern(m, s, strlen(s));
    return *sym == COV_SYM_OOM ? oom(doc) : COV_OK;
}

/* Module names seen so far: symbol -> ordinal, for duplicate detection. */
typedef struct nameset {
    cov_map index; /* the name's symbol (its bytes) -> ordinal */
    size_t *offs;  /* by ordinal: offset of the name value */
    size_t n;
} nameset;

static void nameset_free(nameset *s)
{
    cov_map_free(&s->index);
    cov_free(s->offs);
}

/* Reads the module array (at pos index idx) into m. */
static int read_modules(const jdoc *doc, cov_model *m, const cJSON *arr, size_t idx)
{
    size_t count = 0;
    for (const cJSON *c = arr->child; c; c = c->next)
        count++;
    nameset ns = {0};
    ns.offs = cov_malloc((count ? count : 1) * sizeof *ns.offs);
    int rc = COV_OK;
    if (!ns.offs) {
        rc = oom(doc);
        goto out;
    }
    size_t ci = idx + 1;
    for (const cJSON *mod = arr->child; mod; mod = mod->next, ci += doc->pos[ci].size) {
        const char *name;
        size_t name_off;
        const cJSON *regs = NULL;
        size_t regs_idx = 0;
        cov_sym type = COV_SYM_NONE; /* a manifest may say what kind of model it is */
        if (cJSON_IsString(mod)) {
            name = mod->valuestring;
            name_off = doc->pos[ci].off;
            if (!*name) {
                rc = jfail(doc, COV_EINPUT, name_off,
                           "module name must be a non-empty string");
                goto out;
            }
        } else if (cJSON_IsObject(mod)) {
            size_t at;
            const cJSON *v = member(doc, mod, ci, "name", &at);
            if (!v || !cJSON_IsString(v) || !*v->valuestring) {
                rc = jfail(doc, COV_EINPUT, v ? doc->pos[at].off : doc->pos[ci].off,
                           "'name' must be a non-empty string");
                goto out;
            }
            name = v->valuestring;
            name_off = doc->pos[at].off;
            if ((rc = opt_string(doc, m, mod, ci, "type", 0, &type)))
                goto out;
            regs = member(doc, mod, ci, "registrations", &regs_idx);
            if (regs && cJSON_IsNull(regs)) {
                regs = NULL;
            } else if (regs && !cJSON_IsArray(regs)) {
                rc = jfail(doc, COV_EINPUT, doc->pos[regs_idx].off,
                           "'registrations' must be an array");
                goto out;
            }
        } else {
            rc = jfail(doc, COV_EINPUT, doc->pos[ci].off,
                       "module must be an object or a string");
            goto out;
        }
        cov_sym sym = cov_model_intern(m, name, strlen(name));
        if (sym == COV_SYM_OOM) {
            rc = oom(doc);
            goto out;
        }
        uint32_t k;
        int put = cov_map_put(&ns.index, &sym, sizeof sym, (uint32_t)ns.n, &k);
        if (put < 0) {
            rc = oom(doc);
            goto out;
        }
        if (put == 0) {
            int line, col;
            cov_json_where(doc->t, ns.offs[k], &line, &col);
            rc = jfail(doc, COV_EINPUT, name_off,
                       "duplicate module '%s' (first at line %d)", name, line);
            goto out;
        }
        ns.offs[ns.n++] = name_off;

        uint32_t first = m->registrations.count;
        size_t ri = regs_idx + 1;
        for (const cJSON *r = regs ? regs->child : NULL; r;
             r = r->next, ri += doc->pos[ri].size) {
            if (!cJSON_IsObject(r)) {
                rc = jfail(doc, COV_EINPUT, doc->pos[ri].off,
                           "registration must be an object");
                goto out;
            }
            cov_registration reg = {0};
            if ((rc = opt_string(doc, m, r, ri, "task", 1, &reg.task)) ||
                (rc = opt_string(doc, m, r, ri, "model_type", 0, &reg.model_type)) ||
                (rc = opt_string(doc, m, r, ri, "config", 0, &reg.config)) ||
                (rc = opt_string(doc, m, r, ri, "class", 0, &reg.class_name)))
                goto out;
            cov_registration *slot = cov_vec_push(&m->registrations, sizeof *slot);
            if (!slot) {
                rc = oom(doc);
                goto out;
            }
            *slot = reg;
        }
        cov_module *cm = cov_vec_push(&m->modules, sizeof *cm);
        if (!cm) {
            rc = oom(doc);
            goto out;
        }
        cm->name = sym;
        cm->type = type;
        cm->first = first;
        cm->count = m->registrations.count - first;
    }
out:
    nameset_free(&ns);
    return rc;
}

/* Everything after the text is lexed and cJSON has the tree. */
static int read_manifest(const jdoc *doc, cov_model *m, const cJSON *root,
                         const cov_model_mark *mark)
{
    int rc = check_tree(doc, root);
    if (rc)
        return rc;
    cov_sym source = COV_SYM_NONE, revision = COV_SYM_NONE, date = COV_SYM_NONE;
    const cJSON *mods = root;
    size_t mods_idx = 0;
    if (cJSON_IsObject(root)) {
        if ((rc = opt_string(doc, m, root, 0, "source", 0, &source)) ||
            (rc = opt_string(doc, m, root, 0, "revision", 0, &revision)) ||
            (rc = opt_string(doc, m, root, 0, "date", 0, &date)))
            return rc;
        mods = member(doc, root, 0, "modules", &mods_idx);
        if (!mods || !cJSON_IsArray(mods))
            return jfail(doc, COV_EINPUT, doc->pos[mods ? mods_idx : 0].off,
                         "'modules' must be an array");
    } else if (!cJSON_IsArray(root)) {
        return jfail(doc, COV_EINPUT, doc->pos[0].off,
                     "manifest must be an object or an array of module names");
    }
    if ((rc = read_modules(doc, m, mods, mods_idx)))
        return rc;
    return cov_easydel_finish(m, mark, doc->name, COV_SOURCE_EASYDEL_MANIFEST, source,
                              revision, date, doc->d);
}

/* Parses text (NUL-terminated at len) into m; the caller rolls back on error. */
static int parse_manifest(cov_model *m, const char *name, const char *text, size_t len,
                          const cov_limits *lim, const cov_model_mark *mark, cov_diag *d)
{
    cov_jlex x = {0};
    x.t = text;
    x.len = len;
    /* cJSON recurses and stops at CJSON_NESTING_LIMIT; a deeper limit could not be
     * honoured. */
    x.max_depth = CJSON_NESTING_LIMIT;
    if (lim && lim->max_depth && lim->max_depth < x.max_depth)
        x.max_depth = lim->max_depth;
    x.max_scalar = lim ? lim->max_scalar : 0;
    jdoc doc = {name, text, NULL, 0, d};
    int rc;
    if (cov_jlex_run(&x) < 0) {
        if (x.code == COV_ENOMEM) {
            rc = oom(&doc);
        } else {
            int line, col;
            cov_json_where(text, x.at, &line, &col);
            rc = cov_fail(d, x.code, name, line, col, "%s", x.msg);
        }
        goto out;
    }
    doc.pos = x.pos;
    doc.npos = x.npos;
    cov_alloc_hook_cjson();
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!root) {
        /* The lexer accepts only what cJSON 1.7 accepts, so this is an
         * allocation failure; say where cJSON stopped in case it is not. */
        int line = 0, col = 0;
        if (end && end >= text && end <= text + len)
            cov_json_where(text, (size_t)(end - text), &line, &col);
        rc = cov_fail(d, COV_ENOMEM, name, line, col, "out of memory while parsing JSON");
        goto out;
    }
    rc = read_manifest(&doc, m, root, mark);
    cJSON_Delete(root);
out:
    cov_jlex_free(&x);
    return rc;
}

int cov_load_easydel_manifest(cov_model *m, const char *name, const char *buf, size_t len,
                              const cov_limits *lim, cov_diag *d)
{
    int rc = cov_easydel_check_free(m, name, d);
    if (rc)
        return rc;
    if (lim && lim->max_file_size && len > lim->max_file_size)
        return cov_fail(d, COV_ELIMIT, name, 0, 0,
                        "file is %llu bytes, over the limit of %llu",
                        (unsigned long long)len, (unsigned long long)lim->max_file_size);
    char *text = cov_strndup(buf, len);
    if (!text)
        return cov_fail(d, COV_ENOMEM, name, 0, 0, "out of memory");
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    rc = parse_manifest(m, name, text, len, lim, &mark, d);
    if (rc)
        cov_model_rollback(m, &mark);
    cov_free(text);
    return rc;
}

int cov_load_easydel_path(cov_model *m, const char *path, const cov_limits *lim,
                          cov_diag *d)
{
    int rc = cov_easydel_check_free(m, path, d);
    if (rc)
        return rc;
    struct stat st;
    if (stat(path, &st) != 0)
        return cov_fail(d, COV_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return cov_load_easydel_checkout(m, path, lim, d);
    char *text;
    size_t len;
    rc = cov_read_file(path, lim ? lim->max_file_size : 0, &text, &len, d);
    if (rc)
        return rc;
    cov_model_mark mark;
    cov_model_mark_take(m, &mark);
    rc = parse_manifest(m, path, text, len, lim, &mark, d);
    if (rc)
        cov_model_rollback(m, &mark);
    cov_free(text);
    return rc;
}
