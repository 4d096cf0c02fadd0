/**
 * Which networks carry a KubeVirt VM's traffic under the bridge binding, proven at layer 2 with the
 * real plugins (containernetworking/plugins v1.9.1) in namespaces this suite creates: a LAN
 * namespace on the node's NIC, the pod namespace ADDed by the plugin, the in-pod bridge KubeVirt's
 * bridge binding builds, and a third namespace standing for the VM. The LAN pings the VM's address
 * (frames to the VM's MAC) and the VM pings the LAN. What passes here is what
 * `KUBEVIRT_BINDING_NEEDS` (src/cni/kubevirt.ts) allows; what fails, it refuses. Runs as root.
 */
import { Testing } from 'cdk8s';
import { Lab, pluginsDir } from './_lab';
import { BridgeNetwork, Ipam, MacvlanMode, MacvlanNetwork } from '../../src';
import { kubevirtBindingProblem } from '../../src/cni/kubevirt';

jest.setTimeout(120_000);

const LAN = '192.168.50.1';

let lab: Lab;
beforeAll(() => {
  lab = new Lab(pluginsDir());
  lab.ip('-n', lab.lan, 'addr', 'add', `${LAN}/24`, 'dev', 'lan0');
});
afterAll(() => lab?.close());

/**
 * Builds in the pod what KubeVirt's bridge binding builds (kubevirt v1.9.0,
 * pkg/network/setup/netpod/netpod.go, bridgeBindingSpec), after the plugin's ADD made `net1`:
 * a bridge `k6t-net1`; the pod interface renamed `net1-nic`, without addresses, with the bridge's
 * MAC (CopyMacFrom) and learning off, enslaved to the bridge; the VM's tap on the bridge, here a
 * veth whose peer in the VM namespace carries the pod interface's original MAC (the MAC KubeVirt
 * gives the VM, pkg/network/domainspec/generators.go) and its address; the bridge's link-local
 * /32 and arp_ignore=1 in the pod. Left out: the dummy that keeps `net1`'s name, MAC and address
 * for KubeVirt's DHCP server (this kernel has no dummy links; it has no addresses on the path) and
 * the DHCP server itself: the VM's address is set by hand, as its DHCP client would set it.
 * Returns the VM namespace and its MAC.
 */
function kubevirtBridgeBinding(pod: string, vmAddress: string): { vm: string; vmMac: string; podNicMac: string } {
  const vmMac = lab.mac(pod, 'net1');
  const vm = lab.newNamespace('vm');
  const inPod = (...args: string[]) => lab.ip('-n', pod, ...args);
  inPod('addr', 'flush', 'dev', 'net1');
  inPod('link', 'add', 'k6t-net1', 'type', 'bridge');
  inPod('addr', 'add', '169.254.75.10/32', 'dev', 'k6t-net1');
  inPod('link', 'set', 'net1', 'down');
  inPod('link', 'set', 'net1', 'name', 'net1-nic');
  inPod('link', 'set', 'net1-nic', 'address', lab.mac(pod, 'k6t-net1'));
  inPod('link', 'set', 'net1-nic', 'master', 'k6t-net1');
  inPod('link', 'set', 'net1-nic', 'type', 'bridge_slave', 'learning', 'off');
  inPod('link', 'add', 'tap-vm', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', vm);
  inPod('link', 'set', 'tap-vm', 'master', 'k6t-net1');
  for (const l of ['k6t-net1', 'net1-nic', 'tap-vm']) inPod('link', 'set', l, 'up');
  lab.ip('netns', 'exec', pod, 'sysctl', '-q', '-w', 'net.ipv4.conf.all.arp_ignore=1');
  lab.ip('-n', vm, 'link', 'set', 'eth0', 'address', vmMac);
  lab.ip('-n', vm, 'addr', 'add', `${vmAddress}/24`, 'dev', 'eth0');
  lab.ip('-n', vm, 'link', 'set', 'eth0', 'up');
  return { vm, vmMac, podNicMac: lab.mac(pod, 'net1-nic') };
}

/** ADDs the network to a new pod, builds the bridge binding, pings both ways, DELs; what it saw. */
function bridgeBindingTraffic(config: any, vmAddress: string) {
  lab.ip('-n', lab.lan, 'neigh', 'flush', 'dev', 'lan0');
  const pod = lab.newPod();
  try {
    const add = lab.run('ADD', config, pod, {});
    if (add.code !== 0) throw new Error(`ADD failed (${add.code}): ${add.stdout}${add.stderr}`);
    const { vm, vmMac, podNicMac } = kubevirtBridgeBinding(pod, vmAddress);
    const inbound = lab.ping(lab.lan, vmAddress);
    const outbound = lab.ping(vm, LAN);
    const neighbour = lab.ip('-n', lab.lan, 'neigh', 'show', vmAddress).trim();
    // The launcher pod goes away with the VM: its links first (namespaces are freed asynchronously,
    // and a passthru macvlan left behind would refuse the next macvlan on the same master).
    lab.ip('-n', pod, 'link', 'del', 'net1-nic');
    const del = lab.run('DEL', config, pod, {});
    lab.deletePod(vm);
    return { vmMac, podNicMac, inbound, outbound, neighbour, del: del.code };
  } finally {
    lab.deletePod(pod);
  }
}

describe('the bridge binding on macvlan', () => {
  const macvlan = (mode: MacvlanMode) => new MacvlanNetwork(Testing.chart(), 'lan', { master: 'eth0', mode, ipam: Ipam.fixedAddress('192.168.50.200/24') }).config;

  test('passthru: the LAN reaches the VM\'s MAC and address, and the VM reaches the LAN; the library allows it', () => {
    const r = bridgeBindingTraffic(macvlan(MacvlanMode.PASSTHRU), '192.168.50.200');
    expect(r.vmMac).not.toBe(r.podNicMac);
    expect({ inbound: r.inbound.ok, outbound: r.outbound.ok }).toEqual({ inbound: true, outbound: true });
    expect(r.inbound.output).toContain('3 received');
    expect(r.neighbour).toContain(`lladdr ${r.vmMac}`);
    expect(r.del).toBe(0);
    expect(kubevirtBindingProblem('bridge', { type: 'macvlan', mode: 'passthru' }, 'lan')).toBeUndefined();
  });

  test.each([MacvlanMode.BRIDGE, MacvlanMode.PRIVATE, MacvlanMode.VEPA])('%s: no frame for the VM\'s MAC gets through; the library refuses it', (mode) => {
    const r = bridgeBindingTraffic(macvlan(mode), '192.168.50.201');
    expect(r.inbound.ok).toBe(false);
    expect(r.inbound.output).toContain(' 0 received');
    expect(kubevirtBindingProblem('bridge', { type: 'macvlan', mode }, 'lan')?.problem).toContain('passes no inbound traffic');
  });
});

describe('the bridge binding on a BridgeNetwork', () => {
  test('a host bridge with the NIC enslaved: the LAN reaches the VM\'s MAC and address, and the VM reaches the LAN; the library allows it', () => {
    // What an administrator sets up on the node: a bridge with the LAN NIC in it.
    lab.ip('-n', lab.node, 'link', 'add', 'br-lan', 'type', 'bridge');
    lab.ip('-n', lab.node, 'link', 'set', 'eth0', 'master', 'br-lan');
    lab.ip('-n', lab.node, 'link', 'set', 'br-lan', 'up');
    try {
      const config = new BridgeNetwork(Testing.chart(), 'lan', { bridge: 'br-lan', ipam: Ipam.fixedAddress('192.168.50.202/24') }).config;
      const r = bridgeBindingTraffic(config, '192.168.50.202');
      expect(r.vmMac).not.toBe(r.podNicMac);
      expect({ inbound: r.inbound.ok, outbound: r.outbound.ok }).toEqual({ inbound: true, outbound: true });
      expect(r.inbound.output).toContain('3 received');
      expect(r.neighbour).toContain(`lladdr ${r.vmMac}`);
      expect(r.del).toBe(0);
      expect(kubevirtBindingProblem('bridge', config, 'lan')).toBeUndefined();
    } finally {
      lab.ip('-n', lab.node, 'link', 'set', 'eth0', 'nomaster');
      lab.ip('-n', lab.node, 'link', 'del', 'br-lan');
    }
  });
});
