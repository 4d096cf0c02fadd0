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
    const subnets: string[] = [];
    const addresses = options.addresses.map((a, i) => {
      const field = `Ipam.staticAddresses: addresses[${i}].address`;
      const ip = parseIp(field, a.address, true);
      if (ip.family === 4 && ip.prefix < 31 && (ip.value === ip.network || ip.value === ip.broadcast)) {
        throw new Error(`${field}: ${a.address} is the ${ip.value === ip.network ? 'network' : 'broadcast'} address of its subnet; ` +
          'write the address to assign, such as 192.168.1.200/24');
      }
      subnets.push(`${formatIp(ip.family, ip.network)}/${ip.prefix}`);
      const out: { [k: string]: string } = { address: a.address };
      if (a.gateway !== undefined) {
        checkGateway(`Ipam.staticAddresses: addresses[${i}].gateway`, a.gateway, ip);
        if (parseIp('gateway', a.gateway, false).value === ip.value) {
          throw new Error(`Ipam.staticAddresses: addresses[${i}].gateway ${a.gateway} is the address itself; name the router of ${subnets[i]}`);
        }
        out.gateway = a.gateway;
      }
      return out;
    });
    const config: { [k: string]: any } = { type: 'static', addresses };
    const routes = checkedRoutes('Ipam.staticAddresses', options.routes);
    if (routes) config.routes = routes;
    return new Ipam('static', config, subnets);
  }

  /**
   * host-local IPAM: addresses from ranges, with leases kept on each node.
   */
  public static hostLocal(options: HostLocalIpamOptions): Ipam {
    const sets = [...(options.ranges ?? []).map((r) => [r]), ...(options.rangeSets ?? [])];
    if (sets.length === 0 || sets.some((s) => s.length === 0)) {
      throw new Error('Ipam.hostLocal: give at least one range (ranges or rangeSets), and no empty range set');
    }
    const subnets: string[] = [];
    const ranges = sets.map((set, i) => {
      let family: number | undefined;
      return set.map((r, j) => {
        const field = `Ipam.hostLocal: ${options.ranges && i < options.ranges.length ? `ranges[${i}]` : `rangeSets[${i - (options.ranges?.length ?? 0)}][${j}]`}`;
        const subnet = checkedSubnet(`${field}.subnet`, r.subnet);
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
    const routes = checkedRoutes('Ipam.hostLocal', options.routes);
    if (routes) config.routes = routes;
    if (options.dataDir !== undefined) {
      if (!options.dataDir.startsWith('/')) throw new Error(`Ipam.hostLocal: dataDir must be an absolute host path, got ${JSON.stringify(options.dataDir)}`);
      config.dataDir = options.dataDir;
    }
    return new Ipam('host-local', config, subnets);
  }

  /**
   * Whereabouts: cluster-wide allocation from one range, with its state in the API server. Host
   * bits in the range are an error here, although Whereabouts would mask them silently.
   */
  public static whereabouts(props: WhereaboutsIpamProps): Ipam {
    const field = 'Ipam.whereabouts: range';
    const range = checkedSubnet(field, props.range);
    const start = props.rangeStart === undefined ? undefined : checkedInRange('Ipam.whereabouts: rangeStart', props.rangeStart, range);
    const end = props.rangeEnd === undefined ? undefined : checkedInRange('Ipam.whereabouts: rangeEnd', props.rangeEnd, range);
    if (start && end && start.value > end.value) throw new Error(`Ipam.whereabouts: rangeStart ${props.rangeStart} comes after rangeEnd ${props.rangeEnd}; swap them`);
    for (const [i, ex] of (props.exclude ?? []).entries()) {
      const e = parseIp(`Ipam.whereabouts: exclude[${i}]`, ex, true);
      if (!contains(range, e) || e.prefix < range.prefix) throw new Error(`Ipam.whereabouts: exclude[${i}] ${ex} is not inside the range ${props.range}`);
    }
    if (props.gateway !== undefined) checkGateway('Ipam.whereabouts: gateway', props.gateway, range);
    if (!props.configurationPath.startsWith('/') || props.configurationPath.startsWith('/host/')) {
      throw new Error(`Ipam.whereabouts: configurationPath must be the host path of whereabouts.conf (the plugin runs on the host), got ${JSON.stringify(props.configurationPath)}`);
    }
    const config: { [k: string]: any } = { type: 'whereabouts', range: props.range };
    if (props.rangeStart !== undefined) config.range_start = props.rangeStart;
    if (props.rangeEnd !== undefined) config.range_end = props.rangeEnd;
    if (props.exclude?.length) config.exclude = [...props.exclude];
    if (props.gateway !== undefined) config.gateway = props.gateway;
    const routes = checkedRoutes('Ipam.whereabouts', props.routes);
    if (routes) config.routes = routes;
    config.configuration_path = props.configurationPath;
    return new Ipam('whereabouts', config, [props.range]);
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

function checkedSubnet(field: string, text: string): Ip {
  const ip = parseIp(field, text, true);
  if (ip.value !== ip.network) {
    const network = `${formatIp(ip.family, ip.network)}/${ip.prefix}`;
    throw new Error(`${field}: ${text} has host bits set (host-local fails with "Network has host bits set"); ` +
      `the subnet is ${network}: use rangeStart/rangeEnd for a part of it, or Ipam.fixedAddress("${text}") for one fixed address`);
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

function checkedRoutes(where: string, routes: IpamRoute[] | undefined): { [k: string]: string }[] | undefined {
  if (!routes?.length) return undefined;
  return routes.map((r, i) => {
    const dst = parseIp(`${where}: routes[${i}].dst`, r.dst, true);
    if (dst.value !== dst.network) {
      throw new Error(`${where}: routes[${i}].dst ${r.dst} has host bits set; the prefix is ${formatIp(dst.family, dst.network)}/${dst.prefix}`);
    }
    const out: { [k: string]: string } = { dst: r.dst };
    if (r.gw !== undefined) {
      const gw = parseIp(`${where}: routes[${i}].gw`, r.gw, false);
      if (gw.family !== dst.family) throw new Error(`${where}: routes[${i}]: gw ${r.gw} and dst ${r.dst} are of different address families`);
      out.gw = r.gw;
    }
    return out;
  });
}
