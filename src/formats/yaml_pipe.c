#include "formats/yaml_pipe.h"

#include "base/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A ring of fixed-size batches. A record is at most MAX_REC bytes (larger
 * scalars travel as the yaml_event_t itself) and a batch is published once
 * FULL_AT bytes are used, so a record always fits where it is written. Small
 * batches let the consumer start early; every job's end publishes too. */
#define N_CHUNKS 32
#define CHUNK_SIZE (256u * 1024u)
#define MAX_REC (8u * 1024u)
#define FULL_AT (CHUNK_SIZE - MAX_REC)
#define REC_HEAD 100 /* a job's head; YAML_NO_EVENT marks a libyaml error */

/* Records are small (the batches cross between cores): a 12-byte header,
 * then the anchor, tag and value each as a 16-bit length, the bytes and a
 * NUL (only those present), or a blob: a yaml_event_t (F_BIG), a
 * cov_ypipe_head (REC_HEAD) or a cov_yerr (YAML_NO_EVENT). */
enum { F_PLAIN = 1, F_BIG = 2, F_ANCHOR = 4, F_TAG = 8 };
typedef struct rec {
    uint16_t size; /* whole record, a multiple of 4 */
    uint8_t type, flags;
    uint32_t line, column;
} rec;

struct cov_ypipe {
    const cov_ypipe_job *jobs;
    size_t n_jobs;
    uint64_t max_size;
    cov_meter *meter; /* the starting thread's: the producer charges it too */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned char *chunk[N_CHUNKS];
    size_t used[N_CHUNKS];
    int full[N_CHUNKS];    /* published, not yet released */
    size_t mark[N_CHUNKS]; /* the parser's position in its job after the batch */
    int cancel, done;
    /* producer side */
    unsigned w;
    size_t wused;
    size_t wmark; /* the parser's position in the current job */
    /* consumer side */
    size_t cur_mark; /* mark[] of the batch being read */
    unsigned cur;
    int have_cur;
    size_t pos;
    yaml_event_t held; /* a big event being read */
    int have_held;
};

static uint32_t clamp32(size_t v)
{
    return v >= UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void cov_yraw_from_event(const yaml_event_t *e, cov_yraw *r)
{
    memset(r, 0, sizeof *r);
    r->type = e->type;
    r->line = clamp32(e->start_mark.line + 1);
    r->column = clamp32(e->start_mark.column + 1);
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        r->anchor = (const char *)e->data.scalar.anchor;
        r->tag = (const char *)e->data.scalar.tag;
        r->value = (const char *)e->data.scalar.value;
        r->len = e->data.scalar.length;
        r->plain_style = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        break;
    case YAML_SEQUENCE_START_EVENT:
        r->anchor = (const char *)e->data.sequence_start.anchor;
        r->tag = (const char *)e->data.sequence_start.tag;
        break;
    case YAML_MAPPING_START_EVENT:
        r->anchor = (const char *)e->data.mapping_start.anchor;
        r->tag = (const char *)e->data.mapping_start.tag;
        break;
    case YAML_ALIAS_EVENT: r->anchor = (const char *)e->data.alias.anchor; break;
    default: break;
    }
}

void cov_yerr_from_parser(const yaml_parser_t *p, cov_yerr *e)
{
    memset(e, 0, sizeof *e);
    e->error = p->error;
    e->problem = p->problem;
    e->context = p->context;
    e->offset = p->problem_offset;
    e->problem_mark = p->problem_mark;
    e->context_mark = p->context_mark;
    e->mark = p->mark;
}

/* libyaml hands us its read buffer: read straight into it, no stdio. */
int cov_yread_fd(void *data, unsigned char *buf, size_t size, size_t *got)
{
    cov_yreader *r = data;
    for (;;) {
        ssize_t n = read(r->fd, buf, size);
        if (n >= 0) {
            *got = (size_t)n;
            r->got += (uint64_t)n;
            if (r->max && r->got > r->max) {
                r->err = EFBIG;
                return 0;
            }
            return 1;
        }
        if (errno != EINTR) {
            r->err = errno;
            return 0;
        }
    }
}

/* ---- producer ---- */

static size_t round4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/* Hands the batch being written to the consumer (if it holds anything) and
 * waits for the next free one; -1 once the consumer has cancelled. */
static int publish(cov_ypipe *q)
{
    pthread_mutex_lock(&q->mu);
    if (q->wused) {
        q->used[q->w] = q->wused;
        q->mark[q->w] = q->wmark;
        q->full[q->w] = 1;
        q->w = (q->w + 1) % N_CHUNKS;
        q->wused = 0;
        pthread_cond_broadcast(&q->cv);
    }
    while (q->full[q->w] && !q->cancel)
        pthread_cond_wait(&q->cv, &q->mu);
    int cancel = q->cancel;
    pthread_mutex_unlock(&q->mu);
    return cancel ? -1 : 0;
}

/* Room for one record (at most MAX_REC bytes) at the write position. */
static rec *reserve(cov_ypipe *q)
{
    if (q->wused >= FULL_AT && publish(q) < 0)
        return NULL;
    return (rec *)(void *)(q->chunk[q->w] + q->wused);
}

static void put_blob(cov_ypipe *q, rec *h, int type, int flags, const void *blob, size_t n)
{
    h->type = (uint8_t)type;
    h->flags = (uint8_t)flags;
    h->size = (uint16_t)round4(sizeof *h + n);
    memcpy(h + 1, blob, n);
    q->wused += h->size;
}

static unsigned char *put_str(unsigned char *at, const char *s, size_t n)
{
    uint16_t len = (uint16_t)n;
    memcpy(at, &len, sizeof len);
    memcpy(at + 2, s, n);
    at[2 + n] = '\0';
    return at + 3 + n;
}

/* Writes event e into h and takes its memory (copied and deleted, or, when
 * too large to copy, handed over whole for the consumer to delete). */
static void put_event(cov_ypipe *q, rec *h, yaml_event_t *e)
{
    cov_yraw r;
    cov_yraw_from_event(e, &r);
    size_t na = r.anchor ? strlen(r.anchor) : 0, nt = r.tag ? strlen(r.tag) : 0;
    size_t size = sizeof *h + (r.anchor ? na + 3 : 0) + (r.tag ? nt + 3 : 0) +
                  (r.value ? r.len + 3 : 0);
    int flags =
        (r.plain_style ? F_PLAIN : 0) | (r.anchor ? F_ANCHOR : 0) | (r.tag ? F_TAG : 0);
    h->line = r.line;
    h->column = r.column;
    if (size > MAX_REC) {
        put_blob(q, h, r.type, flags | F_BIG, e, sizeof *e);
        return;
    }
    h->type = (uint8_t)r.type;
    h->flags = (uint8_t)flags;
    h->size = (uint16_t)round4(size);
    unsigned char *at = (unsigned char *)(h + 1);
    if (r.anchor)
        at = put_str(at, r.anchor, na);
    if (r.tag)
        at = put_str(at, r.tag, nt);
    if (r.value)
        put_str(at, r.value, r.len);
    q->wused += h->size;
    yaml_event_delete(e);
}

/* Opens job j's input; fills *h and, for a path, *fd (to close). */
static void open_job(const cov_ypipe *q, const cov_ypipe_job *j, cov_ypipe_head *h, int *fd)
{
    memset(h, 0, sizeof *h);
    *fd = j->fd;
    if (j->fd < 0 && !j->path) {
        h->size = j->len;
    } else {
        struct stat st;
        if (j->fd < 0 && (*fd = open(j->path, O_RDONLY | O_CLOEXEC)) < 0) {
            h->err = errno;
            return;
        }
        if (fstat(*fd, &st) != 0)
            h->err = errno;
        else if (S_ISDIR(st.st_mode))
            h->err = EISDIR;
        else if (S_ISREG(st.st_mode))
            h->size = (uint64_t)st.st_size;
    }
    h->too_big = !h->err && q->max_size && h->size > q->max_size;
}

/* Parses one opened job; -1 when nothing may follow (error or cancel). */
static int parse_job(cov_ypipe *q, const cov_ypipe_job *j, int fd)
{
    yaml_parser_t p;
    cov_yreader reader = {fd, 0, q->max_size, 0};
    cov_yerr err;
    rec *h;
    if (!yaml_parser_initialize(&p)) {
        memset(&err, 0, sizeof err);
        err.error = YAML_MEMORY_ERROR;
        if ((h = reserve(q)))
            put_blob(q, h, YAML_NO_EVENT, 0, &err, sizeof err);
        return -1;
    }
    if (fd >= 0)
        yaml_parser_set_input(&p, cov_yread_fd, &reader);
    else
        yaml_parser_set_input_string(&p, (const unsigned char *)j->buf, j->len);
    int rc = 0;
    for (;;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            cov_yerr_from_parser(&p, &err);
            err.read_errno = reader.err;
            if ((h = reserve(q)))
                put_blob(q, h, YAML_NO_EVENT, 0, &err, sizeof err);
            rc = -1;
            break;
        }
        int end = e.type == YAML_STREAM_END_EVENT;
        if (!(h = reserve(q))) {
            yaml_event_delete(&e);
            rc = -1;
            break;
        }
        put_event(q, h, &e);
        q->wmark = p.mark.index;
        if (end)
            break;
    }
    yaml_parser_delete(&p);
    return rc;
}

static void *produce(void *arg)
{
    cov_ypipe *q = arg;
    cov_meter_swap(q->meter);
    for (size_t i = 0; i < q->n_jobs; i++) {
        const cov_ypipe_job *j = &q->jobs[i];
        cov_ypipe_head head;
        int fd, stop;
        open_job(q, j, &head, &fd);
        q->wmark = 0;
        rec *h = reserve(q);
        if (h)
            put_blob(q, h, REC_HEAD, 0, &head, sizeof head);
        stop = !h || head.err || head.too_big || parse_job(q, j, fd) < 0;
        if (fd >= 0 && j->fd < 0)
            close(fd);
        if (stop || publish(q) < 0) /* each file goes over at its end */
            break;
    }
    pthread_mutex_lock(&q->mu); /* the last batch goes over without waiting */
    if (q->wused) {
        q->used[q->w] = q->wused;
        q->mark[q->w] = q->wmark;
        q->full[q->w] = 1;
    }
    q->done = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* ---- consumer ---- */

static void free_pipe(cov_ypipe *q)
{
    for (unsigned i = 0; i < N_CHUNKS; i++)
        cov_free(q->chunk[i]);
    cov_free(q);
}

cov_ypipe *cov_ypipe_start(const cov_ypipe_job *jobs, size_t n, uint64_t max_size)
{
    cov_ypipe *q = cov_calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->jobs = jobs;
    q->n_jobs = n;
    q->max_size = max_size;
    q->meter = cov_meter_current();
    for (unsigned i = 0; i < N_CHUNKS; i++)
        if (!(q->chunk[i] = cov_malloc(CHUNK_SIZE))) {
            free_pipe(q);
            return NULL;
        }
    if (pthread_mutex_init(&q->mu, NULL) != 0) {
        free_pipe(q);
        return NULL;
    }
    if (pthread_cond_init(&q->cv, NULL) != 0) {
        pthread_mutex_destroy(&q->mu);
        free_pipe(q);
        return NULL;
    }
    if (pthread_create(&q->thread, NULL, produce, q) != 0) {
        pthread_cond_destroy(&q->cv);
        pthread_mutex_destroy(&q->mu);
        free_pipe(q);
        return NULL;
    }
    return q;
}

/* The next record, releasing batches read to the end; NULL if the producer
 * finished without one (a protocol error, never expected). */
static const rec *take(cov_ypipe *q)
{
    if (q->have_held) {
        yaml_event_delete(&q->held);
        q->have_held = 0;
    }
    if (!q->have_cur || q->pos >= q->used[q->cur]) {
        pthread_mutex_lock(&q->mu);
        if (q->have_cur) {
            q->full[q->cur] = 0;
            q->cur = (q->cur + 1) % N_CHUNKS;
            pthread_cond_broadcast(&q->cv);
        }
        while (!q->full[q->cur] && !q->done)
            pthread_cond_wait(&q->cv, &q->mu);
        int ok = q->full[q->cur];
        q->cur_mark = q->mark[q->cur];
        pthread_mutex_unlock(&q->mu);
        q->have_cur = ok;
        q->pos = 0;
        if (!ok)
            return NULL;
    }
    const rec *h = (const rec *)(const void *)(q->chunk[q->cur] + q->pos);
    q->pos += h->size;
    return h;
}

static const char *get_str(const unsigned char **at, size_t *n)
{
    uint16_t len;
    memcpy(&len, *at, sizeof len);
    const char *s = (const char *)*at + 2;
    *at += 3u + len;
    *n = len;
    return s;
}

int cov_ypipe_begin(cov_ypipe *q, cov_ypipe_head *head)
{
    const rec *h = take(q);
    if (!h || h->type != REC_HEAD)
        return -1;
    memcpy(head, h + 1, sizeof *head);
    return 0;
}

int cov_ypipe_next(cov_ypipe *q, cov_yraw *r, cov_yerr *err)
{
    const rec *h = take(q);
    if (!h || h->type == REC_HEAD)
        return -1;
    if (h->type == YAML_NO_EVENT) {
        memcpy(err, h + 1, sizeof *err);
        return 0;
    }
    if (h->flags & F_BIG) {
        memcpy(&q->held, h + 1, sizeof q->held);
        q->have_held = 1;
        cov_yraw_from_event(&q->held, r);
        return 1;
    }
    r->type = h->type;
    r->line = h->line;
    r->column = h->column;
    r->plain_style = h->flags & F_PLAIN;
    r->anchor = r->tag = r->value = NULL;
    r->len = 0;
    const unsigned char *at = (const unsigned char *)(h + 1);
    size_t n;
    if (h->flags & F_ANCHOR)
        r->anchor = get_str(&at, &n);
    if (h->flags & F_TAG)
        r->tag = get_str(&at, &n);
    if (h->type == YAML_SCALAR_EVENT)
        r->value = get_str(&at, &r->len);
    return 1;
}

/* Deletes large events handed over but never read in batch i from pos. */
static void drop_held(cov_ypipe *q, unsigned i, size_t pos)
{
    while (pos < q->used[i]) {
        const rec *h = (const rec *)(const void *)(q->chunk[i] + pos);
        if (h->flags & F_BIG) {
            yaml_event_t e;
            memcpy(&e, h + 1, sizeof e);
            yaml_event_delete(&e);
        }
        pos += h->size;
    }
}

void cov_ypipe_stop(cov_ypipe *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->cancel = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    if (q->have_held)
        yaml_event_delete(&q->held);
    for (unsigned i = 0; i < N_CHUNKS; i++)
        if (q->full[i])
            drop_held(q, i, q->have_cur && i == q->cur ? q->pos : 0);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free_pipe(q);
}

uint64_t cov_ypipe_position(const cov_ypipe *q)
{
    return q->cur_mark;
}
