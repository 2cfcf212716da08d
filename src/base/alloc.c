#include "base/alloc.h"

#include "covengine.h" /* cov_free is public: COV_API exports it */

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifdef COV_FAULT_INJECTION
#include <stdatomic.h>
static atomic_long fault_at;    /* 0: disarmed */
static atomic_long fault_seen;  /* allocations since arming */
static atomic_int fault_sticky; /* every allocation after fault_at fails too */

void cov_fault_arm(long n)
{
    atomic_store(&fault_seen, 0);
    atomic_store(&fault_sticky, 0);
    atomic_store(&fault_at, n);
}

void cov_fault_arm_from(long n)
{
    cov_fault_arm(n);
    atomic_store(&fault_sticky, 1);
}

long cov_fault_count(void)
{
    return atomic_load(&fault_seen);
}

int cov_fault_should_fail(void)
{
    long seen = atomic_fetch_add(&fault_seen, 1) + 1;
    long at = atomic_load(&fault_at);
    return at > 0 && (seen == at || (seen > at && atomic_load(&fault_sticky)));
}
#else
void cov_fault_arm(long n)
{
    (void)n;
}
void cov_fault_arm_from(long n)
{
    (void)n;
}
long cov_fault_count(void)
{
    return 0;
}
int cov_fault_should_fail(void)
{
    return 0;
}
#endif

void *cov_malloc(size_t n)
{
    if (cov_fault_should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *cov_calloc(size_t count, size_t size)
{
    if (cov_fault_should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *cov_realloc(void *p, size_t n)
{
    if (p && n == 0) {
        free(p);
        return NULL;
    }
    if (cov_fault_should_fail())
        return NULL;
    return realloc(p, n);
}

void cov_free(void *p)
{
    free(p);
}

char *cov_strndup(const char *s, size_t n)
{
    char *d = cov_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void *cjson_malloc(size_t n)
{
    return cov_malloc(n);
}

static void hook_cjson_once(void)
{
    cJSON_Hooks hooks = {cjson_malloc, cov_free};
    cJSON_InitHooks(&hooks);
}

/* cJSON's hooks are process-wide: install them once, whichever thread (or
 * engine) gets here first. */
void cov_alloc_hook_cjson(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, hook_cjson_once);
}
