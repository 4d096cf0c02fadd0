import { Yaml } from 'cdk8s';
import { K3sLayout, ManifestObject, MultusRules } from 'cdk8s-multus';

// Judge YAML written elsewhere (here: upstream's thick manifest, saved as multus-daemonset-thick.yml)
// for a k3s node, with the same rules that run when this library's charts are synthesized.
const file = 'multus-daemonset-thick.yml';
const objects: ManifestObject[] = [];
for (const manifest of Yaml.load(file)) {
  objects.push({ manifest: manifest, source: file });
}
const findings = MultusRules.check(objects, new K3sLayout());
for (const finding of findings) {
  console.log(MultusRules.format(finding));
}
console.log(`${findings.length} findings`);
