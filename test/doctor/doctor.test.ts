import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { certKubeconfig, DATA, FakeNode, healthyK3sNode, healthyStandardNode, jwt, K3S_BIN, K3S_CONF, k3sContainerdConfig, nad, RELEASE, thickConfig, tokenKubeconfig } from './_node';

const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

/** A k3s node running the thin plugin, which reads its kubeconfig on the host. */
function thinK3sNode(kubeconfig: string, mode = 0o600): FakeNode {
  const node = healthyK3sNode().remove(`${K3S_CONF}/00-multus.conf`).remove('/run/multus').remove(`${K3S_BIN}/multus-shim`).binary(`${K3S_BIN}/multus`);
  node.write(`${K3S_CONF}/00-multus.conf`, {
    cniVersion: '0.3.1',
    name: 'multus-cni-network',
    type: 'multus',
    kubeconfig: `${K3S_CONF}/multus.d/multus.kubeconfig`,
    delegates: [{ name: 'cbr0', cniVersion: '1.0.0', plugins: [{ type: 'flannel', delegate: { isDefaultGateway: true } }, { type: 'portmap', capabilities: { portMappings: true } }] }],
  }, 0o600);
  return node.write(`${K3S_CONF}/multus.d/multus.kubeconfig`, kubeconfig, mode);
}

describe('healthy nodes are reported clean', () => {
  test('a k3s node with the thick plugin, its shim and macvlan in data/cni, the daemon up: exit 0, no findings', () => {
    const node = healthyK3sNode();
    const r = node.report();
    expect(r.findings).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.json.node).toMatchObject({
      distro: 'k3s',
      dataDir: DATA,
      currentRelease: RELEASE,
      confDir: K3S_CONF,
      binDirs: [K3S_BIN],
      loadOrder: ['00-multus.conf', '10-flannel.conflist'],
      multus: { file: '00-multus.conf', flavour: 'thick' },
      layout: 'K3sCniPaths',
    });
    const text = node.doctor();
    expect(text.code).toBe(0);
    expect(text.out).toContain('healthy: no findings');
  });

  test('a standard node (containerd 2.x config, Cilium, /etc/cni/net.d, /opt/cni/bin): exit 0, no findings', () => {
    const r = healthyStandardNode().report();
    expect(r.findings).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.json.node).toMatchObject({ distro: 'standard', confDir: '/etc/cni/net.d', binDirs: ['/opt/cni/bin'], loadOrder: ['00-multus.conf', '05-cilium.conflist'] });
  });

  test('a k3s node with its data dir moved by /etc/rancher/k3s/config.yaml is read at that dir', () => {
    const node = healthyK3sNode('/data/k3s').write('/etc/rancher/k3s/config.yaml', 'data-dir: /data/k3s\nnode-label: [a=b]\n');
    const r = node.report();
    expect(r.findings).toEqual([]);
    expect(r.json.node).toMatchObject({ dataDir: '/data/k3s', confDir: '/data/k3s/agent/etc/cni/net.d', binDirs: ['/data/k3s/data/cni'] });
  });

  test('absolute links in the dirs are followed inside the root, not on the machine doctor runs on', () => {
    // /etc/cni/net.d as a link into /var/lib (as some distributions ship it), read through --root.
    const node = healthyStandardNode().rename('/etc/cni/net.d', '/var/lib/cni-conf').link('/etc/cni/net.d', '/var/lib/cni-conf');
    expect(node.report()).toMatchObject({ code: 0, findings: [] });
    // A dangling link behind k3s's absolute data/current link is still found.
    const legacy = healthyK3sNode().write(`${DATA}/agent/etc/containerd/config.toml`, k3sContainerdConfig(DATA, `${DATA}/data/current/bin`));
    for (const p of ['flannel', 'bridge', 'host-local', 'portmap', 'bandwidth', 'multus-shim', 'macvlan', 'static']) legacy.binary(`${DATA}/data/${RELEASE}/bin/${p}`);
    legacy.link(`${DATA}/data/${RELEASE}/bin/tuning`, `${DATA}/data/gone/bin/cni`);
    expect(legacy.report().ids).toEqual(['k3s-legacy-bin-dir', 'symlink-dangling']);
  });

  test('a thin plugin with a least-privilege, unexpired token kubeconfig of mode 0600 is clean', () => {
    const r = thinK3sNode(tokenKubeconfig(jwt(now() + HOUR))).report();
    expect(r.findings).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('node states made on purpose, each found and named', () => {
  test('doubled-prefix: the config dir prefixed by the data dir again, made by a hostPath volume', () => {
    const node = healthyK3sNode().remove(`${K3S_CONF}/00-multus.conf`).write(`${DATA}/agent${K3S_CONF}/00-multus.conf`, thickConfig(), 0o600);
    const r = node.report();
    expect(r.ids).toEqual(['doubled-prefix', 'multus-config-missing']);
    expect(r.findings.find((f) => f.id === 'doubled-prefix').path).toBe(`${DATA}/agent${K3S_CONF}`);
    expect(r.code).toBe(1);
  });

  test('doubled-prefix: a thin config naming its kubeconfig under /host, a pod mount prefix the host does not have', () => {
    const node = thinK3sNode(tokenKubeconfig(jwt(now() + HOUR)));
    const conf = JSON.parse(fs.readFileSync(`${node.root}${K3S_CONF}/00-multus.conf`, 'utf8'));
    node.write(`${K3S_CONF}/00-multus.conf`, { ...conf, kubeconfig: `/host${K3S_CONF}/multus.d/multus.kubeconfig` }, 0o600);
    const r = node.report();
    expect(r.ids).toEqual(['doubled-prefix', 'kubeconfig-missing']);
    expect(r.code).toBe(1);
  });

  test('multus-binary-wrong-dir: the shim installed into /opt/cni/bin on k3s (the seeds\' failure)', () => {
    const node = healthyK3sNode().remove(`${K3S_BIN}/multus-shim`).binary('/opt/cni/bin/multus-shim');
    const r = node.report();
    expect(r.ids).toEqual(['multus-binary-wrong-dir']);
    expect(r.findings[0].message).toContain(`in path [${K3S_BIN}]`);
    expect(r.code).toBe(1);
  });

  test('multus-binary-missing and multus-binary-not-executable', () => {
    expect(healthyK3sNode().remove(`${K3S_BIN}/multus-shim`).report().ids).toEqual(['multus-binary-missing']);
    expect(healthyK3sNode().write(`${K3S_BIN}/multus-shim`, 'x', 0o644).report().ids).toEqual(['multus-binary-not-executable']);
  });

  test('plugin-missing: macvlan, which a NAD uses and k3s does not bundle', () => {
    const r = healthyK3sNode().remove(`${K3S_BIN}/macvlan`).report();
    expect(r.ids).toEqual(['plugin-missing']);
    expect(r.findings[0].message).toContain('macvlan, which NAD default/lan runs');
    expect(r.code).toBe(1);
  });

  test('plugin-missing: bridge, which flannel delegates to, gone from data/cni', () => {
    const r = healthyK3sNode().remove(`${K3S_BIN}/bridge`).report();
    expect(r.ids).toEqual(['plugin-missing']);
    expect(r.findings[0].message).toContain('bridge, which 10-flannel.conflist runs');
  });

  test('kubeconfig-admin: the thin plugin\'s kubeconfig is a copy of k3s.yaml', () => {
    const node = healthyK3sNode();
    const admin = fs.readFileSync(`${node.root}/etc/rancher/k3s/k3s.yaml`, 'utf8');
    const r = thinK3sNode(admin).report();
    expect(r.ids).toEqual(['kubeconfig-admin']);
    expect(r.code).toBe(1);
  });

  test('kubeconfig-admin: a client certificate in system:masters that is not k3s.yaml', () => {
    const r = thinK3sNode(certKubeconfig('/O=system:masters/CN=kubernetes-admin')).report();
    expect(r.ids).toEqual(['kubeconfig-admin']);
    expect(r.findings[0].message).toContain('O=system:masters');
    // A certificate of another group is no admin.
    expect(thinK3sNode(certKubeconfig('/O=system:multus/CN=system:multus:node1')).report().ids).toEqual([]);
  });

  test('multus-config-wrong-dir: Multus\'s config in /etc/cni/net.d on a k3s node with flannel', () => {
    const node = healthyK3sNode().rename(`${K3S_CONF}/00-multus.conf`, '/etc/cni/net.d/00-multus.conf');
    const r = node.report();
    expect(r.ids).toEqual(['multus-config-wrong-dir']);
    expect(r.code).toBe(1);
  });

  test('multus-config-stale: 00-multus.conf left behind with the daemon down (no socket)', () => {
    const r = healthyK3sNode().remove('/run/multus').report();
    expect(r.ids).toEqual(['multus-config-stale']);
    expect(r.findings[0].fix).toContain(`rm ${K3S_CONF}/00-multus.conf`);
    expect(r.code).toBe(1);
  });

  test('multus-config-renamed: Cilium renamed 00-multus.conf to 00-multus.conf.cilium_bak', () => {
    const node = healthyStandardNode().rename('/etc/cni/net.d/00-multus.conf', '/etc/cni/net.d/00-multus.conf.cilium_bak');
    const r = node.report();
    expect(r.ids).toEqual(['multus-config-renamed']);
    expect(r.findings[0].fix).toContain('cni.exclusive=false');
    expect(r.json.node.loadOrder).toEqual(['05-cilium.conflist']);
    expect(r.code).toBe(1);
  });

  test('multus-config-shadowed: a leftover config that sorts before 00-multus.conf', () => {
    const node = healthyStandardNode().write('/etc/cni/net.d/00-calico.conflist', { cniVersion: '0.3.1', name: 'k8s-pod-network', plugins: [{ type: 'calico' }] });
    const r = node.report();
    expect(r.ids).toContain('multus-config-shadowed');
    expect(r.json.node.loadOrder[0]).toBe('00-calico.conflist');
    expect(r.code).toBe(1);
  });

  test('plugin-in-legacy-bin-dir: macvlan left in the old release\'s bin dir after an upgrade to data/cni', () => {
    const old = `${DATA}/data/0123456789abcdef/bin`;
    const node = healthyK3sNode().remove(`${K3S_BIN}/macvlan`).binary(`${old}/cni`).binary(`${old}/macvlan`);
    const r = node.report();
    expect(r.ids).toEqual(['plugin-in-legacy-bin-dir']);
    expect(r.findings[0].path).toBe(`${old}/macvlan`);
    expect(r.code).toBe(1);
  });

  test('k3s-legacy-bin-dir: containerd still uses data/current/bin (a warning: it moves on upgrade)', () => {
    const node = healthyK3sNode().write(`${DATA}/agent/etc/containerd/config.toml`, k3sContainerdConfig(DATA, `${DATA}/data/current/bin`));
    for (const p of ['flannel', 'bridge', 'host-local', 'portmap', 'bandwidth', 'multus-shim', 'macvlan', 'static']) node.binary(`${DATA}/data/${RELEASE}/bin/${p}`);
    const r = node.report();
    expect(r.ids).toEqual(['k3s-legacy-bin-dir']);
    expect(r.code).toBe(0);
    expect(node.doctor('--layout').out).toContain('legacyVersionedBinDir: true');
  });

  test('symlink-dangling: data/cni links into a release dir that is gone', () => {
    const node = healthyK3sNode().remove(`${DATA}/data/${RELEASE}`);
    const r = node.report();
    expect(r.ids).toEqual(['plugin-missing', 'symlink-dangling']);
    expect(r.code).toBe(1);
  });

  test('kubeconfig-token-expired: the thin plugin\'s token expired an hour ago', () => {
    const r = thinK3sNode(tokenKubeconfig(jwt(now() - HOUR))).report();
    expect(r.ids).toEqual(['kubeconfig-token-expired']);
    expect(r.code).toBe(1);
  });

  test('kubeconfig-mode: the kubeconfig is world-readable (0644)', () => {
    const r = thinK3sNode(tokenKubeconfig(jwt(now() + HOUR)), 0o644).report();
    expect(r.ids).toEqual(['kubeconfig-mode']);
    expect(r.findings[0].fix).toContain(`chmod 0600 ${K3S_CONF}/multus.d/multus.kubeconfig`);
    expect(r.code).toBe(1);
  });

  test('kubeconfig-missing and kubeconfig-invalid', () => {
    expect(thinK3sNode('x').remove(`${K3S_CONF}/multus.d`).report().ids).toEqual(['kubeconfig-missing']);
    expect(thinK3sNode('apiVersion: v1\nkind: Config\n').report().ids).toEqual(['kubeconfig-invalid']);
  });

  test('dhcp-daemon-missing: a NAD with dhcp IPAM and no socket at /run/cni/dhcp.sock; silent with the daemon up', () => {
    const dhcpNad = nad('dhcp-lan', { cniVersion: '0.3.1', name: 'dhcp-lan', type: 'macvlan', master: 'eth0', ipam: { type: 'dhcp' } });
    const node = healthyK3sNode().binary(`${K3S_BIN}/dhcp`).addManifest(dhcpNad);
    const r = node.report();
    expect(r.ids).toEqual(['dhcp-daemon-missing']);
    expect(r.code).toBe(1);
    node.socket('/run/cni/dhcp.sock');
    expect(node.report()).toMatchObject({ code: 0, ids: [] });
  });

  test('whereabouts-config-missing: a NAD with whereabouts IPAM on k3s, where the plugin\'s search list misses the config dir', () => {
    const wb = (extra: any) => nad('wb-lan', { cniVersion: '0.3.1', name: 'wb-lan', type: 'macvlan', master: 'eth0', ipam: { type: 'whereabouts', range: '192.168.1.0/24', ...extra } });
    const node = healthyK3sNode().binary(`${K3S_BIN}/whereabouts`).addManifest(wb({}));
    const r = node.report();
    expect(r.ids).toEqual(['whereabouts-config-missing']);
    expect(r.code).toBe(1);
    // With the config where the Whereabouts construct writes it, and the NAD pointing there: clean.
    const conf = `${K3S_CONF}/whereabouts.d/whereabouts.conf`;
    const fixed = healthyK3sNode().binary(`${K3S_BIN}/whereabouts`).addManifest(wb({ configuration_path: conf }))
      .write(conf, { datastore: 'kubernetes', kubernetes: { kubeconfig: `${K3S_CONF}/whereabouts.d/whereabouts.kubeconfig` } })
      .write(`${K3S_CONF}/whereabouts.d/whereabouts.kubeconfig`, tokenKubeconfig(jwt(now() + HOUR)), 0o600);
    expect(fixed.report()).toMatchObject({ code: 0, ids: [] });
    // The config there but the NAD not pointing at it: the fix names configuration_path.
    const unpointed = healthyK3sNode().binary(`${K3S_BIN}/whereabouts`).addManifest(wb({})).write(conf, { kubernetes: { kubeconfig: '/x' } });
    expect(unpointed.report().findings[0].fix).toContain(`set ipam.configuration_path to ${conf}`);
  });

  test('conf-first-invalid: the first file is not valid JSON, so containerd\'s whole CNI load fails', () => {
    const r = healthyK3sNode().write(`${K3S_CONF}/00-multus.conf`, '{"type": "multus-shim",', 0o600).report();
    expect(r.ids).toEqual(['conf-first-invalid']);
    expect(r.code).toBe(1);
  });

  test('primary-not-ready: flannel\'s subnet.env is missing (a warning)', () => {
    const r = healthyK3sNode().remove('/run/flannel/subnet.env').report();
    expect(r.ids).toEqual(['primary-not-ready']);
    expect(r.code).toBe(0);
  });

  test('conf-dir-missing, conf-dir-empty and bin-dir-missing', () => {
    expect(healthyK3sNode().remove(K3S_CONF).report().ids).toEqual(['conf-dir-missing']);
    expect(healthyK3sNode().remove(`${K3S_CONF}/00-multus.conf`).remove(`${K3S_CONF}/10-flannel.conflist`).report().ids).toEqual(['conf-dir-empty']);
    expect(healthyK3sNode().remove(K3S_BIN).report().ids).toContain('bin-dir-missing');
  });
});

describe('exit code 2: what cannot be inspected is named', () => {
  test('an empty root: no containerd config anywhere', () => {
    const r = new FakeNode().doctor();
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot inspect the node: no container runtime config');
    expect(r.err).toContain(`${DATA}/agent/etc/containerd/config.toml`);
  });

  test('k3s\'s data dir without containerd\'s config (k3s never started)', () => {
    const r = new FakeNode().mkdir(`${DATA}/data`).doctor();
    expect(r.code).toBe(2);
    expect(r.err).toContain('k3s has not written containerd\'s config');
  });

  test('a config file that is not a regular file is named, and the rest still judged', () => {
    const node = healthyK3sNode().remove(`${K3S_CONF}/00-multus.conf`).mkdir('/tmp');
    execFileSync('mkfifo', [`${node.root}${K3S_CONF}/00-multus.conf`]);
    const r = node.doctor();
    expect(r.code).toBe(2);
    expect(r.err).toContain(`cannot read ${K3S_CONF}/00-multus.conf: not a regular file`);
  });

  test('containerd\'s config that is not TOML', () => {
    const r = healthyK3sNode().write(`${DATA}/agent/etc/containerd/config.toml`, '[plugins\nx = 1\n').doctor();
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not TOML');
  });

  test('a --root that is not a directory, and bad usage', () => {
    expect(new FakeNode().doctor('--root', '/nonexistent/dir').code).toBe(2);
    expect(new FakeNode().doctor('--format', 'sarif').code).toBe(2);
  });
});

describe('doctor --layout', () => {
  test('a default k3s node: K3sCniPaths with the plugins installed beyond k3s\'s', () => {
    const out = healthyK3sNode().doctor('--layout').out;
    // Findings do not change the answer or its exit code.
    expect(healthyK3sNode().remove('/run/multus').doctor('--layout')).toMatchObject({ code: 0, out });
    expect(out).toContain('import { K3sCniPaths } from \'cdk8s-multus\';');
    expect(out).toContain('new K3sCniPaths(this, \'Paths\', {');
    expect(out).toContain('extraAvailablePlugins: ["macvlan","static"]');
    expect(out).not.toContain('dataDir');
  });

  test('a moved data dir, and a standard node with Cilium', () => {
    const moved = healthyK3sNode('/data/k3s').write('/etc/rancher/k3s/config.yaml', 'data-dir: /data/k3s\n').doctor('--layout').out;
    expect(moved).toContain('dataDir: "/data/k3s"');
    const std = healthyStandardNode().doctor('--layout').out;
    expect(std).toContain('new StandardCniPaths(this, \'Paths\', {');
    expect(std).toContain('primaryCni: PrimaryCni.external({ name: "cilium", configFileName: "05-cilium.conflist", plugins: ["cilium-cni"] })');
    expect(std).toContain('availablePlugins: ["loopback","macvlan","static"]');
  });
});
