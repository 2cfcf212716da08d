/* The EasyDeL inventory (docs/design.md 3.3): a manifest JSON read with cJSON, or
 * an EasyDeL checkout whose easydel/modules/<name>/<file>.py files are scanned
 * for @register_module decorators. Either fills m->modules and
 * m->registrations and sets m->has_easydel. */
#ifndef COV_LOAD_EASYDEL_H
#define COV_LOAD_EASYDEL_H

#include "covengine.h"
#include "base/diag.h"
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
/* Scans a checkout: DIR/easydel/modules/<name>/<file>.py (DIR may also be the easydel/
 * package dir or the modules/ dir itself). */
int cov_load_easydel_checkout(cov_model *m, const char *dir, const cov_limits *lim,
                              cov_diag *d);

/* Internal: one module file's text scanned as a checkout scan scans each file
 * (the same code path), for the fuzzer and tests: a one-module inventory
 * MODULE whose registrations name MODULE/FILE. text need not be NUL-terminated.
 * Same contract as cov_load_easydel_checkout (rolls back on failure). */
int cov_easydel_scan_text(cov_model *m, const char *module, const char *file,
                          const char *text, size_t len, cov_diag *d);

/* A scan whose files the caller hands in one by one (from git blobs rather
 * than a directory), through the same per-file code path as a checkout scan:
 * begin, then for each module _module(name) followed by _file() for each of
 * its .py files in the order a checkout scan reads them, then _end. path
 * names the inventory's source; a file's path stands for it in messages and
 * file (its name in the module) in its registrations. _end(s, rc, ...) with
 * rc != 0 (the caller's own failure) or a failure of its own rolls m back
 * to where _begin found it; either way s is freed and the result returned.
 * revision and date (NULL: none) are recorded as a manifest's are. */
typedef struct cov_easydel_scanner cov_easydel_scanner;
int cov_easydel_scanner_begin(cov_model *m, const char *path, cov_easydel_scanner **out,
                              cov_diag *d);
int cov_easydel_scanner_module(cov_easydel_scanner *s, const char *name);
int cov_easydel_scanner_file(cov_easydel_scanner *s, const char *path, const char *file,
                             const char *text, size_t len);
int cov_easydel_scanner_end(cov_easydel_scanner *s, int rc, const char *revision,
                            const char *date);

/* Internal: shared by load_easydel.c and scan_easydel.c only. */

/* COV_EUSAGE if m already has an inventory (path names the new one). */
int cov_easydel_check_free(const cov_model *m, const char *path, cov_diag *d);

/* Completes a load whose modules were appended since mark: sorts them by
 * name, adds the source (path, kind, entries = modules added) and sets the
 * has_easydel fields. Returns 0 or COV_ENOMEM (the caller rolls back). */
int cov_easydel_finish(cov_model *m, const cov_model_mark *mark, const char *path, int kind,
                       cov_sym source_name, cov_sym revision, cov_sym date, cov_diag *d);

#endif
