#!/usr/bin/env bash
# Builds the programs the simulated k3s node runs, from their published Go modules, into
# .cache/simnode/. Each stage is cached on its own and skipped when its outputs are there:
#   kubernetes  kube-apiserver and kubectl from k8s.io/kubernetes
#   etcd        scripts/simnode/etcd, over go.etcd.io/etcd/server/v3/embed at Kubernetes's version
#   cri         scripts/simnode/cri, containerd's CNI calls through github.com/containerd/go-cni
#   multus      the Multus binaries from gopkg.in/k8snetworkplumbingwg/multus-cni.v4
#   whereabouts the Whereabouts plugin, its control loop and installer scripts
#   plugins     the reference CNI plugins the chart installs, plus bridge for the primary network
#   busybox     a static busybox from Debian, for the commands the chart runs with a shell
set -euo pipefail
k8s_version="${SIMNODE_KUBERNETES_VERSION:-v1.37.2}"
multus_version="${SIMNODE_MULTUS_VERSION:-v4.3.0}"
whereabouts_version="${SIMNODE_WHEREABOUTS_VERSION:-v0.9.4}"
plugins_version="${CNI_PLUGINS_VERSION:-v1.9.1}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${SIMNODE_CACHE:-$root/.cache/simnode}"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false

command -v go >/dev/null || { echo "simnode build: Go is required" >&2; exit 1; }

stage() { # name, dir, outputs...: true when every output is there
  local name="$1" dir="$2"; shift 2
  for f in "$@"; do [ -x "$dir/$f" ] || return 1; done
  echo "build $name: cached in $dir"
}

# A module of our own in $1/src, with go.mod from stdin and the sources given, tidied.
own_module() {
  local mod="$1/src"; shift
  rm -rf "$mod" && mkdir -p "$mod"
  cat > "$mod/go.mod"
  for f in "$@"; do cp "$f" "$mod/"; done
  (cd "$mod" && go mod tidy >/dev/null 2>&1 || go mod tidy)
}
src_hash() { cat "$@" | sha256sum | cut -c1-12; }

# Kubernetes: k8s.io/kubernetes, with every staging module (which its go.mod replaces with
# ./staging/...) pointed at its published v0 version.
gomod="$(cd /tmp && GOFLAGS= go mod download -json "k8s.io/kubernetes@$k8s_version" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
go_line="go $(sed -n 's/^go //p' "$gomod")"
etcd_version="$(sed -n 's#^\s*go.etcd.io/etcd/server/v3 \(v[^ ]*\).*#\1#p' "$gomod")"
kdir="$cache/kubernetes-$k8s_version"
if ! stage kubernetes "$kdir/bin" kube-apiserver kubectl; then
  start=$(date +%s)
  staging_version="v0.${k8s_version#v1.}"
  tools="$(mktemp -d)/tools.go"
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kubectl"\n)\n' > "$tools"
  {
    printf 'module simnode/kubernetes\n\n%s\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$go_line" "$k8s_version"
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$gomod" | while read -r m; do
      printf '\t%s => %s %s\n' "$m" "$m" "$staging_version"
    done
    printf ')\n'
  } | own_module "$kdir" "$tools"
  mkdir -p "$kdir/bin"
  (cd "$kdir/src" && go build -trimpath -ldflags=-s -o "$kdir/bin/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
  echo "build kubernetes $k8s_version: $(( $(date +%s) - start ))s"
fi

# A program of ours, scripts/simnode/<name>/main.go, over one published module: built into
# $cache/<name>-<version>-<source hash>/<name>, whose dir is left in <name>_dir.
own_program() { # name, module, version
  local name="$1" module="$2" version="$3" start
  local dir="$cache/$name-$version-$(src_hash "$here/$name/main.go")"
  if ! stage "$name" "$dir" "$name"; then
    start=$(date +%s)
    printf 'module simnode/%s\n\n%s\n\nrequire %s %s\n' "$name" "$go_line" "$module" "$version" \
      | own_module "$dir" "$here/$name/main.go"
    (cd "$dir/src" && go build -trimpath -ldflags=-s -o "$dir/$name" .)
    echo "build $name ($module $version): $(( $(date +%s) - start ))s"
  fi
  printf -v "${name}_dir" '%s' "$dir"
}

# etcd over its embed package, at the version Kubernetes uses; containerd's CNI calls over go-cni.
own_program etcd go.etcd.io/etcd/server/v3 "$etcd_version"
own_program cri github.com/containerd/go-cni "${SIMNODE_GO_CNI_VERSION:-v1.1.14}"

# Multus: the thick daemon, its shim and installer, passthru, and the thin plugin with its entrypoint.
mdir="$cache/multus-$multus_version"
multus_cmds=(multus-daemon multus-shim install_multus passthru-cni multus thin_entrypoint kubeconfig_generator)
multus_tools="$(mktemp -d)/tools.go"
{
  printf '//go:build tools\n\npackage tools\n\nimport (\n'
  for c in "${multus_cmds[@]}"; do printf '\t_ "gopkg.in/k8snetworkplumbingwg/multus-cni.v4/cmd/%s"\n' "$c"; done
  printf ')\n'
} > "$multus_tools"
if ! stage multus "$mdir" "${multus_cmds[@]}"; then
  # Built in a module of our own: `go install pkg@version` asks the proxy for the version list,
  # which it refuses for this module.
  start=$(date +%s)
  printf 'module simnode/multus\n\n%s\n\nrequire gopkg.in/k8snetworkplumbingwg/multus-cni.v4 %s\n' "$go_line" "$multus_version" \
    | own_module "$mdir" "$multus_tools"
  pkgs=()
  for c in "${multus_cmds[@]}"; do pkgs+=("gopkg.in/k8snetworkplumbingwg/multus-cni.v4/cmd/$c"); done
  (cd "$mdir/src" && go build -trimpath -ldflags=-s -o "$mdir/" "${pkgs[@]}")
  echo "build multus $multus_version: $(( $(date +%s) - start ))s"
fi

# Whereabouts: the IPAM plugin and its control loop, plus the installer scripts its image carries.
wdir="$cache/whereabouts-$whereabouts_version"
if ! stage whereabouts "$wdir" whereabouts ip-control-loop install-cni.sh lib.sh token-watcher.sh; then
  start=$(date +%s)
  wsrc="$(cd /tmp && GOFLAGS= go mod download -json "github.com/k8snetworkplumbingwg/whereabouts@$whereabouts_version" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')"
  tools="$(mktemp -d)/tools.go"
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "github.com/k8snetworkplumbingwg/whereabouts/cmd"\n\t_ "github.com/k8snetworkplumbingwg/whereabouts/cmd/controlloop"\n)\n' > "$tools"
  {
    printf 'module simnode/whereabouts\n\n%s\n\nrequire github.com/k8snetworkplumbingwg/whereabouts %s\n\n' "$go_line" "$whereabouts_version"
    grep '^replace ' "$wsrc/go.mod"
  } | own_module "$wdir" "$tools"
  (cd "$wdir/src" && go build -trimpath -ldflags=-s -o "$wdir/whereabouts" github.com/k8snetworkplumbingwg/whereabouts/cmd \
    && go build -trimpath -ldflags=-s -o "$wdir/ip-control-loop" github.com/k8snetworkplumbingwg/whereabouts/cmd/controlloop)
  for f in install-cni.sh lib.sh token-watcher.sh; do install -m 0755 "$wsrc/script/$f" "$wdir/$f"; done
  echo "build whereabouts $whereabouts_version: $(( $(date +%s) - start ))s"
fi

# Reference plugins: what the installer image carries; loopback and bridge stand in for k3s's own.
pdir="$cache/cni-plugins-$plugins_version"
plugins=(main/loopback main/bridge main/macvlan main/ipvlan ipam/static ipam/host-local ipam/dhcp meta/portmap)
names=(); for p in "${plugins[@]}"; do names+=("${p#*/}"); done
if ! stage plugins "$pdir" "${names[@]}"; then
  start=$(date +%s)
  mkdir -p "$pdir"
  pkgs=()
  for p in "${plugins[@]}"; do pkgs+=("github.com/containernetworking/plugins/plugins/$p@$plugins_version"); done
  GOBIN="$pdir" go install -trimpath -ldflags=-s "${pkgs[@]}"
  echo "build cni plugins $plugins_version: $(( $(date +%s) - start ))s"
fi

# busybox: Debian's static build.
bdir="$cache/busybox"
if ! stage busybox "$bdir" busybox; then
  start=$(date +%s)
  mkdir -p "$bdir"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  (cd "$bdir" && apt-get download -qq -o APT::Sandbox::User=root busybox-static >/dev/null)
  dpkg-deb -x "$bdir"/busybox-static_*.deb "$bdir/deb"
  cp "$bdir/deb/bin/busybox" "$bdir/busybox"
  rm -rf "$bdir/deb" "$bdir"/busybox-static_*.deb
  echo "build busybox: $(( $(date +%s) - start ))s"
fi
cat > "$cache/paths.json" <<EOF
{
  "kubeApiserver": "$kdir/bin/kube-apiserver",
  "kubectl": "$kdir/bin/kubectl",
  "etcd": "$etcd_dir/etcd",
  "cri": "$cri_dir/cri",
  "multus": "$mdir",
  "whereabouts": "$wdir",
  "plugins": "$pdir",
  "busybox": "$bdir/busybox"
}
EOF
echo "simnode cache: $cache"
