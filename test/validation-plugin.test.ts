// The validation plugin, run by the real cdk8s CLI (`cdk8s synth` with `validations:` in cdk8s.yaml)
// on apps that deploy Multus without this library's constructs and with them. The CLI loads the
// plugin from the compiled package (lib/), which the build compiles before the tests run.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MultusValidation, ValidationViolation } from '../src';

const ROOT = path.join(__dirname, '..');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const UPSTREAM = path.join(ROOT, '..', 'shared', 'fixtures', 'upstream');

/** Writes cdk8s.yaml naming the plugin and runs `cdk8s synth` in a directory of its own. */
function synth(app: string, env: { [k: string]: string } = {}, properties = '      distro: k3s\n'): { status: number | null; out: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-validation-'));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    `app: ${app}`,
    'validations:',
    `  - package: ${ROOT}`,
    '    version: 0.0.0',
    '    class: MultusValidation',
    '    properties:',
    properties,
  ].join('\n'));
  const r = spawnSync(CDK8S, ['synth', '--no-check-upgrade'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env, NODE_PATH: path.join(ROOT, 'node_modules'), FORCE_COLOR: '0' },
    timeout: 180_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}`, dir };
}

/** An app that writes upstream's manifest through cdk8s's Include construct: no construct of this library. */
function includeApp(dir: string): string {
  const file = path.join(dir, 'include-app.js');
  fs.writeFileSync(file, [
    "const { App, Chart, Include } = require('cdk8s');",
    'const app = new App();',
    "new Include(new Chart(app, 'upstream'), 'Multus', { url: process.env.MANIFEST });",
    'app.synth();',
  ].join('\n'));
  return `node ${file}`;
}

describe('MultusValidation in the cdk8s CLI', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-validation-apps-'));

  test('fails `cdk8s synth` of upstream\'s thick manifest on k3s, naming rules, construct paths and fixes', () => {
    const r = synth(includeApp(scratch), { MANIFEST: path.join(UPSTREAM, 'multus-cni-v4.3.0', 'multus-daemonset-thick.yml') });
    expect(r.out).toContain('Validation failed');
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/Status\s*│ failure/);
    expect(r.out).toContain('pod-path-meaning (error)');
    expect(r.out).toContain('bin-dir-same-path (error)');
    // The CLI maps each resource to the construct that wrote it.
    expect(r.out).toContain('Construct Path: upstream/Multus/multus-daemon-config-configmap-kube-system');
    expect(r.out).toContain('data["daemon-config.json"].cniConfigDir');
    expect(r.out).toContain('How to fix: mount host /var/lib/rancher/k3s/agent/etc/cni/net.d');
    // The manifests are written all the same: the plugin judges them after synthesis.
    expect(fs.existsSync(path.join(r.dir, 'dist', 'upstream.k8s.yaml'))).toBe(true);
  });

  test('passes `cdk8s synth` of the README example (k3s)', () => {
    const app = `node -r ${path.join(ROOT, 'node_modules', 'ts-node', 'register', 'transpile-only')} ` +
      `-r ${path.join(ROOT, 'node_modules', 'tsconfig-paths', 'register')} ${path.join(ROOT, 'examples', 'k3s-multus.ts')}`;
    const r = synth(app, { TS_NODE_PROJECT: path.join(ROOT, 'examples', 'tsconfig.json') });
    expect(r.out).toMatch(/Status\s*│ success/);
    expect(r.out).toMatch(/errors\s*│ 0/);
    expect(r.status).toBe(0);
  });

  test('judges against the layout it is given: the same example fails as a standard node\'s deployment', () => {
    const app = `node -r ${path.join(ROOT, 'node_modules', 'ts-node', 'register', 'transpile-only')} ` +
      `-r ${path.join(ROOT, 'node_modules', 'tsconfig-paths', 'register')} ${path.join(ROOT, 'examples', 'k3s-multus.ts')}`;
    const r = synth(app, { TS_NODE_PROJECT: path.join(ROOT, 'examples', 'tsconfig.json') }, '      distro: standard\n');
    expect(r.out).toMatch(/Status\s*│ failure/);
    expect(r.status).not.toBe(0);
  });
});

describe('MultusValidation', () => {
  /** Runs the plugin as the CLI would, on files, and returns what it reported. */
  async function run(plugin: MultusValidation, files: string[]) {
    const violations: ValidationViolation[] = [];
    let status: string | undefined;
    let metadata: { [k: string]: string } | undefined;
    await plugin.validate({
      manifests: files,
      report: { addViolation: (v) => violations.push(v), submit: (s, m) => { status = s; metadata = m; } },
    });
    return { violations, status, metadata };
  }

  test('fails when a manifest cannot be read, and still judges the others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validation-'));
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, Buffer.from([0xff, 0xfe, 0x00]));
    const r = await run(new MultusValidation(), [bad, path.join(UPSTREAM, 'multus-cni-v4.3.0', 'multus-daemonset-thick.yml')]);
    expect(r.status).toBe('failure');
    expect(r.violations.map((v) => v.ruleName)).toContain('unreadable-manifest (error)');
    expect(r.violations.map((v) => v.ruleName)).toContain('bin-dir-same-path (error)');
  });

  test('fails on warnings only with failOnWarning', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validation-'));
    const file = path.join(dir, 'thin.yaml');
    // Upstream's thin manifest with its image pinned: on a standard node, no error and one warning
    // (thin-cni-conf-dir).
    fs.writeFileSync(file, fs.readFileSync(path.join(UPSTREAM, 'multus-cni-v4.3.0', 'multus-daemonset.yml'), 'utf8')
      .replace(/multus-cni:snapshot$/gm, 'multus-cni:v4.3.0'));
    const loose = await run(new MultusValidation({ distro: 'standard' }), [file]);
    expect(loose.metadata).toMatchObject({ errors: '0', warnings: '1' });
    expect(loose.violations.map((v) => v.ruleName)).toEqual(['thin-cni-conf-dir (warning)']);
    expect(loose.status).toBe('success');
    const strict = await run(new MultusValidation({ distro: 'standard', failOnWarning: true }), [file]);
    expect(strict.status).toBe('failure');
  });

  test('fails when distro is not one it knows, naming the property', () => {
    expect(() => new MultusValidation({ distro: 'k8s' })).toThrow(/distro must be "k3s" or "standard", got "k8s"; set properties.distro in cdk8s.yaml/);
    expect(() => new MultusValidation({ distro: 'standard', dataDir: '/data/k3s' })).toThrow(/applies to distro "k3s" only/);
  });
});
