#include "base/embedded.h"

#include <string.h>

const cov_embedded_file *cov_embedded_find(const cov_embedded_file *table, const char *name)
{
    for (; table->name; table++)
        if (strcmp(table->name, name) == 0)
            return table;
    return NULL;
}
