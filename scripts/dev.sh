#!/usr/bin/env bash
# `npm run dev`: run the service from source against a local moto server.
# Installs/starts moto (scripts/moto.sh), prints a sample request, runs `npx tsx server/main.ts`,
# and stops moto on exit if this script started it.
# Environment: PORT (8080), METRICS_PORT (9090), MOTO_PORT (5055), LOG_LEVEL (info).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$(bash scripts/node.sh):$PATH" # Node 24, as in the image

log() { printf '[dev] %s\n' "$*" >&2; }

if [[ ! -d node_modules ]]; then
  log "node_modules/ missing: running npm ci"
  npm ci
fi

[[ -f server/main.ts ]] || { log "ERROR: server/main.ts does not exist yet"; exit 1; }

bash scripts/moto.sh install
STOP_MOTO=0
bash scripts/moto.sh status >/dev/null 2>&1 || STOP_MOTO=1
cleanup() {
  if ((STOP_MOTO)); then bash scripts/moto.sh stop || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

AWS_ENDPOINT_URL=$(bash scripts/moto.sh start | sed -n 's/^AWS_ENDPOINT_URL=//p' | tail -n1)
[[ -n $AWS_ENDPOINT_URL ]] || { log "ERROR: scripts/moto.sh start printed no AWS_ENDPOINT_URL"; exit 1; }

export AWS_ENDPOINT_URL
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export HOOK_AUTH_DISABLED=true
# An example EKS OIDC provider, so that Roles can be tried against the emulator too.
export OIDC_PROVIDER_ARN=${OIDC_PROVIDER_ARN:-arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE}
export ALLOWED_MANAGED_POLICY_ARNS=${ALLOWED_MANAGED_POLICY_ARNS:-arn:aws:iam::aws:policy/*}
export LOG_LEVEL=${LOG_LEVEL:-info}
export PORT=${PORT:-8080}
export METRICS_PORT=${METRICS_PORT:-9090}

cat >&2 <<MSG
[dev] moto (AWS emulator): $AWS_ENDPOINT_URL   reset it: curl -X POST $AWS_ENDPOINT_URL/moto-api/reset
[dev] service: http://localhost:$PORT   metrics: http://localhost:$METRICS_PORT/metrics
[dev] try:
  curl -s localhost:$PORT/hooks/queues/sync -H 'content-type: application/json' -d @manifests/samples/sync-request-queue.json
MSG

# Not exec: the EXIT trap must still stop moto when the service exits.
npx tsx server/main.ts
