import { contains, formatIp, Ip, parseIp } from './_ip';

/** A route that IPAM adds in the pod. */
export interface IpamRoute {
  /** Destination prefix, such as `0.0.0.0/0` or `10.10.0.0/16`. */
  readonly dst: string;
  /**
   * Next hop.
   * @default - the range's gateway
   */
  readonly gw?: string;
}

/** One host-local range. */
export interface IpRange {
  /** The subnet, as a network prefix without host bits, such as `192.168.1.0/24`. */
  readonly subnet: string;
  /**
   * First address to hand out.
   * @default - the second address of the subnet (the first after the network address)
   */
  readonly rangeStart?: string;
  /**
   * Last address to hand out.
   * @default - the last address before broadcast
   */
  readonly rangeEnd?: string;
  /**
   * The gateway in the subnet.
   * @default - the first address of the subnet
   */
  readonly gateway?: string;
}

/** Options for `Ipam.hostLocal`. */
export interface HostLocalIpamOptions {
  /**
   * Ranges of one address set each (an IPv4 and an IPv6 range give a dual-stack pod).
   * @default - none; give ranges or rangeSets
   */
  readonly ranges?: IpRange[];
  /**
   * Range sets: each set hands out one address, from the first range that has one free.
   * @default - none
   */
  readonly rangeSets?: IpRange[][];
  /**
   * Routes to add.
   * @default []
   */
  readonly routes?: IpamRoute[];
  /**
   * Where leases are kept on each node (a host path).
   * @default '/var/lib/cni/networks'
   */
  readonly dataDir?: string;
}

/** One static address. */
export interface IpamAddress {
  /** The address with its prefix length, such as `192.168.1.200/24`. */
  readonly address: string;
  /**
   * The gateway, in the same subnet.
   * @default - none
   */
  readonly gateway?: string;
}

/** Options for `Ipam.staticAddresses`. */
export interface StaticIpamOptions {
  /** The addresses to assign. */
  readonly addresses: IpamAddress[];
  /** Routes to add. @default [] */
  readonly routes?: IpamRoute[];
}

/** Options for `Ipam.whereabouts` and `Whereabouts.ipam`. */
export interface WhereaboutsIpamOptions {
  /** The range, a network prefix without host bits, such as `192.168.1.0/24`. */
  readonly range: string;
  /** First address to hand out. @default - the first address after the network address */
  readonly rangeStart?: string;
  /** Last address to hand out. @default - the last address before broadcast */
  readonly rangeEnd?: string;
  /** Prefixes inside the range never to hand out. @default [] */
  readonly exclude?: string[];
  /** The gateway. @default - none */
  readonly gateway?: string;
  /** Routes to add. @default [] */
  readonly routes?: IpamRoute[];
}

/** Options for `Ipam.whereabouts`. */
export interface WhereaboutsIpamProps extends WhereaboutsIpamOptions {
  /**
   * The host path of whereabouts.conf. Needed wherever it is not in the plugin's built-in search
   * list (`/etc/kubernetes/cni/net.d`, `/etc/cni/net.d`, `/host/etc/cni/net.d`), as on k3s;
   * `Whereabouts.ipam()` sets it from the layout.
   */
  readonly configurationPath: string;
}

/** Options for `Ipam.fixedAddress`. */
export interface FixedAddressOptions {
  /** The gateway, in the same subnet. @default - none */
  readonly gateway?: string;
  /** Routes to add. @default [] */
  readonly routes?: IpamRoute[];
}

/**
 * How a secondary network's interface gets its addresses: the `ipam` section of a CNI config.
 * Every address is parsed and checked when the object is made, more strictly than the plugins
 * themselves (a gateway outside its subnet, or a range that starts at the network address or ends
 * at broadcast, is accepted by host-local and still wrong).
 */
export class Ipam {
  /**
   * One fixed address, through static IPAM. For a workload with exactly one pod: host-local keeps
   * leases per node, so a one-address range would hand the same address to a pod on every node.
   * @param cidr the address with its prefix length, such as `192.168.1.200/24`
   */
  public static fixedAddress(cidr: string, options: FixedAddressOptions = {}): Ipam {
    return Ipam.staticAddresses({ addresses: [{ address: cidr, gateway: options.gateway }], routes: options.routes });
  }

  /** Static IPAM: the given addresses, routes and DNS, the same for every pod. */
  public static staticAddresses(options: StaticIpamOptions): Ipam {
    if (!options.addresses?.length) throw new Error('Ipam.staticAddresses: addresses must name at least one address');
    return buildStatic(options.addresses, options.routes, factory('staticAddresses'));
  }

  /**
   * host-local IPAM: addresses from ranges, with leases kept on each node.
   */
  public static hostLocal(options: HostLocalIpamOptions): Ipam {
    const sets = [...(options.ranges ?? []).map((r) => [r]), ...(options.rangeSets ?? [])];
    if (sets.length === 0 || sets.some((s) => s.length === 0)) {
      throw new Error('Ipam.hostLocal: give at least one range (ranges or rangeSets), and no empty range set');
    }
    const ranges = options.ranges?.length ?? 0;
    return buildHostLocal(sets, (i, j) => (i < ranges ? `ranges[${i}]` : `rangeSets[${i - ranges}][${j}]`),
      options.routes, options.dataDir, factory('hostLocal'));
  }

  /**
   * Whereabouts: cluster-wide allocation from one range, with its state in the API server. Host
   * bits in the range are an error here, although Whereabouts would mask them silently.
   */
  public static whereabouts(props: WhereaboutsIpamProps): Ipam {
    return buildWhereabouts(props, factory('whereabouts'));
  }

  /** DHCP from the LAN's server, through the `dhcp` plugin's daemon on each node. */
  public static dhcp(): Ipam {
    return new Ipam('dhcp', { type: 'dhcp' }, []);
  }

  /** No IPAM: the interface gets no address (for a VM or an application that sets its own). */
  public static none(): Ipam {
    return new Ipam(undefined, undefined, []);
  }

  /**
   * The IPAM of a CNI config as written in a manifest (the `ipam` object of a plugin), checked by
   * the same code as the factories, with messages that name the manifest's own keys
   * (`ranges[0][0].subnet`). An IPAM type this library does not know, static IPAM without
   * addresses (which takes them from each pod's request) and Whereabouts with `ipRanges` are
   * taken as they are.
   * @param ipam the parsed `ipam` object of a plugin's config
   */
  public static fromConfig(ipam: any): Ipam {
    if (ipam === undefined || ipam === null) return Ipam.none();
    if (typeof ipam !== 'object' || Array.isArray(ipam)) throw new Error(`ipam: must be an object, got ${JSON.stringify(ipam)}`);
    if (ipam.type === 'host-local') {
      // The old single-range form keeps one range at the top of the section.
      const sets: IpRange[][] = ipam.ranges === undefined && ipam.subnet !== undefined
        ? [[manifestRange('ipam', ipam)]]
        : listOf('ranges', ipam.ranges).map((set, i) => listOf(`ranges[${i}]`, set).map((r, j) => manifestRange(`ranges[${i}][${j}]`, r)));
      if (sets.length === 0 || sets.some((set) => set.length === 0)) throw new Error('ranges: give at least one range set, and no empty one');
      const top = ipam.ranges === undefined && ipam.subnet !== undefined;
      return buildHostLocal(sets, (i, j) => (top ? 'ipam' : `ranges[${i}][${j}]`), manifestRoutes(ipam.routes), ipam.dataDir, MANIFEST);
    }
    if (ipam.type === 'static' && ipam.addresses !== undefined && listOf('addresses', ipam.addresses).length > 0) {
      const addresses = listOf('addresses', ipam.addresses).map((a, i) => ({
        address: stringField(`addresses[${i}].address`, a?.address), gateway: optionalString(`addresses[${i}].gateway`, a?.gateway),
      }));
      return buildStatic(addresses, manifestRoutes(ipam.routes), MANIFEST);
    }
    // Whereabouts with `ipRanges` (several ranges) instead of `range` is taken as written.
    if (ipam.type === 'whereabouts' && ipam.range !== undefined) {
      return buildWhereabouts({
        range: stringField('range', ipam.range),
        rangeStart: optionalString('range_start', ipam.range_start),
        rangeEnd: optionalString('range_end', ipam.range_end),
        exclude: listOf('exclude', ipam.exclude ?? []).map((e, i) => stringField(`exclude[${i}]`, e)),
        gateway: optionalString('gateway', ipam.gateway),
        routes: manifestRoutes(ipam.routes),
        // Without one, the plugin searches its built-in list (judged by whereabouts-config).
        configurationPath: optionalString('configuration_path', ipam.configuration_path) as string,
      }, MANIFEST, ipam);
    }
    return new Ipam(typeof ipam.type === 'string' ? ipam.type : undefined, ipam, []);
  }

  /**
   * An IPAM whose config the builders at the end of this file have checked.
   * @internal
   */
  public static _make(type: string | undefined, config: { [k: string]: any } | undefined, subnets: string[]): Ipam {
    return new Ipam(type, config, subnets);
  }

  /**
   * The IPAM plugin type (`static`, `host-local`, `dhcp`).
   * @default - none
   */
  public readonly type?: string;
  /** The subnets this IPAM assigns from, as written. */
  public readonly subnets: string[];
  private readonly config?: { [k: string]: any };

  private constructor(type: string | undefined, config: { [k: string]: any } | undefined, subnets: string[]) {
    this.type = type;
    this.config = config;
    this.subnets = subnets;
  }

  /**
   * The `ipam` section of the CNI config, in a stable key order.
   * @returns undefined for `Ipam.none()`
   */
  public toJson(): any {
    return this.config === undefined ? undefined : JSON.parse(JSON.stringify(this.config));
  }

  /**
   * The `ipam` section itself, to be serialized or read, never changed.
   * @internal
   */
  public _configObject(): any {
    return this.config;
  }
}

function checkedSubnet(field: string, text: string, naming: Naming): Ip {
  const ip = parseIp(field, text, true);
  if (ip.value !== ip.network) {
    const network = `${formatIp(ip.family, ip.network)}/${ip.prefix}`;
    const fixed = naming.manifest ? `static IPAM with the address ${text}` : `Ipam.fixedAddress("${text}")`;
    throw new Error(`${field}: ${text} has host bits set (host-local fails with "Network has host bits set"); ` +
      `the subnet is ${network}: use rangeStart/rangeEnd for a part of it, or ${fixed} for one fixed address`);
  }
  if (ip.prefix >= ip.bits - 1) {
    throw new Error(`${field}: ${text} is too small for host-local, which needs at least a /${ip.bits - 2}`);
  }
  return ip;
}

function checkedInRange(field: string, text: string, subnet: Ip): Ip {
  const ip = parseIp(field, text, false);
  const cidr = `${formatIp(subnet.family, subnet.network)}/${subnet.prefix}`;
  if (!contains(subnet, ip)) throw new Error(`${field}: ${text} is outside the subnet ${cidr}`);
  if (ip.value === subnet.network) throw new Error(`${field}: ${text} is the network address of ${cidr}; start at ${formatIp(ip.family, ip.value + 1n)} or later`);
  if (subnet.family === 4 && ip.value === subnet.broadcast) throw new Error(`${field}: ${text} is the broadcast address of ${cidr}; end at ${formatIp(4, ip.value - 1n)} or earlier`);
  return ip;
}

function checkGateway(field: string, text: string, subnet: Ip): void {
  const gw = parseIp(field, text, false);
  const cidr = `${formatIp(subnet.family, subnet.network)}/${subnet.prefix}`;
  if (!contains(subnet, gw)) throw new Error(`${field}: ${text} is outside the subnet ${cidr}; a gateway must be reachable on the link`);
  if (subnet.prefix < subnet.bits - 1 && (gw.value === subnet.network || (subnet.family === 4 && gw.value === subnet.broadcast))) {
    throw new Error(`${field}: ${text} is the ${gw.value === subnet.network ? 'network' : 'broadcast'} address of ${cidr}, not a router`);
  }
}

function checkedRoutes(naming: Naming, routes: IpamRoute[] | undefined): { [k: string]: string }[] | undefined {
  if (!routes?.length) return undefined;
  return routes.map((r, i) => {
    const dst = parseIp(naming.field(`routes[${i}].dst`), r.dst, true);
    if (dst.value !== dst.network) {
      throw new Error(`${naming.field(`routes[${i}].dst`)} ${r.dst} has host bits set; the prefix is ${formatIp(dst.family, dst.network)}/${dst.prefix}`);
    }
    const out: { [k: string]: string } = { dst: r.dst };
    if (r.gw !== undefined) {
      const gw = parseIp(naming.field(`routes[${i}].gw`), r.gw, false);
      if (gw.family !== dst.family) throw new Error(`${naming.field(`routes[${i}]`)}: gw ${r.gw} and dst ${r.dst} are of different address families`);
      out.gw = r.gw;
    }
    return out;
  });
}

/** How a message names a field: as an option of the factory called, or as a key of a manifest's ipam section. */
interface Naming {
  /** `Ipam.hostLocal: ranges[0].subnet` for a factory, `ranges[0][0].subnet` for a manifest. */
  readonly field: (path: string) => string;
  /** Whether the fields are a manifest's JSON keys (`range_start`, not `rangeStart`). */
  readonly manifest: boolean;
}

function factory(name: string): Naming {
  return { field: (path) => `Ipam.${name}: ${path}`, manifest: false };
}

const MANIFEST: Naming = { field: (path) => path, manifest: true };

function buildStatic(input: IpamAddress[], inputRoutes: IpamRoute[] | undefined, naming: Naming): Ipam {
  const subnets: string[] = [];
  const addresses = input.map((a, i) => {
    const field = naming.field(`addresses[${i}].address`);
    const ip = parseIp(field, a.address, true);
    if (ip.family === 4 && ip.prefix < 31 && (ip.value === ip.network || ip.value === ip.broadcast)) {
      throw new Error(`${field}: ${a.address} is the ${ip.value === ip.network ? 'network' : 'broadcast'} address of its subnet; ` +
        'write the address to assign, such as 192.168.1.200/24');
    }
    subnets.push(`${formatIp(ip.family, ip.network)}/${ip.prefix}`);
    const out: { [k: string]: string } = { address: a.address };
    if (a.gateway !== undefined) {
      checkGateway(naming.field(`addresses[${i}].gateway`), a.gateway, ip);
      if (parseIp('gateway', a.gateway, false).value === ip.value) {
        throw new Error(`${naming.field(`addresses[${i}].gateway`)} ${a.gateway} is the address itself; name the router of ${subnets[i]}`);
      }
      out.gateway = a.gateway;
    }
    return out;
  });
  const config: { [k: string]: any } = { type: 'static', addresses };
  const routes = checkedRoutes(naming, inputRoutes);
  if (routes) config.routes = routes;
  return Ipam._make('static', config, subnets);
}

function buildHostLocal(sets: IpRange[][], label: (i: number, j: number) => string, inputRoutes: IpamRoute[] | undefined,
  dataDir: unknown, naming: Naming): Ipam {
  const subnets: string[] = [];
  const ranges = sets.map((set, i) => {
    let family: number | undefined;
    return set.map((r, j) => {
      const field = naming.field(label(i, j));
      const subnet = checkedSubnet(`${field}.subnet`, r.subnet, naming);
      if (family !== undefined && subnet.family !== family) {
        throw new Error(`${field}.subnet: ${r.subnet} mixes address families within one range set; put IPv4 and IPv6 ranges in separate sets`);
      }
      family = subnet.family;
      subnets.push(r.subnet);
      const out: { [k: string]: string } = { subnet: r.subnet };
      const start = r.rangeStart === undefined ? undefined : checkedInRange(`${field}.rangeStart`, r.rangeStart, subnet);
      const end = r.rangeEnd === undefined ? undefined : checkedInRange(`${field}.rangeEnd`, r.rangeEnd, subnet);
      if (start && end && start.value > end.value) {
        throw new Error(`${field}: rangeStart ${r.rangeStart} comes after rangeEnd ${r.rangeEnd}; swap them`);
      }
      // host-local never hands out the gateway (by default the subnet's first address).
      const gateway = r.gateway === undefined ? subnet.network + 1n : parseIp(`${field}.gateway`, r.gateway, false).value;
      const first = start?.value ?? subnet.network + 1n;
      const last = end?.value ?? (subnet.family === 4 ? subnet.broadcast - 1n : subnet.broadcast);
      if (first === last && first === gateway) {
        throw new Error(`${field}: the range holds only ${formatIp(subnet.family, first)}, which is the gateway${r.gateway === undefined ? ' (by default the subnet\'s first address)' : ''}; ` +
          'host-local never hands out the gateway, so every ADD would fail with "no IP addresses available"; widen the range or set another gateway');
      }
      if (r.rangeStart !== undefined) out.rangeStart = r.rangeStart;
      if (r.rangeEnd !== undefined) out.rangeEnd = r.rangeEnd;
      if (r.gateway !== undefined) {
        checkGateway(`${field}.gateway`, r.gateway, subnet);
        out.gateway = r.gateway;
      }
      return out;
    });
  });
  const config: { [k: string]: any } = { type: 'host-local', ranges };
  const routes = checkedRoutes(naming, inputRoutes);
  if (routes) config.routes = routes;
  if (dataDir !== undefined) {
    if (typeof dataDir !== 'string' || !dataDir.startsWith('/')) {
      throw new Error(`${naming.field('dataDir')} must be an absolute host path, got ${JSON.stringify(dataDir)}`);
    }
    config.dataDir = dataDir;
  }
  return Ipam._make('host-local', config, subnets);
}

/** With `asWritten`, the section of a manifest is kept as it is (it may carry keys this library does not write). */
function buildWhereabouts(props: WhereaboutsIpamProps, naming: Naming, asWritten?: any): Ipam {
  const key = (option: string, json: string) => naming.field(naming.manifest ? json : option);
  const range = checkedSubnet(naming.field('range'), props.range, naming);
  const start = props.rangeStart === undefined ? undefined : checkedInRange(key('rangeStart', 'range_start'), props.rangeStart, range);
  const end = props.rangeEnd === undefined ? undefined : checkedInRange(key('rangeEnd', 'range_end'), props.rangeEnd, range);
  if (start && end && start.value > end.value) {
    throw new Error(`${key('rangeStart', 'range_start')} ${props.rangeStart} comes after ${naming.manifest ? 'range_end' : 'rangeEnd'} ${props.rangeEnd}; swap them`);
  }
  for (const [i, ex] of (props.exclude ?? []).entries()) {
    const e = parseIp(naming.field(`exclude[${i}]`), ex, true);
    if (!contains(range, e) || e.prefix < range.prefix) throw new Error(`${naming.field(`exclude[${i}]`)} ${ex} is not inside the range ${props.range}`);
  }
  if (props.gateway !== undefined) checkGateway(naming.field('gateway'), props.gateway, range);
  const path = props.configurationPath;
  if ((path !== undefined || !naming.manifest) && (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('/host/'))) {
    throw new Error(`${key('configurationPath', 'configuration_path')} must be the host path of whereabouts.conf (the plugin runs on the host), got ${JSON.stringify(path)}`);
  }
  const config: { [k: string]: any } = { type: 'whereabouts', range: props.range };
  if (props.rangeStart !== undefined) config.range_start = props.rangeStart;
  if (props.rangeEnd !== undefined) config.range_end = props.rangeEnd;
  if (props.exclude?.length) config.exclude = [...props.exclude];
  if (props.gateway !== undefined) config.gateway = props.gateway;
  const routes = checkedRoutes(naming, props.routes);
  if (routes) config.routes = routes;
  if (path !== undefined) config.configuration_path = path;
  return Ipam._make('whereabouts', asWritten ?? config, [props.range]);
}

/** A manifest's value that must be a list. */
function listOf(field: string, value: unknown): any[] {
  if (!Array.isArray(value)) throw new Error(`${field}: must be a list, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

function stringField(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new Error(`${field}: must be a string, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

function optionalString(field: string, value: unknown): string | undefined {
  return value === undefined ? undefined : stringField(field, value);
}

function manifestRange(at: string, r: any): IpRange {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error(`${at}: must be an object with a subnet, got ${JSON.stringify(r)}`);
  return {
    subnet: stringField(`${at}.subnet`, r.subnet),
    rangeStart: optionalString(`${at}.rangeStart`, r.rangeStart),
    rangeEnd: optionalString(`${at}.rangeEnd`, r.rangeEnd),
    gateway: optionalString(`${at}.gateway`, r.gateway),
  };
}

function manifestRoutes(routes: unknown): IpamRoute[] | undefined {
  if (routes === undefined) return undefined;
  return listOf('routes', routes).map((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error(`routes[${i}]: must be an object with dst, got ${JSON.stringify(r)}`);
    return { dst: stringField(`routes[${i}].dst`, r.dst), gw: optionalString(`routes[${i}].gw`, r.gw) };
  });
}
