import { Construct } from 'constructs';
import { LinkNetwork, LinkNetworkOptions } from './link-network';

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
export interface MacvlanNetworkProps extends LinkNetworkOptions {
  /**
   * The macvlan mode.
   * @default MacvlanMode.BRIDGE
   */
  readonly mode?: MacvlanMode;
}

/**
 * A macvlan network on a node NIC: pods get an interface with a MAC of their own on the NIC's LAN.
 * The node itself cannot reach those pods through the master (a macvlan property).
 */
export class MacvlanNetwork extends LinkNetwork {
  /** The mode. */
  public readonly mode: MacvlanMode;

  public constructor(scope: Construct, id: string, props: MacvlanNetworkProps = {}) {
    const mode = props.mode ?? MacvlanMode.BRIDGE;
    if (mode === MacvlanMode.PASSTHRU && props.ipam?.type === 'host-local') {
      // One passthru interface per master: a range would only ever serve one pod per node.
      throw new Error('MacvlanNetwork: mode PASSTHRU takes over the master for a single interface; use Ipam.fixedAddress, Ipam.dhcp() or Ipam.none() instead of a host-local range');
    }
    super(scope, id, 'macvlan', props);
    this.mode = mode;
  }

  protected modeName(): string {
    return this.mode;
  }
}
