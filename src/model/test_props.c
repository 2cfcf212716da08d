/* The rows of test_props.h as data, and the value of each property. */
#include "model/test_props.h"

#include <string.h>

enum {
    VIEW_NO = COV_PROP_VIEW_NO,
    VIEW_VAL = COV_PROP_VIEW_VAL,
    VIEW_OWN = COV_PROP_VIEW_OWN
};
enum { DUMP_VAL = 0, DUMP_OWN = 1 };

static const cov_prop_info props[COV_K_COUNT] = {
#define ROW(name, K, type, value, view, group, filter, dump, dump_name, dump_how)          \
    {#name, COV_PT_##type, VIEW_##view, group, filter, dump, DUMP_##dump_how, dump_name},
    COV_TEST_PROPS(ROW)
#undef ROW
};

const cov_prop_info *cov_prop(int kind)
{
    return &props[kind];
}

int cov_prop_kind(const char *name)
{
    for (int i = 0; i < COV_K_COUNT; i++)
        if (strcmp(name, props[i].name) == 0)
            return i;
    return -1;
}

/* The loader variant test t joined to (NULL: none), and its loader's path. */
static const cov_lvariant *lv(const cov_model *m, const cov_test *t)
{
    return cov_model_test_lvariant(m, (uint32_t)(t - COV_VEC_AT(m->tests, cov_test, 0)));
}
static uint32_t lv_loader_path(const cov_model *m, const cov_test *t)
{
    const cov_lvariant *v = lv(m, t);
    return v ? COV_VEC_AT(m->loaders, cov_loader, v->loader)->path : 0;
}

uint32_t cov_prop_value(const cov_model *m, const cov_test *t, int kind)
{
    const cov_suffix *sx = t->parsed ? cov_model_suffix(m, t->suffix) : NULL;
    switch (kind) {
#define CASE(name, K, type, value, ...)                                                    \
    case COV_K_##K: return (uint32_t)(value);
        COV_TEST_PROPS(CASE)
#undef CASE
    default: return 0;
    }
}

/* The kinds whose column (filter or dump place) is 1, 2, ... in that order. */
static int by_place(int *out, int max, int dump)
{
    int n = 0;
    for (int place = 1; n < max; place++) {
        int found = 0;
        for (int i = 0; i < COV_K_COUNT && !found; i++)
            if ((dump ? props[i].dump : props[i].filter) == place)
                out[n++] = i, found = 1;
        if (!found)
            break;
    }
    return n;
}

int cov_prop_filter_keys(int *out)
{
    return by_place(out, COV_PROP_MAX_FILTER, 0);
}

int cov_prop_dump_order(int *out)
{
    return by_place(out, COV_K_COUNT, 1);
}
