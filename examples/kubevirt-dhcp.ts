import { App, Chart } from 'cdk8s';
import {
  DhcpDaemon, Ipam, KubeVirt, KubeVirtBinding, MacvlanMode, MacvlanNetwork, MacvtapDevicePlugin, MacvtapNetwork, MultusThick,
} from 'cdk8s-multus';

const app = new App();
const chart = new Chart(app, 'k3s-vms');
new MultusThick(chart, 'Multus');

// Pods take their LAN addresses from the LAN's DHCP server, through the dhcp plugin's daemon.
new DhcpDaemon(chart, 'Dhcp');
new MacvlanNetwork(chart, 'PodLan', { master: 'eth0', ipam: Ipam.dhcp() });

// VMs on the LAN through macvtap devices on eth1, offered by the macvtap device plugin (which
// also installs the macvtap CNI). The VM asks the LAN's DHCP server itself: no IPAM in the pod.
// KubeVirt's CR must register the binding: network.binding.macvtap.domainAttachmentType: tap.
new MacvtapDevicePlugin(chart, 'Macvtap');
const lan = new MacvtapNetwork(chart, 'Lan', { namespace: 'vms', master: 'eth1' });

// A VM with a NIC of its own: macvlan passthru hands it the whole of eth2.
const nic = new MacvlanNetwork(chart, 'Nic', { namespace: 'vms', master: 'eth2', mode: MacvlanMode.PASSTHRU });

// The entries for a KubeVirt VirtualMachine: the pod network as pod: {}, the LAN through the
// macvtap binding (refused on anything but a macvtap network), the NIC through the bridge
// binding (which carries inbound traffic on macvlan only in passthru mode; refused otherwise).
const pod = KubeVirt.podNetwork();
const vmLan = KubeVirt.secondaryNetwork(lan, KubeVirtBinding.macvtap());
const vmNic = KubeVirt.secondaryNetwork(nic, KubeVirtBinding.bridge());
console.log(JSON.stringify({ networks: [pod.network, vmLan.network, vmNic.network], interfaces: [pod.iface, vmLan.iface, vmNic.iface] }));

app.synth();
