// Host roots made on purpose: a k3s node and a standard node as their programs leave them, which
// each test then breaks in one way. Built in temp dirs; doctor reads them through --root.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/lint/cli';

export const DATA = '/var/lib/rancher/k3s';
export const K3S_CONF = `${DATA}/agent/etc/cni/net.d`;
export const K3S_BIN = `${DATA}/data/cni`;
export const RELEASE = 'b1f5c6a3d2e4f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2';

/** A JWT whose `exp` is the given time (seconds since the epoch); the signature is not checked by doctor. */
export function jwt(exp: number): string {
  const b64 = (o: any) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ iss: 'https://kubernetes.default.svc.cluster.local', sub: 'system:serviceaccount:kube-system:multus-kubeconfig', exp })}.c2ln`;
}

/** A kubeconfig with a token, as MultusKubeconfigJob writes it. */
export function tokenKubeconfig(token: string): string {
  return ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: local', '  cluster:', '    server: https://10.43.0.1:443',
    '    certificate-authority-data: Y2E=', 'users:', '- name: multus', '  user:', `    token: ${token}`, 'contexts:',
    '- name: multus', '  context:', '    cluster: local', '    user: multus', 'current-context: multus', ''].join('\n');
}

let certDir: string | undefined;
/** A self-signed client certificate and key (PEM) with this subject, made by openssl once per subject. */
export function clientCert(subject: string): { cert: string; key: string } {
  certDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-certs-'));
  const base = path.join(certDir, subject.replace(/[^a-z0-9]/gi, '_'));
  if (!fs.existsSync(`${base}.crt`)) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '365',
      '-subj', subject, '-keyout', `${base}.key`, '-out', `${base}.crt`], { stdio: 'pipe' });
  }
  return { cert: fs.readFileSync(`${base}.crt`, 'utf8'), key: fs.readFileSync(`${base}.key`, 'utf8') };
}

/** A kubeconfig with a client certificate, as k3s writes k3s.yaml. */
export function certKubeconfig(subject: string): string {
  const { cert, key } = clientCert(subject);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: default', '  cluster:', '    server: https://127.0.0.1:6443',
    '    certificate-authority-data: Y2E=', 'users:', '- name: default', '  user:', `    client-certificate-data: ${b64(cert)}`,
    `    client-key-data: ${b64(key)}`, 'contexts:', '- name: default', '  context:', '    cluster: default', '    user: default',
    'current-context: default', ''].join('\n');
}

/** A NetworkAttachmentDefinition manifest with this CNI config. */
export function nad(name: string, config: any): string {
  return ['apiVersion: k8s.cni.cncf.io/v1', 'kind: NetworkAttachmentDefinition', `metadata:\n  name: ${name}\n  namespace: default`,
    `spec:\n  config: '${JSON.stringify(config)}'`, '---', ''].join('\n');
}

export const MACVLAN_NAD = { cniVersion: '0.3.1', name: 'lan', type: 'macvlan', master: 'eth0', mode: 'bridge', ipam: { type: 'static', addresses: [{ address: '192.168.1.200/24' }] } };

/** The thick plugin's config as the daemon generates it (clusterNetwork is a pod path, read by the daemon). */
export function thickConfig(confDirInPod = `/host${K3S_CONF}`): any {
  return {
    cniVersion: '0.3.1',
    name: 'multus-cni-network',
    type: 'multus-shim',
    logLevel: 'verbose',
    logToStderr: true,
    clusterNetwork: `${confDirInPod}/10-flannel.conflist`,
    daemonSocketDir: '/run/multus',
  };
}

/** A node's root dir, with helpers that write host paths into it. */
export class FakeNode {
  public readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-node-'));
  private manifests: string[] = [];

  public write(hostPath: string, content: string | object, mode = 0o644): this {
    const p = path.join(this.root, hostPath);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, undefined, 2) + '\n');
    fs.chmodSync(p, mode);
    return this;
  }

  /** An executable stand-in for a plugin: doctor looks at presence and mode, never runs it. */
  public binary(hostPath: string): this {
    return this.write(hostPath, '#!/bin/sh\nexit 0\n', 0o755);
  }

  public link(hostPath: string, target: string): this {
    const p = path.join(this.root, hostPath);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.rmSync(p, { force: true });
    fs.symlinkSync(target, p);
    return this;
  }

  public mkdir(hostPath: string): this {
    fs.mkdirSync(path.join(this.root, hostPath), { recursive: true });
    return this;
  }

  public remove(hostPath: string): this {
    fs.rmSync(path.join(this.root, hostPath), { recursive: true, force: true });
    return this;
  }

  public rename(from: string, to: string): this {
    fs.mkdirSync(path.dirname(path.join(this.root, to)), { recursive: true });
    fs.renameSync(path.join(this.root, from), path.join(this.root, to));
    return this;
  }

  /** A listening socket's file, as a daemon leaves it (bound by a short-lived process). */
  public socket(hostPath: string): this {
    const p = path.join(this.root, hostPath);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const r = spawnSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', p]);
    if (r.status !== 0) throw new Error(`cannot make socket ${p}: ${r.stderr}`);
    return this;
  }

  public addManifest(yaml: string): this {
    this.manifests.push(yaml);
    return this;
  }

  /** Runs `cdk8s-multus doctor --root <root>` (with the manifests given, as a file) in process. */
  public doctor(...args: string[]): { code: number; out: string; err: string } {
    const extra: string[] = [];
    if (this.manifests.length > 0) {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-nads-')), 'nads.yaml');
      fs.writeFileSync(file, this.manifests.join(''));
      extra.push('--manifests', file);
    }
    let out = '';
    let err = '';
    const code = main(['doctor', '--root', this.root, ...extra, ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), stdin: () => Buffer.alloc(0) });
    return { code, out, err };
  }

  /** The JSON report, with the finding ids each once, sorted. */
  public report(...args: string[]): { code: number; ids: string[]; findings: any[]; json: any; err: string } {
    const r = this.doctor('--format', 'json', ...args);
    const json = JSON.parse(r.out);
    return { code: r.code, ids: [...new Set<string>(json.findings.map((f: any) => f.id))].sort(), findings: json.findings, json, err: r.err };
  }
}

/** containerd's config as k3s renders it from its version 2 template (k3s pkg/agent/templates). */
export function k3sContainerdConfig(dataDir = DATA, binDir = `${dataDir}/data/cni`, confDir = `${dataDir}/agent/etc/cni/net.d`): string {
  return `# File generated by k3s. DO NOT EDIT. Use config.toml.tmpl instead.
version = 2

[plugins."io.containerd.internal.v1.opt"]
  path = "${dataDir}/agent/containerd"
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "10010"
  enable_selinux = false
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  sandbox_image = "rancher/mirrored-pause:3.6"

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"
  disable_snapshot_annotations = true

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "${binDir}"
  conf_dir = "${confDir}"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true
`;
}

/**
 * A healthy k3s node with the thick plugin: k3s's layout (data/cni links into the release dir,
 * data/current), containerd's config as k3s writes it, flannel's config and readiness file, the
 * admin kubeconfig, Multus's shim and macvlan installed, the daemon's socket, and a macvlan NAD.
 */
export function healthyK3sNode(dataDir = DATA): FakeNode {
  const node = new FakeNode();
  const conf = `${dataDir}/agent/etc/cni/net.d`;
  const release = `${dataDir}/data/${RELEASE}`;
  node.write('/etc/rancher/k3s/k3s.yaml', certKubeconfig('/O=system:masters/CN=system:admin'), 0o600)
    .write(`${dataDir}/agent/etc/containerd/config.toml`, k3sContainerdConfig(dataDir))
    .binary(`${release}/bin/cni`)
    .link(`${dataDir}/data/current`, release);
  for (const p of ['bandwidth', 'bridge', 'firewall', 'flannel', 'host-local', 'loopback', 'portmap']) node.link(`${dataDir}/data/cni/${p}`, `${release}/bin/cni`);
  node.binary(`${dataDir}/data/cni/multus-shim`).binary(`${dataDir}/data/cni/passthru`).binary(`${dataDir}/data/cni/macvlan`).binary(`${dataDir}/data/cni/static`)
    .write(`${conf}/10-flannel.conflist`, {
      name: 'cbr0',
      cniVersion: '1.0.0',
      plugins: [
        { type: 'flannel', delegate: { hairpinMode: true, forceAddress: true, isDefaultGateway: true } },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'bandwidth', capabilities: { bandwidth: true } },
      ],
    })
    .write(`${conf}/00-multus.conf`, thickConfig(), 0o600)
    .write('/run/flannel/subnet.env', 'FLANNEL_NETWORK=10.42.0.0/16\nFLANNEL_SUBNET=10.42.0.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n')
    .socket('/run/multus/multus.sock')
    .addManifest(nad('lan', MACVLAN_NAD));
  return node;
}

/**
 * A healthy standard node (rke2 or kubeadm style) with Cilium as the primary network and the thick
 * plugin: containerd 2.x's version 3 config, /etc/cni/net.d and /opt/cni/bin.
 */
export function healthyStandardNode(): FakeNode {
  const node = new FakeNode();
  node.write('/etc/containerd/config.toml', `version = 3

[plugins.'io.containerd.cri.v1.runtime'.cni]
  bin_dirs = ['/opt/cni/bin']
  conf_dir = '/etc/cni/net.d'
`);
  for (const p of ['cilium-cni', 'loopback', 'multus-shim', 'passthru', 'macvlan', 'static']) node.binary(`/opt/cni/bin/${p}`);
  node.write('/etc/cni/net.d/05-cilium.conflist', { cniVersion: '0.3.1', name: 'cilium', plugins: [{ type: 'cilium-cni', enable_debug: false }] }, 0o600)
    .write('/etc/cni/net.d/00-multus.conf', thickConfig('/host/etc/cni/net.d'), 0o600)
    .socket('/run/multus/multus.sock')
    .addManifest(nad('lan', MACVLAN_NAD));
  return node;
}
