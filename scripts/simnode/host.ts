// The node's file system: a fake k3s host root, and one directory per container image the chart
// references, laid out as those images are upstream.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** k3s's defaults (DOMAIN.md section 2). */
export const K3S = {
  dataDir: '/var/lib/rancher/k3s/data',
  confDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d',
  binDir: '/var/lib/rancher/k3s/data/cni',
  /** The plugins k3s bundles that the stand-in primary network uses. */
  bundled: ['loopback', 'bridge', 'host-local', 'portmap'],
  podCidr: '10.42.0.0/24',
};

/** A path inside a root directory. */
export function inRoot(root: string, p: string): string {
  return path.join(root, p);
}

/**
 * Builds the host root: k3s's config dir with a flannel-named primary config (bridge in
 * flannel's place), the data dir with k3s's absolute-symlink layout, the flannel readiness file,
 * and the usual host directories. `/var/run` is a symlink to `/run`, as on a real host.
 */
export function makeHostRoot(root: string, pluginsDir: string): void {
  for (const d of ['etc', 'proc', 'dev', 'sys', 'tmp', 'run/netns', 'run/flannel', 'var/lib/cni', 'var/lib/kubelet', 'opt/cni/bin', 'usr/local/lib']) {
    fs.mkdirSync(inRoot(root, d), { recursive: true });
  }
  fs.symlinkSync('/run', inRoot(root, 'var/run'));
  // k3s: data/<hash>/bin holds the binaries, data/cni absolute symlinks to them, data/current the hash.
  const hash = 'f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2';
  const hashDir = path.posix.join(K3S.dataDir, hash);
  fs.mkdirSync(inRoot(root, path.posix.join(hashDir, 'bin')), { recursive: true });
  fs.mkdirSync(inRoot(root, K3S.binDir), { recursive: true });
  fs.symlinkSync(hashDir, inRoot(root, path.posix.join(K3S.dataDir, 'current')));
  for (const p of K3S.bundled) {
    const target = path.posix.join(hashDir, 'bin', p);
    fs.copyFileSync(path.join(pluginsDir, p), inRoot(root, target));
    fs.chmodSync(inRoot(root, target), 0o755);
    fs.symlinkSync(target, inRoot(root, path.posix.join(K3S.binDir, p)));
  }
  fs.mkdirSync(inRoot(root, K3S.confDir), { recursive: true });
  const primary = {
    name: 'cbr0',
    cniVersion: '1.0.0',
    plugins: [{
      type: 'bridge',
      bridge: 'cni0',
      isGateway: true,
      isDefaultGateway: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: K3S.podCidr }]] },
    }],
  };
  fs.writeFileSync(inRoot(root, path.posix.join(K3S.confDir, '10-flannel.conflist')), JSON.stringify(primary, null, 2) + '\n');
  // containerd's config where k3s renders it (<data dir>/agent/etc/containerd/config.toml), with
  // the CNI section of k3s's template (pkg/agent/templates): what doctor reads the CNI dirs from.
  const k3sDataDir = path.posix.dirname(K3S.dataDir);
  fs.mkdirSync(inRoot(root, path.posix.join(k3sDataDir, 'agent/etc/containerd')), { recursive: true });
  fs.writeFileSync(inRoot(root, path.posix.join(k3sDataDir, 'agent/etc/containerd/config.toml')),
    `version = 2\n\n[plugins."io.containerd.grpc.v1.cri".cni]\n  bin_dir = "${K3S.binDir}"\n  conf_dir = "${K3S.confDir}"\n`);
  fs.writeFileSync(inRoot(root, 'run/flannel/subnet.env'),
    'FLANNEL_NETWORK=10.42.0.0/16\nFLANNEL_SUBNET=10.42.0.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
}

/** What a container image holds, at the paths it has upstream. */
export interface ImageSpec {
  /** Files: image path → source file. */
  readonly files: Record<string, string>;
  readonly entrypoint?: string[];
  readonly path: string;
  /** Whether the image has a shell (distroless images have none). */
  readonly shell: boolean;
}

const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The images the chart may reference, built from the cached binaries: a function from an image
 * reference to its name and contents, undefined for an image the node does not know.
 */
export function imageSpecs(cache: { multus: string; whereabouts: string; plugins: string }): (ref: string) => { name: string; spec: ImageSpec } | undefined {
  const multusBin = '/usr/src/multus-cni/bin';
  const multusFiles: Record<string, string> = {};
  for (const [name, built] of [['multus-daemon', 'multus-daemon'], ['multus-shim', 'multus-shim'], ['install_multus', 'install_multus'],
    ['passthru', 'passthru-cni'], ['multus', 'multus'], ['thin_entrypoint', 'thin_entrypoint'], ['kubeconfig_generator', 'kubeconfig_generator']]) {
    multusFiles[`${multusBin}/${name}`] = path.join(cache.multus, built);
  }
  const pluginFiles: Record<string, string> = {};
  for (const p of fs.readdirSync(cache.plugins)) pluginFiles[`/opt/cni/bin/${p}`] = path.join(cache.plugins, p);
  const images: Record<string, ImageSpec> = {
    // Upstream's thick image: debian:stable-slim with the Multus build in /usr/src/multus-cni/bin.
    'multus-thick': { files: multusFiles, entrypoint: [`${multusBin}/multus-daemon`], path: IMAGE_PATH, shell: true },
    // Upstream's thin image: distroless (no shell), the build in /usr/src/multus-cni/bin and three of it at the root.
    'multus-thin': {
      files: { ...multusFiles, ...Object.fromEntries(['install_multus', 'thin_entrypoint', 'kubeconfig_generator'].map((b) => [`/${b}`, multusFiles[`${multusBin}/${b}`]])) },
      entrypoint: ['/thin_entrypoint'], path: IMAGE_PATH, shell: false,
    },
    // Rancher's hardened plugins image: the reference plugins in /opt/cni/bin and a shell.
    'hardened-cni-plugins': { files: pluginFiles, path: IMAGE_PATH, shell: true },
    // Upstream: alpine with the binaries and installer scripts at the root.
    'whereabouts': {
      files: Object.fromEntries(['whereabouts', 'ip-control-loop', 'install-cni.sh', 'lib.sh', 'token-watcher.sh']
        .map((f) => [`/${f}`, path.join(cache.whereabouts, f)])),
      entrypoint: ['/install-cni.sh'], path: IMAGE_PATH, shell: true,
    },
  };
  // busybox's image: the shell and its applets.
  images.busybox = { files: {}, path: IMAGE_PATH, shell: true };
  return (ref) => {
    const repo = imageRepository(ref);
    const tag = ref.slice(repo.length + 1);
    const name = repo === 'ghcr.io/k8snetworkplumbingwg/multus-cni' ? (tag.endsWith('-thick') ? 'multus-thick' : 'multus-thin')
      : repo === 'rancher/hardened-cni-plugins' ? 'hardened-cni-plugins'
        : repo === 'ghcr.io/k8snetworkplumbingwg/whereabouts' ? 'whereabouts'
          : repo === 'busybox' || repo === 'docker.io/library/busybox' ? 'busybox' : undefined;
    return name ? { name, spec: images[name] } : undefined;
  };
}

export function imageRepository(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Writes an image directory: a minimal Debian-like root with busybox as its shell, plus the image's files. */
export function makeImage(dir: string, spec: ImageSpec, busybox: string): void {
  for (const d of ['bin', 'etc', 'proc', 'dev', 'sys', 'run', 'tmp', 'var', 'root', 'usr/bin', 'usr/sbin']) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
  }
  fs.symlinkSync('/run', path.join(dir, 'var/run'));
  fs.writeFileSync(path.join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  fs.writeFileSync(path.join(dir, 'etc/group'), 'root:x:0:\n');
  if (spec.shell) {
    fs.copyFileSync(busybox, path.join(dir, 'bin/busybox'));
    fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
    // Every applet, as busybox-based images (alpine) have them.
    const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
    for (const a of applets) fs.symlinkSync('busybox', path.join(dir, 'bin', a));
  }
  for (const [dest, src] of Object.entries(spec.files)) {
    fs.mkdirSync(path.join(dir, path.dirname(dest)), { recursive: true });
    fs.copyFileSync(src, path.join(dir, dest));
    fs.chmodSync(path.join(dir, dest), 0o755);
  }
}

/**
 * Resolves a path inside a root the way the kernel would inside a chroot there: absolute symlinks
 * restart at the root, so a mount target never escapes it.
 */
export function resolveInRoot(root: string, p: string): string {
  let parts = p.split('/').filter((s) => s !== '');
  let resolved: string[] = [];
  for (let hops = 0; parts.length > 0;) {
    const next = parts.shift()!;
    if (next === '.') continue;
    if (next === '..') { resolved.pop(); continue; }
    const candidate = path.join(root, ...resolved, next);
    let st: fs.Stats | undefined;
    try { st = fs.lstatSync(candidate); } catch { st = undefined; }
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw new Error(`too many symlinks resolving ${p} in ${root}`);
      const target = fs.readlinkSync(candidate);
      if (target.startsWith('/')) resolved = [];
      parts = [...target.split('/').filter((s) => s !== ''), ...parts];
      continue;
    }
    resolved.push(next);
  }
  return '/' + resolved.join('/');
}
