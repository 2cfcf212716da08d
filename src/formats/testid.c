#include "formats/testid.h"

#include <string.h>

static const cov_span NONE = {0, 0};

/* Does s[0..*end) end with "-tok" (or equal tok when it is all that is left
 * and whole is set)? On a match, sets *piece and moves *end before the '-'. */
static int take(const char *s, uint32_t start, uint32_t *end, const char *tok,
                cov_span *piece)
{
    size_t n = strlen(tok);
    uint32_t e = *end;
    if (e - start < n + 1)
        return 0;
    if (memcmp(s + e - n, tok, n) != 0 || s[e - n - 1] != '-')
        return 0;
    *piece = (cov_span){(uint32_t)(e - n), (uint32_t)n};
    *end = (uint32_t)(e - n - 1);
    return 1;
}

/* Like take() for any of a list of tokens. */
static int take_any(const char *s, uint32_t start, uint32_t *end, const char *const *toks,
                    cov_span *piece)
{
    for (; *toks; toks++)
        if (take(s, start, end, *toks, piece))
            return 1;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "-<prefix><digits>" at the end: seq_128, batch_4. Sets *value. */
static int take_number(const char *s, uint32_t start, uint32_t *end, const char *prefix,
                       cov_span *piece, int32_t *value)
{
    uint32_t e = *end, d = e;
    while (d > start && is_digit(s[d - 1]))
        d--;
    size_t digits = e - d, n = strlen(prefix);
    if (digits == 0 || digits > 9 || d - start < n + 1)
        return 0;
    if (memcmp(s + d - n, prefix, n) != 0 || s[d - n - 1] != '-')
        return 0;
    int32_t v = 0;
    for (uint32_t i = d; i < e; i++)
        v = v * 10 + (s[i] - '0');
    *value = v;
    *piece = (cov_span){(uint32_t)(d - n), (uint32_t)(e - d + n)};
    *end = (uint32_t)(d - n - 1);
    return 1;
}

/* "-mesh_default" or "-mesh_<R>x<C>". */
static int take_mesh(const char *s, uint32_t start, uint32_t *end, cov_span *piece)
{
    if (take(s, start, end, "mesh_default", piece))
        return 1;
    uint32_t e = *end, p = e;
    while (p > start && is_digit(s[p - 1]))
        p--;
    if (p == e || p == start || s[p - 1] != 'x')
        return 0;
    uint32_t x = p - 1;
    p = x;
    while (p > start && is_digit(s[p - 1]))
        p--;
    if (p == x || p - start < 6 || memcmp(s + p - 5, "mesh_", 5) != 0 || s[p - 6] != '-')
        return 0;
    *piece = (cov_span){p - 5, e - (p - 5)};
    *end = p - 6;
    return 1;
}

static int fail(cov_testid *out, const char *why)
{
    out->parsed = 0;
    out->error = why;
    out->model_fw = out->task_path = out->variant = out->suffix = NONE;
    out->llm_phase = out->seq = out->batch = out->strategy = NONE;
    out->parallelism = out->mesh = out->exec = out->run_mode = NONE;
    out->seq_n = out->batch_n = -1;
    return 0;
}

/* Finds the first "/jax-" or "/pytorch-"; returns the offset of '/' or -1. */
static long find_framework(const char *id, uint32_t len, cov_span *fw)
{
    for (uint32_t i = 0; i < len; i++) {
        if (id[i] != '/')
            continue;
        static const char *const names[] = {"jax", "pytorch"};
        for (int k = 0; k < 2; k++) {
            size_t n = strlen(names[k]);
            if (len - i - 1 > n && memcmp(id + i + 1, names[k], n) == 0 &&
                id[i + 1 + n] == '-') {
                *fw = (cov_span){i + 1, (uint32_t)n};
                return (long)i;
            }
        }
    }
    return -1;
}

int cov_testid_parse(const char *id, size_t len_in, cov_testid *out)
{
    memset(out, 0, sizeof *out);
    out->seq_n = out->batch_n = -1;
    if (len_in == 0 || len_in >= UINT32_MAX / 2)
        return fail(out, "empty or oversized id");
    uint32_t len = (uint32_t)len_in;
    if (memchr(id, '\0', len))
        return fail(out, "id contains a NUL byte");

    /* The family is the first path component, even for ids that fail later. */
    const char *slash = memchr(id, '/', len);
    if (slash && slash != id)
        out->family = (cov_span){0, (uint32_t)(slash - id)};

    cov_span fw;
    long at = find_framework(id, len, &fw);
    if (at < 0)
        return fail(out, "no '/jax-' or '/pytorch-' separates the path from the rest");
    uint32_t path_end = (uint32_t)at;

    /* PATH: family [/ task [/ task]] with no empty component. */
    uint32_t comps = 1, first_slash = 0;
    for (uint32_t i = 0; i < path_end; i++) {
        if (id[i] != '/')
            continue;
        if (i == 0 || id[i - 1] == '/')
            return fail(out, "empty component in the path");
        if (comps == 1)
            first_slash = i;
        comps++;
    }
    if (path_end == 0)
        return fail(out, "empty family");
    /* "a//jax-..." ends the path with an empty component the loop above
     * cannot see (the '/' before FW is not part of the path). */
    if (id[path_end - 1] == '/')
        return fail(out, "empty component in the path");
    if (comps > 3)
        return fail(out, "more than two task path components");
    out->family = (cov_span){0, comps == 1 ? path_end : first_slash};
    if (comps > 1)
        out->task_path = (cov_span){first_slash + 1, path_end - first_slash - 1};

    /* Suffix from the right; start is the '-' after FW, so every piece is
     * preceded by '-' (the one before the first piece may be that one). */
    uint32_t start = fw.off + fw.len; /* index of the '-' after FW */
    uint32_t end = len;
    static const char *const run_modes[] = {"inference", "training", 0};
    static const char *const execs[] = {"full", "op_by_op", 0};
    static const char *const parallelisms[] = {"single_device", "data_parallel",
                                               "tensor_parallel", 0};
    static const char *const strategies[] = {"megatron-no_dp", "fsdp-no_dp", "fsdp-dp",
                                             "megatron-dp", 0};
    static const char *const phases[] = {"llm_decode", "llm_prefill", 0};

    if (!take_any(id, start, &end, run_modes, &out->run_mode))
        return fail(out, "does not end in -inference or -training");
    take_any(id, start, &end, execs, &out->exec);
    take_mesh(id, start, &end, &out->mesh);
    if (!take_any(id, start, &end, parallelisms, &out->parallelism))
        return fail(
            out, "no single_device, data_parallel or tensor_parallel before the run mode");
    take_any(id, start, &end, strategies, &out->strategy);
    take_number(id, start, &end, "batch_", &out->batch, &out->batch_n);
    take_number(id, start, &end, "seq_", &out->seq, &out->seq_n);
    take_any(id, start, &end, phases, &out->llm_phase);

    out->model_fw = fw;
    out->suffix = (cov_span){end + 1, len - end - 1};
    if (end > start)
        out->variant = (cov_span){start + 1, end - start - 1};
    if (end > start && out->variant.len == 0)
        return fail(out, "empty variant");
    out->parsed = 1;
    out->error = NULL;
    return 1;
}
