import { Construct } from 'constructs';
import { _checkInterfaceName, CniNetwork, CniNetworkOptions } from './network';

/**
 * How macvlan interfaces on one master reach each other.
 */
export enum MacvlanMode {
  /** Interfaces on the same master talk to each other directly (the plugin's default). */
  BRIDGE = 'bridge',
  /** No traffic between interfaces on the same master. */
  PRIVATE = 'private',
  /** Traffic between interfaces goes out to the switch and back (needs a hairpin switch). */
  VEPA = 'vepa',
  /** One interface takes over the master; for a VM that needs the NIC's own MAC behaviour. */
  PASSTHRU = 'passthru',
}

/** Props for `MacvlanNetwork`. */
export interface MacvlanNetworkProps extends CniNetworkOptions {
  /**
   * The node NIC the interfaces hang off (a host interface: the Multus daemon runs with the host
   * network, so this names the node's NIC).
   * @default - the interface of the node's default route
   */
  readonly master?: string;
  /**
   * The macvlan mode.
   * @default MacvlanMode.BRIDGE
   */
  readonly mode?: MacvlanMode;
  /**
   * The interface MTU, at most the master's.
   * @default - the master's MTU
   */
  readonly mtu?: number;
  /**
   * The master lives in the pod's network namespace rather than the node's (for a master that
   * another plugin created in the pod). Needs containernetworking/plugins v1.2.0 or later.
   * @default false
   */
  readonly linkInContainer?: boolean;
}

/**
 * A macvlan network on a node NIC: pods get an interface with a MAC of their own on the NIC's LAN.
 * The node itself cannot reach those pods through the master (a macvlan property).
 */
export class MacvlanNetwork extends CniNetwork {
  /** The master NIC, when set. */
  public readonly master?: string;
  /** The mode. */
  public readonly mode: MacvlanMode;
  private readonly mtu?: number;
  private readonly linkInContainer?: boolean;

  public constructor(scope: Construct, id: string, props: MacvlanNetworkProps = {}) {
    if (props.master !== undefined) _checkInterfaceName('MacvlanNetwork: master', props.master);
    checkMtu('MacvlanNetwork', props.mtu);
    const mode = props.mode ?? MacvlanMode.BRIDGE;
    if (mode === MacvlanMode.PASSTHRU && props.ipam?.type === 'host-local') {
      // One passthru interface per master: a range would only ever serve one pod per node.
      throw new Error('MacvlanNetwork: mode PASSTHRU takes over the master for a single interface; use Ipam.fixedAddress, Ipam.dhcp() or Ipam.none() instead of a host-local range');
    }
    super(scope, id, 'macvlan', props);
    this.master = props.master;
    this.mode = mode;
    this.mtu = props.mtu;
    this.linkInContainer = props.linkInContainer;
  }

  protected pluginConfig(): { [key: string]: any } {
    return {
      ...(this.master !== undefined ? { master: this.master } : {}),
      mode: this.mode,
      ...(this.mtu !== undefined ? { mtu: this.mtu } : {}),
      ...(this.linkInContainer ? { linkInContainer: true } : {}),
    };
  }
}

/** @internal */
export function checkMtu(kind: string, mtu: number | undefined): void {
  if (mtu !== undefined && (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)) {
    throw new Error(`${kind}: mtu must be an integer from 68 (the IPv4 minimum) to 65535, got ${mtu}`);
  }
}
