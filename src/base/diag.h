/* Errors and warnings as loaders and the bridge report them: the first error
 * goes into the caller's cov_error, warnings to the engine's handler. */
#ifndef COV_DIAG_H
#define COV_DIAG_H

#include "covengine.h"

/* A load's progress (cov_engine_set_progress_handler), owned by the engine. */
typedef struct cov_load_progress {
    cov_progress_fn fn;
    void *ud;
    cov_progress p;
    unsigned countdown; /* events until the next report */
} cov_load_progress;

typedef struct cov_diag {
    cov_error *err;   /* may be NULL: the caller does not want details */
    cov_warn_fn warn; /* may be NULL: warnings are dropped */
    void *warn_ud;
    unsigned long warnings;
} cov_diag;

/* The progress state a load reports into: the engine's, when d is one of
 * the diags it gives its loaders and it has a progress handler; else NULL.
 * Defined in api/engine.c, the one place that makes such diags. */
cov_load_progress *cov_diag_progress(const cov_diag *d);

/* Events between two progress reports. */
enum { COV_PROGRESS_EVERY = 16384 };

/* These report into cov_diag_progress(d), if any. A file of size bytes (0:
 * unknown) starts; a load of one file makes it the
 * whole total. */
void cov_progress_begin(cov_diag *d, const char *file, uint64_t size);
/* pos bytes into the current file (approximate). */
void cov_progress_at(cov_diag *d, uint64_t pos);
/* The current file is done: size bytes. */
void cov_progress_end(cov_diag *d, uint64_t size);

#if defined(__GNUC__)
#define COV_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define COV_PRINTF(a, b)
#endif

/* Records an error (code, position, message) in d->err and returns code so a
 * caller can write `return cov_fail(...)`. line/col are 1-based, 0 = none. */
int cov_fail(cov_diag *d, int code, const char *file, int line, int col, const char *fmt,
             ...) COV_PRINTF(6, 7);

/* Sends a warning to the handler, if any. */
void cov_warn(cov_diag *d, const char *file, int line, int col, const char *fmt, ...)
    COV_PRINTF(5, 6);

/* The same with a code: COV_OK for a warning, else an error the run is
 * about to stop for (the handler sees it in w->code). */
void cov_note(cov_diag *d, int code, const char *file, int line, int col, const char *fmt,
              ...) COV_PRINTF(6, 7);

/* Copies the C string in into out (size bytes, size > 0) with each control
 * character (below 0x20, and 0x7f) written as \n, \r, \t or \xHH, so that
 * a path or message printed on one line stays one line and cannot move the
 * terminal's cursor (a name with a newline cannot forge a second error
 * line). Backslashes are kept as they are (messages quote escapes: "\q").
 * Cuts at size - 1 bytes, never inside an escape; returns out. */
char *cov_escape_controls(char *out, size_t size, const char *in);

/* Resets err to "no error". */
void cov_error_clear(cov_error *err);

#endif
