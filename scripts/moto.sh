#!/usr/bin/env bash
# Local AWS emulator: moto's standalone server in a project-local virtualenv.
#
#   scripts/moto.sh install        install the pinned moto[server] into .venv/ (skipped when present)
#   scripts/moto.sh start [PORT]   start moto_server on 127.0.0.1:PORT (default $MOTO_PORT or 5055),
#                                  or reuse a healthy one already there; prints AWS_ENDPOINT_URL=...
#   scripts/moto.sh stop           stop the server started by `start` (pid in .run/moto.pid)
#   scripts/moto.sh status [PORT]  exit 0 when a healthy moto answers on PORT
#
# The moto version is pinned in scripts/requirements-moto.txt (the only place), its dependencies in
# scripts/constraints-moto.txt. Progress goes to stderr; stdout carries only the KEY=value result.
# Environment: MOTO_PORT (default port), MOTO_PYTHON (python >= 3.10 used to create .venv),
# MOTO_START_TIMEOUT (seconds to wait for readiness, default 30).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REQUIREMENTS=$ROOT/scripts/requirements-moto.txt
CONSTRAINTS=$ROOT/scripts/constraints-moto.txt
VENV=$ROOT/.venv
STAMP=$VENV/.awshooks-moto-stamp
RUN_DIR=$ROOT/.run
PID_FILE=$RUN_DIR/moto.pid
PORT_FILE=$RUN_DIR/moto.port
LOG_FILE=$RUN_DIR/moto.log
DEFAULT_PORT=${MOTO_PORT:-5055}
START_TIMEOUT=${MOTO_START_TIMEOUT:-30}

log() { printf '[moto] %s\n' "$*" >&2; }
die() { printf '[moto] ERROR: %s\n' "$*" >&2; exit 1; }

# The exact version from the pin line, e.g. 5.2.5.
pinned_version() {
  local v
  v=$(sed -n 's/^[[:space:]]*moto\(\[[^]]*\]\)\{0,1\}[[:space:]]*==[[:space:]]*\([0-9][0-9A-Za-z.]*\).*/\2/p' "$REQUIREMENTS" | head -n1)
  [[ -n $v ]] || die "no 'moto[server]==X.Y.Z' pin found in $REQUIREMENTS"
  printf '%s\n' "$v"
}

stamp_value() {
  # Changes whenever the pins change, so an edited pin triggers a reinstall.
  local f
  for f in "$REQUIREMENTS" "$CONSTRAINTS"; do
    if [[ -f $f ]]; then cat "$f"; fi
  done | sha256sum | cut -d' ' -f1
}

is_installed() {
  local want=$1 have
  [[ -x $VENV/bin/moto_server && -f $STAMP ]] || return 1
  [[ $(cat "$STAMP") == "$(stamp_value)" ]] || return 1
  have=$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null) || return 1
  [[ $have == "$want" ]]
}

# apt-get install, serialised with scripts/databases.sh (test.sh runs both at once), log in .run/.
apt_install() {
  [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
  mkdir -p "$RUN_DIR"
  log "apt-get install $* (log: .run/apt-moto.log)"
  if ! (
    flock -w 900 9 || exit 1
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y --no-install-recommends "$@"
  ) 9>/var/lock/awshooks-apt.lock >"$RUN_DIR/apt-moto.log" 2>&1; then
    tail -n 30 "$RUN_DIR/apt-moto.log" >&2
    die "apt-get install $* failed (log above)"
  fi
}

ensure_curl() {
  command -v curl >/dev/null 2>&1 && return 0
  apt_install curl ca-certificates || die "curl is required (apt-get install curl)"
}

# A python >= 3.10 that has venv + ensurepip; installs Debian's python3-venv when root and needed.
find_python() {
  local c exe
  for c in ${MOTO_PYTHON:-} python3 python3.13 python3.12 python3.11 python3.10 /usr/bin/python3; do
    command -v "$c" >/dev/null 2>&1 || continue
    exe=$("$c" -c 'import sys, venv, ensurepip
if sys.version_info < (3, 10): raise SystemExit(1)
print(sys.executable)' 2>/dev/null) || continue
    [[ -n $exe ]] && { printf '%s\n' "$exe"; return 0; }
  done
  log "no python >= 3.10 with venv found"
  if apt_install python3 python3-venv; then
    /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null && { echo /usr/bin/python3; return 0; }
  fi
  die "need python >= 3.10 with the venv module (Debian: apt-get install python3 python3-venv), or set MOTO_PYTHON"
}

cmd_install() {
  local want py
  want=$(pinned_version)
  if is_installed "$want"; then
    log "moto $want already installed in .venv"
    return 0
  fi
  if [[ -d $VENV ]] && ! "$VENV/bin/python" -c 'import pip' >/dev/null 2>&1; then
    log "existing .venv is broken (its python or pip does not run): recreating it"
    rm -rf "$VENV"
  fi
  if [[ ! -x $VENV/bin/python ]]; then
    py=$(find_python)
    log "creating .venv with $py ($("$py" -V 2>&1))"
    "$py" -m venv "$VENV" || die "python -m venv $VENV failed"
  fi
  log "installing moto[server]==$want into .venv (pinned in scripts/requirements-moto.txt)"
  local args=(install --disable-pip-version-check --no-input --progress-bar off --no-compile -q -r "$REQUIREMENTS")
  [[ -f $CONSTRAINTS ]] && args+=(-c "$CONSTRAINTS")
  "$VENV/bin/python" -m pip "${args[@]}" >&2 || die "pip install of moto[server]==$want failed (see above)"
  [[ -x $VENV/bin/moto_server ]] || die "pip finished but $VENV/bin/moto_server is missing"
  stamp_value >"$STAMP"
  is_installed "$want" || die "installed moto does not report version $want"
  log "moto $want installed"
}

check_port() {
  if ! [[ $1 =~ ^[0-9]+$ ]] || (($1 < 1 || $1 > 65535)); then die "invalid port '$1'"; fi
}

# Healthy = the moto management API answers on that port.
healthy() {
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/moto-api/"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Pid from .run/moto.pid if that process is alive and is a moto_server.
our_pid() {
  local pid
  [[ -f $PID_FILE ]] || return 1
  pid=$(cat "$PID_FILE" 2>/dev/null)
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q moto_server || return 1
  printf '%s\n' "$pid"
}

cmd_start() {
  local port=${1:-$DEFAULT_PORT} pid old_port deadline i
  check_port "$port"
  ensure_curl
  mkdir -p "$RUN_DIR"
  if healthy "$port"; then
    if pid=$(our_pid) && [[ $(cat "$PORT_FILE" 2>/dev/null) == "$port" ]]; then
      log "reusing moto already running on port $port (pid $pid)"
    else
      log "reusing a moto server already answering on port $port (not started by this script)"
    fi
    echo "AWS_ENDPOINT_URL=http://127.0.0.1:$port"
    return 0
  fi
  if pid=$(our_pid); then
    old_port=$(cat "$PORT_FILE" 2>/dev/null || echo '?')
    if [[ $old_port != "$port" ]]; then
      die "moto from .run/moto.pid (pid $pid) already runs on port $old_port: run 'scripts/moto.sh stop' first or use that port"
    fi
    log "moto pid $pid on port $port is not answering: restarting it"
    cmd_stop
  fi
  port_in_use "$port" && die "port $port on 127.0.0.1 is used by something that is not moto: pick another port (MOTO_PORT=...)"
  is_installed "$(pinned_version)" || cmd_install

  log "starting moto_server on 127.0.0.1:$port (log: .run/moto.log)"
  {
    echo "=== $(date -u +%FT%TZ) moto_server -H 127.0.0.1 -p $port"
  } >>"$LOG_FILE"
  # MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS=false: like AWS, a bucket of another account answers 403.
  # moto writes its own pid (bash's $$ survives the exec): setsid forks when it leads a process
  # group, as every background job of a shell with job control does, and $! would then be a
  # parent that exits at once.
  rm -f "$PID_FILE"
  MOTO_IAM_LOAD_MANAGED_POLICIES=true MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS=false \
    setsid bash -c 'echo "$$" >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$PID_FILE" \
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" </dev/null >>"$LOG_FILE" 2>&1 &
  for ((i = 0; i < 250; i++)); do
    [[ -s $PID_FILE ]] && break
    sleep 0.02
  done
  pid=$(cat "$PID_FILE" 2>/dev/null || echo 0)
  echo "$port" >"$PORT_FILE"

  deadline=$((SECONDS + START_TIMEOUT))
  until healthy "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE" "$PORT_FILE"
      die "moto_server exited during start-up (log above, full log in .run/moto.log)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$LOG_FILE" >&2 || true
      cmd_stop || true
      die "moto_server did not answer on port $port within ${START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  log "moto ready on port $port (pid $pid)"
  echo "AWS_ENDPOINT_URL=http://127.0.0.1:$port"
}

cmd_stop() {
  local pid i
  if ! pid=$(our_pid); then
    rm -f "$PID_FILE" "$PORT_FILE"
    log "moto not running (nothing started by this script)"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    our_pid >/dev/null || break  # gone, or a zombie (empty cmdline)
    sleep 0.1
  done
  if our_pid >/dev/null; then
    log "moto pid $pid ignored SIGTERM: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
  log "moto stopped (pid $pid)"
}

cmd_status() {
  local port=${1:-$DEFAULT_PORT}
  check_port "$port"
  command -v curl >/dev/null 2>&1 || { log "curl is not installed"; return 1; }
  if healthy "$port"; then
    log "moto is answering on port $port"
    return 0
  fi
  log "no moto answering on port $port"
  return 1
}

case ${1:-} in
  install) cmd_install ;;
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) shift; cmd_status "$@" ;;
  *)
    echo "usage: $0 install | start [port] | stop | status [port]" >&2
    exit 2
    ;;
esac
