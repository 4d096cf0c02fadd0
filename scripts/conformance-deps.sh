#!/usr/bin/env bash
# Everything the conformance tests run: the reference CNI plugins (built from their Go module) and
# a DHCP server for the dhcp IPAM test (dnsmasq, from Debian's packages). Each step is skipped when
# already done. Needs root for the package install.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/build-cni-plugins.sh"
if ! command -v dnsmasq >/dev/null; then
  start=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends dnsmasq-base >/dev/null
  echo "dnsmasq: installed in $(( $(date +%s) - start ))s"
fi
