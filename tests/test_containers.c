/* The one vector (base/vec.h) and the one map (base/map.h): growth keeps the items, a size
 * that would overflow is refused without touching the array, and a failed allocation leaves
 * the array as it was; the map finds every key it was given, copies its keys and is
 * unchanged by a failed put. This executable is built with its own copy of the base
 * allocator compiled with COV_FAULT_INJECTION (CMakeLists.txt), so allocation failure is
 * real here. */
#include "base/alloc.h"
#include "base/map.h"
#include "base/vec.h"
#include "unit.h"

#include <stdint.h>
#include <stdio.h>
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

static void test_map(void)
{
    cov_map m;
    cov_map_init(&m);
    CHECK(cov_map_find(&m, "a", 1) == NULL);
    char key[32];
    for (uint32_t i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "key-%u", (unsigned)i);
        REQUIRE(cov_map_put(&m, key, (size_t)n, i * 7, NULL) == 1);
    }
    memset(key, 'x', sizeof key); /* the map kept copies, not this buffer */
    CHECK_INT(m.count, 5000);
    int ok = 1;
    for (uint32_t i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "key-%u", (unsigned)i);
        const uint32_t *v = cov_map_find(&m, key, (size_t)n);
        ok &= v && *v == i * 7;
    }
    CHECK(ok);
    uint32_t old = 0;
    CHECK_INT(cov_map_put(&m, "key-12", 6, 99, &old), 0); /* there already */
    CHECK_INT(old, 84);
    CHECK_INT(*cov_map_find(&m, "key-12", 6), 84);
    CHECK(cov_map_find(&m, "key-1", 4) == NULL); /* a prefix is another key */
    CHECK(cov_map_find(&m, "key-5000", 8) == NULL);
    /* binary keys, the empty one among them */
    CHECK_INT(cov_map_put(&m, "a\0b", 3, 1, NULL), 1);
    CHECK_INT(cov_map_put(&m, "a\0c", 3, 2, NULL), 1);
    CHECK_INT(cov_map_put(&m, "", 0, 3, NULL), 1);
    CHECK_INT(*cov_map_find(&m, "a\0c", 3), 2);
    CHECK_INT(*cov_map_find(&m, "", 0), 3);
    cov_map_clear(&m);
    CHECK_INT(m.count, 0);
    CHECK(cov_map_find(&m, "key-12", 6) == NULL);
    CHECK_INT(cov_map_put(&m, "key-12", 6, 5, NULL), 1);
    CHECK_INT(*cov_map_find(&m, "key-12", 6), 5);
    cov_map_free(&m);
    CHECK(m.slots == NULL && m.keys == NULL && m.count == 0);
}

static void test_map_allocation_failure(void)
{
    cov_map m = {0};
    cov_fault_arm(1);
    int rc = cov_map_put(&m, "k", 1, 1, NULL);
    long tried = cov_fault_count();
    cov_fault_arm(0);
    if (tried == 0) {
        unit_skip("built without COV_FAULT_INJECTION");
        cov_map_free(&m);
        return;
    }
    CHECK_INT(rc, -1);
    CHECK_INT(m.count, 0);
    CHECK(cov_map_find(&m, "k", 1) == NULL);
    /* every allocation of a put that grows the slots, failed in turn */
    char key[16];
    uint32_t n = 0;
    for (long fail = 1;; fail++) {
        while (m.slots && (m.count + 1) * 2 <= m.mask + 1) {
            int len = snprintf(key, sizeof key, "k%u", (unsigned)n);
            REQUIRE(cov_map_put(&m, key, (size_t)len, n, NULL) == 1);
            n++;
        }
        int len = snprintf(key, sizeof key, "k%u", (unsigned)n);
        cov_fault_arm(fail);
        rc = cov_map_put(&m, key, (size_t)len, n, NULL);
        cov_fault_arm(0);
        if (rc == 1)
            break;
        CHECK_INT(rc, -1);
        CHECK_INT(m.count, n);
        CHECK(cov_map_find(&m, key, (size_t)len) == NULL);
    }
    n++;
    int ok = 1;
    for (uint32_t i = 0; i < n; i++) {
        int len = snprintf(key, sizeof key, "k%u", (unsigned)i);
        const uint32_t *v = cov_map_find(&m, key, (size_t)len);
        ok &= v && *v == i;
    }
    CHECK(ok);
    cov_map_free(&m);
}

int main(void)
{
    static const unit_case cases[] = {
        {"grow keeps items", test_grow_keeps_items},
        {"first capacity", test_first_capacity},
        {"overflow refused", test_overflow_refused},
        {"allocation failure", test_allocation_failure},
        {"vec push zeroes", test_vec_push_zeroes},
        {"map", test_map},
        {"map allocation failure", test_map_allocation_failure},
        {0},
    };
    return unit_run(cases);
}
