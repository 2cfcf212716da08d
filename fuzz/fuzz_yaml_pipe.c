/* The helper-thread YAML path (formats/yaml_pipe.c) against libyaml run
 * directly. The first byte chooses: how many jobs the rest is cut into
 * (1-4 equal pieces), whether the first piece goes through a pipe (a
 * descriptor with no size, as `--config <(...)`), whether a missing path
 * job is added, a size limit, and after how many events the consumer stops
 * the pipe mid-job. Checks: per job, the head (size, too_big, err) is what
 * the job is, and the events (type, position, anchor, tag, value, style) or
 * the error (kind, problem, position) are exactly libyaml's; stopping at any
 * point leaks nothing and does not hang. */
#include "fuzz.h"

#include "formats/yaml_pipe.h"

#include <errno.h>
#include <unistd.h>

#define MAX_JOBS 5

static int same_str(const char *a, const char *b, size_t na, size_t nb)
{
    if (!a || !b)
        return !a && !b;
    return na == nb && memcmp(a, b, na) == 0;
}

/* Compares job j's events from the pipe with libyaml's own; returns the
 * events consumed, or -1 once the pipe must not be read further. */
static long check_job(cov_ypipe *q, const char *buf, size_t len, long budget)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return -1;
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    long n = 0;
    for (;; n++) {
        if (n >= budget) {
            yaml_parser_delete(&p);
            return -1; /* stop here, mid-job */
        }
        yaml_event_t e;
        int ok = yaml_parser_parse(&p, &e);
        cov_yraw r;
        cov_yerr err;
        int got = cov_ypipe_next(q, &r, &err);
        FUZZ_CHECK(got >= 0, "pipe protocol error");
        if (!ok) {
            cov_yerr want;
            cov_yerr_from_parser(&p, &want);
            FUZZ_CHECK(got == 0, "the pipe gave an event where libyaml failed");
            FUZZ_CHECK(err.error == want.error && err.problem == want.problem &&
                           err.problem_mark.index == want.problem_mark.index &&
                           err.offset == want.offset,
                       "the pipe failed differently");
            yaml_parser_delete(&p);
            return -1;
        }
        cov_yraw want;
        cov_yraw_from_event(&e, &want);
        FUZZ_CHECK(got == 1, "the pipe failed where libyaml did not");
        FUZZ_CHECK(r.type == want.type && r.line == want.line && r.column == want.column &&
                       r.plain_style == want.plain_style,
                   "the pipe gave another event");
        FUZZ_CHECK(same_str(r.anchor, want.anchor, r.anchor ? strlen(r.anchor) : 0,
                            want.anchor ? strlen(want.anchor) : 0) &&
                       same_str(r.tag, want.tag, r.tag ? strlen(r.tag) : 0,
                                want.tag ? strlen(want.tag) : 0) &&
                       same_str(r.value, want.value, r.len, want.len),
                   "the pipe gave another anchor, tag or value");
        int end = e.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&e);
        if (end)
            break;
    }
    yaml_parser_delete(&p);
    return n + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned ctl = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    size_t pieces = 1 + (ctl & 3u);
    int via_fd = (ctl >> 2) & 1u, missing = (ctl >> 3) & 1u;
    static const uint64_t limits[4] = {0, 16, 256, 1u << 20};
    uint64_t max_size = limits[(ctl >> 4) & 3u];
    long budget = (ctl >> 6) == 3 ? 5 + (long)(len % 50) : 1L << 30;

    cov_ypipe_job jobs[MAX_JOBS];
    size_t n = 0;
    int fds[2] = {-1, -1};
    if (via_fd && len <= 60000 && pipe(fds) == 0) {
        /* Within the pipe's buffer: written whole before the parser reads. */
        size_t first = len / pieces;
        if (write(fds[1], text, first) != (ssize_t)first) {
            close(fds[0]);
            close(fds[1]);
            return 0;
        }
        close(fds[1]);
        fds[1] = -1;
    } else {
        via_fd = 0;
    }
    for (size_t i = 0; i < pieces; i++) {
        size_t a = len * i / pieces, b = len * (i + 1) / pieces;
        jobs[n++] = (cov_ypipe_job){i == 0 && via_fd ? fds[0] : -1, NULL, text + a, b - a};
    }
    if (missing)
        jobs[n++] = (cov_ypipe_job){-1, "/nonexistent/fuzz_yaml_pipe.yaml", NULL, 0};

    cov_ypipe *q = cov_ypipe_start(jobs, n, max_size);
    for (size_t i = 0; q && i < n && budget > 0; i++) {
        cov_ypipe_head h;
        FUZZ_CHECK(cov_ypipe_begin(q, &h) == 0, "no head for a job");
        if (jobs[i].path) {
            FUZZ_CHECK(h.err == ENOENT, "a missing file opened");
            break;
        }
        int fd_job = jobs[i].fd >= 0;
        FUZZ_CHECK(h.err == 0, "a buffer or pipe failed to open");
        FUZZ_CHECK(fd_job ? h.size == 0 : h.size == jobs[i].len,
                   "the head has another size");
        int over = max_size && jobs[i].len > max_size;
        if (!fd_job)
            FUZZ_CHECK(h.too_big == over, "too_big is wrong");
        /* A pipe over the limit fails while it is read, where libyaml would
         * go on: not compared. */
        if (h.too_big || (fd_job && over))
            break;
        long used = check_job(q, jobs[i].buf, jobs[i].len, budget);
        if (used < 0)
            break;
        budget -= used;
        (void)cov_ypipe_position(q);
    }
    cov_ypipe_stop(q);
    if (fds[0] >= 0)
        close(fds[0]);
    return 0;
}
