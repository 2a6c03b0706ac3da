#!/usr/bin/env bash
# Creates .venv with brandbot and its test tools, at the versions in requirements.lock (see
# scripts/lock.sh to refresh it); re-running is quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
stamp=".venv/.brandbot-installed"
wanted="$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)"

if [[ ! -x .venv/bin/python ]]; then
  echo "• Creating .venv"
  "$PYTHON" -m venv .venv
fi
if [[ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
  echo "• Installing brandbot and its dependencies into .venv (CPU torch; a few minutes the first time)"
  .venv/bin/python -m pip install --disable-pip-version-check -q -c requirements.lock -e '.[test]'
  echo "$wanted" > "$stamp"
fi
