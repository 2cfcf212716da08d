/* The model as covengine.dump/1 JSON (docs/design.md 5). */
#ifndef COV_DUMP_H
#define COV_DUMP_H

#include "base/diag.h"
#include "model/model.h"

#include <cjson/cJSON.h>

/* The whole model as JSON text, one test/placeholder/module per line; free
 * with cov_free. NULL on OOM (d->err filled). Each element is built and
 * printed by cJSON and freed before the next, so a million tests never
 * exist as one JSON tree. */
char *cov_dump_model(const cov_model *m, cov_diag *d);

/* A generic YAML node as cJSON, plain scalars typed as YAML 1.1 does
 * (yaml_scalar.h); NULL node gives JSON null. Caller owns the result
 * (cJSON_Delete); NULL on OOM. */
cJSON *cov_node_to_json(const cov_model *m, const cov_node *n);

#endif
