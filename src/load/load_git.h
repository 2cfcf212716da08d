/* tt-xla configs and EasyDeL inventories read from a git revision
 * (git_repo.h) instead of a directory, through the same loaders: each YAML
 * blob goes through cov_load_ttxla_buffer, each EasyDeL module file through
 * the checkout scanner's per-file path. A revision's load gives the model a
 * directory load of a checkout of that revision gives, except for names:
 *
 *   a source (file) is  REPO@COMMIT:PATH   PATH from the repository's root,
 *                                          COMMIT the first COV_GIT_SHORT
 *                                          hex digits of the commit id
 *   an inventory is     REPO@COMMIT        with the commit id as its
 *                                          revision and its date (commit
 *                                          date, YYYY-MM-DD) as its date
 *
 * and for symbolic links, which a directory load follows and a revision's
 * load skips (git stores a link, not the file). */
#ifndef COV_LOAD_GIT_H
#define COV_LOAD_GIT_H

#include "base/diag.h"
#include "base/git_repo.h"
#include "model/model.h"

/* Where a tt-xla revision keeps its configs, and EasyDeL its modules. */
#define COV_TTXLA_CONFIG_DIR "tests/runner/test_config"
#define COV_EASYDEL_MODULES_DIR "easydel/modules"

/* Splits "git:REPO@REV" into REPO and REV (cov_free both): REV follows the
 * last '@' that does not start a reflog or upstream suffix ("@{"), so
 * "git:.@HEAD@{1}" is REV "HEAD@{1}"; without an '@' REV is "HEAD".
 * Returns 1 for such a spec, 0 for any other string (a directory), -1 when
 * memory ran out. */
int cov_git_spec_split(const char *spec, char **repo, char **rev);

/* Whether a file name is one the tree loader takes (ttxla_walk.c:
 * test_config_*.yaml). */
int cov_git_config_name(const char *name);

/* Where a tt-xla revision pins tt-forge-models (a submodule gitlink). */
#define COV_TTXLA_FORGE_PIN "third_party/tt_forge_models"

/* "REPO@COMMIT" of a commit, for names (cov_free); NULL on OOM. */
char *cov_git_source_name(const char *repo, const cov_git_oid *commit);

/* Every test_config_*.yaml blob under COV_TTXLA_CONFIG_DIR of commit in r
 * (recursively, sorted by path, as cov_load_ttxla_tree finds files), with
 * the framework inferred from each blob's directory. An error in any rolls
 * the whole load back; no such blob => COV_EINPUT "no test_config_*.yaml
 * files under tests/runner/test_config". */
int cov_load_ttxla_git_commit(cov_model *m, cov_git_repo *r, const cov_git_oid *commit,
                              const cov_limits *lim, cov_diag *d);
/* The same for rev (NULL: HEAD) of the repository at repo. */
int cov_load_ttxla_git_rev(cov_model *m, const char *repo, const char *rev,
                           const cov_limits *lim, cov_diag *d);

/* EasyDeL's COV_EASYDEL_MODULES_DIR/<module>/<file>.py at commit in r, as
 * cov_load_easydel_checkout scans a checkout (a module is a directory not
 * starting with '_' and not auto/; its .py files directly in it). */
int cov_load_easydel_git_commit(cov_model *m, cov_git_repo *r, const cov_git_oid *commit,
                                const cov_limits *lim, cov_diag *d);
int cov_load_easydel_git_rev(cov_model *m, const char *repo, const char *rev,
                             const cov_limits *lim, cov_diag *d);

/* Every loader.py of tt-forge-models at commit in r (files REPO@COMMIT:PATH,
 * the tree named REPO@COMMIT), as cov_load_forge_tree reads a checkout. */
int cov_load_forge_git_commit(cov_model *m, cov_git_repo *r, const cov_git_oid *commit,
                              const cov_limits *lim, cov_diag *d);

#endif
