/* covengine's allocator: every heap allocation of the engine goes through
 * here so a test build can make allocation number N fail (see
 * tests/test_alloc_fail.c) and so cJSON shares the same accounting. */
#ifndef COV_ALLOC_H
#define COV_ALLOC_H

#include <stddef.h>

/* Same contracts as malloc/realloc/free; cov_malloc(0) returns a unique
 * non-NULL pointer. Memory from these is released with cov_free. */
void *cov_malloc(size_t n);
void *cov_calloc(size_t count, size_t size);
void *cov_realloc(void *p, size_t n);
void cov_free(void *p);

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
