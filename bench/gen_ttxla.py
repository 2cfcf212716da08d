#!/usr/bin/env python3
"""Writes a synthetic tt-xla test_config YAML of N entries with the shape of
the real files: ids of both formats (older "-full-inference" and current),
LLM ids with phase/seq/batch/strategy/mesh, 500+ families with task paths,
statuses and bring-up states in realistic proportions, reasons (mostly
shared, some unique), markers, supported_archs and arch_overrides, and the
comparator fields the real configs carry. Deterministic for a given seed.

usage: gen_ttxla.py N OUT.yaml [--seed S] [--framework jax|torch]
                    [--distinct variants|families]

--distinct variants: every entry tests its own variant of one of the 600
families (real configs list each variant once per configuration; the default
reuses 10-80 variants per family across many configurations, which a loader
can intern away). --distinct families: every entry is its own family too
(1,000,000 entries = 1,000,000 families: cost must follow bytes, not
families).
"""
import argparse
import random
import zlib

FAMILY_STEMS = [
    "llama", "qwen", "gemma", "mistral", "phi", "falcon", "gpt", "bert", "roberta", "t5",
    "bart", "opt", "bloom", "mamba", "clip", "vit", "resnet", "efficientnet", "yolo", "detr",
    "whisper", "wav2vec", "deit", "swin", "segformer", "unet", "stable_diffusion", "glm",
    "deepseek", "olmo", "stablelm", "electra", "albert", "mobilenet", "regnet", "dino",
]
TASKS = ["causal_lm", "causal_lm", "causal_lm", "sequence_classification",
         "image_classification", "masked_lm", "question_answering", "token_classification",
         "summarization", "embedding", "object_detection", "semantic_segmentation",
         "causal_lm/moe", None, None, None]
STATUSES = (["EXPECTED_PASSING"] * 45 + ["KNOWN_FAILURE_XFAIL"] * 20 +
            ["NOT_SUPPORTED_SKIP"] * 20 + ["UNSPECIFIED"] * 5 + ["EXCLUDE_MODEL"] * 10)
BRINGUPS = ["FAILED_FE_COMPILATION", "FAILED_TTMLIR_COMPILATION", "FAILED_RUNTIME",
            "INCORRECT_RESULT", "PASSED", "UNKNOWN", "NOT_STARTED"]
REASONS = [
    "Flax model class removed in transformers 5.x",
    "Too large for single chip",
    "PCC comparison failed. Calculated: pcc=0.97. Required: pcc=0.99",
    "Out of memory: Not enough space to allocate DRAM buffer",
    "error: failed to legalize operation 'stablehlo.scatter'",
    "Hangs on device - https://github.com/tenstorrent/tt-xla/issues/1234",
]
ARCHES = ["n150", "p150", "n300", "n300-llmbox", "galaxy-wh-6u", "qb2-blackhole"]
MARKERS = [["push"], ["nightly"], ["large", "nightly"], ["extended"]]
SIZES = ["125M", "350M", "1B", "1_3B", "3B", "7B", "8B", "13B", "14B", "32B", "70B",
         "Base", "Large", "Small", "Tiny", "XL", "Instruct", "Chat"]


VERSIONS = ["", "_v1", "_v2", "_v3", "_v4", "_2407", "_2503"]


def families(rng, n=600):
    out = set()
    while len(out) < n:
        stem = rng.choice(FAMILY_STEMS)
        suffix = rng.choice(["", "_2", "_3", "_v2", "_1_5", "_2_5", "_lora", "_moe", "_vl",
                             str(rng.randint(1, 99))])
        out.add(stem + suffix)
    return sorted(out)


def suffix(rng, llm):
    if llm:
        phase = rng.choice(["llm_decode", "llm_prefill"])
        seq = 1 if phase == "llm_decode" else rng.choice([128, 1024, 2048, 4096, 8192])
        batch = rng.choice([1, 4, 8])
        par = rng.choice(["single_device", "tensor_parallel"])
        strategy = rng.choice(["megatron-no_dp", "fsdp-no_dp", "fsdp-dp", "megatron-dp"]) \
            if par == "tensor_parallel" and rng.random() < 0.5 else None
        mesh = rng.choice(["mesh_default", "mesh_2x4", "mesh_4x8", "mesh_1x8"])
        mode = rng.choice(["inference", "inference", "training"])
        parts = [phase, f"seq_{seq}", f"batch_{batch}"]
        if strategy:
            parts.append(strategy)
        parts += [par, mesh, mode]
        return "-".join(parts)
    par = rng.choice(["single_device"] * 6 + ["data_parallel"] * 2 + ["tensor_parallel"])
    mode = rng.choice(["inference"] * 4 + ["training"])
    if rng.random() < 0.35:  # the older format
        return f"{par}-full-{mode}"
    return f"{par}-{mode}"


def base36(n):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, d = divmod(n, 36)
        out = digits[d] + out
        if n == 0:
            return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--framework", default="torch")
    ap.add_argument("--distinct", choices=["variants", "families"])
    a = ap.parse_args()
    rng = random.Random(a.seed)
    fams = families(rng)
    # Each family tests a fixed set of 10 to 80 variants, as real ones do; a
    # million distinct ids come from their many configurations.
    variants = {}
    for fam in fams:
        pool = [size + kind + version for size in SIZES
                for kind in ("", "_Instruct", "_Chat", "-hf") for version in VERSIONS]
        variants[fam] = rng.sample(pool, rng.randint(10, 80))
    fw = "jax" if a.framework == "jax" else "pytorch"
    seen = set()
    with open(a.out, "w") as f:
        f.write("# Synthetic tt-xla test configuration written by covengine's bench/gen_ttxla.py\n")
        f.write(f"# {a.n} entries, seed {a.seed}. Not real data.\n\ntest_config:\n")
        written = 0
        while written < a.n:
            fam = rng.choice(fams)
            if a.distinct == "families":  # a base-36 serial keeps names short
                fam = f"{fam}_{base36(written)}"
            task = TASKS[zlib.crc32(fam.encode()) % len(TASKS)] if rng.random() < 0.9 else rng.choice(TASKS)
            path = fam + ("/" + task if task else "")
            variant = rng.choice(variants[rng.choice(fams)] if a.distinct == "families" else variants[fam])
            if a.distinct == "variants":
                variant = f"{variant}_{base36(written)}"
            llm = task in ("causal_lm", "causal_lm/moe") and rng.random() < 0.6
            tid = f"{path}/{fw}-{variant}-{suffix(rng, llm)}"
            if a.distinct is None:  # distinct modes are unique by construction
                if tid in seen:
                    continue
                seen.add(tid)
            written += 1
            status = rng.choice(STATUSES)
            lines = [f"  {tid}:"]
            if status != "UNSPECIFIED" or rng.random() < 0.5:
                lines.append(f"    status: {status}")
            if status != "EXPECTED_PASSING":
                reason = rng.choice(REASONS) if rng.random() < 0.8 else \
                    f"Issue https://github.com/tenstorrent/tt-xla/issues/{rng.randint(1, 9999)}"
                lines.append(f'    reason: "{reason}"')
                if rng.random() < 0.7:
                    lines.append(f"    bringup_status: {rng.choice(BRINGUPS)}")
            if rng.random() < 0.15:
                lines.append(f"    required_pcc: {rng.choice([0.95, 0.97, 0.98, 0.99])}")
            if rng.random() < 0.1:
                lines.append(f"    markers: [{', '.join(rng.choice(MARKERS))}]")
            if rng.random() < 0.1:
                archs = rng.sample(ARCHES, 2)
                lines.append(f'    supported_archs: ["{archs[0]}", "{archs[1]}"]')
            if rng.random() < 0.06:
                arch = rng.choice(ARCHES)
                lines.append("    arch_overrides:")
                lines.append(f"      {arch}:")
                lines.append(f"        status: {rng.choice(STATUSES[:-10])}")
                lines.append(f'        reason: "{rng.choice(REASONS)}"')
            f.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
