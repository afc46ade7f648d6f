#!/usr/bin/env bash
# `npm run soak`: start moto and PostgreSQL (installing them when missing), build the service,
# run bench/soak.ts (arguments are passed on: --parents N, --fault-rate R, --fault-seconds S,
# --concurrency C), stop what this script started. The last line printed is the soak's JSON line.
# Ports: MOTO_PORT, PGPORT/MYSQL_PORT (scripts/databases.sh), SOAK_PORT (service; +1 metrics, +2 proxy).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$(bash scripts/node.sh):$PATH" # Node 24, as in the image
[[ -d node_modules ]] || npm ci
STARTED=0
if ! bash scripts/moto.sh status >/dev/null 2>&1; then STARTED=1; fi
bash scripts/moto.sh install >&2
ENV_LINE=$(bash scripts/moto.sh start | grep '^AWS_ENDPOINT_URL=' | tail -n1)
export "${ENV_LINE?}"
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
# The service runs as a child process that the soak kills and restarts: compiled, it restarts fast.
npm run --silent build >&2
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
node --import=tsx bench/soak.ts "$@"
