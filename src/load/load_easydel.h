/* The EasyDeL inventory (docs/design.md 3.3): a manifest JSON read with cJSON, or
 * an EasyDeL checkout whose easydel/modules/<name>/<file>.py files are scanned
 * for @register_module decorators. Either fills m->modules and
 * m->registrations and sets m->has_easydel. The checkout scanner has its
 * own header, scan_easydel.h. */
#ifndef COV_LOAD_EASYDEL_H
#define COV_LOAD_EASYDEL_H

#include "base/diag.h"
#include "covengine.h"
#include "model/model.h"

#include <stddef.h>
#include <stdint.h>

/* path is a manifest (.json file) or an EasyDeL checkout directory (scanned).
 * Returns COV_OK or a COV_E* code with d->err filled; on failure m is as before
 * (cov_model_mark_take / cov_model_rollback). Loading a second inventory into a
 * model that has one (m->has_easydel) is COV_EUSAGE "an EasyDeL inventory is
 * already loaded (from X)". */
int cov_load_easydel_path(cov_model *m, const char *path, const cov_limits *lim,
                          cov_diag *d);
/* A manifest from memory; name is used in messages and as the source path. buf
 * need not be NUL-terminated (it is copied to a NUL-terminated buffer for cJSON). */
int cov_load_easydel_manifest(cov_model *m, const char *name, const char *buf, size_t len,
                              const cov_limits *lim, cov_diag *d);

#endif
