#!/usr/bin/env bash
# A real k3s-shaped node, proof of concept: builds what it runs (scripts/realnode/build.sh), then
# runs scripts/realnode/node.sh in new mount, network and PID namespaces, where etcd, the API
# server, the controller manager, the scheduler, containerd and the real kubelet come up and run
# test pods. Every mount, link and process is gone when it ends; the cgroups kubelet makes (cgroup
# v1 directories are not namespaced) are all under one root of this run's, removed at the end.
# Needs root. REALNODE_HOLD=1 keeps the node up after the checks until the script is interrupted.
# Logs and the run's files stay in the directory printed at the start (REALNODE_KEEP=0 removes it).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ "$(id -u)" = 0 ] || { echo "realnode: must run as root (namespaces, mounts, cgroups)" >&2; exit 1; }
packages=()
for pair in ip:iproute2 unshare:util-linux nsenter:util-linux openssl:openssl; do
  command -v "${pair%%:*}" >/dev/null || packages+=("${pair#*:}")
done
if [ "${#packages[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

bash "$root/scripts/realnode/build.sh"

lab="$(mktemp -d /tmp/realnode.XXXXXX)"
cgroot="realnode-${lab##*.}"
echo "realnode: run directory $lab, cgroup root /$cgroot"
# kubelet requires its --cgroup-root to exist in every hierarchy it uses.
for h in /sys/fs/cgroup/*/; do
  [ -e "$h/cgroup.procs" ] && [ "$(basename "$h")" != unified ] && mkdir -p "$h$cgroot"
done
cleanup() {
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    local left=0
    for h in /sys/fs/cgroup/*/"$cgroot"; do
      [ -d "$h" ] || continue
      find "$h" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      [ -d "$h" ] && left=1
    done
    [ "$left" = 0 ] && break
    sleep 1
  done
  [ "$left" = 0 ] || echo "realnode: cgroups left under /sys/fs/cgroup/*/$cgroot" >&2
  [ "${REALNODE_KEEP:-1}" = 1 ] || rm -rf "$lab"
}
trap cleanup EXIT
unshare --mount --net --pid --fork --mount-proc --propagation private -- \
  bash "$root/scripts/realnode/node.sh" "$lab" "$cgroot" &
upid=$!
# The namespace's PID 1 (unshare's child): killing it ends every process in the namespace.
for _ in 1 2 3 4 5 6 7 8 9 10; do init="$(pgrep -P "$upid" || true)"; [ -n "$init" ] && break; sleep 0.2; done
echo "$init" > "$lab/ns-init.pid"
trap '[ -n "$init" ] && kill -KILL "$init" 2>/dev/null' INT TERM
rc=0
wait "$upid" || rc=$?
echo "realnode: exit $rc; logs in $lab/logs"
exit "$rc"
