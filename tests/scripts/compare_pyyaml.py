#!/usr/bin/env python3
"""Checks `covengine --dump` against an independent reading of the same tt-xla
tree with PyYAML: every entry of every file, every field, its line and column,
and the parts of its id (parsed here with a regular expression written from
docs/design.md 3.2, independently of the C parser).

usage: compare_pyyaml.py COVENGINE TREE [--tests N] [--files N] [--placeholders N]
Exit 0 when everything matches, 1 with a list of differences, 77 to skip.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("skip: python3-yaml is not installed")
    sys.exit(77)

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SUFFIX = re.compile(
    r"^(?:(?P<llm_phase>llm_decode|llm_prefill)-)?"
    r"(?:seq_(?P<seq>\d+)-)?"
    r"(?:batch_(?P<batch>\d+)-)?"
    r"(?:(?P<strategy>megatron-no_dp|fsdp-no_dp|fsdp-dp|megatron-dp)-)?"
    r"(?P<parallelism>single_device|data_parallel|tensor_parallel)"
    r"(?:-(?P<mesh>mesh_default|mesh_\d+x\d+))?"
    r"(?:-(?P<exec>full|op_by_op))?"
    r"-(?P<run_mode>inference|training)$")


def parse_id(test_id):
    m = re.search(r"/(jax|pytorch)-", test_id)
    if not m:
        return None
    path = test_id[:m.start()].split("/")
    rest = test_id[m.end():]
    # The variant is the shortest prefix whose remainder is a valid suffix;
    # the suffix regex is anchored, so try every '-' split from the left.
    candidates = [(None, rest)] + [(rest[:i], rest[i + 1:])
                                   for i, c in enumerate(rest) if c == "-"]
    for variant, suffix in candidates:
        s = SUFFIX.match(suffix)
        if s and (variant is None or variant):
            d = s.groupdict()
            return {
                "family": path[0], "task_path": path[1:], "model_framework": m.group(1),
                "variant": variant, "llm_phase": d["llm_phase"],
                "seq": int(d["seq"]) if d["seq"] else None,
                "batch": int(d["batch"]) if d["batch"] else None,
                "strategy": d["strategy"], "parallelism": d["parallelism"],
                "mesh": d["mesh"], "exec": d["exec"], "run_mode": d["run_mode"],
            }
    return None


FIELDS = ("status", "bringup_status", "reason", "markers", "supported_archs")


def expected_fields(entry, is_override):
    entry = dict(entry or {})
    out = {}
    status = entry.pop("status", None)
    bringup = entry.pop("bringup_status", None)
    out["status"] = status.upper() if status else (None if is_override else "UNSPECIFIED")
    out["bringup_status"] = bringup.upper() if bringup else None
    out["reason"] = entry.pop("reason", None)
    for key in ("markers", "supported_archs"):
        if key in entry:
            out[key] = entry.pop(key)
        elif not is_override:
            out[key] = []
    overrides = entry.pop("arch_overrides", None) if not is_override else None
    out["extra"] = entry
    return out, overrides


def got_fields(obj, is_override):
    out = {k: obj.get(k) for k in ("status", "bringup_status", "reason")}
    for key in ("markers", "supported_archs"):
        if key in obj or not is_override:
            out[key] = obj.get(key, [])
    out["extra"] = obj.get("extra", {})
    return out


def key_positions(path):
    """(line, column) of each key under test_config and PLACEHOLDER_MODELS."""
    with open(path, "rb") as f:
        root = yaml.compose(f, Loader=Loader)
    pos = {"test_config": {}, "PLACEHOLDER_MODELS": {}}
    if root is None:
        return pos
    for k, v in root.value:
        if k.value in pos and isinstance(v, yaml.MappingNode):
            for kk, _ in v.value:
                pos[k.value][kk.value] = (kk.start_mark.line + 1, kk.start_mark.column + 1)
    return pos


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("covengine")
    ap.add_argument("tree")
    ap.add_argument("--tests", type=int)
    ap.add_argument("--files", type=int)
    ap.add_argument("--placeholders", type=int)
    a = ap.parse_args()
    if not os.path.isdir(a.tree):
        print(f"skip: {a.tree} is absent (third-party data in ../shared/data)")
        return 77

    wrapper = os.environ.get("COVENGINE_WRAPPER", "").split()
    dump = json.loads(subprocess.run(wrapper + [a.covengine, "--tt-xla", a.tree, "--dump", "-q"],
                                     check=True, capture_output=True).stdout)
    problems = []
    by_file = {}
    for t in dump["tests"]:
        by_file.setdefault(t["file"], []).append(t)
    ph_by_file = {}
    for p in dump["placeholders"]:
        ph_by_file.setdefault(p["file"], []).append(p)

    files = sorted(glob.glob(os.path.join(a.tree, "**", "test_config_*.yaml"), recursive=True))
    n_tests = n_placeholders = n_config_files = 0

    def framework_of(path):
        fw = os.path.basename(os.path.dirname(path))
        return fw if fw in ("jax", "torch", "torch_llm") else "torch"

    def shown_of(path):
        return a.tree.rstrip("/") + "/" + os.path.relpath(path, a.tree)

    # tt-xla merges each framework's files in sorted order, a later file's
    # entry replacing an earlier one's: the dump keeps the last entry of an
    # id and lists each replaced one under "duplicates".
    last = {}
    for path in files:
        with open(path, "rb") as f:
            doc = yaml.load(f, Loader=Loader) or {}
        for test_id in doc.get("test_config") or {}:
            last[(framework_of(path), test_id)] = shown_of(path)
    replaced = {(d["framework"], d["id"], d["replaced_file"], d["replaced_line"]): d
                for d in dump.get("duplicates", [])}
    n_replaced = 0
    for path in files:
        shown = shown_of(path)
        with open(path, "rb") as f:
            doc = yaml.load(f, Loader=Loader) or {}
        pos = key_positions(path)
        tests = doc.get("test_config") or {}
        placeholders = doc.get("PLACEHOLDER_MODELS") or {}
        n_config_files += 1 if "test_config" in doc else 0
        n_tests += len(tests)
        n_placeholders += len(placeholders)
        framework = framework_of(path)
        got = {t["id"]: t for t in by_file.get(shown, [])}
        if len(got) != len(by_file.get(shown, [])):
            problems.append(f"{shown}: an id appears twice in the dump")
        kept = {i for i in tests if last[(framework, i)] == shown}
        for i in set(tests) - kept:
            n_replaced += 1
            line = pos["test_config"][i][0]
            d = replaced.get((framework, i, shown, line))
            if d is None or d["file"] != last[(framework, i)]:
                problems.append(f"{shown}:{line}: {i} is replaced by the entry in "
                                f"{last[(framework, i)]}, but the dump's duplicates say {d}")
        if set(got) != kept:
            problems.append(f"{shown}: ids differ: missing {sorted(kept - set(got))[:5]}, "
                            f"extra {sorted(set(got) - kept)[:5]}")
        for test_id, entry in tests.items():
            t = got.get(test_id)
            if t is None:
                continue
            want, overrides = expected_fields(entry, False)
            have = got_fields(t, False)
            if want != have:
                problems.append(f"{shown}: {test_id}: fields {have} != {want}")
            want_ov = {arch: expected_fields(v, True)[0] for arch, v in (overrides or {}).items()}
            have_ov = {arch: got_fields(v, True) for arch, v in t["arch_overrides"].items()}
            if want_ov != have_ov:
                problems.append(f"{shown}: {test_id}: arch_overrides {have_ov} != {want_ov}")
            if (t["line"], t["column"]) != pos["test_config"][test_id]:
                problems.append(f"{shown}: {test_id}: at {t['line']}:{t['column']}, "
                                f"PyYAML says {pos['test_config'][test_id]}")
            if t["framework"] != framework:
                problems.append(f"{shown}: {test_id}: framework {t['framework']}")
            parts = parse_id(test_id)
            if parts is None or not t["parsed"]:
                problems.append(f"{shown}: {test_id}: parsed={t['parsed']}, regex={parts}")
                continue
            for k, v in parts.items():
                if t[k] != v:
                    problems.append(f"{shown}: {test_id}: {k} is {t[k]!r}, regex says {v!r}")
        ph_got = {p["name"]: p for p in ph_by_file.get(shown, [])}
        if set(ph_got) != set(placeholders):
            problems.append(f"{shown}: placeholder names differ")
        for name, entry in placeholders.items():
            p = ph_got.get(name)
            want = ((entry or {}).get("bringup_status") or "").upper() or None
            if p and p["bringup_status"] != want:
                problems.append(f"{shown}: placeholder {name}: {p['bringup_status']} != {want}")

    if len(dump["tests"]) != n_tests - n_replaced:
        problems.append(f"dump has {len(dump['tests'])} tests, PyYAML {n_tests - n_replaced} "
                        f"distinct ones")
    if len(dump.get("duplicates", [])) != n_replaced:
        problems.append(f"dump lists {len(dump.get('duplicates', []))} replaced entries, "
                        f"PyYAML {n_replaced}")
    if len(dump["placeholders"]) != n_placeholders:
        problems.append(f"dump has {len(dump['placeholders'])} placeholders, PyYAML {n_placeholders}")
    for name, want, have in (("tests", a.tests, n_tests), ("files", a.files, n_config_files),
                             ("placeholders", a.placeholders, n_placeholders)):
        if want is not None and want != have:
            problems.append(f"expected {want} {name}, the tree has {have}")
    for p in problems[:40]:
        print(p)
    if problems:
        print(f"{len(problems)} differences")
        return 1
    print(f"ok: {n_tests} entries ({n_tests - n_replaced} distinct tests) in {n_config_files} "
          f"files and {n_placeholders} placeholders match PyYAML, every id parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
