import { Construct } from 'constructs';
import { mtuProblem } from './cni/interfaces';
import { CniNetwork, CniNetworkOptions, _checkInterfaceName } from './network';

/** A VLAN id, or a range of them, that a bridge port carries tagged (the bridge plugin's `vlanTrunk` entry). */
export interface BridgeVlanRange {
  /** The VLAN id, or the first of the range (1 to 4094). */
  readonly minId: number;
  /**
   * The last VLAN id of the range (up to 4094).
   * @default - the single VLAN `minId`
   */
  readonly maxId?: number;
}

/** Props for `BridgeNetwork`. */
export interface BridgeNetworkProps extends CniNetworkOptions {
  /**
   * The Linux bridge on the node that pods' veths are enslaved to; the plugin creates it when it
   * does not exist. To put pods (and KubeVirt VMs) on a physical LAN, create it on the node with
   * the NIC enslaved before pods start.
   * @default 'cni0' (the plugin's default)
   */
  readonly bridge?: string;
  /**
   * Give the bridge the IPAM's gateway address, so that the node routes for the pods.
   * @default false
   */
  readonly isGateway?: boolean;
  /**
   * Also make the bridge the pods' default route (implies `isGateway`).
   * @default false
   */
  readonly isDefaultGateway?: boolean;
  /**
   * Masquerade traffic from the pods' subnet leaving through other interfaces (needs iptables or
   * nftables on the node).
   * @default false
   */
  readonly ipMasq?: boolean;
  /**
   * Let frames leave a bridge port on the port they came in on, so a pod reaches itself through
   * a service.
   * @default false
   */
  readonly hairpinMode?: boolean;
  /**
   * The VLAN of the pods' ports (untagged, as their PVID). Turns on VLAN filtering on the bridge
   * (through netlink; no 8021q module needed).
   * @default - no VLAN: the ports are in the bridge's default VLAN
   */
  readonly vlan?: number;
  /**
   * VLANs the pods' ports also carry tagged (a trunk), for pods that tag their own traffic.
   * @default - none
   */
  readonly vlanTrunk?: BridgeVlanRange[];
  /**
   * The MTU of the veths (and of the bridge, when the plugin creates it).
   * @default - the kernel's default, 1500
   */
  readonly mtu?: number;
}

const VLAN_MAX = 4094;

/**
 * A Linux bridge network (the reference `bridge` plugin): each pod gets a veth whose node end is
 * enslaved to `bridge`. With the node's NIC enslaved to that bridge, pods and KubeVirt VMs (bridge
 * binding) are on the NIC's LAN with MACs of their own, and the node reaches them through the
 * bridge. k3s bundles the plugin.
 */
export class BridgeNetwork extends CniNetwork {
  /** The bridge. */
  public readonly bridge: string;
  /** The VLAN of the pods' ports, when set. */
  public readonly vlan?: number;
  private readonly bridgeProps: BridgeNetworkProps;

  public constructor(scope: Construct, id: string, props: BridgeNetworkProps = {}) {
    const bridge = props.bridge ?? 'cni0';
    _checkInterfaceName('BridgeNetwork: bridge', bridge);
    if (props.mtu !== undefined && (!Number.isInteger(props.mtu) || props.mtu < 68 || props.mtu > 65535)) {
      throw new Error(`BridgeNetwork: mtu must be an integer from 68 (the IPv4 minimum) to 65535, got ${props.mtu}`);
    }
    const problem = mtuProblem(props.mtu, props.ipam?.subnets ?? []);
    if (problem) throw new Error(`BridgeNetwork: ${problem}`);
    const vlanId = (field: string, v: number) => {
      if (!Number.isInteger(v) || v < 1 || v > VLAN_MAX) throw new Error(`BridgeNetwork: ${field} must be a VLAN id from 1 to ${VLAN_MAX}, got ${v}`);
    };
    if (props.vlan !== undefined) vlanId('vlan', props.vlan);
    for (const [i, r] of (props.vlanTrunk ?? []).entries()) {
      vlanId(`vlanTrunk[${i}].minId`, r.minId);
      if (r.maxId !== undefined) {
        vlanId(`vlanTrunk[${i}].maxId`, r.maxId);
        if (r.maxId < r.minId) throw new Error(`BridgeNetwork: vlanTrunk[${i}] runs from ${r.minId} down to ${r.maxId}; give maxId of at least minId`);
      }
    }
    const routed = props.isGateway || props.isDefaultGateway || props.ipMasq;
    if (routed && (props.ipam?.subnets ?? []).length === 0) {
      const field = props.ipMasq ? 'ipMasq' : props.isDefaultGateway ? 'isDefaultGateway' : 'isGateway';
      throw new Error(`BridgeNetwork: ${field} needs an IPAM with a subnet (the bridge's gateway address and the masqueraded range come from it), got ipam ${props.ipam?.type ?? 'none'}; use Ipam.hostLocal or Ipam.fixedAddress`);
    }
    super(scope, id, 'bridge', props);
    this.bridge = bridge;
    this.vlan = props.vlan;
    this.bridgeProps = props;
  }

  protected pluginConfig(): { [key: string]: any } {
    const p = this.bridgeProps;
    return {
      bridge: this.bridge,
      ...(p.isGateway ? { isGateway: true } : {}),
      ...(p.isDefaultGateway ? { isDefaultGateway: true } : {}),
      ...(p.ipMasq ? { ipMasq: true } : {}),
      ...(p.hairpinMode ? { hairpinMode: true } : {}),
      ...(p.vlan !== undefined ? { vlan: p.vlan } : {}),
      ...(p.vlanTrunk?.length ? { vlanTrunk: p.vlanTrunk.map(trunkEntry) } : {}),
      ...(p.mtu !== undefined ? { mtu: p.mtu } : {}),
    };
  }
}

/** A trunk entry as the plugin reads it: `{id}` for one VLAN, `{minID, maxID}` for a range. */
function trunkEntry(r: BridgeVlanRange): { [key: string]: number } {
  return r.maxId === undefined ? { id: r.minId } : { minID: r.minId, maxID: r.maxId };
}
