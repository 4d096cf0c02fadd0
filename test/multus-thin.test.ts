import { Testing } from 'cdk8s';
import { MultusRules, MultusThin, nad } from '../src';
import { schemaErrors } from './_schema';
import { objectOf, synthErrors, thinChart } from './_util';

describe('MultusThin on k3s', () => {
  test('the entrypoint is told the pod view of the k3s config dir and host paths for everything the host plugin reads', () => {
    const { objects, thin } = thinChart();
    const spec = objectOf(objects, 'DaemonSet').spec.template.spec;
    expect(spec.containers[0].command).toEqual(['/thin_entrypoint']);
    expect(spec.containers[0].args).toEqual([
      '--multus-conf-file=auto',
      '--multus-autoconfig-dir=/host/var/lib/rancher/k3s/agent/etc/cni/net.d',
      '--cni-conf-dir=/host/var/lib/rancher/k3s/agent/etc/cni/net.d',
      '--multus-cni-conf-dir=/etc/cni/multus/net.d',
      '--cni-bin-dir=/host/var/lib/rancher/k3s/data/cni',
      '--skip-multus-binary-copy=true',
      '--additional-bin-dir=/var/lib/rancher/k3s/data/cni',
      '--multus-kubeconfig-file-host=/var/lib/rancher/k3s/agent/etc/cni/net.d/multus.d/multus.kubeconfig',
      '--multus-log-level=verbose',
      '--cleanup-config-on-exit=true',
      '--multus-master-cni-file-name=10-flannel.conflist',
      '--readiness-indicator-file=/run/flannel/subnet.env',
    ]);
    expect(spec.initContainers[0].command).toEqual(['/install_multus', '-d', '/var/lib/rancher/k3s/data/cni', '-t', 'thin']);
    expect(spec.initContainers[1].env).toContainEqual({ name: 'CNI_PLUGINS', value: 'macvlan static' });
    expect(thin.kubeconfigHostPath.path).toBe('/var/lib/rancher/k3s/agent/etc/cni/net.d/multus.d/multus.kubeconfig');
    for (const o of objects) expect([o.kind, schemaErrors(o)]).toEqual([o.kind, []]);
  });

  test('passes every rule, and a NAD may reference the kubeconfig the entrypoint writes', () => {
    const { objects, thin } = thinChart();
    expect(MultusRules.check(objects.map((manifest) => ({ manifest })), thin.paths)).toEqual([]);
    const chart = Testing.chart();
    const t = new MultusThin(chart, 'Multus');
    new nad.NetworkAttachmentDefinition(chart, 'Third', { metadata: { name: 'third' }, spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'bridge', kubeconfig: t.kubeconfigHostPath.path }) } });
    expect(synthErrors(chart)).toEqual([]);
  });

  test('fails on a moving image tag', () => {
    expect(() => new MultusThin(Testing.chart(), 'm', { image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot' })).toThrow(/tag "snapshot" moves/);
  });
});
