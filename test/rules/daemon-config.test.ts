// Each rule of src/rules/daemon-config.ts, shown firing on the mistake it exists for.
import { ApiObject, Chart, JsonPatch, Testing, Yaml } from 'cdk8s';
import { MultusConfigLifetime, MultusThick } from '../../src';
import { json, patchDaemonConfig, ruleIds, synthErrors, tempFile, thickChart } from '../_util';
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

/** A persistent-config chart, with 00-multus.conf in the ConfigMap edited as JSON. */
function persistent(): { chart: Chart; multus: MultusThick } {
  return thickChart({ configLifetime: MultusConfigLifetime.PERSISTENT });
}
function patchShimConfig(multus: MultusThick, edit: (c: any) => void): void {
  const c = JSON.parse(multus.multusConfig!);
  edit(c);
  ApiObject.of(multus.configMap).addJsonPatch(JsonPatch.replace('/data/00-multus.conf', JSON.stringify(c)));
}
/** The index of the config writer among the DaemonSet's init containers. */
function writerIndex(chart: Chart): number {
  const spec = Testing.synth(chart).find((o: any) => o.kind === 'DaemonSet').spec.template.spec;
  return spec.initContainers.findIndex((c: any) => c.name === 'install-multus-config');
}

test('multus-config-file: a config file path, which makes the v4.3.0 daemon exit at once', () => {
  const mounted = thickChart();
  patchDaemonConfig(mounted.multus, (c) => {
    c.multusConfigFile = '/etc/cni/net.d/multus.d/00-multus.conf';
  });
  const errors = synthErrors(mounted.chart);
  expect(ids(errors)).toEqual(['multus-config-file']);
  expect(errors[0]).toContain('data["daemon-config.json"].multusConfigFile');
  expect(errors[0]).toContain('exits 0 at once');
  expect(errors[0]).toContain('MultusConfigLifetime.PERSISTENT');

  const unmounted = thickChart();
  patchDaemonConfig(unmounted.multus, (c) => {
    c.multusConfigFile = '/tmp/multus-conf/00-multus.conf';
  });
  expect(synthErrors(unmounted.chart).join('\n')).toContain('/tmp/multus-conf/00-multus.conf lies under no volumeMount of container "kube-multus", so the daemon has nothing to copy');

  // The same on YAML the library did not make.
  const r = json([withMistake((o) => config(o, (c) => { c.multusConfigFile = '/tmp/70-multus.conf'; }))]);
  expect(ruleIds(r.report)).toEqual(['multus-config-file']);
});

describe('persistent-multus-config', () => {
  test('persistent-multus-config: the library\'s persistent config synthesizes clean, and lints clean as YAML', () => {
    const { chart } = persistent();
    expect(synthErrors(chart)).toEqual([]);
    const file = tempFile('app.yaml', Yaml.stringify(...Testing.synth(chart)));
    expect(json([file]).report.findings).toEqual([]);
  });

  test('persistent-multus-config: the shim dials a socket dir the daemon does not listen in', () => {
    const { chart, multus } = persistent();
    patchShimConfig(multus, (c) => {
      c.daemonSocketDir = '/host/run/multus';
    });
    const errors = synthErrors(chart);
    expect(ids(errors)).toEqual(['persistent-multus-config']);
    expect(errors[0]).toContain('ConfigMap kube-system/multus-daemon-config data["00-multus.conf"].daemonSocketDir');
    expect(errors[0]).toContain('multus-shim on the host dials /host/run/multus/multus.sock, but the daemon\'s socketDir /host/run/multus is host /run/multus');
  });

  test('persistent-multus-config: the daemon moved to another socket dir, the file left at the default', () => {
    const { chart, multus } = persistent();
    patchDaemonConfig(multus, (c) => {
      c.socketDir = '/host/run/multus-other';
      c.daemonSocketDir = '/run/multus-other';
    });
    const errors = synthErrors(chart);
    expect(ids(errors)).toEqual(['persistent-multus-config']);
    expect(errors[0]).toContain('(the shim\'s default /run/multus)');
    expect(errors[0]).toContain('Fix: set daemonSocketDir to "/run/multus-other"');
  });

  test('persistent-multus-config: the config file to copy is not mounted in the init container', () => {
    const { chart } = persistent();
    const i = writerIndex(chart);
    daemonPatch(chart, JsonPatch.replace(`/spec/template/spec/initContainers/${i}/env/0/value`, '/etc/multus/00-multus.conf'));
    const errors = synthErrors(chart);
    expect(ids(errors)).toEqual(['persistent-multus-config']);
    expect(errors[0]).toContain(`initContainers[${i}].env.MULTUS_CONFIG_SOURCE`);
    expect(errors[0]).toContain('/etc/multus/00-multus.conf lies under no ConfigMap volumeMount of init container "install-multus-config"');
  });

  test('persistent-multus-config: the ConfigMap volume lacks the file', () => {
    const { chart } = persistent();
    const i = writerIndex(chart);
    daemonPatch(chart, JsonPatch.replace(`/spec/template/spec/initContainers/${i}/env/0/value`, '/etc/cni/net.d/multus.d/10-multus.conf'));
    const errors = synthErrors(chart);
    expect(ids(errors)).toEqual(['persistent-multus-config']);
    expect(errors.join('\n')).toContain('is not a file of the ConfigMap volume "multus-daemon-config"');
    expect(errors.join('\n')).toContain('10-multus.conf sorts after the primary network\'s 10-flannel.conflist');
  });

  test('persistent-multus-config: the file is written somewhere containerd does not read', () => {
    const { chart } = persistent();
    const i = writerIndex(chart);
    daemonPatch(chart, JsonPatch.replace(`/spec/template/spec/initContainers/${i}/env/1/value`, '/host/etc/cni/net.d'));
    const errors = synthErrors(chart);
    expect(ids(errors)).toEqual(['persistent-multus-config']);
    expect(errors[0]).toContain('this dir lies under no hostPath volumeMount, so the file stays in the container');
    expect(errors[0]).toContain('Fix: set MULTUS_CONFIG_DIR to "/host/var/lib/rancher/k3s/agent/etc/cni/net.d"');
  });

  test('persistent-multus-config: the daemon\'s own copy in the node\'s config dir, which it deletes at every stop', () => {
    const { chart, multus } = persistent();
    patchDaemonConfig(multus, (c) => {
      c.cniConfigDir = '/host/var/lib/rancher/k3s/agent/etc/cni/net.d';
    });
    const errors = synthErrors(chart);
    expect(ids(errors)).toEqual(['persistent-multus-config']);
    expect(errors[0]).toContain('data["daemon-config.json"].cniConfigDir');
    expect(errors[0]).toContain('removes the persistent config the init container wrote');
  });

  test('persistent-multus-config: the content: thin type, another cniVersion, clusterNetwork not mounted', () => {
    const { chart, multus } = persistent();
    patchShimConfig(multus, (c) => {
      c.type = 'multus';
      c.cniVersion = '1.0.0';
      c.clusterNetwork = '/etc/cni/net.d/10-flannel.conflist';
    });
    const errors = synthErrors(chart).join('\n');
    expect(errors).toContain('data["00-multus.conf"].type');
    expect(errors).toContain('the daemon config\'s cniVersion is 0.3.1');
    expect(errors).toContain('data["00-multus.conf"].clusterNetwork: the daemon reads the primary network\'s config from clusterNetwork, in its container, at every ADD; nothing is mounted there');
    expect(errors).toContain('Fix: set clusterNetwork to "/host/var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist"');
  });

  test('persistent-multus-config: the primary network\'s capabilities left out, so hostPort mappings are dropped', () => {
    const { chart, multus } = persistent();
    patchShimConfig(multus, (c) => {
      delete c.capabilities.portMappings;
    });
    const errors = synthErrors(chart);
    expect(ids(errors)).toEqual(['persistent-multus-config']);
    expect(errors[0]).toContain('data["00-multus.conf"].capabilities');
    expect(errors[0]).toContain('Fix: add "portMappings": true to capabilities');
  });

  test('persistent-multus-config: the same mistakes found by lint on YAML', () => {
    const objects = Testing.synth(persistent().chart);
    const cm = objects.find((o: any) => o.kind === 'ConfigMap');
    const c = JSON.parse(cm.data['00-multus.conf']);
    c.daemonSocketDir = '/var/run/multus-elsewhere';
    cm.data['00-multus.conf'] = JSON.stringify(c);
    const r = json([tempFile('app.yaml', Yaml.stringify(...objects))]);
    expect(ruleIds(r.report)).toEqual(['persistent-multus-config']);
  });
});
