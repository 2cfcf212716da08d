/* The properties of a test, written once. Every list of them is made from
 * this table: the test view's getters (lua/lua_model.c), the keys of
 * ds:group and ds:values (model/aggregate.c, lua/lua_group.c), the keys of
 * a filter (lua/lua_filter.c) and the fields of the JSON dump in their
 * order (model/dump.c). A new property is one row here (plus its storage in
 * model.h and its parser in src/load/). No Lua here.
 *
 * X(name, K, type, value, view, group, filter, dump, dump_name, dump_how):
 *   name       the property as Lua spells it (t.name, ds:group{"name"});
 *   K          its kind, COV_K_<K>;
 *   type       how its value reads (COV_PT_<type>, below);
 *   value      its value for test t of model m as a number (0: absent;
 *              sx is t's parsed suffix or NULL, lv(m, t) its loader
 *              variant or NULL); 0 for type NONE;
 *   view       NO: not a property of test views; VAL: the view pushes the
 *              value; OWN: lua_model.c's get_<name> builds it;
 *   group      1: a key of ds:group and ds:values;
 *   filter     0, or its place among the filter keys (tests{...},
 *              group{filter = ...}): read in that order and listed so in
 *              the error for an unknown key;
 *   dump       0, or its place among the fields of a test in --dump;
 *   dump_name  its name there;
 *   dump_how   VAL: the dump writes the value; OWN: dump.c's
 *              json_<name> does.
 * Where two lists differ, they differ on purpose: has_reason is a group key
 * only (the view has reason), status_given a view property only, the dump
 * calls the summary status "summary_status" and the entry's own "status",
 * and loader_unknown is the dump's alone. */
#ifndef COV_TEST_PROPS_H
#define COV_TEST_PROPS_H

#include "model/model.h"

#include <stdint.h>

/* clang-format off */
#define COV_TEST_PROPS(X) \
    X(id,               ID,               NONE,    0,                         OWN, 0, 0,  1, "id",               OWN) \
    X(family,           FAMILY,           SYM,     t->family,                 VAL, 1, 1,  3, "family",           VAL) \
    X(task_path,        TASK_PATH,        PATH,    t->task_path,              VAL, 1, 3,  4, "task_path",        VAL) \
    X(variant,          VARIANT,          SYM,     t->parsed ? t->variant : 0, VAL, 1, 4, 6, "variant",          VAL) \
    X(framework,        FRAMEWORK,        SYM,     t->framework,              VAL, 1, 2,  2, "framework",        VAL) \
    X(model_framework,  MODEL_FRAMEWORK,  MFW,     t->model_fw,               VAL, 1, 0,  5, "model_framework",  VAL) \
    X(llm_phase,        LLM_PHASE,        SYM,     sx ? sx->llm_phase : 0,    VAL, 1, 0,  7, "llm_phase",        VAL) \
    X(seq,              SEQ,              INT1,    sx ? sx->seq + 1 : 0,      VAL, 1, 0,  8, "seq",              VAL) \
    X(batch,            BATCH,            INT1,    sx ? sx->batch + 1 : 0,    VAL, 1, 0,  9, "batch",            VAL) \
    X(strategy,         STRATEGY,         SYM,     sx ? sx->strategy : 0,     VAL, 1, 0, 10, "strategy",         VAL) \
    X(parallelism,      PARALLELISM,      SYM,     sx ? sx->parallelism : 0,  VAL, 1, 0, 11, "parallelism",      VAL) \
    X(mesh,             MESH,             SYM,     sx ? sx->mesh : 0,         VAL, 1, 0, 12, "mesh",             VAL) \
    X(exec,             EXEC,             SYM,     sx ? sx->exec : 0,         VAL, 1, 0, 13, "exec",             VAL) \
    X(run_mode,         RUN_MODE,         SYM,     sx ? sx->run_mode : 0,     VAL, 1, 0, 14, "run_mode",         VAL) \
    X(parsed,           PARSED,           BOOL,    t->parsed,                 VAL, 1, 5, 15, "parsed",           VAL) \
    X(status,           STATUS,           STATUS,  cov_test_summary_status(m, t), VAL, 1, 0, 23, "summary_status", VAL) \
    X(entry_status,     ENTRY_STATUS,     STATUS,  cov_test_status(t),        VAL, 1, 0, 16, "status",           VAL) \
    X(status_given,     STATUS_GIVEN,     BOOL,    t->f.status != COV_STATUS_ABSENT, VAL, 0, 0, 0, "",           VAL) \
    X(arch_status,      ARCH_STATUS,      NONE,    0,                         OWN, 0, 0, 24, "arch_status",      OWN) \
    X(status_elsewhere, STATUS_ELSEWHERE, STATUS,  cov_test_status_elsewhere(m, t), VAL, 0, 0, 25, "status_elsewhere", VAL) \
    X(bringup_status,   BRINGUP,          BRINGUP, t->f.bringup,              VAL, 1, 0, 17, "bringup_status",   VAL) \
    X(reason,           REASON,           SYM,     t->f.reason,               VAL, 0, 0, 18, "reason",           VAL) \
    X(has_reason,       HAS_REASON,       BOOL,    t->f.reason != COV_SYM_NONE, NO, 1, 0, 0, "",                 VAL) \
    X(markers,          MARKERS,          LIST,    t->f.markers,              VAL, 0, 0, 19, "markers",          VAL) \
    X(supported_archs,  SUPPORTED_ARCHS,  LIST,    t->f.archs,                VAL, 0, 0, 20, "supported_archs",  VAL) \
    X(arch_overrides,   ARCH_OVERRIDES,   NONE,    0,                         OWN, 0, 0, 22, "arch_overrides",   OWN) \
    X(extra,            EXTRA,            NONE,    0,                         OWN, 0, 0, 21, "extra",            OWN) \
    X(file,             FILE,             FILE,    t->source + 1,             VAL, 1, 0, 26, "file",             VAL) \
    X(line,             LINE,             UINT,    t->line,                   VAL, 0, 0, 27, "line",             VAL) \
    X(column,           COLUMN,           UINT,    t->column,                 VAL, 0, 0, 28, "column",           VAL) \
    X(source,           SOURCE,           SYM,     lv(m, t) ? lv(m, t)->field[COV_LF_SOURCE] : 0, VAL, 1, 0, 0, "", VAL) \
    X(group,            GROUP,            SYM,     lv(m, t) ? lv(m, t)->field[COV_LF_GROUP] : 0, VAL, 1, 0, 0, "", VAL) \
    X(checkpoint,       CHECKPOINT,       SYM,     lv(m, t) ? lv(m, t)->checkpoint : 0, VAL, 1, 0, 0, "",     VAL) \
    X(loader,           LOADER,           SYM,     lv_loader_path(m, t),      OWN, 1, 0, 29, "loader",           OWN) \
    X(loader_unknown,   LOADER_UNKNOWN,   NONE,    0,                         NO,  0, 0, 30, "loader_unknown",   OWN)
/* clang-format on */

/* A property's kind: COV_K_FAMILY... (in table order). */
enum cov_prop {
#define COV_PROP_KIND(name, K, ...) COV_K_##K,
    COV_TEST_PROPS(COV_PROP_KIND)
#undef COV_PROP_KIND
        COV_K_COUNT
};

/* How a value reads: a symbol (0: none); a symbol that is a slash path
 * (the dump splits it; a filter's false asks for none); a number + 1 (0:
 * none); COV_MFW_*; COV_STATUS_*; COV_BRINGUP_*; a source index + 1 (its
 * path); a boolean; a number; a list handle (cov_model_list); no value (the
 * OWN writers build it). */
enum cov_prop_type {
    COV_PT_SYM,
    COV_PT_PATH,
    COV_PT_INT1,
    COV_PT_MFW,
    COV_PT_STATUS,
    COV_PT_BRINGUP,
    COV_PT_FILE,
    COV_PT_BOOL,
    COV_PT_UINT,
    COV_PT_LIST,
    COV_PT_NONE
};

enum { COV_PROP_VIEW_NO, COV_PROP_VIEW_VAL, COV_PROP_VIEW_OWN };

typedef struct cov_prop_info {
    const char *name;
    uint8_t type;     /* cov_prop_type */
    uint8_t view;     /* COV_PROP_VIEW_* */
    uint8_t group;    /* a ds:group key */
    uint8_t filter;   /* place among the filter keys, 0: none */
    uint8_t dump;     /* place in the dump, 0: not dumped */
    uint8_t dump_own; /* the dump writes it with its own function */
    const char *dump_name;
} cov_prop_info;

/* The row of kind (0 <= kind < COV_K_COUNT). */
const cov_prop_info *cov_prop(int kind);

/* The kind of the property called name, or -1. */
int cov_prop_kind(const char *name);

/* The value of property kind for test t, as described above. */
uint32_t cov_prop_value(const cov_model *m, const cov_test *t, int kind);

/* The filter keys in their order: up to COV_PROP_MAX_FILTER kinds into
 * out; returns how many. Likewise the dumped properties in dump order
 * (out has room for COV_K_COUNT). */
enum { COV_PROP_MAX_FILTER = 8 };
int cov_prop_filter_keys(int *out);
int cov_prop_dump_order(int *out);

#endif
