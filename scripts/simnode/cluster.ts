// The control plane of the simulated node: a CA and certificates, etcd, the real kube-apiserver,
// kubectl with an admin credential, and what the controller-manager would have created.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The address plan: k3s's service range, the API server's port, the node on its LAN. */
export const NET = {
  serviceRange: '10.43.0.0/16',
  /** The `kubernetes` Service's cluster IP in that range. */
  serviceIp: '10.43.0.1',
  apiPort: 6443,
  nodeIp: '192.168.1.10',
  lanPrefix: 24,
  peerIp: '192.168.1.1',
};

export interface Bins {
  readonly kubeApiserver: string;
  readonly kubectl: string;
  readonly etcd: string;
}

/** Runs a command, returns stdout; throws with stderr on failure. */
export function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  try {
    return execFileSync(cmd, args, { input: opts.input, env: opts.env, cwd: opts.cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e: any) {
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    throw new Error(`${cmd} ${args.join(' ')}: exit ${e.status}\n${out}`);
  }
}

/** Thrown by a waitFor check to end the wait with that error; any other error means "not yet". */
export class StopWaiting extends Error {}

export async function waitFor(what: string, seconds: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      if (e instanceof StopWaiting) throw e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A CA, the API server's serving certificate, an admin client certificate, the service-account key. */
function makePki(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const ssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=simnode-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
  const sans = [
    `IP:${NET.serviceIp}`, `IP:${NET.nodeIp}`, 'IP:127.0.0.1',
    'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local',
  ].join(',');
  const leaf = (name: string, subj: string, ext: string) => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subj, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
  };
  leaf('apiserver', '/CN=kube-apiserver', `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
  leaf('admin', '/O=system:masters/CN=simnode-admin', 'extendedKeyUsage=clientAuth\n');
  ssl('genrsa', '-out', 'sa.key', '2048');
}

export class Cluster {
  readonly kubeconfig: string;
  private readonly procs: ChildProcess[] = [];

  constructor(private readonly dir: string, private readonly bins: Bins) {
    this.kubeconfig = path.join(dir, 'admin.kubeconfig');
  }

  /** PKI, etcd, the API server, and the kubernetes Service made reachable as kube-proxy would. */
  async start(): Promise<void> {
    const pki = path.join(this.dir, 'pki');
    makePki(pki);
    const p = (f: string) => path.join(pki, f);
    this.spawnLogged('etcd', this.bins.etcd, ['--data-dir', path.join(this.dir, 'etcd')]);
    this.spawnLogged('kube-apiserver', this.bins.kubeApiserver, [
      '--etcd-servers=http://127.0.0.1:2379',
      `--advertise-address=${NET.nodeIp}`,
      `--secure-port=${NET.apiPort}`,
      `--service-cluster-ip-range=${NET.serviceRange}`,
      `--client-ca-file=${p('ca.crt')}`,
      `--tls-cert-file=${p('apiserver.crt')}`,
      `--tls-private-key-file=${p('apiserver.key')}`,
      `--service-account-key-file=${p('sa.key')}`,
      `--service-account-signing-key-file=${p('sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      `--cert-dir=${path.join(this.dir, 'apiserver-certs')}`,
    ]);
    const server = `https://127.0.0.1:${NET.apiPort}`;
    const kc = (...args: string[]) => run(this.bins.kubectl, ['--kubeconfig', this.kubeconfig, ...args]);
    kc('config', 'set-cluster', 'simnode', `--server=${server}`, `--certificate-authority=${p('ca.crt')}`, '--embed-certs');
    kc('config', 'set-credentials', 'admin', `--client-certificate=${p('admin.crt')}`, `--client-key=${p('admin.key')}`, '--embed-certs');
    kc('config', 'set-context', 'simnode', '--cluster=simnode', '--user=admin');
    kc('config', 'use-context', 'simnode');
    await waitFor('the API server to be ready', 90, () => this.kubectl('get', '--raw', '/readyz').trim() === 'ok');
    // What the controller-manager would create: the default ServiceAccount of the default namespace.
    await waitFor('the default namespace', 30, () => this.kubectl('get', 'namespace', 'default', '-o', 'name').trim() !== '');
    this.kubectl('create', 'serviceaccount', 'default', '-n', 'default');
    // kube-proxy's part: the kubernetes Service's cluster IP forwards to the API server.
    const svc = JSON.parse(this.kubectl('get', 'service', 'kubernetes', '-n', 'default', '-o', 'json'));
    const svcPort: number = svc.spec.ports[0].port;
    await this.forward(svc.spec.clusterIP, svcPort);
  }

  kubectl(...args: string[]): string {
    return run(this.bins.kubectl, ['--kubeconfig', this.kubeconfig, ...args]);
  }

  /** kubectl with another kubeconfig: a credential the chart's programs wrote. */
  kubectlAs(kubeconfig: string, ...args: string[]): string {
    return run(this.bins.kubectl, ['--kubeconfig', kubeconfig, ...args]);
  }

  kubectlInput(input: string, ...args: string[]): string {
    return run(this.bins.kubectl, ['--kubeconfig', this.kubeconfig, ...args], { input });
  }

  get caFile(): string {
    return path.join(this.dir, 'pki', 'ca.crt');
  }

  /** The environment kubelet gives every container for the kubernetes Service. */
  serviceEnv(): Record<string, string> {
    const svc = JSON.parse(this.kubectl('get', 'service', 'kubernetes', '-n', 'default', '-o', 'json'));
    const ip: string = svc.spec.clusterIP;
    const port = String(svc.spec.ports[0].port);
    const portName = (svc.spec.ports[0].name ?? '').toUpperCase();
    return {
      KUBERNETES_SERVICE_HOST: ip,
      KUBERNETES_SERVICE_PORT: port,
      ...(portName ? { [`KUBERNETES_SERVICE_PORT_${portName}`]: port } : {}),
      KUBERNETES_PORT: `tcp://${ip}:${port}`,
      [`KUBERNETES_PORT_${port}_TCP`]: `tcp://${ip}:${port}`,
      [`KUBERNETES_PORT_${port}_TCP_PROTO`]: 'tcp',
      [`KUBERNETES_PORT_${port}_TCP_PORT`]: port,
      [`KUBERNETES_PORT_${port}_TCP_ADDR`]: ip,
    };
  }

  async stop(): Promise<void> {
    for (const proc of this.procs.reverse()) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => { proc.once('exit', r); setTimeout(r, 5000); });
      }
    }
  }

  logTail(name: string, lines = 30): string {
    const f = path.join(this.dir, `${name}.log`);
    if (!fs.existsSync(f)) return '';
    return fs.readFileSync(f, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  private spawnLogged(name: string, bin: string, args: string[]): void {
    const out = fs.openSync(path.join(this.dir, `${name}.log`), 'a');
    const proc = spawn(bin, args, { stdio: ['ignore', out, out] });
    proc.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGTERM') process.stderr.write(`${name} exited: ${code ?? signal}\n${this.logTail(name)}\n`);
    });
    this.procs.push(proc);
  }

  /**
   * kube-proxy's job: the Service's cluster IP forwards to the API server. A userspace forwarder in
   * a process of its own, so that it serves while the harness waits on a synchronous call.
   */
  private async forward(ip: string, port: number): Promise<void> {
    run('ip', ['addr', 'add', `${ip}/32`, 'dev', 'lo']);
    const src = `const net = require('net');
      const [ip, port, upHost, upPort] = process.argv.slice(1);
      net.createServer((c) => {
        const u = net.connect(Number(upPort), upHost);
        c.pipe(u).pipe(c);
        const close = () => { c.destroy(); u.destroy(); };
        c.on('error', close); u.on('error', close);
      }).listen(Number(port), ip, () => console.log('forwarding ' + ip + ':' + port));`;
    this.spawnLogged('kube-proxy', process.execPath, ['-e', src, ip, String(port), NET.nodeIp, String(NET.apiPort)]);
    await waitFor('the kubernetes Service forward', 10, () => this.logTail('kube-proxy').includes('forwarding'));
  }
}
