import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { K3sCniPaths, MultusThick, nad } from 'cdk8s-multus';

const app = new App();
const chart = new Chart(app, 'k3s-multus');

// The nodes: k3s with its embedded flannel, default --data-dir.
const paths = new K3sCniPaths(chart, 'Paths');

// The Multus thick daemon, with every path derived from that layout.
new MultusThick(chart, 'Multus', { paths });

// A macvlan network on the nodes' LAN NIC. macvlan and static are not bundled by k3s:
// MultusThick installs them into the k3s bin dir because this network uses them.
new nad.NetworkAttachmentDefinition(chart, 'Lan', {
  metadata: { name: 'lan', namespace: 'default' },
  spec: {
    config: JSON.stringify({
      cniVersion: '1.0.0',
      name: 'lan',
      type: 'macvlan',
      master: 'eth0',
      mode: 'bridge',
      ipam: { type: 'static', addresses: [{ address: '192.168.1.200/24', gateway: '192.168.1.1' }] },
    }),
  },
});

// One pod with a second NIC on that network.
new kplus.Deployment(chart, 'LanClient', {
  replicas: 1,
  podMetadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'lan' } },
  containers: [{ image: 'busybox:1.36', command: ['sleep', 'infinity'] }],
});

app.synth();
