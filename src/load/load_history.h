/* The history of a tt-xla repository (issue 16): the first-parent revisions
 * of a range whose configs differ from the revision before, each with the
 * config blobs it has, and a cache of parses keyed by blob id, so that
 * every distinct blob is parsed by libyaml once, however many revisions
 * hold it.
 *
 * What is cached is a blob's events (yaml_events.h, cov_yev_tape), not its
 * model: a revision's dataset is built by replaying its files' tapes
 * through the one tt-xla loader, so the merge of files (an id repeated in a
 * later file wins), effective status, the standing aggregate and the
 * tt-forge-models join are those of a plain load, with no second copy of
 * that code. Copying a blob's parsed tests between models instead would
 * need a model whose interner, suffix table, lists, overrides and extra
 * nodes are shared between datasets; the model owns all of them per
 * dataset (docs/lua-api.md, "History"). */
#ifndef COV_LOAD_HISTORY_H
#define COV_LOAD_HISTORY_H

#include "base/diag.h"
#include "base/git_repo.h"
#include "model/model.h"

#include <stddef.h>

typedef struct cov_history cov_history;

/* Opens the repository at repo and lists its history: range as
 * cov_git_walk_begin takes it (NULL: "HEAD"), keeping the revisions whose
 * test_config_*.yaml files under tests/runner/test_config (paths and
 * contents) differ from the previous revision's of the walk (a revision
 * without such files is left out). With pin != 0 a revision whose
 * third_party/tt_forge_models pin differs counts as a change too. A missing repository or
 * revision is an error (COV_EIO / COV_EINPUT, d->err filled). *out is freed with
 * cov_history_free. */
int cov_history_open(const char *repo, const char *range, int pin, cov_history **out,
                     cov_diag *d);
void cov_history_free(cov_history *h);

/* The repository (owned by h). */
cov_git_repo *cov_history_repo(const cov_history *h);
/* The number of revisions, oldest first. */
size_t cov_history_count(const cov_history *h);
/* Revision i's commit data (owned by h). */
const cov_git_commit *cov_history_commit(const cov_history *h, size_t i);
/* Revision i's tt_forge_models pin, or NULL when it has none. */
const cov_git_oid *cov_history_pin(const cov_history *h, size_t i);
/* Figures of the cache: revision-file pairs listed, distinct blobs, and
 * blobs parsed so far. */
void cov_history_stats(const cov_history *h, size_t *pairs, size_t *blobs, size_t *parsed);

/* Distinct blob i (< the blobs of cov_history_stats), for benchmarks. */
const cov_git_oid *cov_history_blob(const cov_history *h, size_t i);

/* Loads revision i's configs into m (files named REPO@COMMIT:PATH, as
 * cov_load_ttxla_git_commit names them), parsing a blob the first time a
 * revision has it and replaying its events after that. A blob's warnings
 * are given when it is parsed, not again on each replay. An error in any
 * file rolls the whole revision back. */
int cov_history_load(cov_history *h, size_t i, cov_model *m, const cov_limits *lim,
                     cov_diag *d);

#endif
