/* A minimal test harness: checks report file:line and keep going; a test
 * executable exits 1 if any check failed, 77 (ctest "skipped") if every
 * case skipped. */
#ifndef COV_UNIT_H
#define COV_UNIT_H

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

#endif
