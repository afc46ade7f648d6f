#!/usr/bin/env bash
# The command-line tools the packaging and operations tests use, installed or built when missing.
# Prints one absolute path per name asked for, in order:
#
#   scripts/tools.sh helm       helm, built from the Go module proxy (scripts/helm-build.sh)
#   scripts/tools.sh kubectl    kubectl with its built-in kustomize (scripts/k8s-build.sh, shared with
#                               the end-to-end suite's API server, so one build serves both)
#   scripts/tools.sh promtool   promtool from Debian's `prometheus` package
#   scripts/tools.sh lua        a Lua 5.1 interpreter (Debian's `lua5.1`): Argo CD runs health checks
#                               in gopher-lua, which implements Lua 5.1
#
# apt-get needs root (CI runs as root); the packages' services are never started.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf '[tools] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

apt_install() {
  local pkg=$1
  [[ $EUID -eq 0 ]] || die "$pkg is missing: installing it needs root (sudo apt-get install -y --no-install-recommends $pkg)"
  command -v apt-get >/dev/null 2>&1 || die "$pkg is missing and there is no apt-get: install it by hand"
  log "installing $pkg with apt-get"
  mkdir -p "$ROOT/.run"
  local apt_log=$ROOT/.run/apt-$pkg.log
  # Serialised with the other scripts' apt-get calls (scripts/test.sh runs several at once). A
  # policy-rc.d refusing every start keeps the package's service (prometheus) from starting.
  if ! (
    flock -w 900 9 || exit 1
    export DEBIAN_FRONTEND=noninteractive
    policy=''
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      policy=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    # Only update the package lists when the package is not known yet (a fresh machine).
    apt-cache show "$pkg" >/dev/null 2>&1 || apt-get update
    apt-get install -y --no-install-recommends "$pkg"
  ) 9>/var/lock/awshooks-apt.lock >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    die "apt-get install $pkg failed (full log in .run/apt-$pkg.log)"
  fi
}

tool() {
  local bin
  case $1 in
    # Assigned first: a failed build must fail this script (set -e ignores a failure inside echo "$(...)").
    helm) bin=$(bash "$ROOT/scripts/helm-build.sh") && echo "$bin/helm" ;;
    kubectl) bin=$(bash "$ROOT/scripts/k8s-build.sh") && echo "$bin/kubectl" ;;
    promtool)
      command -v promtool >/dev/null 2>&1 || apt_install prometheus
      command -v promtool || die "prometheus installed but no promtool on PATH"
      ;;
    lua)
      command -v lua5.1 >/dev/null 2>&1 || apt_install lua5.1
      command -v lua5.1 || die "lua5.1 installed but not on PATH"
      ;;
    *) die "unknown tool: $1 (helm, kubectl, promtool, lua)" ;;
  esac
}

(($# > 0)) || die "usage: scripts/tools.sh helm|kubectl|promtool|lua..."
for name in "$@"; do tool "$name"; done
