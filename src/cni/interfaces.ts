/** A Linux interface name: 1 to 15 characters (IFNAMSIZ less the NUL), none of them '/' or white space. */
const IFNAME = /^[A-Za-z0-9_.:-]{1,15}$/;

/**
 * Interfaces every pod has before Multus adds its attachments: `eth0` is the primary network's
 * (containerd runs the cluster network with CNI_IFNAME eth0, and Multus gives its delegate that
 * name), `lo` the loopback. An attachment with either name fails its ADD.
 */
const TAKEN: { readonly [name: string]: string } = {
  eth0: 'the primary (cluster) network\'s interface, which every pod already has',
  lo: 'the pod\'s loopback interface',
};

/** What is wrong with `name` as the interface of a secondary attachment, or undefined. */
export function attachmentInterfaceProblem(name: string): string | undefined {
  if (!IFNAME.test(name) || name === '.' || name === '..') {
    return `${JSON.stringify(name)} is not a Linux interface name (1 to 15 characters of letters, digits, '_', '.', ':', '-')`;
  }
  if (Object.prototype.hasOwnProperty.call(TAKEN, name)) return `"${name}" is ${TAKEN[name]}; name the attachment net1, lan0 or the like`;
  return undefined;
}

/** Whether `name` is a Linux interface name (any interface, such as a master NIC). */
export function isInterfaceName(name: string): boolean {
  return IFNAME.test(name) && name !== '.' && name !== '..';
}

/** The smallest MTU a link may have and still carry IPv6 (RFC 8200). */
export const IPV6_MIN_MTU = 1280;

/**
 * Why an interface of this MTU cannot take these addresses, or undefined. Below 1280 the kernel
 * turns IPv6 off on the link, and the plugin's ADD fails (v1.9.1: "failed to enable
 * keep_addr_on_down ... no such file or directory").
 */
/** The smallest MTU the kernel gives an Ethernet link (ETH_MIN_MTU), which is also IPv4's minimum. */
export const MIN_MTU = 68;

/** What is wrong with `mtu` as a link's MTU whatever it carries, or undefined (absent is the master's). */
export function mtuRangeProblem(mtu: unknown): string | undefined {
  if (mtu === undefined) return undefined;
  if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < MIN_MTU || mtu > 65535) {
    return `mtu must be an integer from ${MIN_MTU} (the kernel's Ethernet minimum) to 65535, and at most the master's, got ${JSON.stringify(mtu)}`;
  }
  return undefined;
}

export function mtuProblem(mtu: unknown, subnets: readonly string[]): string | undefined {
  if (typeof mtu !== 'number' || mtu >= IPV6_MIN_MTU || !subnets.some((s) => s.includes(':'))) return undefined;
  return `mtu ${mtu} is below ${IPV6_MIN_MTU}, the IPv6 minimum, and the network assigns IPv6 addresses: the kernel turns IPv6 off ` +
    `on the interface and the ADD fails; set mtu to ${IPV6_MIN_MTU} or more, or assign IPv4 only`;
}
