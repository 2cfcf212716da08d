/* The allocation-failure sweep: for each scenario (the loaders, the dump, a
 * rule run), run it once clean to count its allocations C, then for every N
 * in 1..C run it again with allocation N failing ("fail at"), and again with
 * N and every later one failing ("fail from": memory that stays exhausted,
 * which Lua's emergency collection cannot absorb). Each run must end in a
 * clean error (COV_ENOMEM with a message saying so; from a loader, naming
 * the file and leaving the dataset as it was) or, when the failure was
 * absorbed (Lua retries after an emergency collection), in exactly the
 * clean result; and every block allocated during the run must be freed by
 * cov_engine_free. Crashes are the sanitizers' (the test is in the ASan and
 * UBSan build too) or the test's own death.
 *
 * One counter covers everything (see CMakeLists.txt): covengine, cJSON and
 * Lua allocate through cov_malloc & co., and libyaml does too through the
 * cov_yaml_* shims below. The __wrap_* functions only count live blocks.
 *
 * `test_alloc_fail NAME` runs one scenario; $COV_ALLOC_FAIL_VERBOSE prints
 * every run's outcome. */
#include "base/alloc.h"
#include "base/git_repo.h"
#include "covengine.h"
#include "unit.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- link-time wrappers: live block accounting ------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

/* Atomic: libyaml may run on the loaders' helper thread for large inputs. */
static atomic_long live_blocks;

void *__wrap_malloc(size_t n)
{
    void *p = __real_malloc(n);
    if (p)
        atomic_fetch_add(&live_blocks, 1);
    return p;
}

void *__wrap_calloc(size_t count, size_t size)
{
    void *p = __real_calloc(count, size);
    if (p)
        atomic_fetch_add(&live_blocks, 1);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    void *q = __real_realloc(p, n);
    if (!p && q)
        atomic_fetch_add(&live_blocks, 1);
    else if (p && n == 0)
        atomic_fetch_sub(&live_blocks, 1); /* glibc frees p */
    return q;
}

void __wrap_free(void *p)
{
    if (p)
        atomic_fetch_sub(&live_blocks, 1);
    __real_free(p);
}

/* ---- libyaml's allocations (renamed in libyaml_fault.a) ---------------- */

/* The inputs here are far below COV_TTXLA_PIPE_MIN, so libyaml runs on the
 * caller's thread and its allocations fall in order with the engine's. */

void *cov_yaml_malloc(size_t n);
void *cov_yaml_realloc(void *p, size_t n);
void cov_yaml_free(void *p);
char *cov_yaml_strdup(const char *s);

void *cov_yaml_malloc(size_t n)
{
    return cov_malloc(n);
}
void *cov_yaml_realloc(void *p, size_t n)
{
    return cov_realloc(p, n);
}
void cov_yaml_free(void *p)
{
    cov_free(p);
}
char *cov_yaml_strdup(const char *s)
{
    return cov_strndup(s, strlen(s));
}

/* ---- scenarios --------------------------------------------------------- */

/* A tt-xla config with anchors, merge keys, aliases, arch_overrides, extra
 * fields, an unparsed id and placeholders. */
static const char config_yaml[] =
    "defaults: &defaults\n"
    "  status: KNOWN_FAILURE_XFAIL\n"
    "  reason: from defaults\n"
    "  required_pcc: 0.9\n"
    "passing: &passing\n"
    "  status: EXPECTED_PASSING\n"
    "  markers: [push, nightly]\n"
    "archs: &archs [n150, p150]\n"
    "test_config:\n"
    "  llama/causal_lm/jax-3B-single_device-inference:\n"
    "    <<: *defaults\n"
    "    bringup_status: passed\n"
    "    supported_archs: *archs\n"
    "    filechecks: ['CHECK: foo', bar]\n"
    "    arch_overrides:\n"
    "      p150: *passing\n"
    "      n150:\n"
    "        <<: *defaults\n"
    "        reason: n150 reason\n"
    "  gpt2/jax-base-single_device-inference:\n"
    "    <<: [*passing, *defaults]\n"
    "  qwen_3/causal_lm/jax-0_6B-llm_decode-seq_1-batch_1-tensor_parallel-inference:\n"
    "    status: unspecified\n"
    "    custom_thing:\n"
    "      a: [1, {b: ~}]\n"
    "      c: 'single'\n"
    "  not an id:\n"
    "    status: EXPECTED_PASSING\n"
    "PLACEHOLDER_MODELS:\n"
    "  Some Model:\n"
    "    bringup_status: NOT_STARTED\n"
    "    reason: planned\n"
    "  Other Model:\n";

/* A rule script over the bridge: require, group, tests (with the family
 * index), test tables, modules, placeholders, sources, a load from Lua, the
 * dump, json both ways, write. */
static const char bridge_rules[] =
    "local cov = require 'covengine'\n"
    "local out = {}\n"
    "for _, g in ipairs(cov.group{'framework', 'family', 'status'}) do\n"
    "  out[#out + 1] = {fw = g.framework, family = g.family, count = g.count,\n"
    "                   status = g.status, first = tostring(g.first)}\n"
    "end\n"
    "local ids = {}\n"
    "for t in cov.tests{framework = 'jax'} do\n"
    "  ids[#ids + 1] = t.id .. ' ' .. t.status .. ' ' .. t.file .. ':' .. t.line\n"
    "end\n"
    "for t in cov.tests{family = 'llama'} do ids[#ids + 1] = t:totable() end\n"
    "local mods = {}\n"
    "for _, m in ipairs(cov.modules()) do mods[#mods + 1] = m.name end\n"
    "local base = cov.dataset('base')\n"
    "base:load_config_string('torch/test_config_x.yaml',\n"
    "  'test_config:\\n  bert/pytorch-base-single_device-inference:\\n    status: "
    "EXPECTED_PASSING\\n')\n"
    "cov.write(cov.json.encode({groups = out, ids = ids, modules = mods,\n"
    "                           placeholders = cov.placeholders(), sources = "
    "cov.sources(),\n"
    "                           base = #base, format = cov.options.format}, {indent = "
    "true}))\n"
    "cov.write(#cov.head:dump(), '\\n')\n"
    "local back = cov.json.decode('{\"a\": [1, 2, null], \"b\": {\"c\": \"d\"}}')\n"
    "cov.write('\\n', #back.a, ' ', back.b.c, '\\n')\n"
    "return 'end\\n'\n";

#define TTXLA_TREE "fixtures/ttxla/tree_dup"
#define TTXLA_FLAT "fixtures/ttxla/tree_flat"
#define EASYDEL_MANIFEST "fixtures/easydel/checkout.json"
#define EASYDEL_CHECKOUT "fixtures/easydel/checkout"
#define PHASES "../rules/phases.lua"
#define FORGE_MODELS "fixtures/forge/models"
#define FORGE_CONFIGS "fixtures/forge/ttxla"

/* Warnings take their own path through the engine: have them delivered. */
static unsigned long warnings_seen;
static void count_warning(void *ud, const cov_error *w)
{
    (void)ud;
    (void)w;
    warnings_seen++;
}

/* What one run of a scenario produced. */
typedef struct outcome {
    int rc;
    cov_error err;
    char *result; /* on success, a copy (malloc) of what to compare */
} outcome;

/* Copies text for comparison outside the armed region. */
static char *keep(const char *text, size_t len)
{
    char *c = malloc(len + 1);
    if (c) {
        memcpy(c, text, len);
        c[len] = '\0';
    }
    return c;
}

/* The dataset as JSON (not armed), to check what a load left behind. */
static char *dump_of(cov_engine *e, cov_dataset d)
{
    cov_error err;
    char *j = cov_dump_json(e, d, &err);
    if (!j)
        return NULL;
    char *c = keep(j, strlen(j));
    cov_free(j);
    return c;
}

typedef struct scenario scenario;
struct scenario {
    const char *name;
    /* Prepares an engine (not armed); NULL: the armed part creates it. */
    int (*setup)(cov_engine **e);
    /* The armed part: fills o->rc and o->err. */
    void (*run)(cov_engine **e, outcome *o);
    /* After the armed part (not armed): fills o->result on success. */
    void (*result)(cov_engine *e, outcome *o);
    int rollback; /* a failed load must leave the dataset as it was */
    /* Sticky sweep only: 0, every N; else every N up to full_until, then
     * every stride-th (and the last). */
    long stride;
    long full_until;
};

/* Engine creation is part of every armed loader scenario. */
static int new_engine(cov_engine **e, outcome *o)
{
    *e = cov_engine_new();
    if (!*e) {
        o->rc = COV_ENOMEM;
        snprintf(o->err.message, sizeof o->err.message,
                 "cov_engine_new: out of memory (NULL)");
        return 0;
    }
    cov_engine_set_warning_handler(*e, count_warning, NULL);
    return 1;
}

static void result_dump_head(cov_engine *e, outcome *o)
{
    o->result = dump_of(e, COV_HEAD);
}

static void run_config_buffer(cov_engine **e, outcome *o)
{
    if (!new_engine(e, o))
        return;
    o->rc = cov_load_config_buffer(*e, COV_HEAD, "jax/test_config_mix.yaml", config_yaml,
                                   sizeof config_yaml - 1, NULL, &o->err);
}

static int setup_flat(cov_engine **e)
{
    cov_error err;
    *e = cov_engine_new();
    return *e && cov_load_ttxla(*e, COV_HEAD, TTXLA_FLAT, &err) == COV_OK;
}

/* A load into a dataset that already holds something: a failure must roll
 * back to exactly what was there. */
static void run_config_on_top(cov_engine **e, outcome *o)
{
    o->rc = cov_load_config_buffer(*e, COV_HEAD, "jax/test_config_mix.yaml", config_yaml,
                                   sizeof config_yaml - 1, "jax", &o->err);
}

static void run_ttxla_tree(cov_engine **e, outcome *o)
{
    if (!new_engine(e, o))
        return;
    o->rc = cov_load_ttxla(*e, COV_HEAD, TTXLA_TREE, &o->err);
}

static void run_easydel_manifest(cov_engine **e, outcome *o)
{
    if (!new_engine(e, o))
        return;
    o->rc = cov_load_easydel(*e, COV_HEAD, EASYDEL_MANIFEST, &o->err);
}

static void run_easydel_checkout(cov_engine **e, outcome *o)
{
    if (!new_engine(e, o))
        return;
    o->rc = cov_load_easydel(*e, COV_HEAD, EASYDEL_CHECKOUT, &o->err);
}

/* Git fixture repositories (scripts/make_git_fixtures.sh), built in main();
 * "" when they could not be. libgit2 allocates with malloc, outside the
 * counter: these sweep covengine's own allocations around it. main() holds
 * libgit2 started for the whole sweep, as a long-lived host would, so each
 * run does not pay its start (which valgrind's pass over tests/test_git.c
 * checks for leaks). */
static char git_fixtures[256];

static void run_ttxla_git(cov_engine **e, outcome *o)
{
    if (!new_engine(e, o))
        return;
    char repo[300];
    snprintf(repo, sizeof repo, "git:%s/ttxla.git@main~3", git_fixtures);
    o->rc = cov_load_ttxla(*e, COV_HEAD, repo, &o->err);
}

static void run_easydel_git(cov_engine **e, outcome *o)
{
    if (!new_engine(e, o))
        return;
    char repo[300];
    snprintf(repo, sizeof repo, "%s/easydel", git_fixtures);
    o->rc = cov_load_easydel_git(*e, COV_HEAD, repo, NULL, &o->err);
}

/* The history (cov_load_history) and a rule reading it twice: the first
 * pass parses and records each blob, the second replays the tapes (a tape
 * that could not be recorded is parsed again: the same report). */
static const char history_rules[] =
    "local cov = require 'covengine'\n"
    "local out = {}\n"
    "for _ = 1, 2 do\n"
    "  for rev in cov.history() do\n"
    "    out[#out + 1] = rev.short .. ' ' .. rev.dataset:count() .. ' ' .. rev.subject\n"
    "  end\n"
    "end\n"
    "return table.concat(out, '\\n')\n";

static void run_history(cov_engine **e, outcome *o)
{
    if (!new_engine(e, o))
        return;
    char repo[300];
    snprintf(repo, sizeof repo, "%s/ttxla.git", git_fixtures);
    o->rc = cov_load_history(*e, repo, "v1..main~2", NULL, 0, NULL, &o->err);
    if (o->rc == COV_OK)
        o->rc = cov_run_rules_buffer(*e, "history.lua", history_rules,
                                     sizeof history_rules - 1, 0, NULL, &o->err);
}

/* The small tree and the checkout manifest, for the dump and the rules. */
/* The tt-forge-models scanner and the join, into a dataset holding the
 * configs its tests name (the join's warnings and rollback too). */
static int setup_forge_configs(cov_engine **e)
{
    cov_error err;
    *e = cov_engine_new();
    if (*e)
        cov_engine_set_warning_handler(*e, count_warning, NULL);
    return *e && cov_load_ttxla(*e, COV_HEAD, FORGE_CONFIGS, &err) == COV_OK;
}

static void run_forge_tree(cov_engine **e, outcome *o)
{
    o->rc = cov_load_tt_forge_models(*e, COV_HEAD, FORGE_MODELS, &o->err);
}

static int setup_loaded(cov_engine **e)
{
    cov_error err;
    *e = cov_engine_new();
    return *e && cov_load_ttxla(*e, COV_HEAD, TTXLA_TREE, &err) == COV_OK &&
           cov_load_config_buffer(*e, COV_HEAD, "jax/test_config_mix.yaml", config_yaml,
                                  sizeof config_yaml - 1, NULL, &err) == COV_OK &&
           cov_load_easydel(*e, COV_HEAD, EASYDEL_MANIFEST, &err) == COV_OK;
}

static char *dumped; /* the dump scenario's output, between run and result */

static void run_dump(cov_engine **e, outcome *o)
{
    dumped = cov_dump_json(*e, COV_HEAD, &o->err);
    o->rc = dumped ? COV_OK : o->err.code;
    if (!dumped && o->rc == COV_OK)
        o->rc = -1; /* NULL without an error code: a bug */
}

static void result_dump(cov_engine *e, outcome *o)
{
    (void)e;
    if (dumped)
        o->result = keep(dumped, strlen(dumped));
    cov_free(dumped);
    dumped = NULL;
}

static void result_report(cov_engine *e, outcome *o)
{
    size_t len;
    const char *r = cov_report(e, &len);
    o->result = keep(r, len);
}

static void run_bridge_rules(cov_engine **e, outcome *o)
{
    o->rc = cov_engine_set_option(*e, "format", "json");
    if (o->rc != COV_OK) {
        snprintf(o->err.message, sizeof o->err.message,
                 "cov_engine_set_option: out of memory");
        return;
    }
    o->rc = cov_run_rules_buffer(*e, "bridge.lua", bridge_rules, sizeof bridge_rules - 1, 0,
                                 NULL, &o->err);
}

static int setup_phases(cov_engine **e)
{
    return setup_loaded(e) && cov_engine_set_option(*e, "format", "json") == COV_OK;
}

static void run_phases(cov_engine **e, outcome *o)
{
    o->rc = cov_run_rules(*e, PHASES, 0, NULL, &o->err);
}

/* ---- the sweep --------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *empty_dump; /* of a fresh engine's dataset */

/* Runs the scenario once with allocation n failing (0: none), and with
 * sticky set every allocation after it too. Returns the number of
 * allocations the armed part made; fills *o; *leaked says whether a block
 * allocated during the run outlived cov_engine_free. */
static long run_once(const scenario *s, long n, int sticky, outcome *o, int *leaked)
{
    memset(o, 0, sizeof *o);
    long base = atomic_load(&live_blocks);
    cov_engine *e = NULL;
    if (s->setup && !s->setup(&e)) {
        fprintf(stderr, "%s: setup failed\n", s->name);
        cov_engine_free(e);
        o->rc = -2;
        *leaked = 0;
        return 0;
    }
    char *before = s->rollback && e ? dump_of(e, COV_HEAD) : NULL;
    if (sticky)
        cov_fault_arm_from(n);
    else
        cov_fault_arm(n);
    s->run(&e, o);
    long count = cov_fault_count();
    cov_fault_arm(0);
    if (s->result && o->rc == COV_OK)
        s->result(e, o);
    if (s->rollback && e && o->rc != COV_OK) {
        char *after = dump_of(e, COV_HEAD);
        const char *want = before ? before : empty_dump;
        if (!after || !want || strcmp(after, want) != 0) {
            fprintf(stderr, "%s: N=%ld: the failed load changed the dataset\n", s->name, n);
            o->rc = -3;
        }
        free(after);
    }
    free(before);
    cov_engine_free(e);
    long now_live = atomic_load(&live_blocks) - (o->result ? 1 : 0);
    *leaked = now_live != base;
    if (*leaked)
        fprintf(stderr, "%s: N=%ld%s: %ld block(s) leaked\n", s->name, n,
                sticky ? " and later" : "", now_live - base);
    return count;
}

static int verbose; /* $COV_ALLOC_FAIL_VERBOSE: print every run's outcome */

/* One failed allocation, or (sticky) all from the n-th on, for every n up
 * to the clean count c (or a stride of them, see scenario). Returns the
 * number of bad runs. */
static long sweep_mode(const scenario *s, long c, const char *clean, int sticky)
{
    const char *mode = sticky ? "from" : "at";
    long runs = 0, errors = 0, absorbed = 0, bad = 0;
    double t0 = now();
    for (long n = 1; n <= c; n++) {
        if (sticky && s->stride && n > s->full_until &&
            (n - s->full_until) % s->stride != 0 && n != c)
            continue;
        outcome o;
        int leaked;
        run_once(s, n, sticky, &o, &leaked);
        runs++;
        char buf[2300];
        cov_error_format(&o.err, buf, sizeof buf);
        int ok = !leaked;
        if (o.rc == COV_OK) {
            absorbed++;
            if (!o.result || strcmp(o.result, clean) != 0) {
                fprintf(stderr, "%s: fail %s N=%ld: succeeded with a different result\n",
                        s->name, mode, n);
                ok = 0;
            }
        } else {
            errors++;
            if (o.rc != COV_ENOMEM) {
                fprintf(stderr, "%s: fail %s N=%ld: code %d, not COV_ENOMEM: %s\n", s->name,
                        mode, n, o.rc, buf);
                ok = 0;
            } else if (!strstr(o.err.message, "memory")) {
                /* Loaders say "FILE[:LINE:COL]: out of memory", the bridge
                 * Lua's "not enough memory". */
                fprintf(stderr, "%s: fail %s N=%ld: odd or no message: %s\n", s->name, mode,
                        n, buf);
                ok = 0;
            } else if (s->rollback && o.err.file[0] == '\0' &&
                       !strstr(o.err.message, "cov_engine_new")) {
                fprintf(stderr, "%s: fail %s N=%ld: a loader error names no file: %s\n",
                        s->name, mode, n, buf);
                ok = 0;
            }
        }
        if (verbose)
            printf("    %s %s N=%ld rc=%d %s\n", s->name, mode, n, o.rc,
                   o.rc ? buf : "(absorbed)");
        free(o.result);
        if (!ok)
            bad++;
    }
    printf("  %-17s fail %-4s C=%-5ld runs=%-5ld enomem=%-5ld absorbed=%-5ld bad=%ld "
           "(%.1fs)\n",
           s->name, mode, c, runs, errors, absorbed, bad, now() - t0);
    return bad;
}

static void sweep(const scenario *s)
{
    outcome clean;
    int leaked;
    long c = run_once(s, 0, 0, &clean, &leaked);
    CHECK(!leaked);
    if (clean.rc != COV_OK) {
        char buf[2300];
        fprintf(stderr, "%s: clean run failed: %s\n", s->name,
                cov_error_format(&clean.err, buf, sizeof buf));
        CHECK_INT(clean.rc, COV_OK);
        free(clean.result);
        return;
    }
    REQUIRE(clean.result != NULL);
    CHECK_INT(sweep_mode(s, c, clean.result, 0), 0);
    CHECK_INT(sweep_mode(s, c, clean.result, 1), 0);
    free(clean.result);
}

static const scenario scenarios[] = {
    {"config_buffer", NULL, run_config_buffer, result_dump_head, 1, 0, 0},
    {"config_on_top", setup_flat, run_config_on_top, result_dump_head, 1, 0, 0},
    {"ttxla_tree", NULL, run_ttxla_tree, result_dump_head, 1, 0, 0},
    {"easydel_manifest", NULL, run_easydel_manifest, result_dump_head, 1, 0, 0},
    {"easydel_checkout", NULL, run_easydel_checkout, result_dump_head, 1, 0, 0},
    {"dump_json", setup_loaded, run_dump, result_dump, 0, 0, 0},
    {"bridge_rules", setup_loaded, run_bridge_rules, result_report, 0, 0, 0},
    /* The single-failure sweep covers every N; the sticky one, every N up to
     * 2000 and then every third, to stay well within the test's time. */
    {"phases_json", setup_phases, run_phases, result_report, 0, 3, 2000},
    {"forge_tree", setup_forge_configs, run_forge_tree, result_dump_head, 1, 0, 0},
    {"ttxla_git", NULL, run_ttxla_git, result_dump_head, 1, 0, 0},
    {"easydel_git", NULL, run_easydel_git, result_dump_head, 1, 0, 0},
    /* Sticky: every N up to 300 (the history's listing and first loads),
     * then every fourth. */
    {"history", NULL, run_history, result_report, 0, 4, 300},
};

static const char *only; /* argv[1]: run just the scenario of that name */

#define SCENARIO_CASE(i)                                                                   \
    static void case_##i(void)                                                             \
    {                                                                                      \
        if (!only || strcmp(only, scenarios[i].name) == 0)                                 \
            sweep(&scenarios[i]);                                                          \
    }
SCENARIO_CASE(0)
SCENARIO_CASE(1)
SCENARIO_CASE(2)
SCENARIO_CASE(3)
SCENARIO_CASE(4)
SCENARIO_CASE(5)
SCENARIO_CASE(6)
SCENARIO_CASE(7)
SCENARIO_CASE(8)

static void git_case(int i)
{
    if (only && strcmp(only, scenarios[i].name) != 0)
        return;
    if (!git_fixtures[0]) {
        unit_skip("the git fixtures could not be built");
        return;
    }
    sweep(&scenarios[i]);
}
static void case_9(void)
{
    git_case(9);
}
static void case_10(void)
{
    git_case(10);
}
static void case_11(void)
{
    git_case(11);
}

int main(int argc, char **argv)
{
    only = argc > 1 ? argv[1] : NULL;
    verbose = getenv("COV_ALLOC_FAIL_VERBOSE") != NULL;
    cov_engine *e = cov_engine_new();
    empty_dump = e ? dump_of(e, COV_HEAD) : NULL;
    cov_engine_free(e);
    char tmpl[] = "/tmp/covengine-alloc-git-XXXXXX", cmd[600];
    const char *dir = mkdtemp(tmpl);
    if (dir) {
        snprintf(git_fixtures, sizeof git_fixtures, "%s/fix", dir);
        snprintf(cmd, sizeof cmd, "sh scripts/make_git_fixtures.sh '%s' >/dev/null",
                 git_fixtures);
        if (system(cmd) != 0)
            git_fixtures[0] = '\0';
    }
    int git_held = git_fixtures[0] && cov_git_hold(NULL) == COV_OK;
    static const unit_case cases[] = {
        {"config_buffer", case_0},
        {"config_on_top", case_1},
        {"ttxla_tree", case_2},
        {"easydel_manifest", case_3},
        {"easydel_checkout", case_4},
        {"dump_json", case_5},
        {"bridge_rules", case_6},
        {"phases_json", case_7},
        {"forge_tree", case_8},
        {"ttxla_git", case_9},
        {"easydel_git", case_10},
        {"history", case_11},
        {0, 0},
    };
    int rc = unit_run(cases);
    free(empty_dump);
    if (git_held)
        cov_git_release();
    if (dir) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    return rc;
}
