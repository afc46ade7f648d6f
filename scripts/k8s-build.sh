#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kubectl from the Go module proxy (module
# k8s.io/kubernetes with its staging modules pinned through replace directives), into a cache outside
# the repository, so that later runs start in seconds. Prints the bin folder on stdout.
#
#   K8S_VERSION   k8s.io/kubernetes release (default v1.34.4); staging modules follow as v0.<minor>.<patch>
#   K8S_CACHE     where binaries are kept (default ${XDG_CACHE_HOME:-$HOME/.cache}/awshooks/k8s)
#
# The first build took 6 minutes on 2 cores (5 min 55 s measured, downloads included, cold Go caches);
# later runs reuse the binaries. A change of the recipe below (RECIPE) rebuilds them, which only relinks
# when Go's build cache is still there.
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-v1.34.4}
K8S_CACHE=${K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/awshooks/k8s}
BIN=$K8S_CACHE/$K8S_VERSION/bin
BINARIES=(kube-apiserver kube-controller-manager kubectl)
log() { printf '[k8s-build] %s\n' "$*" >&2; }

[[ $K8S_VERSION =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || { log "K8S_VERSION must look like v1.34.4, not '$K8S_VERSION'"; exit 1; }
minor=${BASH_REMATCH[1]}
# What the binaries report as their version (`kubectl version`, the API server's /version): gitMinor
# is the minor alone ("34"), as in Kubernetes' own releases; clients compare it as a number.
LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
RECIPE="$K8S_VERSION $LDFLAGS"
STAMP=$BIN/.recipe

have_all() {
  local b
  for b in "${BINARIES[@]}"; do [[ -x $BIN/$b ]] || return 1; done
  [[ -f $STAMP && $(cat "$STAMP") == "$RECIPE" ]]
}
if have_all; then echo "$BIN"; exit 0; fi
command -v go >/dev/null || { log "go is not installed (needed once, to build the Kubernetes binaries)"; exit 1; }

staging=v0.${K8S_VERSION#v1.}
SRC=$K8S_CACHE/$K8S_VERSION/module
mkdir -p "$SRC" "$BIN"
cd "$SRC"
# One build at a time per cache (two test runs may start together).
exec 9>"$K8S_CACHE/$K8S_VERSION/.lock"
flock 9
if have_all; then echo "$BIN"; exit 0; fi

log "building ${BINARIES[*]} $K8S_VERSION (staging $staging) into $BIN; the first build takes about 6 minutes on 2 cores"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')
[[ -f $gomod ]] || { log "could not download k8s.io/kubernetes@$K8S_VERSION"; exit 1; }
{
  echo "module awshooks.dev/k8s-build"
  echo
  echo "go $(sed -n 's/^go //p' "$gomod")"
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  # Every staging module the kubernetes module replaces with ./staging/... becomes its published version.
  sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#replace \1 => \1 '"$staging"'#p' "$gomod"
} >go.mod
cat >tools.go <<GO
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
go mod tidy -e >&2 2>&1 || true
go mod download >&2
rm -f "$STAMP"
for b in "${BINARIES[@]}"; do
  t0=$SECONDS
  CGO_ENABLED=0 go build -trimpath -ldflags "$LDFLAGS" -o "$BIN/$b.tmp" "k8s.io/kubernetes/cmd/$b" >&2
  mv "$BIN/$b.tmp" "$BIN/$b"
  log "built $b in $((SECONDS - t0))s"
done
echo "$RECIPE" >"$STAMP"
echo "$BIN"
