import { Construct } from 'constructs';
import { LinkNetwork, LinkNetworkOptions } from './link-network';

/**
 * The ipvlan mode.
 */
export enum IpvlanMode {
  /** Layer 2: interfaces share the master's MAC; ARP and broadcast work on the LAN. */
  L2 = 'l2',
  /** Layer 3: the master routes; no broadcast or multicast. */
  L3 = 'l3',
  /** Layer 3 with iptables conntrack on the master. */
  L3S = 'l3s',
}

/** Props for `IpvlanNetwork`. */
export interface IpvlanNetworkProps extends LinkNetworkOptions {
  /**
   * The ipvlan mode.
   * @default IpvlanMode.L2
   */
  readonly mode?: IpvlanMode;
}

/**
 * An ipvlan network: every interface shares the master's MAC address, which is what Wi-Fi NICs
 * and cloud NICs that drop frames from unknown MACs need.
 */
export class IpvlanNetwork extends LinkNetwork {
  /** The mode. */
  public readonly mode: IpvlanMode;

  public constructor(scope: Construct, id: string, props: IpvlanNetworkProps = {}) {
    if (props.capabilities?.mac) {
      throw new Error('IpvlanNetwork: capabilities.mac cannot be honoured: every ipvlan interface has the master\'s MAC; remove it');
    }
    super(scope, id, 'ipvlan', props);
    this.mode = props.mode ?? IpvlanMode.L2;
  }

  protected modeName(): string {
    return this.mode;
  }
}
