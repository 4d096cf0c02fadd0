// Each rule of src/rules/objects.ts, shown firing on the mistake it exists for and silent on working apps.
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { K3sCniPaths, MultusThick, StandardCniPaths } from '../../src';
import { json, libraryObjects, lint, tempFile } from '../_util';
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

// The names the API server refuses, by kind; the simulated node's API server is asked the same
// questions (scripts/simnode), so that this table and the server agree.
test.each([
  ['ConfigMap', 'Settings', 'is not a DNS-1123 subdomain'],
  ['ConfigMap', 'a_b', 'is not a DNS-1123 subdomain'],
  ['Deployment', 'web-', 'is not a DNS-1123 subdomain'],
  ['DaemonSet', `${'a'.repeat(254)}`, 'is not a DNS-1123 subdomain'],
  ['Service', '1web', 'is not a DNS-1035 label'],
  ['StatefulSet', 'db.primary', 'is not a DNS-1123 label'],
  ['Namespace', `${'n'.repeat(64)}`, 'is not a DNS-1123 label'],
  ['ClusterRole', 'system/reader', 'is not a path segment'],
  ['NetworkAttachmentDefinition', 'LAN', 'is not a DNS-1123 subdomain'],
])('object-name: a %s named %j, judged by the lint command', (kind, name, message) => {
  const apiVersion = kind === 'NetworkAttachmentDefinition' ? 'k8s.cni.cncf.io/v1' : kind === 'ClusterRole' ? 'rbac.authorization.k8s.io/v1' : ['Deployment', 'DaemonSet', 'StatefulSet'].includes(kind) ? 'apps/v1' : 'v1';
  const { report } = json(['--distro', 'standard', '-'], Yaml.stringify({ apiVersion, kind, metadata: { name } }));
  const found = report.findings.filter((f: any) => f.ruleId === 'object-name');
  expect(found).toHaveLength(1);
  expect(found[0].field).toBe('metadata.name');
  expect(found[0].message).toContain(message);
});

test('object-name: a namespace with upper case, and an object with no name, judged by the lint command', () => {
  const { report } = json(['--distro', 'standard', '-'], Yaml.stringify(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'Apps' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'apps' } },
    // generateName without a name: kubectl create names it.
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'once-' }, spec: { template: { spec: { containers: [] } } } },
  ));
  const found = report.findings.filter((f: any) => f.ruleId === 'object-name').map((f: any) => [f.field, f.found, f.fix]);
  expect(found).toEqual([
    ['metadata.namespace', 'Apps', 'use a namespace such as "apps"'],
    ['metadata.name', 'not set', 'set metadata.name'],
  ]);
});

test('object-name: silent on names the API server accepts, and on the library\'s own output', () => {
  const { report } = json(['--distro', 'standard', '-'], Yaml.stringify(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'multus.daemon-config', namespace: 'kube-system' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:multus' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } },
    ...libraryObjects(),
  ));
  expect(report.findings.filter((f: any) => f.ruleId === 'object-name')).toEqual([]);
});

describe('duplicate-key', () => {
  const daemonSet = [
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata:',
    '  name: kube-multus-ds',
    '  namespace: kube-system',
    '  labels:',
    '    app: multus',
    '    app: multus-thick',
    'spec:',
    '  selector: {matchLabels: {app: multus}}',
    '  template:',
    '    metadata: {labels: {app: multus}}',
    '    spec:',
    '      containers:',
    '        - name: kube-multus',
    '          image: ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick',
    '          image: ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot-thick',
    '          command: [/usr/src/multus-cni/bin/multus-daemon]',
    '',
  ].join('\n');

  test('duplicate-key: a key defined twice in a mapping, in a block and in a container; the last value is the one judged', () => {
    const file = tempFile('ds.yaml', daemonSet);
    const { code, report } = json([file, '--distro', 'standard']);
    expect(code).toBe(1);
    const dups = report.findings.filter((f: any) => f.ruleId === 'duplicate-key');
    expect(dups.map((f: any) => [f.field, f.found, f.line, f.column])).toEqual([
      ['metadata.labels.app', 'defined more than once: metadata.labels.app (lines 7, 8)', 8, 5],
      ['spec.template.spec.containers[0].image', 'defined more than once: spec.template.spec.containers[0].image (lines 16, 17)', 17, 11],
    ]);
    expect(dups[0].message).toContain('kubectl apply -f (sigs.k8s.io/yaml) keeps the last value');
    // The image judged is the second, moving one, as kubectl would apply it.
    expect(report.findings.find((f: any) => f.ruleId === 'image-pinned')).toMatchObject({ found: expect.stringContaining('snapshot-thick'), line: 17 });
    expect(lint([file, '--distro', 'standard']).out).toContain(`${file}:17:11: error duplicate-key: DaemonSet kube-system/kube-multus-ds spec.template.spec.containers[0].image`);
  });

  test('duplicate-key: in flow mappings, under keys with dots, and in each object of a List; silent on the same keys in different mappings', () => {
    const list = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a, annotations: {k8s.v1.cni.cncf.io/networks: x, k8s.v1.cni.cncf.io/networks: y}}}',
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      '    metadata: {name: b}',
      '    data: {a: "1", b: "2"}',
      '    data: {a: "1"}',
      '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: "1"}}',
      '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: d}, data: {a: "1"}}',
      '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: e}, data: {a: "1", b: "2", a: "3"}}',
      '',
    ].join('\n');
    const { report } = json([tempFile('list.yaml', list)]);
    expect(report.findings.filter((f: any) => f.ruleId === 'duplicate-key').map((f: any) => [f.name, f.field, f.line])).toEqual([
      ['a', 'metadata.annotations["k8s.v1.cni.cncf.io/networks"]', 4],
      ['b', 'data', 9],
      ['e', 'data.a', 12],
    ]);
    expect(json([tempFile('lib.yaml', Yaml.stringify(...libraryObjects()))]).report.findings).toEqual([]);
  });

  test('duplicate-key: two objects on one line (a List in flow style) each point into their own text', () => {
    const line = 'items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: "1", a: "2"}}, {apiVersion: v1, kind: ConfigMap, metadata: {name: e}, data: {a: "1"}}]';
    const { report } = json([tempFile('list.yaml', `apiVersion: v1\nkind: List\n${line}\n`)]);
    expect(report.findings.map((f: any) => [f.ruleId, f.name, f.line, f.column])).toEqual([['duplicate-key', 'c', 3, line.indexOf('a: "2"') + 1]]);
  });

  test('duplicate-key: can be suppressed on its object, with a reason', () => {
    const file = tempFile('ds.yaml', daemonSet.replace('  namespace: kube-system\n', '  namespace: kube-system\n  annotations: {cdk8s-multus.io/ignore: "duplicate-key=generated upstream; the last value is meant"}\n'));
    const { report } = json([file, '--distro', 'standard']);
    expect(report.findings.map((f: any) => f.ruleId)).not.toContain('duplicate-key');
    expect(report.suppressed.map((f: any) => f.ruleId)).toEqual(['duplicate-key', 'duplicate-key']);
  });
});
