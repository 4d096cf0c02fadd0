import { Construct } from 'constructs';
import { mtuProblem, mtuRangeProblem } from './cni/interfaces';
import { vlanIdProblem } from './cni/vlan';
import { CniNetwork, CniNetworkOptions, _checkInterfaceName } from './network';

/** Props for `VlanNetwork`. */
export interface VlanNetworkProps extends CniNetworkOptions {
  /**
   * The node NIC that carries the VLAN tagged; each pod gets a VLAN sub-interface of it. The plugin
   * has no default: it refuses a config without one.
   */
  readonly master: string;
  /** The VLAN id, 1 to 4094. */
  readonly vlanId: number;
  /**
   * The interface MTU, at most the master's (the plugin refuses more).
   * @default - the master's MTU
   */
  readonly mtu?: number;
  /**
   * The master lives in the pod's network namespace rather than the node's (for a master that
   * another plugin created in the pod).
   * @default false
   */
  readonly linkInContainer?: boolean;
}

/**
 * A VLAN network (the reference `vlan` plugin): each pod gets an 802.1Q sub-interface of the
 * master, tagged with the VLAN id, so the pod sits on that VLAN of the node's trunk. The node's
 * kernel needs the 8021q module. The kernel keeps one sub-interface per VLAN id per master, in
 * whatever namespace it is (net/8021q/vlan.c, vlan_check_real_dev: EEXIST), so one pod per node
 * holds a VLAN network at a time; for several, use a BridgeNetwork with `vlan` on a bridge that
 * enslaves the NIC. The plugin runs IPAM for every ADD, so the network needs one. k3s does not
 * bundle the plugin; the library installs it.
 */
export class VlanNetwork extends CniNetwork {
  /** The master NIC. */
  public readonly master: string;
  /** The VLAN id. */
  public readonly vlanId: number;
  private readonly mtu?: number;
  private readonly linkInContainer: boolean;

  public constructor(scope: Construct, id: string, props: VlanNetworkProps) {
    // The plugin has no default master (v1.9.1 vlan.go loadConf: '"master" field is required').
    if (typeof props.master !== 'string') throw new Error('VlanNetwork: master is required: name the node NIC that carries the VLAN, such as eth0');
    _checkInterfaceName('VlanNetwork: master', props.master);
    const idProblem = vlanIdProblem(props.vlanId);
    if (idProblem) throw new Error(`VlanNetwork: ${idProblem}`);
    const rangeProblem = mtuRangeProblem(props.mtu);
    if (rangeProblem) throw new Error(`VlanNetwork: ${rangeProblem}`);
    const problem = mtuProblem(props.mtu, props.ipam?.subnets ?? []);
    if (problem) throw new Error(`VlanNetwork: ${problem}`);
    // v1.9.1 plugins/main/vlan/vlan.go cmdAdd runs ipam.ExecAdd(n.IPAM.Type) unconditionally: without
    // an IPAM type it fails ("no plugin name provided") after making the link.
    if (props.ipam?.type === undefined) {
      throw new Error('VlanNetwork: ipam none would fail every ADD: the vlan plugin always runs an IPAM plugin ("no plugin name provided"); give it Ipam.hostLocal, Ipam.fixedAddress, Ipam.dhcp or Ipam.whereabouts');
    }
    super(scope, id, 'vlan', props);
    this.master = props.master;
    this.vlanId = props.vlanId;
    this.mtu = props.mtu;
    this.linkInContainer = props.linkInContainer ?? false;
  }

  protected pluginConfig(): { [key: string]: any } {
    return {
      master: this.master,
      vlanId: this.vlanId,
      ...(this.mtu !== undefined ? { mtu: this.mtu } : {}),
      ...(this.linkInContainer ? { linkInContainer: true } : {}),
    };
  }
}
