import { Construct } from 'constructs';
import { mtuProblem, mtuRangeProblem } from './cni/interfaces';
import { _checkInterfaceName, CniNetwork, CniNetworkOptions } from './network';

/** Options of a network whose interfaces hang off a node NIC (macvlan, ipvlan). */
export interface LinkNetworkOptions extends CniNetworkOptions {
  /**
   * The node NIC the interfaces hang off (a host interface: the Multus daemon runs with the host
   * network, so this names the node's NIC).
   * @default - the interface of the node's default route
   */
  readonly master?: string;
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
 * A network whose interfaces hang off a master NIC. The plugin keys are written in the order
 * master, mode, mtu, linkInContainer.
 */
export abstract class LinkNetwork extends CniNetwork {
  /** The master NIC, when set. */
  public readonly master?: string;
  private readonly mtu?: number;
  private readonly linkInContainer?: boolean;

  protected constructor(scope: Construct, id: string, pluginType: string, props: LinkNetworkOptions) {
    const kind = `${pluginType.charAt(0).toUpperCase()}${pluginType.slice(1)}Network`;
    if (props.master !== undefined) _checkInterfaceName(`${kind}: master`, props.master);
    const rangeProblem = mtuRangeProblem(props.mtu);
    if (rangeProblem) throw new Error(`${kind}: ${rangeProblem}`);
    const problem = mtuProblem(props.mtu, props.ipam?.subnets ?? []);
    if (problem) throw new Error(`${kind}: ${problem}`);
    super(scope, id, pluginType, props);
    this.master = props.master;
    this.mtu = props.mtu;
    this.linkInContainer = props.linkInContainer;
  }

  protected pluginConfig(): { [key: string]: any } {
    return {
      ...(this.master !== undefined ? { master: this.master } : {}),
      mode: this.modeName(),
      ...(this.mtu !== undefined ? { mtu: this.mtu } : {}),
      ...(this.linkInContainer ? { linkInContainer: true } : {}),
    };
  }

  /** The plugin's `mode` value. */
  protected abstract modeName(): string;
}
