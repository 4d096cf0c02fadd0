import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import { K3sCniPaths, MultusRules } from '../src';
import { schemaErrors } from './_schema';

const ROOT = path.join(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');

/** Runs an example as `ts-node examples/<file>` would, with its output in a temp dir. */
function runExample(file: string, argv: string[] = [], cwd?: string): { outdir: string; stdout: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  const saved = { argv: process.argv, outdir: process.env.CDK8S_OUTDIR, log: console.log, cwd: process.cwd() };
  if (cwd) process.chdir(cwd);
  const stdout: string[] = [];
  process.argv = ['node', file, ...argv];
  process.env.CDK8S_OUTDIR = outdir;
  console.log = (...args: any[]) => stdout.push(args.join(' '));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require(path.join(EXAMPLES, file)));
  } finally {
    process.argv = saved.argv;
    process.env.CDK8S_OUTDIR = saved.outdir;
    console.log = saved.log;
    process.chdir(saved.cwd);
  }
  return { outdir, stdout };
}

function outputs(outdir: string): any[] {
  return fs.readdirSync(outdir).sort().flatMap((f) => Yaml.load(path.join(outdir, f)));
}

describe('the README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());

  test('every TypeScript snippet is an example file, verbatim', () => {
    const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts'));
    const contents = files.map((f) => fs.readFileSync(path.join(EXAMPLES, f), 'utf8').trimEnd());
    expect(snippets.length).toBe(files.length);
    for (const s of snippets) expect(contents).toContain(s);
  });

  test('the Python quick start is examples/python/k3s_multus.py, verbatim (the binding test runs that file)', () => {
    const python = [...readme.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(python).toEqual([fs.readFileSync(path.join(EXAMPLES, 'python', 'k3s_multus.py'), 'utf8')]);
  });

  test('names every rule in its table of checks', () => {
    for (const r of MultusRules.all) expect(readme).toContain(`| \`${r.id}\` |`);
  });

  test('states the two commands', () => {
    expect(readme).toContain('npm install && npx projen synth:example');
    expect(readme).toContain('npm install && npx projen build');
  });
});

describe('the examples', () => {
  test('k3s-multus synthesizes schema-valid objects that pass every rule', () => {
    const { outdir } = runExample('k3s-multus.ts');
    expect(fs.readdirSync(outdir)).toEqual(['k3s-multus.k8s.yaml']);
    const objects = outputs(outdir);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['DaemonSet', 'NetworkAttachmentDefinition', 'Deployment']));
    for (const o of objects) expect({ object: `${o.kind}/${o.metadata.name}`, errors: schemaErrors(o) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, errors: [] });
    const layout = new K3sCniPaths(new Chart(new App(), 'c'), 'k3s');
    expect(MultusRules.check(objects.map((manifest) => ({ manifest })), layout)).toEqual([]);
    const ds = objects.find((o) => o.kind === 'DaemonSet');
    expect(ds.spec.template.spec.initContainers[1].env).toContainEqual({ name: 'CNI_PLUGINS', value: 'macvlan static' });
  });

  test('k3s-custom-layouts synthesizes one app per cluster, each with its layout', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'custom-layouts-'));
    runExample('k3s-custom-layouts.ts', [], cwd);
    const dirs = ['k3s-cilium', 'k3s-data-dir'].map((d) => path.join(cwd, 'dist', d));
    expect(dirs.map((d) => fs.readdirSync(d))).toEqual([['k3s-cilium.k8s.yaml'], ['k3s-data-dir.k8s.yaml']]);
    const objects = dirs.flatMap(outputs);
    const configs = objects.filter((o) => o.kind === 'ConfigMap').map((o) => JSON.parse(o.data['daemon-config.json']));
    expect(configs.map((c) => c.binDir)).toEqual(['/opt/cni/bin', '/data/k3s/data/cni']);
    for (const o of objects) expect(schemaErrors(o)).toEqual([]);
  });

  test('node-doctor synthesizes a doctor Job with the app\'s NADs that passes every rule', () => {
    const { outdir } = runExample('node-doctor.ts');
    const objects = outputs(outdir);
    for (const o of objects) expect([o.kind, o.metadata.name, schemaErrors(o)]).toEqual([o.kind, o.metadata.name, []]);
    const job = objects.find((o) => o.kind === 'Job');
    expect(job.spec.template.spec.nodeName).toBe('node1');
    expect(objects.find((o) => o.metadata.name === 'multus-doctor-networks').data['networks.yaml']).toContain('"type":"macvlan"');
    const layout = new K3sCniPaths(new Chart(new App(), 'c'), 'k3s');
    expect(MultusRules.check(objects.map((manifest) => ({ manifest })), layout)).toEqual([]);
  });

  test('kubevirt-dhcp prints the VM network entries and synthesizes a DHCP daemon that passes every rule', () => {
    const { outdir, stdout } = runExample('kubevirt-dhcp.ts');
    expect(JSON.parse(stdout[0])).toEqual({
      networks: [{ name: 'default', pod: {} }, { name: 'lan', multus: { networkName: 'vms/lan' } }, { name: 'nic', multus: { networkName: 'vms/nic' } }],
      interfaces: [{ name: 'default', masquerade: {} }, { name: 'lan', binding: { name: 'macvtap' } }, { name: 'nic', bridge: {} }],
    });
    const objects = outputs(outdir);
    expect(objects.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(['cni-dhcp-daemon', 'macvtap-cni', 'macvtap-cni-deviceplugin-config']));
    const layout = new K3sCniPaths(new Chart(new App(), 'c'), 'k3s');
    expect(MultusRules.check(objects.map((manifest) => ({ manifest })), layout)).toEqual([]);
    for (const o of objects) expect([o.kind, schemaErrors(o)]).toEqual([o.kind, []]);
  });

  test('check-manifests reports the k3s mismatches of the upstream manifest', () => {
    const fixture = path.join(ROOT, '..', 'shared', 'fixtures', 'upstream', 'multus-cni-v4.3.0', 'multus-daemonset-thick.yml');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-manifests-'));
    fs.copyFileSync(fixture, path.join(dir, 'multus-daemonset-thick.yml'));
    const { stdout } = runExample('check-manifests.ts', [], dir);
    expect(stdout[stdout.length - 1]).toBe('7 findings');
    expect(stdout.filter((l) => l.includes('bin-dir-same-path'))).toHaveLength(1);
  });
});
