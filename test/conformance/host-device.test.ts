/**
 * Conformance of HostDeviceNetwork with the real host-device plugin (containernetworking/plugins
 * v1.9.1, built from its Go module): a veth end in the lab's node namespace stands for a spare NIC
 * wired to the LAN namespace; ADD moves it into the pod, DEL moves it back under its own name.
 */
import { Testing } from 'cdk8s';
import { Lab, pluginsDir } from './_lab';
import { Chain, HostDeviceNetwork, HostDeviceNetworkProps, Ipam } from '../../src';

jest.setTimeout(120_000);

let lab: Lab;
beforeAll(() => {
  lab = new Lab(pluginsDir());
});
afterAll(() => lab?.close());

let nics = 0;
/** The MAC of the spare NIC `hd<i>`. */
const nicMac = (i: number) => `02:00:00:00:0d:0${i}`;

/** A spare NIC on the node: a veth end `hd<i>` in the node namespace, its peer up in the LAN namespace with 192.168.5<i>.1/24. */
function spareNic(): string {
  const name = `hd${++nics}`;
  lab.ip('link', 'add', name, 'netns', lab.node, 'address', nicMac(nics), 'type', 'veth', 'peer', 'name', `${name}lan`, 'netns', lab.lan);
  lab.ip('-n', lab.lan, 'addr', 'add', `192.168.5${nics}.1/24`, 'dev', `${name}lan`);
  lab.ip('-n', lab.lan, 'link', 'set', `${name}lan`, 'up');
  return name;
}

const linkIn = (netns: string, name: string) => {
  const r = JSON.parse(lab.ip('-j', '-n', netns, 'link', 'show')).find((l: any) => l.ifname === name);
  return r ? { mac: r.address, alias: r.ifalias } : undefined;
};

let n = 0;
const network = (props: HostDeviceNetworkProps) => new HostDeviceNetwork(Testing.chart(), `hostdev${++n}`, props).config;

test.each([
  ['device', (nic: string): HostDeviceNetworkProps => ({ device: nic })],
  ['hardwareAddress', (): HostDeviceNetworkProps => ({ hardwareAddress: nicMac(nics) })],
])('named by %s: ADD moves the NIC into the pod as net1 with its own MAC and the address, the pod reaches the LAN through it; DEL moves it back', (_how, props) => {
  const nic = spareNic();
  const subnet = `192.168.5${nics}`;
  const mac = nicMac(nics);
  const config = network({ ...props(nic), ipam: Ipam.fixedAddress(`${subnet}.20/24`) });
  const pod = lab.newPod();
  try {
    const add = lab.run('ADD', config, pod);
    if (add.code !== 0) throw new Error(`ADD failed: ${add.stdout}${add.stderr}`);
    expect(linkIn(lab.node, nic)).toBeUndefined();
    // The plugin keeps the node's name in the alias, to give it back on DEL.
    expect(linkIn(pod, 'net1')).toEqual({ mac, alias: nic });
    expect(lab.addresses(pod)).toEqual([`${subnet}.20/24`]);
    expect(add.result.interfaces[0]).toMatchObject({ name: 'net1', mac });
    expect(lab.ping(pod, `${subnet}.1`).ok).toBe(true);
    const del = lab.run('DEL', config, pod);
    if (del.code !== 0) throw new Error(`DEL failed: ${del.stdout}${del.stderr}`);
    expect(linkIn(pod, 'net1')).toBeUndefined();
    expect(linkIn(lab.node, nic)).toEqual({ mac, alias: undefined });
  } finally {
    lab.deletePod(pod);
  }
});

test('without IPAM, and with a tuning chain: the NIC moves in with the chain\'s MTU and no address, and comes back with its own MTU', () => {
  const nic = spareNic();
  const config = network({ device: nic, chain: [Chain.tuning({ mtu: 1400 })] });
  const pod = lab.newPod();
  try {
    expect(lab.run('ADD', config, pod).code).toBe(0);
    expect(lab.addresses(pod)).toEqual([]);
    expect(JSON.parse(lab.ip('-j', '-n', pod, 'link', 'show', 'dev', 'net1'))[0].mtu).toBe(1400);
    expect(lab.run('DEL', config, pod).code).toBe(0);
    expect(JSON.parse(lab.ip('-j', '-n', lab.node, 'link', 'show', 'dev', nic))[0].mtu).toBe(1500);
  } finally {
    lab.deletePod(pod);
  }
});

describe('what the plugin refuses, the library refuses', () => {
  const addFails = (config: any) => lab.addFailing(config).stdout;
  const raw = (keys: any) => ({ cniVersion: '1.0.0', name: `raw${++n}`, type: 'host-device', ...keys });

  test('no device named', () => {
    expect(addFails(raw({}))).toContain('specify either \\"device\\", \\"hwaddr\\", \\"kernelpath\\" or \\"pciBusID\\"');
    expect(() => network({})).toThrow('HostDeviceNetwork: name the device in exactly one way (device, hardwareAddress, kernelPath or pciBusId), got none');
  });

  test('two ways of naming it: the plugin silently takes the first (device) and ignores the other, the library refuses the ambiguity', () => {
    const nic = spareNic();
    const pod = lab.newPod();
    const config = raw({ device: nic, hwaddr: '02:00:00:00:ee:ee' });
    try {
      expect(lab.run('ADD', config, pod).code).toBe(0);
      expect(linkIn(pod, 'net1')?.alias).toBe(nic);
      lab.run('DEL', config, pod);
    } finally {
      lab.deletePod(pod);
    }
    expect(() => network({ device: nic, hardwareAddress: '02:00:00:00:ee:ee' })).toThrow(/got device and hardwareAddress/);
  });

  test('a kernel path outside /sys/devices', () => {
    expect(addFails(raw({ kernelpath: '/sys/class/net/eth0' }))).toContain('must be absolute and begin with /sys/devices/');
    expect(() => network({ kernelPath: '/sys/class/net/eth0' })).toThrow(/kernelPath "\/sys\/class\/net\/eth0" must be an absolute path under \/sys\/devices\//);
  });

  test('a malformed MAC', () => {
    expect(addFails(raw({ hwaddr: '02:00:00:00:0d' }))).toContain('failed to parse MAC address');
    expect(() => network({ hardwareAddress: '02:00:00:00:0d' })).toThrow(/hardwareAddress "02:00:00:00:0d" is not a MAC address/);
  });

  test('a device that is not there (an ADD failure the library cannot see: it is the node\'s)', () => {
    expect(addFails(raw({ device: 'nosuchnic0' }))).toContain('failed to find host device: Link not found');
    expect(() => network({ device: 'nosuchnic0' })).not.toThrow();
  });
});
