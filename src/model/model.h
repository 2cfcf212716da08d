/* The in-memory model of one dataset: tt-xla tests and placeholders, the
 * EasyDeL inventory and the files they came from. Owned by C, built by the
 * loaders, read by the Lua bridge and the JSON dump. No Lua here.
 *
 * Sized for a million tests: a test is a fixed 64-byte record of symbols;
 * its id is not stored but rebuilt from its parsed parts (the grammar makes
 * that exact), and a suffix shared by many ids is parsed and stored once. */
#ifndef COV_MODEL_H
#define COV_MODEL_H

#include "base/arena.h"
#include "base/intern.h"
#include "base/map.h"
#include "base/vec.h"

#include <stdint.h>

/* ModelTestStatus; 0 = not given (an entry without one is UNSPECIFIED, an
 * arch override without one inherits the entry's). */
enum {
    COV_STATUS_ABSENT = 0,
    COV_STATUS_EXPECTED_PASSING,
    COV_STATUS_KNOWN_FAILURE_XFAIL,
    COV_STATUS_NOT_SUPPORTED_SKIP,
    COV_STATUS_UNSPECIFIED,
    COV_STATUS_EXCLUDE_MODEL,
    COV_STATUS_COUNT
};

/* BringupStatus; 0 = not given. */
enum {
    COV_BRINGUP_ABSENT = 0,
    COV_BRINGUP_FAILED_FE_COMPILATION,
    COV_BRINGUP_FAILED_TTMLIR_COMPILATION,
    COV_BRINGUP_FAILED_RUNTIME,
    COV_BRINGUP_INCORRECT_RESULT,
    COV_BRINGUP_PASSED,
    COV_BRINGUP_UNKNOWN,
    COV_BRINGUP_NOT_STARTED,
    COV_BRINGUP_COUNT
};

/* Enum names ("EXPECTED_PASSING"); NULL for ABSENT. */
const char *cov_status_name(int status);
const char *cov_bringup_name(int bringup);
/* Parses a name or value in any case; returns ABSENT (0) if unknown. */
int cov_status_parse(const char *s, size_t len);
int cov_bringup_parse(const char *s, size_t len);
/* "EXPECTED_PASSING, KNOWN_FAILURE_XFAIL, ..." for error messages. */
const char *cov_status_allowed(void);
const char *cov_bringup_allowed(void);

/* A generic YAML value, kept for fields the model has no slot for
 * (required_pcc, filechecks, unknown keys) so nothing read is lost. */
enum { COV_NODE_NULL, COV_NODE_SCALAR, COV_NODE_SEQ, COV_NODE_MAP };
typedef struct cov_node {
    uint8_t kind;
    uint8_t plain;          /* scalar was unquoted: its type is resolved as YAML 1.1 does */
    uint32_t n;             /* items (SEQ) or key/value pairs (MAP) */
    cov_sym value;          /* SCALAR text; COV_NODE_NULL has none */
    struct cov_node *items; /* SEQ: n items; MAP: 2n nodes, key then value */
} cov_node;

/* The fields an entry and an arch override share. */
typedef struct cov_fields {
    cov_sym reason;      /* NONE if absent */
    uint32_t markers;    /* list handle (cov_model_list), 0 = none */
    uint32_t archs;      /* supported_archs list handle, 0 = none */
    uint8_t status;      /* COV_STATUS_* */
    uint8_t bringup;     /* COV_BRINGUP_* */
    uint8_t has_markers; /* the key was present (an empty list is kept too) */
    uint8_t has_archs;
    cov_node *extra; /* MAP of the other fields, or NULL */
} cov_fields;

typedef struct cov_override {
    cov_sym arch;
    uint32_t line, column;
    cov_fields f;
} cov_override;

/* The parsed suffix of a test id, shared by every id that ends the same way
 * ("single_device-full-inference"). */
typedef struct cov_suffix {
    cov_sym text; /* the suffix as written */
    cov_sym llm_phase, strategy, parallelism, mesh, exec, run_mode;
    int32_t seq, batch; /* -1 when absent */
} cov_suffix;

enum { COV_MFW_NONE = 0, COV_MFW_JAX, COV_MFW_PYTORCH };
const char *cov_model_framework_name(int mfw); /* "jax" / "pytorch" / NULL */

typedef struct cov_test {
    cov_sym family;     /* first PATH component (raw family) */
    cov_sym task_path;  /* rest of PATH ("causal_lm/moe"), NONE if empty */
    cov_sym variant;    /* NONE if absent; the whole id when !parsed */
    uint32_t suffix;    /* index into model->suffixes; 0 when !parsed */
    cov_sym framework;  /* config directory: jax, torch, torch_llm */
    uint32_t source;    /* index into model->sources */
    uint32_t line;      /* of the id, 1-based */
    uint32_t overrides; /* first of n_overrides in model->overrides */
    uint16_t n_overrides;
    uint16_t column;  /* of the id, 1-based (saturates) */
    uint8_t model_fw; /* COV_MFW_* */
    uint8_t parsed;   /* the id fits the grammar */
    cov_fields f;
} cov_test;

typedef struct cov_placeholder {
    cov_sym name;
    uint8_t bringup;
    uint32_t source, line, column;
    cov_fields f; /* bringup duplicated in f.bringup; other fields kept too */
} cov_placeholder;

enum {
    COV_SOURCE_TEST_CONFIG,
    COV_SOURCE_PLACEHOLDERS,
    COV_SOURCE_EASYDEL_MANIFEST,
    COV_SOURCE_EASYDEL_CHECKOUT,
    COV_SOURCE_TT_FORGE_MODELS
};
const char *cov_source_kind_name(int kind);

typedef struct cov_source {
    const char *path;  /* arena copy, as given */
    int kind;          /* COV_SOURCE_* */
    cov_sym framework; /* NONE for EasyDeL sources */
    uint32_t entries;  /* tests, placeholders or modules read from it */
} cov_source;

typedef struct cov_registration {
    cov_sym task, model_type, config, class_name; /* NONE if not given */
    cov_sym file; /* checkout scans: the .py file; NONE for manifests */
    uint32_t line;
} cov_registration;

typedef struct cov_module {
    cov_sym name;
    cov_sym type;          /* a manifest's free-text "type", NONE if not given */
    uint32_t first, count; /* registrations in model->registrations */
} cov_module;

/* tt-forge-models loaders (docs/design.md 3.4, load_forge.h). The ModelInfo
 * fields a loader's _get_model_info returns: */
enum {
    COV_LF_SOURCE,
    COV_LF_GROUP,
    COV_LF_TASK,
    COV_LF_MODEL,
    COV_LF_FRAMEWORK,
    COV_LF_COUNT
};
const char *cov_loader_field_name(int field); /* "source", "group", ... */

/* How such a field is written: one literal for every variant; a literal per
 * variant (a conditional on the variant); candidates (a conditional on
 * something else: several values, none known to apply); computed (anything
 * else: never guessed); absent (no ModelInfo call or no such argument). */
enum {
    COV_LV_ABSENT,
    COV_LV_LITERAL,
    COV_LV_PER_VARIANT,
    COV_LV_CANDIDATES,
    COV_LV_COMPUTED
};
const char *cov_loader_how_name(int how); /* "absent", "literal", ... */

typedef struct cov_loader_field {
    uint8_t how;    /* COV_LV_* */
    cov_sym value;  /* LITERAL: the string, or an enum member's name ("EASYDEL") */
    uint32_t cands; /* CANDIDATES: list handle of the values it may take */
    uint32_t line;  /* of its expression, or of what made it computed; 0 = absent */
} cov_loader_field;

enum { COV_LOADER_DECODE = 1, COV_LOADER_PREFILL = 2 }; /* LLM phases served */

typedef struct cov_loader {
    cov_sym path;            /* its directory, relative to the tree: "gpt2/causal_lm/jax" */
    cov_sym file;            /* its loader.py as read (tree path joined) */
    uint32_t line;           /* of "class ModelLoader"; 0 when there is none */
    cov_sym base;            /* an adapter (_lora/_dora): its base loader's path */
    cov_sym default_variant; /* DEFAULT_VARIANT's member name, NONE if not given */
    cov_sym family, task;    /* the join key: path = family[/task]/<fw> */
    uint8_t mfw;             /* COV_MFW_* of the last component; NONE: ids never name it */
    uint8_t readable;        /* the lexer could follow the file (and an adapter's base) */
    uint8_t phases;          /* COV_LOADER_DECODE | COV_LOADER_PREFILL */
    uint8_t variantless;     /* declares no variants: one slot stands for the loader */
    uint32_t first, count;   /* its variants in model->lvariants (count >= 1) */
    cov_loader_field f[COV_LF_COUNT];
} cov_loader;

typedef struct cov_lvariant {
    cov_sym name;  /* ModelVariant member ("BASE"); NONE for a variantless slot */
    cov_sym value; /* its string value, what ids name ("Base"); NONE if not a literal */
    cov_sym checkpoint; /* pretrained_model_name when a literal */
    cov_sym file;       /* the file that declares it (an adapter's base loader) */
    uint32_t line;      /* of its _VARIANTS key (the loader's line when variantless) */
    uint32_t loader;    /* index into model->loaders */
    cov_sym field[COV_LF_COUNT]; /* the fields' values for this variant, NONE if unknown */
    uint8_t prefill;             /* the prefill class (ForgePrefillModel) serves it */
    uint32_t tests;              /* config entries joined to it (the last join) */
} cov_lvariant;

typedef struct cov_model {
    cov_arena arena; /* nodes, paths, lists */
    cov_interner strs;
    cov_vec sources;      /* cov_source */
    cov_vec tests;        /* cov_test */
    cov_vec suffixes;     /* cov_suffix; [0] is unused */
    cov_vec overrides;    /* cov_override */
    cov_vec placeholders; /* cov_placeholder */
    cov_vec lists;        /* uint32_t words: [n, sym...]; handle 0 unused */
    /* EasyDeL */
    int has_easydel;
    cov_sym easydel_revision, easydel_date, easydel_source_name;
    uint32_t easydel_source; /* index into sources */
    cov_vec modules;         /* cov_module */
    cov_vec registrations;   /* cov_registration */
    /* tt-forge-models */
    int has_forge;
    uint32_t forge_source;  /* index into sources */
    cov_vec loaders;        /* cov_loader, in the order of their files' paths */
    cov_vec lvariants;      /* cov_lvariant */
    cov_map loader_index;   /* (family, task, mfw) -> loader (forge_join.c) */
    cov_map lvariant_index; /* (loader, value) -> lvariant */
    uint32_t *join;         /* per test: its lvariant + 1, 0 = none (cov_forge_join) */
    uint32_t join_cap;
    uint32_t unknown; /* tests the last join found no loader variant for */
    /* lookups */
    cov_index suffix_ix; /* suffix text sym -> index */
    cov_index id_ix;     /* (framework, id) -> test index */
    uint32_t unparsed;   /* tests whose id did not parse */
    cov_vec duplicates;  /* cov_duplicate: an id of one framework read in two
                            files, counted once (cov_model_resolve_duplicates) */
    /* The aggregate the default rules ask for, fed as tests load so that
     * their main query costs nothing afterwards (cov_model_standing, in
     * model/aggregate.h: the aggregate reads the model, so the model only
     * holds it and drops it with standing_free, set with it). */
    struct cov_agg *standing;
    void (*standing_free)(struct cov_agg *);
    int standing_state;      /* COV_STANDING_* */
    uint32_t standing_tests; /* tests it holds: must be all of them */
    /* Bumped by every load (kept or rolled back): caches below compare it. */
    uint32_t changes;
    /* Answers computed from the tests when first asked (cov_model_arches),
     * kept apart so that a const model can fill them in. */
    struct cov_model_cache *cache;
} cov_model;

typedef struct cov_model_cache {
    cov_sym *arches;
    uint32_t n_arches;
    uint32_t arches_at; /* valid while == changes + 1 */
} cov_model_cache;

/* Returns 0 or COV_ENOMEM. */
int cov_model_init(cov_model *m);
void cov_model_free(cov_model *m);

static inline cov_sym cov_model_intern(cov_model *m, const char *s, size_t len)
{
    return cov_intern(&m->strs, s, len);
}
static inline const char *cov_model_str(const cov_model *m, cov_sym s)
{
    return cov_sym_str(&m->strs, s);
}
static inline cov_test *cov_model_test(const cov_model *m, uint32_t i)
{
    return COV_VEC_AT(m->tests, cov_test, i);
}
static inline const cov_suffix *cov_model_suffix(const cov_model *m, uint32_t i)
{
    return COV_VEC_AT(m->suffixes, cov_suffix, i);
}
static inline const cov_source *cov_model_source(const cov_model *m, uint32_t i)
{
    return COV_VEC_AT(m->sources, cov_source, i);
}

/* Adds a source; returns its index or UINT32_MAX on OOM. */
uint32_t cov_model_add_source(cov_model *m, const char *path, int kind, cov_sym framework);

/* Stores a list of symbols; returns its handle (> 0) or 0 on OOM. n may be 0. */
uint32_t cov_model_list(cov_model *m, const cov_sym *items, uint32_t n);
/* The items of a list handle; *n receives the count (0 for handle 0). */
const cov_sym *cov_model_list_items(const cov_model *m, uint32_t handle, uint32_t *n);

/* Parses id (len bytes) and fills the id fields of t (family, task_path,
 * variant, suffix, model_fw, parsed). Returns 0 or COV_ENOMEM. */
int cov_model_set_id(cov_model *m, cov_test *t, const char *id, size_t len);

/* Writes t's id into buf (NUL-terminated, truncated to size); returns the full
 * length, as snprintf does. */
size_t cov_model_test_id(const cov_model *m, const cov_test *t, char *buf, size_t size);

/* Registers test index i under (framework, id) and returns UINT32_MAX, or the
 * index of an earlier test with the same framework and id (i is then not
 * registered). Returns UINT32_MAX - 1 on OOM. */
uint32_t cov_model_index_test(cov_model *m, uint32_t i);
#define COV_INDEX_NEW UINT32_MAX
#define COV_INDEX_OOM (UINT32_MAX - 1)

/* The override records of t. */
static inline const cov_override *cov_model_overrides(const cov_model *m, const cov_test *t)
{
    return COV_VEC_AT(m->overrides, cov_override, t->overrides);
}

enum { COV_STANDING_EMPTY, COV_STANDING_LIVE, COV_STANDING_STALE };

/* A kept test was changed after it was noted (an entry overridden) or the
 * tests moved: the standing aggregate (model/aggregate.h) no longer holds
 * and is freed; queries compute their own. */
void cov_model_standing_invalidate(cov_model *m);

/* An id of one framework in two files. tt-xla merges its files in sorted
 * order and a later file's entry replaces an earlier one's, so the model
 * keeps one test, the later entry, and remembers where the other was. */
typedef struct cov_duplicate {
    uint32_t test;    /* the test kept (the later entry) */
    uint32_t earlier; /* while loading: the test it replaces; then UINT32_MAX */
    uint32_t source, line, column; /* where the replaced entry is */
} cov_duplicate;

/* Records that test `later` repeats test `earlier` (same framework and id,
 * another file) and points the id index at `later`. Returns 0 or
 * COV_ENOMEM. */
int cov_model_note_duplicate(cov_model *m, uint32_t later, uint32_t earlier);

/* The loader variant test i joined to, or NULL (no tree, or none found). */
const cov_lvariant *cov_model_test_lvariant(const cov_model *m, uint32_t i);

/* After a load: drops every test a later entry replaced (duplicates from
 * index `first` on), keeping file order, and rebuilds the indexes. Returns 0
 * or COV_ENOMEM, leaving the model as it was. When it dropped tests, the
 * standing aggregate is invalidated: the caller rebuilds it
 * (cov_model_standing_rebuild). */
int cov_model_resolve_duplicates(cov_model *m, uint32_t first);

/* The entry's own status: UNSPECIFIED when absent. */
int cov_test_status(const cov_test *t);

/* ---- Effective status per (test, arch): the one engine fact every count,
 * view, report, diff and gate reads. A test runs on the arches it is written
 * for (its scope):
 *   - the arches of `supported_archs`, when the entry has that key;
 *   - else, when the entry has no status of its own and some arch override
 *     gives one, the arches of `arch_overrides` (the overrides say all there
 *     is to say: stablelm's single-device tests are EXPECTED_PASSING on p150
 *     and KNOWN_FAILURE_XFAIL on n150, not UNSPECIFIED anywhere);
 *   - else every arch.
 * On an arch of its scope its status is the override's there, else the
 * entry's own (UNSPECIFIED when absent); elsewhere it does not run. */
enum { COV_SCOPE_ALL, COV_SCOPE_SUPPORTED, COV_SCOPE_OVERRIDES };
int cov_test_scope(const cov_model *m, const cov_test *t);

/* The status of t on arch, or COV_STATUS_ABSENT (0) where it does not run. */
int cov_test_status_on(const cov_model *m, const cov_test *t, cov_sym arch);

/* The status t counts as where no arch is named (the "top level"): the
 * entry's own status when it gives one; else the best status it has on the
 * arches of a finite scope (EXPECTED_PASSING > KNOWN_FAILURE_XFAIL >
 * UNSPECIFIED > NOT_SUPPORTED_SKIP > EXCLUDE_MODEL); else UNSPECIFIED. */
int cov_test_summary_status(const cov_model *m, const cov_test *t);

/* The status t has on every arch it does not name (neither in
 * supported_archs nor in arch_overrides): the entry's own with scope ALL, 0
 * (it does not run) otherwise. */
int cov_test_status_elsewhere(const cov_model *m, const cov_test *t);

/* Whether status a is better than b in the order above (0 ranks last). */
int cov_status_better(int a, int b);

typedef struct cov_arch_status {
    cov_sym arch;
    uint8_t status; /* 0: t does not run there */
} cov_arch_status;

/* The arches t names (supported_archs, then arch_overrides, each once)
 * with t's status on each, into out[0..max). Returns how many there are
 * (more than max: call again with room for all). */
uint32_t cov_test_arches(const cov_model *m, const cov_test *t, cov_arch_status *out,
                         uint32_t max);

/* Every arch some test of m names (in supported_archs or arch_overrides),
 * sorted by name; *n receives the count. Computed when first asked after a
 * load and kept; NULL with *n = 0 when there are none, or on OOM (then *n is
 * UINT32_MAX). */
const cov_sym *cov_model_arches(const cov_model *m, uint32_t *n);

/* A load that fails must leave the model as it was: take a mark before and
 * roll back to it on error. Interned strings and arena memory added since the
 * mark are kept (unreferenced) until the model is freed. */
typedef struct cov_model_mark {
    uint32_t sources, tests, overrides, placeholders, lists, modules, registrations,
        duplicates;
    uint32_t unparsed;
    int has_easydel;
    cov_sym easydel_revision, easydel_date, easydel_source_name;
    uint32_t easydel_source;
    int has_forge;
    uint32_t loaders, lvariants;
} cov_model_mark;

void cov_model_mark_take(const cov_model *m, cov_model_mark *mark);
/* Returns 0, or COV_ENOMEM if the id index could not be rebuilt (the model
 * is then still consistent but later duplicate checks are skipped). */
int cov_model_rollback(cov_model *m, const cov_model_mark *mark);

#endif
