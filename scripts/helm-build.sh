#!/usr/bin/env bash
# Builds the helm CLI from the Go module proxy (module helm.sh/helm/v3) into a cache outside the
# repository, so that later runs start at once. Prints the bin folder on stdout, for
#   HELM="$(bash scripts/helm-build.sh)/helm"
#
#   HELM_VERSION  helm.sh/helm/v3 release (default below: the 3.19 line, whose Kubernetes libraries are
#                 the 1.34 ones that scripts/k8s-build.sh builds the test cluster from)
#   HELM_CACHE    where binaries are kept (default ${XDG_CACHE_HOME:-$HOME/.cache}/awshooks/helm)
#
# The first build takes 3–6 minutes on 2 cores (downloads plus compile); later runs reuse it.
set -euo pipefail
HELM_VERSION=${HELM_VERSION:-v3.19.5}
HELM_CACHE=${HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/awshooks/helm}
BIN=$HELM_CACHE/$HELM_VERSION/bin
log() { printf '[helm-build] %s\n' "$*" >&2; }

if [[ -x $BIN/helm ]]; then echo "$BIN"; exit 0; fi
command -v go >/dev/null || { log "go is not installed"; exit 1; }
mkdir -p "$BIN"
# One build at a time per cache (two test runs may start together).
exec 9>"$HELM_CACHE/$HELM_VERSION/.lock"
flock 9
if [[ -x $BIN/helm ]]; then echo "$BIN"; exit 0; fi

log "building helm $HELM_VERSION into $BIN"
t0=$SECONDS
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
# The Kubernetes version `helm template` and `helm lint` assume (.Capabilities.KubeVersion, checked
# against Chart.yaml's kubeVersion) is the minor of the client-go helm is built with, as helm's own
# Makefile sets it; without it helm says v1.20.
gomod=$(go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')
[[ -f $gomod ]] || { log "could not download helm.sh/helm/v3@$HELM_VERSION"; exit 1; }
k8s_minor=$(sed -n 's#^\s*k8s.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$gomod" | head -n1)
[[ -n $k8s_minor ]] || { log "no k8s.io/client-go in $gomod"; exit 1; }
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$k8s_minor"
done
# `go install module@version` builds with the module's own go.mod (its pinned dependencies), in
# module mode whatever the working directory.
GOBIN="$BIN.tmp" go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
mv "$BIN.tmp/helm" "$BIN/helm"
rmdir "$BIN.tmp"
"$BIN/helm" version --short >&2
log "built helm in $((SECONDS - t0))s"
echo "$BIN"
