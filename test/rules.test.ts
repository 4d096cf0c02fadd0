import * as path from 'path';
import { ApiObject, JsonPatch, Testing, Yaml } from 'cdk8s';
import { Finding, K3sCniPaths, MultusRules, Severity, StandardCniPaths } from '../src';
import { patchDaemonConfig, synthErrors, thickChart } from './_util';
import { daemonPatch, ids } from './rules/_util';

const FIXTURES = path.join(__dirname, '..', '..', 'shared', 'fixtures', 'upstream');

describe('a valid app', () => {
  test('synthesizes with no findings', () => {
    const { chart } = thickChart();
    expect(synthErrors(chart)).toEqual([]);
  });

  test('every rule has an id, a summary and the failure it catches', () => {
    const all = MultusRules.all;
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    for (const r of all) {
      expect(r.summary.length).toBeGreaterThan(20);
      expect(r.catches.length).toBeGreaterThan(20);
    }
  });
});

describe('each rule fires on the mistake it exists for (failures seen in the field)', () => {
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

  test('socket-dir and bin-dir-same-path: a host-space value that carries a pod mount prefix', () => {
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

  test('daemon-config-mounted: the ConfigMap not where the daemon reads, or not JSON', () => {
    const moved = thickChart();
    daemonPatch(moved.chart, JsonPatch.replace('/spec/template/spec/containers/0/volumeMounts/9/mountPath', '/etc/multus'));
    expect(synthErrors(moved.chart).join('\n')).toContain('daemon-config-mounted (error) DaemonSet kube-system/kube-multus-ds');

    const broken = thickChart();
    ApiObject.of(broken.multus.configMap).addJsonPatch(JsonPatch.replace('/data/daemon-config.json', '{"cniVersion": "0.3.1",'));
    expect(synthErrors(broken.chart).join('\n')).toContain('is not valid JSON');
  });

  test('every rule is shown firing by this suite', () => {
    // Keeps this file honest: a new rule needs a test above.
    const covered = ['pod-path-meaning', 'pod-path-mounted', 'bin-dir-same-path', 'install-target', 'plugin-available',
      'socket-dir', 'log-file', 'thick-kubeconfig', 'force-cni-version', 'daemon-config-valid', 'daemon-config-mounted',
      'daemon-pod', 'netns-visible', 'image-pinned', 'nad-crd', 'nad-config',
      // test/networks.test.ts
      'network-name-unique', 'network-overlap', 'dhcp-daemon',
      // test/lint.test.ts
      'thin-paths', 'nad-ipam', 'attachment', 'kubevirt-networks',
      // test/kubeconfig.test.ts
      'kubeconfig-writer',
      // test/multus-thin.test.ts
      'multus-flavour', 'thin-cni-version', 'thin-cni-conf-dir',
      // test/whereabouts.test.ts
      'whereabouts-mounts', 'whereabouts-config'];
    expect(MultusRules.all.map((r) => r.id).sort()).toEqual(covered.sort());
  });
});

describe('the same rules on manifests this library did not write', () => {
  const load = (file: string) => Yaml.load(path.join(FIXTURES, file)).filter(Boolean).map((manifest: any) => ({ manifest, source: file }));
  const summary = (findings: Finding[]) => findings.map((f) => `${f.ruleId} ${f.kind}/${f.name} ${f.field}`);

  test('upstream v4.3.0 thick manifest judged for k3s reports the k3s mismatches', () => {
    const findings = MultusRules.check(load('multus-cni-v4.3.0/multus-daemonset-thick.yml'), new K3sCniPaths(Testing.chart(), 'k3s'));
    expect(findings.every((f) => f.severity === Severity.ERROR)).toBe(true);
    expect(summary(findings)).toEqual([
      'pod-path-meaning ConfigMap/multus-daemon-config data["daemon-config.json"].cniConfigDir',
      'pod-path-meaning ConfigMap/multus-daemon-config data["daemon-config.json"].multusAutoconfigDir',
      'bin-dir-same-path ConfigMap/multus-daemon-config data["daemon-config.json"].binDir',
      'install-target DaemonSet/kube-multus-ds spec.template.spec.initContainers[0].command (-d)',
      'image-pinned DaemonSet/kube-multus-ds spec.template.spec.initContainers[0].image',
      'image-pinned DaemonSet/kube-multus-ds spec.template.spec.containers[0].image',
      'plugin-available DaemonSet/kube-multus-ds spec.template.spec.containers[0]',
    ]);
    expect(findings[0].source).toBe('multus-cni-v4.3.0/multus-daemonset-thick.yml');
    expect(findings[0].found).toBe('/host/etc/cni/net.d (host /etc/cni/net.d)');
  });

  test('upstream v4.3.0 thick manifest judged for the standard layout reports no path errors', () => {
    const findings = MultusRules.check(load('multus-cni-v4.3.0/multus-daemonset-thick.yml'), new StandardCniPaths(Testing.chart(), 'std'));
    expect([...new Set(findings.map((f) => f.ruleId))]).toEqual(['image-pinned']);
  });

  test('the upstream NAD CRD passes the CRD rule', () => {
    expect(MultusRules.check(load('nad-client-v1.7.7/networks-crd.yaml'), new StandardCniPaths(Testing.chart(), 'std'))).toEqual([]);
  });

  test('objects that are not Kubernetes objects are ignored, not crashed on', () => {
    const layout = new K3sCniPaths(Testing.chart(), 'k3s');
    expect(MultusRules.check([{ manifest: null }, { manifest: 'text' }, { manifest: { kind: 'DaemonSet' } }], layout)).toEqual([]);
  });
});
