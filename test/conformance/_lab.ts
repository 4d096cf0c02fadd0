import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const VERSION = 'v1.9.1';

/**
 * The reference plugins at the installer image's version, built from their Go module once, with
 * the rest of what the suite runs (scripts/conformance-deps.sh).
 */
export function pluginsDir(): string {
  const dir = path.join(ROOT, '.cache', 'cni-plugins', VERSION);
  execFileSync(path.join(ROOT, 'scripts', 'conformance-deps.sh'), { env: { ...process.env, CNI_PLUGINS_DIR: dir }, stdio: 'pipe' });
  return dir;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What a plugin run returned. */
export interface PluginRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly result?: any;
}

/** What an attachment asks for, as Multus passes it to the delegate. */
export interface Request {
  readonly ips?: string[];
  readonly mac?: string;
  /** Port mappings, passed as runtime config to a plugin that declares the portMappings capability. */
  readonly portMappings?: { hostPort: number; containerPort: number; protocol: string }[];
}

/** Whether the kernel can create a link of a type, with these type arguments (tried in a throwaway namespace). */
export function kernelSupports(type: string, ...typeArgs: string[]): boolean {
  const ns = `cm${process.pid}probe`;
  spawnSync('ip', ['netns', 'add', ns]);
  try {
    spawnSync('ip', ['-n', ns, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1']);
    return spawnSync('ip', ['-n', ns, 'link', 'add', 'link', 'p0', 'name', 'probe0', 'type', type, ...typeArgs]).status === 0;
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

/** Whether the kernel's bridges can filter VLANs (CONFIG_BRIDGE_VLAN_FILTERING), tried in a throwaway namespace. */
export function bridgeVlanFiltering(): boolean {
  const ns = `cm${process.pid}probe`;
  spawnSync('ip', ['netns', 'add', ns]);
  try {
    return spawnSync('ip', ['-n', ns, 'link', 'add', 'probe0', 'type', 'bridge', 'vlan_filtering', '1']).status === 0;
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

/** Whether a program is on the PATH. */
export function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

let labCount = 0;

/**
 * A node of our own making: a network namespace with a veth `eth0` as the LAN NIC, its peer in a
 * second namespace that stands for the LAN, and pod namespaces on demand. Nothing outside these
 * namespaces is touched; `close()` removes them all.
 */
export class Lab {
  public readonly node: string;
  public readonly lan: string;
  public readonly dataDir: string;
  private readonly pods: string[] = [];
  private readonly processes: ChildProcess[] = [];
  /** The result each conflist's ADD ended with, by list, pod and interface, for its DEL and CHECK. */
  private readonly results = new Map<string, any>();

  constructor(public readonly bin: string) {
    if (process.getuid?.() !== 0) throw new Error('the conformance suite creates network namespaces and must run as root');
    const id = `cm${process.pid}x${++labCount}`;
    this.node = `${id}-node`;
    this.lan = `${id}-lan`;
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-leases-'));
    ip('netns', 'add', this.node);
    ip('netns', 'add', this.lan);
    ip('link', 'add', 'eth0', 'netns', this.node, 'type', 'veth', 'peer', 'name', 'lan0', 'netns', this.lan);
    ip('-n', this.node, 'link', 'set', 'eth0', 'up');
    ip('-n', this.lan, 'link', 'set', 'lan0', 'up');
  }

  /** A new pod network namespace. */
  public newPod(): string {
    const name = `${this.node.replace('-node', '')}-pod${this.pods.length}`;
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    // No duplicate address detection on the lab's own link: the plugins wait for tentative IPv6
    // addresses to settle, which would cost a second or more per IPv6 case and prove nothing here.
    for (const conf of ['all', 'default']) {
      execFileSync('ip', ['netns', 'exec', name, 'sysctl', '-q', '-w', `net.ipv6.conf.${conf}.accept_dad=0`]);
    }
    this.pods.push(name);
    return name;
  }

  /**
   * A namespace that stands for something outside the pod (a VM behind a KubeVirt binding), with
   * its loopback up; removed by `close()`.
   */
  public newNamespace(role: string): string {
    const name = `${this.node.replace('-node', '')}-${role}${this.pods.length}`;
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    this.pods.push(name);
    return name;
  }

  /** Runs `ip` with these arguments; throws with its stderr when it fails. */
  public ip(...args: string[]): string {
    return ip(...args);
  }

  /** Pings an address from a namespace: whether replies came back, and ping's summary lines. */
  public ping(netns: string, address: string, count = 3): { ok: boolean; output: string } {
    const r = spawnSync('ip', ['netns', 'exec', netns, 'ping', '-c', String(count), '-i', '0.2', '-W', '1', address], { encoding: 'utf8', timeout: 20_000 });
    const output = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /packets transmitted|bytes from|rtt|ping:/.test(l)).join('\n');
    return { ok: r.status === 0, output };
  }

  /** An ADD that must fail, in a pod namespace of its own that is removed after: what the plugin printed. */
  public addFailing(config: any): PluginRun {
    const pod = this.newPod();
    try {
      const add = this.run('ADD', config, pod);
      expect(add.code).not.toBe(0);
      return add;
    } finally {
      this.deletePod(pod);
    }
  }

  /** Removes a pod namespace. */
  public deletePod(pod: string): void {
    spawnSync('ip', ['netns', 'del', pod]);
    this.pods.splice(this.pods.indexOf(pod), 1);
  }

  /**
   * Runs the config's plugin in the node namespace as Multus's delegate call would: runtime config
   * for the declared capabilities, CNI_ARGS with IgnoreUnknown, K8S_POD_*, IP and MAC. host-local's
   * lease dir is moved into the lab, so that the machine's /var/lib/cni stays untouched.
   */
  public run(command: 'ADD' | 'DEL' | 'CHECK', nadConfig: any, pod: string, request: Request = {}, ifname = 'net1'): PluginRun {
    if (!Array.isArray(nadConfig.plugins)) return this.exec(command, nadConfig, pod, request, ifname);
    return this.runList(command, nadConfig, pod, request, ifname);
  }

  /**
   * Runs a conflist as libcni does: ADD runs the plugins in order, each given the previous one's
   * result as prevResult; DEL runs them in reverse and CHECK in order, each given the result the ADD
   * ended with. The list's name and cniVersion are put into each plugin's config.
   */
  private runList(command: 'ADD' | 'DEL' | 'CHECK', list: any, pod: string, request: Request, ifname: string): PluginRun {
    const key = `${list.name}|${pod}|${ifname}`;
    const plugins: any[] = command === 'DEL' ? [...list.plugins].reverse() : list.plugins;
    let prev = command === 'ADD' ? undefined : this.results.get(key);
    let last: PluginRun = { code: 0, stdout: '', stderr: '' };
    for (const p of plugins) {
      const config = { cniVersion: list.cniVersion, name: list.name, ...p, ...(prev ? { prevResult: prev } : {}) };
      last = this.exec(command, config, pod, request, ifname);
      if (last.code !== 0) return last;
      if (command === 'ADD') prev = last.result;
    }
    if (command === 'ADD') this.results.set(key, prev);
    if (command === 'DEL') this.results.delete(key);
    return last;
  }

  private exec(command: 'ADD' | 'DEL' | 'CHECK', nadConfig: any, pod: string, request: Request, ifname: string): PluginRun {
    const config = JSON.parse(JSON.stringify(nadConfig));
    if (config.ipam?.type === 'host-local') config.ipam.dataDir = this.dataDir;
    // tuning keeps what it changed, to restore it on DEL, under /run/cni/tuning unless told otherwise.
    if (config.type === 'tuning') config.dataDir = path.join(this.dataDir, 'tuning');
    const runtimeConfig: any = {};
    if (request.ips && config.capabilities?.ips) runtimeConfig.ips = request.ips;
    if (request.mac && config.capabilities?.mac) runtimeConfig.mac = request.mac;
    if (request.portMappings && config.capabilities?.portMappings) runtimeConfig.portMappings = request.portMappings;
    if (Object.keys(runtimeConfig).length) config.runtimeConfig = runtimeConfig;
    const args = ['IgnoreUnknown=1', 'K8S_POD_NAMESPACE=default', `K8S_POD_NAME=${pod}`, `K8S_POD_INFRA_CONTAINER_ID=${pod}-infra`, `K8S_POD_UID=${pod}-uid`];
    if (request.ips?.length) args.push(`IP=${request.ips.join(',')}`);
    if (request.mac) args.push(`MAC=${request.mac}`);
    const r = spawnSync('ip', ['netns', 'exec', this.node, path.join(this.bin, config.type)], {
      input: JSON.stringify(config),
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        CNI_COMMAND: command,
        CNI_CONTAINERID: `${pod}-infra`,
        CNI_NETNS: `/var/run/netns/${pod}`,
        CNI_IFNAME: ifname,
        CNI_PATH: this.bin,
        CNI_ARGS: args.join(';'),
      },
      timeout: 30_000,
    });
    let result: any;
    try {
      result = r.stdout ? JSON.parse(r.stdout) : undefined;
    } catch {
      result = undefined;
    }
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, result };
  }

  /** The addresses (CIDR) on an interface in a namespace, link-local IPv6 left out; undefined when it does not exist. */
  public addresses(netns: string, ifname = 'net1'): string[] | undefined {
    const r = spawnSync('ip', ['-j', '-n', netns, 'addr', 'show', 'dev', ifname], { encoding: 'utf8' });
    if (r.status !== 0) return undefined;
    const [link] = JSON.parse(r.stdout);
    return link.addr_info.filter((a: any) => a.scope !== 'link').map((a: any) => `${a.local}/${a.prefixlen}`).sort();
  }

  /** Runs a command in a namespace and returns its output (throws when it fails). */
  public inNetns(netns: string, ...command: string[]): string {
    return execFileSync('ip', ['netns', 'exec', netns, ...command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** The MAC of an interface. */
  public mac(netns: string, ifname = 'net1'): string {
    return JSON.parse(ip('-j', '-n', netns, 'link', 'show', 'dev', ifname))[0].address;
  }

  /** The routes in a namespace of one family, as `dst via gw dev`. */
  public routes(netns: string, family: 4 | 6 = 4): string[] {
    return JSON.parse(ip(`-${family}`, '-j', '-n', netns, 'route', 'show'))
      .map((r: any) => `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} dev ${r.dev}`).sort();
  }

  /** The host-local leases kept in the lab. */
  public leases(network: string): string[] {
    const dir = path.join(this.dataDir, network);
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^[0-9a-f.:]+$/.test(f)) : [];
  }

  /**
   * A DHCP server on the LAN side (dnsmasq on the veth peer, serving `<prefix>.100-150`), and the
   * dhcp plugin's daemon on the node, with its socket in the lab. Returns the socket path.
   */
  public async startDhcp(prefix: string): Promise<string> {
    execFileSync('ip', ['-n', this.lan, 'addr', 'add', `${prefix}.1/24`, 'dev', 'lan0']);
    this.processes.push(spawn('ip', ['netns', 'exec', this.lan, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--port=0',
      '--interface=lan0', '--bind-interfaces', `--dhcp-range=${prefix}.100,${prefix}.150,255.255.255.0,1h`,
      `--dhcp-leasefile=${path.join(this.dataDir, 'dnsmasq.leases')}`, `--pid-file=${path.join(this.dataDir, 'dnsmasq.pid')}`], { stdio: 'ignore' }));
    const socket = path.join(this.dataDir, 'dhcp.sock');
    this.processes.push(spawn('ip', ['netns', 'exec', this.node, path.join(this.bin, 'dhcp'), 'daemon', '-socketpath', socket], { stdio: 'ignore' }));
    for (let i = 0; i < 100 && !fs.existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
    if (!fs.existsSync(socket)) throw new Error('the dhcp daemon did not create its socket');
    return socket;
  }

  /** IPv4 counters of a namespace (/proc/net/snmp): packets received, and those handed to a transport. */
  public ipCounters(netns: string): { inReceives: number; inDelivers: number } {
    const lines = execFileSync('ip', ['netns', 'exec', netns, 'cat', '/proc/net/snmp'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('Ip: '));
    const [names, values] = lines.map((l) => l.split(/\s+/).slice(1));
    const get = (n: string) => Number(values[names.indexOf(n)]);
    return { inReceives: get('InReceives'), inDelivers: get('InDelivers') };
  }

  /** Removes every namespace the lab made, and stops its processes. */
  public close(): void {
    for (const p of this.processes) p.kill('SIGTERM');
    for (const pod of [...this.pods]) this.deletePod(pod);
    spawnSync('ip', ['netns', 'del', this.node]);
    spawnSync('ip', ['netns', 'del', this.lan]);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
