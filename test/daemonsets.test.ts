import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { DhcpDaemon, MultusKubeconfigJob, MultusThick, MultusThin, Whereabouts } from '../src';

// A DaemonSet's selector cannot change once applied. Each one this library writes must come out
// the same whatever the chart is called and wherever the construct sits in the tree.
const DAEMONS: Array<[string, string, (scope: Construct) => void]> = [
  ['MultusThick', 'kube-multus-ds', (s) => new MultusThick(s, 'Multus')],
  ['MultusThin', 'kube-multus-ds', (s) => new MultusThin(s, 'Multus')],
  ['DhcpDaemon', 'cni-dhcp-daemon', (s) => {
    new MultusThick(s, 'Multus', { extraPlugins: ['dhcp'] });
    new DhcpDaemon(s, 'Dhcp');
  }],
  ['MultusKubeconfigJob', 'multus-kubeconfig', (s) => new MultusKubeconfigJob(s, 'Kubeconfig')],
  ['Whereabouts', 'whereabouts', (s) => new Whereabouts(s, 'Whereabouts')],
];

function daemonSet(chartId: string, nest: boolean, name: string, make: (scope: Construct) => void): any {
  const app = Testing.app();
  const chart = new Chart(app, chartId);
  make(nest ? new Construct(chart, 'Platform') : chart);
  const objects = Testing.synth(chart);
  const ds = objects.filter((o) => o.kind === 'DaemonSet' && o.metadata.name === name);
  expect(ds).toHaveLength(1);
  return ds[0];
}

describe.each(DAEMONS)('the %s DaemonSet', (_, name, make) => {
  test('has the same selector in a renamed chart and under another parent', () => {
    const a = daemonSet('cluster-a', false, name, make);
    const b = daemonSet('network-addons', true, name, make);
    expect(b.spec.selector).toEqual(a.spec.selector);
  });

  test('selects its pods by its own labels, not by construct path', () => {
    const ds = daemonSet('c', false, name, make);
    const selector = ds.spec.selector.matchLabels;
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    expect(Object.keys(selector).some((k) => k.startsWith('cdk8s.io/'))).toBe(false);
    for (const [k, v] of Object.entries(selector)) expect(ds.spec.template.metadata.labels[k]).toBe(v);
  });
});

test('MultusThick and MultusThin of one name share their DaemonSet and its selector: switching flavours applies in place', () => {
  const thick = daemonSet('a', false, 'kube-multus-ds', (s) => new MultusThick(s, 'Multus'));
  const thin = daemonSet('b', false, 'kube-multus-ds', (s) => new MultusThin(s, 'Multus'));
  expect(thin.metadata.namespace).toBe(thick.metadata.namespace);
  expect(thin.spec.selector).toEqual(thick.spec.selector);
});

test('the app still synthesizes with every daemon in one chart', () => {
  const app = new App({ outdir: Testing.app().outdir });
  const chart = new Chart(app, 'all');
  new MultusThick(chart, 'Multus', { extraPlugins: ['dhcp'] });
  new DhcpDaemon(chart, 'Dhcp');
  new Whereabouts(chart, 'Whereabouts');
  expect(Testing.synth(chart).filter((o) => o.kind === 'DaemonSet')).toHaveLength(3);
});
