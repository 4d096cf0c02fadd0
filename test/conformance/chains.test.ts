/**
 * Conformance of chained plugins (tuning, portmap, sbr; containernetworking/plugins v1.9.1, built
 * from its Go module): the conflists the library writes are run as libcni runs them, in lab
 * namespaces, and what they change is read back with ip and sysctl inside the pod's namespace.
 */
import { spawn, spawnSync } from 'child_process';
import * as os from 'os';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { commandExists, Lab, pluginsDir } from './_lab';
import { BridgeNetwork, Chain, Ipam, MacvlanNetwork, MacvlanNetworkProps, PortMapBackend } from '../../src';

jest.setTimeout(120_000);

let lab: Lab;
beforeAll(() => {
  lab = new Lab(pluginsDir());
});
afterAll(() => lab?.close());

const fixed = () => Ipam.fixedAddress('192.168.1.200/24', { gateway: '192.168.1.1', routes: [{ dst: '10.0.0.0/8' }] });
let n = 0;
function macvlan(props: MacvlanNetworkProps): any {
  return new MacvlanNetwork(Testing.chart(), `chain${++n}`, { master: 'eth0', ...props }).config;
}

/**
 * ADD, a look inside the pod, DEL, a second look: what the chain set and what DEL left. No CHECK:
 * Multus never runs it (and macvlan's CHECK fails after sbr moved its routes out of the main table).
 */
function addLookDelete<T>(config: any, look: (pod: string) => T): { during: T; after: T; result: any } {
  const pod = lab.newPod();
  try {
    const add = lab.run('ADD', config, pod);
    if (add.code !== 0) throw new Error(`ADD failed (${add.code}): ${add.stdout}${add.stderr}\nconfig: ${JSON.stringify(config)}`);
    const during = look(pod);
    const del = lab.run('DEL', config, pod);
    if (del.code !== 0) throw new Error(`DEL failed (${del.code}): ${del.stdout}${del.stderr}`);
    return { during, after: look(pod), result: add.result };
  } finally {
    lab.deletePod(pod);
  }
}

/** The plugin's ADD of a conflist that should fail, in a pod of its own: its output. */
function addFails(config: any): string {
  const add = lab.addFailing(config);
  return add.stdout + add.stderr;
}

const link = (pod: string, ifname = 'net1') => {
  const r = JSON.parse(lab.inNetns(pod, 'ip', '-j', '-d', 'link', 'show', 'dev', ifname))[0];
  return { mac: r.address, mtu: r.mtu, promiscuity: r.promiscuity };
};

describe('tuning', () => {
  test('a sysctl of the interface (IFNAME), a MAC, promiscuous mode and an MTU: set by ADD, seen with sysctl and ip', () => {
    const config = macvlan({
      ipam: fixed(),
      chain: [Chain.tuning({ sysctls: { 'net.ipv4.conf.IFNAME.arp_filter': '1', 'net.ipv4.conf.IFNAME.accept_local': '1' }, mac: '02:00:00:00:aa:01', promiscuous: true, mtu: 1400 })],
    });
    expect(config.plugins.map((p: any) => p.type)).toEqual(['macvlan', 'tuning']);
    const r = addLookDelete(config, (pod) => lab.addresses(pod) === undefined ? 'gone' : ({
      arpFilter: lab.inNetns(pod, 'sysctl', '-n', 'net.ipv4.conf.net1.arp_filter').trim(),
      acceptLocal: lab.inNetns(pod, 'sysctl', '-n', 'net.ipv4.conf.net1.accept_local').trim(),
      addresses: lab.addresses(pod),
      ...link(pod),
    }));
    expect(r.during).toEqual({ arpFilter: '1', acceptLocal: '1', addresses: ['192.168.1.200/24'], mac: '02:00:00:00:aa:01', mtu: 1400, promiscuity: 1 });
    expect(r.after).toBe('gone');
    // The result the runtime gets carries the MAC tuning set.
    expect(r.result.interfaces.find((i: any) => i.name === 'net1').mac).toBe('02:00:00:00:aa:01');
  });

  test('CHECK: tuning reads back what it set, and reports a sysctl changed behind its back', () => {
    const config = macvlan({ ipam: fixed(), chain: [Chain.tuning({ sysctls: { 'net.ipv4.conf.IFNAME.arp_filter': '1' } })] });
    const pod = lab.newPod();
    try {
      expect(lab.run('ADD', config, pod).code).toBe(0);
      expect(lab.run('CHECK', config, pod).code).toBe(0);
      lab.inNetns(pod, 'sysctl', '-q', '-w', 'net.ipv4.conf.net1.arp_filter=0');
      const check = lab.run('CHECK', config, pod);
      expect(check.code).not.toBe(0);
      expect(check.stdout).toContain('Tuning configured value of /proc/sys/net/ipv4/conf/net1/arp_filter is 1, current value is 0');
      expect(lab.run('DEL', config, pod).code).toBe(0);
    } finally {
      lab.deletePod(pod);
    }
  });

  test('after a bridge network too: the MTU set on the pod\'s veth end, and nothing left in the pod after DEL', () => {
    const config = new BridgeNetwork(Testing.chart(), 'tunedbridge', { bridge: 'ctun0', chain: [Chain.tuning({ mtu: 1300 })] }).config;
    const r = addLookDelete(config, (pod) => lab.addresses(pod) === undefined ? 'gone' : link(pod).mtu);
    expect(r.during).toBe(1300);
    expect(r.after).toBe('gone');
  });

  test('a sysctl outside net.*: the plugin fails the ADD ("invalid net sysctl key"), and the library refuses it', () => {
    const config = macvlan({ ipam: fixed(), chain: [Chain.tuning({ promiscuous: true })] });
    config.plugins[1] = { type: 'tuning', sysctl: { 'kernel.domainname': 'lab' } };
    expect(addFails(config)).toContain('invalid net sysctl key');
    expect(() => Chain.tuning({ sysctls: { 'kernel.domainname': 'lab' } })).toThrow(/sysctls key "kernel.domainname" is not a network sysctl/);
    // A key that tries to climb out of net through "..": the plugin turns its dots into '/', so it
    // names a file under net that does not exist; the library refuses it as it is written.
    config.plugins[1] = { type: 'tuning', sysctl: { 'net/../kernel/domainname': 'lab' } };
    expect(addFails(config)).toContain('open /proc/sys/net/kernel/domainname: no such file or directory');
    expect(() => Chain.tuning({ sysctls: { 'net/../kernel/domainname': 'lab' } })).toThrow(/not a network sysctl/);
  });

  test('a multicast MAC: the kernel refuses it in the plugin\'s ADD, and the library refuses it', () => {
    const config = macvlan({ ipam: fixed(), chain: [Chain.tuning({ promiscuous: true })] });
    config.plugins[1] = { type: 'tuning', mac: '01:00:5e:00:00:01' };
    expect(addFails(config)).toContain('cannot assign requested address');
    expect(() => Chain.tuning({ mac: '01:00:5e:00:00:01' })).toThrow(/multicast address/);
  });

  test('an MTU under 1280 on a network with IPv6 addresses: the ADD succeeds and reports the address, but the kernel took IPv6 off the interface; the library refuses it', () => {
    const v6 = Ipam.fixedAddress('fd00:7::5/64');
    const config = macvlan({ ipam: v6, chain: [Chain.tuning({ mtu: 1280 })] });
    expect(addLookDelete(config, (pod) => lab.addresses(pod)).during).toEqual(['fd00:7::5/64']);
    config.plugins[1].mtu = 1200;
    config.name = 'tunedv6low';
    const pod = lab.newPod();
    try {
      const add = lab.run('ADD', config, pod);
      expect(add.code).toBe(0);
      expect(add.result.ips.map((i: any) => i.address)).toEqual(['fd00:7::5/64']);
      expect(lab.addresses(pod)).toEqual([]);
      lab.run('DEL', config, pod);
    } finally {
      lab.deletePod(pod);
    }
    expect(() => new MacvlanNetwork(Testing.chart(), 'lowmtu', { master: 'eth0', ipam: v6, chain: [Chain.tuning({ mtu: 1200 })] })).toThrow(/chain\[0\] \(tuning\): mtu 1200 is below 1280/);
  });
});

describe('sbr', () => {
  test('a routing table of its own for the interface\'s address, and a rule sending its traffic there; DEL removes the rule', () => {
    const config = macvlan({ ipam: fixed(), chain: [Chain.sbr()] });
    const r = addLookDelete(config, (pod) => ({
      rules: JSON.parse(lab.inNetns(pod, 'ip', '-j', '-4', 'rule', 'show')).filter((x: any) => x.src === '192.168.1.200').map((x: any) => `from ${x.src} lookup ${x.table}`),
      table100: lab.addresses(pod) === undefined ? [] : JSON.parse(lab.inNetns(pod, 'ip', '-j', '-4', 'route', 'show', 'table', '100')).map((x: any) => `${x.dst}${x.gateway ? ` via ${x.gateway}` : ''} dev ${x.dev}`).sort(),
      main: lab.routes(pod, 4),
    }));
    expect(r.during.rules).toEqual(['from 192.168.1.200 lookup 100']);
    expect(r.during.table100).toEqual(['10.0.0.0/8 via 192.168.1.1 dev net1', '192.168.1.0/24 dev net1', 'default via 192.168.1.1 dev net1']);
    // The interface's routes moved out of the main table.
    expect(r.during.main).toEqual([]);
    expect(r.after.rules).toEqual([]);
  });

  test('a table given: only the rule, to that table', () => {
    const config = macvlan({ ipam: fixed(), chain: [Chain.sbr({ table: 4242 })] });
    const r = addLookDelete(config, (pod) => JSON.parse(lab.inNetns(pod, 'ip', '-j', '-4', 'rule', 'show')).filter((x: any) => x.src === '192.168.1.200').map((x: any) => String(x.table)));
    expect(r.during).toEqual(['4242']);
    expect(r.after).toEqual([]);
  });

  test('a network without IPAM: the plugin fails the ADD ("No IP addresses supplied"), and the library refuses it', () => {
    const config = macvlan({ ipam: fixed(), chain: [Chain.sbr()] });
    delete config.plugins[0].ipam;
    expect(addFails(config)).toContain('No IP addresses supplied on interface');
    expect(() => new MacvlanNetwork(Testing.chart(), 'noaddr', { master: 'eth0', chain: [Chain.sbr()] })).toThrow(/chain\[0\] \(sbr\) routes by the interface's addresses, and ipam none assigns none/);
  });
});

describe('portmap', () => {
  test('chained without mappings asked: passes the result through, ADD and DEL succeed', () => {
    const config = macvlan({ ipam: fixed(), chain: [Chain.portMap()] });
    expect(config.plugins[1]).toEqual({ type: 'portmap', capabilities: { portMappings: true } });
    const r = addLookDelete(config, (pod) => lab.addresses(pod));
    expect(r.during).toEqual(['192.168.1.200/24']);
    expect(r.result.ips.map((i: any) => i.address)).toEqual(['192.168.1.200/24']);
  });

  const filter = commandExists('nft') || commandExists('iptables');
  (filter ? test : test.skip)(`a mapping asked for: the node's port reaches the pod's server on this network, and DEL takes the rules away${filter ? '' : ' (this machine has neither iptables nor nft, which the plugin runs)'}`, async () => {
    const backend = commandExists('nft') ? PortMapBackend.NFTABLES : PortMapBackend.IPTABLES;
    // A bridge the node routes for (isGateway), so that the node reaches the pod's address.
    const net = new BridgeNetwork(Testing.chart(), 'mapped', {
      bridge: 'cpm0',
      isGateway: true,
      chain: [Chain.portMap({ backend })],
      ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.60.0/24', rangeStart: '192.168.60.200', gateway: '192.168.60.1' }] }),
    });
    // The request as attachTo writes it into the pod's networks annotation, which Multus hands to portmap.
    const chart = Testing.chart();
    const web = new kplus.Pod(chart, 'web', { containers: [{ image: 'nginx:1.27' }] });
    net.attachTo(web, { portMappings: [{ hostPort: 8080, containerPort: 80 }] });
    const written = Testing.synth(chart).find((o) => o.kind === 'Pod').metadata.annotations['k8s.v1.cni.cncf.io/networks'];
    const request = { portMappings: JSON.parse(written)[0].portMappings };
    expect(request.portMappings).toEqual([{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
    const pod = lab.newPod();
    const server = spawn('ip', ['netns', 'exec', pod, 'python3', '-m', 'http.server', '80', '--bind', '0.0.0.0'], { stdio: 'ignore', cwd: os.tmpdir() });
    const get = (url: string) => spawnSync('ip', ['netns', 'exec', lab.node, 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '3', url], { encoding: 'utf8' }).stdout;
    try {
      const add = lab.run('ADD', net.config, pod, request);
      if (add.code !== 0) throw new Error(`ADD failed: ${add.stdout}${add.stderr}`);
      // The server is up when the pod's own address answers.
      for (let i = 0; i < 50 && get('http://192.168.60.200:80/') !== '200'; i++) await new Promise((r) => setTimeout(r, 100));
      expect(get('http://192.168.60.200:80/')).toBe('200');
      // The node's port 8080, through the plugin's DNAT, to the pod's port 80.
      expect(get('http://192.168.60.1:8080/')).toBe('200');
      expect(lab.run('DEL', net.config, pod, request).code).toBe(0);
      expect(get('http://192.168.60.1:8080/')).not.toBe('200');
      // The protocol in upper case, as Kubernetes writes it in a container's ports: the plugin puts
      // it into its rule as given, and the packet filter refuses it; the attachment rule reports it.
      const upper = lab.run('ADD', net.config, pod, { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP' }] });
      expect(upper.code).not.toBe(0);
      expect(upper.stdout).toContain(backend === PortMapBackend.NFTABLES ? 'hostports TCP dport 8080' : 'TCP');
      expect(() => net.attachTo(web, { interface: 'net2', portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP' as any }] })).toThrow(/protocol must be tcp, udp or sctp/);
      lab.run('DEL', net.config, pod, { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP' }] });
    } finally {
      server.kill('SIGTERM');
      lab.deletePod(pod);
    }
  });

  (filter ? test.skip : test)('a mapping asked for on a node with no packet filter program: the ADD fails; the plugin needs iptables or nft on the node', () => {
    const config = macvlan({ ipam: fixed(), chain: [Chain.portMap()] });
    const pod = lab.newPod();
    try {
      const add = lab.run('ADD', config, pod, { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
      expect(add.code).not.toBe(0);
      expect(add.stdout).toContain('failed to open iptables: exec: \\"iptables\\": executable file not found');
      lab.run('DEL', config, pod);
    } finally {
      lab.deletePod(pod);
    }
  });
});

test.each([
  ['tuning', { type: 'tuning', mtu: 1400 }, 'Required prevResult missing'],
  ['portmap', { type: 'portmap', capabilities: { portMappings: true } }, 'must be called as chained plugin'],
  ['sbr', { type: 'sbr' }, 'This plugin must be called as chained plugin'],
])('%s on its own, not after a plugin that makes the interface: the ADD fails (the plugin-config rule reports it; Chain only writes it after the network\'s plugin)', (_type, keys, message) => {
  expect(addFails({ cniVersion: '1.0.0', name: `alone${++n}`, ...keys })).toContain(message);
});

test('a chain of all three after one network: ADD runs them in order, DEL in reverse, nothing left behind', () => {
  const config = macvlan({
    ipam: Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.210', rangeEnd: '192.168.1.219', gateway: '192.168.1.1' }] }),
    chain: [Chain.tuning({ sysctls: { 'net.ipv4.conf.IFNAME.arp_ignore': '1' } }), Chain.portMap(), Chain.sbr()],
  });
  expect(config.plugins.map((p: any) => p.type)).toEqual(['macvlan', 'tuning', 'portmap', 'sbr']);
  const r = addLookDelete(config, (pod) => ({
    arpIgnore: lab.addresses(pod) === undefined ? undefined : lab.inNetns(pod, 'sysctl', '-n', 'net.ipv4.conf.net1.arp_ignore').trim(),
    rules: JSON.parse(lab.inNetns(pod, 'ip', '-j', '-4', 'rule', 'show')).filter((x: any) => x.src === '192.168.1.210').length,
    leases: lab.leases(config.name),
  }));
  expect(r.during).toEqual({ arpIgnore: '1', rules: 1, leases: ['192.168.1.210'] });
  expect(r.after).toEqual({ arpIgnore: undefined, rules: 0, leases: [] });
});
