import { Testing } from 'cdk8s';
import { ICniNodeLayout, K3sCniPaths, K3sLayout, MultusKubeconfigJob, MultusRules, MultusThick, PrimaryCni, StandardCniPaths, StandardLayout } from '../src';

describe('K3sCniPaths', () => {
  test('defaults to k3s with embedded flannel under /var/lib/rancher/k3s', () => {
    const p = new K3sCniPaths(Testing.chart(), 'paths');
    expect(p.confDir.path).toBe('/var/lib/rancher/k3s/agent/etc/cni/net.d');
    expect(p.binDir.path).toBe('/var/lib/rancher/k3s/data/cni');
    expect(p.binDirMountRoot.path).toBe('/var/lib/rancher/k3s/data');
    expect(p.primaryNetworkConfigFile).toBe('10-flannel.conflist');
    expect(p.primaryNetworkName).toBe('cbr0');
    expect(p.readinessIndicatorFile?.path).toBe('/run/flannel/subnet.env');
    expect(p.bundledPlugins).toEqual(['bandwidth', 'bridge', 'firewall', 'flannel', 'host-local', 'loopback', 'portmap']);
    expect(p.bundledPlugins).not.toContain('macvlan');
    expect(p.primaryConfigManagedByDistribution).toBe(true);
  });

  test('follows a custom --data-dir', () => {
    const p = new K3sCniPaths(Testing.chart(), 'paths', { dataDir: '/data/k3s/' });
    expect(p.confDir.path).toBe('/data/k3s/agent/etc/cni/net.d');
    expect(p.binDir.path).toBe('/data/k3s/data/cni');
  });

  test('uses the versioned bin dir of old releases only when asked', () => {
    const p = new K3sCniPaths(Testing.chart(), 'paths', { legacyVersionedBinDir: true });
    expect(p.binDir.path).toBe('/var/lib/rancher/k3s/data/current/bin');
    expect(p.binDirMountRoot.path).toBe('/var/lib/rancher/k3s/data');
  });

  test('falls back to containerd defaults with --flannel-backend=none', () => {
    const p = new K3sCniPaths(Testing.chart(), 'paths', {
      primaryCni: PrimaryCni.external({ name: 'cilium', configFileName: '05-cilium.conflist', plugins: ['cilium-cni'] }),
    });
    expect(p.confDir.path).toBe('/etc/cni/net.d');
    expect(p.binDir.path).toBe('/opt/cni/bin');
    expect(p.primaryNetworkConfigFile).toBe('05-cilium.conflist');
    expect(p.readinessIndicatorFile).toBeUndefined();
    expect(p.bundledPlugins).toEqual(['cilium-cni']);
    expect(p.primaryConfigManagedByDistribution).toBe(false);
  });

  test('fails when the legacy bin dir is combined with an external CNI', () => {
    expect(() => new K3sCniPaths(Testing.chart(), 'paths', {
      legacyVersionedBinDir: true, primaryCni: PrimaryCni.external({ name: 'calico' }),
    })).toThrow(/legacyVersionedBinDir is set, but primaryCni is "calico".*remove legacyVersionedBinDir/);
  });

  test('fails when dataDir is relative or the root', () => {
    expect(() => new K3sCniPaths(Testing.chart(), 'p', { dataDir: 'var/lib/rancher/k3s' })).toThrow(/must be absolute/);
    expect(() => new K3sCniPaths(Testing.chart(), 'p', { dataDir: '/' })).toThrow(/not "\/"/);
  });

  test('fails when an external CNI config file name is a path', () => {
    expect(() => PrimaryCni.external({ name: 'cilium', configFileName: '/etc/cni/net.d/05-cilium.conflist' })).toThrow(/must be a file name/);
  });
});

describe('StandardCniPaths', () => {
  test('is the layout of upstream manifests, rke2 and kubeadm', () => {
    const p = new StandardCniPaths(Testing.chart(), 'paths', { availablePlugins: ['macvlan'] });
    expect(p.confDir.path).toBe('/etc/cni/net.d');
    expect(p.binDir.path).toBe('/opt/cni/bin');
    expect(p.binDirMountRoot.path).toBe('/opt/cni/bin');
    expect(p.bundledPlugins).toEqual(['macvlan']);
    expect(p.readinessIndicatorFile).toBeUndefined();
  });
});

describe('layouts as plain values', () => {
  const fields = (l: ICniNodeLayout) => ({
    layoutName: l.layoutName,
    confDir: l.confDir.path,
    binDir: l.binDir.path,
    binDirMountRoot: l.binDirMountRoot.path,
    bundledPlugins: l.bundledPlugins,
    primaryNetworkConfigFile: l.primaryNetworkConfigFile,
    primaryNetworkName: l.primaryNetworkName,
    primaryNetworkCniVersion: l.primaryNetworkCniVersion,
    readinessIndicatorFile: l.readinessIndicatorFile?.path,
    primaryConfigManagedByDistribution: l.primaryConfigManagedByDistribution,
  });

  test('K3sLayout needs no app and says what K3sCniPaths says, for every option', () => {
    const options = [{}, { dataDir: '/data/k3s' }, { legacyVersionedBinDir: true }, { extraAvailablePlugins: ['macvlan'] },
      { primaryCni: PrimaryCni.external({ name: 'cilium', configFileName: '05-cilium.conflist', plugins: ['cilium-cni'] }) }];
    for (const props of options) {
      const value = new K3sLayout(props);
      expect(fields(value)).toEqual(fields(new K3sCniPaths(Testing.chart(), 'paths', props)));
      expect(value.dataDir.path).toBe(props.dataDir ?? '/var/lib/rancher/k3s');
    }
    expect(new K3sLayout({ dataDir: '/data/k3s' }).binDir.path).toBe('/data/k3s/data/cni');
  });

  test('StandardLayout needs no app and says what StandardCniPaths says', () => {
    for (const props of [{}, { binDir: '/usr/libexec/cni', availablePlugins: ['macvlan', 'static'] }]) {
      expect(fields(new StandardLayout(props))).toEqual(fields(new StandardCniPaths(Testing.chart(), 'paths', props)));
    }
  });

  test('fails on a bad value with the class that refused it', () => {
    expect(() => new K3sLayout({ dataDir: '/' })).toThrow(/^K3sLayout: dataDir must be k3s's --data-dir, not "\/"/);
    expect(() => new K3sCniPaths(Testing.chart(), 'paths', { dataDir: '/' })).toThrow(/^K3sCniPaths: dataDir must be k3s's --data-dir, not "\/"/);
  });

  test('judges manifests without an app', () => {
    const objects = [{
      manifest: {
        apiVersion: 'k8s.cni.cncf.io/v1',
        kind: 'NetworkAttachmentDefinition',
        metadata: { name: 'lan' },
        spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth0', ipam: { type: 'static', addresses: [{ address: '192.168.1.200/24' }] } }) },
      },
    }];
    expect(MultusRules.check(objects, new K3sLayout()).map((f) => `${f.ruleId} ${f.found}`)).toEqual(['plugin-available macvlan', 'plugin-available static']);
    expect(MultusRules.check(objects, new K3sLayout({ extraAvailablePlugins: ['macvlan', 'static'] }))).toEqual([]);
  });
});

describe('path options name themselves when they are not a path the node has', () => {
  test.each([
    ['K3sLayout: dataDir', () => new K3sLayout({ dataDir: '/var/lib/../rancher/k3s' })],
    ['StandardLayout: confDir', () => new StandardLayout({ confDir: 'etc/cni/net.d' })],
    ['MultusThick: logFile', () => new MultusThick(Testing.chart(), 'Multus', { logFile: '/var/log/../multus.log' })],
    ['MultusKubeconfigJob: hostPath', () => new MultusKubeconfigJob(Testing.chart(), 'Kubeconfig', { hostPath: 'multus.kubeconfig' })],
    ['PrimaryCni.external: readinessIndicatorFile', () => PrimaryCni.external({ name: 'cilium', configFileName: '05-cilium.conflist', readinessIndicatorFile: '/run/../cilium' })],
  ])('%s', (field, make) => {
    expect(make).toThrow(new RegExp(`^${field.replace(/\./g, '\\.')}: a host path must`));
  });

  test('fails when k3s\'s dataDir is given as the daemons\' pods see it, under /host', () => {
    expect(() => new K3sLayout({ dataDir: '/host/var/lib/rancher/k3s' })).toThrow(
      /K3sLayout: dataDir \/host\/var\/lib\/rancher\/k3s starts with \/host.*such as \/var\/lib\/rancher\/k3s/);
  });
});

test('fails when a plugin declared present on the nodes is not a plugin file name', () => {
  expect(() => new K3sLayout({ extraAvailablePlugins: ['sriov', '../macvlan'] })).toThrow(/K3sLayout: extraAvailablePlugins entry "..\/macvlan" is not a plugin file name/);
  expect(() => new StandardLayout({ availablePlugins: [''] })).toThrow(/StandardLayout: availablePlugins entry "" is not a plugin file name/);
  expect(() => PrimaryCni.external({ name: 'cilium', plugins: ['cilium cni'] })).toThrow(/PrimaryCni.external: plugins entry "cilium cni" is not a plugin file name/);
  expect(new K3sLayout({ extraAvailablePlugins: ['sriov'] }).bundledPlugins).toContain('sriov');
});

