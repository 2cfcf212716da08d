/* A minimal test harness: checks report file:line and keep going; a test
 * executable exits 1 if any check failed, 77 (ctest "skipped") if every
 * case skipped. */
#ifndef COV_UNIT_H
#define COV_UNIT_H

#include "base/diag.h"

#include <stddef.h>

typedef struct unit_case {
    const char *name;
    void (*fn)(void);
} unit_case;

#define CHECK(cond) unit_check((cond) != 0, #cond, __FILE__, __LINE__)
#define CHECK_INT(got, want)                                                               \
    unit_check_int((long long)(got), (long long)(want), #got, __FILE__, __LINE__)
#define CHECK_STR(got, want) unit_check_str((got), (want), #got, __FILE__, __LINE__)
/* Ends the current case when a precondition fails. */
#define REQUIRE(cond)                                                                      \
    do {                                                                                   \
        if (!CHECK(cond))                                                                  \
            return;                                                                        \
    } while (0)

int unit_check(int ok, const char *what, const char *file, int line);
int unit_check_int(long long got, long long want, const char *what, const char *file,
                   int line);
int unit_check_str(const char *got, const char *want, const char *what, const char *file,
                   int line);
/* Marks the current case skipped, with a reason printed once. */
void unit_skip(const char *why);
/* Runs cases (ending with {0}); returns the exit status. */
int unit_run(const unit_case *cases);

/* Reads a whole file into a NUL-terminated buffer (free()); NULL if absent. */
char *unit_read_file(const char *path, size_t *len);
/* The shared third-party data directory, or NULL (the case should skip). */
const char *unit_shared_data(void);
/* DATA/dir/name, DATA the shared data directory (a static buffer, one at a
 * time), or NULL with the current case marked skipped. */
const char *unit_shared_path(const char *dir, const char *name);

/* The diagnostics of a load: unit_diag() clears unit_err and unit_warns and
 * returns a cov_diag that fills them; unit_warns keeps the first UNIT_WARNS
 * warnings and counts them all. */
#define UNIT_WARNS 32
typedef struct unit_warnings {
    int n;
    cov_error w[UNIT_WARNS];
} unit_warnings;
extern unit_warnings unit_warns;
extern cov_error unit_err;
cov_diag unit_diag(void);
/* A cov_warn_fn that collects into the unit_warnings at ud. */
void unit_on_warn(void *ud, const cov_error *w);
/* The first collected warning whose message contains text, or NULL. */
const cov_error *unit_warning(const char *text);
/* The limits a CLI run has by default (cov_limits_default). */
const cov_limits *unit_limits(void);

#endif
