/* The EasyDeL checkout scanner (docs/design.md 3.3): the
 * easydel/modules/<name>/<file>.py files of a checkout, or files handed in
 * one by one (git blobs), scanned for @register_module decorators into
 * m->modules and m->registrations. A manifest is load_easydel.h's. */
#ifndef COV_SCAN_EASYDEL_H
#define COV_SCAN_EASYDEL_H

#include "base/diag.h"
#include "covengine.h"
#include "model/model.h"

#include <stddef.h>

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

#endif
