/* tt-forge-models loaders (docs/design.md 3.4): every loader.py of a checkout
 * read statically with the Python lexer of python_lex.h (Python never runs),
 * and the join of each tt-xla test to the loader variant its id names.
 *
 * From a loader.py the scanner reads the ModelVariant(StrEnum) members, the
 * _VARIANTS dict of class ModelLoader (member -> config, its literal
 * pretrained_model_name), DEFAULT_VARIANT, the ModelInfo(...) fields that
 * _get_model_info returns (source, group, task, model, framework: literal,
 * resolved per variant, candidates or computed; see docs/tt-forge-models.md),
 * and the LLM phases it serves (load_inputs_decode in ModelLoader; a
 * ForgePrefillModel subclass serves prefill for its own _VARIANTS or all).
 * An adapter directory (<base>_lora, <base>_dora) takes its base loader's
 * variants, fields and phases. A file the lexer cannot follow (an
 * unterminated string, an unbalanced bracket) is a warning at file:line and
 * is kept as an unreadable loader; the rest of the tree loads. */
#ifndef COV_LOAD_FORGE_H
#define COV_LOAD_FORGE_H

#include "base/diag.h"
#include "covengine.h"
#include "model/model.h"

#include <stddef.h>
#include <stdint.h>

/* Every loader.py under dir (recursively; hidden directories and
 * __pycache__ are not entered, symbolic links to directories not followed),
 * in sorted path order, into m->loaders and m->lvariants. One tree per
 * model: a second is COV_EUSAGE. No loader.py at all is COV_EINPUT. On
 * failure m is as before. Does not join: the caller runs cov_forge_join
 * (model/forge_join.h). */
int cov_load_forge_tree(cov_model *m, const char *dir, const cov_limits *lim, cov_diag *d);

/* The same over files a caller reads (a git revision's blobs): n of them,
 * in the order a tree load sorts them (by directory); read(ud, i, ...) gives
 * the i-th one's directory relative to the tree (rel), its name in messages
 * (file) and its text, NUL-terminated at len, valid until the next call.
 * name stands for the tree (its source). */
typedef int (*cov_forge_read_fn)(void *ud, size_t i, const char **rel, const char **file,
                                 char **text, size_t *len, cov_diag *d);
int cov_load_forge_read(cov_model *m, const char *name, size_t n, cov_forge_read_fn read,
                        void *ud, cov_diag *d);

/* Internal, for the fuzzer and tests: one loader.py's text scanned as a tree
 * load scans each file (the same code), as the only loader of a tree, at
 * directory rel ("gpt2/causal_lm/jax"); file names it in messages. text need
 * not be NUL-terminated. Same contract as cov_load_forge_tree. */
int cov_forge_scan_text(cov_model *m, const char *rel, const char *file, const char *text,
                        size_t len, cov_diag *d);

#endif
