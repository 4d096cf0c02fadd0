// Which KubeVirt interface binding carries traffic on which network: the one table that the
// KubeVirt class (at construction) and the kubevirt-networks rule (on any manifest) both read.
//
// Sources, kubevirt/kubevirt v1.9.0:
// - pkg/network/setup/netpod/netpod.go (bridgeBindingSpec): the bridge binding enslaves the pod
//   interface, renamed `<name>-nic`, to an in-pod bridge `k6t-<name>` with the bridge's MAC and
//   learning off, and adds a tap for the VM on that bridge. The VM keeps the pod interface's
//   original MAC (pkg/network/domainspec/generators.go), so frames for the VM carry a MAC that
//   no interface of the network's plugin owns any more.
// - pkg/network/domainspec/interface.go and generators.go: an interface whose binding plugin is
//   registered with `domainAttachmentType: tap` is given to libvirt as a pre-made device,
//   `<interface type='ethernet'><target dev='<pod interface>' managed='no'/>`: the pod interface
//   itself must be a tap-like device, which only the macvtap CNI (kubevirt/macvtap-cni, NAD
//   `type: macvtap`) makes, from a macvtap its device plugin created.
// - staging/src/kubevirt.io/api/core/v1/types.go: `domainAttachmentType` is `tap` or `managedTap`.
// - pkg/network/admitter/discontinued.go: the core `macvtap: {}` binding is rejected at admission
//   ("Macvtap network binding has been discontinued since v1.3"); since v1.3 macvtap is only the
//   binding plugin `binding: {name: macvtap}`.

/** The network a VM interface is bound to: its NAD's config, or a conflist whose first plugin is the main one. */
export interface BindingNetwork {
  /** The main plugin's `type`. */
  readonly type?: unknown;
  /** macvlan's `mode` (the plugin's default is bridge). */
  readonly mode?: unknown;
  /** A conflist's plugins. */
  readonly plugins?: unknown;
}

/** What one binding needs of its network. */
interface BindingNeeds {
  /** The network kinds it carries traffic on; undefined means any kind not in `fails`. */
  readonly only?: readonly string[];
  /** Network kinds it is known not to carry traffic on. */
  readonly fails: readonly string[];
  /** Why it does not work on the networks it refuses (after "the <binding> binding on network <name> (<kind>)"). */
  readonly why: string;
  /** What works instead, in the words of the library's API and of a manifest. */
  readonly fix: string;
}

/**
 * A network's kind for the table: its main plugin type, and for macvlan also its mode, as
 * `macvlan/<mode>`.
 */
export function bindingNetworkKind(config: BindingNetwork): string | undefined {
  const net: BindingNetwork = Array.isArray(config.plugins) ? config.plugins[0] ?? {} : config;
  if (typeof net.type !== 'string' || net.type === '') return undefined;
  if (net.type !== 'macvlan') return net.type;
  return `macvlan/${typeof net.mode === 'string' && net.mode !== '' ? net.mode : 'bridge'}`;
}

/**
 * The table. Kinds that neither list names (ipvlan, ovs, sriov...) are not judged for the bridge
 * binding: nothing here proves or refutes them.
 */
export const KUBEVIRT_BINDING_NEEDS: { readonly [binding: string]: BindingNeeds } = {
  bridge: {
    // macvlan passthru and the bridge CNI: proven at L2 by test/conformance/kubevirt-l2.test.ts
    // (the in-pod bridge KubeVirt builds, a LAN pinging the VM's MAC and back); the other macvlan
    // modes fail the same test, as kubevirt issue #2925 reports.
    fails: ['macvlan/bridge', 'macvlan/private', 'macvlan/vepa'],
    why: 'passes no inbound traffic: KubeVirt gives the pod interface the in-pod bridge\'s MAC and the VM the old one, ' +
      'and a macvlan device that is not passthru drops frames for a MAC that is not its own (kubevirt issue #2925)',
    fix: 'use KubeVirtBinding.bridge() on a BridgeNetwork (a NAD of type bridge on a host bridge) or on a MacvlanNetwork with mode PASSTHRU, ' +
      'or KubeVirtBinding.macvtap() on a MacvtapNetwork (a NAD of type macvtap)',
  },
  macvtap: {
    only: ['macvtap'],
    fails: [],
    why: 'cannot start the VM: KubeVirt\'s macvtap binding plugin (domainAttachmentType tap) hands the pod interface itself to libvirt as a ' +
      'pre-made tap device, and only the macvtap CNI makes that interface a macvtap, from its device plugin\'s resource ' +
      '(kubevirt v1.9.0 pkg/network/domainspec/generators.go)',
    fix: 'use KubeVirtBinding.macvtap() only on a MacvtapNetwork (a NAD of type macvtap with the k8s.v1.cni.cncf.io/resourceName annotation of its device plugin), ' +
      'or KubeVirtBinding.bridge() on a BridgeNetwork',
  },
};

/** Why a binding does not carry traffic on a network, and the fix; undefined when nothing is known against it. */
export function kubevirtBindingProblem(binding: string, net: BindingNetwork, network: string): { problem: string; fix: string } | undefined {
  const needs = KUBEVIRT_BINDING_NEEDS[binding];
  const kind = bindingNetworkKind(net);
  if (!needs || kind === undefined) return undefined;
  const refused = needs.only ? !needs.only.includes(kind) : needs.fails.includes(kind);
  if (!refused) return undefined;
  return { problem: `the ${binding} binding on network ${network} (${kind}) ${needs.why}`, fix: needs.fix };
}

/**
 * How KubeVirt's CR must register a network binding plugin the library emits, under
 * `spec.configuration.network.binding.<name>` (kubevirt v1.9.0 staging/src/kubevirt.io/api/core/v1/types.go,
 * InterfaceBindingPlugin): the macvtap plugin is a `tap` domain attachment, with no sidecar image.
 */
export const KUBEVIRT_BINDING_REGISTRATION: { readonly [binding: string]: { readonly domainAttachmentType: string } } = {
  macvtap: { domainAttachmentType: 'tap' },
};

/** The bindings KubeVirt rejects at admission since v1.3, with what replaced them (pkg/network/admitter/discontinued.go). */
export const KUBEVIRT_DISCONTINUED_BINDINGS: { readonly [key: string]: string } = {
  macvtap: 'the macvtap binding plugin, binding: { name: macvtap }, registered in the KubeVirt CR',
  slirp: 'masquerade',
  passt: 'the passt binding plugin, binding: { name: passt }',
};
