// Each rule of src/rules/daemon-config.ts, shown firing on the mistake it exists for.
import { ApiObject, JsonPatch } from 'cdk8s';
import { json, patchDaemonConfig, ruleIds, synthErrors, thickChart } from '../_util';
import { config, daemonPatch, ids, withMistake } from './_util';

test('daemon-config-mounted: the ConfigMap not where the daemon reads, or not JSON', () => {
  const moved = thickChart();
  daemonPatch(moved.chart, JsonPatch.replace('/spec/template/spec/containers/0/volumeMounts/9/mountPath', '/etc/multus'));
  expect(synthErrors(moved.chart).join('\n')).toContain('daemon-config-mounted (error) DaemonSet kube-system/kube-multus-ds');

  const broken = thickChart();
  ApiObject.of(broken.multus.configMap).addJsonPatch(JsonPatch.replace('/data/daemon-config.json', '{"cniVersion": "0.3.1",'));
  expect(synthErrors(broken.chart).join('\n')).toContain('is not valid JSON');
});

test('pod-path-mounted: a host path written where the pod path belongs', () => {
  const { chart, multus } = thickChart();
  patchDaemonConfig(multus, (c) => {
    c.cniConfigDir = '/var/lib/rancher/k3s/agent/etc/cni/net.d';
  });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['pod-path-mounted']);
  expect(errors[0]).toContain('is a host path: the daemon runs in a container, where that host dir is mounted at /host/var/lib/rancher/k3s/agent/etc/cni/net.d');
});

test('pod-path-mounted: upstream\'s /etc/cni/net.d with nothing mounted there (also as the default)', () => {
  const { chart, multus } = thickChart();
  patchDaemonConfig(multus, (c) => {
    c.multusAutoconfigDir = '/host/etc/cni/net.d';
    delete c.cniConfigDir;
  });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['pod-path-mounted']);
  expect(errors.join('\n')).toContain('multusAutoconfigDir = /host/etc/cni/net.d lies under no hostPath volumeMount');
  expect(errors.join('\n')).toContain('cniConfigDir (not set; the daemon\'s default is /etc/cni/net.d)');
});

test('pod-path-meaning: a full host path prefixed again (the doubled prefix seen in the field)', () => {
  const { chart, multus } = thickChart();
  daemonPatch(chart,
    JsonPatch.add('/spec/template/spec/volumes/-', { name: 'agent', hostPath: { path: '/var/lib/rancher/k3s/agent' } }),
    JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: 'agent', mountPath: '/host/var/lib/rancher/k3s/agent' }));
  patchDaemonConfig(multus, (c) => {
    c.cniConfigDir = '/host/var/lib/rancher/k3s/agent/var/lib/rancher/k3s/agent/etc/cni/net.d';
  });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['pod-path-meaning']);
  expect(errors[0]).toContain('[test/multus/DaemonConfig/Resource] pod-path-meaning (error) ConfigMap kube-system/multus-daemon-config data["daemon-config.json"].cniConfigDir');
  expect(errors[0]).toContain('doubled prefix');
  expect(errors[0]).toContain('Fix: set cniConfigDir to "/host/var/lib/rancher/k3s/agent/etc/cni/net.d"');
});

test('bin-dir-same-path: the delegate bin dir is not the host\'s real bin dir', () => {
  const { chart, multus } = thickChart();
  patchDaemonConfig(multus, (c) => {
    c.binDir = '/host/opt/cni/bin';
  });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['bin-dir-same-path', 'pod-path-mounted'].filter((id) => id === 'bin-dir-same-path'));
  expect(errors[0]).toContain('containerd on this k3s node runs plugins from /var/lib/rancher/k3s/data/cni');
});

test('bin-dir-same-path: the bin dir mounted without the targets of its absolute symlinks', () => {
  const { chart } = thickChart();
  daemonPatch(chart,
    JsonPatch.replace('/spec/template/spec/volumes/1/hostPath/path', '/var/lib/rancher/k3s/data/cni'),
    JsonPatch.replace('/spec/template/spec/containers/0/volumeMounts/1/mountPath', '/var/lib/rancher/k3s/data/cni'),
    JsonPatch.replace('/spec/template/spec/initContainers/0/volumeMounts/0/mountPath', '/var/lib/rancher/k3s/data/cni'),
    JsonPatch.replace('/spec/template/spec/initContainers/1/volumeMounts/0/mountPath', '/var/lib/rancher/k3s/data/cni'));
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['bin-dir-same-path']);
  expect(errors[0]).toContain('absolute symlinks into /var/lib/rancher/k3s/data');
});

test('socket-dir: daemon and shim naming different dirs, a mount point, a shared dir', () => {
  const moved = thickChart();
  patchDaemonConfig(moved.multus, (c) => {
    c.socketDir = '/host/run/multus-other';
  });
  expect(synthErrors(moved.chart).join('\n')).toContain('multus-shim on the host dials /run/multus/multus.sock');

  const mountPoint = thickChart();
  patchDaemonConfig(mountPoint.multus, (c) => {
    c.socketDir = '/host/run';
    c.daemonSocketDir = '/run';
  });
  const errors = synthErrors(mountPoint.chart).join('\n');
  expect(errors).toContain('a mount point cannot be removed');
  expect(errors).toContain('which would take /run with it');
});

test('socket-dir: a host-space value that carries a pod mount prefix (and bin-dir-same-path on binDir)', () => {
  const { chart, multus } = thickChart();
  patchDaemonConfig(multus, (c) => {
    c.daemonSocketDir = '/host/run/multus';
    c.binDir = '/hostroot/var/lib/rancher/k3s/data/cni';
  });
  const errors = synthErrors(chart).join('\n');
  expect(errors).toContain('daemonSocketDir is read by multus-shim on the host, but /host/run/multus carries the daemon container\'s mount prefix /host/run');
  expect(errors).toContain('binDir = /hostroot/var/lib/rancher/k3s/data/cni carries the pod mount prefix /hostroot');
});

test('log-file: a log file inside the image, which the shim writes on the host', () => {
  const { chart, multus } = thickChart();
  patchDaemonConfig(multus, (c) => {
    c.logFile = '/var/log/multus.log';
  });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['log-file']);
  expect(errors[0]).toContain('two different files');
});

test('thick-kubeconfig: a multus.kubeconfig in a thick daemon config', () => {
  const { chart, multus } = thickChart();
  patchDaemonConfig(multus, (c) => {
    c.kubeconfig = '/etc/cni/net.d/multus.d/multus.kubeconfig';
  });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['thick-kubeconfig']);
  expect(errors[0]).toContain('the thick daemon ignores kubeconfig');
});

test('force-cni-version: rewriting k3s\'s own flannel config', () => {
  const { chart, multus } = thickChart();
  patchDaemonConfig(multus, (c) => {
    c.forceCNIVersion = true;
  });
  expect(ids(synthErrors(chart))).toEqual(['force-cni-version']);
});

test('daemon-config-valid: no cniVersion, an unknown log level', () => {
  const { chart, multus } = thickChart();
  patchDaemonConfig(multus, (c) => {
    delete c.cniVersion;
    c.logLevel = 'info';
  });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['daemon-config-valid']);
  expect(errors).toHaveLength(2);
});

test('daemon-config-valid: a cniVersion the plugins refuse, patched into the daemon config', () => {
  const { chart, multus } = thickChart();
  patchDaemonConfig(multus, (c) => {
    c.cniVersion = '1.2.0';
  });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['daemon-config-valid']);
  expect(errors[0]).toContain('cniVersion "1.2.0" is not one the plugins and Multus accept (0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0); they fail with "incompatible CNI versions": the daemon writes it into 00-multus.conf');
  expect(errors[0]).toContain('Fix: set cniVersion to "0.3.1" or "1.0.0"');
});

// Failures seen in the field, each as a fixture judged by the lint command.
test.each([
  ['pod-path-mounted', 'doubled prefix in cniConfigDir', (o: any[]) => config(o, (c) => { c.cniConfigDir = '/host/var/lib/rancher/k3s/agent/var/lib/rancher/k3s/agent/etc/cni/net.d'; })],
  ['pod-path-mounted', 'daemon config at /etc/cni/net.d with nothing mounted there', (o: any[]) => config(o, (c) => { c.multusAutoconfigDir = '/etc/cni/net.d'; })],
  ['bin-dir-same-path', 'delegate bin dir not the host\'s real bin dir', (o: any[]) => config(o, (c) => { c.binDir = '/host/opt/cni/bin'; })],
  ['thick-kubeconfig', 'kubeconfig in a thick config', (o: any[]) => config(o, (c) => { c.kubeconfig = '/etc/cni/net.d/multus.d/multus.kubeconfig'; })],
])('%s: %s, a fixture judged by the lint command', (rule, _name, edit) => {
  const { code, report } = json([withMistake(edit)]);
  expect(code).toBe(1);
  expect(ruleIds(report)).toContain(rule);
});
