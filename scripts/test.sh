#!/usr/bin/env bash
# Runs the whole test suite. Integration tests start the local vLLM server if none answers
# on port 8000 (creating its environment the first time) and stop it again at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
exec .venv/bin/python -m pytest "$@"
