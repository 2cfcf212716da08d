/* The test-id parser on arbitrary bytes. Invariants: every span lies inside
 * the input; a parsed id is exactly family ["/" task] "/" fw "-" [variant "-"]
 * suffix, with every suffix piece inside the suffix; and the model's id
 * rebuild (ids are stored as parts, not text) gives back the input byte for
 * byte, parsed or not. */
#include "fuzz.h"

#include "formats/testid.h"
#include "model/model.h"

static void check_span(cov_span s, size_t len, const char *what)
{
    FUZZ_CHECK((uint64_t)s.off + s.len <= len, what);
}

static void check_piece(cov_span p, cov_span suffix, const char *what)
{
    if (p.len)
        FUZZ_CHECK(p.off >= suffix.off && p.off + p.len <= suffix.off + suffix.len, what);
}

static int span_eq(const char *id, cov_span s, const char *text)
{
    size_t n = strlen(text);
    return s.len == n && memcmp(id + s.off, text, n) == 0;
}

static void check_parsed(const char *id, size_t len, const cov_testid *t)
{
    FUZZ_CHECK(t->error == NULL, "parsed id has an error");
    FUZZ_CHECK(t->family.len > 0 && t->family.off == 0, "family");
    FUZZ_CHECK(span_eq(id, t->model_fw, "jax") || span_eq(id, t->model_fw, "pytorch"),
               "model framework");
    FUZZ_CHECK(t->run_mode.len > 0 && t->parallelism.len > 0, "run mode and parallelism");
    /* Rebuild the id from its parts. */
    char *re = malloc(len + 8);
    FUZZ_CHECK(re != NULL, "malloc");
    size_t n = 0;
#define PUT(p, l) (memcpy(re + n, (p), (l)), n += (l))
    PUT(id + t->family.off, t->family.len);
    if (t->task_path.len) {
        PUT("/", 1);
        PUT(id + t->task_path.off, t->task_path.len);
    }
    PUT("/", 1);
    PUT(id + t->model_fw.off, t->model_fw.len);
    PUT("-", 1);
    if (t->variant.len) {
        PUT(id + t->variant.off, t->variant.len);
        PUT("-", 1);
    }
    FUZZ_CHECK(n + t->suffix.len == len, "rebuilt length");
    PUT(id + t->suffix.off, t->suffix.len);
#undef PUT
    FUZZ_CHECK(memcmp(re, id, len) == 0, "rebuilt id differs");
    free(re);
    const cov_span pieces[] = {t->llm_phase,   t->seq,  t->batch, t->strategy,
                               t->parallelism, t->mesh, t->exec,  t->run_mode};
    for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++)
        check_piece(pieces[i], t->suffix, "suffix piece outside the suffix");
    FUZZ_CHECK(t->seq.len ? t->seq_n >= 0 : t->seq_n == -1, "seq value");
    FUZZ_CHECK(t->batch.len ? t->batch_n >= 0 : t->batch_n == -1, "batch value");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *id = (const char *)data;
    cov_testid t;
    int parsed = cov_testid_parse(id, size, &t);
    FUZZ_CHECK(parsed == t.parsed && (parsed == 0 || parsed == 1), "return value");
    const cov_span spans[] = {
        t.family, t.task_path, t.model_fw,    t.variant, t.suffix, t.llm_phase, t.seq,
        t.batch,  t.strategy,  t.parallelism, t.mesh,    t.exec,   t.run_mode};
    for (size_t i = 0; i < sizeof spans / sizeof *spans; i++)
        check_span(spans[i], size, "span outside the input");
    if (parsed)
        check_parsed(id, size, &t);
    else
        FUZZ_CHECK(t.error != NULL, "unparsed id without a reason");

    /* The model stores ids as parts; rebuilding must give the input back. */
    cov_model m;
    if (cov_model_init(&m) != COV_OK)
        return 0;
    cov_test test;
    memset(&test, 0, sizeof test);
    if (cov_model_set_id(&m, &test, id, size) == COV_OK) {
        FUZZ_CHECK(test.parsed == parsed, "model parse differs");
        char *re = malloc(size + 1);
        FUZZ_CHECK(re != NULL, "malloc");
        size_t n = cov_model_test_id(&m, &test, re, size + 1);
        FUZZ_CHECK(n == size && memcmp(re, id, size) == 0, "model id rebuild differs");
        free(re);
        if (parsed) {
            const cov_suffix *sx = cov_model_suffix(&m, test.suffix);
            FUZZ_CHECK(sx->seq == t.seq_n && sx->batch == t.batch_n, "suffix numbers");
        }
    }
    cov_model_free(&m);
    return 0;
}
