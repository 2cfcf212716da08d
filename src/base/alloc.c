#include "base/alloc.h"

#include "covengine.h" /* cov_free is public: COV_API exports it */

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef COV_FAULT_INJECTION
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

/* The size malloc really handed out: what the block costs, and what freeing
 * it gives back. */
#if defined(__GLIBC__)
#include <malloc.h>
static size_t block_size(void *p)
{
    return p ? malloc_usable_size(p) : 0;
}
#else
static size_t block_size(void *p)
{
    (void)p;
    return 0;
}
#endif

static _Thread_local cov_meter *thread_meter;

cov_meter *cov_meter_swap(cov_meter *m)
{
    cov_meter *prev = thread_meter;
    thread_meter = m;
    return prev;
}

cov_meter *cov_meter_current(void)
{
    return thread_meter;
}

/* Whether m's deadline has passed, reading the clock every
 * COV_METER_CLOCK_EVERY calls. */
static int meter_late(cov_meter *m)
{
    if (atomic_load_explicit(&m->late, memory_order_relaxed))
        return 1;
    if (atomic_fetch_add_explicit(&m->ticks, 1, memory_order_relaxed) %
            COV_METER_CLOCK_EVERY !=
        0)
        return 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if ((double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 <= m->deadline)
        return 0;
    atomic_store(&m->late, 1);
    return 1;
}

int cov_meter_charge(cov_meter *m, size_t n)
{
    if (m->deadline > 0 && meter_late(m))
        return 0;
    size_t before = atomic_fetch_add(&m->used, n);
    if (m->cap && (before + n < before || before + n > m->cap)) {
        cov_meter_credit(m, n);
        atomic_store(&m->over, 1);
        return 0;
    }
    return 1;
}

void cov_meter_credit(cov_meter *m, size_t n)
{
    size_t cur = atomic_load(&m->used);
    while (!atomic_compare_exchange_weak(&m->used, &cur, cur > n ? cur - n : 0))
        ;
}

/* Charges the thread's meter for a block of n bytes about to be
 * allocated, before allocating: 1 to go on, 0 to fail. */
static int meter_allows(cov_meter *m, size_t n)
{
    return !m || cov_meter_charge(m, n);
}

/* Turns the charge of n bytes for block p (NULL: it failed) into the
 * block's real size. */
static void *meter_settle(cov_meter *m, void *p, size_t n)
{
    if (m) {
        size_t real = block_size(p);
        if (real > n)
            atomic_fetch_add(&m->used, real - n);
        else
            cov_meter_credit(m, n - real);
    }
    return p;
}

void *cov_malloc(size_t n)
{
    if (cov_fault_should_fail())
        return NULL;
    cov_meter *m = thread_meter;
    if (!meter_allows(m, n))
        return NULL;
    return meter_settle(m, malloc(n ? n : 1), n);
}

void *cov_calloc(size_t count, size_t size)
{
    if (cov_fault_should_fail())
        return NULL;
    cov_meter *m = thread_meter;
    size_t n = count && size ? count * size : 1;
    if (count && size && n / size != count)
        return NULL; /* calloc would refuse it too */
    if (!meter_allows(m, n))
        return NULL;
    return meter_settle(m, calloc(count ? count : 1, size ? size : 1), n);
}

void *cov_realloc_unmetered(void *p, size_t n)
{
    if (p && n == 0) {
        free(p);
        return NULL;
    }
    if (cov_fault_should_fail())
        return NULL;
    return realloc(p, n);
}

void *cov_realloc(void *p, size_t n)
{
    cov_meter *m = thread_meter;
    if (!m)
        return cov_realloc_unmetered(p, n);
    size_t old = block_size(p);
    if (p && n == 0) {
        cov_meter_credit(m, old);
        free(p);
        return NULL;
    }
    if (cov_fault_should_fail())
        return NULL;
    /* A growth is charged first; a shrink never fails. */
    if (n > old && !cov_meter_charge(m, n - old))
        return NULL;
    void *q = realloc(p, n);
    size_t charged = n > old ? n - old : 0;
    if (!q) {
        cov_meter_credit(m, charged);
        return NULL;
    }
    size_t real = block_size(q);
    /* used += real - old - charged, in two unsigned steps */
    if (real > old)
        atomic_fetch_add(&m->used, real - old);
    else
        cov_meter_credit(m, old - real);
    cov_meter_credit(m, charged);
    return q;
}

void cov_free_unmetered(void *p)
{
    free(p);
}

void cov_free(void *p)
{
    cov_meter *m = thread_meter;
    if (m && p)
        cov_meter_credit(m, block_size(p));
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
