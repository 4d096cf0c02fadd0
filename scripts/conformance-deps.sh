#!/usr/bin/env bash
# Everything the conformance tests run: the reference CNI plugins (built from their Go module),
# a DHCP server for the dhcp IPAM test and kubectl (from Debian's packages). Each step is skipped when
# already done. Needs root for the package install.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/build-cni-plugins.sh"
# dnsmasq for the DHCP test; ping for the KubeVirt L2 tests; kubectl to read the kubeconfigs the writer produces;
# nft for portmap's port mappings and the bridge plugin's ipMasq.
packages=()
command -v dnsmasq >/dev/null || packages+=(dnsmasq-base)
command -v ping >/dev/null || packages+=(iputils-ping)
command -v kubectl >/dev/null || packages+=(kubernetes-client)
command -v nft >/dev/null || packages+=(nftables)
if [ "${#packages[@]}" -gt 0 ]; then
  start=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  echo "${packages[*]}: installed in $(( $(date +%s) - start ))s"
fi
