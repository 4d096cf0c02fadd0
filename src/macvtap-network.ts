import { Construct } from 'constructs';
import { MACVTAP_CNI_TYPE, MACVTAP_DEFAULT_CAPACITY, MACVTAP_RESOURCE_PREFIX, RESOURCE_NAME_ANNOTATION } from './cni/macvtap';
import { CniNetwork, CniNetworkOptions, _checkInterfaceName } from './network';

/**
 * How the macvtap devices on one master reach each other (the device plugin's `mode`).
 */
export enum MacvtapMode {
  /** Devices on the same master talk to each other directly (the device plugin's default). */
  BRIDGE = 'bridge',
  /** No traffic between devices on the same master. */
  PRIVATE = 'private',
  /** Traffic between devices goes out to the switch and back (needs a hairpin switch). */
  VEPA = 'vepa',
}

/** Props for `MacvtapNetwork`. */
export interface MacvtapNetworkProps extends CniNetworkOptions {
  /**
   * The node NIC the macvtap devices hang off: the device plugin's `lowerDevice` (the macvtap
   * CNI itself takes no master; it is handed a device the device plugin made).
   */
  readonly master: string;
  /**
   * The macvtap mode, set by the device plugin when it creates the devices.
   * @default MacvtapMode.BRIDGE
   */
  readonly mode?: MacvtapMode;
  /**
   * The interface MTU.
   * @default - the master's MTU
   */
  readonly mtu?: number;
  /**
   * Put the device in promiscuous mode (the plugin's `promiscMode`).
   * @default false
   */
  readonly promiscuous?: boolean;
  /**
   * The device plugin resource, `macvtap.network.kubevirt.io/<resourceName>`, that the NAD's
   * `k8s.v1.cni.cncf.io/resourceName` annotation requests. Networks that share it share the
   * master, mode and capacity.
   * @default - the network's name
   */
  readonly resourceName?: string;
  /**
   * How many devices the resource offers per node (VMs on this network per node).
   * @default 100
   */
  readonly capacity?: number;
}

/**
 * A macvtap network (kubevirt/macvtap-cni): each pod, in practice a KubeVirt VM's launcher pod
 * with the macvtap binding, gets a macvtap device on the master that the device plugin created for
 * the resource the NAD names; `MacvtapDevicePlugin` deploys that plugin and the `macvtap` CNI.
 * The plugin runs no IPAM: the VM takes its address on the LAN itself (DHCP or static in the
 * guest). Not proven by the conformance suite: the macvtap CNI's Go module is not served by the
 * module proxy this project builds plugins from, so this type is written from its source.
 */
export class MacvtapNetwork extends CniNetwork {
  /** The master NIC. */
  public readonly master: string;
  /** The mode. */
  public readonly mode: MacvtapMode;
  /** The device plugin resource, without the `macvtap.network.kubevirt.io/` prefix. */
  public readonly resourceName: string;
  /** Devices per node. */
  public readonly capacity: number;
  private readonly mtu?: number;
  private readonly promiscuous: boolean;

  public constructor(scope: Construct, id: string, props: MacvtapNetworkProps) {
    _checkInterfaceName('MacvtapNetwork: master', props.master);
    if (props.mtu !== undefined && (!Number.isInteger(props.mtu) || props.mtu < 68 || props.mtu > 65535)) {
      throw new Error(`MacvtapNetwork: mtu must be an integer from 68 (the IPv4 minimum) to 65535, got ${props.mtu}`);
    }
    // kubevirt/macvtap-cni pkg/cni/plugin.go: CmdAdd moves the device into the pod and returns only the interface.
    if (props.ipam !== undefined && props.ipam.type !== undefined) {
      throw new Error(`MacvtapNetwork: ipam ${props.ipam.type} would be ignored: the macvtap plugin runs no IPAM; remove it and address the VM in the guest (DHCP on the LAN, or a static address)`);
    }
    if (props.capabilities?.ips) throw new Error('MacvtapNetwork: capabilities.ips cannot be honoured: the macvtap plugin runs no IPAM; remove it');
    if (props.dns) throw new Error('MacvtapNetwork: dns would be ignored: the macvtap plugin returns no DNS settings; set them in the guest');
    const capacity = props.capacity ?? MACVTAP_DEFAULT_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`MacvtapNetwork: capacity must be a positive integer, got ${capacity}`);
    super(scope, id, MACVTAP_CNI_TYPE, props);
    const resourceName = props.resourceName ?? this.name;
    if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(resourceName)) {
      throw new Error(`MacvtapNetwork: resourceName ${JSON.stringify(resourceName)} is not a device plugin resource name (letters, digits, '-', '_', '.', at most 63)`);
    }
    this.master = props.master;
    this.mode = props.mode ?? MacvtapMode.BRIDGE;
    this.resourceName = resourceName;
    this.capacity = capacity;
    this.mtu = props.mtu;
    this.promiscuous = props.promiscuous ?? false;
    this.metadata.addAnnotation(RESOURCE_NAME_ANNOTATION, `${MACVTAP_RESOURCE_PREFIX}${resourceName}`);
  }

  protected pluginConfig(): { [key: string]: any } {
    return {
      ...(this.mtu !== undefined ? { mtu: this.mtu } : {}),
      ...(this.promiscuous ? { promiscMode: true } : {}),
    };
  }
}
