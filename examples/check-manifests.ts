import { App, Chart, Yaml } from 'cdk8s';
import { K3sCniPaths, MultusRules } from 'cdk8s-multus';

// Judge YAML written elsewhere (here: upstream's thick manifest) for a k3s node,
// with the same rules that run when this library's charts are synthesized.
const file = process.argv[2] ?? '../shared/fixtures/upstream/multus-cni-v4.3.0/multus-daemonset-thick.yml';
const layout = new K3sCniPaths(new Chart(new App(), 'lint'), 'k3s');
const findings = MultusRules.check(Yaml.load(file).map((manifest) => ({ manifest, source: file })), layout);
findings.forEach((f) => console.log(MultusRules.format(f)));
console.log(`${findings.length} findings`);
