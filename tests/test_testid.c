/* The test-id grammar of docs/design.md 3.2, case by case. */
#include "formats/testid.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

/* The text of a span, or "" when absent (static buffer per slot). */
static const char *piece(const char *id, cov_span s, int slot)
{
    static char buf[8][256];
    snprintf(buf[slot], sizeof buf[slot], "%.*s", (int)s.len, id + s.off);
    return buf[slot];
}

typedef struct expect {
    const char *id;
    const char *family, *task, *fw, *variant, *phase, *strategy, *par, *mesh, *exec, *mode;
    int seq, batch;
} expect;

static void check_one(const expect *e)
{
    cov_testid p;
    int ok = cov_testid_parse(e->id, strlen(e->id), &p);
    if (!CHECK(ok)) {
        fprintf(stderr, "  id %s: %s\n", e->id, p.error);
        return;
    }
    CHECK_STR(piece(e->id, p.family, 0), e->family);
    CHECK_STR(piece(e->id, p.task_path, 1), e->task);
    CHECK_STR(piece(e->id, p.model_fw, 2), e->fw);
    CHECK_STR(piece(e->id, p.variant, 3), e->variant);
    CHECK_STR(piece(e->id, p.llm_phase, 4), e->phase);
    CHECK_STR(piece(e->id, p.strategy, 5), e->strategy);
    CHECK_STR(piece(e->id, p.parallelism, 6), e->par);
    CHECK_STR(piece(e->id, p.mesh, 7), e->mesh);
    CHECK_STR(piece(e->id, p.exec, 0), e->exec);
    CHECK_STR(piece(e->id, p.run_mode, 1), e->mode);
    CHECK_INT(p.seq_n, e->seq);
    CHECK_INT(p.batch_n, e->batch);
}

static void test_old_format(void)
{
    static const expect cases[] = {
        {"gpt_neo/causal_lm/pytorch-gpt_neo_125M-single_device-full-inference", "gpt_neo",
         "causal_lm", "pytorch", "gpt_neo_125M", "", "", "single_device", "", "full",
         "inference", -1, -1},
        {"hardnet/pytorch-single_device-full-inference", "hardnet", "", "pytorch", "", "",
         "", "single_device", "", "full", "inference", -1, -1},
        {"alexnet/image_classification/jax-custom_1x2-tensor_parallel-full-inference",
         "alexnet", "image_classification", "jax", "custom_1x2", "", "", "tensor_parallel",
         "", "full", "inference", -1, -1},
        {"mistral/pixtral/pytorch-single_device-full-inference", "mistral", "pixtral",
         "pytorch", "", "", "", "single_device", "", "full", "inference", -1, -1},
        {"x/jax-v-single_device-op_by_op-training", "x", "", "jax", "v", "", "",
         "single_device", "", "op_by_op", "training", -1, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_one(&cases[i]);
}

static void test_variants_with_dashes_and_slashes(void)
{
    static const expect cases[] = {
        {"clip/pytorch-openai/clip-vit-base-patch32-single_device-full-inference", "clip",
         "", "pytorch", "openai/clip-vit-base-patch32", "", "", "single_device", "", "full",
         "inference", -1, -1},
        {"glm/causal_lm/moe/pytorch-GLM-4.7-Flash-tensor_parallel-inference", "glm",
         "causal_lm/moe", "pytorch", "GLM-4.7-Flash", "", "", "tensor_parallel", "", "",
         "inference", -1, -1},
        {"mamba/pytorch-mamba-2.8b-hf-single_device-inference", "mamba", "", "pytorch",
         "mamba-2.8b-hf", "", "", "single_device", "", "", "inference", -1, -1},
        /* A variant that itself looks like a framework marker stays a variant. */
        {"a/b/jax-x/pytorch-y-data_parallel-inference", "a", "b", "jax", "x/pytorch-y", "",
         "", "data_parallel", "", "", "inference", -1, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_one(&cases[i]);
}

static void test_llm_ids(void)
{
    static const expect cases[] = {
        {"llama/causal_lm/"
         "pytorch-3.1_8B_Instruct-llm_prefill-seq_128-batch_1-megatron-no_dp-"
         "tensor_parallel-mesh_2x4-inference",
         "llama", "causal_lm", "pytorch", "3.1_8B_Instruct", "llm_prefill",
         "megatron-no_dp", "tensor_parallel", "mesh_2x4", "", "inference", 128, 1},
        {"qwen_3/causal_lm/"
         "pytorch-32B-llm_decode-seq_1-batch_1-tensor_parallel-mesh_default-"
         "inference",
         "qwen_3", "causal_lm", "pytorch", "32B", "llm_decode", "", "tensor_parallel",
         "mesh_default", "", "inference", 1, 1},
        {"llama/causal_lm/"
         "pytorch-3.2_1B-llm_prefill-seq_8192-batch_4-fsdp-dp-tensor_parallel-"
         "mesh_4x8-inference",
         "llama", "causal_lm", "pytorch", "3.2_1B", "llm_prefill", "fsdp-dp",
         "tensor_parallel", "mesh_4x8", "", "inference", 8192, 4},
        {"gemma/"
         "pytorch-2_27B_IT-llm_decode-seq_1-batch_1-tensor_parallel-mesh_default-inference",
         "gemma", "", "pytorch", "2_27B_IT", "llm_decode", "", "tensor_parallel",
         "mesh_default", "", "inference", 1, 1},
        {"m/pytorch-v-seq_64-single_device-training", "m", "", "pytorch", "v", "", "",
         "single_device", "", "", "training", 64, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_one(&cases[i]);
}

static void test_rejects(void)
{
    static const char *const bad[] = {
        "",
        "no_framework_marker-single_device-inference",
        "x/torch-v-single_device-inference", /* FW is jax or pytorch */
        "x/jax-v-single_device",             /* no run mode */
        "x/jax-v-inference",                 /* no parallelism */
        "x/jax-single_device-inferencex",
        "/jax-v-single_device-inference",        /* empty family */
        "a//b/jax-v-single_device-inference",    /* empty component */
        "a/b/c/d/jax-v-single_device-inference", /* three task components */
        "x/jax--single_device-inference",        /* empty variant */
        "x/jax-v-mesh_2x-single_device-inference-",
        "a//jax-v-single_device-inference",       /* found by fuzzing: */
        "a/b//pytorch-v-single_device-inference", /* an empty last component */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cov_testid p;
        int ok = cov_testid_parse(bad[i], strlen(bad[i]), &p);
        if (!CHECK(!ok))
            fprintf(stderr, "  accepted: \"%s\"\n", bad[i]);
        else
            CHECK(p.error != NULL && p.error[0] != '\0');
    }
}

static void test_unparsed_keeps_family(void)
{
    const char *id = "resnet/pytorch50-single_device-inference";
    cov_testid p;
    CHECK(!cov_testid_parse(id, strlen(id), &p));
    CHECK_STR(piece(id, p.family, 0), "resnet");
    CHECK_STR(p.error, "no '/jax-' or '/pytorch-' separates the path from the rest");
}

static void test_suffix_span_rebuilds_id(void)
{
    /* family/task/fw-variant-suffix is exactly the id: the model relies on it. */
    const char *id =
        "qwen_3/causal_lm/pytorch-32B-llm_decode-seq_1-batch_1-tensor_parallel-"
        "mesh_default-inference";
    cov_testid p;
    REQUIRE(cov_testid_parse(id, strlen(id), &p));
    char buf[2048];
    snprintf(buf, sizeof buf, "%s/%s/%s-%s-%s", piece(id, p.family, 0),
             piece(id, p.task_path, 1), piece(id, p.model_fw, 2), piece(id, p.variant, 3),
             piece(id, p.suffix, 4));
    CHECK_STR(buf, id);
    CHECK_STR(piece(id, p.suffix, 4),
              "llm_decode-seq_1-batch_1-tensor_parallel-mesh_default-inference");
}

static void test_huge_numbers_are_not_numbers(void)
{
    /* seq_ with 10+ digits would overflow: it is left in the variant. */
    const char *id = "x/jax-v-seq_99999999999-single_device-inference";
    cov_testid p;
    REQUIRE(cov_testid_parse(id, strlen(id), &p));
    CHECK_INT(p.seq_n, -1);
    CHECK_STR(piece(id, p.variant, 0), "v-seq_99999999999");
}

int main(void)
{
    static const unit_case cases[] = {
        {"old format", test_old_format},
        {"variants with - and /", test_variants_with_dashes_and_slashes},
        {"llm ids", test_llm_ids},
        {"rejects", test_rejects},
        {"unparsed keeps family", test_unparsed_keeps_family},
        {"suffix span rebuilds id", test_suffix_span_rebuilds_id},
        {"huge numbers", test_huge_numbers_are_not_numbers},
        {0, 0},
    };
    return unit_run(cases);
}
