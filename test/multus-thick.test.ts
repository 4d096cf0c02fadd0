import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Ipam, K3sCniPaths, MacvlanNetwork, MountTable, MultusConfigLifetime, MultusLogLevel, MultusThick, nad, PodPath, PrimaryCni, StandardCniPaths } from '../src';
import { schemaErrors } from './_schema';
import { objectOf, thickChart } from './_util';

function synth(props = {}) {
  const { chart, multus } = thickChart(props);
  const objects = Testing.synth(chart);
  const ds = objectOf(objects, 'DaemonSet');
  const config = JSON.parse(objectOf(objects, 'ConfigMap').data['daemon-config.json']);
  return { chart, multus, objects, ds, spec: ds.spec.template.spec, config };
}

describe('MultusThick on a default k3s node', () => {
  const { objects, ds, spec, config } = synth();

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object is valid against the Kubernetes 1.27 schema, with no unknown field', () => {
    for (const o of objects) expect([o.kind, schemaErrors(o)]).toEqual([o.kind, []]);
  });

  test('emits the CRD, RBAC, ConfigMap and DaemonSet', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'CustomResourceDefinition/network-attachment-definitions.k8s.cni.cncf.io',
      'ServiceAccount/multus',
      'ClusterRole/multus',
      'ClusterRoleBinding/multus',
      'ConfigMap/multus-daemon-config',
      'DaemonSet/kube-multus-ds',
    ]);
  });

  test('the daemon config names the pod-side view of the k3s dirs', () => {
    expect(config).toMatchObject({
      chrootDir: '/hostroot',
      cniConfigDir: '/host/var/lib/rancher/k3s/agent/etc/cni/net.d',
      multusAutoconfigDir: '/host/var/lib/rancher/k3s/agent/etc/cni/net.d',
      multusConfigFile: 'auto',
      multusMasterCNI: '10-flannel.conflist',
      binDir: '/var/lib/rancher/k3s/data/cni',
      socketDir: '/host/run/multus',
      readinessindicatorfile: '/host/run/flannel/subnet.env',
      cniVersion: '0.3.1',
      logLevel: 'verbose',
    });
    expect(config).not.toHaveProperty('kubeconfig');
  });

  test('every pod path of the config means the intended host path through the daemon mounts', () => {
    const mounts = MountTable.fromPodSpec(spec, 'kube-multus');
    const host = (p: string) => mounts.toHost(PodPath.of(p))?.path;
    expect(host(config.cniConfigDir)).toBe('/var/lib/rancher/k3s/agent/etc/cni/net.d');
    expect(host(config.binDir)).toBe(config.binDir);
    expect(host('/var/lib/rancher/k3s/data/1a2b3c/bin/cni')).toBe('/var/lib/rancher/k3s/data/1a2b3c/bin/cni');
    expect(host(config.socketDir)).toBe('/run/multus');
    expect(host(config.readinessindicatorfile)).toBe('/run/flannel/subnet.env');
    expect(host(config.chrootDir)).toBe('/');
  });

  test('the pod runs with hostNetwork, hostPID, node-critical priority and tolerates every taint', () => {
    expect(spec.hostNetwork).toBe(true);
    expect(spec.hostPID).toBe(true);
    expect(spec).not.toHaveProperty('hostPid');
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(spec.serviceAccountName).toBe('multus');
  });

  test('the daemon reads MULTUS_NODE_NAME from the downward API and its config from the ConfigMap', () => {
    const c = spec.containers[0];
    expect(c.env).toContainEqual({ name: 'MULTUS_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(c.volumeMounts).toContainEqual({ mountPath: '/etc/cni/net.d/multus.d', name: 'multus-daemon-config', readOnly: true });
    expect(c.securityContext.privileged).toBe(true);
    expect(c.image).toBe('ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick');
  });

  test('init containers install into the k3s bin dir, mounted with its symlink targets', () => {
    const [shim, plugins] = spec.initContainers;
    expect(shim.command).toEqual(['/usr/src/multus-cni/bin/install_multus', '-d', '/var/lib/rancher/k3s/data/cni', '-t', 'thick']);
    expect(shim.volumeMounts).toEqual([{ mountPath: '/var/lib/rancher/k3s/data', name: 'cni-bin' }]);
    expect(plugins.env).toContainEqual({ name: 'CNI_BIN_DIR', value: '/var/lib/rancher/k3s/data/cni' });
    expect(spec.volumes).toContainEqual({ name: 'cni-bin', hostPath: { path: '/var/lib/rancher/k3s/data', type: '' } });
  });

  test('the ClusterRole grants what the daemon does and no more', () => {
    const role = objectOf(objects, 'ClusterRole');
    const grants = role.rules.flatMap((r: any) => r.apiGroups.flatMap((g: string) => r.resources.map((res: string) => `${g || 'core'}/${res}: ${r.verbs.join(',')}`)));
    expect(grants).toEqual([
      'k8s.cni.cncf.io/network-attachment-definitions: list,watch',
      'core/pods: get,list,watch',
      'core/pods/status: update',
      'core/events: create,patch',
      'events.k8s.io/events: create,patch',
    ]);
  });

  test('the DaemonSet lives in kube-system', () => {
    expect(ds.metadata.namespace).toBe('kube-system');
  });
});

describe('MultusThick options', () => {
  test('a custom data dir moves every k3s path', () => {
    const chart = Testing.chart();
    const paths = new K3sCniPaths(chart, 'paths', { dataDir: '/data/k3s' });
    const multus = new MultusThick(chart, 'multus', { paths });
    expect(multus.daemonConfig.cniConfigDir).toBe('/host/data/k3s/agent/etc/cni/net.d');
    expect(multus.daemonConfig.binDir).toBe('/data/k3s/data/cni');
    Testing.synth(chart);
  });

  test('with --flannel-backend=none the standard dirs are used and no flannel file is awaited', () => {
    const chart = Testing.chart();
    const paths = new K3sCniPaths(chart, 'paths', { primaryCni: PrimaryCni.external({ name: 'cilium' }) });
    const multus = new MultusThick(chart, 'multus', { paths });
    expect(multus.daemonConfig.cniConfigDir).toBe('/host/etc/cni/net.d');
    expect(multus.daemonConfig.binDir).toBe('/opt/cni/bin');
    expect(multus.daemonConfig).not.toHaveProperty('readinessindicatorfile');
    expect(multus.daemonConfig).not.toHaveProperty('multusMasterCNI');
    Testing.synth(chart);
  });

  test('namespace, name, log settings, metrics and images are configurable', () => {
    const { objects, config, spec } = synth({
      namespace: 'network',
      name: 'mx',
      logLevel: MultusLogLevel.DEBUG,
      logFile: '/var/log/multus/multus.log',
      metricsPort: 9091,
      namespaceIsolation: true,
      globalNamespaces: ['default', 'infra'],
      image: 'registry.local/multus-cni:v4.3.0-thick',
      pluginsImage: 'registry.local/cni-plugins@sha256:' + 'a'.repeat(64),
    });
    expect(objects.map((o) => o.metadata.name)).toContain('kube-mx-ds');
    expect(objectOf(objects, 'ConfigMap').metadata).toMatchObject({ name: 'mx-daemon-config', namespace: 'network' });
    expect(config).toMatchObject({ logLevel: 'debug', logFile: '/var/log/multus/multus.log', metricsPort: 9091, namespaceIsolation: true, globalNamespaces: 'default,infra' });
    expect(spec.containers[0].volumeMounts).toContainEqual({ mountPath: '/var/log/multus', name: 'multus-log' });
    expect(spec.initContainers[1].image).toBe('registry.local/cni-plugins@sha256:' + 'a'.repeat(64));
    for (const o of objects) expect([o.kind, schemaErrors(o)]).toEqual([o.kind, []]);
  });

  test('perNodeCertificate mounts its files and binds the role to the system:multus group', () => {
    const { objects, config } = synth({
      perNodeCertificate: { bootstrapKubeconfig: '/var/lib/rancher/k3s/agent/kubelet.kubeconfig', certDuration: Duration.hours(24) },
    });
    expect(config.perNodeCertificate).toEqual({
      enabled: true,
      bootstrapKubeconfig: '/host/var/lib/rancher/k3s/agent/kubelet.kubeconfig',
      certDir: '/host/var/lib/multus/certs',
      certDuration: '86400s',
    });
    expect(objectOf(objects, 'ClusterRoleBinding').subjects).toContainEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:multus' });
  });

  test('resources and node selector can be set', () => {
    const { spec } = synth({
      resources: { cpu: { request: kplus.Cpu.millis(250) } },
      nodeSelector: { multus: 'yes' },
    });
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '250m' } });
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
      .toEqual([{ key: 'multus', operator: 'In', values: ['yes'] }]);
  });

  test('installCrd: false leaves the CRD to another chart', () => {
    const { objects } = synth({ installCrd: false });
    expect(objects.map((o) => o.kind)).not.toContain('CustomResourceDefinition');
  });

  test.each([
    ['ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot-thick', /tag "snapshot-thick" moves/],
    ['ghcr.io/k8snetworkplumbingwg/multus-cni:latest', /tag "latest" moves/],
    ['ghcr.io/k8snetworkplumbingwg/multus-cni', /has no tag/],
    ['registry:5000/multus-cni', /has no tag/],
    // References the container runtime refuses (distribution/reference's grammar):
    ['ghcr.io/k8snetworkplumbingwg/multus-cni:', /tag "" is not a tag/],
    ['ghcr.io/k8snetworkplumbingwg/multus-cni@sha256:1234abcd', /must have exactly 64 lower-case hex digits/],
    [`ghcr.io/k8snetworkplumbingwg/multus-cni@sha256:${'AB'.repeat(32)}`, /must have exactly 64 lower-case hex digits/],
    [`ghcr.io/k8snetworkplumbingwg/multus-cni@md5:${'ab'.repeat(16)}`, /digest algorithm "md5" is not one the runtime knows/],
    ['ghcr.io/K8sNetworkPlumbingWG/multus-cni:v4.3.0-thick', /repository "K8sNetworkPlumbingWG\/multus-cni" has upper case/],
    ['ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick ', /contains white space/],
    ['ghcr.io/k8snetworkplumbingwg/multus-cni:-v4', /tag "-v4" is not a tag/],
    ['ghcr.io/k8snetworkplumbingwg//multus-cni:v4.3.0', /has the invalid component ""/],
  ])('fails when the image is %s', (image, message) => {
    expect(() => thickChart({ image })).toThrow(message);
  });

  test('accepts a registry with a port and a release tag, a digest, and a tag with a digest', () => {
    expect(() => thickChart({ image: 'registry:5000/multus-cni:v4.3.0-thick' })).not.toThrow();
    expect(() => thickChart({ image: `localhost/multus-cni@sha256:${'ab'.repeat(32)}` })).not.toThrow();
    expect(() => thickChart({ image: `Registry.Example:5000/k8s/multus-cni:v4.3.0@sha512:${'0f'.repeat(64)}` })).not.toThrow();
  });

  test('fails with the field, value and fix on bad options', () => {
    expect(() => thickChart({ cniVersion: '1.0' })).toThrow(/MultusThick: cniVersion "1.0" is not one the plugins and Multus accept/);
    expect(() => thickChart({ cniVersion: '2.0.0' })).toThrow(/MultusThick: cniVersion "2.0.0" is not one the plugins and Multus accept .*incompatible CNI versions/);
    expect(() => thickChart({ globalNamespaces: ['a'] })).toThrow(/globalNamespaces only has an effect with namespaceIsolation/);
    expect(() => thickChart({ metricsPort: 70000 })).toThrow(/metricsPort must be a port number 1-65535, got 70000/);
    expect(() => thickChart({ extraPlugins: ['whereabouts'] })).toThrow(/"whereabouts" is not in rancher\/hardened-cni-plugins.*use pluginsImage/);
    expect(() => thickChart({ extraPlugins: ['../sh'] })).toThrow(/is not a plugin file name/);
    expect(() => thickChart({ logFile: '/multus.log' })).toThrow(/lies directly in "\/"/);
    expect(() => thickChart({ tolerations: [kplus.NodeTaintQuery.exists('x')] })).toThrow(/tolerateAllTaints: false/);
  });
});

describe('the plugins to install are derived from the app', () => {
  function macvlan(scope: Chart, id: string, ipam: string) {
    return new nad.NetworkAttachmentDefinition(scope, id, {
      metadata: { name: id },
      spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth0', ipam: { type: ipam, ranges: [[{ subnet: `10.0.${id.length}.0/24` }]] } }) },
    });
  }

  test('networks defined after MultusThick, in any chart, are seen at synth', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'infra');
    const multus = new MultusThick(chart, 'multus', { extraPlugins: ['tuning'] });
    macvlan(new Chart(app, 'apps'), 'lan', 'static');
    macvlan(chart, 'lan2', 'host-local');
    expect(multus.pluginsToInstall()).toEqual(['macvlan', 'static', 'tuning']);
    const spec = objectOf(Testing.synth(chart), 'DaemonSet').spec.template.spec;
    expect(spec.initContainers[1].env).toContainEqual({ name: 'CNI_PLUGINS', value: 'macvlan static tuning' });
  });

  test('bundled plugins are replaced only when asked', () => {
    const chart = Testing.chart();
    const multus = new MultusThick(chart, 'multus', { replaceBundledPlugins: true });
    macvlan(chart, 'lan', 'host-local');
    expect(multus.pluginsToInstall()).toEqual(['host-local', 'macvlan']);
  });
});

describe('synth validation', () => {
  test('writes nothing when validation fails', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'multus-synth-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'k3s');
    const multus = new MultusThick(chart, 'multus');
    ApiObject.of(multus.daemonSet).addJsonPatch(JsonPatch.remove('/spec/template/spec/hostPid'));
    expect(() => app.synth()).toThrow(/daemon-pod \(error\) DaemonSet kube-system\/kube-multus-ds spec.template.spec.hostPID/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test.each<[string, (app: App) => void]>([
    ['networks without a layout, the mistake in the second chart', (app) => {
      new Chart(app, 'first');
      const lan = new MacvlanNetwork(new Chart(app, 'second'), 'Lan', { master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: '10.0.0.0/24' }] }) });
      lan.addJsonPatch(JsonPatch.replace('/spec/config', '{"cniVersion":"9.9.9","name":"lan","type":"macvlan"}'));
    }],
    ['Multus in the first chart, a broken network in the second', (app) => {
      new MultusThick(new Chart(app, 'first'), 'Multus');
      const lan = new MacvlanNetwork(new Chart(app, 'second'), 'Lan', { master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: '10.0.0.0/24' }] }) });
      lan.addJsonPatch(JsonPatch.replace('/spec/config', 'not json'));
    }],
    ['two layouts, the mistake in the second', (app) => {
      new MultusThick(new Chart(app, 'k3s'), 'Multus', { paths: new K3sCniPaths(new Chart(app, 'k3s-paths'), 'Paths') });
      const std = new Chart(app, 'standard');
      const multus = new MultusThick(std, 'Multus', { name: 'multus-std', installCrd: false, paths: new StandardCniPaths(std, 'Paths') });
      ApiObject.of(multus.daemonSet).addJsonPatch(JsonPatch.remove('/spec/template/spec/hostPid'));
    }],
  ])('writes nothing when validation fails: %s', (_shape, build) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'multus-synth-'));
    const app = new App({ outdir });
    build(app);
    expect(() => app.synth()).toThrow(/Validation failed/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('writes the manifests when the app is valid', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'multus-synth-'));
    const app = new App({ outdir });
    new MultusThick(new Chart(app, 'k3s'), 'multus');
    app.synth();
    expect(fs.readdirSync(outdir)).toEqual(['k3s.k8s.yaml']);
  });
});

describe('configLifetime', () => {
  test('DAEMON (the default): the daemon generates 00-multus.conf in the node\'s config dir; nothing else writes it', () => {
    const { chart, multus } = thickChart();
    expect(multus.configLifetime).toBe(MultusConfigLifetime.DAEMON);
    expect(multus.multusConfig).toBeUndefined();
    const objects = Testing.synth(chart);
    expect(Object.keys(objectOf(objects, 'ConfigMap').data)).toEqual(['daemon-config.json']);
    expect(multus.daemonConfig.cniConfigDir).toBe('/host/var/lib/rancher/k3s/agent/etc/cni/net.d');
    const spec = objectOf(objects, 'DaemonSet').spec.template.spec;
    expect(spec.initContainers.map((c: any) => c.name)).not.toContain('install-multus-config');
  });

  test('PERSISTENT: the ConfigMap ships 00-multus.conf, an init container writes it, the daemon\'s own copy goes to an emptyDir', () => {
    const { chart, multus } = thickChart({ configLifetime: MultusConfigLifetime.PERSISTENT });
    const objects = Testing.synth(chart);
    const cm = objectOf(objects, 'ConfigMap');
    expect(cm.data['00-multus.conf']).toBe(multus.multusConfig);
    // What the v4.3.0 daemon writes for this daemon config on k3s (checked byte for byte on the simulated node).
    expect(multus.multusConfig).toBe('{"binDir":"/var/lib/rancher/k3s/data/cni","capabilities":{"bandwidth":true,"portMappings":true},'
      + '"cniVersion":"0.3.1","logLevel":"verbose","logToStderr":true,"name":"multus-cni-network",'
      + '"clusterNetwork":"/host/var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist","type":"multus-shim","cniDir":"/var/lib/cni/multus"}');
    const config = JSON.parse(cm.data['daemon-config.json']);
    expect(config.multusConfigFile).toBe('auto');
    expect(config.cniConfigDir).toBe('/tmp/multus-generated');
    const spec = objectOf(objects, 'DaemonSet').spec.template.spec;
    const writer = spec.initContainers[spec.initContainers.length - 1];
    expect(writer.name).toBe('install-multus-config');
    expect(writer.env).toEqual([
      { name: 'MULTUS_CONFIG_SOURCE', value: '/etc/cni/net.d/multus.d/00-multus.conf' },
      { name: 'MULTUS_CONFIG_DIR', value: '/host/var/lib/rancher/k3s/agent/etc/cni/net.d' },
    ]);
    const scratch = spec.containers[0].volumeMounts.find((m: any) => m.mountPath === '/tmp/multus-generated');
    expect(spec.volumes.find((v: any) => v.name === scratch.name).emptyDir).toBeDefined();
    const configVolume = spec.volumes.find((v: any) => v.name === 'multus-daemon-config');
    expect(configVolume.configMap.items.map((i: any) => i.key).sort()).toEqual(['00-multus.conf', 'daemon-config.json']);
  });

  test('PERSISTENT: the fields the daemon copies, in Go\'s field order, and its escaping', () => {
    const { multus } = thickChart({
      configLifetime: MultusConfigLifetime.PERSISTENT,
      cniVersion: '1.0.0',
      logFile: '/var/log/multus/a&b.log',
      logToStderr: false,
      namespaceIsolation: true,
      globalNamespaces: ['default', 'infra'],
    });
    expect(multus.multusConfig).toBe('{"binDir":"/var/lib/rancher/k3s/data/cni","capabilities":{"bandwidth":true,"portMappings":true},'
      + '"cniVersion":"1.0.0","logFile":"/var/log/multus/a\\u0026b.log","logLevel":"verbose","name":"multus-cni-network",'
      + '"clusterNetwork":"/host/var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist","namespaceIsolation":true,'
      + '"globalNamespaces":"default,infra","type":"multus-shim","cniDir":"/var/lib/cni/multus"}');
  });

  test('PERSISTENT with another primary network takes its file and capabilities', () => {
    const chart = Testing.chart();
    const paths = new K3sCniPaths(chart, 'paths', {
      primaryCni: PrimaryCni.external({ name: 'cilium', configFileName: '05-cilium.conflist', capabilities: ['portMappings'] }),
    });
    const multus = new MultusThick(chart, 'multus', { paths, configLifetime: MultusConfigLifetime.PERSISTENT });
    const conf = JSON.parse(multus.multusConfig!);
    expect(conf.clusterNetwork).toBe('/host/etc/cni/net.d/05-cilium.conflist');
    expect(conf.capabilities).toEqual({ portMappings: true });
    Testing.synth(chart);
  });

  test('fails when PERSISTENT cannot know what the daemon would write', () => {
    const chart = Testing.chart();
    const noFile = new K3sCniPaths(chart, 'a', { primaryCni: PrimaryCni.external({ name: 'cilium' }) });
    expect(() => new MultusThick(chart, 'm1', { paths: noFile, configLifetime: MultusConfigLifetime.PERSISTENT }))
      .toThrow(/configLifetime PERSISTENT .* the k3s layout does not know the file; set primaryCni: PrimaryCni.external\(\{ name, configFileName, capabilities \}\)/);
    const noCaps = new K3sCniPaths(chart, 'b', { primaryCni: PrimaryCni.external({ name: 'cilium', configFileName: '05-cilium.conflist' }) });
    expect(() => new MultusThick(chart, 'm2', { paths: noCaps, configLifetime: MultusConfigLifetime.PERSISTENT }))
      .toThrow(/does not know the capabilities/);
    expect(() => PrimaryCni.external({ name: 'cilium', capabilities: ['port mappings'] }))
      .toThrow('PrimaryCni.external: capabilities entry "port mappings" is not a CNI capability name such as "portMappings" or "bandwidth"');
  });
});
