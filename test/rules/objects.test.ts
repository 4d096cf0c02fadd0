// Each rule of src/rules/objects.ts, shown firing on the mistake it exists for and silent on working apps.
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { K3sCniPaths, MultusThick, StandardCniPaths } from '../../src';
import { json, libraryObjects } from '../_util';
import { ids } from './_util';

/** The synth errors of a whole app. */
function appErrors(app: App): string[] {
  try {
    app.synthYaml();
    return [];
  } catch (e) {
    const text = (e as Error).message;
    if (!text.startsWith('Validation failed')) throw e;
    return text.split('\n').slice(1).map((l) => l.trim());
  }
}

test('object-unique: MultusThick created twice in one chart writes six objects twice', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  new MultusThick(chart, 'Again');
  const errors = appErrors(chart.node.root as App).filter((e) => e.includes('object-unique'));
  expect(errors.map((e) => e.match(/object-unique \(error\) (\S+)/)?.[1]).sort()).toEqual(
    ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'CustomResourceDefinition', 'DaemonSet', 'ServiceAccount']);
  expect(errors.find((e) => e.includes('DaemonSet'))).toContain('DaemonSet kube-system/kube-multus-ds is written twice');
  // The RBAC objects come out identical; the DaemonSets differ in the selector labels cdk8s-plus derives from construct paths.
  expect(errors.find((e) => e.includes('(error) ClusterRole '))).toContain('identically: a construct or manifest included twice');
  expect(errors.find((e) => e.includes('DaemonSet'))).toContain('with different contents');
});

test('object-unique: MultusThick for two layouts under one name, in two charts, each judged only against its own layout', () => {
  const app = Testing.app();
  new MultusThick(new Chart(app, 'k3s'), 'Multus', { paths: new K3sCniPaths(new Chart(app, 'k3s-paths'), 'Paths') });
  new MultusThick(new Chart(app, 'standard'), 'Multus', { paths: new StandardCniPaths(new Chart(app, 'standard-paths'), 'Paths') });
  const errors = appErrors(app);
  expect(ids(errors)).toEqual(['object-unique']);
  const ds = errors.find((e) => e.includes('DaemonSet kube-system/kube-multus-ds'));
  expect(ds).toContain('with different contents: applied together, the last one wins and the other is lost');
  expect(ds).toContain('give each its own name');
  expect(errors.find((e) => e.includes('CustomResourceDefinition'))).toContain('MultusThick takes installCrd: false');
});

test('object-unique: silent on two layouts with a daemon each under its own name and one CRD', () => {
  const app = Testing.app();
  new MultusThick(new Chart(app, 'k3s'), 'Multus', {
    paths: new K3sCniPaths(new Chart(app, 'k3s-paths'), 'Paths'), name: 'multus-k3s', nodeSelector: { 'node.kubernetes.io/instance-type': 'k3s' },
  });
  new MultusThick(new Chart(app, 'standard'), 'Multus', {
    paths: new StandardCniPaths(new Chart(app, 'standard-paths'), 'Paths'),
    name: 'multus-std',
    installCrd: false,
    nodeSelector: { 'node.kubernetes.io/instance-type': 'standard' },
  });
  expect(appErrors(app)).toEqual([]);
});

test('object-unique: a manifest that writes one Deployment twice, and a ClusterRole under two namespaces, judged by the lint command', () => {
  const deployment = (image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } } },
  });
  const role = (namespace: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', namespace }, rules: [] });
  const input = Yaml.stringify(deployment('busybox:1.36.1'), deployment('busybox:1.37.0'), role('a'), role('b'),
    // Same name, other kind or other namespace: other objects.
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps' } },
    { ...deployment('busybox:1.36.1'), metadata: { name: 'web', namespace: 'other' } });
  const { report } = json(['--distro', 'standard', '-'], input);
  const found = report.findings.filter((f: any) => f.ruleId === 'object-unique');
  expect(found.map((f: any) => f.found)).toEqual(['Deployment apps/web', 'ClusterRole reader']);
  expect(found[0].message).toContain('with different contents');
  expect(found[0].message).toContain('also at <stdin>:1');
});

test('object-unique: silent on the library\'s own output', () => {
  const { report } = json(['-'], Yaml.stringify(...libraryObjects()));
  expect(report.findings.filter((f: any) => f.ruleId === 'object-unique')).toEqual([]);
});
