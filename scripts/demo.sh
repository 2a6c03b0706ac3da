#!/usr/bin/env bash
# The main job on the embedded defaults: local vLLM, the shipped brand book, one request
# drafted end to end and left waiting for an approver.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
brandbot=.venv/bin/brandbot

if [[ ! -f .env ]]; then
  echo "• Writing .env: bob and carol approve drafts (edit it to change)"
  printf 'BRANDBOT_APPROVERS=bob,carol\nBRANDBOT_ADMINS=admin\n' > .env
fi

$brandbot llm serve
$brandbot guidelines add guidelines/ --as admin
$brandbot rules add guidelines/rules
$brandbot ask "Write a LinkedIn post announcing our new backup feature" --as alice

cat <<'NEXT'

Decide on the draft as an approver (bob and carol are approvers in .env):
  .venv/bin/brandbot review list
  .venv/bin/brandbot review approve DRAFT_ID --as bob
  .venv/bin/brandbot review changes DRAFT_ID --feedback "shorter, mention the free trial" --as bob
  .venv/bin/brandbot review reject DRAFT_ID --reason "not yet" --as bob
Stop the local LLM with: .venv/bin/brandbot llm stop
NEXT
