import { Construct } from 'constructs';
import { checkMtu } from './macvlan-network';
import { _checkInterfaceName, CniNetwork, CniNetworkOptions } from './network';

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
export interface IpvlanNetworkProps extends CniNetworkOptions {
  /**
   * The node NIC the interfaces hang off.
   * @default - the interface of the node's default route
   */
  readonly master?: string;
  /**
   * The ipvlan mode.
   * @default IpvlanMode.L2
   */
  readonly mode?: IpvlanMode;
  /**
   * The interface MTU.
   * @default - the master's MTU
   */
  readonly mtu?: number;
  /**
   * The master lives in the pod's network namespace.
   * @default false
   */
  readonly linkInContainer?: boolean;
}

/**
 * An ipvlan network: every interface shares the master's MAC address, which is what Wi-Fi NICs
 * and cloud NICs that drop frames from unknown MACs need.
 */
export class IpvlanNetwork extends CniNetwork {
  /** The master NIC, when set. */
  public readonly master?: string;
  /** The mode. */
  public readonly mode: IpvlanMode;
  private readonly mtu?: number;
  private readonly linkInContainer?: boolean;

  public constructor(scope: Construct, id: string, props: IpvlanNetworkProps = {}) {
    if (props.master !== undefined) _checkInterfaceName('IpvlanNetwork: master', props.master);
    checkMtu('IpvlanNetwork', props.mtu);
    if (props.capabilities?.mac) {
      throw new Error('IpvlanNetwork: capabilities.mac cannot be honoured: every ipvlan interface has the master\'s MAC; remove it');
    }
    super(scope, id, 'ipvlan', props);
    this.master = props.master;
    this.mode = props.mode ?? IpvlanMode.L2;
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
