/* covengine: the command line (docs/design.md 4) over the public API.
 * main() only parses options into a plan and runs it; every error becomes
 * one line "covengine: FILE:LINE:COL: message" and exit status 2. */
#include "covengine.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_GATE = 1, EXIT_ERROR = 2, MAX_INPUTS = 256, WARNING_CAP = 50 };

typedef struct input {
    int kind; /* 't' tt-xla dir, 'c' config file, 'e' easydel, 'f' tt-forge-models,
                 'g'/'G' tt-xla's and EasyDeL's git repos */
    cov_dataset dataset;
    const char *path;
    const char *framework; /* for 'c' */
} input;

typedef struct plan {
    input inputs[MAX_INPUTS];
    int ninputs;
    int head_inputs;
    const char *rules;
    const char *output;
    int dump, sandbox, quiet, verbose;
    const char *color;             /* "auto" (NULL), "always" or "never" */
    const char *rev, *easydel_rev; /* of --tt-xla-git, --easydel-git (NULL: HEAD) */
    int history;                   /* --history */
    const char *history_range;     /* its RANGE, NULL: HEAD */
    const char *forge_git;         /* --tt-forge-models-git */
    int script_argc;
    char **script_argv;
    cov_limits limits;
    unsigned char given[64]; /* per entry of options[]: on the command line */
    char **owned;            /* copies of values from the rules' settings */
    size_t nowned;
} plan;

static int warnings_seen, warnings_cap = WARNING_CAP, warnings_quiet;
static int use_color; /* ANSI colour for the error:/warning: labels */

/* ---- progress on a terminal ---------------------------------------------- */

/* Loads that take a while show how far they got on stderr, when it is a
 * terminal and not -q: one line, redrawn at most PROGRESS_HZ times a
 * second after PROGRESS_DELAY seconds, erased when the load ends or a
 * message is printed. */
#define PROGRESS_DELAY 0.5
#define PROGRESS_HZ 10

static struct {
    int on, shown;
    double start, last;
} progress;

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_clear(void)
{
    if (progress.shown) {
        fputs("\r\033[K", stderr);
        progress.shown = 0;
    }
}

static void show_progress(void *ud, const cov_progress *pr)
{
    (void)ud;
    double now = seconds_now();
    if (now - progress.start < PROGRESS_DELAY || now - progress.last < 1.0 / PROGRESS_HZ)
        return;
    progress.last = now;
    progress.shown = 1;
    double mb = (double)pr->bytes_done / 1e6, total = (double)pr->bytes_total / 1e6;
    if (pr->bytes_total)
        fprintf(stderr, "\rcovengine: loading %llu/%llu files, %.1f/%.1f MB (%d%%)\033[K",
                (unsigned long long)pr->files_done, (unsigned long long)pr->files_total, mb,
                total, (int)(100.0 * mb / total));
    else
        fprintf(stderr, "\rcovengine: loading %llu files, %.1f MB\033[K",
                (unsigned long long)pr->files_done, mb);
    fflush(stderr);
}

/* Warnings are noise -q hides and the cap limits; errors are always shown. */
static void print_warning(void *ud, const cov_error *w)
{
    (void)ud;
    int error = w->code != COV_OK;
    if (!error) {
        warnings_seen++;
        if (warnings_quiet || (warnings_cap && warnings_seen > warnings_cap))
            return;
    }
    progress_clear();
    /* gcc style: the position first, then "warning:". */
    char where[4200];
    cov_error pos = *w;
    pos.message[0] = '\0';
    cov_error_format(&pos, where, sizeof where); /* "FILE:L:C: " or "" */
    const char *label = error ? "error" : "warning";
    char message[4 * sizeof w->message];
    pos = (cov_error){0};
    snprintf(pos.message, sizeof pos.message, "%s", w->message);
    cov_error_format(&pos, message, sizeof message); /* escaped */
    if (use_color) /* gcc's colours: bold red errors, bold magenta warnings */
        fprintf(stderr, "covengine: %s\033[1;%sm%s:\033[0m %s\n", where,
                error ? "31" : "35", label, message);
    else
        fprintf(stderr, "covengine: %s%s: %s\n", where, label, message);
}

static int show_engine_frames; /* -v */

/* A frame of the engine rather than of the user's rules: its Lua half (the
 * embedded lua/covengine/ modules), C functions and elided tail calls. */
static int engine_frame(const char *line, size_t len)
{
    static const char *const prefixes[] = {"\t[C]:", "\tlua/covengine/",
                                           "\t(...tail calls...)"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t n = strlen(prefixes[i]);
        if (len >= n && strncmp(line, prefixes[i], n) == 0)
            return 1;
    }
    return 0;
}

/* A rule error's traceback shows the user's frames; the engine's only with
 * -v, and nothing when no frame is the user's. */
static void print_traceback(const char *tb)
{
    if (show_engine_frames) {
        fprintf(stderr, "%s\n", tb);
        return;
    }
    int kept = 0, hidden = 0;
    for (const char *line = tb; *line;) {
        size_t len = strcspn(line, "\n");
        if (line == tb) {
            /* "stack traceback:" */
        } else if (engine_frame(line, len)) {
            hidden++;
        } else {
            fprintf(stderr, "%s%.*s\n", kept++ ? "" : "stack traceback:\n", (int)len, line);
        }
        line += len + (line[len] == '\n');
    }
    if (kept && hidden)
        fprintf(stderr, "\t(-v shows the engine's frames too)\n");
}

static int report_error(const cov_error *err)
{
    progress_clear();
    char buf[2200];
    fprintf(stderr, "covengine: %s\n", cov_error_format(err, buf, sizeof buf));
    if (err->traceback[0])
        print_traceback(err->traceback);
    return err->code == COV_EGATE ? EXIT_GATE : EXIT_ERROR;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    /* Arguments may hold any byte: the formatter escapes them, the message
     * is one line. */
    cov_error msg = {0};
    char shown[4 * sizeof msg.message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg.message, sizeof msg.message, fmt, ap);
    va_end(ap);
    fprintf(stderr, "covengine: %s (try --help)\n",
            cov_error_format(&msg, shown, sizeof shown));
    return EXIT_ERROR;
}

/* Parses a positive integer option value; -1 if it is not one. */
static long long parse_count(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0)
        return -1;
    return v;
}

static int add_input(plan *p, int kind, cov_dataset d, const char *path, const char *fw)
{
    if (p->ninputs == MAX_INPUTS)
        return usage_error("more than %d inputs", MAX_INPUTS);
    p->inputs[p->ninputs++] = (input){kind, d, path, fw};
    if (d == COV_HEAD)
        p->head_inputs++;
    return 0;
}

/* Options with a value accept "--opt value" and "--opt=value". */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc)
        return "";
    return argv[++*i];
}

static int set_option(cov_engine *e, const char *name, const char *value)
{
    if (cov_engine_set_option(e, name, value) != COV_OK) {
        fprintf(stderr, "covengine: out of memory\n");
        return EXIT_ERROR;
    }
    return 0;
}

/* What an option does: the table below is the one list of options the
 * parser knows. Adding an option is one line there. */
typedef enum opt_action {
    ACT_HELP,      /* print usage, exit 0 */
    ACT_VERSION,   /* print the version, exit 0 */
    ACT_PLAN_FLAG, /* set the int plan field `flag` */
    ACT_FLAG,      /* set engine option `engine` to "true" (and a plan field) */
    ACT_VALUE,     /* set engine option `engine` to the value */
    ACT_INPUT,     /* an input of `kind` into `dataset` */
    ACT_FRAMEWORK, /* the framework of the --config files that follow */
    ACT_LIMIT,     /* a whole number times `scale` into the limit `limit` */
    ACT_COLOR,     /* --color=auto|always|never */
    ACT_HISTORY,   /* --history, --history=RANGE or --history A..B */
    ACT_PLAN_VALUE /* the value into the const char * plan field `field` */
} opt_action;

/* --help shows the options in these groups, in this order (docs/covengine.1
 * has the same sections; spec/help_spec.lua checks that they agree). */
typedef enum opt_group {
    G_INPUT,
    G_BASE,
    G_OUTPUT,
    G_GATE,
    G_DIAG,
    G_LIMIT,
    G_INFO,
    G_COUNT
} opt_group;

static const char *const group_titles[G_COUNT] = {
    "Inputs (none: the built-in snapshot)",
    "A base to compare against (--format diff, gates)",
    "Output",
    "Gates (exit 1 with a one-line reason when they fail)",
    "Diagnostics",
    "Limits",
    "Information",
};

typedef struct cli_option {
    const char *name, *alias; /* "--output", "-o" (or NULL) */
    opt_action action;
    opt_group group;
    const char *arg;     /* the value's name in --help ("DIR"); NULL for a flag */
    const char *help;    /* one line */
    const char *engine;  /* engine option name (ACT_FLAG, ACT_VALUE) */
    size_t flag;         /* ACT_PLAN_FLAG, ACT_FLAG: PLAN_FLAG(field), 0 for none */
    size_t limit;        /* ACT_LIMIT: LIMIT_FIELD(field) */
    uint64_t scale;      /* ACT_LIMIT: the unit of the number given */
    int kind;            /* ACT_INPUT: 't' tt-xla dir, 'c' config file, 'e' easydel,
                            'f' tt-forge-models */
    cov_dataset dataset; /* ACT_INPUT */
    size_t field;        /* ACT_PLAN_VALUE: PLAN_VALUE(field) */
} cli_option;

/* Offsets of int fields of plan, plus one so that 0 can mean "none". */
#define PLAN_FLAG(f) (offsetof(plan, f) + 1)
#define PLAN_VALUE(f) offsetof(plan, f)
#define LIMIT_FIELD(f) offsetof(cov_limits, f)
#define MIB (1024 * 1024)

/* One option per row (clang-format would spread a row over lines). */
// clang-format off
static const cli_option options[] = {
    {.name = "--tt-xla",                              .action = ACT_INPUT,      .group = G_INPUT,  .arg = "DIR",         .kind = 't', .dataset = COV_HEAD, .help = "load every test_config_*.yaml under DIR, or git:REPO@REV"},
    {.name = "--config",                              .action = ACT_INPUT,      .group = G_INPUT,  .arg = "FILE",        .kind = 'c', .dataset = COV_HEAD, .help = "load one YAML file (repeatable)"},
    {.name = "--framework",                           .action = ACT_FRAMEWORK,  .group = G_INPUT,  .arg = "NAME",        .help = "framework of the --config files that follow"},
    {.name = "--easydel",                             .action = ACT_INPUT,      .group = G_INPUT,  .arg = "PATH",        .kind = 'e', .dataset = COV_HEAD, .help = "EasyDeL manifest (.json) or checkout directory"},
    {.name = "--tt-forge-models",                     .action = ACT_INPUT,      .group = G_INPUT,  .arg = "DIR",         .kind = 'f', .dataset = COV_HEAD, .help = "the loaders the tests run (default: --tt-xla's third_party/tt_forge_models)"},
    {.name = "--tt-xla-git",                          .action = ACT_INPUT,      .group = G_INPUT,  .arg = "REPO",        .kind = 'g', .dataset = COV_HEAD, .help = "load the configs of a revision of git repository REPO"},
    {.name = "--rev",                                 .action = ACT_PLAN_VALUE, .group = G_INPUT,  .arg = "REV",         .field = PLAN_VALUE(rev), .help = "that revision: sha, branch, tag, HEAD~3... (default HEAD)"},
    {.name = "--easydel-git",                         .action = ACT_INPUT,      .group = G_INPUT,  .arg = "REPO",        .kind = 'G', .dataset = COV_HEAD, .help = "scan EasyDeL's modules at a revision of git repository REPO"},
    {.name = "--easydel-rev",                         .action = ACT_PLAN_VALUE, .group = G_INPUT,  .arg = "REV",         .field = PLAN_VALUE(easydel_rev), .help = "that revision (default HEAD)"},
    {.name = "--tt-forge-models-git",                 .action = ACT_PLAN_VALUE, .group = G_INPUT,  .arg = "REPO",        .field = PLAN_VALUE(forge_git), .help = "read each tt-xla revision's pinned tt_forge_models from REPO"},
    {.name = "--history",                             .action = ACT_HISTORY,    .group = G_INPUT,  .arg = "[RANGE]",     .help = "every revision of --tt-xla-git that changes the configs (A..B: those)"},
    {.name = "--base-tt-xla",                         .action = ACT_INPUT,      .group = G_BASE,   .arg = "DIR",         .kind = 't', .dataset = COV_BASE, .help = "the base's tt-xla tree, or git:REPO@REV"},
    {.name = "--base-easydel",                        .action = ACT_INPUT,      .group = G_BASE,   .arg = "PATH",        .kind = 'e', .dataset = COV_BASE, .help = "the base's EasyDeL inventory (default: the head's)"},
    {.name = "--base-tt-forge-models",                .action = ACT_INPUT,      .group = G_BASE,   .arg = "DIR",         .kind = 'f', .dataset = COV_BASE, .help = "the base's tt-forge-models tree (default: --base-tt-xla's)"},
    {.name = "--baseline",                            .action = ACT_VALUE,      .group = G_BASE,   .arg = "REPORT.json", .engine = "baseline", .help = "or a previous --format json report as the base"},
    {.name = "--format",                              .action = ACT_VALUE,      .group = G_OUTPUT, .arg = "NAME",        .engine = "format", .help = "report format: reports/NAME.lua (below)"},
    {.name = "--output",               .alias = "-o", .action = ACT_VALUE,      .group = G_OUTPUT, .arg = "FILE",        .engine = "output", .help = "write the report atomically instead of to stdout"},
    {.name = "--dump",                                .action = ACT_PLAN_FLAG,  .group = G_OUTPUT,                       .flag = PLAN_FLAG(dump), .help = "print the loaded model as JSON; run no rules"},
    {.name = "--blame",                               .action = ACT_VALUE,      .group = G_OUTPUT, .arg = "NAME",        .engine = "blame", .help = "each revision of --history that changed a test, family or module"},
    {.name = "--explain",                             .action = ACT_VALUE,      .group = G_OUTPUT, .arg = "NAME",        .engine = "explain", .help = "why a family is where it is"},
    {.name = "--fail-under",                          .action = ACT_VALUE,      .group = G_GATE,   .arg = "PCT",         .engine = "fail_under", .help = "the gate figure is under PCT percent"},
    {.name = "--fail-on-regression",                  .action = ACT_FLAG,       .group = G_GATE,                         .engine = "fail_on_regression", .help = "a status regressed or a family was lost since the base"},
    {.name = "--fail-on-drop",                        .action = ACT_FLAG,       .group = G_GATE,                         .engine = "fail_on_drop", .help = "the gate figure is lower than the base's"},
    {.name = "--strict",                              .action = ACT_FLAG,       .group = G_DIAG,                         .engine = "strict", .help = "config hygiene lints are errors (exit 2), not warnings"},
    {.name = "--quiet",                .alias = "-q", .action = ACT_PLAN_FLAG,  .group = G_DIAG,                         .flag = PLAN_FLAG(quiet), .help = "no warnings (errors are always shown)"},
    {.name = "--verbose",              .alias = "-v", .action = ACT_FLAG,       .group = G_DIAG,                         .engine = "verbose", .flag = PLAN_FLAG(verbose), .help = "every warning (default: the first 50), whole tracebacks"},
    {.name = "--color",                               .action = ACT_COLOR,      .group = G_DIAG,   .arg = "WHEN",        .help = "colour error:/warning: labels: auto (on a terminal), always, never"},
    {.name = "--sandbox",                             .action = ACT_PLAN_FLAG,  .group = G_LIMIT,                        .flag = PLAN_FLAG(sandbox), .help = "run rules without io/os/debug/bytecode"},
    {.name = "--max-instructions",                    .action = ACT_LIMIT,      .group = G_LIMIT,  .arg = "N",           .limit = LIMIT_FIELD(max_instructions), .scale = 1, .help = "Lua instruction budget"},
    {.name = "--max-memory",                          .action = ACT_LIMIT,      .group = G_LIMIT,  .arg = "MB",          .limit = LIMIT_FIELD(max_memory), .scale = MIB, .help = "memory cap of the rules: Lua heap and what the engine allocates for them"},
    {.name = "--max-seconds",                         .action = ACT_LIMIT,      .group = G_LIMIT,  .arg = "S",           .limit = LIMIT_FIELD(max_seconds), .scale = 1, .help = "wall-clock budget of the rules (default 4 under --sandbox)"},
    {.name = "--max-file-size",                       .action = ACT_LIMIT,      .group = G_LIMIT,  .arg = "MB",          .limit = LIMIT_FIELD(max_file_size), .scale = MIB, .help = "largest input file (default 1024)"},
    {.name = "--help",                 .alias = "-h", .action = ACT_HELP,       .group = G_INFO,                         .help = "this text"},
    {.name = "--version",                             .action = ACT_VERSION,    .group = G_INFO,                         .help = "the version of covengine"},
    {.name = NULL}};
// clang-format on
_Static_assert(sizeof options / sizeof *options <= sizeof((plan *)0)->given,
               "plan.given has a flag per option");

/* The report formats the rule directories offer (reports/NAME.lua), as the
 * engine's Lua side lists them; "" when it cannot tell. */
static void print_formats(cov_engine *e)
{
    static const char list[] = "local cov = require 'covengine'\n"
                               "return table.concat(cov.formats(cov.rule_dirs), ' ')\n";
    cov_error err;
    if (cov_run_rules_buffer(e, "--help", list, sizeof list - 1, 0, NULL, &err) == COV_OK)
        printf("  %s\n", cov_report(e, NULL));
}

static void print_usage(cov_engine *e)
{
    printf("usage: covengine [options] [RULES.lua] [-- script args]\n");
    for (int g = 0; g < G_COUNT; g++) {
        printf("\n%s:\n", group_titles[g]);
        for (const cli_option *o = options; o->name; o++) {
            if ((int)o->group != g)
                continue;
            char left[64];
            snprintf(left, sizeof left, "%s%s%s%s%s", o->alias ? o->alias : "",
                     o->alias ? ", " : "", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
            if (strlen(left) >= 22)
                printf("  %s\n  %-22s %s\n", left, "", o->help);
            else
                printf("  %-22s %s\n", left, o->help);
        }
    }
    printf("\nFormats (--format; a reports/NAME.lua in a rule directory is a new one):\n");
    print_formats(e);
    printf("\nEnvironment:\n"
           "  COVENGINE_PATH         ':'-separated directories searched first for rule\n"
           "                         modules, formats and the default phases.lua\n"
           "  NO_COLOR               set and not empty: no colour (unless --color=always)\n"
           "\nExit status: 0 success, 1 a gate failed, 2 bad usage, input, rule or I/O.\n");
}

static int takes_value(const cli_option *o)
{
    return o->action >= ACT_VALUE && o->action != ACT_HISTORY;
}

/* --history's RANGE is optional: "--history=RANGE", or a next argument that
 * is a range ("A..B"; a rules script or an option is not). */
static const char *history_range(int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (a[strlen("--history")] == '=')
        return a + strlen("--history") + 1;
    if (*i + 1 < argc && argv[*i + 1][0] != '-' && strstr(argv[*i + 1], ".."))
        return argv[++*i];
    return NULL;
}

/* The option argv[*i] names, with *value set (and *i advanced) for one that
 * takes a value; NULL if it is no option of the table. */
static const cli_option *find_option(int argc, char **argv, int *i, const char **value)
{
    *value = NULL;
    for (const cli_option *o = options; o->name; o++) {
        const char *names[2] = {o->name, o->alias};
        for (int n = 0; n < 2 && names[n]; n++) {
            if (o->action == ACT_HISTORY) {
                size_t len = strlen(names[n]);
                if (strncmp(argv[*i], names[n], len) == 0 &&
                    (argv[*i][len] == '\0' || argv[*i][len] == '=')) {
                    *value = history_range(argc, argv, i);
                    return o;
                }
            } else if (!takes_value(o)) {
                if (strcmp(argv[*i], names[n]) == 0)
                    return o;
            } else if ((*value = option_value(argc, argv, i, names[n]))) {
                return o;
            }
        }
    }
    return NULL;
}

/* Carries out one option; returns -1 to go on, or an exit status. */
static int apply_option(const cli_option *o, const char *v, const char **framework, plan *p,
                        cov_engine *e)
{
    if (takes_value(o) && !*v && o->action != ACT_LIMIT)
        return usage_error("%s needs a value", o->name);
    switch (o->action) {
    case ACT_HELP: print_usage(e); return 0;
    case ACT_VERSION: printf("covengine %s\n", cov_version()); return 0;
    case ACT_PLAN_FLAG:
    case ACT_FLAG:
        if (o->flag)
            *(int *)((char *)p + o->flag - 1) = 1;
        if (o->action == ACT_FLAG && set_option(e, o->engine, "true"))
            return EXIT_ERROR;
        return -1;
    case ACT_VALUE:
        if (set_option(e, o->engine, v))
            return EXIT_ERROR;
        if (strcmp(o->engine, "output") == 0)
            p->output = v;
        return -1;
    case ACT_INPUT:
        return add_input(p, o->kind, o->dataset, v, *framework) ? EXIT_ERROR : -1;
    case ACT_FRAMEWORK: *framework = v; return -1;
    case ACT_PLAN_VALUE: *(const char **)((char *)p + o->field) = v; return -1;
    case ACT_HISTORY:
        if (v && !*v)
            return usage_error("--history= needs a range (A..B) or nothing");
        p->history = 1;
        p->history_range = v;
        return -1;
    case ACT_COLOR:
        if (strcmp(v, "auto") != 0 && strcmp(v, "always") != 0 && strcmp(v, "never") != 0)
            return usage_error("--color needs auto, always or never, not '%s'", v);
        p->color = v;
        return -1;
    case ACT_LIMIT: {
        long long n = parse_count(v);
        if (n < 0 || (unsigned long long)n > UINT64_MAX / o->scale)
            return usage_error("%s needs a whole number", o->name);
        *(uint64_t *)((char *)&p->limits + o->limit) = (uint64_t)n * o->scale;
        return -1;
    }
    }
    return -1;
}

/* Edit distance (Levenshtein, bytes) between a and b, for did-you-mean;
 * strings longer than 63 bytes are too far from any option. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la > 63 || lb > 63)
        return 64;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* An unknown option, with the closest known one when it is close enough
 * (a third of its length, at least 2 edits: --tt-xal is --tt-xla). */
static int unknown_option(const char *a)
{
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(a, "="), a);
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(name), limit = len / 3 > 2 ? len / 3 : 2;
    for (const cli_option *o = options; o->name; o++) {
        const char *names[2] = {o->name, o->alias};
        for (int n = 0; n < 2 && names[n]; n++) {
            size_t d = distance(name, names[n]);
            if (d < best_d && d <= limit && strlen(names[n]) > 2) {
                best = names[n];
                best_d = d;
            }
        }
    }
    if (best)
        return usage_error("unknown option '%s'; did you mean '%s'?", a, best);
    return usage_error("unknown option '%s'", a);
}

/* Fills p and the engine's options from argv; returns -1 to go on, or an
 * exit status. */
static int parse_args(int argc, char **argv, plan *p, cov_engine *e)
{
    const char *framework = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "--") == 0) {
            p->script_argc = argc - i - 1;
            p->script_argv = argv + i + 1;
            break;
        }
        const cli_option *o = find_option(argc, argv, &i, &v);
        if (o) {
            p->given[o - options] = 1;
            int rc = apply_option(o, v, &framework, p, e);
            if (rc >= 0)
                return rc;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0')
            return unknown_option(a);
        if (p->rules)
            return usage_error("more than one rules script ('%s')", a);
        p->rules = a;
    }
    return -1;
}

/* DIR/third_party/tt_forge_models of a tt-xla checkout, when it is a
 * directory with something in it (a submodule never checked out is an empty
 * directory): into buf, or NULL. */
static const char *pinned_forge(const char *ttxla, char *buf, size_t size)
{
    size_t n = strlen(ttxla);
    while (n > 1 && ttxla[n - 1] == '/')
        n--;
    if ((size_t)snprintf(buf, size, "%.*s/third_party/tt_forge_models", (int)n, ttxla) >=
        size)
        return NULL;
    DIR *dh = opendir(buf);
    if (!dh)
        return NULL;
    int any = 0;
    for (struct dirent *de; !any && (de = readdir(dh));)
        any = strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    closedir(dh);
    return any ? buf : NULL;
}

/* The tree a tt-xla checkout pins, unless one was given: the first --tt-xla
 * (--base-tt-xla) of each dataset that has one. */
static int load_pinned_forge(cov_engine *e, const plan *p)
{
    int forge[2] = {0, 0};
    for (int i = 0; i < p->ninputs; i++)
        if (p->inputs[i].kind == 'f')
            forge[p->inputs[i].dataset] = 1;
    for (int i = 0; i < p->ninputs; i++) {
        const input *in = &p->inputs[i];
        char buf[4096];
        cov_error err;
        /* A git:REPO@REV revision has no checked-out submodule to look in. */
        const char *dir =
            in->kind == 't' && !forge[in->dataset] && strncmp(in->path, "git:", 4) != 0
                ? pinned_forge(in->path, buf, sizeof buf)
                : NULL;
        if (!dir)
            continue;
        forge[in->dataset] = 1;
        int rc = cov_load_tt_forge_models(e, in->dataset, dir, &err);
        if (rc == COV_EINPUT) {
            /* Not a loader tree after all: the run goes on without one. */
            err.code = COV_OK;
            print_warning(NULL, &err);
        } else if (rc != COV_OK) {
            return report_error(&err);
        } else if (cov_engine_set_option(e,
                                         in->dataset == COV_HEAD
                                             ? "tt_forge_models_found"
                                             : "base_tt_forge_models_found",
                                         dir) != COV_OK) {
            fprintf(stderr, "covengine: out of memory\n");
            return EXIT_ERROR;
        }
    }
    return 0;
}

/* Whether an input of kind was given. */
static int has_input(const plan *p, int kind)
{
    for (int i = 0; i < p->ninputs; i++)
        if (p->inputs[i].kind == kind)
            return 1;
    return 0;
}

/* The path of the first head input of kind, or NULL. */
static const char *head_input(const plan *p, int kind)
{
    for (int i = 0; i < p->ninputs; i++)
        if (p->inputs[i].kind == kind && p->inputs[i].dataset == COV_HEAD)
            return p->inputs[i].path;
    return NULL;
}

/* Whether --tt-forge-models gave the head a tree. */
static int has_head_forge(const plan *p)
{
    return head_input(p, 'f') != NULL;
}

/* --history: the revisions of --tt-xla-git, each read with the head's
 * EasyDeL input (--easydel, or --easydel-git as of the revision's date). */
static int load_history(cov_engine *e, const plan *p)
{
    const char *repo = head_input(p, 'g');
    if (!repo)
        return usage_error(
            "--history reads the revisions of --tt-xla-git REPO, which is not "
            "given");
    const char *ed = head_input(p, 'e'), *edg = head_input(p, 'G');
    cov_error err;
    /* Without a range the history ends at the head's revision (--rev). */
    const char *range = p->history_range ? p->history_range : p->rev;
    if (cov_load_history(e, repo, range, ed ? ed : edg, !ed && edg, p->forge_git, &err) !=
        COV_OK)
        return report_error(&err);
    return 0;
}

static int load_inputs(cov_engine *e, const plan *p)
{
    cov_error err;
    /* A revision for a repository not given is a mistake, not a no-op. */
    if (p->rev && !has_input(p, 'g'))
        return usage_error("--rev is the revision of --tt-xla-git, which is not given");
    if (p->forge_git && !has_input(p, 'g'))
        return usage_error(
            "--tt-forge-models-git reads the pins of --tt-xla-git, which is not "
            "given");
    if (p->easydel_rev && !has_input(p, 'G'))
        return usage_error(
            "--easydel-rev is the revision of --easydel-git, which is not given");
    if (progress.on) {
        progress.start = seconds_now();
        cov_engine_set_progress_handler(e, show_progress, NULL);
    }
    if (!p->head_inputs && cov_load_snapshot(e, COV_HEAD, &err) != COV_OK)
        return report_error(&err);
    for (int i = 0; i < p->ninputs; i++) {
        const input *in = &p->inputs[i];
        int rc;
        if (in->kind == 't')
            rc = cov_load_ttxla(e, in->dataset, in->path, &err);
        else if (in->kind == 'g')
            rc = cov_load_ttxla_git(e, in->dataset, in->path, p->rev, &err);
        else if (in->kind == 'G')
            rc = cov_load_easydel_git(e, in->dataset, in->path, p->easydel_rev, &err);
        else if (in->kind == 'c')
            rc = cov_load_config(e, in->dataset, in->path, in->framework, &err);
        else if (in->kind == 'f')
            rc = cov_load_tt_forge_models(e, in->dataset, in->path, &err);
        else
            rc = cov_load_easydel(e, in->dataset, in->path, &err);
        if (rc != COV_OK)
            return report_error(&err);
    }
    const char *ttxla_git = head_input(p, 'g');
    if (p->forge_git && ttxla_git && !has_head_forge(p) &&
        cov_load_tt_forge_models_pinned(e, COV_HEAD, ttxla_git, p->rev, p->forge_git,
                                        &err) != COV_OK)
        return report_error(&err);
    int rc = load_pinned_forge(e, p);
    if (rc)
        return rc;
    if (p->history && (rc = load_history(e, p)))
        return rc;
    progress_clear();
    cov_engine_set_progress_handler(e, NULL, NULL);
    return 0;
}

/* The report (or dump) goes to -o atomically, or to stdout; a full disk or a
 * closed stdout is an error like any other. */
static int write_text(const char *text, size_t len, const char *output)
{
    cov_error err;
    if (output) {
        if (cov_write_file(output, text, len, &err) != COV_OK)
            return report_error(&err);
        return 0;
    }
    errno = 0;
    if ((len && fwrite(text, 1, len, stdout) != len) || fflush(stdout) != 0) {
        fprintf(stderr, "covengine: <stdout>: cannot write: %s\n",
                strerror(errno ? errno : EIO));
        return EXIT_ERROR;
    }
    return 0;
}

/* The settings of the rules script (covengine.settings{...}) fill in what
 * the command line left out: each is applied as the option of its name
 * unless the command line gave that option (for the base, any base). */
typedef struct settings_ctx {
    plan *p;
    cov_engine *e;
    const char *framework; /* the settings' own --framework */
    int rc;                /* an exit status once applying one failed */
} settings_ctx;

static int given_base(const plan *p)
{
    for (const cli_option *o = options; o->name; o++)
        if (p->given[o - options] && o->group == G_BASE)
            return 1;
    return 0;
}

static int apply_setting(void *ud, const char *name, const char *value)
{
    settings_ctx *c = ud;
    char opt[64];
    int n = snprintf(opt, sizeof opt, "--%s", name);
    for (char *q = opt; *q; q++)
        if (*q == '_')
            *q = '-';
    const cli_option *o = options;
    while (o->name && (n >= (int)sizeof opt || strcmp(o->name, opt) != 0))
        o++;
    if (!o->name || o->action == ACT_HELP || o->action == ACT_VERSION)
        return 1;
    if (o->action != ACT_FRAMEWORK &&
        (c->p->given[o - options] || (o->group == G_BASE && given_base(c->p))))
        return 0; /* the command line wins */
    char **grown = realloc(c->p->owned, (c->p->nowned + 1) * sizeof *grown);
    char *copy = strdup(value);
    if (grown)
        c->p->owned = grown;
    if (!grown || !copy) {
        free(copy);
        return 1;
    }
    c->p->owned[c->p->nowned++] = copy;
    int rc = apply_option(o, copy, &c->framework, c->p, c->e);
    if (rc >= 0) {
        c->rc = rc;
        return 1;
    }
    return 0;
}

static int run(cov_engine *e, plan *p)
{
    cov_error err;
    char found[4096];
    const char *rules = p->rules;
    if (!rules && !p->dump) {
        if (cov_default_rules(found, sizeof found) != COV_OK) {
            fprintf(stderr,
                    "covengine: %s: cannot open: no rules script given and no "
                    "installed rules (set COVENGINE_PATH)\n",
                    found);
            return EXIT_ERROR;
        }
        rules = found;
    }
    if (rules) {
        /* Settings may name the inputs: read them before loading any. */
        settings_ctx c = {p, e, NULL, 0};
        if (cov_read_settings(e, rules, p->script_argc, (const char *const *)p->script_argv,
                              apply_setting, &c, &err) != COV_OK)
            return c.rc ? c.rc : report_error(&err);
    }
    int rc = load_inputs(e, p);
    if (rc)
        return rc;
    if (p->dump) {
        char *json = cov_dump_json(e, COV_HEAD, &err);
        if (!json)
            return report_error(&err);
        rc = write_text(json, strlen(json), p->output);
        cov_free(json);
        return rc;
    }
    int status =
        cov_run_rules(e, rules, p->script_argc, (const char *const *)p->script_argv, &err);
    if (status != COV_OK && status != COV_EGATE)
        return report_error(&err);
    size_t len;
    const char *text = cov_report(e, &len);
    rc = write_text(text, len, p->output);
    if (rc)
        return rc;
    return status == COV_EGATE ? report_error(&err) : 0;
}

int main(int argc, char **argv)
{
    /* A file-size limit (ulimit -f) must be a write error like a full disk,
     * not a signal that kills us with a half-written temporary file. */
    signal(SIGXFSZ, SIG_IGN);
    cov_engine *e = cov_engine_new();
    if (!e) {
        fprintf(stderr, "covengine: out of memory\n");
        return EXIT_ERROR;
    }
    static plan p;
    cov_engine_get_limits(e, &p.limits);
    p.limits.max_instructions = 0;
    p.limits.max_memory = 0;
    p.limits.max_seconds = 0;
    int rc = parse_args(argc, argv, &p, e);
    if (rc < 0) {
        warnings_quiet = p.quiet;
        warnings_cap = p.verbose ? 0 : WARNING_CAP;
        show_engine_frames = p.verbose;
        int tty = isatty(STDERR_FILENO);
        const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
        /* https://no-color.org: NO_COLOR set and not empty means none,
         * unless asked for explicitly. */
        int auto_color =
            tty && !(no_color && *no_color) && !(term && strcmp(term, "dumb") == 0);
        use_color = !p.color || strcmp(p.color, "auto") == 0
                        ? auto_color
                        : strcmp(p.color, "always") == 0;
        progress.on = tty && !p.quiet;
        cov_engine_set_limits(e, &p.limits);
        /* The CLI trusts the rule file it is given, as lua does; embedders get
         * the sandbox by default. */
        cov_engine_set_sandbox(e, p.sandbox);
#ifndef COV_FREE_AT_EXIT
        cov_engine_set_exit_after_run(e, 1);
#endif
        cov_engine_set_warning_handler(e, print_warning, NULL);
        rc = run(e, &p);
        if (warnings_cap && warnings_seen > warnings_cap && !warnings_quiet)
            fprintf(stderr, "covengine: %d more warnings not shown (use -v)\n",
                    warnings_seen - warnings_cap);
    }
#ifdef COV_FREE_AT_EXIT
    /* Sanitizer and valgrind builds free everything, so a leak shows. */
    cov_engine_free(e);
    for (size_t i = 0; i < p.nowned; i++)
        free(p.owned[i]);
    free(p.owned);
#else
    /* The process ends here: the operating system takes the models, the
     * Lua state and the options back at once, where freeing them walks a
     * million tests' worth of blocks. */
    (void)e;
#endif
    return rc;
}
