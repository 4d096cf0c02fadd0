// What doctor reads the way another program does, checked against that program: the file
// containerd loads first (go-cni over libcni, built from its Go module by
// scripts/doctor/build-loadorder.sh) and containerd's TOML (Python's tomllib).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FakeNode, k3sContainerdConfig } from './_node';
import { HostRoot } from '../../src/doctor/_host';
import { parseToml } from '../../src/doctor/_toml';
import { readNode } from '../../src/doctor/node';

const ROOT = path.join(__dirname, '..', '..');

describe('the file containerd loads first, as go-cni v1.1.12 (containerd v2.1.4) loads it', () => {
  let loadorder: string;
  beforeAll(() => {
    loadorder = execFileSync(path.join(ROOT, 'scripts', 'doctor', 'build-loadorder.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  }, 300_000);

  // Each network is named after its file, prefixed: libcni v1.3.0 reads more plugin configs from
  // <conf dir>/<network name>/, and a network named after its own file fails with "not a directory".
  const conf = (name: string) => ({ cniVersion: '0.3.1', name: `net-${name}`, type: 'bridge' });
  const list = (name: string) => ({ cniVersion: '1.0.0', name: `net-${name}`, plugins: [{ type: 'bridge' }] });
  /** Each dir: files (name → content, or 'dir' for a directory, or ['link', target]). */
  const dirs: { [title: string]: { [name: string]: any } } = {
    '00-multus.conf before 10-flannel.conflist': { '10-flannel.conflist': list('10-flannel.conflist'), '00-multus.conf': conf('00-multus.conf') },
    'a renamed *.cilium_bak is not loaded': { '00-multus.conf.cilium_bak': conf('bak'), '05-cilium.conflist': list('05-cilium.conflist') },
    '.json counts, byte order decides': { '99-a.json': conf('99-a.json'), '10-b.conf': conf('10-b.conf') },
    'upper case sorts before lower case': { 'a.conf': conf('a.conf'), 'B.conf': conf('B.conf') },
    'a directory with a config name is skipped': { '00-dir.conf': 'dir', '10-x.conf': conf('10-x.conf') },
    'a backup with another extension is skipped': { '00-multus.conf~': conf('tilde'), '00-multus.conf.bak': conf('bak'), '50-y.conflist': list('50-y.conflist') },
    'a link to a file is loaded': { '00-link.conf': ['link', 'real.txt'], 'real.txt': conf('00-link.conf'), '10-z.conf': conf('10-z.conf') },
    'a first file that is not JSON fails the load': { '00-multus.conf': '{"type": "multus-shim",', '10-flannel.conflist': list('10-flannel.conflist') },
    'a .conflist without a name fails the load': { '00-a.conflist': { plugins: [{ type: 'bridge' }] }, '10-b.conf': conf('10-b.conf') },
    'a .conf without a type fails the load': { '00-a.conf': { name: 'a', cniVersion: '0.3.1' }, '10-b.conf': conf('10-b.conf') },
    'a conflist in a .conf file fails the load': { '00-a.conf': list('00-a.conf'), '10-b.conf': conf('10-b.conf') },
    'a .conflist with no plugins fails the load': { '00-a.conflist': { name: 'a', cniVersion: '1.0.0', plugins: [] }, '10-b.conf': conf('10-b.conf') },
    'a plugin without a type fails the load': { '00-a.conflist': { name: 'a', cniVersion: '1.0.0', plugins: [{ name: 'x' }] }, '10-b.conf': conf('10-b.conf') },
    'an invalid file after the first is never read (max_conf_num 1)': { '00-a.conf': conf('00-a.conf'), '10-b.conf': '{' },
  };

  test.each(Object.keys(dirs))('%s', (title) => {
    const node = new FakeNode().write('/etc/containerd/config.toml', '[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "/etc/cni/net.d"\n');
    for (const [name, content] of Object.entries(dirs[title])) {
      if (content === 'dir') node.mkdir(`/etc/cni/net.d/${name}`);
      else if (Array.isArray(content)) node.link(`/etc/cni/net.d/${name}`, content[1]);
      else node.write(`/etc/cni/net.d/${name}`, content);
    }
    const real = JSON.parse(execFileSync(loadorder, [path.join(node.root, 'etc/cni/net.d')], { encoding: 'utf8' }));
    const first = readNode(new HostRoot(node.root)).confFiles[0];
    if (real.error) {
      expect(first.invalid).toBeDefined();
      expect(real.error).toContain(first.name);
    } else {
      expect(first.invalid).toBeUndefined();
      // Each file's network is named after the file (real.txt's after its link).
      expect(`net-${first.name}`).toBe(real.name);
    }
  });
});

describe('containerd\'s TOML, read as Python\'s tomllib reads it', () => {
  const tomllib = (text: string): any => {
    const script = 'import json,sys,tomllib\n' +
      'def norm(v):\n' +
      '  if isinstance(v, dict): return {k: norm(x) for k, x in v.items()}\n' +
      '  if isinstance(v, list): return [norm(x) for x in v]\n' +
      '  if isinstance(v, (bool, str)): return v\n' +
      '  return str(v)\n' +
      'print(json.dumps(norm(tomllib.loads(sys.stdin.read()))))';
    const r = spawnSync('python3', ['-c', script], { input: text, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };
  const realnode = execFileSync('bash', [path.join(ROOT, 'scripts', 'realnode', 'containerd-config.toml.sh'), '/var/lib/rancher/k3s', '/run/k3s/containerd/containerd.sock', 'pause:3.6', '/usr/sbin/runc'], { encoding: 'utf8' });
  const cases: { [title: string]: string } = {
    'k3s\'s version 2 template': k3sContainerdConfig(),
    'a version 3 config shaped like k3s\'s (scripts/realnode)': realnode,
    'every string kind, arrays over lines, inline tables, arrays of tables, dotted keys': [
      'version = 3 # trailing comment',
      'root = \'C:\\no\\escapes\'',
      'a."b.c".d = "x\\ty\\u00e9\\"q\\""',
      '[plugins."io.containerd.cri.v1.runtime".cni]',
      '  bin_dirs = [',
      '    "/opt/cni/bin", # one',
      '    \'/usr/libexec/cni\',',
      '  ]',
      '  conf_dir = """',
      'multi\\',
      '   line"""',
      '  conf_template = \'\'\'lit "x" \'\'\'',
      '  opts = { a = "1", b.c = true, d = [1, 2] }',
      '[[proxy_plugins]]',
      '  name = "one"',
      '[[proxy_plugins]]',
      '  name = "two"',
      '  [proxy_plugins.sub]',
      '    deep = false',
      '',
    ].join('\n'),
  };
  test.each(Object.keys(cases))('%s', (title) => {
    expect(parseToml(cases[title])).toEqual(tomllib(cases[title]));
  });

  test('what doctor takes from them: the CNI dirs', () => {
    const node = new FakeNode().write('/var/lib/rancher/k3s/agent/etc/containerd/config.toml', realnode);
    fs.mkdirSync(path.join(node.root, 'var/lib/rancher/k3s/agent/etc/cni/net.d'), { recursive: true });
    const read = readNode(new HostRoot(node.root));
    expect(read.runtime).toMatchObject({ distro: 'k3s', confDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', binDirs: ['/var/lib/rancher/k3s/data/cni'] });
  });
});
