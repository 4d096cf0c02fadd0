import {
  buildHostLocal, buildStatic, buildWhereabouts, BuiltIpam, factory, listOf, MANIFEST, manifestRange, manifestRoutes, optionalString, stringField,
} from './_ipam-config';

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
    return Ipam.built(buildStatic(options.addresses, options.routes, factory('staticAddresses')));
  }

  /**
   * host-local IPAM: addresses from ranges, with leases kept on each node. Each node hands out the
   * whole range on its own, whatever the plugin and mode: on a LAN that pods of several nodes share
   * (macvlan, ipvlan, a bridge with the NIC in it), two nodes give two pods the same address. Use it
   * on one node, or give each node group a range of its own; for a cluster-wide range use
   * `Ipam.whereabouts`, or `Ipam.dhcp()` for the LAN's server.
   */
  public static hostLocal(options: HostLocalIpamOptions): Ipam {
    const sets = [...(options.ranges ?? []).map((r) => [r]), ...(options.rangeSets ?? [])];
    if (sets.length === 0 || sets.some((s) => s.length === 0)) {
      throw new Error('Ipam.hostLocal: give at least one range (ranges or rangeSets), and no empty range set');
    }
    const ranges = options.ranges?.length ?? 0;
    return Ipam.built(buildHostLocal(sets, (i, j) => (i < ranges ? `ranges[${i}]` : `rangeSets[${i - ranges}][${j}]`),
      options.routes, options.dataDir, factory('hostLocal')));
  }

  /**
   * Whereabouts: cluster-wide allocation from one range, with its state in the API server. Host
   * bits in the range are an error here, although Whereabouts would mask them silently.
   */
  public static whereabouts(props: WhereaboutsIpamProps): Ipam {
    return Ipam.built(buildWhereabouts(props, factory('whereabouts')));
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
      return Ipam.built(buildHostLocal(sets, (i, j) => (top ? 'ipam' : `ranges[${i}][${j}]`), manifestRoutes(ipam.routes), ipam.dataDir, MANIFEST));
    }
    if (ipam.type === 'static' && ipam.addresses !== undefined && listOf('addresses', ipam.addresses).length > 0) {
      const addresses = listOf('addresses', ipam.addresses).map((a, i) => ({
        address: stringField(`addresses[${i}].address`, a?.address), gateway: optionalString(`addresses[${i}].gateway`, a?.gateway),
      }));
      return Ipam.built(buildStatic(addresses, manifestRoutes(ipam.routes), MANIFEST));
    }
    // Whereabouts with `ipRanges` (several ranges) instead of `range` is taken as written.
    if (ipam.type === 'whereabouts' && ipam.range !== undefined) {
      return Ipam.built(buildWhereabouts({
        range: stringField('range', ipam.range),
        rangeStart: optionalString('range_start', ipam.range_start),
        rangeEnd: optionalString('range_end', ipam.range_end),
        exclude: listOf('exclude', ipam.exclude ?? []).map((e, i) => stringField(`exclude[${i}]`, e)),
        gateway: optionalString('gateway', ipam.gateway),
        routes: manifestRoutes(ipam.routes),
        // Without one, the plugin searches its built-in list (judged by whereabouts-config).
        configurationPath: optionalString('configuration_path', ipam.configuration_path) as string,
      }, MANIFEST, ipam));
    }
    return new Ipam(typeof ipam.type === 'string' ? ipam.type : undefined, ipam, []);
  }

  private static built(b: BuiltIpam): Ipam {
    return new Ipam(b.type, b.config, b.subnets);
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
