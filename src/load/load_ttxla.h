/* The tt-xla test-config loader (docs/design.md 3.1): test_config_*.yaml and
 * test_config_placeholders.yaml files into a cov_model, streamed through
 * libyaml's event API (see yaml_events.h); no document tree is built.
 *
 * Every failure leaves the model exactly as it was; warnings (unknown
 * fields, unparsed ids, ids repeated across files) go to d->warn. Paths in
 * messages and in cov_source.path are as the caller gave them. */
#ifndef COV_LOAD_TTXLA_H
#define COV_LOAD_TTXLA_H

#include "base/diag.h"
#include "formats/yaml_events.h"
#include "model/model.h"

#include <stddef.h>

/* libyaml runs on a helper thread, overlapping with building the model, for
 * a file or buffer of at least COV_TTXLA_PIPE_MIN bytes and for a tree whose
 * files add up to at least COV_TTXLA_TREE_PIPE_MIN bytes. Results do not
 * depend on it. The fuzz build defines both as 1, so every input it tries
 * goes through the parser thread too. */
#ifndef COV_TTXLA_PIPE_MIN
#define COV_TTXLA_PIPE_MIN (1024u * 1024u)
#endif
#ifndef COV_TTXLA_TREE_PIPE_MIN
#define COV_TTXLA_TREE_PIPE_MIN (1024u * 1024u)
#endif

/* Loads one test_config_*.yaml or test_config_placeholders.yaml into m.
 * framework: "jax"/"torch"/"torch_llm"/any name, or NULL to infer it from the
 * file's parent directory name (jax, torch, torch_llm; anything else = torch,
 * the older flat layout). Returns COV_OK or a COV_E* code with d->err filled;
 * on failure m is exactly as before (use cov_model_mark_take/cov_model_rollback).
 * Everything read is owned by m; path is copied. */
int cov_load_ttxla_file(cov_model *m, const char *path, const char *framework,
                        const cov_limits *lim, cov_diag *d);
/* Same from memory; name is used as the file name in messages and sources. buf need not
 * be NUL-terminated and is not retained (its contents are copied into m). */
int cov_load_ttxla_buffer(cov_model *m, const char *name, const char *buf, size_t len,
                          const char *framework, const cov_limits *lim, cov_diag *d);
/* The same through an event tape (yaml_events.h): an empty tape records
 * the events buf[0..len) gives while it loads; a recorded one is replayed
 * and buf is not read (it may be NULL). For the history, which parses
 * each distinct blob once. Messages name the file `name` either way. */
int cov_load_ttxla_tape(cov_model *m, const char *name, cov_yev_tape *tape, const char *buf,
                        size_t len, const char *framework, const cov_limits *lim,
                        cov_diag *d);
/* Every file named test_config_*.yaml under dir, recursively, in sorted path order
 * (deterministic); directories whose name starts with '.' are not entered and
 * symbolic links to directories are not followed. An error in any file rolls back the
 * whole tree load. No such file found => COV_EINPUT "no test_config_*.yaml files under
 * DIR". */
int cov_load_ttxla_tree(cov_model *m, const char *dir, const cov_limits *lim, cov_diag *d);

#endif
