#include "floor_walk.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *floor_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fileno(f), &st) == 0 && (buf = malloc((size_t)st.st_size + 1))) {
        *len = fread(buf, 1, (size_t)st.st_size, f);
        buf[*len] = '\0';
    }
    fclose(f);
    return buf;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int floor_walk(const char *dir, const char *suffix, floor_count *n)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        perror(dir);
        return 2;
    }
    int rc = 0;
    for (struct dirent *de; rc == 0 && (de = readdir(dh));) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "__pycache__") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            rc = floor_walk(path, suffix, n);
        } else if (S_ISREG(st.st_mode) && ends_with(de->d_name, suffix)) {
            size_t len = 0;
            char *buf = floor_slurp(path, &len);
            if (!buf) {
                fprintf(stderr, "%s: cannot read\n", path);
                rc = 2;
                continue;
            }
            n->files++;
            n->bytes += len;
            free(buf);
        }
    }
    closedir(dh);
    return rc;
}
