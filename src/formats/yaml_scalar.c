#include "formats/yaml_scalar.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int equals_any(const char *s, size_t len, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == len && memcmp(*words, s, len) == 0)
            return 1;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Accumulates the digits of base in s (skipping '_') into *exact while it
 * fits and into *approx always; 0 if a character is not a digit of base. */
static int digits(const char *s, size_t len, int base, unsigned long long *exact,
                  int *overflow, double *approx)
{
    *exact = 0;
    *approx = 0;
    for (size_t i = 0; i < len; i++) {
        int d;
        char c = s[i];
        if (c == '_')
            continue;
        if (is_digit(c))
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return 0;
        if (d >= base)
            return 0;
        if (*exact > (~0ull - (unsigned)d) / (unsigned)base)
            *overflow = 1;
        *exact = *exact * (unsigned)base + (unsigned)d;
        *approx = *approx * base + d;
    }
    return 1;
}

/* [0-9]+(:[0-5]?[0-9])+ with '_' allowed in the first group: base 60. */
static int sexagesimal(const char *s, size_t len, double *v, int first_nonzero)
{
    const char *colon = memchr(s, ':', len);
    if (!colon || colon == s)
        return 0;
    if (first_nonzero && s[0] == '0')
        return 0;
    unsigned long long exact;
    int overflow = 0;
    double acc;
    if (!digits(s, (size_t)(colon - s), 10, &exact, &overflow, &acc))
        return 0;
    const char *p = colon, *end = s + len;
    while (p < end) {
        /* p at ':' */
        const char *q = p + 1;
        size_t n = 0;
        while (q + n < end && is_digit(q[n]))
            n++;
        if (n == 0 || n > 2 || (n == 2 && q[0] > '5'))
            return 0;
        acc = acc * 60 + (n == 2 ? (q[0] - '0') * 10 + (q[1] - '0') : q[0] - '0');
        p = q + n;
        if (p < end && *p != ':')
            return 0;
    }
    *v = acc;
    return 1;
}

static int resolve_int(const char *s, size_t len, cov_yaml_value *out)
{
    int neg = 0;
    if (len && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s++;
        len--;
    }
    if (!len || !is_digit(s[0]))
        return 0;
    double v;
    unsigned long long exact = 0;
    int ok, overflow = 0;
    if (len > 2 && s[0] == '0' && s[1] == 'b')
        ok = digits(s + 2, len - 2, 2, &exact, &overflow, &v);
    else if (len > 2 && s[0] == '0' && s[1] == 'x')
        ok = digits(s + 2, len - 2, 16, &exact, &overflow, &v);
    else if (memchr(s, ':', len))
        ok = sexagesimal(s, len, &v, 1), overflow = 1; /* computed in double */
    else if (len > 1 && s[0] == '0')
        ok = digits(s + 1, len - 1, 8, &exact, &overflow, &v);
    else
        ok = digits(s, len, 10, &exact, &overflow, &v);
    if (!ok)
        return 0;
    if (!overflow && exact <= (unsigned long long)LLONG_MAX) {
        out->kind = COV_YAML_INT;
        out->integer = neg ? -(long long)exact : (long long)exact;
    } else if (overflow && v >= -9.0e15 && v <= 9.0e15) {
        out->kind = COV_YAML_INT; /* base 60: small enough to be exact */
        out->integer = (long long)(neg ? -v : v);
    } else {
        out->kind = COV_YAML_FLOAT;
        out->number = neg ? -v : v;
    }
    return 1;
}

static int resolve_float(const char *s, size_t len, cov_yaml_value *out)
{
    static const char *const infs[] = {".inf", ".Inf", ".INF", 0};
    static const char *const nans[] = {".nan", ".NaN", ".NAN", 0};
    if (equals_any(s, len, nans)) {
        out->kind = COV_YAML_FLOAT;
        out->number = (double)NAN;
        return 1;
    }
    const char *p = s;
    size_t n = len;
    int neg = 0;
    if (n && (p[0] == '-' || p[0] == '+')) {
        neg = p[0] == '-';
        p++;
        n--;
    }
    if (equals_any(p, n, infs)) {
        out->kind = COV_YAML_FLOAT;
        out->number = neg ? -(double)INFINITY : (double)INFINITY;
        return 1;
    }
    if (!memchr(p, '.', n))
        return 0;
    /* base 60 float: [0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* */
    const char *dot = memchr(p, '.', n);
    if (memchr(p, ':', (size_t)(dot - p))) {
        double whole;
        if (!is_digit(p[0]) || !sexagesimal(p, (size_t)(dot - p), &whole, 0))
            return 0;
        double frac = 0, scale = 1;
        for (const char *q = dot + 1; q < p + n; q++) {
            if (*q == '_')
                continue;
            if (!is_digit(*q))
                return 0;
            frac = frac * 10 + (*q - '0');
            scale *= 10;
        }
        out->kind = COV_YAML_FLOAT;
        out->number = (neg ? -1 : 1) * (whole + frac / scale);
        return 1;
    }
    /* [0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?  or  \.[0-9][0-9_]*([eE][-+][0-9]+)? */
    size_t i = 0;
    if (p[0] == '.') {
        if (n < 2 || !is_digit(p[1]))
            return 0;
    } else {
        if (!is_digit(p[0]))
            return 0;
        while (i < n && (is_digit(p[i]) || p[i] == '_'))
            i++;
        if (i >= n || p[i] != '.')
            return 0;
    }
    i++; /* the dot */
    while (i < n && (is_digit(p[i]) || p[i] == '_'))
        i++;
    if (i < n) {
        if (p[i] != 'e' && p[i] != 'E')
            return 0;
        i++;
        if (i >= n || (p[i] != '-' && p[i] != '+'))
            return 0;
        i++;
        size_t start = i;
        while (i < n && is_digit(p[i]))
            i++;
        if (i == start || i != n)
            return 0;
    }
    char buf[128];
    size_t k = 0;
    for (size_t j = 0; j < len && k + 1 < sizeof buf; j++)
        if (s[j] != '_')
            buf[k++] = s[j];
    buf[k] = '\0';
    out->kind = COV_YAML_FLOAT;
    out->number = strtod(buf, NULL);
    return 1;
}

int cov_yaml_resolve(const char *s, size_t len, cov_yaml_value *out)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", 0};
    static const char *const trues[] = {"yes",  "Yes", "YES", "true", "True",
                                        "TRUE", "on",  "On",  "ON",   0};
    static const char *const falses[] = {"no",    "No",  "NO",  "false", "False",
                                         "FALSE", "off", "Off", "OFF",   0};
    memset(out, 0, sizeof *out);
    if (equals_any(s, len, nulls))
        return out->kind = COV_YAML_NULL;
    if (equals_any(s, len, trues)) {
        out->boolean = 1;
        return out->kind = COV_YAML_BOOL;
    }
    if (equals_any(s, len, falses))
        return out->kind = COV_YAML_BOOL;
    if (len && len < 100 && (resolve_int(s, len, out) || resolve_float(s, len, out)))
        return out->kind;
    return out->kind = COV_YAML_STR;
}
