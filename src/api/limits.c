#include "covengine.h"

#include <string.h>

/* Generous for real inputs (the million-entry benchmark fits in 1 GiB),
 * tight enough that hostile ones fail fast. */
void cov_limits_default(cov_limits *l)
{
    memset(l, 0, sizeof *l);
    l->max_file_size = 1024ull * 1024 * 1024;
    l->max_depth = 64;
    l->max_anchors = 10000;
    l->max_aliases = 10000;
    l->max_alias_expansion = 1000000;
    l->max_alias_bytes = 16ull * 1024 * 1024;
    l->max_scalar = 1024 * 1024;
}
