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
    // A host-local range is taken in every mode, passthru too: the plugin accepts it, and what it
    // means on the node is the same in every mode (leases per node; see Ipam.hostLocal).
    super(scope, id, 'macvlan', props);
    this.mode = mode;
  }

  protected modeName(): string {
    return this.mode;
  }
}
