// Each rule of src/rules/node-daemons.ts, shown firing on the mistake it exists for.
import { ApiObject, JsonPatch, Testing, Yaml } from 'cdk8s';
import { Ipam, MacvlanNetwork, MultusDoctor, MultusThick, MultusThin } from '../../src';
import { json, ruleIds, synthErrors, tempFile, thickChart } from '../_util';
import { daemonPatch, ds, ids, withMistake } from './_util';

test('install-target: the shim installed to /opt/cni/bin, which k3s never reads', () => {
  const { chart } = thickChart();
  daemonPatch(chart,
    JsonPatch.add('/spec/template/spec/volumes/-', { name: 'optcni', hostPath: { path: '/opt/cni/bin' } }),
    JsonPatch.replace('/spec/template/spec/initContainers/0/volumeMounts', [{ name: 'optcni', mountPath: '/host/opt/cni/bin' }]),
    JsonPatch.replace('/spec/template/spec/initContainers/0/command', ['/usr/src/multus-cni/bin/install_multus', '-d', '/host/opt/cni/bin', '-t', 'thick']));
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['install-target', 'plugin-available']);
  expect(errors.join('\n')).toContain('installs multus-shim, passthru into /opt/cni/bin');
  expect(errors.join('\n')).toContain('failed to find plugin "multus-shim" in path [/var/lib/rancher/k3s/data/cni]');
});

test('daemon-pod: no hostPID, no hostNetwork, not privileged', () => {
  const { chart } = thickChart();
  daemonPatch(chart,
    JsonPatch.remove('/spec/template/spec/hostPid'),
    JsonPatch.replace('/spec/template/spec/hostNetwork', false),
    JsonPatch.replace('/spec/template/spec/containers/0/securityContext/privileged', false));
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['daemon-pod']);
  expect(errors).toHaveLength(3);
  expect(errors.join('\n')).toContain('/proc/<pid>/task/<tid>/ns/net of the wrong process');
});

test('netns-visible: /run/netns without HostToContainer propagation', () => {
  const { chart } = thickChart();
  daemonPatch(chart, JsonPatch.remove('/spec/template/spec/containers/0/volumeMounts/3/mountPropagation'));
  expect(ids(synthErrors(chart))).toEqual(['netns-visible']);
});

test('multus-flavour: thick and thin for the same nodes is an error', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Thick');
  new MultusThin(chart, 'Thin', { name: 'multus-thin' });
  const errors = synthErrors(chart);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('multus-flavour (error) DaemonSet kube-system/kube-multus-thin-ds');
});

test('dhcp-daemon: DHCP IPAM with no DHCP daemon in the app', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  new MacvlanNetwork(chart, 'Lan', { ipam: Ipam.dhcp() });
  const errors = synthErrors(chart);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('dhcp-daemon (error) NetworkAttachmentDefinition default/lan');
  expect(errors[0]).toContain('Fix: add a DhcpDaemon to the app');
});

// A failure seen in the field, as a fixture judged by the lint command.
test.each([
  ['install-target', 'shim installed to /opt/cni/bin', (o: any[]) => {
    ds(o).volumes.push({ name: 'optcni', hostPath: { path: '/opt/cni/bin' } });
    ds(o).initContainers[0].volumeMounts = [{ name: 'optcni', mountPath: '/host/opt/cni/bin' }];
    ds(o).initContainers[0].command = ['/usr/src/multus-cni/bin/install_multus', '-d', '/host/opt/cni/bin', '-t', 'thick'];
  }],
])('%s: %s, a fixture judged by the lint command', (rule, _name, edit) => {
  const { code, report } = json([withMistake(edit)]);
  expect(code).toBe(1);
  expect(ruleIds(report)).toContain(rule);
});

describe('the doctor Job', () => {
  const doctorChart = () => {
    const chart = Testing.chart();
    const doctor = new MultusDoctor(chart, 'Doctor');
    return { chart, job: ApiObject.of(doctor.job) };
  };

  test('doctor-root: --root names the container\'s own file system, or a writable host root', () => {
    expect(synthErrors(doctorChart().chart)).toEqual([]);
    const unmounted = doctorChart();
    unmounted.job.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/command/5', '/hostroot'));
    const errors = synthErrors(unmounted.chart);
    expect(ids(errors)).toEqual(['doctor-root']);
    expect(errors[0]).toContain('--root /hostroot is not mounted from the host');
    const writable = doctorChart();
    writable.job.addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/volumeMounts/0/readOnly'));
    expect(synthErrors(writable.chart).join('\n')).toContain('--root /host means host /, writable');
    const elsewhere = doctorChart();
    elsewhere.job.addJsonPatch(JsonPatch.replace('/spec/template/spec/volumes/0/hostPath/path', '/var/lib/rancher/k3s'));
    expect(ids(synthErrors(elsewhere.chart))).toEqual(['doctor-root']);
  });

  test('the doctor\'s image is judged by image-pinned, like the daemons\' images', () => {
    const { chart, job } = doctorChart();
    job.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'node:latest'));
    expect(ids(synthErrors(chart))).toEqual(['image-pinned']);
  });

  test('lint judges a doctor Job written by hand', () => {
    const { chart } = doctorChart();
    const objects = Testing.synth(chart);
    objects[0].spec.template.spec.volumes[0].hostPath.path = '/etc';
    const file = tempFile('doctor.yaml', Yaml.stringify(...objects));
    expect(ruleIds(json([file]).report)).toEqual(['doctor-root']);
  });
});
