// Each rule of src/rules/attachments.ts, shown firing on the mistake it exists for.
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Chain, Ipam, MacvlanNetwork, MultusThick } from '../../src';
import { json, synthErrors } from '../_util';
import { ids } from './_util';


/** A static NAD `lan` and `workload` attached to it, as one manifest for the lint command; the attachment findings. */
function attachmentFindings(workload: any): any[] {
  const nad = {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'lan', namespace: 'default' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type: 'macvlan', master: 'eth0', ipam: { type: 'static', addresses: [{ address: '192.168.1.200/24' }] } }) },
  };
  const { report } = json(['--distro', 'standard', '-'], [nad, workload].map((o) => JSON.stringify(o)).join('\n---\n'));
  return report.findings.filter((x: any) => x.ruleId === 'attachment');
}

test('attachment: an interface name used twice in one pod, written through an escape hatch', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  const lan = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.200', rangeEnd: '192.168.1.220' }] }) });
  const web = new kplus.Deployment(chart, 'Web', { replicas: 1, containers: [{ image: 'busybox:1.36.1', command: ['sleep', 'infinity'] }] });
  lan.attachTo(web);
  expect(synthErrors(chart)).toEqual([]);
  // attachTo refuses a name already used in the pod; a hand-edited annotation does not.
  ApiObject.of(web).addJsonPatch(JsonPatch.replace('/spec/template/metadata/annotations/k8s.v1.cni.cncf.io~1networks',
    JSON.stringify([{ name: 'lan', namespace: 'default', interface: 'net1' }, { name: 'lan', namespace: 'default', interface: 'net1' }])));
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['attachment']);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain(`attachment (error) Deployment ${ApiObject.of(web).name} spec.template.metadata.annotations["k8s.v1.cni.cncf.io/networks"]`);
  expect(errors[0]).toContain('entry 1: interface "net1" is used twice in this pod');
  expect(errors[0]).toContain('Fix: give each attachment its own interface name');
});

// Failures seen in the field, each as a hand-written manifest judged by the lint command.
test.each([
  ['requested IP without capabilities.ips', { ips: ['192.168.1.210/24'] }, 1, 'does not declare capabilities.ips', {}],
  ['requested IP outside the network', { ips: ['10.0.0.1/24'] }, 1, 'is not inside the network\'s subnets', { ips: true }],
  ['the same fixed IP on several pods', {}, 3, 'the network\'s fixed address gives every pod the same address, but Deployment web runs 3 pods', {}],
  ['an interface name over 15 characters', { interface: 'sixteen-chars-xx' }, 1, 'is not a Linux interface name', {}],
  ['the primary network\'s eth0 as the interface', { interface: 'eth0' }, 1, '"eth0" is the primary (cluster) network\'s interface', {}],
  ['the loopback lo as the interface', { interface: 'lo' }, 1, '"lo" is the pod\'s loopback interface', {}],
  ['"." as the interface', { interface: '.' }, 1, '"." is not a Linux interface name', {}],
  ['a requested IP that is the network address', { ips: ['192.168.1.0/24'] }, 1, 'is the network address of its subnet', { ips: true }],
  ['a default route through a gateway outside the network', { 'default-route': ['10.0.0.1'] }, 1, 'defaultRoute[0] 10.0.0.1 is outside the network\'s subnets', {}],
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

// A Deployment's rollout, as the API server defaults it and the deployment controller scales it.
test.each([
  ['no strategy (RollingUpdate, maxSurge 25%)', undefined, 1, true],
  ['RollingUpdate with maxSurge 50%', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%' } }, 1, true],
  ['RollingUpdate with maxSurge 1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, 1, true],
  ['Recreate', { type: 'Recreate' }, 1, false],
  ['RollingUpdate with maxSurge 0', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, 1, false],
  ['RollingUpdate with maxSurge "0%"', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%' } }, 1, false],
])('attachment: a fixed address on a Deployment with %s, a manifest judged by the lint command', (_name, strategy, replicas, fires) => {
  const found = attachmentFindings({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas, strategy, template: { metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name":"lan","interface":"lan0"}]' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36.1' }] } } },
  });
  if (fires) {
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('is a Deployment whose RollingUpdate starts 1 new pod before it stops the old one');
  } else {
    expect(found).toEqual([]);
  }
});

// A Job runs one pod at a time only when it replaces a pod after it is gone: podReplacementPolicy
// Failed (the default with a podFailurePolicy). attachTo and the rule give the same answer.
test.each([
  ['the defaults (TerminatingOrFailed)', {}, true],
  ['parallelism 2 with podReplacementPolicy Failed', { parallelism: 2, podReplacementPolicy: 'Failed' }, true],
  ['podReplacementPolicy Failed', { podReplacementPolicy: 'Failed' }, false],
  ['a podFailurePolicy, which makes Failed the default', { podFailurePolicy: { rules: [] } }, false],
])('attachment: a fixed address on a Job with %s, a manifest judged by the lint command', (_name, spec, fires) => {
  const found = attachmentFindings({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'once', namespace: 'default' },
    spec: { ...spec, template: { metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'lan' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36.1' }] } } },
  }).map((f: any) => f.message);
  expect(found).toEqual(fires ? [expect.stringContaining('Job once runs a replacement pod that may start while the old one terminates')] : []);
});

test('attachment: a chained tuning plugin\'s MAC on a workload of two pods (every pod would carry it); attachTo refuses it, the rule reports it written by hand, one pod passes', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  const range = Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.200', rangeEnd: '192.168.1.220' }] });
  const lan = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: range, chain: [Chain.tuning({ mac: '02:00:00:00:00:07' })] });
  const web = new kplus.Deployment(chart, 'Web', { replicas: 2, containers: [{ image: 'busybox:1.36.1', command: ['sleep', 'infinity'] }] });
  expect(() => lan.attachTo(web)).toThrow(/the MAC the network's chained tuning plugin sets gives every pod the same MAC, but Web runs 2 pods; .* or leave mac out of Chain.tuning/);
  const one = new kplus.Pod(chart, 'One', { containers: [{ image: 'busybox:1.36.1', command: ['sleep', 'infinity'] }] });
  expect(() => lan.attachTo(one)).not.toThrow();
  // Written by hand on the two-pod Deployment: the rule gives the same answer.
  ApiObject.of(web).addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', { 'k8s.v1.cni.cncf.io/networks': JSON.stringify([{ name: 'lan', namespace: 'default', interface: 'net1' }]) }));
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['attachment']);
  expect(errors[0]).toContain('the MAC the network\'s chained tuning plugin sets gives every pod the same MAC');
});

test('attachment: portMappings written by hand for a network whose plugins take none, and in upper case; a portmap chain with tcp passes', () => {
  const pod = (entry: any) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', annotations: { 'k8s.v1.cni.cncf.io/networks': JSON.stringify([entry]) } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
  });
  const none = attachmentFindings(pod({ name: 'lan', portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] }));
  expect(none.map((f) => f.message)).toEqual([expect.stringContaining('no plugin of the network declares the portMappings capability')]);
  const chart = Testing.chart();
  const lan = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24'), chain: [Chain.portMap()] });
  const web = new kplus.Pod(chart, 'Web', { containers: [{ image: 'busybox:1.36.1', command: ['sleep', 'infinity'] }] });
  lan.attachTo(web, { portMappings: [{ hostPort: 8080, containerPort: 80 }] });
  expect(synthErrors(chart)).toEqual([]);
  ApiObject.of(web).addJsonPatch(JsonPatch.replace('/metadata/annotations/k8s.v1.cni.cncf.io~1networks',
    JSON.stringify([{ name: 'lan', namespace: 'default', interface: 'net1', portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP' }] }])));
  expect(synthErrors(chart)[0]).toContain('portMappings[0].protocol must be tcp, udp or sctp (lower case');
});

test('attachment: attachTo gives a Job the same answer as the rule on its defaults', () => {
  const chart = Testing.chart();
  const lan = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24') });
  expect(() => lan.attachTo(new kplus.Job(chart, 'Once', { containers: [{ image: 'busybox:1.36.1' }] })))
    .toThrow(/the network's fixed address gives every pod the same address, but Once runs a replacement pod that may start while the old one terminates/);
});

test('attachment: one fixed-address network attached to two single-pod workloads, and one requested IP on two pods', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  const fixed = new MacvlanNetwork(chart, 'Fixed', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24') });
  const range = new MacvlanNetwork(chart, 'Range', { master: 'eth1', ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.2.0/24' }] }), capabilities: { ips: true } });
  const pod = (id: string) => new kplus.Pod(chart, id, { containers: [{ image: 'busybox:1.36.1' }] });
  const a = pod('A');
  const b = pod('B');
  fixed.attachTo(a);
  range.attachTo(a, { ips: ['192.168.2.10/24'] });
  range.attachTo(b, { ips: ['192.168.2.11/24'] });
  expect(synthErrors(chart)).toEqual([]);
  fixed.attachTo(b);
  range.attachTo(pod('C'), { ips: ['192.168.2.10/24'] });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['attachment']);
  expect(errors).toHaveLength(2);
  expect(errors.find((e) => e.includes('the fixed address of network default/fixed'))).toMatch(/is already held by Pod default\/test-a-c8[0-9a-f]*: two pods would carry the same address/);
  expect(errors.find((e) => e.includes('the requested IP 192.168.2.10/24'))).toContain('Fix: request a different address for each workload');
});

test('attachment: a network of another namespace while Multus runs with namespaceIsolation', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus', { namespaceIsolation: true, globalNamespaces: ['shared'] });
  const ipam = () => Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24' }] });
  const other = new MacvlanNetwork(chart, 'Other', { namespace: 'team-b', master: 'eth0', ipam: ipam() });
  const shared = new MacvlanNetwork(chart, 'Shared', { namespace: 'shared', master: 'eth1', ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.2.0/24' }] }) });
  const own = new MacvlanNetwork(chart, 'Own', { namespace: 'team-a', master: 'eth2', ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.3.0/24' }] }) });
  const pod = new kplus.Pod(chart, 'Pod', { metadata: { namespace: 'team-a' }, containers: [{ image: 'busybox:1.36.1' }] });
  shared.attachTo(pod);
  own.attachTo(pod);
  expect(synthErrors(chart)).toEqual([]);
  other.attachTo(pod);
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['attachment']);
  expect(errors[0]).toContain('entry 2: network team-b/other is in namespace team-b, but the pod is in team-a and Multus runs with namespaceIsolation (global namespaces: shared)');
  expect(errors[0]).toContain('Fix: create the network in namespace team-a, or add team-b to MultusThick\'s globalNamespaces');
});

test('attachment: without namespaceIsolation, and with it for the default namespace, networks of other namespaces pass', () => {
  for (const isolation of [false, true]) {
    const chart = Testing.chart();
    new MultusThick(chart, 'Multus', { namespaceIsolation: isolation });
    const lan = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24' }] }) });
    lan.attachTo(new kplus.Pod(chart, 'Pod', { metadata: { namespace: 'team-a' }, containers: [{ image: 'busybox:1.36.1' }] }));
    expect(synthErrors(chart)).toEqual([]);
  }
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

describe('kubevirt-networks: the binding against the network type, on hand-written manifests', () => {
  const nad = (type: string, extra: object = {}) => ({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'lan', namespace: 'vms' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type, ...extra }) },
  });
  const vm = (iface: object) => ({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'vm', namespace: 'vms' },
    spec: { template: { spec: { networks: [{ name: 'lan', multus: { networkName: 'vms/lan' } }], domain: { devices: { interfaces: [{ name: 'lan', ...iface }] } } } } },
  });
  const findings = (objects: object[]) => json(['--distro', 'standard', '-'], objects.map((o) => JSON.stringify(o)).join('\n---\n'))
    .report.findings.filter((x: any) => x.ruleId === 'kubevirt-networks');

  test('kubevirt-networks: fires on the macvtap binding on a macvlan NAD (what the library used to recommend)', () => {
    const [f, ...rest] = findings([nad('macvlan', { master: 'eth0', mode: 'passthru' }), vm({ binding: { name: 'macvtap' } })]);
    expect(rest).toEqual([]);
    expect(f.field).toBe('spec.template.spec.domain.devices.interfaces[name=lan].binding');
    expect(f.found).toBe('macvtap binding on network type macvlan/passthru');
    expect(f.message).toContain('the macvtap binding on network vms/lan (macvlan/passthru) cannot start the VM');
    expect(f.fix).toContain('only on a MacvtapNetwork (a NAD of type macvtap');
  });

  test('kubevirt-networks: silent on the macvtap binding on a macvtap NAD, and on the bridge binding on bridge and macvlan passthru NADs', () => {
    expect(findings([nad('macvtap'), vm({ binding: { name: 'macvtap' } })])).toEqual([]);
    expect(findings([nad('bridge', { bridge: 'br0' }), vm({ bridge: {} })])).toEqual([]);
    expect(findings([nad('macvlan', { master: 'eth0', mode: 'passthru' }), vm({ bridge: {} })])).toEqual([]);
  });

  test('kubevirt-networks: the bridge binding on a macvlan NAD in each mode but passthru, and in a conflist', () => {
    for (const mode of ['bridge', 'private', 'vepa', undefined]) {
      const [f] = findings([nad('macvlan', { master: 'eth0', ...(mode ? { mode } : {}) }), vm({ bridge: {} })]);
      expect(f.message).toContain(`(macvlan/${mode ?? 'bridge'}) passes no inbound traffic`);
    }
    const conflist = { ...nad('x'), spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'lan', plugins: [{ type: 'ipvlan', master: 'eth0' }, { type: 'tuning' }] }) } };
    expect(findings([conflist, vm({ binding: { name: 'macvtap' } })]).map((f: any) => f.found)).toEqual(['macvtap binding on network type ipvlan']);
  });

  test('kubevirt-networks: a KubeVirt CR in the manifests that does not register the macvtap binding as a tap attachment', () => {
    const cr = (binding?: object) => ({
      apiVersion: 'kubevirt.io/v1',
      kind: 'KubeVirt',
      metadata: { name: 'kubevirt', namespace: 'kubevirt' },
      spec: { configuration: { network: binding ? { binding } : {} } },
    });
    const [f, ...rest] = findings([nad('macvtap'), vm({ binding: { name: 'macvtap' } }), cr()]);
    expect(rest).toEqual([]);
    expect(f.field).toBe('spec.template.spec.domain.devices.interfaces[name=lan].binding');
    expect(f.found).toBe('binding macvtap; KubeVirt kubevirt registers no such binding');
    expect(f.fix).toBe('add spec.configuration.network.binding.macvtap: { domainAttachmentType: tap } to KubeVirt kubevirt');
    expect(findings([nad('macvtap'), vm({ binding: { name: 'macvtap' } }), cr({ macvtap: { domainAttachmentType: 'managedTap' } })])).toHaveLength(1);
    expect(findings([nad('macvtap'), vm({ binding: { name: 'macvtap' } }), cr({ macvtap: { domainAttachmentType: 'tap' } })])).toEqual([]);
  });

  test('kubevirt-networks: the core macvtap binding, rejected by KubeVirt since v1.3', () => {
    const [f] = findings([nad('macvtap'), vm({ macvtap: {} })]);
    expect(f.field).toBe('spec.template.spec.domain.devices.interfaces[name=lan].macvtap');
    expect(f.message).toContain('KubeVirt rejects the core macvtap binding at admission since v1.3');
    expect(f.fix).toContain('binding: { name: macvtap }');
  });
});
