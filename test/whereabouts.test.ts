import { Testing } from 'cdk8s';
import { Ipam, MacvlanNetwork, MultusRules, StandardCniPaths, Whereabouts } from '../src';
import { schemaErrors } from './_schema';
import { objectOf, whereaboutsChart } from './_util';

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
});
