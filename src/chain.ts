import { macProblem, sysctlKeyProblem } from './cni/chain';
import { mtuRangeProblem } from './cni/interfaces';

/** Props for `Chain.tuning`: what the tuning plugin changes on the interface the network made. */
export interface TuningOptions {
  /**
   * Sysctls to write in the pod's network namespace, keyed by their dotted name under `net.`
   * (`net.ipv4.conf.IFNAME.arp_filter`; `IFNAME` stands for the attachment's interface). The
   * plugin refuses any key outside `net.`, and a node's `/etc/cni/tuning/allowlist.conf`, when it
   * exists, limits them further.
   * @default - no sysctl is written
   */
  readonly sysctls?: { [key: string]: string };
  /**
   * The interface's MAC address (a unicast address like `02:00:00:00:00:01`), the same for every
   * pod of the network; restored on DEL.
   * @default - the MAC the network's plugin gave it
   */
  readonly mac?: string;
  /**
   * Put the interface in promiscuous mode; restored on DEL.
   * @default false
   */
  readonly promiscuous?: boolean;
  /**
   * The interface's MTU, set after the network's plugin made it; restored on DEL.
   * @default - the MTU the network's plugin gave it
   */
  readonly mtu?: number;
}

/** Which packet filter the portmap plugin writes its rules with. */
export enum PortMapBackend {
  /** iptables (the plugin's default when the node has it). */
  IPTABLES = 'iptables',
  /** nftables (the plugin's default when the node has nft but no iptables). */
  NFTABLES = 'nftables',
}

/** Props for `Chain.portMap`. */
export interface PortMapOptions {
  /**
   * The packet filter the rules are written with.
   * @default - iptables, unless the node has nftables and no iptables
   */
  readonly backend?: PortMapBackend;
  /**
   * Masquerade connections from the node itself to a mapped port (so that `localhost:<hostPort>`
   * reaches the pod).
   * @default true
   */
  readonly snat?: boolean;
}

/** The transport protocol of a port mapping, as the portmap plugin writes it into its rules. */
export enum PortProtocol {
  /** TCP. */
  TCP = 'tcp',
  /** UDP. */
  UDP = 'udp',
  /** SCTP. */
  SCTP = 'sctp',
}

/** A node port forwarded to the pod on a network with `Chain.portMap()` (a `portMappings` entry). */
export interface PortMapping {
  /** The node's port, 1 to 65535. */
  readonly hostPort: number;
  /** The pod's port, 1 to 65535. */
  readonly containerPort: number;
  /**
   * The protocol.
   * @default PortProtocol.TCP
   */
  readonly protocol?: PortProtocol;
  /**
   * Forward only traffic to this address of the node.
   * @default - any address of the node
   */
  readonly hostIp?: string;
}

/** Props for `Chain.sbr`. */
export interface SbrOptions {
  /**
   * Only add a rule sending traffic from the interface's addresses to this routing table, whose
   * routes are managed elsewhere, instead of moving the interface's routes into a table of their
   * own (the first free one from 100).
   * @default - the plugin picks a free table and moves the interface's routes into it
   */
  readonly table?: number;
}

/** The kernel's own routing tables (local, main, default), which a source rule must not send to. */
const RESERVED_TABLES: { readonly [id: number]: string } = { 253: 'default', 254: 'main', 255: 'local' };

/**
 * A plugin chained after a network's own plugin: the network is then written as a conflist,
 * `plugins: [the network's plugin, ...chain]`, each chained plugin receiving the previous one's
 * result. The library installs the chained plugins a node lacks (tuning and sbr on k3s; portmap is
 * bundled).
 */
export class Chain {
  /**
   * The tuning plugin: sysctls, MAC, promiscuous mode and MTU of the attachment's interface.
   */
  public static tuning(options: TuningOptions): Chain {
    const sysctls = options.sysctls ?? {};
    for (const key of Object.keys(sysctls)) {
      const problem = sysctlKeyProblem(key);
      if (problem) throw new Error(`Chain.tuning: sysctls ${problem}`);
      if (typeof sysctls[key] !== 'string') throw new Error(`Chain.tuning: sysctls["${key}"] must be a string (the text written to the file), got ${JSON.stringify(sysctls[key])}`);
    }
    if (options.mac !== undefined) {
      const problem = macProblem(options.mac);
      if (problem) throw new Error(`Chain.tuning: mac ${problem}`);
    }
    const mtu = mtuRangeProblem(options.mtu);
    if (mtu) throw new Error(`Chain.tuning: ${mtu}`);
    if (Object.keys(sysctls).length === 0 && options.mac === undefined && !options.promiscuous && options.mtu === undefined) {
      throw new Error('Chain.tuning: nothing to tune; set sysctls, mac, promiscuous or mtu, or leave the plugin out of the chain');
    }
    return new Chain('tuning', {
      ...(Object.keys(sysctls).length ? { sysctl: { ...sysctls } } : {}),
      ...(options.mac !== undefined ? { mac: options.mac } : {}),
      ...(options.promiscuous ? { promisc: true } : {}),
      ...(options.mtu !== undefined ? { mtu: options.mtu } : {}),
    }, { mtu: options.mtu });
  }

  /**
   * The portmap plugin: forwards the node's ports to the pod's address on this network, for the
   * `portMappings` a pod asks for (`attachTo(..., { portMappings })`; the plugin declares the
   * `portMappings` capability).
   */
  public static portMap(options: PortMapOptions = {}): Chain {
    return new Chain('portmap', {
      ...(options.backend !== undefined ? { backend: options.backend } : {}),
      ...(options.snat === false ? { snat: false } : {}),
      capabilities: { portMappings: true },
    }, {});
  }

  /**
   * The sbr plugin (source-based routing): traffic from the interface's addresses is routed by a
   * table of its own, so that replies leave through the interface they came in on. Needs a network
   * whose IPAM assigns addresses.
   */
  public static sbr(options: SbrOptions = {}): Chain {
    const table = options.table;
    if (table !== undefined) {
      if (!Number.isInteger(table) || table < 1 || table > 0xffffffff) {
        throw new Error(`Chain.sbr: table must be a routing table id from 1 to 4294967295, got ${table}`);
      }
      if (RESERVED_TABLES[table]) {
        throw new Error(`Chain.sbr: table ${table} is the kernel's ${RESERVED_TABLES[table]} table; give a table of its own, such as 100`);
      }
    }
    return new Chain('sbr', table !== undefined ? { table } : {}, { needsAddresses: true });
  }

  /** The plugin type. */
  public readonly pluginType: string;
  /** @internal What the network checks against its own config. */
  public readonly _needs: { readonly mtu?: number; readonly needsAddresses?: boolean };
  private readonly keys: { [key: string]: any };

  private constructor(pluginType: string, keys: { [key: string]: any }, needs: { mtu?: number; needsAddresses?: boolean }) {
    this.pluginType = pluginType;
    this.keys = keys;
    this._needs = needs;
  }

  /**
   * The plugin's entry in the conflist, sharing this chain's parts: to be serialized or read.
   * @internal
   */
  public _configObject(): { [key: string]: any } {
    return { type: this.pluginType, ...this.keys };
  }
}
