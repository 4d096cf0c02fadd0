#!/usr/bin/env bash
# Builds scripts/doctor/loadorder (containerd's CNI config loading: go-cni over libcni, at the
# versions containerd v2.1.4 requires) into .cache/, and prints the binary's path. Skipped when
# built already.
set -euo pipefail
gocni="${GO_CNI_VERSION:-v1.1.12}" cni="${CNI_VERSION:-v1.3.0}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
src="$root/scripts/doctor/loadorder/main.go"
dir="$root/.cache/doctor-loadorder-$gocni-$(sha256sum "$src" | cut -c1-12)"
if [ -x "$dir/loadorder" ]; then echo "$dir/loadorder"; exit 0; fi
command -v go >/dev/null || { echo "build-loadorder: Go is required" >&2; exit 1; }
start=$(date +%s)
rm -rf "$dir/src" && mkdir -p "$dir/src"
printf 'module doctor/loadorder\n\ngo 1.23\n\nrequire (\n\tgithub.com/containerd/go-cni %s\n\tgithub.com/containernetworking/cni %s\n)\n' "$gocni" "$cni" > "$dir/src/go.mod"
cp "$src" "$dir/src/"
(cd "$dir/src" && GOFLAGS=-buildvcs=false go mod tidy >/dev/null 2>&1 && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -o "$dir/loadorder" .)
echo "loadorder (go-cni $gocni, cni $cni): built in $(( $(date +%s) - start ))s" >&2
echo "$dir/loadorder"
