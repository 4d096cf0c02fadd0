import { ApiObject, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { attachmentProblem, JOB_PODS, networkFacts, rolloutSurge } from './_attachment';
import { guardInterface } from './_guard';
import { parseIp } from './_ip';
import { AppValidator } from './_validator';
import { Chain, PortMapping, PortProtocol } from './chain';
import * as facts from './cni/facts';
import { attachmentInterfaceProblem, isInterfaceName, mtuProblem } from './cni/interfaces';
import { cniVersionProblem } from './cni/versions';
import * as nad from './imports/k8s.cni.cncf.io';
import { Ipam } from './ipam';

/**
 * Runtime capabilities a network declares, so that Multus passes per-pod requests to the plugin
 * as runtime config. Without them a requested address or MAC reaches the plugins only through
 * CNI_ARGS, where each plugin behaves differently (static even adds a second address).
 */
export interface NetworkCapabilities {
  /**
   * Pods may request addresses (`ips` in the networks annotation).
   * @default false
   */
  readonly ips?: boolean;
  /**
   * Pods may request a MAC address (`mac` in the networks annotation).
   * @default false
   */
  readonly mac?: boolean;
}

/**
 * DNS settings of a network, returned in the plugin's result for the runtime to apply. They belong
 * to the network config, not to IPAM: macvlan and ipvlan return the network's `dns` and drop what
 * static IPAM returns (seen with containernetworking/plugins v1.9.1).
 */
export interface CniDns {
  /** Name servers. @default [] */
  readonly nameservers?: string[];
  /** The local domain. @default - none */
  readonly domain?: string;
  /** Search domains. @default [] */
  readonly search?: string[];
}

/**
 * How a pod is attached to a network.
 */
export interface AttachmentOptions {
  /**
   * The interface name in the pod (at most 15 characters, unique in the pod).
   * @default - `net<N>`, N counting this pod's attachments from 1, as Multus would name it
   */
  readonly interface?: string;
  /**
   * Addresses to request, in CIDR form (`192.168.1.205/24`), inside the network's subnets. The
   * network must declare `capabilities.ips`; only for a workload with exactly one pod.
   * @default - the network's IPAM chooses
   */
  readonly ips?: string[];
  /**
   * A MAC address to request. The network must declare `capabilities.mac`; only for a workload
   * with exactly one pod.
   * @default - a random MAC
   */
  readonly mac?: string;
  /**
   * Make this interface's gateway(s) the pod's default route, instead of the primary network's.
   * @default - the primary network keeps the default route
   */
  readonly defaultRoute?: string[];
  /**
   * Node ports to forward to the pod's address on this network (Multus passes them to the
   * network's portmap plugin). The network must chain `Chain.portMap()`. Like a hostPort, a port
   * serves one pod per node.
   * @default - none
   */
  readonly portMappings?: PortMapping[];
  /**
   * Add an init container that fails the pod when Multus did not attach this interface (the
   * pod's network-status annotation does not list it within `guardTimeout`), instead of letting it
   * run on the primary network alone, which happens to pods created while the Multus daemon
   * restarts.
   * @default false
   */
  readonly guard?: boolean;
  /**
   * How long the guard waits for the annotation (kubelet refreshes downward API files about once a
   * minute).
   * @default Duration.minutes(3)
   */
  readonly guardTimeout?: Duration;
}

/**
 * Options common to every secondary network.
 */
export interface CniNetworkOptions {
  /**
   * The NetworkAttachmentDefinition's name, which pods reference.
   * @default - the construct id, lower-cased
   */
  readonly name?: string;
  /**
   * Its namespace.
   * @default 'default'
   */
  readonly namespace?: string;
  /**
   * The CNI spec version of the config.
   * @default '1.0.0'
   */
  readonly cniVersion?: string;
  /**
   * How the interface gets addresses.
   * @default Ipam.none()
   */
  readonly ipam?: Ipam;
  /**
   * Capabilities for per-pod requests.
   * @default - none
   */
  readonly capabilities?: NetworkCapabilities;
  /**
   * DNS settings returned to the runtime.
   * @default - none
   */
  readonly dns?: CniDns;
  /**
   * Plugins chained after the network's own (`Chain.tuning`, `Chain.portMap`, `Chain.sbr`): the
   * config is then a conflist, `plugins: [the network's plugin, ...chain]`.
   * @default - no chain: a single plugin config
   */
  readonly chain?: Chain[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;


/** @internal Checks a Linux interface name (at most 15 characters, no '/' or whitespace). */
export function _checkInterfaceName(field: string, value: string): void {
  if (!isInterfaceName(value)) {
    throw new Error(`${field}: ${JSON.stringify(value)} is not a Linux interface name (1 to 15 characters of letters, digits, '_', '.', ':', '-')`);
  }
}

/**
 * A secondary network: a NetworkAttachmentDefinition (the typed class of `nad`) holding one CNI
 * plugin's config, or, with a `chain`, a conflist of that plugin and the chained ones. Subclasses
 * give the plugin type and its keys; the config JSON always has the key order cniVersion, name,
 * type, the plugin's keys, capabilities, dns, ipam (in a conflist: cniVersion, name, plugins).
 */
export abstract class CniNetwork extends nad.NetworkAttachmentDefinition {
  /**
   * `instanceof` by the prototype chain. ApiObject answers `instanceof` for every ApiObject, so
   * without this `x instanceof MacvlanNetwork` would hold for any object of a manifest.
   * @internal
   */
  public static [Symbol.hasInstance]<T extends ApiObject>(this: { prototype: T }, o: unknown): o is T {
    return Function.prototype[Symbol.hasInstance].call(this, o);
  }

  /** Its namespace. */
  public readonly namespace: string;
  /** The CNI spec version. */
  public readonly cniVersion: string;
  /** The IPAM. */
  public readonly ipam: Ipam;
  /** The declared capabilities. */
  public readonly capabilities: NetworkCapabilities;
  /** DNS settings, when set. */
  public readonly dns?: CniDns;
  /** The plugin type (`macvlan`, `ipvlan`, ...). */
  public readonly pluginType: string;
  /** The plugins chained after this network's own, in order. */
  public readonly chain: Chain[];

  protected constructor(scope: Construct, id: string, pluginType: string, options: CniNetworkOptions) {
    const kind = new.target.name;
    const name = options.name ?? id.toLowerCase();
    if (!DNS_LABEL.test(name)) {
      throw new Error(`${kind}: name ${JSON.stringify(name)} is not a DNS label (lower-case letters, digits and '-', at most 63); set name`);
    }
    const namespace = options.namespace ?? 'default';
    if (!DNS_LABEL.test(namespace)) throw new Error(`${kind}: namespace ${JSON.stringify(namespace)} is not a DNS label`);
    const cniVersion = options.cniVersion ?? '1.0.0';
    const versionProblem = cniVersionProblem(cniVersion);
    if (versionProblem) throw new Error(`${kind}: ${versionProblem}`);
    for (const [i, server] of (options.dns?.nameservers ?? []).entries()) parseIp(`${kind}: dns.nameservers[${i}]`, server, false);
    const chain = [...options.chain ?? []];
    for (const [i, link] of chain.entries()) {
      if (!(link instanceof Chain)) throw new Error(`${kind}: chain[${i}] is not a Chain; build it with Chain.tuning, Chain.portMap or Chain.sbr`);
      // sbr v1.9.1 cmdAdd: "No IP addresses supplied on interface" when the previous result has none.
      if (link._needs.needsAddresses && (options.ipam ?? Ipam.none()).type === undefined) {
        throw new Error(`${kind}: chain[${i}] (${link.pluginType}) routes by the interface's addresses, and ipam none assigns none: its ADD fails with "No IP addresses supplied"; give the network an IPAM or leave ${link.pluginType} out`);
      }
      const mtu = mtuProblem(link._needs.mtu, options.ipam?.subnets ?? []);
      if (mtu) throw new Error(`${kind}: chain[${i}] (${link.pluginType}): ${mtu}`);
    }
    // The config is produced at synth: subclasses set their fields after this constructor returns.
    const self: { network?: CniNetwork } = {};
    super(scope, id, {
      metadata: { name, namespace },
      spec: { config: Lazy.any({ produce: () => JSON.stringify(self.network!._configObject()) }) as any },
    });
    self.network = this;
    this.pluginType = pluginType;
    this.namespace = namespace;
    this.cniVersion = cniVersion;
    this.ipam = options.ipam ?? Ipam.none();
    this.capabilities = { ...options.capabilities };
    this.dns = options.dns;
    this.chain = chain;
    // Its chart, written on its own, judges and serializes once (see AppValidator).
    AppValidator.of(this);
  }

  /**
   * Attaches a pod, or every pod of a workload, to this network: writes an entry into the
   * `k8s.v1.cni.cncf.io/networks` annotation (JSON form) of the pod template.
   */
  public attachTo(target: kplus.AbstractPod, options: AttachmentOptions = {}): void {
    // Built only for a message: a construct's path is walked up the tree each time it is read.
    const where = () => `${this.constructor.name} "${this.name}": attachTo(${target.node.path})`;
    AppValidator.of(target);
    const entries = attachmentsOf(target);
    const iface = options.interface ?? `net${entries.length + 1}`;
    const ifaceProblem = attachmentInterfaceProblem(iface);
    if (ifaceProblem) throw new Error(`${where()}: interface ${ifaceProblem}`);
    if (entries.some((e) => e.interface === iface)) {
      throw new Error(`${where()}: interface "${iface}" is already used by another attachment of this pod; give each attachment its own interface name`);
    }
    const ips = options.ips ?? [];
    // The same facts the attachment rule reads off a manifest, from this network's own config.
    const network = networkFacts(this._configObject());
    const portMappings = (options.portMappings ?? []).map((pm) => ({
      hostPort: pm.hostPort,
      containerPort: pm.containerPort,
      protocol: pm.protocol ?? PortProtocol.TCP,
      ...(pm.hostIp !== undefined ? { hostIP: pm.hostIp } : {}),
    }));
    const problem = attachmentProblem({ ips, mac: options.mac, defaultRoute: options.defaultRoute, portMappings },
      { ...network, fixedAddress: this.ipam.type === 'static' }, podCount(target), target.node.id, surgeOf(target));
    if (problem) throw new Error(`${where()}: ${problem}`);
    entries.push({
      name: this.name,
      namespace: this.namespace,
      interface: iface,
      ...(ips.length ? { ips } : {}),
      ...(options.mac ? { mac: options.mac } : {}),
      ...(options.defaultRoute?.length ? { 'default-route': options.defaultRoute } : {}),
      ...(portMappings.length ? { portMappings } : {}),
    });
    const metadata = target instanceof kplus.Workload ? target.podMetadata : target.metadata;
    metadata.addAnnotation(facts.NETWORKS_ANNOTATION, JSON.stringify(entries));
    if (options.guard) guardInterface(target, iface, options.guardTimeout ?? Duration.minutes(3));
  }

  /** The CNI config, as written into `spec.config`. */
  public get config(): any {
    return JSON.parse(JSON.stringify(this._configObject()));
  }

  /**
   * The CNI config, sharing this network's parts: to be serialized or read, never changed.
   * @internal
   */
  public _configObject(): any {
    const caps: { [k: string]: boolean } = {};
    if (this.capabilities.ips) caps.ips = true;
    if (this.capabilities.mac) caps.mac = true;
    const ipam = this.ipam._configObject();
    const plugin = {
      type: this.pluginType,
      ...this.pluginConfig(),
      ...(Object.keys(caps).length ? { capabilities: caps } : {}),
      ...(this.dns ? { dns: this.dns } : {}),
      ...(ipam ? { ipam } : {}),
    };
    const head = { cniVersion: this.cniVersion, name: this.name };
    // A conflist's name and cniVersion are its own; libcni gives them to each plugin it runs.
    return this.chain.length === 0 ? { ...head, ...plugin } : { ...head, plugins: [plugin, ...this.chain.map((c) => c._configObject())] };
  }

  /** The plugin's own keys, in the order they are written. */
  protected abstract pluginConfig(): { [key: string]: any };
}

const ATTACHMENTS = new WeakMap<kplus.AbstractPod, { [key: string]: any }[]>();

function attachmentsOf(target: kplus.AbstractPod): { [key: string]: any }[] {
  let list = ATTACHMENTS.get(target);
  if (!list) {
    list = [];
    ATTACHMENTS.set(target, list);
  }
  return list;
}

/** How many pods a Deployment's rollout starts before it stops old ones; 0 for other targets. */
function surgeOf(target: kplus.AbstractPod): number {
  if (!(target instanceof kplus.Deployment) || target.hasAutoscaler) return 0;
  // The strategy in its Kubernetes form, with cdk8s-plus's PercentOrAbsolute values unwrapped as
  // they are when the manifest is written.
  const strategy = (target.strategy as any)._toKube?.();
  const unwrap = (v: any) => (typeof v === 'object' && v !== null && 'value' in v ? v.value : v);
  const rollingUpdate = strategy?.rollingUpdate && { maxSurge: unwrap(strategy.rollingUpdate.maxSurge) };
  return rolloutSurge({ type: strategy?.type, rollingUpdate }, target.replicas ?? 2);
}

/** How many pods a target runs: 1 for a Pod, its replicas for a Deployment or StatefulSet. */
function podCount(target: kplus.AbstractPod): string | number {
  if (target instanceof kplus.Pod) return 1;
  if (target instanceof kplus.Deployment) return target.hasAutoscaler ? 'an autoscaled number of pods' : target.replicas ?? 2;
  if (target instanceof kplus.StatefulSet) return target.replicas ?? 1;
  if (target instanceof kplus.DaemonSet) return 'one pod per node';
  // cdk8s-plus-27's Job cannot set podReplacementPolicy: Failed, the one way a Job runs one pod at a time.
  if (target instanceof kplus.Job) return JOB_PODS;
  return 'any number of pods';
}
