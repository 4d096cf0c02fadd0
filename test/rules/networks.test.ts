// Each rule of src/rules/networks.ts, shown firing on the mistake it exists for.
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { BridgeNetwork, Chain, HostDeviceNetwork, Ipam, IpvlanNetwork, K3sCniPaths, MacvlanNetwork, MultusThick, nad, VlanNetwork } from '../../src';
import { json, lanIpam, ruleIds, synthErrors, tempFile, thickChart } from '../_util';
import { ds, ids, withMistake } from './_util';

test('nad-crd: a misspelt CRD name and a wrong NAD apiVersion', () => {
  const { chart, multus } = thickChart();
  multus.crd!.addJsonPatch(JsonPatch.replace('/metadata/name', 'networkattachmentdefinitions.k8s.cni.cncf.io'));
  new ApiObject(chart, 'bad', { apiVersion: 'k8s.cni.cncf.io/v1beta1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'x' } });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['nad-crd']);
  expect(errors).toHaveLength(2);
});

test('nad-config: a config that is not JSON or names no plugin', () => {
  const { chart } = thickChart();
  new nad.NetworkAttachmentDefinition(chart, 'a', { metadata: { name: 'a' }, spec: { config: '{ type: macvlan }' } });
  new nad.NetworkAttachmentDefinition(chart, 'b', { metadata: { name: 'b' }, spec: { config: '{"cniVersion":"1.0.0"}' } });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['nad-config']);
  expect(errors).toHaveLength(2);
});

test('nad-config: a cniVersion the plugins refuse ("incompatible CNI versions"), and every one they accept passes', () => {
  const { chart } = thickChart();
  new nad.NetworkAttachmentDefinition(chart, 'a', { metadata: { name: 'a' }, spec: { config: '{"cniVersion":"1.2.0","type":"bridge"}' } });
  new nad.NetworkAttachmentDefinition(chart, 'b', { metadata: { name: 'b' }, spec: { config: '{"cniVersion":"0.3","plugins":[{"type":"bridge"}]}' } });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['nad-config']);
  expect(errors).toHaveLength(2);
  expect(errors[0]).toContain('spec.config: cniVersion "1.2.0" is not one the plugins and Multus accept (0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0)');
  for (const version of ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']) {
    const ok = thickChart().chart;
    new nad.NetworkAttachmentDefinition(ok, 'a', { metadata: { name: 'a' }, spec: { config: JSON.stringify({ cniVersion: version, type: 'bridge' }) } });
    expect(synthErrors(ok)).toEqual([]);
  }
});

test('nad-config: a master that cannot name a NIC and an MTU the kernel refuses, patched into the config (the real plugin fails on both: test/conformance)', () => {
  const { chart } = thickChart();
  const lan = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: lanIpam() });
  expect(synthErrors(chart)).toEqual([]);
  lan.addJsonPatch(JsonPatch.replace('/spec/config', JSON.stringify({ ...lan.config, master: 'eth0/1', mtu: 70000 })));
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['nad-config']);
  expect(errors.find((e) => e.includes('spec.config.master'))).toContain('master "eth0/1" cannot name a network interface');
  expect(errors.find((e) => e.includes('spec.config.mtu'))).toContain('mtu must be an integer from 68');
  // In a conflist, the plugin entry is named.
  lan.addJsonPatch(JsonPatch.replace('/spec/config', JSON.stringify({ cniVersion: '1.0.0', name: 'lan', plugins: [{ type: 'macvlan', master: 'eth0', mtu: 30 }, { type: 'tuning' }] })));
  expect(synthErrors(chart).filter((e) => e.includes('nad-config'))[0]).toContain('spec.config.plugins[0].mtu');
});

test('plugin-config: what the vlan, host-device, tuning and sbr plugins refuse in their own config check, patched or written by hand (the real plugins fail on each: test/conformance)', () => {
  const { chart } = thickChart();
  const add = (name: string, config: any) => new nad.NetworkAttachmentDefinition(chart, name, { metadata: { name }, spec: { config: JSON.stringify({ cniVersion: '1.0.0', name, ...config }) } });
  const ipam = { type: 'static', addresses: [{ address: '192.168.1.200/24' }] };
  add('vlan', { type: 'vlan', master: 'eth0', vlanId: 4095, ipam });
  add('novlanmaster', { type: 'vlan', vlanId: 10, ipam });
  add('nodevice', { type: 'host-device', ipam });
  add('badpath', { type: 'host-device', kernelpath: '/sys/class/net/eth1' });
  add('tuned', { plugins: [{ type: 'macvlan', master: 'eth0', ipam }, { type: 'tuning', sysctl: { 'kernel.domainname': 'x' }, mac: '01:00:5e:00:00:01' }] });
  add('sbrnoaddr', { plugins: [{ type: 'macvlan', master: 'eth0' }, { type: 'sbr' }] });
  add('alone', { type: 'tuning', mtu: 1400 });
  const errors = synthErrors(chart).filter((e) => e.includes('plugin-config'));
  const fields = errors.map((e) => /NetworkAttachmentDefinition (\S+) (\S+):/.exec(e)!.slice(1, 3).join(' ')).sort();
  expect(fields).toEqual([
    'alone spec.config.type',
    'badpath spec.config.kernelpath',
    'nodevice spec.config',
    'novlanmaster spec.config.master',
    'sbrnoaddr spec.config.plugins[1].type',
    'tuned spec.config.plugins[1].mac',
    'tuned spec.config.plugins[1].sysctl["kernel.domainname"]',
    'vlan spec.config.vlanId',
  ]);
  expect(errors.find((e) => e.includes('NetworkAttachmentDefinition vlan '))).toContain('vlanId must be a VLAN id from 1 to 4094, got 4095');
  expect(errors.find((e) => e.includes('NetworkAttachmentDefinition alone '))).toContain('tuning only changes what an earlier plugin of a conflist made');
});

test('plugin-config: silent on what the library writes for every new type', () => {
  const { chart } = thickChart();
  new VlanNetwork(chart, 'V', { master: 'eth0', vlanId: 10, ipam: lanIpam() });
  new HostDeviceNetwork(chart, 'H', { kernelPath: '/sys/devices/pci0000:00/0000:00:1f.6', ipam: lanIpam() });
  new HostDeviceNetwork(chart, 'H2', { hardwareAddress: '02:00:00:00:00:09' });
  new MacvlanNetwork(chart, 'M', { master: 'eth1', ipam: lanIpam(), chain: [Chain.tuning({ sysctls: { 'net.ipv4.conf.IFNAME.arp_filter': '1' }, mac: '02:00:00:00:00:01' }), Chain.portMap(), Chain.sbr()] });
  expect(synthErrors(chart).filter((e) => e.includes('plugin-config'))).toEqual([]);
});

test('plugin-available: macvlan on k3s with nothing that installs it', () => {
  const chart = Testing.chart();
  new K3sCniPaths(chart, 'paths');
  new nad.NetworkAttachmentDefinition(chart, 'lan', {
    metadata: { name: 'lan' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth0', ipam: { type: 'static' } }) },
  });
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['plugin-available']);
  expect(errors.join('\n')).toContain('NetworkAttachmentDefinition default/lan uses plugin "macvlan"');
  expect(errors.join('\n')).toContain('uses plugin "static"');
});

test('plugin-available: plugins named inside other plugins\' configs (flannel\'s delegate, a Multus config\'s delegates), judged by the lint command', () => {
  const flannel = (delegate: any) => JSON.stringify({
    cniVersion: '1.0.0', name: 'cbr0', plugins: [{ type: 'flannel', delegate }, { type: 'portmap', capabilities: { portMappings: true } }],
  });
  // k3s's own 10-flannel.conflist: flannel runs bridge with host-local, both bundled.
  expect(json([tempFile('10-flannel.conflist', flannel({ hairpinMode: true, isDefaultGateway: true }))]).report.findings).toEqual([]);
  // A flannel that delegates to ipvlan: on a node with k3s's plugins (and sbr, declared) it fails
  // with 'failed to find plugin "ipvlan"'. Alone, the file says nothing of the node's plugins.
  const ipvlanFile = tempFile('10-flannel.conflist', flannel({ type: 'ipvlan', master: 'eth0' }));
  const ipvlan = json([ipvlanFile, '--node-plugins', 'sbr']).report.findings;
  expect(ipvlan.map((f: any) => [f.ruleId, f.found])).toEqual([['plugin-available', 'ipvlan']]);
  expect(json([ipvlanFile]).report.notJudged.map((n: any) => [n.ruleId, n.field])).toEqual([['plugin-available', 'spec.config']]);
  // A Multus config whose delegate is a conflist chaining tuning.
  const multus = JSON.stringify({
    cniVersion: '1.0.0',
    name: 'multus-cni-network',
    type: 'multus',
    delegates: [{ cniVersion: '1.0.0', name: 'cbr0', plugins: [{ type: 'flannel', delegate: {} }, { type: 'tuning' }] }],
  });
  expect(json([tempFile('00-multus.conf', multus), '--node-plugins', 'sbr']).report.findings.filter((f: any) => f.ruleId === 'plugin-available').map((f: any) => f.found).sort())
    .toEqual(['multus', 'tuning']);
});

test('plugin-available: a plugin that the installer image does not carry', () => {
  const { chart } = thickChart();
  new nad.NetworkAttachmentDefinition(chart, 'lan', {
    metadata: { name: 'lan' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth0', ipam: { type: 'whereabouts' } }) },
  });
  const errors = synthErrors(chart);
  // Whereabouts without its installer: the plugin is missing, and so is its configuration.
  expect(ids(errors)).toEqual(['plugin-available', 'whereabouts-config']);
  expect(errors.find((e) => e.includes('plugin-available'))).toContain('failed to find plugin "whereabouts" in path [/var/lib/rancher/k3s/data/cni]');
});

test('network-name-unique: two networks with one name in one namespace', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  new MacvlanNetwork(chart, 'A', { name: 'lan' });
  new IpvlanNetwork(chart, 'B', { name: 'lan' });
  expect(synthErrors(chart).join('\n')).toContain('network-name-unique (error) NetworkAttachmentDefinition default/lan');
});

test('network-overlap: a fixed address inside another network\'s range on the same master', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  new MacvlanNetwork(chart, 'Pool', { master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.100', rangeEnd: '192.168.1.250' }] }) });
  new MacvlanNetwork(chart, 'Fixed', { master: 'eth0', ipam: lanIpam() });
  new MacvlanNetwork(chart, 'Other', { master: 'eth1', ipam: lanIpam() });
  const errors = synthErrors(chart);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('on master eth0, default/fixed hands out 192.168.1.200/24, which overlaps 192.168.1.0/24 192.168.1.100-192.168.1.250 of default/pool');
});

test('network-overlap: a macvlan and an ipvlan network on one master, and Whereabouts ranges, judged by the lint command', () => {
  const nadOf = (name: string, config: any) => ({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', name, master: 'eth0', ...config }) },
  });
  const whereabouts = (range: string, networkName?: string) => ({
    type: 'whereabouts', range, configuration_path: '/etc/cni/net.d/whereabouts.d/whereabouts.conf', ...(networkName ? { network_name: networkName } : {}),
  });
  const overlaps = (...objects: any[]) => json(['--distro', 'standard', '--node-plugins', 'macvlan,ipvlan,static,host-local,whereabouts', '-'],
    objects.map((o) => JSON.stringify(o)).join('\n---\n')).report.findings.filter((f: any) => f.ruleId === 'network-overlap').map((f: any) => f.message);
  // Two plugins, one LAN: compared.
  expect(overlaps(
    nadOf('mac', { type: 'macvlan', ipam: { type: 'host-local', ranges: [[{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.100', rangeEnd: '192.168.1.150' }]] } }),
    nadOf('ipv', { type: 'ipvlan', ipam: { type: 'static', addresses: [{ address: '192.168.1.120/24' }] } }),
  )).toEqual([expect.stringContaining('on master eth0, default/ipv hands out 192.168.1.120/24, which overlaps 192.168.1.0/24 192.168.1.100-192.168.1.150 of default/mac')]);
  // A Whereabouts range over a fixed address of another network.
  expect(overlaps(
    nadOf('wa', { type: 'macvlan', ipam: whereabouts('192.168.1.0/24') }),
    nadOf('fixed', { type: 'macvlan', ipam: { type: 'static', addresses: [{ address: '192.168.1.7/24' }] } }),
  )).toHaveLength(1);
  // Two Whereabouts networks of one pool share its allocations; another network_name is another pool.
  expect(overlaps(nadOf('wa1', { type: 'macvlan', ipam: whereabouts('192.168.1.0/24') }), nadOf('wa2', { type: 'ipvlan', ipam: whereabouts('192.168.1.0/24') }))).toEqual([]);
  expect(overlaps(nadOf('wa1', { type: 'macvlan', ipam: whereabouts('192.168.1.0/24', 'a') }), nadOf('wa2', { type: 'macvlan', ipam: whereabouts('192.168.1.0/24', 'b') }))).toHaveLength(1);
});

test('network-overlap: disjoint ranges and addresses on one master pass', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  new MacvlanNetwork(chart, 'Pool', { master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.100', rangeEnd: '192.168.1.150' }] }) });
  new MacvlanNetwork(chart, 'Fixed', { master: 'eth0', ipam: lanIpam() });
  expect(synthErrors(chart)).toEqual([]);
});

test('network-overlap: bridge networks group by bridge, not by master', () => {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  const range = () => Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.100', rangeEnd: '192.168.1.150' }] });
  new BridgeNetwork(chart, 'A', { bridge: 'br0', ipam: range() });
  new BridgeNetwork(chart, 'B', { bridge: 'br0', ipam: Ipam.fixedAddress('192.168.1.120/24') });
  // The same addresses on another bridge, and on a macvlan whose master is named like the bridge: other segments.
  new BridgeNetwork(chart, 'C', { bridge: 'br1', ipam: range() });
  new MacvlanNetwork(chart, 'D', { master: 'br0', ipam: range() });
  // The plugin's default bridge, cni0, named or not.
  new BridgeNetwork(chart, 'E', { ipam: Ipam.fixedAddress('10.1.0.5/24') });
  new BridgeNetwork(chart, 'F', { bridge: 'cni0', ipam: Ipam.fixedAddress('10.1.0.5/24') });
  const errors = synthErrors(chart);
  expect(errors).toHaveLength(2);
  expect(errors[0]).toContain('on bridge br0, default/b hands out 192.168.1.120/24, which overlaps 192.168.1.0/24 192.168.1.100-192.168.1.150 of default/a');
  expect(errors[1]).toContain('on bridge cni0, default/');
});

test('bridge-gateway: two networks giving one bridge different gateways; one gateway, other bridges or forceAddress pass', () => {
  const chart = Testing.chart();
  const range = (third: number) => Ipam.hostLocal({ ranges: [{ subnet: `192.168.${third}.0/24` }] });
  new BridgeNetwork(chart, 'A', { bridge: 'br0', isGateway: true, ipam: range(1) });
  new BridgeNetwork(chart, 'B', { bridge: 'br0', isDefaultGateway: true, ipam: range(2) });
  new BridgeNetwork(chart, 'C', { bridge: 'br1', isGateway: true, ipam: range(3) });
  new BridgeNetwork(chart, 'D', { bridge: 'br0', ipam: range(4) });
  const errors = synthErrors(chart);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('bridge-gateway (error) NetworkAttachmentDefinition default/b spec.config.isGateway');
  expect(errors[0]).toContain('default/b and default/a both make bridge br0 their gateway, with 192.168.2.1 and 192.168.1.1');
  const forced = {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'e' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'e', type: 'bridge', bridge: 'br0', isGateway: true, forceAddress: true, ipam: { type: 'host-local', ranges: [[{ subnet: '192.168.9.0/24' }]] } }) },
  };
  const a = { ...forced, metadata: { name: 'a' }, spec: { config: JSON.stringify({ ...JSON.parse(forced.spec.config), name: 'a', forceAddress: false, ipam: { type: 'host-local', ranges: [[{ subnet: '192.168.1.0/24' }]] } }) } };
  expect(json(['-'], [a, forced].map((o) => JSON.stringify(o)).join('\n---\n')).report.findings.filter((f: any) => f.ruleId === 'bridge-gateway')).toEqual([]);
});

test('bridge-gateway and plugin-config on conflists from the lint command: a chained bridge network is judged by its first plugin', () => {
  const nadOf = (name: string, plugins: any[]) => ({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', name, plugins }) },
  });
  const bridge = (third: number) => ({ type: 'bridge', bridge: 'br0', isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet: `192.168.${third}.0/24` }]] } });
  const input = [
    nadOf('a', [bridge(1), { type: 'tuning', sysctl: { 'net.ipv4.conf.IFNAME.arp_filter': '1' } }]),
    nadOf('b', [bridge(2), { type: 'sbr' }]),
    nadOf('c', [{ type: 'portmap', capabilities: { portMappings: true } }, bridge(3)]),
  ];
  const { report } = json(['--node-plugins', 'tuning,sbr', '-'], input.map((o) => JSON.stringify(o)).join('\n---\n'));
  const found = report.findings.filter((f: any) => ['bridge-gateway', 'plugin-config'].includes(f.ruleId)).map((f: any) => `${f.ruleId} ${f.name} ${f.field}`).sort();
  expect(found).toEqual(['bridge-gateway b spec.config.plugins[0].isGateway', 'plugin-config c spec.config.plugins[0].type']);
});

test('nad-ipam: an invalid CIDR is reported with the form to write', () => {
  const { report } = json(['--node-plugins', 'macvlan', tempFile('nad.json', JSON.stringify({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'lan' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type: 'macvlan', master: 'eth0', ipam: { type: 'host-local', ranges: [[{ subnet: '192.168.300.0/24' }]] } }) },
  }))]);
  const f = report.findings.find((x: any) => x.ruleId === 'nad-ipam');
  expect(f.message).toBe('ranges[0][0].subnet: "192.168.300.0/24" is not a valid IPv4 CIDR; write it like 192.168.1.0/24');
  expect(f.fix).toBe('write it like 192.168.1.0/24');
});

test('nad-ipam: a host-bits subnet is explained with the network address', () => {
  const lan = {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'lan' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type: 'macvlan', ipam: { type: 'host-local', ranges: [[{ subnet: '192.168.1.200/24' }]] } }) },
  };
  const f = json(['-'], JSON.stringify(lan)).report.findings.find((x: any) => x.ruleId === 'nad-ipam');
  expect(f.message).toContain('has host bits set');
  expect(f.message).toContain('192.168.1.0/24');
});

// Failures seen in the field, each as a fixture judged by the lint command.
test.each([
  ['plugin-available', 'macvlan not installed', (o: any[]) => { ds(o).initContainers.splice(1, 1); }],
  ['nad-ipam', 'IP address used as a subnet', (o: any[]) => {
    const lan = o.find((x) => x.kind === 'NetworkAttachmentDefinition');
    lan.spec.config = JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type: 'macvlan', master: 'eth0', ipam: { type: 'host-local', subnet: '192.168.1.200/24' } });
  }],
  ['nad-crd', 'CRD name misspelt', (o: any[]) => { o.find((x) => x.kind === 'CustomResourceDefinition').metadata.name = 'networkattachmentdefinitions.k8s.cni.cncf.io'; }],
])('%s: %s, a fixture judged by the lint command', (rule, _name, edit) => {
  const { code, report } = json([withMistake(edit)]);
  expect(code).toBe(1);
  expect(ruleIds(report)).toContain(rule);
});

test('nad-ipam: an IPv6 network on an interface with an MTU under 1280, patched into the config', () => {
  const { chart } = thickChart();
  const lan = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', mtu: 1400, ipam: Ipam.fixedAddress('fd00::5/64') });
  expect(synthErrors(chart)).toEqual([]);
  lan.addJsonPatch(JsonPatch.replace('/spec/config', JSON.stringify({ ...lan.config, mtu: 1200 })));
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['nad-ipam']);
  expect(errors[0]).toContain('NetworkAttachmentDefinition default/lan spec.config.mtu: mtu 1200 is below 1280, the IPv6 minimum');
  expect(errors[0]).toContain('Fix: set mtu to 1280 or more, or assign IPv4 only');
});

test('macvtap-resource: a macvtap NAD without the resourceName annotation, and one requesting a resource the device plugin does not offer', () => {
  const nadOf = (name: string, annotations?: object) => ({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name, namespace: 'vms', ...(annotations ? { annotations } : {}) },
    spec: { config: JSON.stringify({ cniVersion: '0.3.1', name, type: 'macvtap', mtu: 1500 }) },
  });
  const dpConfig = (list: object[]) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'macvtap-deviceplugin-config' }, data: { DP_MACVTAP_CONF: JSON.stringify(list) } });
  const lint = (objects: object[]) => json(['--distro', 'standard', '-'], objects.map((o) => JSON.stringify(o)).join('\n---\n'))
    .report.findings.filter((x: any) => x.ruleId === 'macvtap-resource');
  const offered = dpConfig([{ name: 'dataplane', lowerDevice: 'eth1' }]);
  const [missing, ...none] = lint([offered, nadOf('a'), nadOf('b', { 'k8s.v1.cni.cncf.io/resourceName': 'macvtap.network.kubevirt.io/dataplane' })]);
  expect(none).toEqual([]);
  expect(missing).toMatchObject({ name: 'a', field: 'metadata.annotations["k8s.v1.cni.cncf.io/resourceName"]', found: 'absent' });
  expect(missing.message).toContain('Multus then passes the plugin no deviceID');
  const [unoffered] = lint([offered, nadOf('c', { 'k8s.v1.cni.cncf.io/resourceName': 'macvtap.network.kubevirt.io/eth9' })]);
  expect(unoffered.message).toContain('requests macvtap.network.kubevirt.io/eth9, which no macvtap device plugin config (DP_MACVTAP_CONF) in these manifests offers');
  // An empty list offers one resource per NIC: nothing to judge against; no config at all: likewise.
  expect(lint([dpConfig([]), nadOf('c', { 'k8s.v1.cni.cncf.io/resourceName': 'macvtap.network.kubevirt.io/eth9' })])).toEqual([]);
  expect(lint([nadOf('c', { 'k8s.v1.cni.cncf.io/resourceName': 'macvtap.network.kubevirt.io/eth9' })])).toEqual([]);
});
