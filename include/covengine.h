/*
 * covengine — coverage of ML model families across tt-xla test
 * configurations and the EasyDeL model library, with Lua rules.
 *
 * This is the only header an embedder needs. Conventions:
 *  - Every name is prefixed cov_ / COV_.
 *  - Functions that can fail return 0 on success or a COV_E* code and fill
 *    the caller-owned cov_error (which may be NULL when the caller does not
 *    care). There is no global error state.
 *  - Memory a function returns is owned as its comment says; "free with
 *    cov_free" means exactly that.
 *  - Threads: an engine is not thread-safe, but engines share nothing, so
 *    any number of threads may each use their own engine at the same time.
 *    Functions not taking an engine are thread-safe.
 */
#ifndef COVENGINE_H
#define COVENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(COV_BUILDING_LIBRARY) && defined(__GNUC__)
#define COV_API __attribute__((visibility("default")))
#else
#define COV_API
#endif

#include "covengine_version.h" /* COV_VERSION_MAJOR/_MINOR/_PATCH/_STRING */

/* Error codes. The CLI maps COV_EGATE to exit status 1 and the rest to 2. */
enum {
    COV_OK = 0,
    COV_EGATE,  /* a rule reported a failed gate (not an error as such) */
    COV_EUSAGE, /* bad arguments from the caller */
    COV_EINPUT, /* malformed or invalid input file */
    COV_ELIMIT, /* an input or a rule exceeded a configured limit */
    COV_ERULE,  /* a rule script raised an error */
    COV_EIO,    /* reading or writing a file failed */
    COV_ENOMEM  /* an allocation failed */
};

/* Where and what went wrong. Caller-owned; filled by the failing function.
 * line and column are 1-based, 0 when the problem has no position. */
typedef struct cov_error {
    int code;
    int line, column;
    char file[1024];
    char message[1024];
    char traceback[4096]; /* Lua traceback for COV_ERULE, else "" */
} cov_error;

/* Writes "FILE:LINE:COL: MESSAGE" (or "MESSAGE" when there is no file) into
 * the caller's buf, truncating to size; returns buf (the caller owns it).
 * Thread-safe. */
COV_API const char *cov_error_format(const cov_error *err, char *buf, size_t size);

/* Receives each warning (an unknown field, a duplicate id across files, an
 * unparsed test id, ...). w is valid only during the call. w->code is
 * COV_OK for a warning; another code marks an error the run is about to
 * stop for, reported one by one first (each --strict lint finding). */
typedef void (*cov_warn_fn)(void *ud, const cov_error *w);

/* Resource limits. Zero means "no limit" for every field. */
typedef struct cov_limits {
    uint64_t max_file_size;       /* bytes per input file; default 1 GiB */
    uint32_t max_depth;           /* YAML/JSON nesting depth; default 64 */
    uint32_t max_anchors;         /* YAML anchors per file; default 10000 */
    uint32_t max_aliases;         /* YAML alias uses per file; default 10000 */
    uint64_t max_alias_expansion; /* events replayed through aliases; default 1e6 */
    uint64_t max_alias_bytes;     /* size of what aliases replay: scalar bytes
                                     plus 16 per event; default 16 MiB */
    uint64_t max_scalar;          /* bytes per YAML/JSON scalar; default 1 MiB */
    uint64_t max_instructions;    /* Lua VM instructions per run; default 0 */
    uint64_t max_memory;          /* bytes of Lua heap and of what the engine
                                     allocates while the rules run (loads,
                                     JSON, groups, the report), one count;
                                     default 0 */
    uint64_t max_seconds;         /* wall-clock seconds per rule run, checked
                                     in the VM, in the allocator (finalizers,
                                     C functions) and in charged C calls;
                                     default 0 */
} cov_limits;

/* In the sandbox, max_instructions, max_memory and max_seconds of 0 mean
 * these. */
#define COV_SANDBOX_INSTRUCTIONS 250000000ull
#define COV_SANDBOX_MEMORY (1024ull * 1024 * 1024)
#define COV_SANDBOX_SECONDS 4

/* Fills the caller's *l with the defaults documented above. Thread-safe. */
COV_API void cov_limits_default(cov_limits *l);

/* Two datasets can be loaded side by side: the current one (head) and one
 * to compare against (base). */
typedef enum cov_dataset { COV_HEAD = 0, COV_BASE = 1 } cov_dataset;

/* An engine: two datasets, limits, options, the last report. Opaque. */
typedef struct cov_engine cov_engine;

/* A new engine with default limits and the sandbox on (embedders run rules
 * they did not write), or NULL on OOM. The caller owns it and frees it with
 * cov_engine_free. Thread-safe; the engine itself is not (see above). */
COV_API cov_engine *cov_engine_new(void);
/* Frees e and everything it owns (datasets, report, options); every pointer
 * obtained from it becomes invalid. e may be NULL. */
COV_API void cov_engine_free(cov_engine *e);

/* How far a load has got, for a progress display: the file being read,
 * files and bytes done of the load call's total (a tree's files; 0 when not
 * known, as for a pipe), bytes approximate within a file. */
typedef struct cov_progress {
    const char *file;
    uint64_t files_done, files_total;
    uint64_t bytes_done, bytes_total;
} cov_progress;

/* Receives progress during loads, every few thousand YAML events; p is
 * valid only during the call. */
typedef void (*cov_progress_fn)(void *ud, const cov_progress *p);

/* Progress of the tt-xla loaders goes to fn(ud, p) on the thread using the
 * engine; fn == NULL (the default) reports none. ud is not owned. */
COV_API void cov_engine_set_progress_handler(cov_engine *e, cov_progress_fn fn, void *ud);

/* Sets the limits (copied from *l; nothing retained). */
COV_API void cov_engine_set_limits(cov_engine *e, const cov_limits *l);
/* Copies the current limits into the caller's *l. */
COV_API void cov_engine_get_limits(const cov_engine *e, cov_limits *l);
/* on != 0 runs rule scripts without io/os/debug/bytecode loading, without
 * file access (a rule's loads take no paths: the host loads the inputs) or
 * __gc metamethods, with the instruction, memory and time limits defaulting
 * to COV_SANDBOX_*. */
COV_API void cov_engine_set_sandbox(cov_engine *e, int on);
/* on != 0 promises that the process exits right after the next
 * cov_run_rules returns: the run leaves its Lua state to the operating
 * system instead of closing it (closing walks and frees every object the
 * rules made, which the exit would reclaim at once). The report, the gates
 * and errors are unchanged; the engine must not run rules again. Off by
 * default; the CLI turns it on unless built with COV_FREE_AT_EXIT. */
COV_API void cov_engine_set_exit_after_run(cov_engine *e, int on);
/* Warnings go to fn(ud, w), called on the thread using the engine; w and its
 * strings are valid only during the call. fn == NULL drops them (the
 * default). ud is not owned. */
COV_API void cov_engine_set_warning_handler(cov_engine *e, cov_warn_fn fn, void *ud);
/* A string option rule scripts read as cov.options[name] (value NULL
 * removes it). Both strings are copied; nothing is retained. Returns 0 or
 * COV_ENOMEM. */
COV_API int cov_engine_set_option(cov_engine *e, const char *name, const char *value);

/* Loaders. Each returns 0 or a COV_E* code with the caller's *err filled,
 * copies what it needs (no argument is retained), and on failure leaves the
 * dataset as it was before the call. */

/* Every test_config_*.yaml under DIR (a tt-xla checkout or a copy of its
 * tests/runner/test_config directory). DIR "git:REPO@REV" is
 * cov_load_ttxla_git(e, d, REPO, REV, err): REV follows the last '@' not
 * starting "@{" (git:.@HEAD@{1} is REV HEAD@{1}) and is HEAD without one;
 * write ./git:x for a directory of that name. */
COV_API int cov_load_ttxla(cov_engine *e, cov_dataset d, const char *dir, cov_error *err);
/* The configs of one revision of a tt-xla git repository, read from its
 * objects with libgit2 (nothing is checked out): every test_config_*.yaml
 * blob under tests/runner/test_config/ of the revision's tree, loaded as
 * cov_load_ttxla loads a checkout of it. repo is a work tree, its .git or
 * a bare repository (parents are not searched); rev any rev-parse spec
 * (sha, branch, tag, HEAD~3, origin/main), NULL for HEAD. A HEAD on a
 * branch with no commits means the only branch, with a warning (an error
 * when there are several). Sources are named REPO@COMMIT:PATH, COMMIT the
 * commit id's first 12 hex digits, PATH from the repository's root; e.g.
 * "tt-xla@1f1c2411ab3c:tests/runner/test_config/jax/test_config_x.yaml".
 * Symbolic links are skipped (a directory load follows them). */
COV_API int cov_load_ttxla_git(cov_engine *e, cov_dataset d, const char *repo,
                               const char *rev, cov_error *err);
/* One YAML file; framework is "jax", "torch", "torch_llm" or NULL to infer
 * it from the file's directory. */
COV_API int cov_load_config(cov_engine *e, cov_dataset d, const char *path,
                            const char *framework, cov_error *err);
/* The same from memory: name stands for the file in messages; buf need not
 * be NUL-terminated and is not retained. */
COV_API int cov_load_config_buffer(cov_engine *e, cov_dataset d, const char *name,
                                   const char *buf, size_t len, const char *framework,
                                   cov_error *err);
/* An EasyDeL manifest (.json) or checkout directory; "git:REPO@REV" as
 * for cov_load_ttxla is cov_load_easydel_git. */
COV_API int cov_load_easydel(cov_engine *e, cov_dataset d, const char *path,
                             cov_error *err);
/* EasyDeL's easydel/modules/<module>/<file>.py at a revision of its git
 * repository (repo and rev as for cov_load_ttxla_git), scanned as a
 * checkout is. The inventory's source is REPO@COMMIT, its revision the
 * commit id and its date the commit date (YYYY-MM-DD). */
COV_API int cov_load_easydel_git(cov_engine *e, cov_dataset d, const char *repo,
                                 const char *rev, cov_error *err);
/* A manifest from memory (buf not retained, need not be NUL-terminated). */
COV_API int cov_load_easydel_buffer(cov_engine *e, cov_dataset d, const char *name,
                                    const char *buf, size_t len, cov_error *err);
/* A tt-forge-models checkout (the loaders tt-xla's tests run; tt-xla pins it
 * at third_party/tt_forge_models): every loader.py under dir, read without
 * running Python. One tree per dataset. The dataset's tests, loaded before
 * or after, are joined to the loader variants their ids name; a test id
 * naming none is a warning. */
COV_API int cov_load_tt_forge_models(cov_engine *e, cov_dataset d, const char *dir,
                                     cov_error *err);
/* The tt-forge-models tree a tt-xla revision pins (its
 * third_party/tt_forge_models gitlink; ttxla_repo and rev as for
 * cov_load_ttxla_git), read from the git repository forge_repo: every
 * loader.py of the pinned commit, files named FORGE@COMMIT:PATH. A revision
 * without a pin, or a pin forge_repo lacks, is a warning naming the commit
 * and loads nothing. */
COV_API int cov_load_tt_forge_models_pinned(cov_engine *e, cov_dataset d,
                                            const char *ttxla_repo, const char *rev,
                                            const char *forge_repo, cov_error *err);
/* The built-in snapshot compiled into the library (data/). */
COV_API int cov_load_snapshot(cov_engine *e, cov_dataset d, cov_error *err);

/* The history of a tt-xla git repository (repo as for cov_load_ttxla_git):
 * the first-parent revisions of range ("REV", "A..B"; NULL: HEAD) whose
 * tests/runner/test_config differs from the revision before, which rules
 * read one at a time with cov.history() (docs/lua-api.md). Each distinct
 * config blob is parsed once and its events replayed into every revision
 * that has it. easydel (NULL: none) is the inventory each revision is read
 * with: a manifest or checkout path, or with easydel_git != 0 a git
 * repository, of which each revision takes the last commit not later than
 * its own commit date. forge_git (NULL: none) is a tt-forge-models
 * repository each revision's third_party/tt_forge_models pin is read from.
 * A missing repository or revision is an error; a revision whose configs
 * do not load is a warning when the rules step over it (an error under the
 * option "strict"). Replaces any history opened before. */
COV_API int cov_load_history(cov_engine *e, const char *repo, const char *range,
                             const char *easydel, int easydel_git, const char *forge_git,
                             cov_error *err);

/* Runs the rule script at path with arguments argv[0..argc) (copied; not
 * retained), in a fresh Lua state with the engine's limits and sandbox. What
 * the script emits becomes the engine's report. Returns 0, COV_EGATE when a
 * rule failed a gate (err->message says which; the report is still set), or
 * an error code (a rule error fills err->traceback too). */
COV_API int cov_run_rules(cov_engine *e, const char *path, int argc,
                          const char *const *argv, cov_error *err);
/* The same with the script in buf[0..len) (not retained); name stands for
 * it in messages. */
COV_API int cov_run_rules_buffer(cov_engine *e, const char *name, const char *buf,
                                 size_t len, int argc, const char *const *argv,
                                 cov_error *err);

/* Receives one setting of a rule script's covengine.settings{...} table:
 * name is the command-line option it stands for without "--" and with '_'
 * for '-' ("tt_xla", "config", "framework", "easydel", "tt_xla_git", "rev",
 * "easydel_git", "easydel_rev", "base_tt_xla", "base_easydel", "baseline",
 * "format", "output", "fail_under", "fail_on_regression", "fail_on_drop",
 * "strict"), value its text ("true" for a flag; relative paths, and the
 * repository of a git:REPO@REV, already made relative to the script's
 * directory). Both are valid only during the call. Return 0 to go on, or
 * non-zero to stop with a rule error naming the setting. */
typedef int (*cov_setting_fn)(void *ud, const char *name, const char *value);

/* Reads the settings a rule script gives (covengine.settings{...}) before
 * any input is loaded: runs the script at path (with argv as for
 * cov_run_rules) in a settings pass that stops at the settings call, or at
 * the script's first use of a dataset when it gives none, calling fn(ud,
 * name, value) for each setting in command-line order (--framework before
 * the --config files it applies to). Warnings, report text and gates of the
 * pass are dropped; datasets and the last report are untouched. Returns 0
 * (whether or not there were settings) or an error code with *err filled,
 * as cov_run_rules does. The caller applies the settings, e.g. where its
 * own options do not say otherwise, then loads and runs the rules. */
COV_API int cov_read_settings(cov_engine *e, const char *path, int argc,
                              const char *const *argv, cov_setting_fn fn, void *ud,
                              cov_error *err);

/* The last run's report, owned by the engine and valid until the next run or
 * cov_engine_free; *len (if not NULL) receives its length. Never NULL. */
COV_API const char *cov_report(const cov_engine *e, size_t *len);
/* Writes the last report to path atomically (temporary file in the same
 * directory, fsync, rename): on failure the old file is untouched and no
 * temporary file is left. A device or FIFO is written in place. */
COV_API int cov_write_report(const cov_engine *e, const char *path, cov_error *err);

/* Writes data[0..len) (not retained) to path the same atomic way.
 * Thread-safe. */
COV_API int cov_write_file(const char *path, const char *data, size_t len, cov_error *err);

/* The dataset as covengine.dump/1 JSON text; the caller owns it and frees
 * it with cov_free. NULL on OOM (err filled). */
COV_API char *cov_dump_json(const cov_engine *e, cov_dataset d, cov_error *err);

/* The directory of covengine's installed files (rules/, lua/), found next
 * to the program or library at run time. Static storage owned by the
 * library, never NULL; thread-safe. */
COV_API const char *cov_data_dir(void);

/* Writes into the caller's buf (size bytes, NUL-terminated, truncated if
 * need be) the rule script to run when none is named: phases.lua in the
 * first $COVENGINE_PATH directory that has one, else the installed
 * rules/phases.lua. Returns 0, or COV_EIO when that file does not exist (buf
 * then holds the path tried). Thread-safe. */
COV_API int cov_default_rules(char *buf, size_t size);

/* Frees memory this library returned to the caller (cov_dump_json). NULL is
 * fine. Thread-safe. */
COV_API void cov_free(void *p);

/* "MAJOR.MINOR.PATCH" of the library actually linked; static storage,
 * thread-safe. */
COV_API const char *cov_version(void);

#ifdef __cplusplus
}
#endif

#endif
