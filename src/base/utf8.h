/* UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), for the loaders that read text libyaml does not check
 * (JSON manifests, scanned .py files) and for the JSON writer: what reaches
 * a report or --dump is valid UTF-8, so the JSON written is valid. */
#ifndef COV_UTF8_H
#define COV_UTF8_H

#include <stddef.h>

/* The length (1 to 4) of the valid UTF-8 sequence at s[0..n), or 0 when
 * the bytes there are not one (n == 0 included). */
size_t cov_utf8_seq(const unsigned char *s, size_t n);

/* The offset of the first byte of s[0..n) that does not start a valid
 * sequence, or n when all of it is valid UTF-8. */
size_t cov_utf8_invalid(const char *s, size_t n);

/* A copy of s[0..n) (cov_malloc'd, NUL-terminated) with each byte that does
 * not start a valid sequence replaced by U+FFFD, for text covengine shows
 * but must not refuse (a commit's author or subject: git keeps whatever
 * bytes the committer wrote). NULL when out of memory. */
char *cov_utf8_repair(const char *s, size_t n);

#endif
