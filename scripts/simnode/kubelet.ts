// Kubelet's part, derived from a pod spec as the API server returns it: for each container, a
// mount namespace whose mounts are exactly the spec's volumes and volumeMounts, its environment,
// and its command, run chrooted in the image directory. Anything in the spec this emulation does
// not honour is an error, never ignored.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Cluster } from './cluster';
import { imageSpecs, inRoot, makeImage, resolveInRoot } from './host';

export interface NodeContext {
  readonly nodeName: string;
  readonly nodeIp: string;
  readonly hostRoot: string;
  readonly lab: string;
  readonly cluster: Cluster;
  readonly images: ReturnType<typeof imageSpecs>;
  readonly busybox: string;
}

export interface PodRef {
  readonly name: string;
  readonly namespace: string;
  readonly spec: any;
  /**
   * For a pod without hostNetwork: the host path of its network namespace, which the runtime has
   * set up through CNI before any container starts.
   */
  readonly netns?: string;
}

/** A container started in the background. */
export interface Running {
  readonly proc: ChildProcess;
  readonly log: string;
  readonly exited: Promise<number | null>;
  /** The exit code once it has exited (null for a signal), else undefined. */
  readonly exitCode: () => number | null | undefined;
  /** Signals the container's process, as the runtime does (SIGTERM on stop). */
  readonly signal: (sig: NodeJS.Signals) => void;
}

/**
 * The container's own process: unshare itself when it shares the node's PID namespace (unshare
 * execs), else unshare's child, the namespace's PID 1 (unshare --fork blocks SIGTERM and does not
 * pass it on).
 */
function containerProcess(proc: ChildProcess, ownPidNamespace: boolean): number {
  if (!ownPidNamespace) return proc.pid!;
  const children = fs.readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  if (children.length !== 1) throw new Error(`expected one process under unshare ${proc.pid}, found ${children.length}`);
  return Number(children[0]);
}

const PROPAGATION: Record<string, string> = {
  None: '--make-rprivate',
  HostToContainer: '--make-rslave',
  Bidirectional: '--make-rshared',
};

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export class Kubelet {
  private readonly volumeDirs = new Map<string, string>();

  constructor(private readonly ctx: NodeContext, private readonly pod: PodRef) {}

  /** Runs the init containers in order; each must exit 0. Returns each one's output. */
  async runInitContainers(): Promise<void> {
    for (const c of this.pod.spec.initContainers ?? []) {
      const r = this.start(c);
      const code = await r.exited;
      if (code !== 0) {
        throw new Error(`init container ${c.name} exited ${code}:\n${fs.readFileSync(r.log, 'utf8').trimEnd()}`);
      }
    }
  }

  get containerNames(): string[] {
    return (this.pod.spec.containers ?? []).map((c: any) => c.name);
  }

  /** Starts one of the pod's (non-init) containers in the background. */
  startContainer(name: string): Running {
    const c = (this.pod.spec.containers ?? []).find((x: any) => x.name === name);
    if (!c) throw new Error(`pod ${this.pod.name} has no container ${name}`);
    return this.start(c);
  }

  private start(c: any): Running {
    const spec = this.pod.spec;
    const id = `${this.pod.name}_${c.name}`;
    const base = path.join(this.ctx.lab, 'containers', id);
    fs.rmSync(base, { recursive: true, force: true });
    for (const d of ['upper', 'work', 'rootfs']) fs.mkdirSync(path.join(base, d), { recursive: true });
    const image = this.image(c.image);
    const rootfs = path.join(base, 'rootfs');
    const sc = c.securityContext ?? {};
    if (c.workingDir) throw new Error(`container ${c.name}: workingDir is not emulated`);
    for (const unsupported of ['envFrom', 'volumeDevices', 'lifecycle']) {
      if (c[unsupported]) throw new Error(`container ${c.name}: ${unsupported} is not emulated`);
    }

    const lines = ['set -eu', 'mount --make-rslave /',
      `mount -t overlay overlay -o ${shq(`lowerdir=${image.dir},upperdir=${base}/upper,workdir=${base}/work`)} ${shq(rootfs)}`,
      `mount -t proc proc ${shq(rootfs + '/proc')}`,
      ...(sc.privileged
        // privileged: the host's devices and a writable sysfs
        ? [`mount --rbind /dev ${shq(rootfs + '/dev')}`, `mount --rbind /sys ${shq(rootfs + '/sys')}`]
        // otherwise the runtime's minimal /dev and a read-only sysfs
        : [`mount -t tmpfs -o mode=755 dev ${shq(rootfs + '/dev')}`,
          ...['null', 'zero', 'random', 'urandom', 'full', 'tty'].map((d) => `touch ${shq(`${rootfs}/dev/${d}`)} && mount --bind /dev/${d} ${shq(`${rootfs}/dev/${d}`)}`),
          `mount -t sysfs -o ro sysfs ${shq(rootfs + '/sys')}`])];

    const mounts = [...(c.volumeMounts ?? [])];
    if (this.automountToken() && !mounts.some((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount')) {
      mounts.push({ name: '__token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    }
    // The runtime mounts parents before children.
    mounts.sort((a, b) => a.mountPath.split('/').length - b.mountPath.split('/').length);
    for (const m of mounts) {
      if (m.subPath || m.subPathExpr) throw new Error(`container ${c.name}: subPath is not emulated`);
      const source = this.volume(m.name);
      const target = rootfs + resolveInRoot(image.dir, m.mountPath);
      const isFile = fs.statSync(source).isFile();
      lines.push(isFile ? `mkdir -p ${shq(path.dirname(target))} && touch ${shq(target)}` : `mkdir -p ${shq(target)}`);
      lines.push(`mount --rbind ${shq(source)} ${shq(target)}`);
      const propagation = PROPAGATION[m.mountPropagation ?? 'None'];
      if (!propagation) throw new Error(`container ${c.name}: unknown mountPropagation ${m.mountPropagation}`);
      lines.push(`mount ${propagation} ${shq(target)}`);
      if (m.readOnly) lines.push(`mount -o remount,bind,ro ${shq(target)}`);
    }

    if (sc.readOnlyRootFilesystem) lines.push(`mount -o remount,bind,ro ${shq(rootfs)}`);
    const env = this.env(c, image.path);
    const argv = [...(c.command ?? image.entrypoint ?? []), ...(c.args ?? [])];
    if (argv.length === 0) throw new Error(`container ${c.name}: no command and no image entrypoint`);
    // kubelet's user checks: runAsNonRoot refuses a container that would run as root (the images
    // here have no USER, so root unless runAsUser says otherwise).
    const podSc = spec.securityContext ?? {};
    const uid: number = sc.runAsUser ?? podSc.runAsUser ?? 0;
    const gid: number = sc.runAsGroup ?? podSc.runAsGroup ?? uid;
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) === true && uid === 0) {
      throw new Error(`container ${c.name}: container has runAsNonRoot and image will run as root (kubelet refuses to start it: CreateContainerConfigError)`);
    }
    const user = uid === 0 ? [] : [`--userspec=${uid}:${gid}`];
    lines.push(`exec env -i ${Object.entries(env).map(([k, v]) => shq(`${k}=${v}`)).join(' ')} chroot ${user.map(shq).join(' ')} ${shq(rootfs)} ${argv.map(shq).join(' ')}`);

    const unshare = ['--mount', '--propagation', 'unchanged'];
    // Its own PID namespace: the container's process is its PID 1 (see Running.signal).
    if (!spec.hostPID) unshare.push('--pid', '--fork', '--kill-child=SIGKILL');
    // The pod's network: the node's, or the namespace the runtime set up through CNI.
    const netns = spec.hostNetwork ? [] : ['nsenter', `--net=${this.podNetns()}`];
    const log = path.join(this.ctx.lab, 'logs', `${id}.log`);
    fs.mkdirSync(path.dirname(log), { recursive: true });
    const out = fs.openSync(log, 'w');
    const [cmd, ...args] = [...netns, 'unshare', ...unshare, '/bin/sh', '-c', lines.join('\n')];
    const proc = spawn(cmd, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => { exitCode = code; resolve(code); }));
    const signal = (sig: NodeJS.Signals) => process.kill(containerProcess(proc, !spec.hostPID), sig);
    return { proc, log, exited, exitCode: () => exitCode, signal };
  }

  private podNetns(): string {
    if (!this.pod.netns) throw new Error(`pod ${this.pod.name} has no hostNetwork and no network namespace from the runtime`);
    return this.pod.netns;
  }

  private automountToken(): boolean {
    return this.pod.spec.automountServiceAccountToken !== false;
  }

  private image(ref: string): { dir: string; path: string; entrypoint?: string[] } {
    const found = this.ctx.images(ref);
    if (!found) throw new Error(`no image directory for ${ref}: the simulated node knows Multus (thick and thin), the hardened plugins and Whereabouts`);
    const dir = path.join(this.ctx.lab, 'images', found.name);
    if (!fs.existsSync(dir)) makeImage(dir, found.spec, this.ctx.busybox);
    return { dir, path: found.spec.path, entrypoint: found.spec.entrypoint };
  }

  /** The host-side directory (or file) that backs a volume, materialized on first use. */
  private volume(name: string): string {
    const known = this.volumeDirs.get(name);
    if (known) return known;
    const dir = path.join(this.ctx.lab, 'pods', this.pod.name, 'volumes', name);
    let source: string;
    if (name === '__token') {
      source = this.tokenVolume(dir);
    } else {
      const v = (this.pod.spec.volumes ?? []).find((x: any) => x.name === name);
      if (!v) throw new Error(`pod ${this.pod.name}: volumeMount names volume ${name}, which the pod does not have`);
      if (v.hostPath) {
        source = inRoot(this.ctx.hostRoot, v.hostPath.path);
        const type = v.hostPath.type ?? '';
        if (!fs.existsSync(source)) {
          if (type === 'DirectoryOrCreate' || type === '') {
            // kubelet creates DirectoryOrCreate; containerd creates a missing bind source too.
            fs.mkdirSync(source, { recursive: true });
          } else {
            throw new Error(`hostPath ${v.hostPath.path} (type ${type}) does not exist on the node`);
          }
        }
      } else if (v.configMap) {
        source = this.configMapVolume(dir, v.configMap);
      } else if (v.downwardAPI) {
        source = this.downwardVolume(dir, v.downwardAPI);
      } else if (v.emptyDir) {
        fs.mkdirSync(dir, { recursive: true, mode: 0o777 });
        fs.chmodSync(dir, 0o777);
        source = dir;
      } else {
        throw new Error(`pod ${this.pod.name}: volume ${name} is of a type this emulation does not materialize`);
      }
    }
    this.volumeDirs.set(name, source);
    return source;
  }

  private configMapVolume(dir: string, ref: any): string {
    const cm = JSON.parse(this.ctx.cluster.kubectl('get', 'configmap', ref.name, '-n', this.pod.namespace, '-o', 'json'));
    const data: Record<string, string> = cm.data ?? {};
    const items: Array<{ key: string; path: string }> = ref.items ?? Object.keys(data).map((k) => ({ key: k, path: k }));
    fs.mkdirSync(dir, { recursive: true });
    for (const it of items) {
      if (!(it.key in data)) throw new Error(`configMap ${ref.name} has no key ${it.key}`);
      fs.mkdirSync(path.join(dir, path.dirname(it.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, it.path), data[it.key], { mode: ref.defaultMode ?? 0o644 });
    }
    return dir;
  }

  /**
   * A downward API volume, from the pod as the API server holds it now (kubelet refreshes these
   * files). Labels and annotations are written as kubelet writes them: sorted `key="value"` lines,
   * the value quoted.
   */
  private downwardVolume(dir: string, ref: any): string {
    const pod = JSON.parse(this.ctx.cluster.kubectl('get', 'pod', this.pod.name, '-n', this.pod.namespace, '-o', 'json'));
    fs.mkdirSync(dir, { recursive: true });
    for (const it of ref.items ?? []) {
      const fieldPath: string | undefined = it.fieldRef?.fieldPath;
      if (fieldPath !== 'metadata.annotations' && fieldPath !== 'metadata.labels') {
        throw new Error(`downward API field ${fieldPath ?? JSON.stringify(it)} is not emulated`);
      }
      const map: Record<string, string> = (fieldPath === 'metadata.annotations' ? pod.metadata.annotations : pod.metadata.labels) ?? {};
      const text = Object.keys(map).sort().map((k) => `${k}=${JSON.stringify(map[k])}`).join('\n');
      fs.writeFileSync(path.join(dir, it.path), text, { mode: 0o644 });
    }
    return dir;
  }

  /** The projected service-account volume: a token from the TokenRequest API, ca.crt, namespace. */
  private tokenVolume(dir: string): string {
    const sa = this.pod.spec.serviceAccountName ?? 'default';
    const token = this.ctx.cluster.kubectl('create', 'token', sa, '-n', this.pod.namespace, '--duration', '1h').trim();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'token'), token);
    fs.copyFileSync(this.ctx.cluster.caFile, path.join(dir, 'ca.crt'));
    fs.writeFileSync(path.join(dir, 'namespace'), this.pod.namespace);
    return dir;
  }

  private env(c: any, imagePath: string): Record<string, string> {
    const env: Record<string, string> = { PATH: imagePath, HOSTNAME: this.ctx.nodeName, ...this.ctx.cluster.serviceEnv() };
    for (const e of c.env ?? []) {
      if (e.value !== undefined) {
        env[e.name] = e.value;
      } else if (e.valueFrom?.fieldRef) {
        env[e.name] = this.field(e.valueFrom.fieldRef.fieldPath);
      } else if (e.valueFrom === undefined) {
        // The API server omits an empty value; kubelet sets the variable to "".
        env[e.name] = '';
      } else {
        throw new Error(`container ${c.name}: env ${e.name} has a source this emulation does not resolve`);
      }
    }
    return env;
  }

  private field(fieldPath: string): string {
    switch (fieldPath) {
      case 'spec.nodeName': return this.ctx.nodeName;
      case 'metadata.name': return this.pod.name;
      case 'metadata.namespace': return this.pod.namespace;
      case 'status.hostIP':
      case 'status.podIP': return this.ctx.nodeIp; // hostNetwork
      default: throw new Error(`fieldRef ${fieldPath} is not emulated`);
    }
  }
}
