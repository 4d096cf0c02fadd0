// Each rule of src/rules/attachments.ts, shown firing on the mistake it exists for.
import { json } from '../_util';

// Failures seen in the field, each as a hand-written manifest judged by the lint command.
test.each([
  ['requested IP without capabilities.ips', { ips: ['192.168.1.210/24'] }, 1, 'does not declare capabilities.ips', {}],
  ['requested IP outside the network', { ips: ['10.0.0.1/24'] }, 1, 'is not inside the network\'s subnets', { ips: true }],
  ['the same fixed IP on several pods', {}, 3, 'the network\'s fixed address gives every pod the same address, but Deployment web runs 3 pods', {}],
  ['an interface name over 15 characters', { interface: 'sixteen-chars-xx' }, 1, 'is not a Linux interface name', {}],
])('attachment: %s, a manifest judged by the lint command', (_name, entry, replicas, message, capabilities) => {
  const objects = [
    {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'lan', namespace: 'default' },
      spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type: 'macvlan', master: 'eth0', capabilities, ipam: { type: 'static', addresses: [{ address: '192.168.1.200/24' }] } }) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas, template: { metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': JSON.stringify([{ name: 'lan', ...entry }]) } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36.1' }] } } },
    },
  ];
  const { report } = json(['--distro', 'standard', '-'], objects.map((o) => JSON.stringify(o)).join('\n---\n'));
  const f = report.findings.find((x: any) => x.ruleId === 'attachment');
  expect(f.message).toContain(message);
  expect(f.field).toBe('spec.template.metadata.annotations["k8s.v1.cni.cncf.io/networks"]');
});

test('kubevirt-networks: a KubeVirt VM with a NAD for the pod network, a hand-written annotation and bridge on macvlan', () => {
  const nad = {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'lan', namespace: 'vms' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type: 'macvlan', master: 'eth0', mode: 'bridge' }) },
  };
  const vm = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'vm', namespace: 'vms' },
    spec: {
      template: {
        metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'lan' } },
        spec: {
          networks: [{ name: 'default', multus: { networkName: 'vms/lan', default: true } }, { name: 'lan', multus: { networkName: 'vms/lan' } }],
          domain: { devices: { interfaces: [{ name: 'default', bridge: {} }, { name: 'lan', bridge: {} }] } },
        },
      },
    },
  };
  const { report } = json(['--distro', 'standard', '-'], [nad, vm].map((o) => JSON.stringify(o)).join('\n---\n'));
  const fields = report.findings.filter((x: any) => x.ruleId === 'kubevirt-networks').map((x: any) => x.field);
  expect(fields).toEqual([
    'spec.template.metadata.annotations["k8s.v1.cni.cncf.io/networks"]',
    'spec.template.spec.networks[0].multus.default',
    'spec.template.spec.domain.devices.interfaces[name=default].bridge',
    'spec.template.spec.domain.devices.interfaces[name=lan].bridge',
  ]);
});
