/* Runs libyaml on a second thread over a list of inputs ("jobs") and hands
 * the events to the caller's thread in batches, so scanning overlaps with
 * building the model: within a large file, and across the files of a tree
 * (file k+1 is scanned while file k is loaded). The caller sees, per job,
 * the same events in the same order as from yaml_parser_parse; every
 * decision stays on the caller's thread.
 *
 * The parser thread allocates nothing through cov_malloc (the batches are
 * allocated up front), so allocation counts stay deterministic. */
#ifndef COV_YAML_PIPE_H
#define COV_YAML_PIPE_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

/* One event as the loaders need it. Strings are NUL-terminated, NULL when
 * absent, and valid until the next call that produces an event. */
typedef struct cov_yraw {
    int type;              /* yaml_event_type_t */
    uint32_t line, column; /* 1-based start mark */
    const char *anchor, *tag, *value;
    size_t len; /* of value */
    int plain_style;
} cov_yraw;

/* What libyaml said when it failed. */
typedef struct cov_yerr {
    yaml_error_type_t error;
    const char *problem, *context; /* libyaml's static strings */
    size_t offset;                 /* reader errors: byte offset */
    yaml_mark_t problem_mark, context_mark, mark;
    int read_errno; /* reader errors: the read(2) failure, or 0 */
} cov_yerr;

void cov_yraw_from_event(const yaml_event_t *e, cov_yraw *r);
void cov_yerr_from_parser(const yaml_parser_t *p, cov_yerr *e);

/* A libyaml read handler over a descriptor: data is a cov_yreader. */
typedef struct cov_yreader {
    int fd;
    int err;      /* errno of a failed read; EFBIG once over max */
    uint64_t max; /* bytes it may read (0: any), so a pipe or FIFO is bounded too */
    uint64_t got; /* bytes read so far */
} cov_yreader;
int cov_yread_fd(void *data, unsigned char *buf, size_t size, size_t *got);

/* One input: an open descriptor (fd >= 0, not closed), else a path the
 * parser thread opens and closes, else the buffer buf[0..len). */
typedef struct cov_ypipe_job {
    int fd;
    const char *path;
    const char *buf;
    size_t len;
} cov_ypipe_job;

/* How a job's input opened. When err or too_big is set the job has no
 * events and nothing follows it. */
typedef struct cov_ypipe_head {
    int err;     /* errno from open or fstat; EISDIR for a directory */
    int too_big; /* over max_size: not read */
    uint64_t size;
} cov_ypipe_head;

typedef struct cov_ypipe cov_ypipe;

/* Starts a thread that parses the n jobs in order; jobs (and the strings
 * they point to) must outlive the pipe. max_size 0 = no limit. NULL if there
 * is no memory or thread (the caller then parses directly). */
cov_ypipe *cov_ypipe_start(const cov_ypipe_job *jobs, size_t n, uint64_t max_size);
/* Starts reading the next job: its head. Returns 0, or -1 if the pipe broke
 * its protocol (no such job). */
int cov_ypipe_begin(cov_ypipe *q, cov_ypipe_head *h);
/* The next event of the current job into *r: 1; 0 with *err filled when
 * libyaml failed (nothing follows); -1 on a protocol error. Not to be called
 * after STREAM_END until cov_ypipe_begin. */
int cov_ypipe_next(cov_ypipe *q, cov_yraw *r, cov_yerr *err);
/* How far the parser had read the current job (libyaml's mark, about a
 * byte count) when it finished the batch being read: for progress. */
uint64_t cov_ypipe_position(const cov_ypipe *q);
/* Stops the thread (even mid-file), waits for it, and frees q. NULL is a no-op. */
void cov_ypipe_stop(cov_ypipe *q);

#endif
