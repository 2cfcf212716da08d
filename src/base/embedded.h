/* Files compiled into the library by cmake/embed_files.cmake. */
#ifndef COV_EMBEDDED_H
#define COV_EMBEDDED_H

#include <stddef.h>

typedef struct cov_embedded_file {
    const char *name;          /* path relative to the source root */
    const unsigned char *data; /* NUL-terminated */
    size_t size;               /* without the NUL */
} cov_embedded_file;

/* Tables end with an entry whose name is NULL. */
extern const cov_embedded_file cov_embedded_lua[];
extern const cov_embedded_file cov_embedded_snapshot[];

/* The file called name in table, or NULL. */
const cov_embedded_file *cov_embedded_find(const cov_embedded_file *table,
                                           const char *name);

#endif
