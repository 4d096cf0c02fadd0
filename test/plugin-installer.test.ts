import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { MacvtapDevicePlugin, MacvtapNetwork, nad } from '../src';
import { objectOf, thickChart } from './_util';

/** The plugin installer init container exactly as synthesized, for a chart with a macvlan network. */
function installerContainer(props = {}): any {
  const { chart } = thickChart(props);
  new nad.NetworkAttachmentDefinition(chart, 'lan', {
    metadata: { name: 'lan' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth0', ipam: { type: 'static' } }) },
  });
  return objectOf(Testing.synth(chart), 'DaemonSet').spec.template.spec.initContainers.find((c: any) => c.name === 'install-cni-plugins');
}

/** Runs the container's command with POSIX sh, its env remapped onto temp dirs (the node and the image). */
function run(container: any, env: Record<string, string>) {
  const base = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
  expect(container.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
  return spawnSync('sh', ['-c', container.command[2]], { env: { PATH: process.env.PATH, ...base, ...env }, encoding: 'utf8' });
}

describe('the plugin installer init container', () => {
  let image: string;
  let node: string;
  beforeEach(() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'installer-'));
    image = path.join(root, 'image-opt-cni-bin');
    node = path.join(root, 'data', 'cni');
    fs.mkdirSync(image, { recursive: true });
    fs.mkdirSync(node, { recursive: true });
    for (const p of ['macvlan', 'static', 'host-local']) fs.writeFileSync(path.join(image, p), `new ${p}\n`, { mode: 0o644 });
    // k3s's own plugin: an absolute symlink into its versioned dir; and an older macvlan of ours.
    fs.symlinkSync('/var/lib/rancher/k3s/data/abc/bin/cni', path.join(node, 'host-local'));
    fs.writeFileSync(path.join(node, 'macvlan'), 'old macvlan\n');
  });

  test('installs what the app\'s networks need, replacing earlier copies, atomically', () => {
    const c = installerContainer();
    expect(c.env).toContainEqual({ name: 'CNI_PLUGINS', value: 'macvlan static' });
    const r = run(c, { CNI_BIN_DIR: node, CNI_PLUGINS_SOURCE: image });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(node, 'macvlan'), 'utf8')).toBe('new macvlan\n');
    expect(fs.readFileSync(path.join(node, 'static'), 'utf8')).toBe('new static\n');
    expect((fs.statSync(path.join(node, 'static')).mode % 0o1000).toString(8)).toBe('755');
    expect(fs.readdirSync(node).sort()).toEqual(['host-local', 'macvlan', 'static']);
  });

  test('keeps the node\'s own symlinked plugins unless replacing is asked for', () => {
    const keep = run(installerContainer(), { CNI_BIN_DIR: node, CNI_PLUGINS_SOURCE: image, CNI_PLUGINS: 'host-local' });
    expect(keep.status).toBe(0);
    expect(keep.stdout).toContain('keeping');
    expect(fs.lstatSync(path.join(node, 'host-local')).isSymbolicLink()).toBe(true);

    const c = installerContainer({ replaceBundledPlugins: true });
    expect(c.env).toContainEqual({ name: 'CNI_REPLACE_BUNDLED', value: 'true' });
    const replace = run(c, { CNI_BIN_DIR: node, CNI_PLUGINS_SOURCE: image, CNI_PLUGINS: 'host-local' });
    expect(replace.status).toBe(0);
    expect(fs.lstatSync(path.join(node, 'host-local')).isSymbolicLink()).toBe(false);
  });

  test('fails loudly, leaving no temp file, when the image lacks a plugin', () => {
    const r = run(installerContainer(), { CNI_BIN_DIR: node, CNI_PLUGINS_SOURCE: image, CNI_PLUGINS: 'static vlan' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('plugin vlan is not in');
    expect(fs.readdirSync(node).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('the macvtap device plugin\'s init container installs the image\'s /macvtap-cni as macvtap, with the same script', () => {
    const { chart } = thickChart();
    new MacvtapDevicePlugin(chart, 'Macvtap');
    new MacvtapNetwork(chart, 'Vms', { master: 'eth1' });
    const ds = Testing.synth(chart).find((o: any) => o.kind === 'DaemonSet' && o.metadata.name === 'macvtap-cni');
    const c = ds.spec.template.spec.initContainers.find((x: any) => x.name === 'install-cni');
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'CNI_PLUGINS', value: 'macvtap=macvtap-cni' }, { name: 'CNI_PLUGINS_SOURCE', value: '/' }]));
    fs.writeFileSync(path.join(image, 'macvtap-cni'), 'the macvtap cni\n');
    const r = run(c, { CNI_BIN_DIR: node, CNI_PLUGINS_SOURCE: image });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(node, 'macvtap'), 'utf8')).toBe('the macvtap cni\n');
    expect(fs.existsSync(path.join(node, 'macvtap-cni'))).toBe(false);
    fs.rmSync(path.join(image, 'macvtap-cni'));
    const missing = run(c, { CNI_BIN_DIR: node, CNI_PLUGINS_SOURCE: image });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('plugin macvtap (file macvtap-cni) is not in');
  });

  test('fails when the node\'s bin dir is not mounted', () => {
    const r = run(installerContainer(), { CNI_BIN_DIR: path.join(node, 'missing'), CNI_PLUGINS_SOURCE: image });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('does not exist');
  });
});
