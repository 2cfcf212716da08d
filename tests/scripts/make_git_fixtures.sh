#!/bin/sh
# Builds the git fixture repositories the git tests read (tests/test_git.c,
# spec/git_spec.lua), with the git CLI, into OUT (created; must not exist):
#
#   OUT/forge         tt-forge-models stand-in: two commits the pins name
#   OUT/ttxla         a tt-xla work tree; main's first-parent line, oldest first:
#     c1 "Start without configs"         README only: a revision with no configs
#     c2 "Add configs"                   jax/ + torch/ configs, placeholders,
#                                        third_party/tt_forge_models -> forge@1
#     c3 "Mark gpt2 failing"             a status change
#     c4 "Rename opt test id"            an id renamed (old id removed, new added)
#     c5 "Move t5 config to jax"         a file moved between frameworks
#     c6 "Merge branch 'feature'"        a merge; its second parent is the
#                                        branch's f1 "Add a training config"
#     c7 "Uplift tt_forge_models"        only the gitlink changes (-> forge@2)
#     c8 "Break the jax config"          malformed YAML (line 4)
#     c9 "Fix the jax config"
#     Tags: v1 (annotated) at c3, start at c1. Branches: main, feature.
#   OUT/ttxla.git     a bare clone of OUT/ttxla
#   OUT/unborn.git    bare, HEAD -> refs/heads/master, only refs/heads/main
#                     (what `git clone --bare` of the shared bundle gives)
#   OUT/two.git       the same with main and feature: HEAD cannot be guessed
#   OUT/easydel       EasyDeL: e1 (2025-09-01) a copy of
#                     tests/fixtures/easydel/checkout, e2 (2025-12-01) adds
#                     a qwen2 module
#   OUT/checkout-*    git archive of some revisions, for comparisons
#   OUT/forge2        tt-forge-models with real loaders: g1 (gpt2's JAX
#                     loader on HUGGING_FACE, llama's), g2 (gpt2 on EASYDEL)
#   OUT/hist          a tt-xla for the history's blame (issue 16), oldest first:
#     h1 "Add gpt2 and llama"        pins forge2@g1
#     h2 "gpt2 fails on n150"        an arch override: a status change on one arch
#     h3 "Uplift tt_forge_models"    only the pin changes (-> g2): gpt2's
#                                    implementation moves to EasyDeL
#     h4 "Remove llama"              a test removed
#     h5 "Pin a missing commit"      a pin forge2 lacks (1111...1111)
#
# Names, e-mails and dates are fixed, so every commit id is the same on
# every run. usage: make_git_fixtures.sh OUT
set -eu
out=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir "$out"
out=$(cd "$out" && pwd)

# Nothing of the machine's git configuration may change the commits.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$out"
export GIT_AUTHOR_NAME="Ada Author" GIT_AUTHOR_EMAIL="ada@example.com"
export GIT_COMMITTER_NAME="Cy Committer" GIT_COMMITTER_EMAIL="cy@example.com"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE 2>/dev/null || true

# commit DATE MESSAGE: commits what is staged, authored and committed at DATE.
commit() {
    GIT_AUTHOR_DATE=$1 GIT_COMMITTER_DATE=$1 git commit -q --no-verify -m "$2"
}

git init -q -b main "$out/forge"
cd "$out/forge"
echo "loader one" > loader.py
git add loader.py
commit "2025-07-01T09:00:00+00:00" "forge one"
forge1=$(git rev-parse HEAD)
echo "loader two" >> loader.py
git add loader.py
commit "2025-08-01T09:00:00+00:00" "forge two"
forge2=$(git rev-parse HEAD)

git init -q -b main "$out/ttxla"
cd "$out/ttxla"
cfg=tests/runner/test_config
pin() {
    git update-index --add --cacheinfo "160000,$1,third_party/tt_forge_models"
}

echo "# tt-xla fixture" > README.md
git add README.md
commit "2025-07-02T10:00:00+02:00" "Start without configs"
git tag start

mkdir -p "$cfg/jax" "$cfg/torch"
cat > "$cfg/jax/test_config_inference_single_device.yaml" <<'EOF'
test_config:
  llama/causal_lm/jax-8B-single_device-inference:
    status: EXPECTED_PASSING
  gpt2/causal_lm/jax-Base-single_device-inference:
    status: EXPECTED_PASSING
  opt/jax-125m-single_device-inference:
    status: EXPECTED_PASSING
    arch_overrides:
      p150:
        status: KNOWN_FAILURE_XFAIL
        reason: "p150 PCC"
EOF
cat > "$cfg/torch/test_config_inference_single_device.yaml" <<'EOF'
test_config:
  bert/pytorch-Base-single_device-inference:
    status: EXPECTED_PASSING
  resnet/pytorch-50-single_device-inference:
    status: KNOWN_FAILURE_XFAIL
    reason: "compile error"
EOF
cat > "$cfg/torch/test_config_t5.yaml" <<'EOF'
test_config:
  t5/jax-Small-single_device-inference:
    status: EXPECTED_PASSING
EOF
cat > "$cfg/torch/test_config_placeholders.yaml" <<'EOF'
PLACEHOLDER_MODELS:
  meta-llama/Llama-3.2-90B-Vision:
    bringup_status: NOT_STARTED
EOF
# Files the loader must not take: not test_config_*.yaml, or in a dot dir.
echo "x = 1" > "$cfg/__init__.py"
mkdir -p "$cfg/.hidden"
cp "$cfg/torch/test_config_t5.yaml" "$cfg/.hidden/test_config_hidden.yaml"
printf '[submodule "third_party/tt_forge_models"]\n\tpath = third_party/tt_forge_models\n\turl = ../forge\n' > .gitmodules
git add .gitmodules "$cfg"
pin "$forge1"
commit "2025-10-20T11:00:00+01:00" "Add configs"

cat > "$cfg/jax/test_config_inference_single_device.yaml" <<'EOF'
test_config:
  llama/causal_lm/jax-8B-single_device-inference:
    status: EXPECTED_PASSING
  gpt2/causal_lm/jax-Base-single_device-inference:
    status: KNOWN_FAILURE_XFAIL
    reason: "PCC 0.97"
  opt/jax-125m-single_device-inference:
    status: EXPECTED_PASSING
    arch_overrides:
      p150:
        status: KNOWN_FAILURE_XFAIL
        reason: "p150 PCC"
EOF
git add "$cfg"
commit "2025-10-21T12:00:00-05:00" "Mark gpt2 failing"
GIT_COMMITTER_DATE="2025-10-21T12:30:00-05:00" git tag -a v1 -m "v1"

sed -i 's#opt/jax-125m-single_device-inference#opt/jax-125M-single_device-inference#' \
    "$cfg/jax/test_config_inference_single_device.yaml"
git add "$cfg"
commit "2025-10-22T09:00:00+00:00" "Rename opt test id"

git checkout -q -b feature
cat > "$cfg/torch/test_config_training_single_device.yaml" <<'EOF'
test_config:
  llama/causal_lm/pytorch-3.1_8B-single_device-training:
    status: NOT_SUPPORTED_SKIP
    reason: "training later"
EOF
git add "$cfg"
commit "2025-10-23T09:00:00+00:00" "Add a training config"
git checkout -q main

git mv "$cfg/torch/test_config_t5.yaml" "$cfg/jax/test_config_t5.yaml"
commit "2025-10-24T09:00:00+00:00" "Move t5 config to jax"

GIT_AUTHOR_DATE="2025-10-25T09:00:00+00:00" GIT_COMMITTER_DATE="2025-10-25T09:00:00+00:00" \
    git merge -q --no-ff --no-edit feature
pin "$forge2"
commit "2025-10-26T09:00:00+00:00" "Uplift tt_forge_models"

cp "$cfg/jax/test_config_inference_single_device.yaml" "$out/good.yaml"
cat > "$cfg/jax/test_config_inference_single_device.yaml" <<'EOF'
test_config:
  llama/causal_lm/jax-8B-single_device-inference:
    status: EXPECTED_PASSING
   gpt2/causal_lm/jax-Base-single_device-inference:
    status: KNOWN_FAILURE_XFAIL
EOF
git add "$cfg"
commit "2025-10-27T09:00:00+00:00" "Break the jax config"
cp "$out/good.yaml" "$cfg/jax/test_config_inference_single_device.yaml"
rm "$out/good.yaml"
git add "$cfg"
commit "2025-10-28T09:00:00+00:00" "Fix the jax config"

cd "$out"
git clone -q --bare ttxla ttxla.git
git init -q --bare -b master unborn.git
git -C ttxla push -q "$out/unborn.git" main
git init -q --bare -b master two.git
git -C ttxla push -q "$out/two.git" main feature

git init -q -b main "$out/easydel"
cd "$out/easydel"
cp -R "$src/tests/fixtures/easydel/checkout/." .
git add .
commit "2025-09-01T08:00:00+00:00" "EasyDeL as of September"
mkdir -p easydel/modules/qwen2
cat > easydel/modules/qwen2/modeling_qwen2.py <<'EOF'
from easydel.infra.factory import register_module, TaskType


@register_module(TaskType.CAUSAL_LM, config=Qwen2Config, model_type="qwen2")
class Qwen2ForCausalLM:
    pass
EOF
git add .
commit "2025-12-01T08:00:00+00:00" "Add qwen2"

# Checkouts to compare a revision's load with.
cd "$out/ttxla"
for rev in main~2 main~3 main~6 main; do
    dir="$out/checkout-$(echo "$rev" | tr '~' '-')"
    mkdir "$dir"
    git archive "$rev" | tar -x -C "$dir"
done

# tt-forge-models with loaders the join reads, and a tt-xla pinning it.
git init -q -b main "$out/forge2"
cd "$out/forge2"
loader() { # DIR CLASSNAME VARIANT CHECKPOINT SOURCE
    mkdir -p "$1"
    cat > "$1/loader.py" <<EOF
class ModelVariant(StrEnum):
    V = "$3"


class ModelLoader(ForgeModel):
    _VARIANTS = {
        ModelVariant.V: LLMModelConfig(pretrained_model_name="$4"),
    }

    @classmethod
    def _get_model_info(cls, variant=None):
        return ModelInfo(
            model="$2",
            group=ModelGroup.GENERALITY,
            task=ModelTask.NLP_CAUSAL_LM,
            source=ModelSource.$5,
            framework=Framework.JAX,
        )
EOF
}
loader gpt2/causal_lm/jax GPT2 Base openai-community/gpt2 HUGGING_FACE
loader llama/causal_lm/jax Llama 8B meta-llama/Llama-3.1-8B HUGGING_FACE
git add .
commit "2025-10-30T09:00:00+00:00" "gpt2 and llama loaders"
g1=$(git rev-parse HEAD)
loader gpt2/causal_lm/jax GPT2 Base openai-community/gpt2 EASYDEL
git add .
commit "2025-11-02T09:00:00+00:00" "gpt2 on EasyDeL"
g2=$(git rev-parse HEAD)

git init -q -b main "$out/hist"
cd "$out/hist"
mkdir -p "$cfg/jax"
hist_cfg() { # N150_OVERRIDE WITH_LLAMA (yes/no)
    {
        echo "test_config:"
        echo "  gpt2/causal_lm/jax-Base-single_device-inference:"
        echo "    status: EXPECTED_PASSING"
        if [ "$1" = yes ]; then
            echo "    arch_overrides:"
            echo "      n150:"
            echo "        status: KNOWN_FAILURE_XFAIL"
        fi
        if [ "$2" = yes ]; then
            echo "  llama/causal_lm/jax-8B-single_device-inference:"
            echo "    status: EXPECTED_PASSING"
        fi
    } > "$cfg/jax/test_config_inference_single_device.yaml"
    git add "$cfg"
}
hist_cfg no yes
pin "$g1"
commit "2025-11-01T09:00:00+00:00" "Add gpt2 and llama"
hist_cfg yes yes
commit "2025-11-02T10:00:00+00:00" "gpt2 fails on n150"
pin "$g2"
commit "2025-11-03T09:00:00+00:00" "Uplift tt_forge_models"
hist_cfg yes no
commit "2025-11-04T09:00:00+00:00" "Remove llama"
pin 1111111111111111111111111111111111111111
commit "2025-11-05T09:00:00+00:00" "Pin a missing commit"
