/* YAML 1.1 implicit typing of plain scalars, as PyYAML's SafeLoader does it
 * (the reading users compare covengine against): null, bool, int (with 0b,
 * 0 octal, 0x, '_' separators and base 60), float (needs a '.'; .inf, .nan),
 * everything else a string. Quoted scalars are always strings. */
#ifndef COV_YAML_SCALAR_H
#define COV_YAML_SCALAR_H

#include <stddef.h>

enum { COV_YAML_NULL, COV_YAML_BOOL, COV_YAML_INT, COV_YAML_FLOAT, COV_YAML_STR };

typedef struct cov_yaml_value {
    int kind;
    int boolean;
    long long integer;
    double number; /* FLOAT, and INT values too large for long long */
} cov_yaml_value;

/* Resolves the plain scalar s[0..len); returns out->kind. An INT that does not
 * fit a long long comes back as FLOAT with its approximate value. */
int cov_yaml_resolve(const char *s, size_t len, cov_yaml_value *out);

#endif
