import { App, Chart } from 'cdk8s';
import { DhcpDaemon, Ipam, KubeVirt, KubeVirtBinding, MacvlanNetwork, MultusThick } from 'cdk8s-multus';

const app = new App();
const chart = new Chart(app, 'k3s-vms');
new MultusThick(chart, 'Multus');

// VMs take their LAN addresses from the LAN's DHCP server, through the dhcp plugin's daemon.
new DhcpDaemon(chart, 'Dhcp');
const lan = new MacvlanNetwork(chart, 'Lan', { namespace: 'vms', master: 'eth0', ipam: Ipam.dhcp() });

// The entries for a KubeVirt VirtualMachine: the pod network as pod: {}, the LAN through the
// macvtap binding (the bridge binding on macvlan passes no inbound traffic, and is refused).
const pod = KubeVirt.podNetwork();
const vmLan = KubeVirt.secondaryNetwork(lan, KubeVirtBinding.macvtap());
console.log(JSON.stringify({ networks: [pod.network, vmLan.network], interfaces: [pod.iface, vmLan.iface] }));

app.synth();
