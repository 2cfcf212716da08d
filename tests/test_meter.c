/* The allocator's meter (base/alloc.h): what cov_malloc/cov_calloc/
 * cov_realloc charge and cov_free credits while a meter is installed, the
 * cap failing a growth like an OOM, a deadline failing every growth once
 * it has passed, and a meter shared with another thread.
 * The sandbox cases (tests/sandbox, memory_*) check the same meter end to
 * end under --max-memory. */
#include "base/alloc.h"
#include "unit.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

static size_t used(cov_meter *m)
{
    return atomic_load(&m->used);
}

static void test_charge_credit(void)
{
    cov_meter m = {0};
    m.cap = 100;
    CHECK(cov_meter_charge(&m, 60));
    CHECK_INT(used(&m), 60);
    CHECK(!cov_meter_charge(&m, 41)); /* 101 > 100: refused, nothing charged */
    CHECK_INT(used(&m), 60);
    CHECK_INT(atomic_load(&m.over), 1);
    CHECK(cov_meter_charge(&m, 40)); /* exactly the cap */
    cov_meter_credit(&m, 30);
    CHECK_INT(used(&m), 70);
    cov_meter_credit(&m, 1000); /* saturates */
    CHECK_INT(used(&m), 0);
    CHECK(!cov_meter_charge(&m, (size_t)-1)); /* no wrap-around */
    CHECK_INT(used(&m), 0);
    cov_meter unlimited = {0};
    CHECK(cov_meter_charge(&unlimited, (size_t)1 << 40));
    CHECK_INT(atomic_load(&unlimited.over), 0);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A deadline that has passed refuses growth within COV_METER_CLOCK_EVERY
 * charges, sets late (not over: no cap ran out) and stays refused; one
 * still ahead refuses nothing. */
static void test_deadline(void)
{
    cov_meter ahead = {0};
    ahead.deadline = now() + 3600;
    for (int i = 0; i < 4 * COV_METER_CLOCK_EVERY; i++)
        CHECK(cov_meter_charge(&ahead, 1));
    CHECK_INT(atomic_load(&ahead.late), 0);

    cov_meter past = {0};
    past.deadline = now() - 1;
    int granted = 0;
    while (granted <= COV_METER_CLOCK_EVERY && cov_meter_charge(&past, 1))
        granted++;
    CHECK(granted <= COV_METER_CLOCK_EVERY);
    CHECK_INT(atomic_load(&past.late), 1);
    CHECK_INT(atomic_load(&past.over), 0);
    CHECK_INT(used(&past), granted);
    CHECK(!cov_meter_charge(&past, 1)); /* sticky */
    cov_meter_swap(&past);
    void *p = cov_malloc(16); /* the engine's allocations fail too */
    cov_meter_swap(NULL);
    CHECK(p == NULL);
}

static void test_blocks(void)
{
    cov_meter m = {0};
    m.cap = 1 << 20;
    REQUIRE(cov_meter_swap(&m) == NULL);
    CHECK(cov_meter_current() == &m);
    char *a = cov_malloc(1000);
    REQUIRE(a != NULL);
    size_t after_a = used(&m);
    CHECK(after_a >= 1000);
    char *b = cov_calloc(10, 100);
    REQUIRE(b != NULL);
    CHECK(used(&m) >= after_a + 1000);
    a = cov_realloc(a, 100000); /* grows */
    REQUIRE(a != NULL);
    CHECK(used(&m) >= 101000);
    a = cov_realloc(a, 10); /* shrinks */
    REQUIRE(a != NULL);
    CHECK(used(&m) < 101000);
    char *s = cov_strndup("abc", 3);
    REQUIRE(s != NULL);
    cov_free(s);
    cov_free(a);
    cov_free(b);
    CHECK_INT(used(&m), 0); /* every block gave back what it cost */
    CHECK_INT(atomic_load(&m.over), 0);

    /* Over the cap: NULL, as on OOM; what is held stays held. */
    char *big = cov_malloc((1 << 20) + 1);
    CHECK(big == NULL);
    CHECK_INT(atomic_load(&m.over), 1);
    CHECK_INT(used(&m), 0);
    char *c = cov_malloc(1000);
    REQUIRE(c != NULL);
    size_t held = used(&m);
    CHECK(cov_realloc(c, 2 << 20) == NULL);
    CHECK_INT(used(&m), held);
    CHECK(cov_calloc(1 << 11, 1 << 10) == NULL);
    CHECK_INT(used(&m), held);
    cov_free(c);
    CHECK_INT(used(&m), 0);
    CHECK(cov_meter_swap(NULL) == &m);

    /* A block allocated before the meter, freed under it, credits what the
     * meter never counted: used stays at 0, not near SIZE_MAX. */
    char *before = cov_malloc(5000);
    REQUIRE(before != NULL);
    cov_meter_swap(&m);
    char *d = cov_malloc(10);
    cov_free(before);
    CHECK_INT(used(&m), 0);
    cov_free(d);
    cov_meter_swap(NULL);

    /* Without a meter nothing is charged. */
    cov_meter idle = {0};
    char *e = cov_malloc(100);
    cov_free(e);
    CHECK_INT(used(&idle), 0);
}

static void test_unmetered(void)
{
    cov_meter m = {0};
    m.cap = 10;
    cov_meter_swap(&m);
    void *p = cov_realloc_unmetered(NULL, 1000); /* Lua's allocator charges itself */
    CHECK(p != NULL);
    CHECK_INT(used(&m), 0);
    cov_free_unmetered(p);
    CHECK_INT(used(&m), 0);
    cov_meter_swap(NULL);
}

typedef struct share {
    cov_meter *m;
    void *blocks[64];
} share;

static void *allocate_there(void *arg)
{
    share *s = arg;
    CHECK(cov_meter_current() == NULL); /* a new thread starts with none */
    cov_meter_swap(s->m);
    for (int i = 0; i < 64; i++)
        s->blocks[i] = cov_malloc(1000);
    return NULL;
}

static void test_other_thread(void)
{
    cov_meter m = {0};
    m.cap = 40 * 1024; /* room for about 40 of the 64 blocks */
    share s = {&m, {0}};
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, allocate_there, &s) == 0);
    pthread_join(t, NULL);
    int got = 0;
    for (int i = 0; i < 64; i++)
        got += s.blocks[i] != NULL;
    CHECK(got >= 30 && got < 64);
    CHECK_INT(atomic_load(&m.over), 1);
    CHECK(used(&m) <= m.cap);
    cov_meter_swap(&m); /* freed on this thread, credited to the same meter */
    for (int i = 0; i < 64; i++)
        cov_free(s.blocks[i]);
    cov_meter_swap(NULL);
    CHECK_INT(used(&m), 0);
}

int main(void)
{
    static const unit_case cases[] = {
        {"charge_credit", test_charge_credit}, {"blocks", test_blocks},
        {"unmetered", test_unmetered},         {"other_thread", test_other_thread},
        {"deadline", test_deadline},           {0}};
    return unit_run(cases);
}
