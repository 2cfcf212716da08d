/* The one vector (base/vec.h) and the one map (base/map.h): growth keeps the items, a size
 * that would overflow is refused without touching the array, and a failed allocation leaves
 * the array as it was; the map finds every key it was given, copies its keys and is
 * unchanged by a failed put; the keyless index under it finds items through collisions,
 * growth and deletion and is unchanged by a failed add. This executable is built with its
 * own copy of the base allocator compiled with COV_FAULT_INJECTION (CMakeLists.txt), so
 * allocation failure is real here. */
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
    CHECK_INT(m.ix.count, 5000);
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
    CHECK_INT(m.ix.count, 0);
    CHECK(cov_map_find(&m, "key-12", 6) == NULL);
    CHECK_INT(cov_map_put(&m, "key-12", 6, 5, NULL), 1);
    CHECK_INT(*cov_map_find(&m, "key-12", 6), 5);
    cov_map_free(&m);
    CHECK(m.ix.slots == NULL && m.ents == NULL && m.keys == NULL && m.ix.count == 0);
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
    CHECK_INT(m.ix.count, 0);
    CHECK(cov_map_find(&m, "k", 1) == NULL);
    /* every allocation of a put that grows the slots, failed in turn */
    char key[16];
    uint32_t n = 0;
    for (long fail = 1;; fail++) {
        while (m.ix.slots && (m.ix.count + 1) * 2 <= m.ix.mask + 1) {
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
        CHECK_INT(m.ix.count, n);
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

/* The index over keys kept by the test: keys[v] is item v's key. */
static uint32_t ix_find(const cov_index *ix, const uint64_t *keys, uint64_t key,
                        uint32_t hash, cov_index_cursor *c)
{
    *c = cov_index_probe(ix, hash);
    for (const uint32_t *v; (v = cov_index_next(ix, c));)
        if (keys[*v] == key)
            return *v;
    return UINT32_MAX;
}

/* Every live key is found with its item, every removed one is not. */
static int ix_consistent(const cov_index *ix, const uint64_t *keys, const int *live,
                         uint32_t n, uint32_t (*hash)(uint64_t))
{
    int ok = 1;
    cov_index_cursor c;
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = ix_find(ix, keys, keys[i], hash(keys[i]), &c);
        ok &= live[i] ? v == i : v == UINT32_MAX;
        count += (uint32_t)live[i];
    }
    return ok && count == ix->count;
}

static uint32_t hash_spread(uint64_t k)
{
    return cov_hash_u64(k);
}
static uint32_t hash_clash(uint64_t k)
{
    return (uint32_t)(k % 5) * 16; /* five runs in one home, 0 among them */
}

static void test_index(void)
{
    uint32_t (*hashes[])(uint64_t) = {hash_spread, hash_clash};
    enum { N = 600 };
    static uint64_t keys[N];
    static int live[N];
    for (size_t h = 0; h < sizeof hashes / sizeof *hashes; h++) {
        cov_index ix = {0};
        cov_index_cursor c;
        CHECK_INT(ix_find(&ix, keys, 1, 1, &c), UINT32_MAX); /* empty: no slots yet */
        for (uint32_t i = 0; i < N; i++) {
            keys[i] = (uint64_t)i * 7919 + 3;
            live[i] = 1;
            REQUIRE(ix_find(&ix, keys, keys[i], hashes[h](keys[i]), &c) == UINT32_MAX);
            REQUIRE(cov_index_add(&ix, &c, i) == 0);
            REQUIRE(ix.count == i + 1 && (ix.count * 2 <= ix.mask + 1));
        }
        CHECK(ix_consistent(&ix, keys, live, N, hashes[h]));
        CHECK_INT(ix.mask + 1, 2048); /* doubled from 16, at most half full */
        /* removal by backward shift, including runs that wrap past the end */
        for (uint32_t i = 0; i < N; i += 3) {
            REQUIRE(ix_find(&ix, keys, keys[i], hashes[h](keys[i]), &c) == i);
            cov_index_remove(&ix, &c);
            live[i] = 0;
        }
        CHECK(ix_consistent(&ix, keys, live, N, hashes[h]));
        for (uint32_t i = N; i-- > 0;) /* the rest, last first, as a log would */
            if (live[i]) {
                REQUIRE(ix_find(&ix, keys, keys[i], hashes[h](keys[i]), &c) == i);
                cov_index_remove(&ix, &c);
                live[i] = 0;
            }
        CHECK(ix_consistent(&ix, keys, live, N, hashes[h]));
        int empty = 1;
        for (uint32_t j = 0; j <= ix.mask; j++)
            empty &= ix.slots[j].hash == 0;
        CHECK(empty);
        cov_index_free(&ix);
        CHECK(ix.slots == NULL && ix.count == 0 && ix.mask == 0);
    }
    /* a wrapped run: homes at the last slot spill into slot 0 and back */
    cov_index ix = {0};
    cov_index_cursor c;
    for (uint32_t i = 0; i < 4; i++) {
        keys[i] = i;
        live[i] = 1;
        c = cov_index_probe(&ix, 15);
        while (cov_index_next(&ix, &c))
            ;
        REQUIRE(cov_index_add(&ix, &c, i) == 0);
    }
    CHECK_INT(ix.slots[15].value, 0);
    CHECK_INT(ix.slots[0].value, 1);
    c = cov_index_probe(&ix, 15);
    cov_index_next(&ix, &c);
    cov_index_remove(&ix, &c); /* slot 15 refilled from slot 0 */
    CHECK_INT(ix.slots[15].value, 1);
    CHECK_INT(ix.slots[2].hash, 0);
    cov_index_clear(&ix);
    CHECK(ix.count == 0 && ix.slots[15].hash == 0 && ix.mask == 15);
    cov_index_free(&ix);
}

static void test_index_allocation_failure(void)
{
    cov_index ix = {0};
    cov_index_cursor c = cov_index_probe(&ix, 9);
    cov_fault_arm(1);
    int rc = cov_index_add(&ix, &c, 0);
    long tried = cov_fault_count();
    cov_fault_arm(0);
    if (tried == 0) {
        unit_skip("built without COV_FAULT_INJECTION");
        cov_index_free(&ix);
        return;
    }
    CHECK_INT(rc, -1);
    CHECK(ix.slots == NULL && ix.count == 0);
    static uint64_t keys[64];
    for (uint32_t i = 0; i < 64; i++) {
        keys[i] = i;
        REQUIRE(ix_find(&ix, keys, i, cov_hash_u64(i), &c) == UINT32_MAX);
        if (ix.slots && (ix.count + 1) * 2 > ix.mask + 1) { /* this add grows */
            uint32_t mask = ix.mask;
            cov_fault_arm(1);
            rc = cov_index_add(&ix, &c, i);
            cov_fault_arm(0);
            CHECK_INT(rc, -1);
            CHECK(ix.mask == mask && ix.count == i);
            CHECK_INT(ix_find(&ix, keys, i, cov_hash_u64(i), &c), UINT32_MAX);
        }
        REQUIRE(cov_index_add(&ix, &c, i) == 0);
    }
    int ok = 1;
    for (uint32_t i = 0; i < 64; i++)
        ok &= ix_find(&ix, keys, i, cov_hash_u64(i), &c) == i;
    CHECK(ok);
    cov_index_free(&ix);
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
        {"index", test_index},
        {"index allocation failure", test_index_allocation_failure},
        {0},
    };
    return unit_run(cases);
}
