/* The one vector (base/vec.h): growth keeps the items, a size that would
 * overflow is refused without touching the array, and a failed allocation
 * leaves the array as it was. This executable is built with its own copy
 * of the base allocator compiled with COV_FAULT_INJECTION (CMakeLists.txt),
 * so allocation failure is real here. */
#include "base/alloc.h"
#include "base/vec.h"
#include "unit.h"

#include <stdint.h>
#include <string.h>

static void test_grow_keeps_items(void)
{
    int *a = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        REQUIRE(COV_GROW_ONE(a, n, cap) == 0);
        CHECK(cap > n);
        a[n++] = i * 3;
    }
    int ok = 1;
    for (int i = 0; i < 1000; i++)
        ok &= a[i] == i * 3;
    CHECK(ok);
    CHECK(cap >= 1000 && cap < 2048); /* doubling, not one at a time */
    size_t before = cap;
    CHECK_INT(cov_grow((void **)&a, &cap, 10, sizeof *a), 0); /* enough already */
    CHECK_INT(cap, before);
    cov_free(a);
}

static void test_first_capacity(void)
{
    char *b = NULL;
    size_t cap = 0;
    REQUIRE(cov_grow((void **)&b, &cap, 1, 1) == 0);
    CHECK_INT(cap, 256); /* small items: 256 bytes */
    cov_free(b);
    double *d = NULL;
    cap = 0;
    REQUIRE(cov_grow((void **)&d, &cap, 1, sizeof *d) == 0);
    CHECK_INT(cap, 32);
    cov_free(d);
    struct big {
        char bytes[100];
    } *g = NULL;
    cap = 0;
    REQUIRE(cov_grow((void **)&g, &cap, 40, sizeof *g) == 0);
    CHECK_INT(cap, 64); /* 16 doubled until 40 fit */
    cov_free(g);
}

static void test_overflow_refused(void)
{
    int *a = NULL;
    size_t cap = 0;
    REQUIRE(COV_GROW_ONE(a, 0, cap) == 0);
    int *was = a;
    size_t was_cap = cap;
    CHECK_INT(cov_grow((void **)&a, &cap, SIZE_MAX, sizeof *a), -1);
    CHECK_INT(cov_grow((void **)&a, &cap, SIZE_MAX / 2 + 2, 1), -1);
    CHECK_INT(cov_grow((void **)&a, &cap, SIZE_MAX / sizeof *a + 1, sizeof *a), -1);
    CHECK(a == was);
    CHECK_INT(cap, was_cap);
    CHECK_INT(cov_grow((void **)&a, &cap, cap + 1, 0), -1); /* no size, no array */
    uint32_t cap32 = (uint32_t)was_cap;
    CHECK_INT(cov_grow32((void **)&a, &cap32, (size_t)UINT32_MAX + 1, 1), -1);
    CHECK_INT(cap32, was_cap);
    CHECK(a == was);
    cov_free(a);
}

static void test_allocation_failure(void)
{
    cov_fault_arm(1);
    cov_fault_arm(0);
    int *a = NULL;
    size_t n = 0, cap = 0;
    do {
        REQUIRE(COV_GROW_ONE(a, n, cap) == 0);
        a[n] = (int)n;
    } while (++n < cap);
    size_t full = cap;
    cov_fault_arm(1); /* the next allocation fails: the one growing past full */
    CHECK_INT(COV_GROW_ONE(a, n, cap), -1);
    long tried = cov_fault_count();
    cov_fault_arm(0);
    if (tried == 0) {
        unit_skip("built without COV_FAULT_INJECTION");
        cov_free(a);
        return;
    }
    CHECK_INT(cap, full);
    int ok = 1;
    for (size_t i = 0; i < n; i++)
        ok &= a[i] == (int)i;
    CHECK(ok);                             /* the array is as it was */
    CHECK_INT(COV_GROW_ONE(a, n, cap), 0); /* and grows once memory is back */
    cov_free(a);

    cov_vec v = {0};
    uint32_t *slot = cov_vec_push(&v, sizeof *slot);
    REQUIRE(slot != NULL);
    *slot = 7;
    while (v.count < v.cap)
        REQUIRE(cov_vec_push(&v, sizeof *slot) != NULL);
    cov_fault_arm(1);
    CHECK(cov_vec_push(&v, sizeof *slot) == NULL);
    cov_fault_arm(0);
    CHECK_INT(v.count, v.cap);
    CHECK_INT(*COV_VEC_AT(v, uint32_t, 0), 7);
    cov_vec_free(&v);
}

static void test_vec_push_zeroes(void)
{
    cov_vec v = {0};
    for (uint32_t i = 0; i < 300; i++) {
        uint64_t *x = cov_vec_push(&v, sizeof *x);
        REQUIRE(x != NULL);
        CHECK_INT(*x, 0);
        *x = i + 1;
    }
    CHECK_INT(v.count, 300);
    CHECK_INT(*COV_VEC_AT(v, uint64_t, 299), 300);
    cov_vec_free(&v);
    CHECK(v.items == NULL && v.count == 0 && v.cap == 0);
}

int main(void)
{
    static const unit_case cases[] = {
        {"grow keeps items", test_grow_keeps_items},
        {"first capacity", test_first_capacity},
        {"overflow refused", test_overflow_refused},
        {"allocation failure", test_allocation_failure},
        {"vec push zeroes", test_vec_push_zeroes},
        {0},
    };
    return unit_run(cases);
}
