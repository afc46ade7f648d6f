#!/usr/bin/env bash
# `npm run mutation`: StrykerJS (tap runner) over the engine and the safety-critical files
# (stryker.config.json), with the unit and HTTP tests: no services needed. Incremental: a later
# run only tests mutants whose code or tests changed (.stryker-tmp/incremental.json; `--force`
# for a full run). Concurrency 2; bounded to about 30 minutes on 2 cores. Report:
# reports/mutation/mutation.json and the clear-text summary printed at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$(bash scripts/node.sh):$PATH" # Node 24: the tap runner spawns `node` from PATH
[[ -d node_modules ]] || npm ci
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
# No emulator: an AWS call from these tests fails at once on a closed port, never reaches AWS.
export AWS_ENDPOINT_URL=http://127.0.0.1:9
exec npx stryker run "$@"
