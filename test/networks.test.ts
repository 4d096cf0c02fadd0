import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  BridgeNetwork, Chain, CniNetwork, DhcpDaemon, HostDeviceNetwork, Ipam, IpvlanMode, IpvlanNetwork, K3sLayout, KubeVirt, KubeVirtBinding,
  MacvlanMode, MacvlanNetwork, MacvtapDevicePlugin, MacvtapMode, MacvtapNetwork, MultusRules, MultusThick, PortMapBackend, PortProtocol, VlanNetwork,
} from '../src';
import { schemaErrors } from './_schema';
import { lanIpam, objectOf, synthErrors } from './_util';

describe('MacvlanNetwork', () => {
  test('emits a NetworkAttachmentDefinition with a stable key order', () => {
    const chart = Testing.chart();
    new MacvlanNetwork(chart, 'Lan', { master: 'eth0', mtu: 1500, linkInContainer: true, ipam: lanIpam(), capabilities: { ips: true, mac: true } });
    const nad = objectOf(Testing.synth(chart), 'NetworkAttachmentDefinition');
    expect(nad.metadata).toEqual({ name: 'lan', namespace: 'default' });
    expect(nad.spec.config).toBe(
      '{"cniVersion":"1.0.0","name":"lan","type":"macvlan","master":"eth0","mode":"bridge","mtu":1500,"linkInContainer":true,' +
      '"capabilities":{"ips":true,"mac":true},"ipam":{"type":"static","addresses":[{"address":"192.168.1.200/24","gateway":"192.168.1.1"}]}}');
    expect(schemaErrors(nad)).toEqual([]);
  });

  test('defaults: mode bridge, no master (the default-route NIC), no IPAM', () => {
    const chart = Testing.chart();
    const n = new MacvlanNetwork(chart, 'Plain');
    expect(n.config).toEqual({ cniVersion: '1.0.0', name: 'plain', type: 'macvlan', mode: 'bridge' });
  });

  test('is itself the NetworkAttachmentDefinition, and instanceof tells the network classes apart', () => {
    const chart = Testing.chart();
    const mac = new MacvlanNetwork(chart, 'Lan', { master: 'eth0' });
    const ipv = new IpvlanNetwork(chart, 'Wifi', { master: 'wlan0' });
    const plain = new ApiObject(chart, 'Plain', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(ApiObject.of(mac)).toBe(mac);
    expect(mac.kind).toBe('NetworkAttachmentDefinition');
    expect(mac.node.children).toEqual([]);
    // ApiObject answers instanceof for every ApiObject; the network classes answer by prototype.
    expect([mac instanceof MacvlanNetwork, ipv instanceof MacvlanNetwork, plain instanceof MacvlanNetwork]).toEqual([true, false, false]);
    expect([mac instanceof CniNetwork, ipv instanceof CniNetwork, plain instanceof CniNetwork]).toEqual([true, true, false]);
    expect(mac instanceof ApiObject).toBe(true);
    mac.addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'net' }));
    expect(objectOf(Testing.synth(chart), 'NetworkAttachmentDefinition', 'lan').metadata.labels).toEqual({ team: 'net' });
  });

  test('config is a copy: changing it changes neither the network nor what is written', () => {
    const chart = Testing.chart();
    const n = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: lanIpam(), dns: { nameservers: ['192.168.1.1'] } });
    const before = JSON.stringify(n.config);
    const copy = n.config;
    copy.ipam.addresses[0].address = '10.0.0.1/8';
    copy.dns.nameservers.push('10.0.0.1');
    copy.master = 'eth9';
    expect(JSON.stringify(n.config)).toBe(before);
    expect(objectOf(Testing.synth(chart), 'NetworkAttachmentDefinition').spec.config).toBe(before);
  });

  test.each([
    [{ master: 'a-very-long-nic-name' }, /master: "a-very-long-nic-name" is not a Linux interface name/],
    [{ mtu: 10 }, /mtu must be an integer from 68/],
    [{ name: 'Lan_1' }, /name "Lan_1" is not a DNS label/],
    [{ cniVersion: '1.0' }, /cniVersion "1.0" is not one the plugins and Multus accept \(0\.1\.0, 0\.2\.0, 0\.3\.0, 0\.3\.1, 0\.4\.0, 1\.0\.0, 1\.1\.0\)/],
    // Well-formed, and still refused by the plugins: "incompatible CNI versions".
    [{ cniVersion: '1.2.0' }, /cniVersion "1\.2\.0" is not one the plugins and Multus accept .*incompatible CNI versions/],
    [{ cniVersion: '0.3.2' }, /cniVersion "0\.3\.2" is not one the plugins and Multus accept/],
  ])('fails when %j', (props, message) => {
    expect(() => new MacvlanNetwork(Testing.chart(), 'n', props as any)).toThrow(message);
  });
});

describe('MTU and address families', () => {
  test('fails when an IPv6 network gets an MTU under 1280 (the kernel turns IPv6 off on the link); IPv4 may go lower', () => {
    const chart = Testing.chart();
    expect(() => new MacvlanNetwork(chart, 'A', { mtu: 1200, ipam: Ipam.hostLocal({ ranges: [{ subnet: 'fd00::/64' }] }) }))
      .toThrow(/^MacvlanNetwork: mtu 1200 is below 1280, the IPv6 minimum, and the network assigns IPv6 addresses: .*set mtu to 1280 or more/);
    expect(() => new MacvlanNetwork(chart, 'B', { mtu: 1200, ipam: Ipam.fixedAddress('192.168.1.5/24') })).not.toThrow();
    expect(() => new MacvlanNetwork(chart, 'C', { mtu: 1280, ipam: Ipam.fixedAddress('fd00::5/64') })).not.toThrow();
  });
});

describe('IpvlanNetwork', () => {
  test('emits l2, l3 and l3s modes', () => {
    const chart = Testing.chart();
    for (const mode of [IpvlanMode.L2, IpvlanMode.L3, IpvlanMode.L3S]) {
      expect(new IpvlanNetwork(chart, `w${mode}`, { master: 'wlan0', mode, ipam: Ipam.dhcp() }).config)
        .toEqual({ cniVersion: '1.0.0', name: `w${mode}`, type: 'ipvlan', master: 'wlan0', mode, ipam: { type: 'dhcp' } });
    }
  });

  test('fails when a MAC capability is declared, which ipvlan cannot honour', () => {
    expect(() => new IpvlanNetwork(Testing.chart(), 'w', { capabilities: { mac: true } })).toThrow(/master's MAC/);
  });
});

describe('attachTo', () => {
  function setup(replicas = 1) {
    const chart = Testing.chart();
    const lan = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.200', rangeEnd: '192.168.1.220' }] }), capabilities: { ips: true, mac: true } });
    const web = new kplus.Deployment(chart, 'Web', { replicas, strategy: kplus.DeploymentStrategy.recreate(), containers: [{ image: 'busybox:1.36', command: ['sleep', 'infinity'] }] });
    return { chart, lan, web };
  }

  test('fails when a requested IP is the network\'s gateway or its network address, or a default route leaves the network', () => {
    // host-local's gateway is the subnet's first address unless one is set.
    expect(() => setup().lan.attachTo(setup().web, { ips: ['192.168.1.1/24'] })).toThrow(/ips\[0\] 192\.168\.1\.1\/24 is the network's gateway; request another address/);
    expect(() => setup().lan.attachTo(setup().web, { ips: ['192.168.1.0/24'] })).toThrow(/ips\[0\] 192\.168\.1\.0\/24 is the network address of its subnet/);
    expect(() => setup().lan.attachTo(setup().web, { defaultRoute: ['10.0.0.1'] }))
      .toThrow(/defaultRoute\[0\] 10\.0\.0\.1 is outside the network's subnets \(192\.168\.1\.0\/24\).*name a router inside them/);
    const { lan, web } = setup();
    expect(() => lan.attachTo(web, { ips: ['192.168.1.210/24'], defaultRoute: ['192.168.1.1'] })).not.toThrow();
  });

  test('fails when a Deployment\'s rolling update would put a fixed address or MAC on two pods at once', () => {
    const chart = Testing.chart();
    const fixed = new MacvlanNetwork(chart, 'Fixed', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24') });
    const lan = new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24' }] }), capabilities: { ips: true, mac: true } });
    const deployment = (id: string, strategy?: kplus.DeploymentStrategy) =>
      new kplus.Deployment(chart, id, { replicas: 1, strategy, containers: [{ image: 'busybox:1.36.1' }] });
    // The default strategy: RollingUpdate with maxSurge 25%, which rounds up to one extra pod.
    expect(() => fixed.attachTo(deployment('Default'))).toThrow(
      /the network's fixed address is held by one pod, but Default is a Deployment whose RollingUpdate starts 1 new pod before it stops the old one.*Set the Deployment's strategy to Recreate/);
    expect(() => lan.attachTo(deployment('Ips'), { ips: ['192.168.1.210/24'] })).toThrow(/a requested address or MAC is held by one pod.*RollingUpdate starts 1 new pod/);
    expect(() => lan.attachTo(deployment('Mac'), { mac: '02:00:00:00:00:07' })).toThrow(/RollingUpdate starts 1 new pod/);
    expect(() => fixed.attachTo(deployment('Surge', kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1) })))).toThrow(/RollingUpdate starts 1 new pod/);
    // No overlap: Recreate, a rolling update that surges by none, a StatefulSet, a Pod.
    expect(() => fixed.attachTo(deployment('Recreate', kplus.DeploymentStrategy.recreate()))).not.toThrow();
    expect(() => fixed.attachTo(deployment('NoSurge', kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(0), maxUnavailable: kplus.PercentOrAbsolute.absolute(1) })))).not.toThrow();
    expect(() => fixed.attachTo(new kplus.StatefulSet(chart, 'Db', { replicas: 1, service: new kplus.Service(chart, 'DbService', { ports: [{ port: 80 }] }), containers: [{ image: 'busybox:1.36.1' }] }))).not.toThrow();
    expect(() => lan.attachTo(deployment('Shared'))).not.toThrow();
  });

  test('writes the JSON networks annotation on the pod template, not the workload', () => {
    const { chart, lan, web } = setup();
    lan.attachTo(web, { ips: ['192.168.1.205/24'], mac: '02:00:00:00:00:05', defaultRoute: ['192.168.1.1'] });
    lan.attachTo(web, { interface: 'lan2' });
    const d = objectOf(Testing.synth(chart), 'Deployment');
    expect(d.metadata.annotations).toBeUndefined();
    expect(JSON.parse(d.spec.template.metadata.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
      { 'name': 'lan', 'namespace': 'default', 'interface': 'net1', 'ips': ['192.168.1.205/24'], 'mac': '02:00:00:00:00:05', 'default-route': ['192.168.1.1'] },
      { name: 'lan', namespace: 'default', interface: 'lan2' },
    ]);
  });

  test('works on a Pod', () => {
    const chart = Testing.chart();
    const lan = new MacvlanNetwork(chart, 'Lan', { ipam: lanIpam() });
    const pod = new kplus.Pod(chart, 'Vm', { containers: [{ image: 'busybox:1.36' }] });
    lan.attachTo(pod);
    expect(objectOf(Testing.synth(chart), 'Pod').metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe('[{"name":"lan","namespace":"default","interface":"net1"}]');
  });

  test('fails when requested ips lie outside the network\'s subnets', () => {
    const { lan, web } = setup();
    expect(() => lan.attachTo(web, { ips: ['10.0.0.5/24'] })).toThrow(/ips\[0\] 10\.0\.0\.5\/24 is not inside the network's subnets \(192\.168\.1\.0\/24\)/);
    expect(() => lan.attachTo(web, { ips: ['192.168.1.5/16'] })).toThrow(/same prefix length/);
  });

  test('fails when ips or a mac are requested without the capability', () => {
    const chart = Testing.chart();
    const lan = new MacvlanNetwork(chart, 'Lan', { ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24' }] }) });
    const pod = new kplus.Pod(chart, 'P', { containers: [{ image: 'busybox:1.36' }] });
    expect(() => lan.attachTo(pod, { ips: ['192.168.1.5/24'] })).toThrow(/does not declare capabilities\.ips.*set capabilities: \{ ips: true \}/);
    expect(() => lan.attachTo(pod, { mac: '02:00:00:00:00:01' })).toThrow(/does not declare capabilities\.mac/);
  });

  test('fails when an interface name is too long, eth0 or lo, or used twice in one pod', () => {
    const { lan, web } = setup();
    expect(() => lan.attachTo(web, { interface: 'sixteen-chars-xx' })).toThrow(/not a Linux interface name/);
    // Every pod has eth0 (the primary network's) and lo already: an attachment named so fails its ADD.
    expect(() => lan.attachTo(web, { interface: 'eth0' })).toThrow(/Web\): interface "eth0" is the primary \(cluster\) network's interface, which every pod already has; name the attachment net1, lan0 or the like/);
    expect(() => lan.attachTo(web, { interface: 'lo' })).toThrow(/interface "lo" is the pod's loopback interface/);
    lan.attachTo(web, { interface: 'lan0' });
    expect(() => lan.attachTo(web, { interface: 'lan0' })).toThrow(/"lan0" is already used/);
  });

  test('fails when a fixed address or MAC goes to a workload with more than one pod', () => {
    expect(() => setup(3).lan.attachTo(setup(3).web, { ips: ['192.168.1.205/24'] })).toThrow(/Web runs 3 pods; use a workload with exactly one pod/);
    const chart = Testing.chart();
    const fixed = new MacvlanNetwork(chart, 'Fixed', { ipam: lanIpam() });
    const ds = new kplus.DaemonSet(chart, 'Ds', { containers: [{ image: 'busybox:1.36' }] });
    expect(() => fixed.attachTo(ds)).toThrow(/the network's fixed address gives every pod the same address, but Ds runs one pod per node/);
    const deploy = new kplus.Deployment(chart, 'Two', { containers: [{ image: 'busybox:1.36' }] });
    expect(() => fixed.attachTo(deploy)).toThrow(/Two runs 2 pods/);
  });

  test('fails on a malformed or multicast MAC', () => {
    const { lan, web } = setup();
    expect(() => lan.attachTo(web, { mac: '02:00:00:00:00' })).toThrow(/is not a MAC address/);
    expect(() => lan.attachTo(web, { mac: '01:00:5e:00:00:01' })).toThrow(/multicast/);
  });
});

describe('KubeVirt', () => {
  test('yields the pod network as pod: {} and a secondary network by namespace/name', () => {
    const chart = Testing.chart();
    const lan = new MacvlanNetwork(chart, 'Lan', { namespace: 'vms', mode: MacvlanMode.PASSTHRU, ipam: Ipam.none() });
    expect(KubeVirt.podNetwork()).toEqual({ network: { name: 'default', pod: {} }, iface: { name: 'default', masquerade: {} } });
    expect(KubeVirt.secondaryNetwork(lan, KubeVirtBinding.bridge())).toEqual({
      network: { name: 'lan', multus: { networkName: 'vms/lan' } }, iface: { name: 'lan', bridge: {} },
    });
  });

  test('refuses the bridge binding on a macvlan network that is not passthru, and offers what works', () => {
    const lan = new MacvlanNetwork(Testing.chart(), 'Lan');
    expect(() => KubeVirt.secondaryNetwork(lan, KubeVirtBinding.bridge())).toThrow(
      'KubeVirt.secondaryNetwork: the bridge binding on network default/lan (macvlan/bridge) passes no inbound traffic');
    expect(() => KubeVirt.secondaryNetwork(lan, KubeVirtBinding.bridge())).toThrow(/Fix: use KubeVirtBinding.bridge\(\) on a BridgeNetwork .* or on a MacvlanNetwork with mode PASSTHRU, or KubeVirtBinding.macvtap\(\) on a MacvtapNetwork/);
    expect(() => KubeVirt.secondaryNetwork(lan, KubeVirtBinding.masquerade())).toThrow(/masquerade binds only the pod network/);
  });

  test.each([MacvlanMode.BRIDGE, MacvlanMode.PASSTHRU])('refuses the macvtap binding on a macvlan network (mode %s), naming the network, the binding and the fix', (mode) => {
    const lan = new MacvlanNetwork(Testing.chart(), 'Lan', { namespace: 'vms', mode, ipam: Ipam.none() });
    expect(() => KubeVirt.secondaryNetwork(lan, KubeVirtBinding.macvtap())).toThrow(
      `KubeVirt.secondaryNetwork: the macvtap binding on network vms/lan (macvlan/${mode}) cannot start the VM`);
    expect(() => KubeVirt.secondaryNetwork(lan, KubeVirtBinding.macvtap())).toThrow(/Fix: use KubeVirtBinding.macvtap\(\) only on a MacvtapNetwork/);
  });

  test('refuses the macvtap binding on an ipvlan network', () => {
    const lan = new IpvlanNetwork(Testing.chart(), 'Lan');
    expect(() => KubeVirt.secondaryNetwork(lan, KubeVirtBinding.macvtap())).toThrow(/the macvtap binding on network default\/lan \(ipvlan\) cannot start the VM/);
  });
});

describe('BridgeNetwork', () => {
  test('emits the bridge plugin\'s keys in a stable order, VLAN trunks as id or minID/maxID', () => {
    const chart = Testing.chart();
    const net = new BridgeNetwork(chart, 'Lan', {
      bridge: 'br-lan',
      isGateway: true,
      isDefaultGateway: true,
      ipMasq: true,
      hairpinMode: true,
      vlan: 100,
      vlanTrunk: [{ minId: 200 }, { minId: 300, maxId: 310 }],
      mtu: 1400,
      ipam: lanIpam(),
    });
    expect(Object.keys(net.config)).toEqual(['cniVersion', 'name', 'type', 'bridge', 'isGateway', 'isDefaultGateway', 'ipMasq', 'hairpinMode', 'vlan', 'vlanTrunk', 'mtu', 'ipam']);
    expect(net.config.vlanTrunk).toEqual([{ id: 200 }, { minID: 300, maxID: 310 }]);
    expect(new BridgeNetwork(chart, 'Plain').config).toEqual({ cniVersion: '1.0.0', name: 'plain', type: 'bridge', bridge: 'cni0' });
  });

  test('needs no plugin install on k3s (bundled), and takes the bridge binding', () => {
    const chart = Testing.chart();
    new MultusThick(chart, 'Multus');
    const net = new BridgeNetwork(chart, 'Lan', { namespace: 'vms', bridge: 'br0' });
    expect(KubeVirt.secondaryNetwork(net, KubeVirtBinding.bridge()).iface).toEqual({ name: 'lan', bridge: {} });
    expect(() => KubeVirt.secondaryNetwork(net, KubeVirtBinding.macvtap())).toThrow(/the macvtap binding on network vms\/lan \(bridge\) cannot start the VM/);
    const objects = Testing.synth(chart);
    expect(objectOf(objects, 'DaemonSet').spec.template.spec.initContainers[1].env).toContainEqual({ name: 'CNI_PLUGINS', value: '' });
  });

  test('fails on a bad bridge name, VLAN, trunk, MTU, and on routing without a subnet', () => {
    const chart = Testing.chart();
    expect(() => new BridgeNetwork(chart, 'A', { bridge: 'bridge-name-too-long' })).toThrow(/bridge: "bridge-name-too-long" is not a Linux interface name/);
    expect(() => new BridgeNetwork(chart, 'B', { vlan: 4095 })).toThrow('BridgeNetwork: vlan must be a VLAN id from 1 to 4094, got 4095');
    expect(() => new BridgeNetwork(chart, 'C', { vlanTrunk: [{ minId: 10, maxId: 5 }] })).toThrow(/vlanTrunk\[0\] runs from 10 down to 5/);
    expect(() => new BridgeNetwork(chart, 'D', { vlanTrunk: [{ minId: 0 }] })).toThrow(/vlanTrunk\[0\].minId must be a VLAN id/);
    expect(() => new BridgeNetwork(chart, 'E', { mtu: 20 })).toThrow(/mtu must be an integer from 68/);
    expect(() => new BridgeNetwork(chart, 'F', { isGateway: true })).toThrow('BridgeNetwork: isGateway needs an IPAM with a subnet');
    expect(() => new BridgeNetwork(chart, 'G', { ipMasq: true, ipam: Ipam.dhcp() })).toThrow(/ipMasq needs an IPAM with a subnet .* got ipam dhcp/);
  });
});

describe('chains', () => {
  test('a chain makes the config a conflist: the network\'s plugin first, then the chained ones in order', () => {
    const net = new MacvlanNetwork(Testing.chart(), 'Lan', {
      master: 'eth0',
      ipam: lanIpam(),
      capabilities: { ips: true },
      chain: [
        Chain.tuning({ sysctls: { 'net.ipv4.conf.IFNAME.arp_filter': '1' }, mac: '02:00:00:00:00:01', promiscuous: true, mtu: 1400 }),
        Chain.portMap({ backend: PortMapBackend.NFTABLES, snat: false }),
        Chain.sbr({ table: 100 }),
      ],
    });
    expect(Object.keys(net.config)).toEqual(['cniVersion', 'name', 'plugins']);
    expect(net.config.plugins).toEqual([
      { type: 'macvlan', master: 'eth0', mode: 'bridge', capabilities: { ips: true }, ipam: lanIpam()._configObject() },
      { type: 'tuning', sysctl: { 'net.ipv4.conf.IFNAME.arp_filter': '1' }, mac: '02:00:00:00:00:01', promisc: true, mtu: 1400 },
      { type: 'portmap', backend: 'nftables', snat: false, capabilities: { portMappings: true } },
      { type: 'sbr', table: 100 },
    ]);
    // The defaults write nothing but the plugin type (and portmap's capability).
    expect(new BridgeNetwork(Testing.chart(), 'Br', { chain: [Chain.portMap(), Chain.sbr()], ipam: lanIpam() }).config.plugins.slice(1))
      .toEqual([{ type: 'portmap', capabilities: { portMappings: true } }, { type: 'sbr' }]);
    // No chain: a single plugin config, as before.
    expect(new MacvlanNetwork(Testing.chart(), 'Plain', { master: 'eth0' }).config).toEqual({ cniVersion: '1.0.0', name: 'plain', type: 'macvlan', master: 'eth0', mode: 'bridge' });
  });

  test('attachTo writes portMappings for a network that chains portmap (protocol tcp unless given), and refuses them elsewhere or out of range', () => {
    const chart = Testing.chart();
    const mapped = new BridgeNetwork(chart, 'Mapped', { ipam: lanIpam(), chain: [Chain.portMap()] });
    const plain = new BridgeNetwork(chart, 'Plain', { bridge: 'br1', ipam: Ipam.hostLocal({ ranges: [{ subnet: '10.9.0.0/24' }] }) });
    const web = new kplus.Deployment(chart, 'Web', { replicas: 1, strategy: kplus.DeploymentStrategy.recreate(), containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
    mapped.attachTo(web, { portMappings: [{ hostPort: 8080, containerPort: 80 }, { hostPort: 5353, containerPort: 53, protocol: PortProtocol.UDP, hostIp: '192.168.1.10' }] });
    const annotation = JSON.parse(objectOf(Testing.synth(chart), 'Deployment').spec.template.metadata.annotations['k8s.v1.cni.cncf.io/networks']);
    expect(annotation).toEqual([{
      name: 'mapped',
      namespace: 'default',
      interface: 'net1',
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }, { hostPort: 5353, containerPort: 53, protocol: 'udp', hostIP: '192.168.1.10' }],
    }]);
    expect(() => plain.attachTo(web, { portMappings: [{ hostPort: 8080, containerPort: 80 }] }))
      .toThrow(/portMappings are requested, but no plugin of the network declares the portMappings capability, .* chain Chain.portMap\(\)/);
    expect(() => mapped.attachTo(web, { interface: 'net9', portMappings: [{ hostPort: 0, containerPort: 80 }] })).toThrow('portMappings[0].hostPort must be a port from 1 to 65535, got 0');
    expect(() => mapped.attachTo(web, { interface: 'net9', portMappings: [{ hostPort: 80, containerPort: 80, hostIp: '300.1.1.1' }] })).toThrow(/portMappings\[0\].hostIP/);
  });

  test('the chained plugins k3s lacks (tuning, sbr) are installed; portmap is bundled', () => {
    const chart = Testing.chart();
    new MultusThick(chart, 'Multus');
    new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: lanIpam(), chain: [Chain.tuning({ promiscuous: true }), Chain.portMap(), Chain.sbr()] });
    const objects = Testing.synth(chart);
    expect(objectOf(objects, 'DaemonSet').spec.template.spec.initContainers[1].env).toContainEqual({ name: 'CNI_PLUGINS', value: 'macvlan sbr static tuning' });
    expect(MultusRules.check(objects.map((manifest) => ({ manifest })), new K3sLayout()).filter((f) => f.ruleId === 'plugin-available')).toEqual([]);
  });

  test('a chained plugin nobody installs: plugin-available names it in the conflist', () => {
    const chart = Testing.chart();
    new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: lanIpam(), chain: [Chain.sbr()] });
    const findings = MultusRules.check(Testing.synth(chart).map((manifest) => ({ manifest })), new K3sLayout()).filter((f) => f.ruleId === 'plugin-available');
    expect(findings.map((f) => f.found).sort()).toEqual(['macvlan', 'sbr', 'static']);
  });

  test('overlap, gateway and attachment rules read the conflist\'s first plugin', () => {
    const chart = Testing.chart();
    new MacvlanNetwork(chart, 'A', { master: 'eth0', ipam: lanIpam(), chain: [Chain.tuning({ promiscuous: true })] });
    new MacvlanNetwork(chart, 'B', { master: 'eth0', ipam: lanIpam(), chain: [Chain.sbr()] });
    expect(synthErrors(chart).filter((e) => e.includes('network-overlap'))).toHaveLength(1);
  });

  test('fails on what the plugins refuse: a sysctl outside net, a multicast or malformed MAC, an MTU out of range, sbr without addresses, a reserved table', () => {
    expect(() => Chain.tuning({ sysctls: { 'kernel.hostname': 'x' } })).toThrow('Chain.tuning: sysctls key "kernel.hostname" is not a network sysctl');
    expect(() => Chain.tuning({ sysctls: { 'net.ipv4..x': '1' } })).toThrow(/not a network sysctl/);
    expect(() => Chain.tuning({ mac: '03:00:00:00:00:01' })).toThrow(/03:00:00:00:00:01 is a multicast address/);
    expect(() => Chain.tuning({ mac: '00:00:00:00:00:00' })).toThrow(/the zero address/);
    expect(() => Chain.tuning({ mac: '0200.0000.0001' })).toThrow(/is not a MAC address; write six octets/);
    expect(() => Chain.tuning({ mtu: 50 })).toThrow(/mtu must be an integer from 68/);
    expect(() => Chain.tuning({})).toThrow('Chain.tuning: nothing to tune');
    expect(() => Chain.sbr({ table: 254 })).toThrow('Chain.sbr: table 254 is the kernel\'s main table');
    expect(() => Chain.sbr({ table: 0 })).toThrow(/table must be a routing table id from 1/);
    expect(() => new MacvlanNetwork(Testing.chart(), 'N', { master: 'eth0', chain: [Chain.sbr()] })).toThrow(/MacvlanNetwork: chain\[0\] \(sbr\) routes by the interface's addresses/);
    expect(() => new MacvlanNetwork(Testing.chart(), 'V6', { master: 'eth0', ipam: Ipam.fixedAddress('fd00::5/64'), chain: [Chain.tuning({ mtu: 1200 })] }))
      .toThrow(/chain\[0\] \(tuning\): mtu 1200 is below 1280/);
    // The same chain entries pass on a network they suit.
    expect(() => new MacvlanNetwork(Testing.chart(), 'Ok', { master: 'eth0', ipam: Ipam.dhcp(), chain: [Chain.sbr(), Chain.tuning({ mtu: 1200 })] })).not.toThrow();
  });
});

describe('HostDeviceNetwork', () => {
  test('writes the one key that names the device, with IPAM as the others; the plugin is installed on k3s', () => {
    const chart = Testing.chart();
    new MultusThick(chart, 'Multus');
    const net = new HostDeviceNetwork(chart, 'Nic', { device: 'enp3s0', ipam: lanIpam() });
    expect(Object.keys(net.config)).toEqual(['cniVersion', 'name', 'type', 'device', 'ipam']);
    expect(new HostDeviceNetwork(chart, 'ByMac', { hardwareAddress: '02:00:00:00:0d:01' }).config).toEqual({ cniVersion: '1.0.0', name: 'bymac', type: 'host-device', hwaddr: '02:00:00:00:0d:01' });
    expect(new HostDeviceNetwork(chart, 'ByPath', { kernelPath: '/sys/devices/pci0000:00/0000:00:1f.6' }).config.kernelpath).toBe('/sys/devices/pci0000:00/0000:00:1f.6');
    expect(new HostDeviceNetwork(chart, 'ByPci', { pciBusId: '0000:00:1f.6' }).config.pciBusID).toBe('0000:00:1f.6');
    const objects = Testing.synth(chart);
    expect(objectOf(objects, 'DaemonSet').spec.template.spec.initContainers[1].env).toContainEqual({ name: 'CNI_PLUGINS', value: 'host-device static' });
  });

  test('fails unless the device is named exactly once and well, and on a MAC it cannot honour', () => {
    const chart = Testing.chart();
    expect(() => new HostDeviceNetwork(chart, 'A', {})).toThrow(/exactly one way .* got none/);
    expect(() => new HostDeviceNetwork(chart, 'B', { device: 'eth1', pciBusId: '0000:00:1f.6' })).toThrow(/got device and pciBusId/);
    expect(() => new HostDeviceNetwork(chart, 'C', { device: 'a/b' })).toThrow(/device: "a\/b" is not a Linux interface name/);
    expect(() => new HostDeviceNetwork(chart, 'D', { pciBusId: '00:1f.6' })).toThrow(/pciBusId "00:1f.6" is not a PCI address; write domain:bus:device.function/);
    expect(() => new HostDeviceNetwork(chart, 'E', { kernelPath: '/sys/devices/../class/net' })).toThrow(/kernelPath .* without ".."/);
    expect(() => new HostDeviceNetwork(chart, 'F', { hardwareAddress: '01:00:5e:00:00:01' })).toThrow(/multicast/);
    expect(() => new HostDeviceNetwork(chart, 'G', { device: 'eth1', capabilities: { mac: true } })).toThrow(/capabilities.mac cannot be honoured/);
  });
});

describe('VlanNetwork', () => {
  test('writes master, vlanId, mtu, linkInContainer in that order; the plugin is installed on k3s', () => {
    const chart = Testing.chart();
    new MultusThick(chart, 'Multus');
    const net = new VlanNetwork(chart, 'V100', { master: 'eth0', vlanId: 100, mtu: 1400, linkInContainer: true, ipam: lanIpam() });
    expect(Object.keys(net.config)).toEqual(['cniVersion', 'name', 'type', 'master', 'vlanId', 'mtu', 'linkInContainer', 'ipam']);
    expect(new VlanNetwork(Testing.chart(), 'V200', { master: 'bond0', vlanId: 200, ipam: Ipam.dhcp() }).config)
      .toEqual({ cniVersion: '1.0.0', name: 'v200', type: 'vlan', master: 'bond0', vlanId: 200, ipam: { type: 'dhcp' } });
    const objects = Testing.synth(chart);
    expect(objectOf(objects, 'DaemonSet').spec.template.spec.initContainers[1].env).toContainEqual({ name: 'CNI_PLUGINS', value: 'static vlan' });
  });

  test('fails on a VLAN id out of range, a bad master or MTU, and without IPAM', () => {
    const chart = Testing.chart();
    const ipam = lanIpam();
    expect(() => new VlanNetwork(chart, 'A', { master: 'eth0', vlanId: 0, ipam })).toThrow('VlanNetwork: vlanId must be a VLAN id from 1 to 4094, got 0');
    expect(() => new VlanNetwork(chart, 'B', { master: 'eth0', vlanId: 4095, ipam })).toThrow(/got 4095/);
    expect(() => new VlanNetwork(chart, 'C', { master: 'eth0', vlanId: 1.5, ipam })).toThrow(/got 1.5/);
    expect(() => new VlanNetwork(chart, 'D', { master: 'eth 0', vlanId: 10, ipam })).toThrow(/master: "eth 0" is not a Linux interface name/);
    expect(() => new VlanNetwork(chart, 'E', { master: 'eth0', vlanId: 10, mtu: 20, ipam })).toThrow(/mtu must be an integer from 68/);
    expect(() => new VlanNetwork(chart, 'F', { master: 'eth0', vlanId: 10 })).toThrow(/ipam none would fail every ADD: the vlan plugin always runs an IPAM plugin/);
    expect(() => new VlanNetwork(chart, 'G', { master: 'eth0', vlanId: 10, mtu: 1200, ipam: Ipam.fixedAddress('fd00::5/64') })).toThrow(/below 1280/);
  });

  test('networks on one master overlap only within one VLAN', () => {
    const chart = Testing.chart();
    new VlanNetwork(chart, 'A', { master: 'eth0', vlanId: 10, ipam: lanIpam() });
    new VlanNetwork(chart, 'B', { master: 'eth0', vlanId: 20, ipam: lanIpam() });
    expect(synthErrors(chart)).toEqual([]);
    new VlanNetwork(chart, 'C', { master: 'eth0', vlanId: 10, ipam: lanIpam() });
    expect(synthErrors(chart).filter((e) => e.includes('network-overlap'))).toHaveLength(1);
  });
});

describe('MacvtapNetwork and MacvtapDevicePlugin', () => {
  function app() {
    const chart = Testing.chart();
    new MultusThick(chart, 'Multus');
    const dp = new MacvtapDevicePlugin(chart, 'Macvtap');
    return { chart, dp };
  }

  test('a NAD of type macvtap naming its device plugin resource, the resource listed with master, mode and capacity', () => {
    const { chart } = app();
    const vms = new MacvtapNetwork(chart, 'Vms', { namespace: 'vms', master: 'eth1', mode: MacvtapMode.PRIVATE, mtu: 1400, promiscuous: true, capacity: 20 });
    new MacvtapNetwork(chart, 'Lab', { master: 'eth2' });
    expect(vms.config).toEqual({ cniVersion: '1.0.0', name: 'vms', type: 'macvtap', mtu: 1400, promiscMode: true });
    const objects = Testing.synth(chart);
    const nad = objects.find((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.name === 'vms');
    expect(nad.metadata.annotations).toEqual({ 'k8s.v1.cni.cncf.io/resourceName': 'macvtap.network.kubevirt.io/vms' });
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'macvtap-cni-deviceplugin-config');
    expect(JSON.parse(cm.data.DP_MACVTAP_CONF)).toEqual([
      { name: 'lab', lowerDevice: 'eth2', mode: 'bridge', capacity: 100 },
      { name: 'vms', lowerDevice: 'eth1', mode: 'private', capacity: 20 },
    ]);
    const ds = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'macvtap-cni');
    const spec = ds.spec.template.spec;
    expect({ hostNetwork: spec.hostNetwork, hostPID: spec.hostPID }).toEqual({ hostNetwork: true, hostPID: true });
    expect(spec.containers[0].image).toBe('quay.io/kubevirt/macvtap-cni:v0.13.1');
    expect(spec.containers[0].command).toEqual(['/macvtap-deviceplugin', '-v', '3', '-logtostderr']);
    expect(spec.containers[0].env).toEqual([{ name: 'DP_MACVTAP_CONF', valueFrom: { configMapKeyRef: { name: 'macvtap-cni-deviceplugin-config', key: 'DP_MACVTAP_CONF' } } }]);
    expect(spec.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/var/lib/kubelet/device-plugins' }));
    expect(spec.initContainers[0].env).toContainEqual({ name: 'CNI_BIN_DIR', value: '/var/lib/rancher/k3s/data/cni' });
    expect(spec.initContainers[0].volumeMounts).toEqual([expect.objectContaining({ mountPath: '/var/lib/rancher/k3s/data' })]);
    // Multus's installer leaves macvtap to the device plugin's.
    const multus = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'kube-multus-ds');
    expect(multus.spec.template.spec.initContainers[1].env).toContainEqual({ name: 'CNI_PLUGINS', value: '' });
  });

  test('a custom plugins image is not asked for macvtap either', () => {
    const chart = Testing.chart();
    const multus = new MultusThick(chart, 'Multus', { pluginsImage: 'registry.example.internal/cni-plugins:v1.9.1' });
    new MacvtapDevicePlugin(chart, 'Macvtap');
    new MacvtapNetwork(chart, 'Vms', { master: 'eth1' });
    new MacvlanNetwork(chart, 'Lan', { master: 'eth0' });
    expect(multus.pluginsToInstall()).toEqual(['macvlan']);
  });

  test('takes the macvtap binding, which KubeVirt gives the macvtap device', () => {
    const { chart } = app();
    const vms = new MacvtapNetwork(chart, 'Vms', { namespace: 'vms', master: 'eth1' });
    expect(KubeVirt.secondaryNetwork(vms, KubeVirtBinding.macvtap())).toEqual({
      network: { name: 'vms', multus: { networkName: 'vms/vms' } }, iface: { name: 'vms', binding: { name: 'macvtap' } },
    });
    expect(synthErrors(chart)).toEqual([]);
  });

  test('fails on IPAM, ips and dns, which the macvtap plugin never runs or returns', () => {
    const chart = Testing.chart();
    expect(() => new MacvtapNetwork(chart, 'A', { master: 'eth1', ipam: Ipam.dhcp() })).toThrow('MacvtapNetwork: ipam dhcp would be ignored: the macvtap plugin runs no IPAM');
    expect(() => new MacvtapNetwork(chart, 'B', { master: 'eth1', capabilities: { ips: true } })).toThrow(/capabilities.ips cannot be honoured/);
    expect(() => new MacvtapNetwork(chart, 'C', { master: 'eth1', dns: { nameservers: ['192.168.1.1'] } })).toThrow(/dns would be ignored/);
    expect(() => new MacvtapNetwork(chart, 'D', { master: 'eth 1' })).toThrow(/master: "eth 1" is not a Linux interface name/);
    expect(() => new MacvtapNetwork(chart, 'E', { master: 'eth1', capacity: 0 })).toThrow(/capacity must be a positive integer, got 0/);
    expect(() => new MacvtapNetwork(chart, 'F', { master: 'eth1', mtu: 40 })).toThrow(/mtu must be an integer from 68/);
  });

  test('fails at synth when two networks give one resource different devices, or the device plugin serves none', () => {
    const { chart } = app();
    new MacvtapNetwork(chart, 'A', { master: 'eth1', resourceName: 'lan' });
    new MacvtapNetwork(chart, 'B', { master: 'eth2', resourceName: 'lan' });
    expect(() => Testing.synth(chart)).toThrow(/MacvtapNetwork resourceName "lan" is also used by .*A with master eth1, mode bridge, capacity 100, but here with master eth2/);
    const empty = app();
    expect(() => Testing.synth(empty.chart)).toThrow(/MacvtapDevicePlugin has no MacvtapNetwork in the app/);
  });

  test('without the device plugin, plugin-available says who installs macvtap', () => {
    const chart = Testing.chart();
    new MultusThick(chart, 'Multus');
    new MacvtapNetwork(chart, 'Vms', { master: 'eth1' });
    const errors = synthErrors(chart);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('uses plugin "macvtap"');
    expect(errors[0]).toContain('Fix: deploy the macvtap device plugin (MacvtapDevicePlugin)');
  });
});

describe('DhcpDaemon', () => {
  test('runs the dhcp plugin from the k3s bin dir and serves host /run/cni', () => {
    const chart = Testing.chart();
    new MultusThick(chart, 'Multus');
    new DhcpDaemon(chart, 'Dhcp');
    new MacvlanNetwork(chart, 'Lan', { ipam: Ipam.dhcp() });
    const objects = Testing.synth(chart);
    const ds = objects.find((o) => o.metadata.name === 'cni-dhcp-daemon');
    const spec = ds.spec.template.spec;
    expect(spec.containers[0].command).toEqual(['/var/lib/rancher/k3s/data/cni/dhcp', 'daemon']);
    expect(spec.initContainers[0].command).toEqual(['rm', '-f', '/run/cni/dhcp.sock']);
    expect(spec.hostNetwork).toBe(true);
    for (const o of objects) expect([o.kind, schemaErrors(o)]).toEqual([o.kind, []]);
    const plugins = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'kube-multus-ds').spec.template.spec.initContainers[1].env;
    expect(plugins).toContainEqual({ name: 'CNI_PLUGINS', value: 'dhcp macvlan' });
  });
});

describe('the attachment guard', () => {
  function guarded() {
    const chart = Testing.chart();
    const lan = new MacvlanNetwork(chart, 'Lan', { ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24' }] }) });
    const app = new kplus.Deployment(chart, 'App', { replicas: 1, containers: [{ image: 'busybox:1.36.1', command: ['sleep', 'infinity'] }] });
    lan.attachTo(app, { guard: true, guardTimeout: Duration.seconds(1) });
    lan.attachTo(app, { interface: 'lan2', guard: true, guardTimeout: Duration.seconds(1) });
    const spec = objectOf(Testing.synth(chart), 'Deployment').spec.template.spec;
    return { spec, guard: spec.initContainers.find((c: any) => c.name === 'multus-guard') };
  }

  /** The annotations file as kubelet writes it: key="value" with the value quoted with escapes. */
  function annotationsFile(interfaces: string[]): string {
    const status = [{ name: 'cbr0', interface: 'eth0', ips: ['10.42.0.5'], default: true },
      ...interfaces.map((i) => ({ name: 'default/lan', interface: i, ips: ['192.168.1.2'] }))];
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'podinfo-')), 'annotations');
    fs.writeFileSync(file, `k8s.v1.cni.cncf.io/network-status=${JSON.stringify(JSON.stringify(status, undefined, 4))}\n`);
    return file;
  }

  function run(guard: any, file: string) {
    const env = Object.fromEntries(guard.env.map((e: any) => [e.name, e.value]));
    return spawnSync('sh', ['-c', guard.command[2]], { env: { PATH: process.env.PATH, ...env, GUARD_ANNOTATIONS_FILE: file }, encoding: 'utf8' });
  }

  test('one init container per pod, guarding every interface, with the pod\'s annotations mounted from the downward API', () => {
    const { spec, guard } = guarded();
    expect(spec.initContainers.filter((c: any) => c.name === 'multus-guard')).toHaveLength(1);
    expect(guard.env).toContainEqual({ name: 'GUARD_INTERFACES', value: 'net1 lan2' });
    expect(guard.volumeMounts).toContainEqual({ name: 'multus-guard-podinfo', mountPath: '/etc/podinfo', readOnly: true });
    expect(spec.volumes).toContainEqual({ name: 'multus-guard-podinfo', downwardAPI: { items: [{ path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } }] } });
    expect(schemaErrors(objectOf([{ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'x' }, spec: { selector: {}, template: { spec } } }], 'Deployment'))).toEqual([]);
  });

  test('runs as a user, not as busybox\'s root, so that kubelet starts it under runAsNonRoot', () => {
    const { guard } = guarded();
    expect(guard.securityContext.runAsNonRoot).toBe(true);
    expect(guard.securityContext.runAsUser).toBe(65534);
    expect(guard.securityContext.runAsGroup).toBe(65534);
  });

  test('its script passes when network-status lists every interface', () => {
    const r = run(guarded().guard, annotationsFile(['net1', 'lan2']));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('attached: net1 lan2');
  });

  test('its script fails loudly when an attachment is missing (pod created while Multus restarted)', () => {
    const r = run(guarded().guard, annotationsFile(['net1']));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('interfaces lan2 are not in the pod\'s k8s.v1.cni.cncf.io/network-status annotation');
  });
});
