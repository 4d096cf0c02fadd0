// Each rule of src/rules/kubeconfigs.ts, shown firing on the mistake it exists for.
import { Chart, Testing } from 'cdk8s';
import { Ipam, MacvlanNetwork, MultusKubeconfigJob, MultusThick, nad } from '../../src';
import { synthErrors } from '../_util';

/** An app with a kubeconfig writer and a third-party network that reads this kubeconfig. */
function chartWith(kubeconfig: string): Chart {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  new MultusKubeconfigJob(chart, 'Kubeconfig');
  new MacvlanNetwork(chart, 'Lan', { ipam: Ipam.fixedAddress('192.168.1.200/24') });
  new nad.NetworkAttachmentDefinition(chart, 'Thirdparty', {
    metadata: { name: 'thirdparty' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'thirdparty', type: 'macvlan', kubeconfig }) },
  });
  return chart;
}

// Every kubeconfig a host plugin reads has a writer.
test('kubeconfig-writer: passes when the reference is the host path the job writes', () => {
  expect(synthErrors(chartWith('/var/lib/rancher/k3s/agent/etc/cni/net.d/multus.d/multus.kubeconfig'))).toEqual([]);
});

test('kubeconfig-writer: fails on the standard path on k3s, and names the writers', () => {
  const errors = synthErrors(chartWith('/etc/cni/net.d/multus.d/multus.kubeconfig'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('kubeconfig-writer (error) NetworkAttachmentDefinition thirdparty spec.config.kubeconfig');
  expect(errors[0]).toContain('writes /var/lib/rancher/k3s/agent/etc/cni/net.d/multus.d/multus.kubeconfig');
});

test('kubeconfig-writer: fails on a pod path where the host path belongs', () => {
  const errors = synthErrors(chartWith('/host/var/lib/rancher/k3s/agent/etc/cni/net.d/multus.d/multus.kubeconfig'));
  expect(errors[0]).toContain('it starts with /host, a pod mount prefix, but the plugin runs on the host');
});
