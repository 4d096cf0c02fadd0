// Each rule of src/rules/thin.ts, shown firing on the mistake it exists for.
import * as path from 'path';
import { ApiObject, JsonPatch, Testing, Yaml } from 'cdk8s';
import { K3sCniPaths, MultusRules, MultusThin, PrimaryCni } from '../../src';
import { json, objectOf, synthErrors, thinChart } from '../_util';

const UPSTREAM = path.join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'upstream');

test('thin-paths: no --cni-bin-dir, whose default /host/opt/cni/bin the entrypoint stats at start', () => {
  const { chart, thin } = thinChart();
  const args: string[] = objectOf(Testing.synth(chart), 'DaemonSet').spec.template.spec.containers[0].args;
  ApiObject.of(thin.daemonSet).addJsonPatch(JsonPatch.remove(`/spec/template/spec/containers/0/args/${args.findIndex((a) => a.startsWith('--cni-bin-dir='))}`));
  const errors = synthErrors(chart).join('\n');
  expect(errors).toContain('thin-paths (error) DaemonSet kube-system/kube-multus-ds spec.template.spec.containers[0].args (--cni-bin-dir, default)');
  expect(errors).toContain('Found: /host/opt/cni/bin (not mounted)');
  expect(errors).toContain('Fix: pass --cni-bin-dir=/host/var/lib/rancher/k3s/data/cni');
});

test('thin-paths: a thin plugin told to read a kubeconfig at a pod path', () => {
  const thin = Yaml.load(path.join(UPSTREAM, 'multus-cni-v4.3.0', 'multus-daemonset.yml')).filter(Boolean);
  const daemon = thin.find((o: any) => o.kind === 'DaemonSet');
  daemon.spec.template.spec.containers[0].args.push('--multus-kubeconfig-file-host=/host/etc/cni/net.d/multus.d/multus.kubeconfig');
  const f = json(['--distro', 'standard', '-'], Yaml.stringify(...thin)).report.findings.find((x: any) => x.ruleId === 'thin-paths');
  expect(f.message).toContain('carries the container\'s mount prefix /host/etc/cni/net.d');
  expect(f.fix).toBe('pass --multus-kubeconfig-file-host=/etc/cni/net.d/multus.d/multus.kubeconfig');
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
