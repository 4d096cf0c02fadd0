// The simulated k3s node: the README example's synthesized YAML brought up with the real Multus,
// the real reference plugins and a real API server, in namespaces of its own. Started by
// scripts/simnode/run.sh inside a fresh mount and network namespace (the node's), as root.
//
//   ts-node scripts/simnode/run.ts <synthesized yaml> <cache paths json> <lab dir>
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Cluster, NET, run, StopWaiting, waitFor } from './cluster';
import { imageSpecs, inRoot, K3S, makeHostRoot } from './host';
import { Kubelet, NodeContext, Running } from './kubelet';
import { dhcpChart, guardChart, kubeconfigJobChart, persistentChart, thinChart, WHEREABOUTS_NETWORKS, whereaboutsChart } from './charts';
import { namesAgreement } from './names';
import { Doc, VARIANTS, Variant } from './variants';

const NODE = 'simnode';
const t0 = Date.now();

async function stage<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    const r = await fn();
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${name}: ok (${((Date.now() - start) / 1000).toFixed(1)}s)`);
    return r;
  } catch (e) {
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${name}: FAILED (${((Date.now() - start) / 1000).toFixed(1)}s)`);
    throw e;
  }
}

function expect(cond: boolean, what: string): void {
  if (!cond) throw new Error(`expected ${what}`);
}

function loadYaml(file: string): Doc[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter((d) => d);
}

function toYaml(docs: Doc[]): string {
  return docs.map((d) => JSON.stringify(d)).join('\n---\n') + '\n';
}

/** Network: loopback up, the LAN NIC `eth0` as a veth whose peer is in a LAN namespace of its own. */
function makeNetwork(lab: string): string {
  const lanNs = path.join(lab, 'lan.netns');
  fs.writeFileSync(lanNs, '');
  run('unshare', [`--net=${lanNs}`, 'true']);
  run('ip', ['link', 'set', 'lo', 'up']);
  run('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'lan-peer']);
  run('ip', ['link', 'set', 'lan-peer', 'netns', lanNs]);
  run('ip', ['addr', 'add', `${NET.nodeIp}/${NET.lanPrefix}`, 'dev', 'eth0']);
  run('ip', ['link', 'set', 'eth0', 'up']);
  run('nsenter', [`--net=${lanNs}`, 'ip', 'addr', 'add', `${NET.peerIp}/${NET.lanPrefix}`, 'dev', 'lan-peer']);
  run('nsenter', [`--net=${lanNs}`, 'ip', 'link', 'set', 'lan-peer', 'up']);
  return lanNs;
}

/** Applies the documents as the README says: CRDs first (and established), then everything, server-side and strict. */
async function apply(cluster: Cluster, docs: Doc[]): Promise<void> {
  const crds = docs.filter((d) => d.kind === 'CustomResourceDefinition');
  if (crds.length > 0) {
    cluster.kubectlInput(toYaml(crds), 'apply', '--server-side', '--force-conflicts', '--validate=strict', '-f', '-');
    for (const c of crds) cluster.kubectl('wait', '--for=condition=Established', '--timeout=60s', `crd/${c.metadata.name}`);
  }
  cluster.kubectlInput(toYaml(docs), 'apply', '--server-side', '--force-conflicts', '--validate=strict', '-f', '-');
}

interface Node {
  readonly ctx: NodeContext;
  readonly docs: Doc[];
}

/** A fresh host root for one scenario. */
function prepareNode(lab: string, cache: Cache, cluster: Cluster, docs: Doc[], name: string): Node {
  const hostRoot = path.join(lab, name, 'host');
  fs.mkdirSync(hostRoot, { recursive: true });
  makeHostRoot(hostRoot, cache.plugins);
  // The host root is a shared mount, so that network namespaces created later propagate into the
  // containers that mount parts of it HostToContainer.
  run('mount', ['--bind', hostRoot, hostRoot]);
  run('mount', ['--make-rshared', hostRoot]);
  run('mount', ['-t', 'proc', 'proc', inRoot(hostRoot, 'proc')]);
  run('mount', ['--rbind', '/dev', inRoot(hostRoot, 'dev')]);
  run('mount', ['--rbind', '/sys', inRoot(hostRoot, 'sys')]);
  // Kubelet registers its Node.
  if (!cluster.kubectl('get', 'nodes', '-o', 'name').includes(`node/${NODE}`)) {
    cluster.kubectlInput(JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': NODE } } }), 'create', '-f', '-');
  }
  const ctx: NodeContext = {
    nodeName: NODE, nodeIp: NET.nodeIp, hostRoot, lab: path.join(lab, name), cluster,
    images: imageSpecs(cache), busybox: cache.busybox,
  };
  return { ctx, docs };
}

/** Kubelet for this node's pod of a DaemonSet, from the DaemonSet as the API server holds it. */
function daemonSetKubelet(node: Node, match: RegExp): Kubelet {
  const ds = node.docs.find((d) => d.kind === 'DaemonSet' && match.test(d.metadata.name));
  if (!ds) throw new Error(`the synthesized YAML has no DaemonSet named like ${match}`);
  const ns = ds.metadata.namespace ?? 'default';
  const applied = JSON.parse(node.ctx.cluster.kubectl('get', 'daemonset', ds.metadata.name, '-n', ns, '-o', 'json'));
  return new Kubelet(node.ctx, { name: `${ds.metadata.name}-${NODE}`, namespace: ns, spec: applied.spec.template.spec });
}

/** A chart of a scenario, synthesized and applied, and a fresh host root for it. */
async function scenario(lab: string, cache: Cache, cluster: Cluster, name: string, what: string, chart: () => Doc[]): Promise<{ docs: Doc[]; node: Node }> {
  const docs = await stage(`${name}: synthesize ${what} (lib/)`, chart);
  await stage(`${name}: apply --server-side --validate=strict`, () => apply(cluster, docs));
  return { docs, node: prepareNode(lab, cache, cluster, docs, name) };
}

/** The Multus DaemonSet's pod on this node: init containers, then the daemon up with 00-multus.conf. */
async function multusUp(node: Node): Promise<Running> {
  const kubelet = daemonSetKubelet(node, /multus-ds/);
  await kubelet.runInitContainers();
  return startDaemon(node, kubelet);
}

/** Starts the daemon container and waits for 00-multus.conf in the host's k3s config dir. */
async function startDaemon(node: Node, kubelet: Kubelet): Promise<Running> {
  const daemon = kubelet.startContainer(kubelet.containerNames[0]);
  const conf = inRoot(node.ctx.hostRoot, path.posix.join(K3S.confDir, '00-multus.conf'));
  await waitWhileRunning(daemon, '00-multus.conf in the k3s config dir', 60, () => {
    // The daemon logs a startup failure and stays up; its first error is the answer.
    const error = fs.readFileSync(daemon.log, 'utf8').split('\n').find((l) => /\[(error|panic)\]/.test(l));
    if (error) throw new StopWaiting(error);
    return fs.existsSync(conf);
  }).catch((e) => {
    throw new Error(`${e.message}\n${tail(daemon.log)}`);
  });
  return daemon;
}

/** Waits for `ready` while the container runs; its exit ends the wait, with its log. */
async function waitWhileRunning(c: Running, what: string, seconds: number, ready: () => boolean): Promise<void> {
  await waitFor(what, seconds, () => {
    if (c.exitCode() !== undefined) throw new StopWaiting(`waiting for ${what}, the container exited ${c.exitCode()}:\n${tail(c.log)}`);
    return ready();
  });
}

function tail(file: string, lines = 25): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

function containerLogs(lab: string): string[] {
  return fs.readdirSync(lab).map((d) => path.join(lab, d, 'logs')).filter((d) => fs.existsSync(d))
    .flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f)));
}

interface PodNet {
  readonly name: string;
  readonly uid: string;
  readonly sandbox: string;
  readonly netnsHost: string;
  readonly netnsPath: string;
}

/** Creates the workload's pod in the API server on this node, and its network namespace as containerd would. */
function createPod(node: Node, docs: Doc[], suffix: string): PodNet {
  const workload = docs.find((d) => d.kind === 'Deployment');
  if (!workload) throw new Error('the synthesized YAML has no Deployment to attach');
  return createPodFrom(node, workload, `${workload.metadata.name}-${suffix}`);
}

/** A pod of a workload's template, on this node, with its sandbox's network namespace. */
function createPodFrom(node: Node, workload: Doc, name: string): PodNet {
  const ns = workload.metadata.namespace ?? 'default';
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, labels: workload.spec.template.metadata.labels, annotations: workload.spec.template.metadata.annotations },
    spec: { ...workload.spec.template.spec, nodeName: NODE },
  };
  const created = JSON.parse(node.ctx.cluster.kubectlInput(JSON.stringify(pod), 'create', '-o', 'json', '-f', '-'));
  const sandbox = crypto.randomBytes(32).toString('hex');
  const nsName = `cni-${crypto.randomUUID()}`;
  const netnsHost = inRoot(node.ctx.hostRoot, `run/netns/${nsName}`);
  fs.writeFileSync(netnsHost, '');
  run('unshare', [`--net=${netnsHost}`, 'true']);
  return { name, uid: created.metadata.uid, sandbox, netnsHost, netnsPath: `/var/run/netns/${nsName}` };
}

/** containerd's teardown of a sandbox's network namespace: unmounted with MNT_DETACH, then removed. */
function removeNetns(pod: PodNet): void {
  run('umount', ['--lazy', pod.netnsHost]);
  fs.rmSync(pod.netnsHost);
}

/** containerd's CNI call, in the host root's view. */
function cri(node: Node, cache: Cache, cmd: 'add' | 'del', pod: PodNet, ns: string): string {
  const bin = '/usr/local/lib/simnode-cri';
  const inHost = inRoot(node.ctx.hostRoot, bin);
  if (!fs.existsSync(inHost)) fs.copyFileSync(cache.cri, inHost);
  fs.chmodSync(inHost, 0o755);
  return run('chroot', [node.ctx.hostRoot, bin, cmd, '-conf-dir', K3S.confDir, '-bin-dir', K3S.binDir, '-id', pod.sandbox,
    '-netns', pod.netnsPath, '-namespace', ns, '-name', pod.name, '-uid', pod.uid]);
}

function podAddresses(pod: PodNet): Record<string, string[]> {
  const links = JSON.parse(execFileSync('nsenter', [`--net=${pod.netnsHost}`, 'ip', '-j', 'addr'], { encoding: 'utf8' }));
  const out: Record<string, string[]> = {};
  for (const l of links) {
    out[l.ifname] = (l.addr_info ?? []).filter((a: any) => a.scope === 'global').map((a: any) => `${a.local}/${a.prefixlen}`);
  }
  return out;
}

/** The pod's network-status annotation, as Multus wrote it into the API server. */
function networkStatus(cluster: Cluster, pod: PodNet, ns: string): any[] {
  const got = JSON.parse(cluster.kubectl('get', 'pod', pod.name, '-n', ns, '-o', 'json'));
  return JSON.parse(got.metadata.annotations?.['k8s.v1.cni.cncf.io/network-status'] ?? '[]');
}

/** containerd's ADD for a pod already created: prints and returns the addresses in its namespace. */
function addAndList(node: Node, cache: Cache, pod: PodNet, ns: string): Record<string, string[]> {
  cri(node, cache, 'add', pod, ns);
  const addrs = podAddresses(pod);
  console.log(`  addresses: ${JSON.stringify(addrs)}`);
  return addrs;
}

interface Cache {
  readonly kubeApiserver: string;
  readonly kubectl: string;
  readonly etcd: string;
  readonly cri: string;
  readonly multus: string;
  readonly whereabouts: string;
  readonly plugins: string;
  readonly busybox: string;
}

function readCache(file: string): Cache {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The positive run: everything of the issue's steps 3 to 7. */
async function positive(lab: string, cache: Cache, cluster: Cluster, docs: Doc[]): Promise<void> {
  const node = await stage('host root (k3s layout)', () => prepareNode(lab, cache, cluster, docs, 'example'));
  const kubelet = daemonSetKubelet(node, /multus/);
  await stage('kubelet: init containers', () => kubelet.runInitContainers());
  const binDir = inRoot(node.ctx.hostRoot, K3S.binDir);
  await stage('installed into the k3s bin dir', () => {
    for (const p of ['multus-shim', 'passthru', 'macvlan', 'static']) expect(fs.existsSync(path.join(binDir, p)), `${p} in ${K3S.binDir}`);
    expect(fs.lstatSync(path.join(binDir, 'host-local')).isSymbolicLink(), 'k3s\'s own host-local left as its symlink');
  });
  const daemon = await stage('kubelet: multus daemon writes 00-multus.conf', () => startDaemon(node, kubelet));
  const confFile = inRoot(node.ctx.hostRoot, path.posix.join(K3S.confDir, '00-multus.conf'));
  const conf = JSON.parse(fs.readFileSync(confFile, 'utf8'));
  console.log(`  00-multus.conf: ${JSON.stringify(conf)}`);
  expect(conf.type === 'multus-shim', '00-multus.conf to delegate to multus-shim');

  const nad = docs.find((d) => d.kind === 'NetworkAttachmentDefinition')!;
  const requested = JSON.parse(docs.find((d) => d.kind === 'Deployment')!.spec.template.metadata.annotations['k8s.v1.cni.cncf.io/networks']);
  const wantIf: string = requested[0].interface ?? 'net1';
  const wantAddr: string = JSON.parse(nad.spec.config).ipam.addresses[0].address;
  const pod = await stage('API server: pod created on the node', () => createPod(node, docs, 'a'));
  const ns = 'default';
  await stage('containerd: CNI ADD through 00-multus.conf', () => {
    const result = cri(node, cache, 'add', pod, ns);
    console.log(`  result: ${result.trim()}`);
  });
  await stage(`pod namespace: eth0 from cbr0, ${wantIf} with ${wantAddr}`, () => {
    const addrs = podAddresses(pod);
    console.log(`  addresses: ${JSON.stringify(addrs)}`);
    expect((addrs.eth0 ?? []).some((a) => a.startsWith('10.42.0.')), 'eth0 with an address from the primary network');
    expect((addrs[wantIf] ?? []).includes(wantAddr), `${wantIf} with ${wantAddr}`);
  });
  await stage('API server: network-status lists both networks', () => {
    const status = networkStatus(cluster, pod, ns);
    console.log(`  network-status: ${JSON.stringify(status)}`);
    expect(status.some((s: any) => s.name === 'cbr0' && s.interface === 'eth0' && s.default), 'cbr0 as the default network on eth0');
    expect(status.some((s: any) => s.name === `${ns}/${nad.metadata.name}` && s.interface === wantIf && (s.ips ?? []).includes(wantAddr.split('/')[0])),
      `${ns}/${nad.metadata.name} on ${wantIf}`);
  });
  await stage('containerd: CNI DEL', () => {
    cri(node, cache, 'del', pod, ns);
    const addrs = podAddresses(pod);
    expect(!(wantIf in addrs), `${wantIf} removed by DEL (left: ${Object.keys(addrs).join(', ')})`);
    // Multus v4.3.0 hands a conflist primary a lossy copy of its config on DEL (upstream PR 1521):
    // bridge and host-local then fail to release. k3s's flannel keeps its own copy and is not
    // affected; the stand-in bridge is. Reported, not judged: it is Multus's, not the chart's.
    const leases = inRoot(node.ctx.hostRoot, 'var/lib/cni/networks/cbr0');
    const held = fs.existsSync(leases) ? fs.readdirSync(leases).filter((f) => /^\d/.test(f)) : [];
    if (held.length > 0 || 'eth0' in addrs) {
      console.log(`  known upstream issue (Multus v4.3.0, PR 1521): the primary's DEL ran on a lossy config; eth0 ${'eth0' in addrs ? 'left' : 'removed'}, host-local lease ${held.join(', ') || 'released'}`);
    }
    // containerd then removes the sandbox's network namespace.
    removeNetns(pod);
  });
  await stage('doctor: the node with the daemon up is reported clean (cdk8s-multus doctor --root)', () => {
    const r = doctor(node, docs);
    console.log(`  doctor: exit ${r.code}, ${r.report.findings.length} findings; loads ${r.report.node.loadOrder.join(', ')}`);
    expect(r.code === 0 && r.report.findings.length === 0, `doctor to report no findings, got exit ${r.code}: ${JSON.stringify(r.report.findings)}`);
  });
  await stage('SIGTERM: the daemon removes 00-multus.conf', async () => {
    daemon.signal('SIGTERM');
    await Promise.race([daemon.exited, new Promise((r) => setTimeout(r, 30000))]);
    expect(!fs.existsSync(confFile), '00-multus.conf removed on SIGTERM');
  });
  await stage('doctor: with the daemon stopped, pods get flannel alone: multus-config-missing', () => {
    const r = doctor(node, docs);
    const ids = r.report.findings.map((f: any) => f.id);
    console.log(`  doctor: exit ${r.code}: ${ids.join(', ')}`);
    expect(r.code === 1 && ids.includes('multus-config-missing'), `doctor to report multus-config-missing, got exit ${r.code}: ${ids.join(', ')}`);
  });
}

/** `cdk8s-multus doctor` (the compiled command) on this node's host root, with the chart's NADs. */
function doctor(node: Node, docs: Doc[]): { code: number; report: any } {
  const nads = path.join(node.ctx.lab, 'doctor-nads.yaml');
  fs.writeFileSync(nads, toYaml(docs.filter((d) => d.kind === 'NetworkAttachmentDefinition')));
  const bin = path.join(__dirname, '..', '..', 'bin', 'cdk8s-multus');
  const r = spawnSync(process.execPath, [bin, 'doctor', '--root', node.ctx.hostRoot, '--manifests', nads, '--format', 'json'], { encoding: 'utf8' });
  if (r.status === 2 || !r.stdout) throw new Error(`doctor could not inspect the node (exit ${r.status}): ${r.stderr}`);
  return { code: r.status ?? -1, report: JSON.parse(r.stdout) };
}

/** Whereabouts on the node: its installer writes the host-side files, the plugin allocates through the API server. */
async function whereabouts(lab: string, cache: Cache, cluster: Cluster): Promise<void> {
  const { docs, node } = await scenario(lab, cache, cluster, 'whereabouts', 'a chart with Whereabouts IPAM', whereaboutsChart);
  const daemon = await stage('whereabouts: multus daemon up', () => multusUp(node));
  const installer = daemonSetKubelet(node, /whereabouts/);
  await installer.runInitContainers();
  const wb = installer.startContainer(installer.containerNames[0]);
  const conf = inRoot(node.ctx.hostRoot, path.posix.join(K3S.confDir, 'whereabouts.d/whereabouts.conf'));
  const kubeconfig = path.posix.join(K3S.confDir, 'whereabouts.d/whereabouts.kubeconfig');
  await stage('whereabouts: installer writes whereabouts.d and the plugin', async () => {
    await waitWhileRunning(wb, 'whereabouts.conf and the plugin on the host', 30,
      () => fs.existsSync(conf) && fs.existsSync(inRoot(node.ctx.hostRoot, path.posix.join(K3S.binDir, 'whereabouts'))));
    // Then the container goes on with its control loop, which must stay up.
    await new Promise((r) => setTimeout(r, 2000));
    expect(wb.exitCode() === undefined, `the control loop to keep running (exited ${wb.exitCode()}): ${tail(wb.log)}`);
    const written = JSON.parse(fs.readFileSync(conf, 'utf8'));
    console.log(`  whereabouts.conf: ${JSON.stringify(written)}`);
    expect(written.kubernetes?.kubeconfig === kubeconfig, `the kubeconfig reference to be the host path ${kubeconfig}`);
    const nad = JSON.parse(docs.find((d) => d.kind === 'NetworkAttachmentDefinition')!.spec.config);
    expect(nad.ipam.configuration_path === path.posix.join(K3S.confDir, 'whereabouts.d/whereabouts.conf'), 'the NAD\'s configuration_path to name the file the installer wrote');
    // The written kubeconfig works, from the host, with the installer's own credential.
    cluster.kubectlAs(inRoot(node.ctx.hostRoot, kubeconfig), 'get', 'ippools.whereabouts.cni.cncf.io', '-A');
  });
  const pod = createPod(node, docs, 'wb');
  const ns = 'default';
  await stage('whereabouts: CNI ADD allocates on three networks through the API server', () => {
    const addrs = addAndList(node, cache, pod, ns);
    for (const n of WHEREABOUTS_NETWORKS) {
      expect((addrs[n.iface] ?? []).includes(n.first), `${n.iface} with ${n.first} (${n.what}); got ${(addrs[n.iface] ?? []).join(', ') || 'none'}`);
    }
    const routes = execFileSync('nsenter', [`--net=${pod.netnsHost}`, 'ip', 'route', 'show', '10.20.0.0/16'], { encoding: 'utf8' }).trim();
    expect(routes.includes('via 192.168.2.1 dev lan1'), `the route 10.20.0.0/16 via 192.168.2.1 on lan1 (got "${routes}")`);
    const pools = JSON.parse(cluster.kubectl('get', 'ippools.whereabouts.cni.cncf.io', '-A', '-o', 'json')).items;
    const allocations = pools.flatMap((p: any) => Object.values(p.spec.allocations ?? {}));
    console.log(`  IPPools: ${pools.map((p: any) => p.spec.range).join(', ')}; allocations: ${allocations.length}`);
    expect(allocations.filter((a: any) => a.podref === `${ns}/${pod.name}`).length === WHEREABOUTS_NETWORKS.length,
      `one IPPool allocation per network for ${ns}/${pod.name}`);
  });
  await stage('whereabouts: CNI DEL releases the allocations', () => {
    cri(node, cache, 'del', pod, ns);
    const pools = JSON.parse(cluster.kubectl('get', 'ippools.whereabouts.cni.cncf.io', '-A', '-o', 'json')).items;
    const allocations = pools.flatMap((p: any) => Object.values(p.spec.allocations ?? {}));
    expect(!allocations.some((a: any) => a.podref === `${ns}/${pod.name}`), `no allocation left for ${ns}/${pod.name} (left: ${JSON.stringify(allocations)})`);
    removeNetns(pod);
  });
  await stage('whereabouts: the control loop releases the address of a pod deleted without DEL', async () => {
    // A pod whose sandbox never got its DEL (the node was down when it was deleted).
    const gone = createPod(node, docs, 'gone');
    cri(node, cache, 'add', gone, ns);
    const held = () => JSON.parse(cluster.kubectl('get', 'ippools.whereabouts.cni.cncf.io', '-A', '-o', 'json')).items
      .flatMap((p: any) => Object.values(p.spec.allocations ?? {})).filter((a: any) => a.podref === `${ns}/${gone.name}`).length > 0;
    expect(held(), `an allocation for ${ns}/${gone.name} after ADD`);
    cluster.kubectl('delete', 'pod', gone.name, '-n', ns, '--grace-period=0', '--force');
    await waitFor(`the control loop to release ${ns}/${gone.name}'s address`, 30, () => !held())
      .catch((e) => { throw new Error(`${e.message}\n${tail(wb.log, 15)}`); });
    removeNetns(gone);
  });
  daemon.proc.kill('SIGTERM');
  wb.proc.kill('SIGKILL');
  await Promise.all([daemon.exited, wb.exited]);
}

/** MultusThin on the node: the entrypoint writes 00-multus.conf and its kubeconfig; the multus binary on the host uses them. */
async function thin(lab: string, cache: Cache, cluster: Cluster): Promise<void> {
  const docs = await stage('thin: synthesize the example with MultusThin (lib/)', () => thinChart());
  await stage('thin: apply over the thick DaemonSet (same name and selector)', () => apply(cluster, docs));
  const node = prepareNode(lab, cache, cluster, docs, 'thin');
  const kubelet = daemonSetKubelet(node, /multus/);
  await stage('thin: kubelet: init containers', () => kubelet.runInitContainers());
  // The entrypoint writes 00-multus.conflist when the primary's config is a conflist, as k3s's is.
  const confFiles = ['00-multus.conf', '00-multus.conflist'].map((f) => inRoot(node.ctx.hostRoot, path.posix.join(K3S.confDir, f)));
  const written = () => confFiles.find((f) => fs.existsSync(f));
  const kubeconfig = path.posix.join(K3S.confDir, 'multus.d/multus.kubeconfig');
  const entrypoint = kubelet.startContainer(kubelet.containerNames[0]);
  await stage('thin: the entrypoint writes 00-multus.conflist and a working kubeconfig, host paths only', async () => {
    await waitWhileRunning(entrypoint, '00-multus.conf(list) from the thin entrypoint', 30,
      () => written() !== undefined && fs.existsSync(inRoot(node.ctx.hostRoot, kubeconfig)));
    const file = written()!;
    const conf = JSON.parse(fs.readFileSync(file, 'utf8'));
    console.log(`  ${path.basename(file)}: ${JSON.stringify(conf)}`);
    const multus = conf.plugins ? conf.plugins[0] : conf;
    expect(multus.type === 'multus', 'the generated config to run the multus binary');
    expect(multus.kubeconfig === kubeconfig, `its kubeconfig to be the host path ${kubeconfig}`);
    expect(!JSON.stringify(conf).includes('"/host/'), 'no pod path (/host/...) in the host-side config');
    cluster.kubectlAs(inRoot(node.ctx.hostRoot, kubeconfig), 'get', 'network-attachment-definitions.k8s.cni.cncf.io', '-n', 'default', 'lan');
  });
  const pod = createPod(node, docs, 'thin');
  const ns = 'default';
  await stage('thin: CNI ADD through the host-side multus: eth0 and lan0 with 192.168.1.201/24, network-status', () => {
    const addrs = addAndList(node, cache, pod, ns);
    expect((addrs.lan0 ?? []).includes('192.168.1.201/24'), 'lan0 with 192.168.1.201/24');
    const status = networkStatus(cluster, pod, ns);
    expect(status.length === 2 && status.some((x: any) => x.name === 'default/lan' && x.interface === 'lan0'),
      `network-status with both networks, written with the thin plugin's narrowed RBAC (got ${JSON.stringify(status)})`);
  });
  await stage('thin: CNI DEL, then SIGTERM removes the generated config', async () => {
    cri(node, cache, 'del', pod, ns);
    expect(!('lan0' in podAddresses(pod)), 'lan0 removed by DEL');
    removeNetns(pod);
    entrypoint.signal('SIGTERM');
    await waitFor('the generated config to be removed on SIGTERM (--cleanup-config-on-exit)', 15, () => written() === undefined);
  });
}

/**
 * MultusKubeconfigJob on the node: its writer, an unprivileged pod on the pod network (set up by
 * containerd through Multus), writes the kubeconfig; the file grants what the thin plugin needs.
 */
async function kubeconfigJob(lab: string, cache: Cache, cluster: Cluster): Promise<void> {
  const { node } = await scenario(lab, cache, cluster, 'kubeconfig', 'a chart with MultusKubeconfigJob', kubeconfigJobChart);
  const daemon = await multusUp(node);
  const ds = JSON.parse(cluster.kubectl('get', 'daemonset', 'multus-kubeconfig', '-n', 'kube-system', '-o', 'json'));
  const pod = createPodFrom(node, ds, `multus-kubeconfig-${NODE}`);
  const file = path.posix.join(K3S.confDir, 'multus.d/multus.kubeconfig');
  let writer: Running | undefined;
  try {
    await stage('kubeconfig: the writer pod gets the pod network through Multus', () => {
      const addrs = addAndList(node, cache, pod, 'kube-system');
      expect((addrs.eth0 ?? []).some((a) => a.startsWith('10.42.0.')), 'eth0 on the pod network');
    });
    const kubelet = new Kubelet(node.ctx, { name: pod.name, namespace: 'kube-system', spec: ds.spec.template.spec, netns: pod.netnsHost });
    writer = kubelet.startContainer(kubelet.containerNames[0]);
    const w = writer;
    await stage('kubeconfig: the unprivileged writer writes the host file, mode 0600, from the pod\'s bound token', async () => {
      await waitWhileRunning(w, `${file} on the host`, 20, () => fs.existsSync(inRoot(node.ctx.hostRoot, file)));
      const mode = fs.statSync(inRoot(node.ctx.hostRoot, file)).mode % 0o1000;
      expect(mode === 0o600, `mode 0600 (got ${mode.toString(8)})`);
      const view = JSON.parse(cluster.kubectlAs(inRoot(node.ctx.hostRoot, file), 'config', 'view', '--raw', '-o', 'json'));
      const server = view.clusters[0].cluster.server;
      expect(server === `https://${NET.serviceIp}:443`, `the server to be the kubernetes Service (got ${server})`);
      const claims = JSON.parse(Buffer.from(view.users[0].user.token.split('.')[1], 'base64url').toString());
      expect(typeof claims.exp === 'number' && claims.sub === 'system:serviceaccount:kube-system:multus-kubeconfig', `an expiring token of the writer's ServiceAccount (got ${claims.sub}, exp ${claims.exp})`);
    });
    await stage('kubeconfig: the file grants what the thin plugin needs and nothing else', () => {
      const checks: CanI[] = [
        ['get', 'pods', true], ['update', 'pods/status', true], ['get', 'network-attachment-definitions.k8s.cni.cncf.io', true],
        ['create', 'events', true], ['patch', 'events', true],
        ['list', 'pods', false], ['create', 'pods', false], ['delete', 'pods', false], ['update', 'pods', false],
        ['get', 'secrets', false], ['list', 'secrets', false], ['get', 'nodes', false], ['create', 'network-attachment-definitions.k8s.cni.cncf.io', false],
      ];
      canITable(`with --kubeconfig ${file}`, checks, (args) => cluster.kubectlAs(inRoot(node.ctx.hostRoot, file), ...args));
    });
  } finally {
    writer?.proc.kill('SIGKILL');
    if (writer) await writer.exited;
    try { cri(node, cache, 'del', pod, 'kube-system'); } catch { /* reported by the stages */ }
    daemon.signal('SIGTERM');
    await daemon.exited;
  }
}

/** DhcpDaemon on the node: the dhcp plugin's daemon from k3s's bin dir leases from a DHCP server on the LAN. */
async function dhcp(lab: string, cache: Cache, cluster: Cluster, lanNs: string): Promise<void> {
  const { docs, node } = await scenario(lab, cache, cluster, 'dhcp', 'a chart with DhcpDaemon and Ipam.dhcp()', dhcpChart);
  // The LAN's DHCP server: dnsmasq in the LAN namespace, 192.168.1.50-60.
  const leases = path.join(lab, 'dnsmasq.leases');
  const server = spawn('nsenter', [`--net=${lanNs}`, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--port=0',
    '--interface=lan-peer', '--bind-interfaces', '--dhcp-range=192.168.1.50,192.168.1.60,255.255.255.0,1h',
    `--dhcp-leasefile=${leases}`, `--pid-file=${path.join(lab, 'dnsmasq.pid')}`], { stdio: 'ignore' });
  const dhcpd = daemonSetKubelet(node, /dhcp/);
  let daemon: Running | undefined;
  let dhcpDaemon: Running | undefined;
  try {
    daemon = await multusUp(node);
    await stage('dhcp: kubelet: the DHCP daemon from k3s\'s bin dir, its socket on the host', async () => {
      await dhcpd.runInitContainers();
      const d = dhcpd.startContainer(dhcpd.containerNames[0]);
      dhcpDaemon = d;
      await waitWhileRunning(d, '/run/cni/dhcp.sock on the host', 20, () => fs.existsSync(inRoot(node.ctx.hostRoot, 'run/cni/dhcp.sock')));
    });
    const pod = createPod(node, docs, 'dhcp');
    await stage('dhcp: CNI ADD leases lan0 an address from the LAN\'s server', () => {
      const addrs = addAndList(node, cache, pod, 'default');
      const got = (addrs.lan0 ?? [])[0] ?? '';
      const m = got.match(/^192\.168\.1\.(\d+)\/24$/);
      expect(!!m && Number(m[1]) >= 50 && Number(m[1]) <= 60, `lan0 with an address from 192.168.1.50-60 (got ${got || 'none'})`);
      expect(fs.readFileSync(leases, 'utf8').includes(got.split('/')[0]), 'the lease in the server\'s lease file');
    });
    await stage('dhcp: CNI DEL removes lan0', () => {
      cri(node, cache, 'del', pod, 'default');
      expect(!('lan0' in podAddresses(pod)), 'lan0 removed by DEL');
      removeNetns(pod);
    });
  } finally {
    dhcpDaemon?.signal('SIGTERM');
    daemon?.signal('SIGTERM');
    await Promise.all([dhcpDaemon?.exited, daemon?.exited]);
    server.kill('SIGTERM');
  }
}

/**
 * The attachment guard on the node: with the daemon up, the guard sees lan0 in the pod's
 * network-status (through its downward API file) and lets the pod start; with the daemon stopped,
 * containerd falls back to the primary config, the pod gets eth0 alone, and the guard fails loudly.
 */
async function guard(lab: string, cache: Cache, cluster: Cluster): Promise<void> {
  const { docs, node } = await scenario(lab, cache, cluster, 'guard', 'the example with attachTo(..., { guard: true })', guardChart);
  const daemon = await multusUp(node);
  const podKubelet = (pod: PodNet) => new Kubelet(node.ctx, {
    name: pod.name, namespace: 'default', netns: pod.netnsHost,
    spec: JSON.parse(cluster.kubectl('get', 'pod', pod.name, '-n', 'default', '-o', 'json')).spec,
  });
  const attached = createPod(node, docs, 'guarded');
  await stage('guard: daemon up: lan0 attached, the guard lets the pod start, and its container runs', async () => {
    expect('lan0' in addAndList(node, cache, attached, 'default'), 'lan0 in the pod');
    const kubelet = podKubelet(attached);
    await kubelet.runInitContainers();
    // The workload's own container, as nobody under runAsNonRoot with a read-only root.
    const main = kubelet.startContainer(kubelet.containerNames[0]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(main.exitCode() === undefined, `the pod's container to keep running (exited ${main.exitCode()}): ${tail(main.log)}`);
    main.proc.kill('SIGKILL');
    await main.exited;
  });
  daemon.signal('SIGTERM');
  await daemon.exited;
  const alone = createPod(node, docs, 'unguarded');
  await stage('guard: daemon stopped: eth0 alone, and the guard fails the pod loudly', async () => {
    const addrs = addAndList(node, cache, alone, 'default');
    expect(!('lan0' in addrs) && 'eth0' in addrs, 'eth0 alone from the primary config (multus-cni issues 1527, 1387)');
    let failure = '';
    try {
      await podKubelet(alone).runInitContainers();
    } catch (e: any) {
      failure = String(e.message);
    }
    console.log(`  ${failure.split('\n').filter((l) => l.includes('multus-guard')).join(' | ')}`);
    expect(/init container multus-guard exited 1/.test(failure) && failure.includes('interfaces lan0 are not in the pod\'s k8s.v1.cni.cncf.io/network-status annotation'),
      `the guard to exit 1 naming lan0 (got: ${failure || 'no failure'})`);
  });
}

/** containerd's CNI call in the background: its exit code and output once done. */
function criAsync(node: Node, cache: Cache, cmd: 'add' | 'del', pod: PodNet, ns: string): { result: Promise<{ code: number | null; output: string }>; done: () => number | null | undefined } {
  const bin = '/usr/local/lib/simnode-cri';
  const inHost = inRoot(node.ctx.hostRoot, bin);
  if (!fs.existsSync(inHost)) fs.copyFileSync(cache.cri, inHost);
  fs.chmodSync(inHost, 0o755);
  const p = spawn('chroot', [node.ctx.hostRoot, bin, cmd, '-conf-dir', K3S.confDir, '-bin-dir', K3S.binDir, '-id', pod.sandbox,
    '-netns', pod.netnsPath, '-namespace', ns, '-name', pod.name, '-uid', pod.uid], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let code: number | null | undefined;
  p.stdout.on('data', (b) => { output += b; });
  p.stderr.on('data', (b) => { output += b; });
  const result = new Promise<{ code: number | null; output: string }>((resolve) => p.on('exit', (c) => { code = c; resolve({ code: c, output }); }));
  return { result, done: () => code };
}

/** A new sandbox for a pod already in the API server, as kubelet makes when it retries a failed ADD. */
function newSandbox(node: Node, pod: PodNet): PodNet {
  const nsName = `cni-${crypto.randomUUID()}`;
  const netnsHost = inRoot(node.ctx.hostRoot, `run/netns/${nsName}`);
  fs.writeFileSync(netnsHost, '');
  run('unshare', [`--net=${netnsHost}`, 'true']);
  return { ...pod, sandbox: crypto.randomBytes(32).toString('hex'), netnsHost, netnsPath: `/var/run/netns/${nsName}` };
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
}

/**
 * MultusConfigLifetime.PERSISTENT on the node: the library's 00-multus.conf outlives the daemon,
 * so a pod created while the daemon is down fails its ADD loudly (the shim cannot reach the
 * daemon's socket) and its retry succeeds once the daemon is back, instead of running on the
 * primary network alone. The example's DAEMON lifetime (the positive run) is the contrast: there
 * SIGTERM removes the file. Also: a daemon given a config file path exits at once (v4.3.0).
 */
async function restarts(lab: string, cache: Cache, cluster: Cluster): Promise<void> {
  const { docs, node } = await scenario(lab, cache, cluster, 'restarts', 'the example with configLifetime PERSISTENT', persistentChart);
  const ns = 'default';
  const cm = docs.find((d) => d.kind === 'ConfigMap' && d.data?.['00-multus.conf'])!;
  const shipped: string = cm.data['00-multus.conf'];
  const confFile = inRoot(node.ctx.hostRoot, path.posix.join(K3S.confDir, '00-multus.conf'));
  const primaryFile = inRoot(node.ctx.hostRoot, path.posix.join(K3S.confDir, '10-flannel.conflist'));
  const socket = inRoot(node.ctx.hostRoot, 'run/multus/multus.sock');
  // The stand-in primary declares the capabilities k3s's flannel config does (its portmap and
  // bandwidth entries), so that the daemon generates what it would on k3s.
  const primary = JSON.parse(fs.readFileSync(primaryFile, 'utf8'));
  primary.plugins[0].capabilities = { portMappings: true, bandwidth: true };
  fs.writeFileSync(primaryFile, JSON.stringify(primary, null, 2) + '\n');
  const kubelet = daemonSetKubelet(node, /multus-ds/);
  const scratch = path.join(node.ctx.lab, 'pods', `${docs.find((d) => d.kind === 'DaemonSet').metadata.name}-${NODE}`, 'volumes', 'multus-generated-config', '00-multus.conf');
  const daemonUp = async (what: string): Promise<Running> => {
    const d = kubelet.startContainer(kubelet.containerNames[0]);
    await waitWhileRunning(d, what, 60, () => fs.existsSync(socket) && fs.existsSync(scratch));
    return d;
  };
  const addFails = (pod: PodNet): string => {
    try {
      cri(node, cache, 'add', pod, ns);
    } catch (e: any) {
      const addrs = podAddresses(pod);
      expect(!('eth0' in addrs) && !('lan0' in addrs), `the failed ADD to leave no interface (got ${Object.keys(addrs).join(', ')})`);
      const line = String(e.message).split('\n').find((l) => /multus-shim|multus\.sock|dial/.test(l)) ?? String(e.message).split('\n').slice(-1)[0];
      return line.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z /g, '').trim();
    }
    throw new Error(`expected the ADD to fail with the daemon down, but the pod got ${JSON.stringify(podAddresses(pod))} (multus-cni issues 1527, 1387)`);
  };
  const retried = (pod: PodNet, what: string): PodNet => {
    // containerd tears the failed sandbox down; kubelet retries with a new one.
    try { cri(node, cache, 'del', pod, ns); } catch { /* the shim fails DEL too while the daemon is down */ }
    removeNetns(pod);
    const again = newSandbox(node, pod);
    const addrs = addAndList(node, cache, again, ns);
    expect((addrs.lan0 ?? []).includes('192.168.1.204/24'), `${what}: lan0 with 192.168.1.204/24 on the retried ADD`);
    expect((addrs.eth0 ?? []).some((a) => a.startsWith('10.42.0.')), `${what}: eth0 from the primary network`);
    const status = networkStatus(cluster, again, ns);
    expect(status.some((x: any) => x.name === `${ns}/lan` && x.interface === 'lan0'), `${what}: network-status lists ${ns}/lan on lan0 (got ${JSON.stringify(status)})`);
    return again;
  };
  const cleanup = (pod: PodNet) => {
    cri(node, cache, 'del', pod, ns);
    removeNetns(pod);
  };

  await stage('restarts: init containers write 00-multus.conf from the ConfigMap, mode 0600, byte for byte the library\'s', async () => {
    await kubelet.runInitContainers();
    const written = fs.readFileSync(confFile, 'utf8');
    const mode = fs.statSync(confFile).mode % 0o1000;
    console.log(`  00-multus.conf (${mode.toString(8)}, sha256 ${sha256(confFile)}): ${written}`);
    expect(written === shipped, 'the file on the node to be the ConfigMap\'s 00-multus.conf byte for byte');
    expect(mode === 0o600, `mode 0600 as the daemon writes it (got ${mode.toString(8)})`);
  });
  let daemon = await stage('restarts: daemon up; its own generated copy (scratch emptyDir) is byte for byte the library\'s file', async () => {
    const d = await daemonUp('the daemon\'s socket and its generated copy');
    const generated = fs.readFileSync(scratch, 'utf8');
    if (generated !== shipped) console.log(`  daemon generated: ${generated}\n  library wrote:    ${shipped}`);
    expect(generated === shipped, 'the daemon\'s generated 00-multus.conf to equal the library\'s byte for byte');
    return d;
  });
  await stage('restarts: daemon up: a pod gets eth0 and lan0', () => {
    const pod = createPod(node, docs, 'p-up');
    const addrs = addAndList(node, cache, pod, ns);
    expect((addrs.lan0 ?? []).includes('192.168.1.204/24'), 'lan0 with 192.168.1.204/24');
    cleanup(pod);
  });
  const before = fs.readFileSync(confFile);
  await stage('restarts: SIGTERM: the daemon exits and removes only its scratch copy; 00-multus.conf stays byte for byte', async () => {
    daemon.signal('SIGTERM');
    const code = await Promise.race([daemon.exited, new Promise((r) => setTimeout(() => r('timeout'), 30000))]);
    expect(code !== 'timeout', 'the daemon to exit on SIGTERM');
    expect(!fs.existsSync(scratch), 'the daemon to delete its own generated copy on SIGTERM, as it does with auto');
    expect(fs.existsSync(confFile) && fs.readFileSync(confFile).equals(before), '00-multus.conf unchanged');
    console.log(`  daemon exited ${code}; 00-multus.conf sha256 ${sha256(confFile)} (unchanged); socket ${fs.existsSync(socket) ? 'left' : 'gone'}`);
  });
  await stage('restarts: k3s restarts meanwhile and rewrites 10-flannel.conflist (new addresses from .200)', () => {
    primary.plugins[0].ipam.ranges = [[{ subnet: K3S.podCidr, rangeStart: '10.42.0.200' }]];
    const tmp = `${primaryFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(primary, null, 2) + '\n');
    fs.renameSync(tmp, primaryFile);
  });
  let waiting = createPod(node, docs, 'p-term');
  await stage('restarts: daemon down after SIGTERM: a new pod\'s ADD fails with the shim\'s error (not flannel alone)', () => {
    console.log(`  ADD: ${addFails(waiting)}`);
  });
  await stage('restarts: rollout: the new daemon pod\'s init containers rewrite the same file, the daemon starts, the retried ADD gets lan0 and the guard passes', async () => {
    await kubelet.runInitContainers();
    expect(fs.readFileSync(confFile).equals(before), '00-multus.conf rewritten with the same bytes');
    daemon = await daemonUp('the daemon back');
    waiting = retried(waiting, 'after SIGTERM');
    const eth0 = podAddresses(waiting).eth0 ?? [];
    expect(eth0.some((a) => Number(a.split('/')[0].split('.')[3]) >= 200), `eth0 from the rewritten primary config, read at ADD time through clusterNetwork (got ${eth0.join(', ')})`);
    // The attachment guard, kept from the DAEMON lifetime, passes for the retried pod.
    const spec = JSON.parse(cluster.kubectl('get', 'pod', waiting.name, '-n', ns, '-o', 'json')).spec;
    await new Kubelet(node.ctx, { name: waiting.name, namespace: ns, netns: waiting.netnsHost, spec }).runInitContainers();
    console.log(`  guard: ${tail(path.join(node.ctx.lab, 'logs', `${waiting.name}_multus-guard.log`), 1) || 'exited 0'}`);
    cleanup(waiting);
  });
  await stage('restarts: SIGKILL, and a pod created meanwhile: its ADD waits in the shim (up to 60 s) while the daemon restarts, then gets lan0', async () => {
    daemon.signal('SIGKILL');
    await daemon.exited;
    expect(fs.readFileSync(confFile).equals(before), '00-multus.conf unchanged after SIGKILL');
    const pod = createPod(node, docs, 'p-kill');
    const started = Date.now();
    const add = criAsync(node, cache, 'add', pod, ns);
    await new Promise((r) => setTimeout(r, 3000));
    expect(add.done() === undefined, 'the ADD to be waiting while the daemon is down');
    // kubelet restarts the container (no init containers).
    daemon = await daemonUp('the daemon restarted');
    const r = await add.result;
    expect(r.code === 0, `the waiting ADD to succeed once the daemon is back (exit ${r.code}: ${r.output.trim().split('\n').slice(-1)[0]})`);
    const addrs = podAddresses(pod);
    console.log(`  ADD returned after ${((Date.now() - started) / 1000).toFixed(1)} s; addresses: ${JSON.stringify(addrs)}`);
    expect((addrs.lan0 ?? []).includes('192.168.1.204/24'), 'lan0 with 192.168.1.204/24');
    cleanup(pod);
  });
  daemon.signal('SIGTERM');
  await daemon.exited;

  // What upstream documents for a config of one's own: multusConfigFile as a path. v4.3.0's
  // daemon copies it, then returns from main (only "auto" starts what main waits for).
  await stage('restarts: multusConfigFile as a path (upstream\'s way to give a config): the v4.3.0 daemon exits at once', async () => {
    const broken = JSON.parse(JSON.stringify(docs));
    const dcm = broken.find((d: Doc) => d.kind === 'ConfigMap' && d.data?.['daemon-config.json']);
    const c = JSON.parse(dcm.data['daemon-config.json']);
    c.multusConfigFile = '/etc/cni/net.d/multus.d/00-multus.conf';
    c.cniConfigDir = c.multusAutoconfigDir;
    dcm.data['daemon-config.json'] = JSON.stringify(c, null, 2);
    await apply(cluster, broken);
    const pathNode: Node = { ctx: node.ctx, docs: broken };
    const k = daemonSetKubelet(pathNode, /multus-ds/);
    const d = k.startContainer(k.containerNames[0]);
    const code = await Promise.race([d.exited, new Promise((r) => setTimeout(() => r('still running'), 15000))]);
    if (code === 'still running') { d.proc.kill('SIGKILL'); await d.exited; }
    console.log(`  daemon: ${code === 'still running' ? 'still running after 15 s' : `exited ${code}`}; last log line: ${tail(d.log, 1)}`);
    expect(code === 0, 'the daemon to exit 0 at once (multus-cni issues 1366, 1508)');
    const file = path.join(node.ctx.lab, 'path-mode.yaml');
    fs.writeFileSync(file, toYaml(broken));
    const lint = spawnSync('node', [path.join(__dirname, '../../bin/cdk8s-multus'), 'lint', '--format', 'json', file], { encoding: 'utf8' });
    const ids = [...new Set(JSON.parse(lint.stdout).findings.map((f: any) => f.ruleId))];
    console.log(`  lint: ${ids.join(', ')}`);
    expect(ids.includes('multus-config-file'), 'lint to flag it as multus-config-file');
    await apply(cluster, docs);
  });
}

type CanI = [verb: string, resource: string, expected: boolean];

/** A `kubectl auth can-i` table: prints each answer, and fails when one differs from what is expected. */
function canITable(title: string, checks: CanI[], ask: (args: string[]) => string): void {
  console.log(`  kubectl auth can-i ${title}:`);
  const wrong: string[] = [];
  for (const [verb, resource, want] of checks) {
    const [res, sub] = resource.split('/');
    let got = false;
    try {
      got = ask(['auth', 'can-i', '--all-namespaces', verb, res, ...(sub ? [`--subresource=${sub}`] : [])]).trim() === 'yes';
    } catch {
      got = false; // can-i exits 1 on "no"
    }
    console.log(`    ${verb.padEnd(7)} ${resource.padEnd(48)} ${got ? 'yes' : 'no '}  ${got === want ? '' : `<- expected ${want ? 'yes' : 'no'}`}`);
    if (got !== want) wrong.push(`${verb} ${resource}`);
  }
  expect(wrong.length === 0, `every answer as expected (wrong: ${wrong.join(', ')})`);
}

/** What the daemon's ServiceAccount may do: exactly what DOMAIN.md section 4 lists. */
function rbacTable(cluster: Cluster, docs: Doc[]): void {
  const ds = docs.find((d) => d.kind === 'DaemonSet')!;
  const sa = `system:serviceaccount:${ds.metadata.namespace}:${ds.spec.template.spec.serviceAccountName}`;
  const checks: CanI[] = [
    ['list', 'network-attachment-definitions.k8s.cni.cncf.io', true],
    ['watch', 'network-attachment-definitions.k8s.cni.cncf.io', true],
    ['get', 'pods', true], ['list', 'pods', true], ['watch', 'pods', true],
    ['update', 'pods/status', true],
    ['create', 'events', true], ['patch', 'events', true],
    ['create', 'events.events.k8s.io', true], ['patch', 'events.events.k8s.io', true],
    ['create', 'network-attachment-definitions.k8s.cni.cncf.io', false],
    ['delete', 'network-attachment-definitions.k8s.cni.cncf.io', false],
    ['update', 'pods', false], ['patch', 'pods', false], ['delete', 'pods', false], ['create', 'pods', false],
    ['update', 'events', false], ['get', 'secrets', false], ['list', 'secrets', false], ['get', 'configmaps', false],
    ['list', 'nodes', false], ['get', 'nodes', false], ['create', 'serviceaccounts/token', false],
    ['*', '*', false],
  ];
  canITable(`--as=${sa}`, checks, (args) => cluster.kubectl(...args, `--as=${sa}`));
}

/** A broken variant: must fail on the node with the expected error, and the library's lint must flag it. */
async function negative(lab: string, cache: Cache, cluster: Cluster, docs: Doc[], v: Variant): Promise<{ node: string; lint: string; doctor: string; ok: boolean }> {
  const broken = v.mutate(JSON.parse(JSON.stringify(docs)));
  const file = path.join(lab, `${v.id}.yaml`);
  fs.writeFileSync(file, toYaml(broken));
  // The library's side: lint the broken manifests.
  const lint = spawnSync('node', [path.join(__dirname, '../../bin/cdk8s-multus'), 'lint', '--format', 'json', file], { encoding: 'utf8' });
  const flagged: string[] = [];
  try {
    for (const f of JSON.parse(lint.stdout).findings) if (f.severity === 'error') flagged.push(f.ruleId);
  } catch {
    throw new Error(`lint did not answer in JSON (exit ${lint.status}): ${lint.stderr}`);
  }
  const lintOk = v.rules.some((r) => flagged.includes(r));

  // The node's side.
  let failure = '';
  let daemon: Running | undefined;
  let node: Node | undefined;
  let found: string[] = [];
  try {
    await apply(cluster, broken);
    node = prepareNode(lab, cache, cluster, broken, v.id);
    daemon = await multusUp(node);
    const pod = createPod(node, broken, v.id);
    cri(node, cache, 'add', pod, 'default');
    failure = '(no failure)';
  } catch (e: any) {
    failure = String(e.message);
  } finally {
    // doctor on the node as the mistake left it, the daemon (if it started) still up.
    if (node) found = [...new Set<string>(doctor(node, broken).report.findings.map((f: any) => f.id))].sort();
    if (daemon) {
      daemon.proc.kill('SIGKILL');
      await daemon.exited;
    }
  }
  console.log(`  ${v.id}: doctor finds ${found.join(', ') || '(nothing)'}`);
  const match = failure.replace(/\d{4}-\d\d-\d\dT[\d:]+Z \[\w+\] /g, '').match(v.expect);
  console.log(`  ${v.id}: node ${match ? 'failed as expected' : 'did NOT fail as expected'}: ${match ? match[0] : failure.split('\n').slice(-5).join(' | ')}`);
  console.log(`  ${v.id}: lint ${lintOk ? 'flags it' : 'does NOT flag it'}: ${[...new Set(flagged)].join(', ') || '(nothing)'}`);
  const rules = [...new Set(flagged.filter((r) => v.rules.includes(r)))];
  const doctorOk = JSON.stringify(found) === JSON.stringify([...v.doctor].sort());
  if (!doctorOk) console.log(`  ${v.id}: doctor expected ${v.doctor.join(', ') || '(nothing)'}`);
  return { node: match ? match[0].trim() : '-', lint: rules.join(', ') || '-', doctor: found.join(', ') || '-', ok: !!match && lintOk && doctorOk };
}

async function main(): Promise<void> {
  const [yamlFile, cacheFile] = process.argv.slice(2);
  const cache = readCache(cacheFile);
  const docs = loadYaml(yamlFile);
  const lab = process.argv[4];
  run('mount', ['-t', 'tmpfs', 'simnode', lab]);
  const cluster = new Cluster(path.join(lab, 'cluster'), cache);
  fs.mkdirSync(path.join(lab, 'cluster'), { recursive: true });
  let failed = false;
  try {
    const lanNs = await stage('network: node namespace, eth0 veth to a LAN namespace', () => makeNetwork(lab));
    await stage('control plane: etcd, kube-apiserver, kube-proxy\'s forward', () => cluster.start());
    await stage('apply --server-side --validate=strict', () => apply(cluster, docs));
    await stage('RBAC: the daemon\'s ServiceAccount', () => rbacTable(cluster, docs));
    await stage('API server: object names, the server and the object-name rule', () => {
      const r = namesAgreement(cluster);
      console.log(`  ${r.cases} objects applied with --dry-run=server: ${r.refused} refused; ${r.disagreements.length} disagreements with object-name`);
      for (const d of r.versionDifferences) console.log(`  accepted by Kubernetes 1.36+ only (KEP-5311), refused by the rule for earlier releases: ${d}`);
      for (const d of r.disagreements) console.log(`  DISAGREE ${d}`);
      expect(r.disagreements.length === 0, 'the object-name rule to agree with the API server on every name');
    });
    // SIMNODE_ONLY=restarts,guard (say) runs those scenarios alone, for work on one of them.
    const only = process.env.SIMNODE_ONLY?.split(',');
    const wanted = (name: string) => !only || only.includes(name);
    if (wanted('positive')) await positive(lab, cache, cluster, docs);
    if (wanted('whereabouts')) await whereabouts(lab, cache, cluster);
    if (wanted('thin')) await thin(lab, cache, cluster);
    if (wanted('kubeconfig')) await kubeconfigJob(lab, cache, cluster);
    if (wanted('dhcp')) await dhcp(lab, cache, cluster, lanNs);
    if (wanted('guard')) await guard(lab, cache, cluster);
    if (wanted('restarts')) await restarts(lab, cache, cluster);
    const table: string[] = [];
    for (const v of VARIANTS.filter(() => wanted('variants'))) {
      const r = await stage(`broken variant: ${v.id}`, () => negative(lab, cache, cluster, docs, v));
      table.push(`| ${v.id} | ${r.node} | ${r.lint} | ${r.doctor} | ${r.ok ? 'agree' : 'DISAGREE'} |`);
      if (!r.ok) failed = true;
    }
    console.log('\nagreement: the node and the library on the field mistakes\n');
    console.log('| variant | Multus on the node | lint | doctor on the node | |\n|---|---|---|---|---|');
    for (const row of table) console.log(row);
  } catch (e: any) {
    failed = true;
    console.error(`\nsimnode: ${e.message}`);
    console.error(`kube-apiserver log:\n${cluster.logTail('kube-apiserver', 10)}`);
    for (const log of containerLogs(lab)) console.error(`\n${path.basename(log)}:\n${tail(log, 15)}`);
  } finally {
    await cluster.stop();
  }
  console.log(`simnode: ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  // This process is the first of the run's PID namespace: its exit ends every process left in it.
  process.exit(failed ? 1 : 0);
}

void main();
