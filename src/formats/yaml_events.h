/* A pull-style YAML event source over libyaml's event API, for loaders that
 * stream: no document tree is built. It adds what libyaml lacks:
 *  - anchors are recorded (only while one is open) and replayed on alias,
 *    so a consumer sees aliased nodes as if written out;
 *  - limits (nesting depth, anchors, aliases, alias expansion, scalar size);
 *  - only the core YAML tags are accepted;
 *  - errors become cov_error with 1-based positions, including reader
 *    errors, for which libyaml gives only a byte offset.
 * A source reads one document; a second one is an error. Nothing here is
 * global, so sources in different threads are independent. libyaml runs on
 * the caller's thread or, for large inputs, on a helper thread (yaml_pipe.h);
 * the events, and everything decided from them, are the same either way. */
#ifndef COV_YAML_EVENTS_H
#define COV_YAML_EVENTS_H

#include "base/diag.h"
#include "base/map.h"

#include "formats/yaml_pipe.h"

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

enum {
    COV_YEV_END, /* end of the document, or an empty stream */
    COV_YEV_SCALAR,
    COV_YEV_SEQ, /* sequence start */
    COV_YEV_SEQ_END,
    COV_YEV_MAP, /* mapping start */
    COV_YEV_MAP_END,
    COV_YEV_ALIAS /* only when not expanding (see cov_yev_next) */
};

typedef struct cov_yev {
    int type;
    int plain;        /* SCALAR: plain style without a tag (YAML typing applies) */
    const char *text; /* SCALAR value or ALIAS name; valid until the next call */
    size_t len;
    uint32_t line, column; /* 1-based start of the node (of its anchor or tag) */
} cov_yev;

/* Internal records; see yaml_events.c. */
struct cov_yev_rec;
struct cov_yev_anchor;
struct cov_yev_open;
struct cov_yev_replay;

/* A blob's events as a loader read them, kept to be read again: the
 * history (load_history.h) parses each distinct blob once and replays its
 * tape into every revision that has it. A loader reads the same events
 * from the same text every time (it is deterministic), so the tape holds
 * exactly the calls the first load made, alias expansion included, and
 * the error that ended them, if any; a replay answers those calls in order
 * and ignores `expand`. */
typedef struct cov_yev_tape_ev {
    uint32_t off, len; /* of the text in the tape's bytes (a tape over 4 GiB
                          is not kept: the blob is parsed again) */
    uint32_t line, column;
    uint8_t type, plain;
} cov_yev_tape_ev;

typedef struct cov_yev_tape {
    cov_yev_tape_ev *ev;
    size_t n, cap;
    char *text;
    size_t n_text, cap_text;
    int recorded; /* a load read it to its end (or its error) */
    int broken;   /* recording ran out of memory: parse the blob again */
    int err_code; /* the error the events ended with, COV_OK for none */
    int err_line, err_column;
    char *err_message; /* owned */
} cov_yev_tape;

/* Frees what t owns and zeroes it. */
void cov_yev_tape_free(cov_yev_tape *t);

/* The size an event counts for in max_alias_bytes, besides its text: about
 * what a loader keeps per node, so a bomb of empty scalars is bounded too. */
#define COV_YEV_EVENT_BYTES 16

typedef struct cov_yev_src {
    yaml_parser_t parser; /* unless reading from a pipe */
    yaml_event_t event;
    int have_parser, have_event, ended, documents, err;
    cov_yreader reader;
    const char *file; /* for messages (and rereading a file); not copied */
    cov_diag *d;
    cov_limits lim;
    int fd;          /* input descriptor, or -1 */
    const char *buf; /* else an input buffer, or NULL (then file is reread) */
    size_t buf_len;
    uint32_t depth;
    /* Recording: events of open anchors, and the text they point to. */
    struct cov_yev_rec *tape;
    size_t n_tape, cap_tape;
    char *bytes;
    size_t n_bytes, cap_bytes;
    uint64_t weight;       /* events the tape expands to, aliases included */
    uint64_t weight_bytes; /* and their size (COV_YEV_EVENT_BYTES each + text) */
    struct cov_yev_anchor *anchors;
    uint32_t n_anchors, cap_anchors;
    cov_index anchor_ix; /* hash of an anchor's name -> its index */
    struct cov_yev_open *open;
    uint32_t n_open, cap_open;
    /* Replaying: one frame per alias being expanded. */
    struct cov_yev_replay *rep;
    uint32_t n_rep, cap_rep;
    uint64_t expanded, expanded_bytes; /* events and bytes aliases replayed */
    uint32_t n_aliases;
    /* A scalar too long to be a key, copied while the event after it is
     * read ahead into peek (hold_long_scalar). */
    char *held;
    size_t cap_held;
    cov_yraw peek;
    int peeked;
    uint32_t long_line, long_column; /* the last scalar held as a possible long key */
    cov_ypipe *pipe;                 /* not owned; NULL: libyaml runs on this thread */
    cov_yev_tape *rec;               /* not owned; NULL: not recording */
    const cov_yev_tape *play;        /* not owned; NULL: not replaying */
    size_t play_at;
    cov_load_progress *progress; /* cov_diag_progress(d): NULL, none */
} cov_yev_src;

/* Reads from fd, which the caller opened and closes after cov_yev_free;
 * file names it in messages (not copied: it must outlive the source). lim
 * NULL means no limits. Returns 0 or COV_ENOMEM (d filled). */
int cov_yev_init_fd(cov_yev_src *s, int fd, const char *file, const cov_limits *lim,
                    cov_diag *d);
/* The same over buf[0..len), which must outlive the source. */
int cov_yev_init_buffer(cov_yev_src *s, const char *buf, size_t len, const char *file,
                        const cov_limits *lim, cov_diag *d);
/* Reads the events of the current job of q (whose head the caller has
 * taken with cov_ypipe_begin); job says where to reread the input for the
 * position of a reader error. q is not owned. Cannot fail. */
void cov_yev_init_pipe(cov_yev_src *s, cov_ypipe *q, const cov_ypipe_job *job,
                       const char *file, const cov_limits *lim, cov_diag *d);
/* Records the events buf gives (as cov_yev_init_buffer) into *tape,
 * which must be empty and outlive the source. */
int cov_yev_init_record(cov_yev_src *s, cov_yev_tape *tape, const char *buf, size_t len,
                        const char *file, const cov_limits *lim, cov_diag *d);
/* Replays a recorded tape; its error, if any, is reported at file (the
 * name of this read, not the one recorded). Cannot fail. */
void cov_yev_init_play(cov_yev_src *s, const cov_yev_tape *tape, const char *file,
                       const cov_limits *lim, cov_diag *d);
/* Releases everything the source owns (not fd, buf or a pipe). */
void cov_yev_free(cov_yev_src *s);

/* The next event into *ev. expand != 0 replays aliases; expand == 0 returns
 * them as COV_YEV_ALIAS (for skipping). Returns 0 or a COV_E* code with d
 * filled; errors are sticky. */
int cov_yev_next(cov_yev_src *s, cov_yev *ev, int expand);

/* Consumes the rest of the node that starts with *start (already read),
 * without expanding aliases. Anchors in it are still recorded. */
int cov_yev_skip(cov_yev_src *s, const cov_yev *start);

/* 1 if ev is a plain null scalar: empty, ~, null, Null, NULL. */
int cov_yev_is_null(const cov_yev *ev);

#endif
