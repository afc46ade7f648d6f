#!/usr/bin/env bash
# A real, throwaway Kubernetes control plane on loopback for the end-to-end tests (test/e2e/):
# etcd, kube-apiserver, kube-controller-manager (garbage collector, namespace and service-account
# token controllers only) and Metacontroller, all out of cluster, with no nodes.
#
#   scripts/k8s.sh install   etcd (Debian's etcd-server, apt-get when missing), kube-apiserver,
#                            kube-controller-manager and kubectl (scripts/k8s-build.sh, cached), and
#                            Metacontroller (from ../shared/metacontroller, checked and cached)
#   scripts/k8s.sh start     install, then start every piece (or reuse the ones already running) and
#                            install Metacontroller's CRDs; prints KUBECONFIG=..., K8S_BIN=... and the
#                            ports (KEY=value lines on stdout)
#   scripts/k8s.sh stop      stop what `start` started and delete the etcd data
#   scripts/k8s.sh status    exit 0 when all four answer their health checks
#
# Everything lives in .run/k8s/: the admin kubeconfig (a bearer token from --token-auth-file, the
# API server's certificate from a CA made here with openssl), the service-account signing keys, and
# each process's log (etcd.log, kube-apiserver.log, kube-controller-manager.log, metacontroller.log).
#
# Environment:
#   K8S_PORT_BASE          first of 8 consecutive loopback ports (default 30400, below Linux's ephemeral
#                          range so that no outgoing connection holds one): +0 etcd client,
#                          +1 etcd peer, +2 kube-apiserver, +3 kube-controller-manager, +4/+5
#                          Metacontroller health/metrics; +6/+7 are left for the service under test
#                          (hooks, operations)
#   K8S_START_TIMEOUT      seconds to wait for each piece (default 90)
#   METACONTROLLER_BIN     a metacontroller binary to use instead of the shared build
#   AWSHOOKS_SHARED_DIR    where shared/ is (default: ../shared beside the repository)
#   K8S_VERSION, K8S_CACHE see scripts/k8s-build.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN_DIR=$ROOT/.run
DIR=$RUN_DIR/k8s
PKI=$DIR/pki
KUBECONFIG_FILE=$DIR/kubeconfig
BASE=${K8S_PORT_BASE:-30400}
START_TIMEOUT=${K8S_START_TIMEOUT:-90}
SHARED_DIR=${AWSHOOKS_SHARED_DIR:-$ROOT/../shared}
MC_VERSION=v4.17.2
MC_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/awshooks/metacontroller/$MC_VERSION

log() { printf '[k8s] %s\n' "$*" >&2; }
die() { printf '[k8s] ERROR: %s\n' "$*" >&2; exit 1; }

if ! [[ $BASE =~ ^[0-9]+$ ]] || ((BASE < 1024 || BASE > 65528)); then die "K8S_PORT_BASE must be a port between 1024 and 65528, not '$BASE'"; fi
ETCD_PORT=$BASE
ETCD_PEER_PORT=$((BASE + 1))
API_PORT=$((BASE + 2))
KCM_PORT=$((BASE + 3))
MC_HEALTH_PORT=$((BASE + 4))
MC_METRICS_PORT=$((BASE + 5))

# ---------------------------------------------------------------- install

# apt-get install, serialised with the other scripts' apt-get calls (test.sh runs several at once).
apt_install() {
  [[ $EUID -eq 0 ]] || die "$* missing: installing it needs root (apt-get install -y $*)"
  command -v apt-get >/dev/null 2>&1 || die "$* missing and no apt-get: install it by hand"
  mkdir -p "$RUN_DIR"
  log "apt-get install $* (log: .run/apt-k8s.log)"
  if ! (
    flock -w 900 9 || exit 1
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y --no-install-recommends "$@"
  ) 9>/var/lock/awshooks-apt.lock >"$RUN_DIR/apt-k8s.log" 2>&1; then
    tail -n 30 "$RUN_DIR/apt-k8s.log" >&2
    die "apt-get install $* failed (log above)"
  fi
}

etcd_bin() {
  local c
  for c in "${ETCD_BIN:-}" /usr/bin/etcd "$(command -v etcd 2>/dev/null || true)"; do
    [[ -n $c && -x $c ]] && { printf '%s\n' "$c"; return 0; }
  done
  return 1
}

install_etcd() {
  etcd_bin >/dev/null && return 0
  # NOTE: Debian's etcd-server starts a system-wide etcd on 2379 when installed; policy-rc.d keeps
  # it from starting (we run our own on our own ports).
  local tmp_policy=''
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    tmp_policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$tmp_policy"
    chmod 755 "$tmp_policy"
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt_install etcd-server
  if [[ -n $tmp_policy ]]; then rm -f "$tmp_policy"; trap - EXIT; fi
  etcd_bin >/dev/null || die "etcd-server installed but /usr/bin/etcd is missing"
}

install_k8s() {
  K8S_BIN=$(bash "$ROOT/scripts/k8s-build.sh") || die "building the Kubernetes binaries failed (scripts/k8s-build.sh, output above)"
  local b
  for b in kube-apiserver kube-controller-manager kubectl; do
    [[ -x $K8S_BIN/$b ]] || die "scripts/k8s-build.sh printed $K8S_BIN but $b is not there"
  done
}

# Metacontroller: METACONTROLLER_BIN, or the shared build, checked against SHA256SUMS and unpacked
# once into a cache outside the repository.
install_metacontroller() {
  if [[ -n ${METACONTROLLER_BIN:-} ]]; then
    [[ -x $METACONTROLLER_BIN ]] || die "METACONTROLLER_BIN=$METACONTROLLER_BIN is not an executable file"
    MC_BIN=$METACONTROLLER_BIN
  else
    local gz=metacontroller-$MC_VERSION-linux-amd64.gz sum
    [[ -f $SHARED_DIR/metacontroller/$gz ]] || die "no $gz in $SHARED_DIR/metacontroller (set AWSHOOKS_SHARED_DIR to the folder that holds metacontroller/, or METACONTROLLER_BIN to a binary)"
    sum=$(sed -n "s/^\([0-9a-f]\{64\}\)  $gz\$/\1/p" "$SHARED_DIR/metacontroller/SHA256SUMS")
    [[ -n $sum ]] || die "$SHARED_DIR/metacontroller/SHA256SUMS has no line for $gz"
    MC_BIN=$MC_CACHE/metacontroller
    if [[ ! -x $MC_BIN || $(cat "$MC_CACHE/.sha256" 2>/dev/null) != "$sum" ]]; then
      [[ $(sha256sum <"$SHARED_DIR/metacontroller/$gz" | cut -d' ' -f1) == "$sum" ]] || die "$gz does not match its SHA256SUMS line"
      mkdir -p "$MC_CACHE"
      gunzip -c "$SHARED_DIR/metacontroller/$gz" >"$MC_BIN.tmp" || die "gunzip $gz failed"
      chmod 755 "$MC_BIN.tmp"
      mv "$MC_BIN.tmp" "$MC_BIN"
      echo "$sum" >"$MC_CACHE/.sha256"
      log "Metacontroller $MC_VERSION unpacked into $MC_CACHE"
    fi
  fi
  MC_CRDS=$SHARED_DIR/metacontroller/metacontroller-crds-v1.yaml
  [[ -f $MC_CRDS ]] || die "no Metacontroller CRDs at $MC_CRDS (set AWSHOOKS_SHARED_DIR)"
  local sum
  sum=$(sed -n 's/^\([0-9a-f]\{64\}\)  metacontroller-crds-v1.yaml$/\1/p' "$SHARED_DIR/metacontroller/SHA256SUMS")
  [[ -n $sum && $(sha256sum <"$MC_CRDS" | cut -d' ' -f1) == "$sum" ]] || die "$MC_CRDS does not match its SHA256SUMS line"
}

cmd_install() {
  install_etcd
  install_k8s
  install_metacontroller
  log "installed: etcd ($(etcd_bin)), Kubernetes binaries ($K8S_BIN), Metacontroller ($MC_BIN)"
}

# ---------------------------------------------------------------- processes

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Pid from .run/k8s/<name>.pid when that process is alive and runs the expected program.
pid_of() {
  local name=$1 pid st
  [[ -f $DIR/$name.pid ]] || return 1
  pid=$(cat "$DIR/$name.pid" 2>/dev/null)
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
  [[ -n $st && $st != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$name" || return 1
  printf '%s\n' "$pid"
}

# Start a program in its own session, logging to .run/k8s/<name>.log.
launch() {
  local name=$1
  shift
  printf '=== %s %s\n' "$(date -u +%FT%TZ)" "$*" >>"$DIR/$name.log"
  rm -f "$DIR/$name.pid"
  # The program writes its own pid (bash's $$ survives the exec): setsid forks when it leads a
  # process group, as every background job of a shell with job control does, and $! would then
  # be a parent that exits at once, a start-up "failure" while the program runs.
  setsid bash -c 'echo "$$" >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$DIR/$name.pid" "$@" </dev/null >>"$DIR/$name.log" 2>&1 &
  local i
  for ((i = 0; i < 250; i++)); do
    [[ -s $DIR/$name.pid ]] && return 0
    sleep 0.02
  done
  die "$name wrote no pid within 5 s (log: .run/k8s/$name.log)"
}

# Wait until `check` succeeds, the process dies, or the timeout passes.
await() {
  local name=$1 what=$2
  shift 2
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! pid_of "$name" >/dev/null; then
      tail -n 30 "$DIR/$name.log" >&2 || true
      die "$name exited during start-up (log above, full log in .run/k8s/$name.log)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$DIR/$name.log" >&2 || true
      die "$name: $what within ${START_TIMEOUT}s (log above, full log in .run/k8s/$name.log)"
    fi
    sleep 0.3
  done
}

stop_one() {
  local name=$1 pid i
  pid=$(pid_of "$name") || { rm -f "$DIR/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    pid_of "$name" >/dev/null || break
    sleep 0.1
  done
  if pid_of "$name" >/dev/null; then
    log "$name (pid $pid) ignored SIGTERM: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/$name.pid"
  log "$name stopped (pid $pid)"
}

# ---------------------------------------------------------------- credentials

# A CA, the API server's serving certificate (127.0.0.1, localhost), the service-account signing key
# pair and the admin token: made once per .run/k8s/, kept across restarts.
make_pki() {
  [[ -s $PKI/ca.crt && -s $PKI/apiserver.crt && -s $PKI/sa.key && -s $PKI/sa.pub && -s $PKI/tokens.csv ]] && return 0
  command -v openssl >/dev/null || die "openssl is required"
  rm -rf "$PKI"
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  (
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=awshooks-e2e-ca \
      -keyout ca.key -out ca.crt
    openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout apiserver.key -out apiserver.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 \
      -extfile apiserver.ext -out apiserver.crt
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$DIR/pki.log" 2>&1 || { cat "$DIR/pki.log" >&2; die "openssl failed (log above)"; }
  # Token file: token,user,uid,"groups". The admin is in system:masters (everything allowed).
  printf '%s,awshooks-e2e-admin,awshooks-e2e-admin,"system:masters"\n' "$(openssl rand -hex 32)" >"$PKI/tokens.csv"
  chmod 600 "$PKI"/*
}

write_kubeconfig() {
  local token
  token=$(cut -d, -f1 "$PKI/tokens.csv")
  (umask 077 && cat >"$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: awshooks-e2e
    cluster:
      server: https://127.0.0.1:$API_PORT
      certificate-authority: $PKI/ca.crt
users:
  - name: awshooks-e2e-admin
    user:
      token: $token
contexts:
  - name: awshooks-e2e
    context: {cluster: awshooks-e2e, user: awshooks-e2e-admin}
current-context: awshooks-e2e
EOF
  )
}

api_ready() {
  curl -sf --max-time 3 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $(cut -d, -f1 "$PKI/tokens.csv")" \
    "https://127.0.0.1:$API_PORT/readyz" >/dev/null
}
etcd_healthy() { curl -sf --max-time 3 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
kcm_healthy() { curl -skf --max-time 3 "https://127.0.0.1:$KCM_PORT/healthz" >/dev/null; }
mc_healthy() { curl -sf --max-time 3 "http://127.0.0.1:$MC_HEALTH_PORT/healthz" >/dev/null; }

# The ports of a running set must be ours: a set started with another K8S_PORT_BASE is stopped first.
check_base() {
  local old
  old=$(cat "$DIR/port-base" 2>/dev/null || true)
  if [[ -n $old && $old != "$BASE" ]] && { pid_of etcd || pid_of kube-apiserver || pid_of metacontroller; } >/dev/null; then
    die "a control plane from .run/k8s runs with K8S_PORT_BASE=$old: run 'scripts/k8s.sh stop' first or use that base"
  fi
  echo "$BASE" >"$DIR/port-base"
}

need_port() {
  port_in_use "$1" && die "port $1 on 127.0.0.1 ($2) is used by another process: set K8S_PORT_BASE to a free range of 8 ports"
  return 0
}

# ---------------------------------------------------------------- start / stop

start_etcd() {
  if pid_of etcd >/dev/null && etcd_healthy; then log "reusing etcd on 127.0.0.1:$ETCD_PORT"; return 0; fi
  stop_one etcd
  need_port "$ETCD_PORT" "etcd client"
  need_port "$ETCD_PEER_PORT" "etcd peer"
  rm -rf "$DIR/etcd-data"
  log "starting etcd on 127.0.0.1:$ETCD_PORT (log: .run/k8s/etcd.log)"
  # A throwaway store: no fsync (etcd 3.4's --unsafe-no-fsync), quota raised, fast snapshots off.
  launch etcd "$(etcd_bin)" --name awshooks-e2e --data-dir "$DIR/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "awshooks-e2e=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new \
    --unsafe-no-fsync --quota-backend-bytes 2147483648 --log-level warn
  await etcd "no healthy answer on 127.0.0.1:$ETCD_PORT" etcd_healthy
}

start_apiserver() {
  if pid_of kube-apiserver >/dev/null && api_ready; then log "reusing kube-apiserver on 127.0.0.1:$API_PORT"; return 0; fi
  stop_one kube-apiserver
  need_port "$API_PORT" "kube-apiserver"
  log "starting kube-apiserver on https://127.0.0.1:$API_PORT (log: .run/k8s/kube-apiserver.log)"
  # NOTE: the endpoint reconciler would publish 127.0.0.1 as the `kubernetes` Service's endpoint,
  # which Endpoints validation refuses (loopback): nothing here needs that Service, so it is off.
  launch kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" --token-auth-file "$PKI/tokens.csv" \
    --authorization-mode RBAC --anonymous-auth=false \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
    --profiling=false --v 1
  await kube-apiserver "/readyz did not answer ok on 127.0.0.1:$API_PORT" api_ready
}

start_kcm() {
  if pid_of kube-controller-manager >/dev/null && kcm_healthy; then log "reusing kube-controller-manager"; return 0; fi
  stop_one kube-controller-manager
  need_port "$KCM_PORT" "kube-controller-manager"
  log "starting kube-controller-manager (garbage collector, namespaces, service-account tokens; log: .run/k8s/kube-controller-manager.log)"
  # NOTE: controller names end in -controller since 1.30; the old `garbage-collector` is refused.
  launch kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig "$KUBECONFIG_FILE" --authentication-kubeconfig "$KUBECONFIG_FILE" --authorization-kubeconfig "$KUBECONFIG_FILE" \
    --authentication-skip-lookup \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --cert-dir "$DIR/kcm-certs" \
    --controllers garbage-collector-controller,namespace-controller,serviceaccount-token-controller \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --leader-elect=false --profiling=false --v 1
  await kube-controller-manager "/healthz did not answer on 127.0.0.1:$KCM_PORT" kcm_healthy
}

start_metacontroller() {
  if pid_of metacontroller >/dev/null && mc_healthy; then log "reusing Metacontroller"; return 0; fi
  stop_one metacontroller
  need_port "$MC_HEALTH_PORT" "Metacontroller health"
  need_port "$MC_METRICS_PORT" "Metacontroller metrics"
  log "installing Metacontroller's CRDs"
  "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" apply -f "$MC_CRDS" >"$DIR/metacontroller-crds.log" 2>&1 \
    || { cat "$DIR/metacontroller-crds.log" >&2; die "kubectl apply of $MC_CRDS failed (above)"; }
  "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" wait --for condition=Established --timeout "${START_TIMEOUT}s" \
    crd/compositecontrollers.metacontroller.k8s.io crd/decoratorcontrollers.metacontroller.k8s.io crd/controllerrevisions.metacontroller.k8s.io \
    >>"$DIR/metacontroller-crds.log" 2>&1 || { cat "$DIR/metacontroller-crds.log" >&2; die "Metacontroller's CRDs were not established"; }
  log "starting Metacontroller $MC_BIN (log: .run/k8s/metacontroller.log)"
  # --discovery-interval 5s: a new CRD is found within 5 s (default 30 s); the client's rate limit is
  # raised from 5 requests/s so that the suite's parallel parents are not queued behind it.
  launch metacontroller "$MC_BIN" --kubeconfig "$KUBECONFIG_FILE" \
    --health-probe-bind-address "127.0.0.1:$MC_HEALTH_PORT" --metrics-address "127.0.0.1:$MC_METRICS_PORT" \
    --discovery-interval 5s --client-go-qps 50 --client-go-burst 100 \
    --events-qps 1 --zap-log-level info
  await metacontroller "/healthz did not answer on 127.0.0.1:$MC_HEALTH_PORT" mc_healthy
}

cmd_start() {
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  cmd_install
  mkdir -p "$DIR"
  check_base
  local t0=$SECONDS
  make_pki
  write_kubeconfig
  start_etcd
  start_apiserver
  start_kcm
  start_metacontroller
  log "control plane ready in $((SECONDS - t0))s: kubectl --kubeconfig .run/k8s/kubeconfig"
  echo "KUBECONFIG=$KUBECONFIG_FILE"
  echo "K8S_BIN=$K8S_BIN"
  echo "K8S_API_URL=https://127.0.0.1:$API_PORT"
  echo "E2E_HOOK_PORT=$((BASE + 6))"
  echo "E2E_OPS_PORT=$((BASE + 7))"
}

cmd_stop() {
  stop_one metacontroller
  stop_one kube-controller-manager
  stop_one kube-apiserver
  stop_one etcd
  rm -rf "$DIR/etcd-data" "$DIR/kcm-certs" "$DIR/kube-cache" "$DIR/port-base"
}

cmd_status() {
  local rc=0 name check
  for name in etcd kube-apiserver kube-controller-manager metacontroller; do
    case $name in
      etcd) check=etcd_healthy ;;
      kube-apiserver) check=api_ready ;;
      kube-controller-manager) check=kcm_healthy ;;
      metacontroller) check=mc_healthy ;;
    esac
    if pid_of "$name" >/dev/null && [[ -f $PKI/tokens.csv ]] && $check; then
      log "$name is running"
    else
      log "$name is not running"
      rc=1
    fi
  done
  return $rc
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 install | start | stop | status" >&2
    exit 2
    ;;
esac
