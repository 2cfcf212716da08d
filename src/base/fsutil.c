#include "base/fsutil.h"

#include "base/alloc.h"
#include "base/vec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cov_is_dir(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return S_ISDIR(st.st_mode) ? 1 : 0;
}

int cov_strvec_push(cov_strvec *s, char *str)
{
    if (!str || COV_GROW_ONE(s->v, s->n, s->cap) < 0) {
        cov_free(str);
        return -1;
    }
    s->v[s->n++] = str;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void cov_strvec_sort(cov_strvec *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_str);
}

void cov_strvec_free(cov_strvec *s)
{
    for (size_t i = 0; i < s->n; i++)
        cov_free(s->v[i]);
    cov_free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

char *cov_path_join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    size_t slash = na && nb && a[na - 1] != '/';
    char *p = cov_malloc(na + slash + nb + 1);
    if (!p)
        return NULL;
    memcpy(p, a, na);
    if (slash)
        p[na] = '/';
    memcpy(p + na + slash, b, nb + 1);
    return p;
}

int cov_read_file(const char *path, uint64_t max_size, char **out, size_t *len, cov_diag *d)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cov_fail(d, COV_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        return cov_fail(d, COV_EIO, path, 0, 0, "cannot read: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        return cov_fail(d, COV_EIO, path, 1, 1, "cannot read: %s", strerror(EISDIR));
    }
    if (max_size && st.st_size > 0 && (uint64_t)st.st_size > max_size) {
        fclose(f);
        return cov_fail(d, COV_ELIMIT, path, 0, 0,
                        "file is %llu bytes, over the limit of %llu",
                        (unsigned long long)st.st_size, (unsigned long long)max_size);
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = cov_malloc(cap);
    if (!buf) {
        fclose(f);
        return cov_fail(d, COV_ENOMEM, path, 0, 0, "out of memory reading the file");
    }
    for (;;) {
        if (n + 1 >= cap) {
            /* Full: a byte more is needed before growing, so a file read
             * whole (its size known from fstat) stays in one buffer of
             * its size instead of twice that. */
            char probe;
            size_t more = fread(&probe, 1, 1, f);
            if (!more)
                break;
            /* The file grew or is a pipe: keep going, within the limit. */
            if (cov_grow((void **)&buf, &cap, cap + 1, 1) < 0) {
                cov_free(buf);
                fclose(f);
                return cov_fail(d, COV_ENOMEM, path, 0, 0,
                                "out of memory reading the file");
            }
            buf[n++] = probe;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (max_size && n > max_size) {
            cov_free(buf);
            fclose(f);
            return cov_fail(d, COV_ELIMIT, path, 0, 0,
                            "file is over the limit of %llu bytes",
                            (unsigned long long)max_size);
        }
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        cov_free(buf);
        return cov_fail(d, COV_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return COV_OK;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* A device, FIFO or socket cannot be replaced by rename (and as root that
 * would replace /dev/full with a file): write it in place. */
static int write_in_place(const char *path, const char *data, size_t len, cov_diag *d)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0)
        return cov_fail(d, COV_EIO, path, 0, 0, "cannot open for writing: %s",
                        strerror(errno));
    if (write_all(fd, data, len) < 0) {
        int e = errno;
        close(fd);
        return cov_fail(d, COV_EIO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    if (close(fd) < 0)
        return cov_fail(d, COV_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    return COV_OK;
}

int cov_write_atomic(const char *path, const char *data, size_t len, cov_diag *d)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return cov_fail(d, COV_EIO, path, 0, 0, "cannot write: %s", strerror(EISDIR));
        return write_in_place(path, data, len, d);
    }
    /* The temporary file must be in the target's directory for rename to be
     * atomic; a leading dot keeps it out of globs while it exists. */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dirlen;
    size_t n = dirlen + strlen(base) + 16;
    char *tmp = cov_malloc(n);
    if (!tmp)
        return cov_fail(d, COV_ENOMEM, path, 0, 0, "out of memory");
    snprintf(tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        /* Say where: the directory is what the user can fix. */
        int e = errno;
        int rc =
            cov_fail(d, COV_EIO, path, 0, 0, "cannot create a temporary file in %.*s: %s",
                     dirlen ? (int)dirlen : 1, dirlen ? path : ".", strerror(e));
        cov_free(tmp);
        return rc;
    }
    const char *step = "write";
    if (write_all(fd, data, len) < 0)
        goto fail;
    step = "fsync";
    if (fsync(fd) < 0)
        goto fail;
    /* Reports are ordinary files: honour the umask, not mkstemp's 0600. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    step = "close";
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    step = "rename";
    if (rename(tmp, path) < 0)
        goto fail;
    cov_free(tmp);
    /* Make the rename itself durable. */
    char *dir = cov_strndup(dirlen ? path : ".", dirlen ? dirlen : 1);
    if (dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        cov_free(dir);
    }
    return COV_OK;
fail:;
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    cov_free(tmp);
    return cov_fail(d, COV_EIO, path, 0, 0, "cannot write (%s): %s", step, strerror(e));
}

static const char *errstr(int e, char *buf, size_t size)
{
    if (strerror_r(e, buf, size) != 0)
        snprintf(buf, size, "error %d", e);
    return buf;
}

/* One directory entry: a subdirectory to visit, a picked file, or neither. */
static int walk_entry(const char *dir, const char *rel, const char *name,
                      int (*want)(const char *), cov_strvec *todo, cov_strvec *files,
                      uint64_t *total, cov_diag *d)
{
    char *child = cov_path_join(rel, name);
    char *abs = child ? cov_path_join(dir, child) : NULL;
    struct stat st;
    int rc = COV_OK;
    if (!abs) {
        cov_free(child);
        rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
    } else if (lstat(abs, &st) != 0) {
        char eb[128];
        int e = errno;
        cov_free(child);
        rc = cov_fail(d, COV_EIO, abs, 0, 0, "cannot stat: %s", errstr(e, eb, sizeof eb));
    } else if (S_ISDIR(st.st_mode)) {
        /* takes child, even on failure */
        if (cov_strvec_push(todo, child) < 0)
            rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
    } else if (want(name) && stat(abs, &st) == 0 && S_ISREG(st.st_mode)) {
        if (cov_strvec_push(files, child) < 0)
            rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
        if (total)
            *total += (uint64_t)st.st_size;
    } else {
        cov_free(child);
    }
    cov_free(abs);
    return rc;
}

int cov_walk_tree(const char *dir, int (*want)(const char *name), cov_strvec *files,
                  uint64_t *total, cov_diag *d)
{
    cov_strvec todo = {0};
    int rc = cov_strvec_push(&todo, cov_strndup("", 0)) < 0
                 ? cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory")
                 : COV_OK;
    while (!rc && todo.n) {
        char *rel = todo.v[--todo.n];
        char *abs = cov_path_join(dir, rel);
        DIR *dh = abs ? opendir(abs) : NULL;
        char eb[128];
        if (!abs)
            rc = cov_fail(d, COV_ENOMEM, dir, 0, 0, "out of memory");
        else if (!dh)
            rc = cov_fail(d, COV_EIO, abs, 0, 0, "cannot open directory: %s",
                          errstr(errno, eb, sizeof eb));
        for (struct dirent *de; !rc && dh && (errno = 0, de = readdir(dh));)
            if (de->d_name[0] != '.')
                rc = walk_entry(dir, rel, de->d_name, want, &todo, files, total, d);
        if (!rc && dh && errno)
            rc = cov_fail(d, COV_EIO, abs, 0, 0, "cannot read directory: %s",
                          errstr(errno, eb, sizeof eb));
        if (dh)
            closedir(dh);
        cov_free(abs);
        cov_free(rel);
    }
    cov_strvec_free(&todo);
    return rc;
}
