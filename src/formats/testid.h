/* The tt-xla test-id grammar (docs/design.md 3.2) as a pure function: no
 * allocation, no global state, safe on any bytes.
 *
 *   PATH '/' FW '-' [VARIANT '-'] SUFFIX          FW = jax | pytorch
 *   SUFFIX = [LLM_PHASE-][SEQ-][BATCH-][STRATEGY-]PARALLELISM[-MESH][-EXEC]-RUN_MODE
 *
 * PATH's first component is the raw family, the rest (at most two
 * components) the task path. The suffix is read from the right; what is left
 * between "FW-" and the suffix is the variant, which may contain '-' and '/'.
 */
#ifndef COV_TESTID_H
#define COV_TESTID_H

#include <stddef.h>
#include <stdint.h>

/* A piece of the id: bytes [off, off + len). Absent pieces have len 0. */
typedef struct cov_span {
    uint32_t off, len;
} cov_span;

typedef struct cov_testid {
    int parsed;        /* 1 if the whole id fits the grammar */
    const char *error; /* static text saying why not, when !parsed */
    cov_span family, task_path, model_fw, variant, suffix;
    cov_span llm_phase, seq, batch, strategy, parallelism, mesh, exec, run_mode;
    int32_t seq_n, batch_n; /* values of seq_N / batch_N, -1 when absent */
} cov_testid;

/* Parses id[0..len). Always fills *out; returns out->parsed. When the id
 * does not parse, family holds the first path component if there is one. */
int cov_testid_parse(const char *id, size_t len, cov_testid *out);

#endif
