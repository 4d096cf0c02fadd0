#!/usr/bin/env bash
# Builds the reference CNI plugins that the conformance tests run, from their published Go module
# (containernetworking/plugins at the version the installer image carries), into .cache/.
# Skipped when the binaries are already there.
set -euo pipefail
version="${CNI_PLUGINS_VERSION:-v1.9.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${CNI_PLUGINS_DIR:-$root/.cache/cni-plugins/$version}"
plugins=(main/macvlan main/ipvlan main/bridge main/host-device main/vlan meta/tuning meta/portmap meta/sbr ipam/static ipam/host-local ipam/dhcp)

missing=0
for p in "${plugins[@]}"; do [ -x "$dest/${p#*/}" ] || missing=1; done
if [ "$missing" = 0 ]; then echo "cni plugins $version: cached in $dest"; exit 0; fi

command -v go >/dev/null || { echo "build-cni-plugins: Go is required to build the reference plugins" >&2; exit 1; }
mkdir -p "$dest"
start=$(date +%s)
pkgs=()
for p in "${plugins[@]}"; do pkgs+=("github.com/containernetworking/plugins/plugins/$p@$version"); done
GOBIN="$dest" CGO_ENABLED=0 go install "${pkgs[@]}"
echo "cni plugins $version: built into $dest in $(( $(date +%s) - start ))s"
