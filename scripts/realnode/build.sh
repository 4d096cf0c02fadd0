#!/usr/bin/env bash
# Builds what a real k3s-shaped node runs, from published Go modules and Debian packages, into
# .cache/realnode/. Each stage is cached on its own and skipped when its outputs are there:
#   kubernetes  kube-apiserver, kubectl, kube-controller-manager, kube-scheduler and kubelet
#               from k8s.io/kubernetes (staging modules pointed at their v0 versions)
#   etcd        scripts/simnode/etcd, over go.etcd.io/etcd/server/v3/embed at Kubernetes's version
#   containerd  containerd (CRI plugin built in), containerd-shim-runc-v2 and ctr
#   ociimage    scripts/realnode/ociimage, over github.com/google/go-containerregistry
#   pause       scripts/realnode/pause, the sandbox's process
#   busybox     a static busybox from Debian
#   images      image archives for `ctr images import`: the pause image and a busybox image
#   plugins     the reference CNI plugins a pod network needs (loopback, bridge, host-local, portmap)
# runc comes from Debian's package (installed when missing). Stage times go to build-times.log.
set -euo pipefail
k8s_version="${REALNODE_KUBERNETES_VERSION:-v1.37.2}"
# k3s's go.mod (a Kubernetes 1.37 pre-release commit, 00014d2846a2) replaces containerd/v2 with a
# fork tagged v2.3.4-…; this is the upstream release that fork is named after.
containerd_version="${REALNODE_CONTAINERD_VERSION:-v2.3.4}"
ggcr_version="${REALNODE_GGCR_VERSION:-v0.22.1}"
plugins_version="${CNI_PLUGINS_VERSION:-v1.9.1}"
# The sandbox image name k3s-generated containerd configs carry.
pause_image="${REALNODE_PAUSE_IMAGE:-docker.io/rancher/mirrored-pause:3.6}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${REALNODE_CACHE:-$root/.cache/realnode}"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
mkdir -p "$cache"
times="$cache/build-times.log"

command -v go >/dev/null || { echo "realnode build: Go is required" >&2; exit 1; }

stage() { # name, dir, outputs...: true when every output is there
  local name="$1" dir="$2"; shift 2
  for f in "$@"; do [ -e "$dir/$f" ] || return 1; done
  echo "build $name: cached in $dir"
}
took() { # name, start
  local line="build $1: $(( $(date +%s) - $2 ))s ($(date -u +%FT%TZ))"
  echo "$line"; echo "$line" >> "$times"
}
own_module() { # dir, sources...: a module of our own in dir/src, go.mod from stdin, tidied
  local mod="$1/src"; shift
  rm -rf "$mod" && mkdir -p "$mod"
  cat > "$mod/go.mod"
  for f in "$@"; do cp "$f" "$mod/"; done
  (cd "$mod" && go mod tidy >/dev/null 2>&1 || go mod tidy)
}
src_hash() { cat "$@" | sha256sum | cut -c1-12; }
tools_go() { # packages...: a tools.go importing them, its path printed
  local f; f="$(mktemp -d)/tools.go"
  { printf '//go:build tools\n\npackage tools\n\nimport (\n'; printf '\t_ "%s"\n' "$@"; printf ')\n'; } > "$f"
  echo "$f"
}

if ! command -v runc >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends runc >/dev/null
fi

# Kubernetes, as scripts/simnode/build.sh builds it, plus the node's and controllers' programs.
gomod="$(cd /tmp && GOFLAGS= go mod download -json "k8s.io/kubernetes@$k8s_version" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
go_line="go $(sed -n 's/^go //p' "$gomod")"
etcd_version="$(sed -n 's#^\s*go.etcd.io/etcd/server/v3 \(v[^ ]*\).*#\1#p' "$gomod")"
kdir="$cache/kubernetes-$k8s_version-v2"  # -v2: binaries stamped with their version
kcmds=(kube-apiserver kubectl kube-controller-manager kube-scheduler kubelet)
if ! stage kubernetes "$kdir/bin" "${kcmds[@]}"; then
  start=$(date +%s)
  staging_version="v0.${k8s_version#v1.}"
  pkgs=(); for c in "${kcmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  {
    printf 'module realnode/kubernetes\n\n%s\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$go_line" "$k8s_version"
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$gomod" | while read -r m; do
      printf '\t%s => %s %s\n' "$m" "$m" "$staging_version"
    done
    printf ')\n'
  } | own_module "$kdir" "$(tools_go "${pkgs[@]}")"
  took "kubernetes modules (tidy)" "$start"
  mkdir -p "$kdir/bin"
  # The version the binaries report (kubelet puts it in the Node's status), as Kubernetes's own
  # build stamps it; without it they say v0.0.0-master+$Format:%H$.
  minor="${k8s_version#v1.}"; minor="${minor%%.*}"
  vflags="-s"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    vflags+=" -X $p.gitVersion=$k8s_version -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  for c in "${kcmds[@]}"; do
    s=$(date +%s)
    # All static (CGO_ENABLED=0); should kubelet need cgo, say so and build it with cgo.
    if ! (cd "$kdir/src" && go build -trimpath -ldflags="$vflags" -o "$kdir/bin/" "k8s.io/kubernetes/cmd/$c"); then
      [ "$c" = kubelet ] || exit 1
      echo "build kubelet: failed with CGO_ENABLED=0; building with cgo" | tee -a "$times"
      (cd "$kdir/src" && CGO_ENABLED=1 go build -trimpath -ldflags="$vflags" -o "$kdir/bin/" "k8s.io/kubernetes/cmd/$c")
    fi
    took "kubernetes $c" "$s"
  done
  took "kubernetes $k8s_version" "$start"
fi

# A program of ours, scripts/<dir>/<name>/main.go, over one published module: built into
# $cache/<name>-<version>-<source hash>/<name>, whose dir is left in <name>_dir.
own_program() { # source dir, name, module, version
  local src="$1/$2/main.go" name="$2" module="$3" version="$4" start
  local dir="$cache/$name-$version-$(src_hash "$src")"
  if ! stage "$name" "$dir" "$name"; then
    start=$(date +%s)
    printf 'module realnode/%s\n\n%s\n\nrequire %s %s\n' "$name" "$go_line" "$module" "$version" \
      | own_module "$dir" "$src"
    (cd "$dir/src" && go build -trimpath -ldflags=-s -o "$dir/$name" .)
    took "$name ($module $version)" "$start"
  fi
  printf -v "${name}_dir" '%s' "$dir"
}
own_program "$root/scripts/simnode" etcd go.etcd.io/etcd/server/v3 "$etcd_version"
own_program "$here" ociimage github.com/google/go-containerregistry "$ggcr_version"

# pause: no dependencies.
pdir="$cache/pause-$(src_hash "$here/pause/main.go")"
if ! stage pause "$pdir" pause; then
  start=$(date +%s)
  rm -rf "$pdir/src" && mkdir -p "$pdir/src"
  printf 'module realnode/pause\n\n%s\n' "$go_line" > "$pdir/src/go.mod"
  cp "$here/pause/main.go" "$pdir/src/"
  (cd "$pdir/src" && go build -trimpath -ldflags=-s -o "$pdir/pause" .)
  took pause "$start"
fi

# containerd: the daemon (with the CRI plugin), the runc shim and ctr. Static, as the shim is
# upstream; without cgo the btrfs snapshotter is left out (k3s builds with no_btrfs too).
cdir="$cache/containerd-$containerd_version"
ccmds=(containerd containerd-shim-runc-v2 ctr)
if ! stage containerd "$cdir" "${ccmds[@]}"; then
  start=$(date +%s)
  pkgs=(); for c in "${ccmds[@]}"; do pkgs+=("github.com/containerd/containerd/v2/cmd/$c"); done
  printf 'module realnode/containerd\n\n%s\n\nrequire github.com/containerd/containerd/v2 %s\n' "$go_line" "$containerd_version" \
    | own_module "$cdir" "$(tools_go "${pkgs[@]}")"
  (cd "$cdir/src" && go build -trimpath -tags no_btrfs \
    -ldflags="-s -X github.com/containerd/containerd/v2/version.Version=$containerd_version" -o "$cdir/" "${pkgs[@]}")
  took "containerd $containerd_version" "$start"
fi

# busybox: Debian's static build.
bdir="$cache/busybox"
if ! stage busybox "$bdir" busybox; then
  start=$(date +%s)
  mkdir -p "$bdir"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  (cd "$bdir" && apt-get download -qq -o APT::Sandbox::User=root busybox-static >/dev/null)
  ver="$(dpkg-deb -f "$bdir"/busybox-static_*.deb Version)"
  dpkg-deb -x "$bdir"/busybox-static_*.deb "$bdir/deb"
  cp "$bdir/deb/bin/busybox" "$bdir/busybox"
  echo "$ver" > "$bdir/version"
  rm -rf "$bdir/deb" "$bdir"/busybox-static_*.deb
  took busybox "$start"
fi
bb_tag="$(sed 's/^[0-9]*://; s/^\([0-9]*\.[0-9]*\).*/\1/' "$bdir/version")"
busybox_image="docker.io/library/busybox:$bb_tag"

# Image archives: one layer each, owned by root.
idir="$cache/images-$(src_hash "$pdir/pause" "$bdir/busybox" "$ociimage_dir/ociimage")"
if ! stage images "$idir" pause.tar busybox.tar; then
  start=$(date +%s)
  rm -rf "$idir" && mkdir -p "$idir/pause-root" "$idir/busybox-root/bin" "$idir/busybox-root/tmp" "$idir/busybox-root/etc"
  cp "$pdir/pause" "$idir/pause-root/pause"
  cp "$bdir/busybox" "$idir/busybox-root/bin/busybox"
  for a in $("$bdir/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$idir/busybox-root/bin/$a"; done
  chmod 1777 "$idir/busybox-root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$idir/busybox-root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$idir/busybox-root/etc/group"
  for i in pause busybox; do
    tar -C "$idir/$i-root" --owner=0 --group=0 --numeric-owner --sort=name --mtime=@0 -cf "$idir/$i-layer.tar" .
  done
  "$ociimage_dir/ociimage" -layer "$idir/pause-layer.tar" -name "$pause_image" -entrypoint /pause -o "$idir/pause.tar"
  "$ociimage_dir/ociimage" -layer "$idir/busybox-layer.tar" -name "$busybox_image" -cmd sh -o "$idir/busybox.tar"
  rm -rf "$idir"/*-root "$idir"/*-layer.tar
  took images "$start"
fi

# Reference CNI plugins.
cnidir="$cache/cni-plugins-$plugins_version"
plugins=(main/loopback main/bridge ipam/host-local meta/portmap)
names=(); for p in "${plugins[@]}"; do names+=("${p#*/}"); done
if ! stage plugins "$cnidir" "${names[@]}"; then
  start=$(date +%s)
  mkdir -p "$cnidir"
  pkgs=(); for p in "${plugins[@]}"; do pkgs+=("github.com/containernetworking/plugins/plugins/$p@$plugins_version"); done
  GOBIN="$cnidir" go install -trimpath -ldflags=-s "${pkgs[@]}"
  took "cni plugins $plugins_version" "$start"
fi

cat > "$cache/paths.env" <<EOF
KUBE_BIN=$kdir/bin
ETCD=$etcd_dir/etcd
CONTAINERD_BIN=$cdir
RUNC=$(command -v runc)
IMAGES=$idir
PAUSE_IMAGE=$pause_image
BUSYBOX_IMAGE=$busybox_image
CNI_PLUGINS=$cnidir
BUSYBOX=$bdir/busybox
EOF
echo "realnode cache: $cache"
