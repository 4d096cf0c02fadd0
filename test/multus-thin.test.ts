import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { K3sCniPaths, MultusRules, MultusThick, MultusThin, nad, PrimaryCni } from '../src';
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

  test('thin-paths: no --cni-bin-dir, whose default /host/opt/cni/bin the entrypoint stats at start', () => {
    const { chart, thin } = thinChart();
    const args: string[] = objectOf(Testing.synth(chart), 'DaemonSet').spec.template.spec.containers[0].args;
    ApiObject.of(thin.daemonSet).addJsonPatch(JsonPatch.remove(`/spec/template/spec/containers/0/args/${args.findIndex((a) => a.startsWith('--cni-bin-dir='))}`));
    const errors = synthErrors(chart).join('\n');
    expect(errors).toContain('thin-paths (error) DaemonSet kube-system/kube-multus-ds spec.template.spec.containers[0].args (--cni-bin-dir, default)');
    expect(errors).toContain('Found: /host/opt/cni/bin (not mounted)');
    expect(errors).toContain('Fix: pass --cni-bin-dir=/host/var/lib/rancher/k3s/data/cni');
  });

  test('thin-cni-version: a --cni-version other than k3s\'s 1.0.0, which the entrypoint refuses', () => {
    const chart = Testing.chart();
    new MultusThin(chart, 'Multus', { cniVersion: '0.3.1' });
    const errors = synthErrors(chart).join('\n');
    expect(errors).toContain('thin-cni-version (error) DaemonSet kube-system/kube-multus-ds spec.template.spec.containers[0].args (--cni-version)');
    expect(errors).toContain('\'Multus cni version is "0.3.1" while master plugin cni version is "1.0.0"\'');
    expect(errors).toContain('Fix: drop --cni-version (the entrypoint then takes 1.0.0 from 10-flannel.conflist), or pass --cni-version=1.0.0');
    const ok = Testing.chart();
    new MultusThin(ok, 'Multus', { cniVersion: '1.0.0' });
    expect(synthErrors(ok)).toEqual([]);
    // A primary network whose version is unknown is not judged.
    const ext = Testing.chart();
    new MultusThin(ext, 'Multus', { cniVersion: '0.3.1', paths: new K3sCniPaths(ext, 'p', { primaryCni: PrimaryCni.external({ name: 'cilium' }) }) });
    expect(synthErrors(ext).filter((e) => e.includes('thin-cni-version'))).toEqual([]);
  });

  test('thin-cni-conf-dir: the default --multus-cni-conf-dir, a pod path written into the host-side config', () => {
    const { chart, thin } = thinChart();
    const args: string[] = objectOf(Testing.synth(chart), 'DaemonSet').spec.template.spec.containers[0].args;
    ApiObject.of(thin.daemonSet).addJsonPatch(JsonPatch.remove(`/spec/template/spec/containers/0/args/${args.findIndex((a) => a.startsWith('--multus-cni-conf-dir='))}`));
    const objects = Testing.synth(chart).map((manifest) => ({ manifest }));
    const f = MultusRules.check(objects, thin.paths).find((x) => x.ruleId === 'thin-cni-conf-dir');
    expect(f).toMatchObject({
      severity: 'warning',
      field: 'spec.template.spec.containers[0].args (--multus-cni-conf-dir, default)',
      found: '/host/etc/cni/multus/net.d (not mounted)',
      fix: 'mount host /etc/cni/multus/net.d at /etc/cni/multus/net.d and pass --multus-cni-conf-dir=/etc/cni/multus/net.d (MultusThin does)',
    });
  });

  test('multus-flavour: thick and thin for the same nodes is an error', () => {
    const chart = Testing.chart();
    new MultusThick(chart, 'Thick');
    new MultusThin(chart, 'Thin', { name: 'multus-thin' });
    const errors = synthErrors(chart);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('multus-flavour (error) DaemonSet kube-system/kube-multus-thin-ds');
  });

  test('fails on a moving image tag', () => {
    expect(() => new MultusThin(Testing.chart(), 'm', { image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot' })).toThrow(/tag "snapshot" moves/);
  });
});
