#!/usr/bin/env bash
# Builds scripts/yaml-referee (kubectl's, the API server's and kustomize's YAML decoding, from the
# published k8s.io/apimachinery, sigs.k8s.io/yaml and sigs.k8s.io/kustomize modules) into .cache/.
# Skipped when it is there and its source has not changed.
set -euo pipefail
apimachinery="${APIMACHINERY_VERSION:-v0.37.2}"
# The kustomize that kubectl v1.37 embeds.
kustomize="${KUSTOMIZE_API_VERSION:-v0.21.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/yaml-referee/$apimachinery"
if [ -x "$dir/yaml-referee" ] && cmp -s "$root/scripts/yaml-referee/main.go" "$dir/main.go"; then echo "yaml-referee: cached in $dir"; exit 0; fi
command -v go >/dev/null || { echo "build-yaml-referee: Go is required" >&2; exit 1; }
mkdir -p "$dir"
cp "$root/scripts/yaml-referee/main.go" "$dir/main.go"
cd "$dir"
[ -f go.mod ] || go mod init yaml-referee >/dev/null 2>&1
go get "k8s.io/apimachinery@$apimachinery" "sigs.k8s.io/kustomize/api@$kustomize" >/dev/null 2>&1
go mod tidy >/dev/null 2>&1 || go mod tidy
CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -o yaml-referee .
echo "yaml-referee: built into $dir (sigs.k8s.io/yaml $(go list -m -f '{{.Version}}' sigs.k8s.io/yaml))"
