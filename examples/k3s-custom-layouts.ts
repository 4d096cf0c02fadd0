import { App, Chart } from 'cdk8s';
import { K3sCniPaths, MultusThick, PrimaryCni } from 'cdk8s-multus';

const app = new App();

// k3s started with --data-dir /data/k3s: every CNI path moves with it.
const custom = new Chart(app, 'k3s-data-dir');
new MultusThick(custom, 'Multus', { paths: new K3sCniPaths(custom, 'Paths', { dataDir: '/data/k3s' }) });

// k3s started with --flannel-backend=none and Cilium as the primary network: containerd's
// default dirs apply, and Multus waits for Cilium's config instead of flannel's.
const cilium = new Chart(app, 'k3s-cilium');
new MultusThick(cilium, 'Multus', {
  paths: new K3sCniPaths(cilium, 'Paths', {
    primaryCni: PrimaryCni.external({ name: 'cilium', configFileName: '05-cilium.conflist', plugins: ['cilium-cni'] }),
  }),
  // A private registry for air-gapped nodes; the tag stays pinned.
  image: 'registry.example.internal/multus-cni:v4.3.0-thick',
});

app.synth();
