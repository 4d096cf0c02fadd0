import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Ipam, K3sCniPaths, MacvlanNetwork, MultusThick } from 'cdk8s-multus';

const app = new App();
const chart = new Chart(app, 'k3s-multus');

// The nodes: k3s with its embedded flannel, default --data-dir.
const paths = new K3sCniPaths(chart, 'Paths');

// The Multus thick daemon, with every path derived from that layout.
new MultusThick(chart, 'Multus', { paths });

// A macvlan network on the nodes' LAN NIC, with one fixed address (static IPAM).
// macvlan and static are not bundled by k3s: MultusThick installs them because this network uses them.
const lan = new MacvlanNetwork(chart, 'Lan', {
  master: 'eth0',
  ipam: Ipam.fixedAddress('192.168.1.200/24', { gateway: '192.168.1.1' }),
});

// One pod with a second NIC on that network: a fixed address needs a workload with exactly one pod,
// replaced by Recreate (a rolling update would start the new pod while the old one holds the address).
// cdk8s-plus runs containers as non-root; busybox has no user of its own, so name one (nobody).
const client = new kplus.Deployment(chart, 'LanClient', {
  replicas: 1,
  strategy: kplus.DeploymentStrategy.recreate(),
  containers: [{ image: 'busybox:1.36.1', command: ['sleep', 'infinity'], securityContext: { user: 65534, group: 65534 } }],
});
lan.attachTo(client, { interface: 'lan0' });

app.synth();
