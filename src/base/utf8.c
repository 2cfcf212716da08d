#include "base/utf8.h"

#include "base/alloc.h"

#include <stdint.h>
#include <string.h>

size_t cov_utf8_seq(const unsigned char *s, size_t n)
{
    if (!n)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* the second byte's range (RFC 3629 table) */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong below */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates above */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    return len;
}

size_t cov_utf8_invalid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = cov_utf8_seq(u + i, n - i);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

char *cov_utf8_repair(const char *s, size_t n)
{
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = cov_malloc(3 * n + 1); /* at worst each byte becomes 3 */
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t ok = cov_utf8_invalid(s + i, n - i);
        memcpy(out + o, s + i, ok);
        o += ok;
        i += ok;
        if (i < n) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    return out;
}
