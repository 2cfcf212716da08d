/* The floor the tt-forge-models scan is measured against: the same
 * directory walk (bench/floor_walk.c) reading each file whose name ends in
 * SUFFIX whole into memory, doing nothing with it. usage: read_floor DIR
 * SUFFIX (SUFFIX "loader.py": the files the scan reads; ".py": every Python
 * file). */
#include "floor_walk.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: read_floor DIR SUFFIX\n", stderr);
        return 2;
    }
    floor_count n = {0, 0};
    int rc = floor_walk(argv[1], argv[2], &n);
    printf("%lu files, %lu bytes\n", n.files, n.bytes);
    return rc;
}
