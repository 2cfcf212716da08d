/* covengine's allocator: every heap allocation of the engine goes through
 * here so a test build can make allocation number N fail (see
 * tests/test_alloc_fail.c) and so cJSON shares the same accounting. */
#ifndef COV_ALLOC_H
#define COV_ALLOC_H

#include <stdatomic.h>
#include <stddef.h>

/* Same contracts as malloc/realloc/free; cov_malloc(0) returns a unique
 * non-NULL pointer. Memory from these is released with cov_free. */
void *cov_malloc(size_t n);
void *cov_calloc(size_t count, size_t size);
void *cov_realloc(void *p, size_t n);
void cov_free(void *p);

/* A meter counts the engine's heap against a cap. While a meter is
 * installed on a thread (cov_meter_swap), cov_malloc/cov_calloc/cov_realloc
 * charge it with the size of each block they hand out (malloc_usable_size:
 * no header, so any block stays free()-able and a block allocated before
 * the meter is installed can be freed under it) and cov_free credits it; a
 * growth that would take used past cap fails like an OOM and sets over.
 * used saturates at 0 (a block allocated before the meter was installed
 * and freed under it credits memory the meter never counted). A cap of 0
 * means no cap. Shared between threads: used and over are atomic. Without
 * glibc's malloc_usable_size the meter counts nothing. */
typedef struct cov_meter {
    _Atomic size_t used;
    size_t cap;
    atomic_int over; /* a growth was refused on the cap (sticky) */
    /* A wall-clock deadline (CLOCK_MONOTONIC seconds; 0: none), set before
     * the meter is shared: every growth fails once it has passed, so a long
     * C call that allocates (cJSON parsing a huge text, say) ends near the
     * deadline instead of running on unseen by the Lua hook. The clock is
     * read every COV_METER_CLOCK_EVERY charges; late is sticky. */
    double deadline;
    atomic_uint ticks;
    atomic_int late;
} cov_meter;

enum { COV_METER_CLOCK_EVERY = 256 };

/* Installs m (NULL: none) as this thread's meter; returns the previous. */
cov_meter *cov_meter_swap(cov_meter *m);

/* This thread's meter, or NULL. */
cov_meter *cov_meter_current(void);

/* Charges n bytes to m: 1, or 0 (nothing charged) when that would pass
 * the cap (over is then set) or the deadline has passed (late is set). */
int cov_meter_charge(cov_meter *m, size_t n);

/* Credits n bytes to m (used never goes below 0). */
void cov_meter_credit(cov_meter *m, size_t n);

/* cov_realloc and cov_free without the thread's meter (fault injection
 * still applies): for an allocator that charges a meter itself, as Lua's
 * in the sandbox does with the sizes Lua gives it. */
void *cov_realloc_unmetered(void *p, size_t n);
void cov_free_unmetered(void *p);

/* Copies the n bytes at s and a terminating NUL; caller frees with cov_free. */
char *cov_strndup(const char *s, size_t n);

/* Installs cov_malloc/cov_free as cJSON's hooks (idempotent). */
void cov_alloc_hook_cjson(void);

/* Fault injection, compiled in only with COV_FAULT_INJECTION: after
 * cov_fault_arm(n) the n-th following allocation fails (n >= 1); 0 disarms.
 * cov_fault_count() is the number of allocations since the last arm. A
 * shrinking realloc never fails: callers rely on that the way Lua does.
 * cov_fault_arm_from(n) makes the n-th and every later allocation fail. */
void cov_fault_arm(long n);
void cov_fault_arm_from(long n);
long cov_fault_count(void);
int cov_fault_should_fail(void);

#endif
