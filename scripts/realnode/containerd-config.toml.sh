#!/usr/bin/env bash
# Prints containerd's config for the real node: data dir, socket, sandbox image, runc.
#
# Shaped like k3s's containerd config template, ContainerdConfigTemplate in k3s-io/k3s
# pkg/agent/templates/templates_linux.go (the stored version read: commit 06be48b674f7, a
# `version = 2` template): same stream server, SELinux off, unprivileged ports and ICMP on,
# overlayfs with snapshot annotations off, the pause image, k3s's CNI dirs, runc without the
# systemd cgroup driver. Those keys are written here in containerd 2.x's `version = 3` plugin
# tables (io.containerd.cri.v1.runtime / io.containerd.cri.v1.images, as containerd's
# docs/cri/config.md maps them). k3s on containerd 2.x renders its own v3 template
# (ContainerdConfigTemplateV3 in pkg/agent/templates/templates.go); that file could not be read
# here, so this is a translation of the v2 template, not a copy of k3s's v3 output.
# Ours, not k3s's: BinaryName points the runc shim at Debian's runc (k3s puts its own runc on
# PATH), and root/state/socket are given as k3s's agent sets them (its template leaves them to
# its Go code: <data-dir>/agent/containerd, /run/k3s/containerd, /run/k3s/containerd/containerd.sock).
set -euo pipefail
data="$1" sock="$2" pause="$3" runc="$4"
cat <<TOML
version = 3
root = "$data/agent/containerd"
state = "$(dirname "$sock")"

[grpc]
  address = "$sock"

[plugins.'io.containerd.internal.v1.opt']
  path = "$data/agent/containerd"

[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "10010"

[plugins.'io.containerd.cri.v1.runtime']
  enable_selinux = false
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  # k3s sets this when it runs in a user namespace. Needed here: this machine's capability
  # bounding set lacks CAP_SYS_RESOURCE, so no process may lower its oom_score_adj, and without it
  # runc fails every pod sandbox (the pause container asks for -998): "nsexec: failed to update
  # /proc/self/oom_score_adj: Permission denied". With it containerd keeps every container's
  # oom_score_adj at or above its own.
  restrict_oom_score_adj = true

[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  disable_snapshot_annotations = true

[plugins.'io.containerd.cri.v1.images'.pinned_images]
  sandbox = "$pause"

[plugins.'io.containerd.cri.v1.runtime'.cni]
  bin_dirs = ["$data/data/cni"]
  conf_dir = "$data/agent/etc/cni/net.d"

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
  SystemdCgroup = false
  BinaryName = "$runc"
TOML
