#include "formats/yaml_events.h"

#include "base/alloc.h"
#include "base/intern.h"
#include "base/vec.h"
#include "formats/yaml_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A recorded event. Aliases inside an anchored node are recorded as a
 * reference (ref = anchor index) and expanded when replayed, so the tape
 * stays as small as the input however far aliases would expand. */
typedef struct cov_yev_rec {
    uint8_t type, plain;
    uint32_t line, column;
    uint32_t len; /* SCALAR: text length; ALIAS: anchor index */
    size_t off;   /* SCALAR: text in bytes */
} rec;

typedef struct cov_yev_anchor {
    size_t name_off;
    uint32_t name_len, line;
    size_t start, end;     /* tape range of the node */
    uint64_t weight_start; /* s->weight when it opened */
    uint64_t bytes_start;  /* s->weight_bytes when it opened */
    uint64_t size;         /* events the node expands to */
    uint64_t bytes;        /* and their size, as max_alias_bytes counts it */
    int open;
} anchor;

typedef struct cov_yev_open {
    uint32_t anchor, depth;
} open_anchor;

typedef struct cov_yev_replay {
    size_t pos, end;
} replay;

static uint32_t clamp32(size_t v)
{
    return v >= UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static int fail(cov_yev_src *s, int code, uint32_t line, uint32_t col, const char *fmt, ...)
    COV_PRINTF(5, 6);

static int fail(cov_yev_src *s, int code, uint32_t line, uint32_t col, const char *fmt, ...)
{
    if (s->d && s->d->err) {
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        cov_fail(s->d, code, s->file, (int)(line > INT_MAX ? INT_MAX : line),
                 (int)(col > INT_MAX ? INT_MAX : col), "%s", msg);
    }
    s->err = code;
    return code;
}

static int oom(cov_yev_src *s, uint32_t line, uint32_t col)
{
    return fail(s, COV_ENOMEM, line, col, "out of memory");
}

static void init_common(cov_yev_src *s, const char *file, const cov_limits *lim,
                        cov_diag *d)
{
    memset(s, 0, sizeof *s);
    s->file = file;
    s->d = d;
    s->progress = cov_diag_progress(d);
    s->fd = -1;
    if (lim)
        s->lim = *lim;
}

static int init_parser(cov_yev_src *s)
{
    if (!yaml_parser_initialize(&s->parser)) {
        memset(&s->parser, 0, sizeof s->parser);
        return fail(s, COV_ENOMEM, 1, 1, "out of memory");
    }
    s->have_parser = 1;
    return COV_OK;
}

int cov_yev_init_fd(cov_yev_src *s, int fd, const char *file, const cov_limits *lim,
                    cov_diag *d)
{
    init_common(s, file, lim, d);
    int rc = init_parser(s);
    if (rc)
        return rc;
    s->fd = fd;
    s->reader.fd = fd;
    s->reader.max = s->lim.max_file_size;
    yaml_parser_set_input(&s->parser, cov_yread_fd, &s->reader);
    return COV_OK;
}

int cov_yev_init_buffer(cov_yev_src *s, const char *buf, size_t len, const char *file,
                        const cov_limits *lim, cov_diag *d)
{
    init_common(s, file, lim, d);
    int rc = init_parser(s);
    if (rc)
        return rc;
    s->buf = buf;
    s->buf_len = len;
    yaml_parser_set_input_string(&s->parser, (const unsigned char *)buf, len);
    return COV_OK;
}

void cov_yev_init_pipe(cov_yev_src *s, cov_ypipe *q, const cov_ypipe_job *job,
                       const char *file, const cov_limits *lim, cov_diag *d)
{
    init_common(s, file, lim, d);
    s->pipe = q;
    s->fd = job->fd;
    if (job->fd < 0 && !job->path) {
        s->buf = job->buf;
        s->buf_len = job->len;
    }
}

void cov_yev_free(cov_yev_src *s)
{
    if (s->have_event)
        yaml_event_delete(&s->event);
    if (s->have_parser)
        yaml_parser_delete(&s->parser);
    cov_free(s->tape);
    cov_free(s->bytes);
    cov_free(s->anchors);
    cov_index_free(&s->anchor_ix);
    cov_free(s->open);
    cov_free(s->rep);
    cov_free(s->held);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

int cov_yev_is_null(const cov_yev *ev)
{
    if (ev->type != COV_YEV_SCALAR || !ev->plain)
        return 0;
    const char *t = ev->text;
    switch (ev->len) {
    case 0: return 1;
    case 1: return t[0] == '~';
    case 4:
        return memcmp(t, "null", 4) == 0 || memcmp(t, "Null", 4) == 0 ||
               memcmp(t, "NULL", 4) == 0;
    default: return 0;
    }
}

/* ---- errors from libyaml ---- */

/* Counts lines and characters in n bytes of text, continuing from line, col. */
static void advance(const unsigned char *p, size_t n, uint32_t *line, uint32_t *col)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if ((p[i] & 0xC0) != 0x80) { /* a character starts here */
            (*col)++;
        }
    }
}

/* Reader errors carry only a byte offset: recount lines up to it, in the
 * buffer, or reading the file again (opening it if the parser thread did). */
static void offset_position(cov_yev_src *s, size_t offset, uint32_t *line, uint32_t *col)
{
    *line = 1;
    *col = 1;
    if (s->buf) {
        advance((const unsigned char *)s->buf, offset < s->buf_len ? offset : s->buf_len,
                line, col);
        return;
    }
    int fd = s->fd >= 0 ? s->fd : open(s->file, O_RDONLY | O_CLOEXEC);
    unsigned char chunk[8192];
    for (off_t at = 0; fd >= 0 && (size_t)at < offset;) {
        size_t want =
            offset - (size_t)at < sizeof chunk ? offset - (size_t)at : sizeof chunk;
        ssize_t n = pread(fd, chunk, want, at);
        if (n <= 0)
            break;
        advance(chunk, (size_t)n, line, col);
        at += n;
    }
    if (fd >= 0 && s->fd < 0)
        close(fd);
}

#define KEY_MAX 1024

static int long_key(cov_yev_src *s, uint32_t line, uint32_t col)
{
    return fail(
        s, COV_EINPUT, line, col,
        "invalid YAML: a mapping key longer than %d characters (the limit for a key "
        "not written with '? ')",
        KEY_MAX);
}

static int parse_error(cov_yev_src *s, const cov_yerr *p)
{
    uint32_t line = clamp32(p->problem_mark.line + 1);
    uint32_t col = clamp32(p->problem_mark.column + 1);
    const char *problem = p->problem ? p->problem : "unknown error";
    switch (p->error) {
    case YAML_MEMORY_ERROR:
        return oom(s, clamp32(p->mark.line + 1), clamp32(p->mark.column + 1));
    case YAML_READER_ERROR:
        offset_position(s, p->offset, &line, &col);
        if (p->read_errno == EFBIG && s->lim.max_file_size)
            /* A pipe or FIFO, whose size only shows while it is read. */
            return fail(s, COV_ELIMIT, 0, 0, "file is over the limit of %llu bytes",
                        (unsigned long long)s->lim.max_file_size);
        if (p->read_errno) {
            char eb[128];
            if (strerror_r(p->read_errno, eb, sizeof eb) != 0)
                snprintf(eb, sizeof eb, "error %d", p->read_errno);
            return fail(s, COV_EIO, line, col, "cannot read: %s", eb);
        }
        return fail(s, COV_EINPUT, line, col, "invalid YAML: %s", problem);
    default:
        /* In a flow mapping libyaml takes a key that long as a key with no
         * value, lets the ':' after it through, and stops there, missing the
         * ',' it then expects. */
        if (p->error == YAML_PARSER_ERROR &&
            strcmp(problem, "did not find expected ',' or '}'") == 0 &&
            p->problem_mark.line + 1 == s->long_line &&
            p->problem_mark.column + 1 > s->long_column + KEY_MAX)
            return long_key(s, s->long_line, s->long_column);
        /* Where a key is required, libyaml gives up on one that runs past
         * 1024 characters of its line. */
        if (p->context && strcmp(p->context, "while scanning a simple key") == 0 &&
            p->context_mark.line == p->problem_mark.line &&
            p->problem_mark.column > p->context_mark.column + KEY_MAX)
            return long_key(s, clamp32(p->context_mark.line + 1),
                            clamp32(p->context_mark.column + 1));
        /* Say where the construct that failed began: an unterminated quote
         * is only found at the end of the file. */
        if (p->context && (p->context_mark.line != p->problem_mark.line ||
                           p->context_mark.column != p->problem_mark.column))
            return fail(s, COV_EINPUT, line, col,
                        "invalid YAML: %s %s (started at line %u, column %u)", problem,
                        p->context, clamp32(p->context_mark.line + 1),
                        clamp32(p->context_mark.column + 1));
        if (p->context)
            return fail(s, COV_EINPUT, line, col, "invalid YAML: %s %s", problem,
                        p->context);
        return fail(s, COV_EINPUT, line, col, "invalid YAML: %s", problem);
    }
}

/* ---- tags ---- */

static int tag_ok(const char *tag)
{
    static const char prefix[] = "tag:yaml.org,2002:";
    static const char *const core[] = {"str", "int", "float",  "bool",     "null",
                                       "seq", "map", "binary", "timestamp"};
    if (strcmp(tag, "!") == 0)
        return 1;
    if (strncmp(tag, prefix, sizeof prefix - 1) != 0)
        return 0;
    for (size_t i = 0; i < sizeof core / sizeof *core; i++)
        if (strcmp(tag + sizeof prefix - 1, core[i]) == 0)
            return 1;
    return 0;
}

static int check_tag(cov_yev_src *s, const char *t, const cov_yev *ev)
{
    static const char prefix[] = "tag:yaml.org,2002:";
    if (!t || tag_ok(t))
        return COV_OK;
    if (strncmp(t, prefix, sizeof prefix - 1) == 0) /* show it the way it is written */
        return fail(s, COV_EINPUT, ev->line, ev->column, "unsupported tag '!!%s'",
                    t + sizeof prefix - 1);
    return fail(s, COV_EINPUT, ev->line, ev->column, "unsupported tag '%s'", t);
}

/* ---- anchors and the tape ---- */

/* The anchor named name[0..len), or UINT32_MAX with c run to where it goes. */
static uint32_t find_anchor(const cov_yev_src *s, const char *name, size_t len,
                            cov_index_cursor *c)
{
    *c = cov_index_probe(&s->anchor_ix, cov_hash_bytes(name, len));
    for (const uint32_t *v; (v = cov_index_next(&s->anchor_ix, c));) {
        const anchor *a = &s->anchors[*v];
        if (a->name_len == len && memcmp(s->bytes + a->name_off, name, len) == 0)
            return *v;
    }
    return UINT32_MAX;
}

/* Appends n bytes to the byte store; returns their offset or SIZE_MAX. */
static size_t store_bytes(cov_yev_src *s, const char *p, size_t n)
{
    if (n > SIZE_MAX - s->n_bytes - 1 ||
        cov_grow((void **)&s->bytes, &s->cap_bytes, s->n_bytes + n + 1, 1) < 0)
        return SIZE_MAX;
    size_t off = s->n_bytes;
    if (n)
        memcpy(s->bytes + off, p, n);
    s->bytes[off + n] = '\0';
    s->n_bytes += n + 1;
    return off;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

static void add_weight(cov_yev_src *s, uint64_t events, uint64_t bytes)
{
    s->weight = sat_add(s->weight, events);
    s->weight_bytes = sat_add(s->weight_bytes, bytes);
}

static int record(cov_yev_src *s, const cov_yev *ev)
{
    if (cov_grow((void **)&s->tape, &s->cap_tape, s->n_tape + 1, sizeof *s->tape) < 0)
        return oom(s, ev->line, ev->column);
    rec *r = &s->tape[s->n_tape];
    memset(r, 0, sizeof *r);
    r->type = (uint8_t)ev->type;
    r->plain = (uint8_t)ev->plain;
    r->line = ev->line;
    r->column = ev->column;
    if (ev->type == COV_YEV_SCALAR) {
        if (ev->len >= UINT32_MAX)
            return fail(s, COV_ELIMIT, ev->line, ev->column, "anchored scalar too long");
        r->off = store_bytes(s, ev->text, ev->len);
        if (r->off == SIZE_MAX)
            return oom(s, ev->line, ev->column);
        r->len = (uint32_t)ev->len;
    }
    s->n_tape++;
    add_weight(s, 1, COV_YEV_EVENT_BYTES + (uint64_t)r->len);
    return COV_OK;
}

static int record_alias(cov_yev_src *s, uint32_t index, const cov_yev *ev)
{
    if (cov_grow((void **)&s->tape, &s->cap_tape, s->n_tape + 1, sizeof *s->tape) < 0)
        return oom(s, ev->line, ev->column);
    rec *r = &s->tape[s->n_tape++];
    memset(r, 0, sizeof *r);
    r->type = COV_YEV_ALIAS;
    r->line = ev->line;
    r->column = ev->column;
    r->len = index;
    add_weight(s, s->anchors[index].size, s->anchors[index].bytes);
    return COV_OK;
}

static void close_anchor(cov_yev_src *s, uint32_t index)
{
    anchor *a = &s->anchors[index];
    a->end = s->n_tape;
    a->size = s->weight - a->weight_start;
    a->bytes = s->weight_bytes - a->bytes_start;
    a->open = 0;
}

/* Registers an anchor that starts at the node ev; its events follow. */
static int define_anchor(cov_yev_src *s, const char *name, const cov_yev *ev,
                         uint32_t *index)
{
    size_t len = strlen(name);
    cov_index_cursor c;
    uint32_t prev = find_anchor(s, name, len, &c);
    if (prev != UINT32_MAX)
        return fail(s, COV_EINPUT, ev->line, ev->column,
                    "duplicate anchor '&%s' (first at line %u)", name,
                    (unsigned)s->anchors[prev].line);
    if (s->lim.max_anchors && s->n_anchors >= s->lim.max_anchors)
        return fail(s, COV_ELIMIT, ev->line, ev->column, "more than %u anchors",
                    (unsigned)s->lim.max_anchors);
    if (cov_grow32((void **)&s->anchors, &s->cap_anchors, (size_t)s->n_anchors + 1,
                   sizeof *s->anchors) < 0)
        return oom(s, ev->line, ev->column);
    size_t off = store_bytes(s, name, len);
    if (off == SIZE_MAX || len > UINT32_MAX)
        return oom(s, ev->line, ev->column);
    anchor *a = &s->anchors[s->n_anchors];
    memset(a, 0, sizeof *a);
    a->name_off = off;
    a->name_len = (uint32_t)len;
    a->line = ev->line;
    a->start = s->n_tape;
    a->weight_start = s->weight;
    a->bytes_start = s->weight_bytes;
    a->open = 1;
    if (cov_index_add(&s->anchor_ix, &c, s->n_anchors) < 0)
        return oom(s, ev->line, ev->column);
    *index = s->n_anchors++;
    return COV_OK;
}

/* ---- live events ---- */

static int enter(cov_yev_src *s, const cov_yev *ev)
{
    s->depth++;
    if (s->lim.max_depth && s->depth > s->lim.max_depth)
        return fail(s, COV_ELIMIT, ev->line, ev->column, "nesting deeper than %u",
                    (unsigned)s->lim.max_depth);
    return COV_OK;
}

static int live_scalar(cov_yev_src *s, const cov_yraw *r, cov_yev *ev)
{
    int rc = check_tag(s, r->tag, ev);
    if (rc)
        return rc;
    ev->type = COV_YEV_SCALAR;
    ev->text = r->value;
    ev->len = r->len;
    ev->plain = r->plain_style && !r->tag;
    if (s->lim.max_scalar && ev->len > s->lim.max_scalar)
        return fail(s, COV_ELIMIT, ev->line, ev->column,
                    "scalar is %zu bytes, over the limit of %llu", ev->len,
                    (unsigned long long)s->lim.max_scalar);
    /* A "\0" escape: names end at a NUL everywhere past the parser (ids,
     * fields, JSON keys), so one would be cut there without a word. */
    if (ev->len && memchr(ev->text, '\0', ev->len))
        return fail(s, COV_EINPUT, ev->line, ev->column,
                    "NUL character in a scalar is not supported");
    uint32_t index = UINT32_MAX;
    if (r->anchor && (rc = define_anchor(s, r->anchor, ev, &index)))
        return rc;
    if ((s->n_open || index != UINT32_MAX) && (rc = record(s, ev)))
        return rc;
    if (index != UINT32_MAX)
        close_anchor(s, index);
    return COV_OK;
}

static int live_start(cov_yev_src *s, const cov_yraw *r, cov_yev *ev, int type)
{
    ev->type = type;
    int rc = check_tag(s, r->tag, ev);
    if (rc || (rc = enter(s, ev)))
        return rc;
    if (r->anchor) {
        uint32_t index;
        if ((rc = define_anchor(s, r->anchor, ev, &index)))
            return rc;
        if (cov_grow32((void **)&s->open, &s->cap_open, (size_t)s->n_open + 1,
                       sizeof *s->open) < 0)
            return oom(s, ev->line, ev->column);
        s->open[s->n_open++] = (open_anchor){index, s->depth};
    }
    return s->n_open ? record(s, ev) : COV_OK;
}

static int live_end(cov_yev_src *s, cov_yev *ev, int type)
{
    ev->type = type;
    int rc;
    if (s->n_open && (rc = record(s, ev)))
        return rc;
    while (s->n_open && s->open[s->n_open - 1].depth == s->depth)
        close_anchor(s, s->open[--s->n_open].anchor);
    s->depth--;
    return COV_OK;
}

static int replay_next(cov_yev_src *s, cov_yev *ev, int expand);

static int live_alias(cov_yev_src *s, const char *name, cov_yev *ev, int expand)
{
    cov_index_cursor c;
    uint32_t index = find_anchor(s, name, strlen(name), &c);
    if (index == UINT32_MAX)
        return fail(s, COV_EINPUT, ev->line, ev->column, "undefined alias '*%s'", name);
    const anchor *a = &s->anchors[index];
    if (a->open)
        return fail(s, COV_EINPUT, ev->line, ev->column,
                    "alias '*%s' refers to its own anchor", name);
    if (s->lim.max_aliases && s->n_aliases >= s->lim.max_aliases)
        return fail(s, COV_ELIMIT, ev->line, ev->column, "more than %u aliases",
                    (unsigned)s->lim.max_aliases);
    s->n_aliases++;
    int rc;
    if (s->n_open && (rc = record_alias(s, index, ev)))
        return rc;
    if (!expand) {
        ev->type = COV_YEV_ALIAS;
        ev->text = name;
        ev->len = strlen(name);
        return COV_OK;
    }
    /* The whole expansion is known now: refuse a bomb before replaying it,
     * by its events (many small nodes), then by its size (long text). */
    uint64_t max = s->lim.max_alias_expansion;
    if (max && (a->size > max || s->expanded > max - a->size))
        return fail(s, COV_ELIMIT, ev->line, ev->column,
                    "aliases expand to more than %llu events", (unsigned long long)max);
    uint64_t max_bytes = s->lim.max_alias_bytes;
    if (max_bytes && (a->bytes > max_bytes || s->expanded_bytes > max_bytes - a->bytes))
        return fail(s, COV_ELIMIT, ev->line, ev->column,
                    "aliases expand to more than %llu bytes",
                    (unsigned long long)max_bytes);
    s->expanded += a->size;
    s->expanded_bytes += a->bytes;
    if (cov_grow32((void **)&s->rep, &s->cap_rep, (size_t)s->n_rep + 1, sizeof *s->rep) < 0)
        return oom(s, ev->line, ev->column);
    s->rep[s->n_rep++] = (replay){a->start, a->end};
    return replay_next(s, ev, expand);
}

/* The next event from libyaml, directly or through the parser thread. */
/* The next event from libyaml, directly or through the parser thread, or
 * the one hold_long_scalar read ahead: 1; 0 with *e filled when libyaml
 * failed; -1 when the thread's events are out of step. */
static int fetch_raw(cov_yev_src *s, cov_yraw *r, cov_yerr *e)
{
    if (s->peeked) {
        s->peeked = 0;
        *r = s->peek;
        return 1;
    }
    if (s->pipe)
        return cov_ypipe_next(s->pipe, r, e);
    if (s->have_event) {
        yaml_event_delete(&s->event);
        s->have_event = 0;
    }
    if (!yaml_parser_parse(&s->parser, &s->event)) {
        cov_yerr_from_parser(&s->parser, e);
        e->read_errno = s->reader.err;
        return 0;
    }
    s->have_event = 1;
    cov_yraw_from_event(&s->event, r);
    return 1;
}

static int fetch(cov_yev_src *s, cov_yraw *r)
{
    cov_yerr e;
    int got = fetch_raw(s, r, &e);
    if (got > 0)
        return COV_OK;
    if (got < 0)
        return fail(s, COV_EINPUT, 1, 1, "internal error: YAML events out of step");
    return parse_error(s, &e);
}

/* libyaml never takes a scalar of more than 1024 characters for a key
 * (YAML's bound on implicit keys): where a key is optional it returns it as
 * a value and fails only at the ':' after it, one event later, by when a
 * loader may have refused the scalar as the wrong shape ("'test_config'
 * must be a mapping"). So a scalar that long is kept aside while the next
 * event is read; a failure at a ':' on its line is the key's length,
 * reported at the key. */
static int hold_long_scalar(cov_yev_src *s, cov_yraw *r)
{
    /* r's strings live in the event the next fetch frees: copy them. */
    size_t nv = r->len, na = r->anchor ? strlen(r->anchor) + 1 : 0;
    size_t nt = r->tag ? strlen(r->tag) + 1 : 0;
    if (cov_grow((void **)&s->held, &s->cap_held, nv + 1 + na + nt, 1) < 0)
        return oom(s, r->line, r->column);
    memcpy(s->held, r->value, nv);
    s->held[nv] = '\0';
    char *p = s->held + nv + 1;
    if (na) {
        memcpy(p, r->anchor, na);
        r->anchor = p;
        p += na;
    }
    if (nt) {
        memcpy(p, r->tag, nt);
        r->tag = p;
    }
    r->value = s->held;
    s->long_line = r->line;
    s->long_column = r->column;
    cov_yerr e;
    int got = fetch_raw(s, &s->peek, &e);
    if (got > 0) {
        s->peeked = 1;
        return COV_OK;
    }
    if (got < 0)
        return fail(s, COV_EINPUT, 1, 1, "internal error: YAML events out of step");
    if (e.error == YAML_SCANNER_ERROR && e.problem &&
        strcmp(e.problem, "mapping values are not allowed in this context") == 0 &&
        e.problem_mark.line + 1 == r->line)
        return long_key(s, r->line, r->column);
    return parse_error(s, &e);
}

static int live_next(cov_yev_src *s, cov_yev *ev, int expand)
{
    for (;;) {
        memset(ev, 0, sizeof *ev); /* COV_YEV_END */
        if (s->ended)
            return COV_OK;
        cov_yraw r;
        int rc = fetch(s, &r);
        if (rc)
            return rc;
        if (s->progress && --s->progress->countdown == 0) {
            s->progress->countdown = COV_PROGRESS_EVERY;
            cov_progress_at(s->d, s->pipe ? cov_ypipe_position(s->pipe)
                                          : (uint64_t)s->parser.mark.index);
        }
        ev->line = r.line;
        ev->column = r.column;
        switch (r.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (s->documents++)
                return fail(s, COV_EINPUT, ev->line, ev->column,
                            "expected a single document, found another");
            continue;
        case YAML_STREAM_END_EVENT: s->ended = 1; return COV_OK;
        case YAML_SCALAR_EVENT:
            /* Bytes, at least as many as characters, and quotes around. */
            if (r.len + 2 > KEY_MAX && (rc = hold_long_scalar(s, &r)))
                return rc;
            return live_scalar(s, &r, ev);
        case YAML_SEQUENCE_START_EVENT: return live_start(s, &r, ev, COV_YEV_SEQ);
        case YAML_MAPPING_START_EVENT: return live_start(s, &r, ev, COV_YEV_MAP);
        case YAML_SEQUENCE_END_EVENT: return live_end(s, ev, COV_YEV_SEQ_END);
        case YAML_MAPPING_END_EVENT: return live_end(s, ev, COV_YEV_MAP_END);
        case YAML_ALIAS_EVENT: return live_alias(s, r.anchor, ev, expand);
        default: continue; /* stream start, document end */
        }
    }
}

/* ---- replay ---- */

static int replay_next(cov_yev_src *s, cov_yev *ev, int expand)
{
    for (;;) {
        replay *top = &s->rep[s->n_rep - 1];
        const rec *r = &s->tape[top->pos++];
        if (top->pos == top->end)
            s->n_rep--;
        ev->line = r->line;
        ev->column = r->column;
        ev->plain = r->plain;
        ev->text = NULL;
        ev->len = 0;
        if (r->type == COV_YEV_ALIAS) {
            const anchor *a = &s->anchors[r->len];
            if (!expand) {
                ev->type = COV_YEV_ALIAS;
                ev->text = s->bytes + a->name_off;
                ev->len = a->name_len;
                return COV_OK;
            }
            if (cov_grow32((void **)&s->rep, &s->cap_rep, (size_t)s->n_rep + 1,
                           sizeof *s->rep) < 0)
                return oom(s, ev->line, ev->column);
            s->rep[s->n_rep++] = (replay){a->start, a->end};
            continue;
        }
        ev->type = r->type;
        switch (r->type) {
        case COV_YEV_SCALAR:
            ev->text = s->bytes + r->off;
            ev->len = r->len;
            return COV_OK;
        case COV_YEV_SEQ:
        case COV_YEV_MAP: return enter(s, ev);
        default: s->depth--; return COV_OK;
        }
    }
}

/* ---- tapes ---- */

void cov_yev_tape_free(cov_yev_tape *t)
{
    cov_free(t->ev);
    cov_free(t->text);
    cov_free(t->err_message);
    memset(t, 0, sizeof *t);
}

int cov_yev_init_record(cov_yev_src *s, cov_yev_tape *tape, const char *buf, size_t len,
                        const char *file, const cov_limits *lim, cov_diag *d)
{
    int rc = cov_yev_init_buffer(s, buf, len, file, lim, d);
    s->rec = tape;
    return rc;
}

void cov_yev_init_play(cov_yev_src *s, const cov_yev_tape *tape, const char *file,
                       const cov_limits *lim, cov_diag *d)
{
    init_common(s, file, lim, d);
    s->play = tape;
}

/* Appends what one call gave (rc, and *ev when rc is 0); a tape that cannot
 * grow is marked broken and no longer written. */
static void tape_add(cov_yev_src *s, int rc, const cov_yev *ev)
{
    cov_yev_tape *t = s->rec;
    if (t->broken)
        return;
    if (rc) {
        const char *msg = s->d && s->d->err ? s->d->err->message : "";
        t->err_code = rc;
        t->err_line = s->d && s->d->err ? s->d->err->line : 0;
        t->err_column = s->d && s->d->err ? s->d->err->column : 0;
        t->err_message = cov_strndup(msg, strlen(msg));
        t->broken = !t->err_message;
        t->recorded = 1;
        return;
    }
    if (COV_GROW_ONE(t->ev, t->n, t->cap) < 0) {
        t->broken = 1;
        return;
    }
    size_t len = ev->type == COV_YEV_SCALAR || ev->type == COV_YEV_ALIAS ? ev->len : 0;
    if (len > UINT32_MAX - t->n_text) { /* offsets are 32-bit: parse it again instead */
        t->broken = 1;
        return;
    }
    if (cov_grow((void **)&t->text, &t->cap_text, t->n_text + len, 1) < 0) {
        t->broken = 1;
        return;
    }
    if (len)
        memcpy(t->text + t->n_text, ev->text, len);
    t->ev[t->n++] = (cov_yev_tape_ev){.off = (uint32_t)t->n_text,
                                      .len = (uint32_t)len,
                                      .line = ev->line,
                                      .column = ev->column,
                                      .type = (uint8_t)ev->type,
                                      .plain = (uint8_t)ev->plain};
    t->n_text += len;
    if (ev->type == COV_YEV_END)
        t->recorded = 1;
}

static int play_next(cov_yev_src *s, cov_yev *ev)
{
    const cov_yev_tape *t = s->play;
    if (s->play_at < t->n) {
        const cov_yev_tape_ev *r = &t->ev[s->play_at++];
        *ev = (cov_yev){r->type, r->plain, t->text ? t->text + r->off : "",
                        r->len,  r->line,  r->column};
        return COV_OK;
    }
    if (t->err_code)
        return fail(s, t->err_code, (uint32_t)t->err_line, (uint32_t)t->err_column, "%s",
                    t->err_message ? t->err_message : "");
    /* The loader asks for more than it did the first time: it is not
     * deterministic after all, which is a bug. */
    return fail(s, COV_EINPUT, 0, 0, "internal error: event tape ended");
}

int cov_yev_next(cov_yev_src *s, cov_yev *ev, int expand)
{
    if (s->err)
        return s->err;
    if (s->play)
        return play_next(s, ev);
    int rc = s->n_rep ? replay_next(s, ev, expand) : live_next(s, ev, expand);
    if (s->rec)
        tape_add(s, rc, ev);
    return rc;
}

int cov_yev_skip(cov_yev_src *s, const cov_yev *start)
{
    if (start->type != COV_YEV_SEQ && start->type != COV_YEV_MAP)
        return COV_OK;
    for (size_t level = 1; level;) {
        cov_yev ev;
        int rc = cov_yev_next(s, &ev, 0);
        if (rc)
            return rc;
        switch (ev.type) {
        case COV_YEV_SEQ:
        case COV_YEV_MAP: level++; break;
        case COV_YEV_SEQ_END:
        case COV_YEV_MAP_END: level--; break;
        case COV_YEV_END: return fail(s, COV_EINPUT, ev.line, ev.column, "unexpected end");
        default: break;
        }
    }
    return COV_OK;
}
