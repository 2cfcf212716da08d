/* The floor the tt-forge-models scan is measured against: the same
 * directory walk (hidden directories and __pycache__ skipped, symbolic links
 * to directories not followed) reading each file whose name ends in SUFFIX
 * whole into memory, doing nothing with it. usage: read_floor DIR SUFFIX
 * (SUFFIX "loader.py": the files the scan reads; ".py": every Python file). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long files, bytes;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int walk(const char *dir, const char *suffix)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        perror(dir);
        return 2;
    }
    for (struct dirent *de; (de = readdir(dh));) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "__pycache__") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (walk(path, suffix))
                return 2;
        } else if (ends_with(de->d_name, suffix) && S_ISREG(st.st_mode)) {
            FILE *f = fopen(path, "rb");
            char *buf = f ? malloc((size_t)st.st_size + 1) : NULL;
            size_t got = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
            if (!f || !buf || got != (size_t)st.st_size) {
                fprintf(stderr, "%s: cannot read\n", path);
                return 2;
            }
            buf[got] = '\0';
            files++;
            bytes += got;
            free(buf);
            fclose(f);
        }
    }
    closedir(dh);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: read_floor DIR SUFFIX\n", stderr);
        return 2;
    }
    int rc = walk(argv[1], argv[2]);
    printf("%lu files, %lu bytes\n", files, bytes);
    return rc;
}
