import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { MultusRules } from '../src';
import { json, libraryObjects, lint, ruleIds, tempFile } from './_util';
import { MAX_INPUT_BYTES, readBounded } from '../src/lint/cli';

const ROOT = path.join(__dirname, '..');
const UPSTREAM = path.join(ROOT, '..', 'shared', 'fixtures', 'upstream');

describe('cdk8s-multus lint on upstream manifests', () => {
  const thick = path.join(UPSTREAM, 'multus-cni-v4.3.0', 'multus-daemonset-thick.yml');
  const thin = path.join(UPSTREAM, 'multus-cni-v4.3.0', 'multus-daemonset.yml');

  test('the thick manifest judged for k3s reports the config dir, bin dir, plugin availability and moving tag', () => {
    const { code, report } = json([thick]);
    expect(code).toBe(1);
    expect(ruleIds(report)).toEqual(['bin-dir-same-path', 'image-pinned', 'install-target', 'plugin-available', 'pod-path-meaning']);
    const cniConfigDir = report.findings.find((f: any) => f.field.endsWith('cniConfigDir'));
    expect(cniConfigDir.source).toBe(`${thick}:105`); // the ConfigMap document starts at line 105
    expect(report.summary).toEqual({ errors: 7, warnings: 0, suppressed: 0, notJudged: 0, objects: 6, layout: 'k3s' });
  });

  test('the thick manifest judged for the standard layout reports no path errors', () => {
    expect(ruleIds(json([thick, '--distro', 'standard']).report)).toEqual(['image-pinned']);
  });

  test('the thin manifest judged for k3s and for the standard layout', () => {
    expect(ruleIds(json([thin]).report)).toEqual(['image-pinned', 'install-target', 'plugin-available', 'thin-cni-conf-dir', 'thin-paths']);
    // Upstream leaves --multus-cni-conf-dir at its pod-path default on every layout: a warning.
    expect(ruleIds(json([thin, '--distro=standard']).report)).toEqual(['image-pinned', 'thin-cni-conf-dir']);
  });

  test('a custom --data-dir moves the expected dirs', () => {
    const lib = tempFile('lib.yaml', Yaml.stringify(...libraryObjects()));
    expect(lint([lib]).code).toBe(0);
    const moved = json([lib, '--data-dir', '/data/k3s']).report;
    expect(ruleIds(moved)).toEqual(['bin-dir-same-path', 'install-target', 'plugin-available', 'pod-path-meaning']);
  });

  test('--node-plugins: a plugin the nodes already have is not reported missing', () => {
    const nad = tempFile('nad.yaml', Yaml.stringify({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'lan' },
      spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type: 'macvlan', master: 'eth0', ipam: { type: 'static', addresses: [{ address: '192.168.1.5/24' }] } }) },
    }));
    // A NAD alone, with nothing that installs plugins: what the nodes carry is not known.
    const alone = json([nad]);
    expect(alone.code).toBe(0);
    expect(alone.report.findings).toEqual([]);
    expect(alone.report.notJudged.map((n: any) => [n.ruleId, n.missing.match(/plugin "(\w+)"/)[1]])).toEqual([['plugin-available', 'macvlan'], ['plugin-available', 'static']]);
    expect(alone.report.notJudged[0].missing).toContain('declare the nodes\' plugins (lint --node-plugins)');
    // Declared plugins are judged: what is not among them is missing.
    const missing = json([nad, '--node-plugins', 'macvlan']).report.findings.filter((f: any) => f.ruleId === 'plugin-available');
    expect(missing.map((f: any) => f.found)).toEqual(['static']);
    // The fix names the option this command has.
    expect(missing[0].fix).toContain('lint --node-plugins static');
    expect(json([nad, '--node-plugins', 'macvlan,static']).code).toBe(0);
    expect(json([nad, '--distro', 'standard', '--node-plugins=macvlan,static']).code).toBe(0);
    expect(lint([nad, '--node-plugins', 'mac/vlan']).err).toContain('--node-plugins: "mac/vlan" is not a plugin file name');
  });

  test('--distro k3s-legacy judges against the bin dir of k3s before v1.28.15, and --conf-dir/--bin-dir move the standard dirs', () => {
    const lib = tempFile('lib.yaml', Yaml.stringify(...libraryObjects()));
    const legacy = json([lib, '--distro', 'k3s-legacy']).report;
    expect(legacy.summary.layout).toBe('k3s');
    expect(ruleIds(legacy)).toContain('bin-dir-same-path');
    const thickStandard = json([thick, '--distro', 'standard', '--conf-dir', '/etc/cni/custom.d']).report;
    expect(ruleIds(thickStandard)).toContain('pod-path-meaning');
    expect(lint([lib, '--bin-dir', '/opt/cni/bin']).err).toContain('--bin-dir applies to --distro standard only');
    expect(lint([lib, '--distro', 'standard', '--conf-dir', 'relative']).err).toContain('--conf-dir: a host path must be absolute');
  });

  test('--fail-on warning: a warning alone exits 1', () => {
    const pinned = tempFile('thin.yaml', fs.readFileSync(thin, 'utf8').replace(/multus-cni:snapshot$/gm, 'multus-cni:v4.3.0'));
    expect(json([pinned, '--distro', 'standard']).report.summary).toMatchObject({ errors: 0, warnings: 1 });
    expect(lint([pinned, '--distro', 'standard']).code).toBe(0);
    expect(lint([pinned, '--distro', 'standard', '--fail-on', 'warning']).code).toBe(1);
    expect(lint([pinned, '--fail-on', 'nothing']).err).toContain('--fail-on must be error or warning');
  });

  test('what this library synthesizes lints clean, from a file, a directory and stdin', () => {
    const yaml = Yaml.stringify(...libraryObjects());
    const file = tempFile('app.k8s.yaml', yaml);
    expect(lint([file])).toMatchObject({ code: 0, err: '' });
    expect(lint([path.dirname(file)]).code).toBe(0);
    const r = lint(['-'], yaml);
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 errors, 0 warnings in');
  });

  test('reads kind: List as kubectl get -o yaml prints it, with item lines', () => {
    const list = Yaml.stringify({ apiVersion: 'v1', kind: 'List', items: Yaml.load(thick).filter(Boolean) });
    const { code, report } = json(['-'], list);
    expect(code).toBe(1);
    expect(report.summary.objects).toBe(6);
    expect(report.findings[0].source).toMatch(/^<stdin>:\d+$/);
  });
});

describe('failures seen in the field, each as a fixture, caught by its rule', () => {
  test('a CNI config file is judged like the NetworkAttachmentDefinition that would carry it', () => {
    const file = tempFile('20-lan.conflist', JSON.stringify({ cniVersion: '1.0.0', name: 'lan', plugins: [{ type: 'macvlan', master: 'eth0', ipam: { type: 'static', addresses: [{ address: '192.168.1.0/24' }] } }] }));
    const { report } = json([file]);
    expect(ruleIds(report)).toEqual(['nad-ipam']);
    expect(report.findings[0].source).toBe(`${file}:1`);
    // A node's config file alone says nothing of the node's other plugins.
    expect(report.notJudged.map((n: any) => n.ruleId)).toEqual(['plugin-available', 'plugin-available']);
    expect(ruleIds(json([file, '--node-plugins', 'macvlan']).report)).toEqual(['nad-ipam', 'plugin-available']);
  });
});

describe('output formats', () => {
  const thick = path.join(UPSTREAM, 'multus-cni-v4.3.0', 'multus-daemonset-thick.yml');

  test('text: each finding with rule, severity, object, field, found, expected and fix, then a summary', () => {
    const { out } = lint([thick]);
    // At the field's line and column: the key inside the ConfigMap's JSON text (the ConfigMap starts at line 105).
    expect(out).toContain(`${thick}:120:9: error pod-path-meaning: ConfigMap kube-system/multus-daemon-config data["daemon-config.json"].cniConfigDir`);
    expect(out).toMatch(/\n {2}found: {4}\/host\/etc\/cni\/net\.d \(host \/etc\/cni\/net\.d\)\n {2}expected: /);
    expect(out.trimEnd().split('\n').pop()).toBe('7 errors, 0 warnings in 6 objects (layout k3s: /var/lib/rancher/k3s/agent/etc/cni/net.d, /var/lib/rancher/k3s/data/cni)');
  });

  test('sarif: 2.1.0 with every rule and each result at its file and line', () => {
    const sarif = JSON.parse(lint([thick, '--format', 'sarif']).out);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: any) => r.id)).toContain('pod-path-meaning');
    expect(run.results).toHaveLength(7);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe(thick);
      expect(r.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    // Each region is the field's: the daemon's moving image tag at line 158, column 11.
    const image = run.results.find((r: any) => r.ruleId === 'image-pinned' && r.message.text.includes('containers[0].image'));
    expect(image.locations[0].physicalLocation.region).toEqual({ startLine: 158, startColumn: 11 });
  });

  test('json: each finding with the line and column of its field, and the source of its object', () => {
    const { report } = json([thick]);
    const binDir = report.findings.find((f: any) => f.ruleId === 'bin-dir-same-path');
    // binDir is not set: the finding points at the daemon-config.json key that holds the config.
    expect(binDir).toMatchObject({ source: `${thick}:105`, line: 114, column: 3 });
    expect(report.findings.find((f: any) => f.field.endsWith('multusAutoconfigDir'))).toMatchObject({ line: 121, column: 9 });
  });
});

describe('positions of fields', () => {
  const nad = (config: string) => [
    'apiVersion: k8s.cni.cncf.io/v1',
    'kind: NetworkAttachmentDefinition',
    'metadata:',
    '  name: lan',
    'spec:',
    `  config: ${config}`,
  ].join('\n') + '\n';
  const bad = { cniVersion: '1.0.0', name: 'lan', plugins: [{ type: 'macvlan', master: 'eth0', mtu: 30, ipam: { type: 'static' } }] };

  test('a key inside a NAD\'s config: a block scalar, a single-quoted and a double-quoted string, a CNI config file', () => {
    const pretty = JSON.stringify(bad, undefined, 2);
    const block = tempFile('nad.yaml', nad('|\n' + pretty.split('\n').map((l) => `    ${l}`).join('\n')));
    const mtuLine = 7 + pretty.split('\n').findIndex((l) => l.includes('"mtu"'));
    const f = (file: string, ...args: string[]) => json([file, '--node-plugins', 'macvlan,static', ...args]).report.findings.find((x: any) => x.field === 'spec.config.plugins[0].mtu');
    expect(f(block)).toMatchObject({ source: `${block}:1`, line: mtuLine, column: 11 });
    const single = tempFile('nad.yaml', nad(`'${JSON.stringify(bad)}'`));
    // Columns count from 1; the scalar starts at column 11 with its quote.
    expect(f(single)).toMatchObject({ line: 6, column: 11 + `'${JSON.stringify(bad)}'`.indexOf('"mtu"') });
    const double = tempFile('nad.yaml', nad(JSON.stringify(JSON.stringify(bad))));
    expect(f(double)).toMatchObject({ line: 6, column: 11 + JSON.stringify(JSON.stringify(bad)).indexOf('\\"mtu') });
    const conflist = tempFile('lan.conflist', pretty);
    expect(f(conflist)).toMatchObject({ source: `${conflist}:1`, line: 1 + pretty.split('\n').findIndex((l) => l.includes('"mtu"')), column: 7 });
    expect(lint([block, '--node-plugins', 'macvlan,static']).out).toContain(`${block}:${mtuLine}:11: error nad-config: NetworkAttachmentDefinition lan spec.config.plugins[0].mtu`);
  });

  test('a list item by index and an env entry by name; a field the text does not hold points at its object', () => {
    const objects = libraryObjects();
    const daemon = objects.find((o) => o.kind === 'DaemonSet');
    daemon.spec.template.spec.containers[0].image = 'ghcr.io/k8snetworkplumbingwg/multus-cni:latest';
    const text = Yaml.stringify(...objects);
    const file = tempFile('app.yaml', text);
    const finding = json([file]).report.findings.find((f: any) => f.ruleId === 'image-pinned');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('multus-cni:latest'));
    expect(finding).toMatchObject({ line: at + 1, column: lines[at].indexOf('image:') + 1 });
  });
});

describe('bad input gives a clear message and exit code 2, never a crash', () => {
  test.each([
    ['malformed YAML', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n', /<stdin>:\d+: malformed YAML/],
    ['a document that is not an object', '- a\n- b\n', /<stdin>:1: a document must be a Kubernetes object .* got a list/],
    ['a document without kind', 'apiVersion: v1\nmetadata: {name: x}\n', /<stdin>:1: the document has no kind/],
  ])('%s', (_name, input, message) => {
    const r = lint(['-'], input);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  test('non-UTF-8 bytes, named with file and line', () => {
    const file = tempFile('bad.yaml', Buffer.concat([Buffer.from('kind: ConfigMap\nmetadata:\n  name: '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
    const r = lint([file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}: is not UTF-8 text (invalid byte 0xff at offset 34, line 3)`);
  });

  test('a missing file, an unknown option, bad values, no input', () => {
    expect(lint(['/nonexistent.yaml'])).toMatchObject({ code: 2, err: 'cdk8s-multus: /nonexistent.yaml: cannot be read (ENOENT)\n' });
    expect(lint(['--frobnicate', 'x']).err).toContain('unknown option --frobnicate');
    expect(lint(['--distro', 'rke3', 'x']).err).toContain('--distro must be k3s, k3s-legacy or standard, got "rke3"');
    expect(lint(['--format']).err).toContain('--format needs a value');
    expect(lint([]).err).toContain('no input');
    expect(lint(['x', '--distro', 'standard', '--data-dir', '/d']).err).toContain('--data-dir applies to --distro k3s and k3s-legacy only');
    expect(lint(['-', '--data-dir', 'relative']).err).toContain('--data-dir: a host path must be absolute');
  });

  test('wrong types and missing fields anywhere in an object are judged, not crashed on', () => {
    const weird = [
      { kind: 'DaemonSet', metadata: { name: 'a' }, spec: 5 },
      { kind: 'DaemonSet', metadata: { name: 'b' }, spec: { template: { spec: { containers: 'x', initContainers: [null, 3], volumes: {} } } } },
      { kind: 'DaemonSet', metadata: { name: 'c' }, spec: { template: { spec: { containers: [{ name: 'm', command: ['/multus-daemon'], volumeMounts: [{ name: 1 }] }], volumes: [{}] } } } },
      { kind: 'ConfigMap', metadata: null, data: { 'daemon-config.json': 7 } },
      { kind: 'NetworkAttachmentDefinition', metadata: { name: 'n' }, spec: { config: 42 } },
      { kind: 'NetworkAttachmentDefinition', metadata: { name: 'm' }, spec: { config: '{"cniVersion":"1.0.0","type":"macvlan","ipam":{"type":"host-local","ranges":"x"}}' } },
    ];
    const r = lint(['-'], weird.map((o) => JSON.stringify(o)).join('\n---\n'));
    expect([0, 1]).toContain(r.code);
    expect(r.err).toBe('');
  });

  test('property: arbitrary JSON documents never crash the command', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue(), { maxLength: 4 }), (docs) => {
      const r = lint(['-'], docs.map((d) => JSON.stringify({ kind: 'DaemonSet', spec: { template: { spec: d } } })).join('\n---\n'));
      return [0, 1].includes(r.code);
    }), { numRuns: 300 });
  });

  test('a file over the size limit is refused', () => {
    const r = spawnSync(process.execPath, ['-e', `
      const fs = require('fs');
      fs.statSync = ((orig) => (p) => Object.assign(orig(p), { size: 300 * 1024 * 1024, isDirectory: () => false }))(fs.statSync);
      require('ts-node').register({ transpileOnly: true });
      const { main } = require('./src/lint/cli.ts');
      process.exitCode = main(['lint', 'package.json'], { stdout: () => {}, stderr: (t) => process.stderr.write(t), stdin: () => Buffer.alloc(0) });
    `], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('package.json: 314572800 bytes is more than the 33554432 bytes this command reads');
  });
});

describe('no crash, no hang, bounded reads (each class found by fuzzing, shown failing before the fix)', () => {
  test('a key named toString or valueOf anywhere is no TypeError', () => {
    const docs = [
      '{"kind":"DaemonSet","metadata":{"name":{"toString":1}},"spec":{"template":{"spec":{"containers":[{"name":{"valueOf":null},"command":[{"toString":2}]}]}}}}',
      '{"kind":"NetworkAttachmentDefinition","apiVersion":{"toString":"x"},"metadata":{"name":"n"},"spec":{"config":"{\\"cniVersion\\":\\"1.0.0\\",\\"type\\":\\"macvlan\\",\\"master\\":{\\"toString\\":1},\\"ipam\\":{\\"toString\\":3}}"}}',
      '{"kind":"CustomResourceDefinition","metadata":{"name":"x"},"spec":{"group":{"toString":1},"names":{"kind":"NetworkAttachmentDefinition"}}}',
    ];
    const r = lint(['-'], docs.join('\n---\n'));
    expect([0, 1]).toContain(r.code);
    expect(r.err).toBe('');
  });

  test('".." , NUL or a newline in a mount, a volume or a -config flag is judged, not thrown', () => {
    const daemon = (mountPath: string, hostPath: string, config: string) => JSON.stringify({
      kind: 'DaemonSet',
      metadata: { name: 'multus' },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'm', command: ['/usr/src/multus-cni/bin/multus-daemon', '-config', config], volumeMounts: [{ name: 'v', mountPath }] }],
            initContainers: [{ name: 'i', command: ['/install_multus', '-d', '/host/opt/../bin', '-t', 'thick'] }],
            volumes: [{ name: 'v', hostPath: { path: hostPath } }],
          },
        },
      },
    });
    for (const input of [daemon('/host/..', '/etc/cni', '/etc/x.json'), daemon('/ok', '/etc/../cni', 'relative.json'), daemon('/ok\n', '/\u0000', '/a/../b')]) {
      const r = lint(['-'], input);
      expect(r.code).toBe(1);
      expect(r.err).toBe('');
    }
    const r = json(['-'], daemon('/ok', '/etc', 'relative.json'));
    expect(r.report.findings.find((f: any) => f.ruleId === 'daemon-config-mounted').message).toContain('-config flag');
  });

  test('nesting deeper than 256 levels is refused with the same message whatever the stack allows', () => {
    const flow = (n: number) => `kind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    for (const n of [300, 900, 5000]) {
      const r = lint(['-'], flow(n));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/<stdin>(:\d+)?: nested more than 256 levels deep/);
    }
    expect(lint(['-'], flow(100)).code).toBe(0);
    const cni = tempFile('10-deep.conflist', `{"cniVersion":"1.0.0","type":"bridge","x":${'['.repeat(6000)}${']'.repeat(6000)}}`);
    expect(lint([cni])).toMatchObject({ code: 2, err: expect.stringContaining('nested more than 256 levels deep') });
  });

  test('a dangling symlink and a symlink loop in a directory are reported, and the rest is judged', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-links-'));
    fs.writeFileSync(path.join(dir, 'nad.yaml'), 'apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: lan}\nspec:\n  config: \'{"cniVersion":"1.0.0","type":"bridge"}\'\n');
    fs.symlinkSync(path.join(dir, 'missing.yaml'), path.join(dir, 'dangling.yaml'));
    fs.symlinkSync(path.join(dir, 'loop-b'), path.join(dir, 'loop-a'));
    fs.symlinkSync(path.join(dir, 'loop-a'), path.join(dir, 'loop-b'));
    // A link back to the directory itself: read once, not until the path grows too long.
    fs.symlinkSync(dir, path.join(dir, 'again'));
    const r = lint([dir]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('in 1 object');
    expect(r.err).toContain('dangling.yaml: cannot be read (ENOENT)');
    expect(r.err).toContain('loop-a: cannot be read (ELOOP)');
  });

  test('a FIFO or a device is refused without being read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-fifo-'));
    const fifo = path.join(dir, 'pipe.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const started = Date.now();
    expect(lint([fifo])).toMatchObject({ code: 2, err: `cdk8s-multus: ${fifo}: is not a regular file\n` });
    expect(lint(['/dev/zero'])).toMatchObject({ code: 2, err: 'cdk8s-multus: /dev/zero: is not a regular file\n' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('standard input is read only up to the limit: an endless stream is refused', () => {
    const fd = fs.openSync('/dev/zero', 'r');
    try {
      expect(readBounded(fd, 3 * 1024 * 1024).length).toBeLessThanOrEqual(4 * 1024 * 1024);
    } finally {
      fs.closeSync(fd);
    }
    const bin = path.join(ROOT, 'bin', 'cdk8s-multus');
    if (!fs.existsSync(path.join(ROOT, 'lib', 'lint', 'cli.js'))) throw new Error('lib/ is missing: run `npx projen compile` first');
    const r = spawnSync('sh', ['-c', `exec ${bin} lint - < /dev/zero`], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`cdk8s-multus: <stdin>: more than the ${MAX_INPUT_BYTES} bytes this command reads\n`);
  });

  test('an internal error is exit 3 and one line naming the input, never a stack trace', () => {
    const spy = jest.spyOn(MultusRules, 'judge').mockImplementation(() => {
      throw new TypeError('boom\n    at somewhere');
    });
    try {
      const r = lint(['-'], 'kind: ConfigMap\nmetadata: {name: x}\n');
      expect(r.code).toBe(3);
      expect(r.err).toBe('cdk8s-multus: internal error while judging <stdin>:1 (TypeError: boom); please report it with that input\n');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the installed command', () => {
  test('bin/cdk8s-multus runs the compiled CLI with exit codes 1, 0 and 2', () => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'lint', 'cli.js'))) throw new Error('lib/ is missing: run `npx projen compile` (the build does) before this test');
    const bin = path.join(ROOT, 'bin', 'cdk8s-multus');
    expect(spawnSync(bin, ['lint', path.join(UPSTREAM, 'multus-cni-v4.3.0', 'multus-daemonset-thick.yml')]).status).toBe(1);
    expect(spawnSync(bin, ['lint', '-'], { input: Yaml.stringify(...libraryObjects()) }).status).toBe(0);
    expect(spawnSync(bin, ['lint', '-'], { input: 'a: [' }).status).toBe(2);
  });
});
