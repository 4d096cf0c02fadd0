// Each rule of src/rules/whereabouts.ts, shown firing on the mistake it exists for.
import * as path from 'path';
import { ApiObject, JsonPatch, Testing, Yaml } from 'cdk8s';
import { MultusRules, nad, StandardCniPaths } from '../../src';
import { objectOf, synthErrors, whereaboutsChart } from '../_util';

const UPSTREAM = path.join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'upstream');

test('whereabouts-mounts: the conf dir mounted anywhere but /host + host path', () => {
  const { chart, wb } = whereaboutsChart();
  ApiObject.of(wb.daemonSet).addJsonPatch(JsonPatch.replace('/spec/template/spec/volumes/0/hostPath/path', '/var/lib/rancher/k3s/agent'));
  const errors = synthErrors(chart);
  expect(errors.join('\n')).toContain('whereabouts-mounts (error) DaemonSet kube-system/whereabouts spec.template.spec.containers[0].env.CNI_CONF_DIR');
  expect(errors.join('\n')).toContain('it deletes the /host prefix');
});

test('whereabouts-mounts: the control loop\'s fixed config path not mounted from the config dir', () => {
  const { chart, wb } = whereaboutsChart();
  const mounts = objectOf(Testing.synth(chart), 'DaemonSet', 'whereabouts').spec.template.spec.containers[0].volumeMounts;
  const index = mounts.findIndex((m: any) => m.mountPath === '/host/etc/cni/net.d');
  ApiObject.of(wb.daemonSet).addJsonPatch(JsonPatch.remove(`/spec/template/spec/containers/0/volumeMounts/${index}`));
  const errors = synthErrors(chart).join('\n');
  expect(errors).toContain('whereabouts-mounts (error) DaemonSet kube-system/whereabouts spec.template.spec.containers[0].volumeMounts');
  expect(errors).toContain('Found: /host/etc/cni/net.d (not mounted)');
  expect(errors).toContain('config file not found');
});

test('whereabouts-mounts: upstream\'s Whereabouts manifest passes the mount rule for the standard layout and fails it for k3s', () => {
  const objects = Yaml.load(path.join(UPSTREAM, 'whereabouts-v0.9.4', 'daemonset-install.yaml')).filter(Boolean).map((manifest: any) => ({ manifest }));
  const std = MultusRules.check(objects, new StandardCniPaths(Testing.chart(), 's')).map((f) => f.ruleId);
  expect(std).not.toContain('whereabouts-mounts');
  const { wb } = whereaboutsChart();
  expect(MultusRules.check(objects, wb.paths).filter((f) => f.ruleId === 'whereabouts-mounts').map((f) => f.field)).toEqual([
    'spec.template.spec.containers[0].env.CNI_CONF_DIR', 'spec.template.spec.containers[0].env.CNI_BIN_DIR',
    // its control loop reads /host/etc/cni/net.d, which it mounts from /etc/cni/net.d
    'spec.template.spec.containers[0].volumeMounts',
  ]);
});

test('whereabouts-config: a NAD without configuration_path on k3s, whose config dir the plugin does not search', () => {
  const { chart } = whereaboutsChart();
  new nad.NetworkAttachmentDefinition(chart, 'Wb', { metadata: { name: 'wb' }, spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', ipam: { type: 'whereabouts', range: '10.1.0.0/24' } }) } });
  const errors = synthErrors(chart);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('whereabouts-config (error) NetworkAttachmentDefinition wb spec.config.ipam.configuration_path');
  expect(errors[0]).toContain('Fix: set configuration_path to "/var/lib/rancher/k3s/agent/etc/cni/net.d/whereabouts.d/whereabouts.conf"');
});
