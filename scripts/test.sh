#!/usr/bin/env bash
# Runs the whole test suite. Integration tests start the local vLLM server if none answers
# on port 8000 (creating its environment the first time) and stop it again at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# PostgreSQL from Debian's packages: the storage tests start throwaway clusters with it.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
  echo "• Installing PostgreSQL (Debian package) for the storage tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql > /dev/null
fi
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
exec .venv/bin/python -m pytest "$@"
