#!/usr/bin/env bash
# Renders what an install applies, for the end-to-end suite and for people (stdout, YAML):
#
#   scripts/render.sh chart [NAMESPACE] [HELM FLAGS...]   what `helm install awshooks charts/awshooks
#                                                         -n NAMESPACE` creates (default namespace
#                                                         awshooks), e.g. --set config.AWS_ENDPOINT_URL=...
#   scripts/render.sh install [NAMESPACE]                 manifests/install.yaml for NAMESPACE: what
#                                                         `kubectl apply -k manifests/` applies with
#                                                         that namespace set (test/unit/packaging/
#                                                         kustomize.test.ts proves the two equal)
#
# With `chart`, the hook token Secret is generated anew on each render (`helm template` cannot look
# up the one in a cluster); pass --set hookToken.existingSecret=NAME to use your own.
# From TypeScript: renderChart()/renderChartText()/renderInstall() in scripts/packaging.ts.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
what=${1:-}
namespace=${2:-awshooks}
HELM=${HELM:-$(bash "$ROOT/scripts/tools.sh" helm)}
case $what in
  chart) exec "$HELM" template awshooks "$ROOT/charts/awshooks" --namespace "$namespace" "${@:3}" ;;
  install) exec "$HELM" template awshooks "$ROOT/charts/awshooks" --namespace "$namespace" --values "$ROOT/manifests/install-values.yaml" ;;
  *) echo "usage: scripts/render.sh chart|install [NAMESPACE] [HELM FLAGS...]" >&2; exit 2 ;;
esac
