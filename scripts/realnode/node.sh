#!/usr/bin/env bash
# The real-node run, inside the namespaces scripts/realnode/up.sh makes: arguments are the run's
# directory and the cgroup root (a directory up.sh made in each cgroup v1 hierarchy).
#
# The node is laid out at k3s's own paths: a tmpfs /var/lib of the namespace's own holds
# <data-dir> = /var/lib/rancher/k3s and kubelet's /var/lib/kubelet, so host paths in manifests
# written for k3s mean the same here:
#   <data-dir>/data/cni                 CNI plugin binaries (containerd's bin_dirs)
#   <data-dir>/agent/etc/cni/net.d      CNI network configs (containerd's conf_dir)
#   <data-dir>/agent/containerd         containerd's root
#   /run/k3s/containerd                 containerd's state and socket (a tmpfs /run of our own)
#   <data-dir>/agent/etc/containerd/config.toml
# Addresses are k3s's defaults: cluster CIDR 10.42.0.0/16, service CIDR 10.43.0.0/16, DNS 10.43.0.10.
set -euo pipefail
lab="$1" cgroot="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck disable=SC1091
source "$root/.cache/realnode/paths.env"
export PATH="$CONTAINERD_BIN:$KUBE_BIN:$PATH"
data=/var/lib/rancher/k3s
logs="$lab/logs"
pki="$lab/pki"
node=realnode
node_ip=10.44.0.2
sock=/run/k3s/containerd/containerd.sock
mkdir -p "$logs" "$pki" "$lab/varlog"
# PID 1 of its namespace: bash ignores signals it has no handler for there.
trap 'exit 143' TERM INT
log() { echo "[$(date -u +%T)] $*" | tee -a "$logs/steps.log"; }
# Runs a logged command: the command line and its output go to steps.log.
cmd() { echo "\$ $*" >> "$logs/steps.log"; "$@" 2>&1 | tee -a "$logs/steps.log"; return "${PIPESTATUS[0]}"; }
wait_for() { # what, seconds, command...
  local what="$1" secs="$2"; shift 2
  local end=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -gt "$end" ]; then log "TIMEOUT after ${secs}s waiting for $what"; return 1; fi
    sleep 1
  done
  log "ready: $what"
}
start() { # name, command...: in the background, output to logs/<name>.log
  local name="$1"; shift
  echo "\$ $* > $logs/$name.log" >> "$logs/steps.log"
  "$@" > "$logs/$name.log" 2>&1 &
  echo $! > "$lab/$name.pid"
}

# --- namespace plumbing: a /run and a /var/log of our own, a node address on a veth
mount -t tmpfs -o mode=755 tmpfs /run
mount --bind "$lab/varlog" /var/log
mount -t tmpfs -o mode=755 tmpfs /var/lib
mkdir -p "$data/data/cni" "$data/agent/etc/cni/net.d" "$data/agent/containerd" "$data/agent/etc/containerd" \
  "$data/server/db" /var/lib/kubelet /var/lib/cni
# Name lookups stay in the namespace: the node's name in hosts, the cluster DNS address (nothing
# listens there) as the only nameserver.
printf '127.0.0.1 localhost\n%s %s\n' "$node_ip" "$node" > "$lab/hosts"
printf 'nameserver 10.43.0.10\n' > "$lab/resolv.conf"
mount --bind "$lab/hosts" /etc/hosts
mount --bind "$lab/resolv.conf" /etc/resolv.conf
mkdir -p /run/k3s/containerd
ip link set lo up
ip link add eth0 type veth peer name eth0-peer
ip addr add "$node_ip/24" dev eth0
ip link set eth0 up
ip link set eth0-peer up
ip route add default dev eth0
log "namespaces: $(readlink /proc/self/ns/net) $(readlink /proc/self/ns/pid), node ip $node_ip"

# --- PKI: a CA, the API server's cert, an admin cert, the node's cert, the service-account key
ssl() { (cd "$pki" && openssl "$@") >/dev/null 2>&1; }
ssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=realnode-ca -keyout ca.key -out ca.crt
leaf() { # name, subject, extensions
  ssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr"
  printf '%b' "$3" > "$pki/$1.ext"
  ssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile "$1.ext" -out "$1.crt"
}
sans="IP:10.43.0.1,IP:$node_ip,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
leaf apiserver /CN=kube-apiserver "subjectAltName=$sans\nextendedKeyUsage=serverAuth\n"
leaf admin /O=system:masters/CN=realnode-admin 'extendedKeyUsage=clientAuth\n'
leaf kubelet "/O=system:nodes/CN=system:node:$node" 'extendedKeyUsage=clientAuth\n'
ssl genrsa -out sa.key 2048
kubeconfig() { # file, cert name
  local k=(kubectl --kubeconfig "$1")
  "${k[@]}" config set-cluster realnode --server="https://127.0.0.1:6443" --certificate-authority="$pki/ca.crt" --embed-certs >/dev/null
  "${k[@]}" config set-credentials user --client-certificate="$pki/$2.crt" --client-key="$pki/$2.key" --embed-certs >/dev/null
  "${k[@]}" config set-context realnode --cluster=realnode --user=user >/dev/null
  "${k[@]}" config use-context realnode >/dev/null
}
kubeconfig "$lab/admin.kubeconfig" admin
kubeconfig "$lab/kubelet.kubeconfig" kubelet
export KUBECONFIG="$lab/admin.kubeconfig"
log "pki written"

# --- control plane
start etcd "$ETCD" --data-dir "$data/server/db/etcd"
start kube-apiserver kube-apiserver \
  --etcd-servers=http://127.0.0.1:2379 \
  --advertise-address="$node_ip" --secure-port=6443 \
  --service-cluster-ip-range=10.43.0.0/16 \
  --client-ca-file="$pki/ca.crt" \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --kubelet-client-certificate="$pki/admin.crt" --kubelet-client-key="$pki/admin.key" \
  --service-account-key-file="$pki/sa.key" --service-account-signing-key-file="$pki/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --kubelet-preferred-address-types=InternalIP \
  --allow-privileged=true --cert-dir="$lab/apiserver-certs"
wait_for "the API server" 120 sh -c '[ "$(kubectl get --raw /readyz)" = ok ]'
start kube-controller-manager kube-controller-manager \
  --kubeconfig="$lab/admin.kubeconfig" --authentication-kubeconfig="$lab/admin.kubeconfig" \
  --authorization-kubeconfig="$lab/admin.kubeconfig" \
  --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
  --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
  --allocate-node-cidrs --cluster-cidr=10.42.0.0/16 --service-cluster-ip-range=10.43.0.0/16 \
  --leader-elect=false --bind-address=127.0.0.1
start kube-scheduler kube-scheduler \
  --kubeconfig="$lab/admin.kubeconfig" --authentication-kubeconfig="$lab/admin.kubeconfig" \
  --authorization-kubeconfig="$lab/admin.kubeconfig" --leader-elect=false --bind-address=127.0.0.1
wait_for "the default ServiceAccount" 120 kubectl get serviceaccount default

# --- containerd, with a config shaped like k3s's (see containerd-config.toml.sh)
bash "$here/containerd-config.toml.sh" "$data" "$sock" "$PAUSE_IMAGE" "$RUNC" > "$data/agent/etc/containerd/config.toml"
cp "$data/agent/etc/containerd/config.toml" "$logs/containerd-config.toml"
start containerd containerd --config "$data/agent/etc/containerd/config.toml" --log-level info
wait_for "containerd's socket" 60 ctr --address "$sock" version
ctr --address "$sock" plugins ls > "$logs/containerd-plugins.txt" 2>&1 || true
containerd --config "$data/agent/etc/containerd/config.toml" config dump > "$logs/containerd-config-dump.toml" 2>&1 || true
for i in pause busybox; do
  cmd ctr --address "$sock" -n k8s.io images import "$IMAGES/$i.tar"
done
cmd ctr --address "$sock" -n k8s.io images ls

# --- CNI: the reference plugins, and a bridge network on the node's pod CIDR
cp "$CNI_PLUGINS"/* "$data/data/cni/"
cat > "$data/agent/etc/cni/net.d/10-bridge.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "realnode",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "isDefaultGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "10.42.0.0/24" }]]
      }
    }
  ]
}
EOF

# --- kubelet
cat > "$data/agent/etc/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# The machine's cgroups are v1 and not managed by systemd.
cgroupDriver: cgroupfs
failCgroupV1: false
# Every cgroup kubelet makes goes under this run's root.
cgroupRoot: /$cgroot
containerRuntimeEndpoint: unix://$sock
imageServiceEndpoint: unix://$sock
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: false }
  x509: { clientCAFile: $pki/ca.crt }
authorization: { mode: AlwaysAllow }
clusterDomain: cluster.local
clusterDNS: [10.43.0.10]
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
failSwapOn: false
serializeImagePulls: false
evictionHard: { imagefs.available: "5%", nodefs.available: "5%" }
resolvConf: /etc/resolv.conf
EOF
cp "$data/agent/etc/kubelet.yaml" "$logs/kubelet.yaml"
start kubelet kubelet --config="$data/agent/etc/kubelet.yaml" --kubeconfig="$lab/kubelet.kubeconfig" \
  --root-dir=/var/lib/kubelet --hostname-override="$node" --node-ip="$node_ip" --v=2
wait_for "node $node to register" 120 kubectl get node "$node"
wait_for "node $node to be Ready" 120 sh -c "kubectl get node $node -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True" \
  || { kubectl get node "$node" -o yaml > "$logs/node.yaml" 2>&1; }
kubectl get node -o wide 2>&1 | tee -a "$logs/steps.log"

# --- pods
pod() { # name, hostNetwork
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: { name: $1 }
spec:
  hostNetwork: $2
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: $BUSYBOX_IMAGE
    imagePullPolicy: Never
    command: [sh, -c, 'ip addr; ip route; sleep 3600']
EOF
}
result=0
for p in host:true bridge:false; do
  name="pod-${p%%:*}"
  pod "$name" "${p#*:}" | cmd kubectl apply -f -
  if wait_for "pod $name Running" 120 sh -c "kubectl get pod $name -o jsonpath='{.status.phase}' | grep -qx Running"; then
    cmd kubectl get pod "$name" -o wide
    cmd kubectl logs "$name" || true
    cmd kubectl exec "$name" -- ip -4 addr || true
  else
    result=1
    cmd kubectl get pod "$name" -o wide || true
    cmd kubectl describe pod "$name" || true
  fi
done
if kubectl get pod pod-bridge -o jsonpath='{.status.podIP}' | grep -q .; then
  pip="$(kubectl get pod pod-bridge -o jsonpath='{.status.podIP}')"
  cmd "$BUSYBOX" ping -c 2 -W 2 "$pip" || result=1
  cmd kubectl exec pod-bridge -- ping -c 2 -W 2 "$node_ip" || result=1
fi
cmd kubectl get events -A --sort-by=.lastTimestamp > /dev/null || true
kubectl get events -A --sort-by=.lastTimestamp > "$logs/events.txt" 2>&1 || true
log "result: $result"
if [ "${REALNODE_HOLD:-0}" = 1 ]; then
  log "holding; enter with: nsenter -t \$(cat $lab/ns-init.pid) -m -n -p; interrupt up.sh to stop"
  sleep infinity &
  wait $! || true
fi
cmd kubectl delete pod --all --wait=true --timeout=60s || true
exit "$result"
