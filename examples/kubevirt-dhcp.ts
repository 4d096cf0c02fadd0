import { App, Chart } from 'cdk8s';
import { DhcpDaemon, Ipam, KubeVirt, KubeVirtBinding, MacvlanMode, MacvlanNetwork, MultusThick } from 'cdk8s-multus';

const app = new App();
const chart = new Chart(app, 'k3s-vms');
new MultusThick(chart, 'Multus');

// Pods take their LAN addresses from the LAN's DHCP server, through the dhcp plugin's daemon.
new DhcpDaemon(chart, 'Dhcp');
new MacvlanNetwork(chart, 'PodLan', { master: 'eth0', ipam: Ipam.dhcp() });

// A VM on its own NIC: macvlan passthru hands it the whole of eth1, and the VM asks the LAN's
// DHCP server itself (no IPAM in the pod).
const lan = new MacvlanNetwork(chart, 'Lan', { namespace: 'vms', master: 'eth1', mode: MacvlanMode.PASSTHRU });

// The entries for a KubeVirt VirtualMachine: the pod network as pod: {}, the LAN through the
// bridge binding (which passes inbound traffic on macvlan only in passthru mode; on the other
// modes it is refused, and the macvtap binding is refused on anything but a macvtap network).
const pod = KubeVirt.podNetwork();
const vmLan = KubeVirt.secondaryNetwork(lan, KubeVirtBinding.bridge());
console.log(JSON.stringify({ networks: [pod.network, vmLan.network], interfaces: [pod.iface, vmLan.iface] }));

app.synth();
