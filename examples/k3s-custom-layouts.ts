import { App, Chart } from 'cdk8s';
import { K3sCniPaths, MultusThick, PrimaryCni } from 'cdk8s-multus';

// Two clusters, so two Apps: the checks judge each App as the objects of one cluster, and both
// clusters hold a DaemonSet kube-system/kube-multus-ds.

// k3s started with --data-dir /data/k3s: every CNI path moves with it.
const dataDirCluster = new App({ outdir: 'dist/k3s-data-dir' });
const custom = new Chart(dataDirCluster, 'k3s-data-dir');
new MultusThick(custom, 'Multus', { paths: new K3sCniPaths(custom, 'Paths', { dataDir: '/data/k3s' }) });
dataDirCluster.synth();

// k3s started with --flannel-backend=none and Cilium as the primary network: containerd's
// default dirs apply, and Multus waits for Cilium's config instead of flannel's.
const ciliumCluster = new App({ outdir: 'dist/k3s-cilium' });
const cilium = new Chart(ciliumCluster, 'k3s-cilium');
new MultusThick(cilium, 'Multus', {
  paths: new K3sCniPaths(cilium, 'Paths', {
    primaryCni: PrimaryCni.external({ name: 'cilium', configFileName: '05-cilium.conflist', plugins: ['cilium-cni'] }),
  }),
  // A private registry for air-gapped nodes; the tag stays pinned.
  image: 'registry.example.internal/multus-cni:v4.3.0-thick',
});
ciliumCluster.synth();
