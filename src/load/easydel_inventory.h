/* What both EasyDeL loaders (the manifest, load_easydel.c, and the checkout
 * scanner, scan_easydel.c) do around a load: refuse a second inventory and
 * complete the one just read. Its own module, so neither loader includes
 * the other's header for it. */
#ifndef COV_EASYDEL_INVENTORY_H
#define COV_EASYDEL_INVENTORY_H

#include "base/diag.h"
#include "model/model.h"

/* COV_EUSAGE if m already has an inventory (path names the new one). */
int cov_easydel_check_free(const cov_model *m, const char *path, cov_diag *d);

/* Completes a load whose modules were appended since mark: sorts them by
 * name, adds the source (path, kind, entries = modules added) and sets the
 * has_easydel fields. Returns 0 or COV_ENOMEM (the caller rolls back). */
int cov_easydel_finish(cov_model *m, const cov_model_mark *mark, const char *path, int kind,
                       cov_sym source_name, cov_sym revision, cov_sym date, cov_diag *d);

#endif
