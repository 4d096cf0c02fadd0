/**
 * Conformance of VlanNetwork with the real vlan plugin (containernetworking/plugins v1.9.1, built
 * from its Go module). ADD and DEL need a kernel with 802.1Q (the 8021q module); where it has none
 * they are skipped, and what the plugin checks before it asks the kernel for a link is still run:
 * the library refuses what the plugin refuses there.
 */
import { Testing } from 'cdk8s';
import { kernelSupports, Lab, pluginsDir } from './_lab';
import { Ipam, VlanNetwork, VlanNetworkProps } from '../../src';

jest.setTimeout(120_000);

/** Whether this kernel can make 802.1Q links (many builds leave CONFIG_VLAN_8021Q out). */
const VLAN = kernelSupports('vlan', 'id', '5');

let lab: Lab;
beforeAll(() => {
  lab = new Lab(pluginsDir());
});
afterAll(() => lab?.close());

let n = 0;
const network = (props: Partial<VlanNetworkProps>) => new VlanNetwork(Testing.chart(), `vlan${++n}`, { master: 'eth0', vlanId: 100, ipam: Ipam.fixedAddress('192.168.100.20/24'), ...props });

(VLAN ? test : test.skip)(`ADD makes net1, a sub-interface of the master tagged with the VLAN id, with the address; DEL removes it${VLAN ? '' : ' (this kernel cannot create vlan links: no 8021q)'}`, () => {
  const config = network({ mtu: 1400 }).config;
  const pod = lab.newPod();
  try {
    const add = lab.run('ADD', config, pod);
    if (add.code !== 0) throw new Error(`ADD failed: ${add.stdout}${add.stderr}`);
    const link = JSON.parse(lab.ip('-j', '-d', '-n', pod, 'link', 'show', 'dev', 'net1'))[0];
    expect(link.linkinfo.info_kind).toBe('vlan');
    expect(link.linkinfo.info_data.id).toBe(100);
    expect(link.mtu).toBe(1400);
    expect(lab.addresses(pod)).toEqual(['192.168.100.20/24']);
    expect(lab.run('DEL', config, pod).code).toBe(0);
    expect(lab.addresses(pod)).toBeUndefined();
  } finally {
    lab.deletePod(pod);
  }
});

test(`the lab's kernel ${VLAN ? 'can' : 'cannot'} create vlan links, and the plugin says so when it gets that far`, () => {
  const pod = lab.newPod();
  try {
    const add = lab.run('ADD', network({}).config, pod);
    if (VLAN) {
      expect(add.code).toBe(0);
      lab.run('DEL', network({}).config, pod);
    } else {
      expect(add.code).not.toBe(0);
      expect(add.stdout).toContain('failed to create vlan');
    }
  } finally {
    lab.deletePod(pod);
  }
});

describe('what the plugin refuses before it touches the kernel, the library refuses', () => {
  const addFails = (config: any) => lab.addFailing(config).stdout;
  const raw = (keys: any) => ({ cniVersion: '1.0.0', name: `raw${++n}`, type: 'vlan', ipam: { type: 'static', addresses: [{ address: '192.168.100.20/24' }] }, ...keys });

  test('no master', () => {
    expect(addFails(raw({ vlanId: 100 }))).toContain('\\"master\\" field is required');
    expect(() => new VlanNetwork(Testing.chart(), 'nomaster', { master: undefined as any, vlanId: 100, ipam: Ipam.fixedAddress('192.168.100.20/24') })).toThrow('VlanNetwork: master is required');
  });

  test.each([4095, 5000, -1])('vlanId %d', (id) => {
    expect(addFails(raw({ master: 'eth0', vlanId: id }))).toContain(`invalid VLAN ID ${id}`);
    expect(() => network({ vlanId: id })).toThrow(`VlanNetwork: vlanId must be a VLAN id from 1 to 4094, got ${id}`);
  });

  test('an MTU above the master\'s: the plugin refuses it; the library refuses what no master can carry, and leaves the rest to the node', () => {
    expect(addFails(raw({ master: 'eth0', vlanId: 100, mtu: 9000 }))).toContain('invalid MTU 9000, must be [0, master MTU(1500)]');
    expect(() => network({ mtu: 70000 })).toThrow(/mtu must be an integer from 68 .* to 65535/);
    expect(() => network({ mtu: 9000 })).not.toThrow();
  });

  test('a master the node does not have', () => {
    expect(addFails(raw({ master: 'nosuchnic0', vlanId: 100 }))).toContain('Link not found');
  });
});
