import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import { Finding, K3sCniPaths, MultusRules, Severity, StandardCniPaths } from '../src';

const FIXTURES = path.join(__dirname, '..', '..', 'shared', 'fixtures', 'upstream');

describe('a valid app', () => {
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
    expect(MultusRules.check([{ manifest: null }, { manifest: 'text' }], layout)).toEqual([]);
    // A DaemonSet without metadata is judged for what it lacks, not crashed on.
    expect(MultusRules.check([{ manifest: { kind: 'DaemonSet' } }], layout).map((f) => [f.ruleId, f.field])).toEqual([['object-name', 'metadata.name']]);
  });
});
