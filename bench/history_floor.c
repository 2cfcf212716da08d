/* The floor the history build (--history) is measured against: the
 * distinct config blobs of a history, read through libgit2 and run through
 * libyaml's event parser doing nothing with the events. The revisions and
 * their blobs are listed with the same code the history uses
 * (src/load/load_history.c), so the blob set is the same.
 *
 * usage: history_floor REPO [RANGE]
 * Prints: revisions, pairs, distinct blobs, bytes, events, and the seconds
 * of the listing, of reading the blobs and of parsing them. */
#include "base/diag.h"
#include "base/git_repo.h"
#include "load/load_history.h"

#include <stdio.h>
#include <time.h>
#include <yaml.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: history_floor REPO [RANGE]\n");
        return 2;
    }
    cov_error err;
    cov_diag d = {&err, NULL, NULL, 0};
    cov_history *h;
    double t0 = now();
    if (cov_git_hold(&d) ||
        cov_history_open(argv[1], argc > 2 ? argv[2] : NULL, 0, &h, &d)) {
        fprintf(stderr, "history_floor: %s: %s\n", err.file, err.message);
        return 2;
    }
    double t1 = now(), t_read = 0, t_parse = 0;
    size_t pairs, blobs, parsed;
    cov_history_stats(h, &pairs, &blobs, &parsed);
    unsigned long long bytes = 0, events = 0;
    for (size_t i = 0; i < blobs; i++) {
        double a = now();
        cov_git_blob *b;
        const char *data;
        size_t len;
        if (cov_git_blob_read(cov_history_repo(h), cov_history_blob(h, i), 0, "blob", &b,
                              &data, &len, &d)) {
            fprintf(stderr, "history_floor: %s\n", err.message);
            return 2;
        }
        double c = now();
        t_read += c - a;
        bytes += len;
        yaml_parser_t parser;
        yaml_parser_initialize(&parser);
        yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
        for (int done = 0; !done;) {
            yaml_event_t event;
            if (!yaml_parser_parse(&parser, &event))
                break; /* a malformed blob: the history warns; the floor stops there */
            done = event.type == YAML_STREAM_END_EVENT;
            yaml_event_delete(&event);
            events++;
        }
        yaml_parser_delete(&parser);
        cov_git_blob_release(b);
        t_parse += now() - c;
    }
    printf("%zu revisions, %zu pairs, %zu distinct blobs, %llu bytes, %llu events\n",
           cov_history_count(h), pairs, blobs, bytes, events);
    printf("listing %.3f s, reading %.3f s, parsing %.3f s\n", t1 - t0, t_read, t_parse);
    cov_history_free(h);
    cov_git_release();
    return 0;
}
