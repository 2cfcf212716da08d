/* Internal to the tt-xla loader (load_ttxla.h is its public face). The
 * loader is split by job, each file one stage of a test_config file's way
 * into the model:
 *   load_ttxla.c    the driver: public calls, one file or buffer (libyaml on
 *                   this thread or a parser thread), the top level, rollback;
 *   ttxla_walk.c    a directory tree: the test_config_*.yaml files under it;
 *   ttxla_entry.c   one entry of test_config or PLACEHOLDER_MODELS;
 *   ttxla_fields.c  the fields of an entry or an arch override, and generic
 *                   values (extra fields) built without recursion;
 *   ttxla_merge.c   which of two pairs wins: merge keys (`<<`) as PyYAML
 *                   reads them, keys seen per mapping, and a test id seen
 *                   before (in this file: an error or a merge; in an earlier
 *                   file: the later file wins and the id counts once).
 * Everything here works on one load's state, a ttx; nothing is global. It
 * does not include load_ttxla.h, so the driver and its stages form no
 * include cycle. */
#ifndef COV_TTXLA_INTERNAL_H
#define COV_TTXLA_INTERNAL_H

#include "base/diag.h"
#include "base/fsutil.h"
#include "base/map.h"
#include "base/vec.h"
#include "covengine.h"
#include "formats/yaml_events.h"
#include "formats/yaml_pipe.h"
#include "model/model.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

enum { RANK_WIN, RANK_LOSE, RANK_DUP }; /* a key against its earlier occurrence */

typedef struct mframe {
    uint32_t id;
    uint32_t seq; /* a `<<: [...]` list rather than a mapping */
} mframe;

/* One logical mapping being read: its frames start at mf[base]. */
typedef struct mapr {
    uint32_t base, root, seen_base;
} mapr;

/* Keys seen in the open mappings: (mapping root id, key symbol) -> where. */
typedef struct seen_entry {
    uint64_t key;
    uint32_t idx, pid, line;
} seen_entry;

/* A sequence or mapping of a generic value being built. */
typedef struct nframe {
    uint32_t base;    /* its first child in nodes[] */
    uint32_t replace; /* MAP: pair whose value the next value replaces */
    int map;
    mapr r;
} nframe;

/* What a set of fields belongs to, for messages. */
enum { CTX_TEST, CTX_OVERRIDE, CTX_PLACEHOLDER };
typedef struct fctx {
    int kind;
    uint32_t index; /* test or placeholder */
    cov_sym arch;
} fctx;

typedef struct ttx {
    cov_model *m;
    cov_diag *d;
    const cov_limits *lim;
    cov_yev_src *src;
    const char *path;
    uint32_t source, first_test, file_uid, next_id;
    cov_sym fw, jax_sym;
    int fw_from_ids; /* the framework comes from the first id */
    /* ids whose /jax- or /pytorch- disagrees with the file's framework */
    uint32_t n_mismatch, mismatch_line, mismatch_column;
    int mismatch_jax;
    mframe *mf;
    uint32_t n_mf, cap_mf;
    seen_entry *seen; /* a stack: a mapping's close pops the keys it added */
    uint32_t n_seen, cap_seen;
    cov_index seen_ix; /* hash of a key -> its place in seen */
    cov_node *nodes;
    uint32_t n_nodes, cap_nodes;
    nframe *nf;
    uint32_t n_nf, cap_nf;
    cov_sym *syms;
    uint32_t n_syms, cap_syms;
    uint32_t *tpid; /* per test of this file: frame id its key was read in; */
                    /* empty while every id came straight from test_config */
    uint32_t n_tpid, cap_tpid;
} ttx;

/* ---- helpers (load_ttxla.c) ---- */

/* An error or a warning at the position of *at in the file being read;
 * cov_ttx_fail_at returns code. */
int cov_ttx_fail_at(ttx *x, int code, const cov_yev *at, const char *fmt, ...)
    COV_PRINTF(4, 5);
void cov_ttx_warn_at(ttx *x, const cov_yev *at, const char *fmt, ...) COV_PRINTF(3, 4);

/* The name of what c describes ("ID" or a placeholder name) into buf. */
const char *cov_ttx_ctx_name(const ttx *x, const fctx *c, char *buf, size_t size);

/* strerror_r(e) into buf. */
const char *cov_ttx_errstr(int e, char *buf, size_t size);

static inline int clamp_int(uint32_t v)
{
    return v > INT_MAX ? INT_MAX : (int)v;
}

/* Precision for quoting a name of n bytes in a message. */
static inline int qlen(size_t n)
{
    return n > 300 ? 300 : (int)n;
}

static inline int oom_at(ttx *x, const cov_yev *at)
{
    return cov_ttx_fail_at(x, COV_ENOMEM, at, "out of memory");
}

static inline cov_sym intern_ev(ttx *x, const cov_yev *ev)
{
    return cov_model_intern(x->m, ev->text, ev->len);
}

static inline int next(ttx *x, cov_yev *ev)
{
    return cov_yev_next(x->src, ev, 1);
}

/* ---- which pair wins (ttxla_merge.c) ---- */

static inline uint64_t seen_key(uint32_t uid, uint32_t sym)
{
    return (uint64_t)uid << 32 | sym;
}

seen_entry *cov_ttx_seen_find(ttx *x, uint64_t key);
/* Adds key (not there yet) until the innermost open mapping closes. */
int cov_ttx_seen_add(ttx *x, uint64_t key, uint32_t idx, uint32_t pid, uint32_t line);
/* The winner of a key is now the pair read at pid, line. */
void cov_ttx_seen_update(ttx *x, uint64_t key, uint32_t pid, uint32_t line);

/* Starts reading the mapping whose MAP event *at was just read. */
int cov_ttx_map_open(ttx *x, mapr *r, const cov_yev *at);
/* The next key of the mapping into *k (a scalar or, for a complex key, a
 * collection start); *more = 0 at its end. */
int cov_ttx_map_key(ttx *x, mapr *r, cov_yev *k, int *more);
/* Whether the current key beats an earlier one read in frame prev:
 * RANK_WIN, RANK_LOSE or RANK_DUP. */
int cov_ttx_map_rank(const ttx *x, const mapr *r, uint32_t prev);

/* The frame the current key was read in. */
static inline uint32_t map_pid(const ttx *x)
{
    return x->mf[x->n_mf - 1].id;
}

/* Finds an earlier test of this file with the id of test i (*prev, or
 * UINT32_MAX) and how the two rank. Another file's test only warns. */
int cov_ttx_earlier_test(ttx *x, const mapr *r, uint32_t i, const cov_yev *k,
                         uint32_t *prev, int *rank);

/* ---- entries and fields (ttxla_entry.c, ttxla_fields.c) ---- */

/* The fields of the mapping whose MAP event *at was just read. */
int cov_ttx_parse_fields(ttx *x, const fctx *c, cov_fields *f, const cov_yev *at);

int cov_ttx_one_test(ttx *x, const mapr *r, const cov_yev *k);
int cov_ttx_one_placeholder(ttx *x, const mapr *r, const cov_yev *k);
/* The mapping under a top-level key ('test_config' or 'PLACEHOLDER_MODELS'):
 * `one` reads each entry; a null value holds none. */
int cov_ttx_parse_entries(ttx *x, const cov_yev *v, const char *what,
                          int (*one)(ttx *, const mapr *, const cov_yev *));

/* ---- directory trees (ttxla_walk.c) ---- */

/* The sorted full paths of the wanted files under dir (test_config_*.yaml;
 * none is COV_EINPUT), their total size and their parser jobs (*jobs freed
 * by the caller with cov_free, files with cov_strvec_free). */
int cov_ttx_list_tree(const char *dir, cov_strvec *files, cov_ypipe_job **jobs,
                      uint64_t *total, cov_diag *d);

#endif
