/* File helpers shared by the loaders, the engine and the CLI. */
#ifndef COV_FSUTIL_H
#define COV_FSUTIL_H

#include "base/diag.h"

#include <stddef.h>
#include <stdint.h>

/* Reads all of path into a NUL-terminated buffer the caller frees with
 * cov_free. max_size 0 = no limit. Errors (COV_EIO, COV_ELIMIT) are placed at
 * line 1, column 1 of path. */
int cov_read_file(const char *path, uint64_t max_size, char **out, size_t *len,
                  cov_diag *d);

/* Writes data to path atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync of the directory. On failure path is
 * untouched and the temporary file is removed. */
int cov_write_atomic(const char *path, const char *data, size_t len, cov_diag *d);

/* 1 if path is a directory, 0 if it is something else, -1 if it cannot be
 * stat'ed (errno set). */
int cov_is_dir(const char *path);

/* A growable list of strings the list owns (each freed with cov_free).
 * Zero-initialise; cov_strvec_free empties it again. */
typedef struct cov_strvec {
    char **v;
    size_t n, cap;
} cov_strvec;

/* Appends str, taking ownership of it even on failure; a NULL str (a failed
 * allocation upstream) fails too. 0, or -1 when memory ran out. */
int cov_strvec_push(cov_strvec *s, char *str);

/* Sorts with strcmp, so listings do not depend on the file system's order. */
void cov_strvec_sort(cov_strvec *s);

void cov_strvec_free(cov_strvec *s);

/* a + "/" + b without doubling the slash; either may be empty. The caller
 * frees the result with cov_free; NULL when memory ran out. */
char *cov_path_join(const char *a, const char *b);

/* The files under dir that want(name) picks, found without recursion (a
 * stack of directories to visit). want sees the name of each regular file
 * (or link to one); names starting with '.' are neither entered nor
 * picked. Appends each picked file's path relative to dir to files, in the
 * file system's order (sort them), and adds its size to *total (total may
 * be NULL). An entry that cannot be looked at, or a directory that cannot
 * be opened or read, is an error naming it (COV_EIO: "cannot stat",
 * "cannot open directory", "cannot read directory"), never a skip: a tree
 * deeper than PATH_MAX fails instead of losing its files. */
int cov_walk_tree(const char *dir, int (*want)(const char *name), cov_strvec *files,
                  uint64_t *total, cov_diag *d);

#endif
