#!/usr/bin/env bash
# The one test command (`npm test`): services, type check, tap.
#
#   1. Node 24 (scripts/node.sh), npm ci when node_modules/ is missing
#   2. install + start moto (scripts/moto.sh) and PostgreSQL + MariaDB (scripts/databases.sh),
#      reusing ones already running; type check (tsc --noEmit), lint (npm run lint) and the tools of the
#      packaging tests (scripts/tools.sh: helm, kubectl, promtool, lua; exported as HELM, KUBECTL, ...) meanwhile
#   3. tap (raw TAP output, also saved to .run/tap-<phase>.tap): unit and inject tests, then their
#      coverage summary (scripts/coverage-summary.ts: statements, branches, functions, lines; printed,
#      not enforced; also saved to .run/coverage-unit.txt), integration tests, then the end-to-end
#      tests (test/e2e/) against a real kube-apiserver and Metacontroller (scripts/k8s.sh, started in
#      the background at step 2); extra arguments go to tap instead, e.g.
#      `npm test -- test/sqs.test.ts` (the control plane is started only for test/e2e/ files)
#   4. stop the services this run started (KEEP_SERVICES=1 leaves them running for the next run)
#
# The last line printed is always `N passed, N failed` (tap's assert totals; a failed type check, a failed
# lint, a failed set-up, or a tap exit code that its totals do not explain, each count as 1 failed); it is also
# written to .run/test-summary.txt. Exit status is non-zero when anything failed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
RUN_DIR=$ROOT/.run
mkdir -p "$RUN_DIR"
SUMMARY_FILE=$RUN_DIR/test-summary.txt
rm -f "$SUMMARY_FILE"

log() { printf '[test] %s\n' "$*" >&2; }

PASSED=0
FAILED=0
STOP_MOTO=0
STOP_DBS=0
STOP_K8S=0
K8S_JOB=''
TSC_PID=''
LINT_PID=''
MOTO_JOB=''
DB_JOB=''
TOOLS_JOB=''

finish() {
  local rc=$? pids=()
  trap - EXIT INT TERM
  [[ -n $TSC_PID ]] && kill "$TSC_PID" 2>/dev/null
  [[ -n $LINT_PID ]] && kill "$LINT_PID" 2>/dev/null
  # Interrupted during start-up: let the start scripts finish (they are bounded) before stopping.
  [[ -n $MOTO_JOB ]] && wait "$MOTO_JOB" 2>/dev/null
  [[ -n $DB_JOB ]] && wait "$DB_JOB" 2>/dev/null
  [[ -n $TOOLS_JOB ]] && wait "$TOOLS_JOB" 2>/dev/null
  [[ -n $K8S_JOB ]] && wait "$K8S_JOB" 2>/dev/null
  if [[ ${KEEP_SERVICES:-0} == 1 ]]; then
    ((STOP_MOTO || STOP_DBS || STOP_K8S)) && log "KEEP_SERVICES=1: leaving moto, the databases and the control plane running (scripts/moto.sh stop; scripts/databases.sh stop; scripts/k8s.sh stop)"
  else
    if ((STOP_MOTO)); then bash scripts/moto.sh stop >>"$RUN_DIR/test-cleanup.log" 2>&1 & pids+=($!); fi
    if ((STOP_DBS)); then bash scripts/databases.sh stop >>"$RUN_DIR/test-cleanup.log" 2>&1 & pids+=($!); fi
    if ((STOP_K8S)); then bash scripts/k8s.sh stop >>"$RUN_DIR/test-cleanup.log" 2>&1 & pids+=($!); fi
    ((${#pids[@]})) && wait "${pids[@]}"
  fi
  # Anything that ended the script early (a failed set-up, Ctrl-C) is a failure.
  if ((rc != 0 && FAILED == 0)); then FAILED=1; fi
  local line="$PASSED passed, $FAILED failed"
  echo "$line" >"$SUMMARY_FILE"
  echo "$line"
  if ((FAILED > 0 || rc != 0)); then exit 1; fi
  exit 0
}
trap finish EXIT
trap 'log "interrupted"; exit 130' INT TERM

setup_fail() {
  log "SET-UP FAILED: $*"
  FAILED=1
  exit 1
}

# ---------------------------------------------------------------- 1. dependencies
# Tests run on the image's Node major (24): a project-local copy when the machine's is another.
NODE_BIN=$(bash scripts/node.sh) || setup_fail "Node 24 (scripts/node.sh)"
export PATH="$NODE_BIN:$PATH"
log "node $(node --version) from $NODE_BIN"
if [[ ! -d node_modules ]]; then
  log "node_modules/ missing: running npm ci"
  npm ci || setup_fail "npm ci"
fi

# ---------------------------------------------------------------- 2. services + type check
T0=$SECONDS
bash scripts/moto.sh status >/dev/null 2>&1 || STOP_MOTO=1
bash scripts/databases.sh status >/dev/null 2>&1 || STOP_DBS=1

log "type check: npx tsc -p tsconfig.json --noEmit (in the background)"
npx tsc -p tsconfig.json --noEmit >"$RUN_DIR/tsc.log" 2>&1 &
TSC_PID=$!
log "lint: npm run lint (in the background)"
npm run --silent lint >"$RUN_DIR/lint.log" 2>&1 &
LINT_PID=$!

# The end-to-end phase needs the control plane: started now, in the background (its first start
# builds the Kubernetes binaries once, see scripts/k8s-build.sh), and waited for before that phase.
NEED_K8S=0
if (($# == 0)); then NEED_K8S=1; else for arg in "$@"; do [[ $arg == *e2e* ]] && NEED_K8S=1; done; fi
if ((NEED_K8S)); then
  bash scripts/k8s.sh status >/dev/null 2>&1 || STOP_K8S=1
  log "starting the Kubernetes control plane in the background (scripts/k8s.sh start, log: .run/test-k8s.log)"
  bash scripts/k8s.sh start >"$RUN_DIR/test-k8s.env" 2>"$RUN_DIR/test-k8s.log" &
  K8S_JOB=$!
fi

log "starting moto and the databases"
{ bash scripts/moto.sh install && bash scripts/moto.sh start; } >"$RUN_DIR/test-moto.env" &
MOTO_JOB=$!
# The packaging and operations tests' tools (helm, kubectl, promtool, lua): built or installed into
# caches outside the repository the first time (scripts/tools.sh), meanwhile.
bash scripts/tools.sh helm kubectl promtool lua >"$RUN_DIR/test-tools.txt" 2>"$RUN_DIR/test-tools.log" &
TOOLS_JOB=$!
{ bash scripts/databases.sh install && bash scripts/databases.sh start; } >"$RUN_DIR/test-db.env" &
DB_JOB=$!
# Wait for both before acting on a failure, so that cleanup never races a start-up still under way.
wait "$MOTO_JOB"; MOTO_RC=$?
wait "$DB_JOB"; DB_RC=$?
MOTO_JOB='' DB_JOB=''
((MOTO_RC == 0)) || setup_fail "moto (see the [moto] lines above)"
((DB_RC == 0)) || setup_fail "databases (see the [databases] lines above)"
wait "$TOOLS_JOB" || { tail -n 30 "$RUN_DIR/test-tools.log" >&2; setup_fail "tools (scripts/tools.sh, log in .run/test-tools.log)"; }
TOOLS_JOB=''
{ read -r HELM; read -r KUBECTL; read -r PROMTOOL; read -r LUA; } <"$RUN_DIR/test-tools.txt"
export HELM KUBECTL PROMTOOL LUA
log "tools: $HELM $KUBECTL $PROMTOOL $LUA"

env_value() { sed -n "s/^$1=//p" "$2" | tail -n1; }
AWS_ENDPOINT_URL=$(env_value AWS_ENDPOINT_URL "$RUN_DIR/test-moto.env")
TEST_PG_URL=$(env_value TEST_PG_URL "$RUN_DIR/test-db.env")
TEST_MYSQL_URL=$(env_value TEST_MYSQL_URL "$RUN_DIR/test-db.env")
TEST_DB_CA_FILE=$(env_value TEST_DB_CA_FILE "$RUN_DIR/test-db.env")
[[ -n $AWS_ENDPOINT_URL ]] || setup_fail "scripts/moto.sh start printed no AWS_ENDPOINT_URL"
[[ -n $TEST_PG_URL && -n $TEST_MYSQL_URL ]] || setup_fail "scripts/databases.sh start printed no TEST_PG_URL/TEST_MYSQL_URL"
export AWS_ENDPOINT_URL TEST_PG_URL TEST_MYSQL_URL TEST_DB_CA_FILE
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
log "services ready in $((SECONDS - T0))s: AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL TEST_PG_URL=$TEST_PG_URL TEST_MYSQL_URL=$TEST_MYSQL_URL"

wait "$TSC_PID"
TSC_RC=$?
TSC_PID=''
if ((TSC_RC == 0)); then
  log "type check passed"
else
  cat "$RUN_DIR/tsc.log"
  log "TYPE CHECK FAILED (tsc exit $TSC_RC): counted as 1 failed"
  FAILED=$((FAILED + 1))
fi
wait "$LINT_PID"
LINT_RC=$?
LINT_PID=''
if ((LINT_RC == 0)); then
  log "lint passed"
else
  cat "$RUN_DIR/lint.log"
  log "LINT FAILED (npm run lint exit $LINT_RC): counted as 1 failed"
  FAILED=$((FAILED + 1))
fi

# ---------------------------------------------------------------- 3. tap
# Pure tables and inject tests run in parallel; integration tests share one moto (they reset it)
# and the databases, so they run one file at a time. Extra arguments replace both phases.
TAP_ARGS=(--reporter=tap --allow-empty-coverage)
run_tap() {
  local name=$1 out=$RUN_DIR/tap-$1.tap
  shift
  log "running ($name): npx tap ${TAP_ARGS[*]} $*"
  npx tap "${TAP_ARGS[@]}" "$@" | tee "$out"
  local rc=${PIPESTATUS[0]} totals pass fail
  # tap ends its TAP stream with a totals comment, e.g.  # { total: 10, pass: 5, fail: 3, todo: 1, skip: 1 }
  totals=$(grep -E '^# \{ total: [0-9]+' "$out" | tail -n1)
  count() { printf '%s\n' "$totals" | grep -oE "[{ ,]$1: [0-9]+" | grep -oE '[0-9]+$' || echo 0; }
  if [[ -n $totals ]]; then
    pass=$(count pass)
    fail=$(count fail)
    log "tap totals ($name): ${totals#\# } (exit $rc)"
  else
    # No totals (tap crashed, or found no test files): count the top-level results instead.
    pass=$(grep -cE '^ok ' "$out")
    fail=$(grep -cE '^not ok ' "$out")
    log "tap printed no totals ($name, exit $rc): counted $pass ok / $fail not ok test files"
  fi
  if ((rc != 0 && fail == 0)); then
    log "tap exited with $rc without reporting a failed test: counted as 1 failed"
    fail=1
  fi
  PASSED=$((PASSED + pass))
  FAILED=$((FAILED + fail))
}
# The coverage of the last tap run (the unit phase: what the unit and inject tests exercise), as
# istanbul's text summary. Informational: a failure to report is logged, never counted.
coverage_summary() {
  log "coverage ($1): npx tsx scripts/coverage-summary.ts text-summary"
  npx tsx scripts/coverage-summary.ts text-summary 2>&1 | tee "$RUN_DIR/coverage-$1.txt"
  ((PIPESTATUS[0] == 0)) || log "coverage summary failed (not counted; see above)"
}
# The end-to-end tests share one control plane and one service port: one file at a time, with a
# longer per-file timeout (they wait for Metacontroller and the garbage collector).
k8s_ready() {
  local rc=0
  [[ -n $K8S_JOB ]] || return 0
  T0=$SECONDS
  wait "$K8S_JOB" || rc=$?
  K8S_JOB=''
  sed 's/^/  /' "$RUN_DIR/test-k8s.log" >&2
  ((rc == 0)) || setup_fail "the Kubernetes control plane (scripts/k8s.sh start, log above; process logs in .run/k8s/)"
  local name
  for name in KUBECONFIG K8S_BIN E2E_HOOK_PORT E2E_OPS_PORT; do
    export "$name=$(env_value "$name" "$RUN_DIR/test-k8s.env")"
    [[ -n ${!name} ]] || setup_fail "scripts/k8s.sh start printed no $name"
  done
  log "control plane ready (waited $((SECONDS - T0))s): KUBECONFIG=$KUBECONFIG"
}
if (($# == 0)); then
  run_tap unit --jobs=2 'test/unit/**/*.test.ts' 'test/http/**/*.test.ts'
  coverage_summary unit
  run_tap integration --jobs=1 'test/integration/**/*.test.ts'
  k8s_ready
  run_tap e2e --jobs=1 --timeout=600 'test/e2e/**/*.test.ts'
else
  k8s_ready
  run_tap selected --jobs=1 --timeout=600 "$@"
fi
# finish (EXIT trap) stops the services and prints the summary line last.
