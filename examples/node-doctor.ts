import { App, Chart } from 'cdk8s';
import { Ipam, MacvlanNetwork, MultusDoctor, MultusThick } from 'cdk8s-multus';

const app = new App();
const chart = new Chart(app, 'k3s-doctor');
new MultusThick(chart, 'Multus');
new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24') });

// Inspect node1 once: `kubectl -n kube-system logs job/multus-doctor` is the report, and the Job
// fails when the node has a problem. The app's NADs go with it, so macvlan and static are checked.
new MultusDoctor(chart, 'Doctor', { nodeName: 'node1' });

app.synth();
