#!/usr/bin/env bash
# Refreshes requirements.lock: resolves pyproject.toml's dependencies (with the test extra) afresh
# in a throwaway virtualenv, the newest versions its ranges allow, and locks what got installed.
# Then run the tests (./scripts/test.sh) and commit requirements.lock with what needed it.
# To lock what .venv holds instead: .venv/bin/python scripts/lock.py > requirements.lock
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"${PYTHON:-python3}" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --disable-pip-version-check -q '.[test]'
"$scratch/venv/bin/python" scripts/lock.py > "$scratch/requirements.lock"
mv "$scratch/requirements.lock" requirements.lock
echo "• requirements.lock: $(grep -vc '^#' requirements.lock) packages"
