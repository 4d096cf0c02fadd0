#!/usr/bin/env bash
# The simulated k3s node: builds what it runs (each stage cached in .cache/simnode), synthesizes the
# README example, and brings it up with the real Multus, reference plugins and API server. The run
# happens in new mount, network and PID namespaces: every mount, link and process it makes is gone
# when it ends, also on failure. Needs root.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[ "$(id -u)" = 0 ] || { echo "simnode: must run as root (namespaces, mounts, chroot)" >&2; exit 1; }
start=$(date +%s)
# The tools the run uses, from Debian's packages where missing (dnsmasq serves the DHCP scenario's LAN).
packages=()
for pair in ip:iproute2 unshare:util-linux nsenter:util-linux chroot:coreutils openssl:openssl dnsmasq:dnsmasq-base; do
  command -v "${pair%%:*}" >/dev/null || packages+=("${pair#*:}")
done
if [ "${#packages[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

echo "== build (cached)"
bash scripts/simnode/build.sh
echo "build: $(( $(date +%s) - start ))s"

echo "== synthesize the README example"
[ -f lib/lint/cli.js ] || npx projen compile
npx projen synth:example >/dev/null
yaml="$root/dist/example/k3s-multus.k8s.yaml"

lab="$(mktemp -d /tmp/simnode.XXXXXX)"
trap 'rm -rf "$lab"' EXIT
echo "== run"
unshare --mount --net --pid --fork --mount-proc --propagation private -- \
  "$root/node_modules/.bin/ts-node" --transpile-only "$root/scripts/simnode/run.ts" "$yaml" "$root/.cache/simnode/paths.json" "$lab"
echo "simnode: done in $(( $(date +%s) - start ))s"
