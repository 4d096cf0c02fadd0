/**
 * `npm run bench:lint`: lints a generated 10,000-document manifest (the Multus objects, then
 * NetworkAttachmentDefinitions and Deployments in turn) with the compiled command, and prints the time.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Ipam, MacvlanNetwork, MultusThick } from 'cdk8s-multus';

const docs = Number(process.env.LINT_DOCS ?? 10000);
const chart = Testing.chart();
new MultusThick(chart, 'Multus');
for (let i = 0; (i + 1) * 2 + 6 <= docs; i++) {
  const net = new MacvlanNetwork(chart, `Net${i}`, { master: 'eth0', name: `net-${i}`, ipam: Ipam.hostLocal({ ranges: [{ subnet: `10.${Math.floor(i / 256) % 256}.${i % 256}.0/24` }] }) });
  net.attachTo(new kplus.Deployment(chart, `App${i}`, { replicas: 1, containers: [{ image: 'busybox:1.36.1' }] }));
}
const objects = Testing.synth(chart);
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lint-bench-')), 'big.yaml');
fs.writeFileSync(file, Yaml.stringify(...objects));
const bin = path.join(__dirname, '..', 'bin', 'cdk8s-multus');
execFileSync(process.execPath, [bin, '--help']);
const start = process.hrtime.bigint();
const r = spawnSync(process.execPath, [bin, 'lint', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
console.log(`lint of ${objects.length} documents (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB): exit ${r.status}, ${Math.round(ms)} ms, ` +
  `on ${os.cpus().length} x ${os.cpus()[0]?.model}, node ${process.version}`);
console.log(r.stdout.trimEnd().split('\n').pop());
