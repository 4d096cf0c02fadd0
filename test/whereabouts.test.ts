import * as path from 'path';
import { ApiObject, JsonPatch, Testing, Yaml } from 'cdk8s';
import { Ipam, MacvlanNetwork, MultusRules, nad, StandardCniPaths, Whereabouts } from '../src';
import { schemaErrors } from './_schema';
import { objectOf, synthErrors, whereaboutsChart } from './_util';

const UPSTREAM = path.join(__dirname, '..', '..', 'shared', 'fixtures', 'upstream');

describe('Whereabouts on k3s', () => {
  test('its CRDs, RBAC and installer, with the k3s dirs mounted at exactly /host + host path', () => {
    const { chart, wb } = whereaboutsChart();
    new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: wb.ipam({ range: '192.168.1.0/24', rangeStart: '192.168.1.100', exclude: ['192.168.1.128/28'] }) });
    const objects = Testing.synth(chart);
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name)).toEqual([
      'network-attachment-definitions.k8s.cni.cncf.io', 'ippools.whereabouts.cni.cncf.io',
      'overlappingrangeipreservations.whereabouts.cni.cncf.io', 'nodeslicepools.whereabouts.cni.cncf.io',
    ]);
    const ds = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'whereabouts').spec.template.spec;
    expect(ds.containers[0].env).toEqual(expect.arrayContaining([
      { name: 'CNI_CONF_DIR', value: '/host/var/lib/rancher/k3s/agent/etc/cni/net.d' },
      { name: 'CNI_BIN_DIR', value: '/host/var/lib/rancher/k3s/data/cni/' },
    ]));
    expect(ds.containers[0].image).toBe('ghcr.io/k8snetworkplumbingwg/whereabouts:v0.9.4');
    const config = JSON.parse(objectOf(objects, 'NetworkAttachmentDefinition').spec.config);
    expect(config.ipam).toEqual({
      type: 'whereabouts',
      range: '192.168.1.0/24',
      range_start: '192.168.1.100',
      exclude: ['192.168.1.128/28'],
      configuration_path: '/var/lib/rancher/k3s/agent/etc/cni/net.d/whereabouts.d/whereabouts.conf',
    });
    expect(wb.kubeconfigHostPath.path).toBe('/var/lib/rancher/k3s/agent/etc/cni/net.d/whereabouts.d/whereabouts.kubeconfig');
    const role = objectOf(objects, 'ClusterRole', 'whereabouts');
    expect(role.rules.flatMap((r: any) => r.verbs)).not.toContain('*');
    for (const o of objects) expect([o.kind, schemaErrors(o)]).toEqual([o.kind, []]);
    expect(MultusRules.check(objects.map((manifest) => ({ manifest })), wb.paths)).toEqual([]);
  });

  test('Ipam.whereabouts refuses host bits that Whereabouts would mask, excludes outside the range, and a pod path', () => {
    const configurationPath = '/etc/cni/net.d/whereabouts.d/whereabouts.conf';
    expect(() => Ipam.whereabouts({ range: '192.168.1.200/24', configurationPath })).toThrow(/192\.168\.1\.200\/24 has host bits set/);
    expect(() => Ipam.whereabouts({ range: '192.168.1.0/24', exclude: ['10.0.0.0/28'], configurationPath })).toThrow(/exclude\[0\] 10\.0\.0\.0\/28 is not inside the range/);
    expect(() => Ipam.whereabouts({ range: '192.168.1.0/24', configurationPath: '/host/etc/cni/net.d/whereabouts.d/whereabouts.conf' })).toThrow(/must be the host path/);
  });

  test('whereabouts-config: a NAD without configuration_path on k3s, whose config dir the plugin does not search', () => {
    const { chart } = whereaboutsChart();
    new nad.NetworkAttachmentDefinition(chart, 'Wb', { metadata: { name: 'wb' }, spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', ipam: { type: 'whereabouts', range: '10.1.0.0/24' } }) } });
    const errors = synthErrors(chart);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('whereabouts-config (error) NetworkAttachmentDefinition wb spec.config.ipam.configuration_path');
    expect(errors[0]).toContain('Fix: set configuration_path to "/var/lib/rancher/k3s/agent/etc/cni/net.d/whereabouts.d/whereabouts.conf"');
  });

  test('whereabouts-mounts: the conf dir mounted anywhere but /host + host path', () => {
    const { chart, wb } = whereaboutsChart();
    ApiObject.of(wb.daemonSet).addJsonPatch(JsonPatch.replace('/spec/template/spec/volumes/0/hostPath/path', '/var/lib/rancher/k3s/agent'));
    const errors = synthErrors(chart);
    expect(errors.join('\n')).toContain('whereabouts-mounts (error) DaemonSet kube-system/whereabouts spec.template.spec.containers[0].env.CNI_CONF_DIR');
    expect(errors.join('\n')).toContain('it deletes the /host prefix');
  });

  test('the control loop finds whereabouts.conf: the k3s config dir is also at /host/etc/cni/net.d, read-only', () => {
    const { chart } = whereaboutsChart();
    const ds = objectOf(Testing.synth(chart), 'DaemonSet', 'whereabouts').spec.template.spec;
    const mount = ds.containers[0].volumeMounts.find((m: any) => m.mountPath === '/host/etc/cni/net.d');
    expect(mount).toEqual({ mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir', readOnly: true });
    expect(ds.volumes.find((v: any) => v.name === 'cni-net-dir').hostPath.path).toBe('/var/lib/rancher/k3s/agent/etc/cni/net.d');
    // With the standard layout, /host + the config dir is that path already: one mount.
    const std = Testing.chart();
    new Whereabouts(std, 'wb', { paths: new StandardCniPaths(std, 'p') });
    const stdMounts = objectOf(Testing.synth(std), 'DaemonSet', 'whereabouts').spec.template.spec.containers[0].volumeMounts;
    expect(stdMounts.filter((m: any) => m.mountPath === '/host/etc/cni/net.d')).toHaveLength(1);
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

  test('upstream\'s Whereabouts manifest passes the mount rule for the standard layout and fails it for k3s', () => {
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
});
