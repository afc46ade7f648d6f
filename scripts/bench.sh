#!/usr/bin/env bash
# `npm run bench [-- --rounds N --seconds S --scale-parents N --scale-seconds S --distinct N --port P]`:
# build the service as production runs it (dist/), start moto and the local PostgreSQL (installing
# them when missing), run bench/run.ts, stop what it started. The last line printed is the
# benchmark's JSON line. Ports: --port (default $BENCH_PORT or 16600) and the next 50.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$(bash scripts/node.sh):$PATH" # Node 24, as in the image
[[ -d node_modules ]] || npm ci
npm run build >&2
export MOTO_PORT=${MOTO_PORT:-5056}
STARTED=0
if ! bash scripts/moto.sh status >/dev/null 2>&1; then STARTED=1; fi
bash scripts/moto.sh install >&2
ENV_LINE=$(bash scripts/moto.sh start "$MOTO_PORT" | grep '^AWS_ENDPOINT_URL=' | tail -n1)
export "${ENV_LINE?}"
# The local PostgreSQL stands in for RDS instances' endpoints (in-database work).
DB_STARTED=0
if ! bash scripts/databases.sh status >/dev/null 2>&1; then DB_STARTED=1; fi
bash scripts/databases.sh install >&2
PG_LINE=$(bash scripts/databases.sh start | grep '^TEST_PG_URL=' | tail -n1)
export "${PG_LINE?}"
cleanup() {
  if ((STARTED)); then bash scripts/moto.sh stop >/dev/null 2>&1 || true; fi
  if ((DB_STARTED)); then bash scripts/databases.sh stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
node --import=tsx bench/run.ts "$@"
