import { kubevirtBindingProblem } from './cni/kubevirt';
import { CniNetwork, _checkInterfaceName } from './network';

/**
 * How a KubeVirt VM's interface is bound to the pod's network.
 */
export class KubeVirtBinding {
  /**
   * The VM's NIC bridged to the pod interface (an in-pod bridge KubeVirt builds). Carries inbound
   * traffic on a `BridgeNetwork` and on a `MacvlanNetwork` with mode `PASSTHRU` (both proven at L2
   * by the conformance suite); refused on the other macvlan modes.
   */
  public static bridge(): KubeVirtBinding {
    return new KubeVirtBinding('bridge', { bridge: {} });
  }

  /**
   * The macvtap network binding plugin, `binding: { name: macvtap }`: the VM's NIC is the macvtap
   * device that the macvtap CNI put in the pod. Only on a `MacvtapNetwork`; KubeVirt must register
   * the plugin in its CR (`spec.configuration.network.binding.macvtap.domainAttachmentType: tap`).
   */
  public static macvtap(): KubeVirtBinding {
    return new KubeVirtBinding('macvtap', { binding: { name: 'macvtap' } });
  }

  /** NAT behind the pod's address; for the pod network only. */
  public static masquerade(): KubeVirtBinding {
    return new KubeVirtBinding('masquerade', { masquerade: {} });
  }

  /** The binding's name. */
  public readonly name: string;
  /** @internal */
  public readonly _json: { [key: string]: any };

  private constructor(name: string, json: { [key: string]: any }) {
    this.name = name;
    this._json = json;
  }
}

/** One VM network and its interface, to place in `spec.template.spec.networks` and `...domain.devices.interfaces`. */
export interface KubeVirtNetworkEntries {
  /** The entry for `spec.template.spec.networks`. */
  readonly network: any;
  /** The entry for `spec.template.spec.domain.devices.interfaces`. */
  readonly iface: any;
}

/**
 * Helpers for KubeVirt VMs on secondary networks. KubeVirt writes the Multus annotation on the
 * launcher pod itself: never add one by hand to a VM, and never make a NetworkAttachmentDefinition
 * for the pod network.
 */
export class KubeVirt {
  /** The pod (primary) network of a VM, as `pod: {}`, with masquerade binding. */
  public static podNetwork(name: string = 'default'): KubeVirtNetworkEntries {
    _checkInterfaceName('KubeVirt.podNetwork: name', name);
    return { network: { name, pod: {} }, iface: { name, ...KubeVirtBinding.masquerade()._json } };
  }

  /**
   * A secondary network of a VM: `multus.networkName` as `namespace/name`, and the interface with
   * its binding. Refuses a binding that carries no traffic on the network: the macvtap binding on
   * anything but a `MacvtapNetwork`, the bridge binding on a macvlan network that is not passthru.
   */
  public static secondaryNetwork(network: CniNetwork, binding: KubeVirtBinding, name?: string): KubeVirtNetworkEntries {
    const entryName = name ?? network.name;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(entryName)) {
      throw new Error(`KubeVirt.secondaryNetwork: name ${JSON.stringify(entryName)} must be a DNS label`);
    }
    if (binding.name === 'masquerade') {
      throw new Error(`KubeVirt.secondaryNetwork: masquerade binds only the pod network; use KubeVirtBinding.bridge() or macvtap() for "${network.name}"`);
    }
    const refused = kubevirtBindingProblem(binding.name, network._configObject(), `${network.namespace}/${network.name}`);
    if (refused) throw new Error(`KubeVirt.secondaryNetwork: ${refused.problem}. Fix: ${refused.fix}`);
    return {
      network: { name: entryName, multus: { networkName: `${network.namespace}/${network.name}` } },
      iface: { name: entryName, ...binding._json },
    };
  }

  private constructor() {}
}
