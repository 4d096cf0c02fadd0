import * as fc from 'fast-check';
import { Address4 } from 'ip-address';
import { Ipam } from '../src';
import { formatIp, parseIp } from '../src/_ip';

describe('Ipam', () => {
  test('fixedAddress is static IPAM with one address', () => {
    expect(Ipam.fixedAddress('192.168.1.200/24', { gateway: '192.168.1.1', routes: [{ dst: '0.0.0.0/0' }] }).toJson()).toEqual({
      type: 'static', addresses: [{ address: '192.168.1.200/24', gateway: '192.168.1.1' }], routes: [{ dst: '0.0.0.0/0' }],
    });
  });

  test('host-local with ranges, range sets, IPv6 and dual-stack', () => {
    const ipam = Ipam.hostLocal({
      ranges: [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.200', rangeEnd: '192.168.1.220', gateway: '192.168.1.1' }, { subnet: 'fd00:1::/64' }],
      rangeSets: [[{ subnet: '10.0.0.0/24' }, { subnet: '10.0.1.0/24' }]],
      routes: [{ dst: '0.0.0.0/0', gw: '192.168.1.1' }],
    });
    expect(ipam.toJson()).toEqual({
      type: 'host-local',
      ranges: [
        [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.200', rangeEnd: '192.168.1.220', gateway: '192.168.1.1' }],
        [{ subnet: 'fd00:1::/64' }],
        [{ subnet: '10.0.0.0/24' }, { subnet: '10.0.1.0/24' }],
      ],
      routes: [{ dst: '0.0.0.0/0', gw: '192.168.1.1' }],
    });
    expect(ipam.subnets).toEqual(['192.168.1.0/24', 'fd00:1::/64', '10.0.0.0/24', '10.0.1.0/24']);
  });

  test('dhcp and none', () => {
    expect(Ipam.dhcp().toJson()).toEqual({ type: 'dhcp' });
    expect(Ipam.none().toJson()).toBeUndefined();
    expect(Ipam.none().type).toBeUndefined();
  });

  test('fails when a host-local subnet has host bits set (the address used as a subnet)', () => {
    expect(() => Ipam.hostLocal({ ranges: [{ subnet: '192.168.1.200/24' }] }))
      .toThrow(/ranges\[0\]\.subnet: 192\.168\.1\.200\/24 has host bits set .*the subnet is 192\.168\.1\.0\/24.*Ipam\.fixedAddress\("192\.168\.1\.200\/24"\)/);
  });

  test.each([
    [{ subnet: '192.168.1.0/31' }, /too small for host-local/],
    [{ subnet: '192.168.1.0/32' }, /too small/],
    [{ subnet: 'fd00::/127' }, /too small/],
    [{ subnet: '192.168.1.0/24', gateway: '192.168.2.1' }, /gateway: 192\.168\.2\.1 is outside the subnet 192\.168\.1\.0\/24/],
    [{ subnet: '192.168.1.0/24', gateway: '192.168.1.0' }, /is the network address of 192\.168\.1\.0\/24, not a router/],
    [{ subnet: '192.168.1.0/24', gateway: '192.168.1.255' }, /broadcast address/],
    [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.0' }, /rangeStart: 192\.168\.1\.0 is the network address.*start at 192\.168\.1\.1/],
    [{ subnet: '192.168.1.0/24', rangeEnd: '192.168.1.255' }, /rangeEnd: 192\.168\.1\.255 is the broadcast address.*end at 192\.168\.1\.254/],
    [{ subnet: '192.168.1.0/24', rangeStart: '192.168.2.10' }, /outside the subnet/],
    [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.50', rangeEnd: '192.168.1.10' }, /comes after rangeEnd.*swap/],
    [{ subnet: '192.168.1.0' }, /has no prefix length/],
    [{ subnet: '192.168.1.0/24', rangeStart: '192.168.1.10/24' }, /must be a plain address/],
    [{ subnet: '300.1.1.0/24' }, /is not a valid IPv4 CIDR/],
  ])('fails when a range is %j', (range, message) => {
    expect(() => Ipam.hostLocal({ ranges: [range] })).toThrow(message);
  });

  test('fails when the only address of a range is the gateway (found by the conformance property)', () => {
    expect(() => Ipam.hostLocal({ ranges: [{ subnet: '10.0.0.0/16', rangeStart: '10.0.0.1', rangeEnd: '10.0.0.1' }] }))
      .toThrow(/holds only 10\.0\.0\.1, which is the gateway \(by default the subnet's first address\).*no IP addresses available/);
    expect(() => Ipam.hostLocal({ ranges: [{ subnet: '10.0.0.0/16', rangeStart: '10.0.0.9', rangeEnd: '10.0.0.9', gateway: '10.0.0.9' }] })).toThrow(/which is the gateway;/);
    expect(() => Ipam.hostLocal({ ranges: [{ subnet: '10.0.0.0/16', rangeStart: '10.0.0.9', rangeEnd: '10.0.0.9' }] })).not.toThrow();
  });

  test('fails when a range set mixes families, or nothing is given', () => {
    expect(() => Ipam.hostLocal({ rangeSets: [[{ subnet: '10.0.0.0/24' }, { subnet: 'fd00::/64' }]] })).toThrow(/mixes address families/);
    expect(() => Ipam.hostLocal({})).toThrow(/at least one range/);
    expect(() => Ipam.hostLocal({ rangeSets: [[]] })).toThrow(/no empty range set/);
  });

  test.each([
    ['192.168.1.0/24', undefined, /is the network address of its subnet/],
    ['192.168.1.255/24', undefined, /broadcast address/],
    ['192.168.1.200', undefined, /has no prefix length/],
    ['192.168.1.200/24', '10.0.0.1', /outside the subnet 192\.168\.1\.0\/24/],
    ['192.168.1.200/24', '192.168.1.200', /is the address itself/],
  ])('fails when a static address is %s with gateway %s', (address, gateway, message) => {
    expect(() => Ipam.fixedAddress(address, { gateway })).toThrow(message);
  });

  test('fails on routes with host bits or mixed families', () => {
    expect(() => Ipam.fixedAddress('192.168.1.200/24', { routes: [{ dst: '10.1.2.3/16' }] })).toThrow(/routes\[0\]\.dst 10\.1\.2\.3\/16 has host bits set; the prefix is 10\.1\.0\.0\/16/);
    expect(() => Ipam.fixedAddress('192.168.1.200/24', { routes: [{ dst: '0.0.0.0/0', gw: 'fd00::1' }] })).toThrow(/different address families/);
  });

  test('accepts /31 and /32 static addresses, which have no network or broadcast address', () => {
    expect(() => Ipam.fixedAddress('10.0.0.1/31')).not.toThrow();
    expect(() => Ipam.fixedAddress('10.0.0.1/32')).not.toThrow();
    expect(() => Ipam.fixedAddress('fd00::1/64', { gateway: 'fd00::ffff' })).not.toThrow();
  });
});

describe('address arithmetic', () => {
  test('IPv4 formatting by hand gives what ip-address gives, for any address', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), (value) => {
      expect(formatIp(4, value)).toBe(Address4.fromBigInt(value).correctForm());
    }), { numRuns: 2000 });
  });

  test('IPv4 prefix arithmetic on numbers gives what ip-address\'s bigints give, for any address and prefix', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.integer({ min: 0, max: 32 }), (value, prefix) => {
      const text = `${Address4.fromBigInt(value).correctForm()}/${prefix}`;
      const reference = new Address4(text);
      const ip = parseIp('x', text, true);
      expect(ip.value).toBe(reference.bigInt());
      expect(ip.network).toBe(reference.startAddress().bigInt());
      expect(ip.broadcast).toBe(reference.endAddress().bigInt());
    }), { numRuns: 2000 });
  });

  test('a repeated parse returns the same result, and a bad address still names its field', () => {
    expect(parseIp('a', '10.1.2.0/24', true)).toBe(parseIp('b', '10.1.2.0/24', true));
    expect(() => parseIp('subnet', '10.1.2.0', true)).toThrow(/^subnet: "10.1.2.0" has no prefix length/);
    expect(() => parseIp('gateway', '10.1.2.0/24', false)).toThrow(/^gateway: "10.1.2.0\/24" must be a plain address/);
    expect(() => parseIp('ips[0]', '10.1.2.300/24', true)).toThrow(/^ips\[0\]: "10.1.2.300\/24" is not a valid IPv4 CIDR/);
  });
});

describe('Ipam.fromConfig: a manifest\'s IPAM, judged by the code that builds the library\'s own', () => {
  const refusal = (f: () => unknown): string | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };

  test('names the manifest\'s keys, not the factory\'s options', () => {
    expect(refusal(() => Ipam.fromConfig({ type: 'host-local', ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '192.168.1.200/24' }]] })))
      .toMatch(/^ranges\[1\]\[0\]\.subnet: 192\.168\.1\.200\/24 has host bits set .*the subnet is 192\.168\.1\.0\/24: use rangeStart\/rangeEnd for a part of it, or static IPAM with the address 192\.168\.1\.200\/24 for one fixed address$/);
    expect(refusal(() => Ipam.fromConfig({ type: 'whereabouts', range: '192.168.1.0/24', range_start: '192.168.1.50', range_end: '192.168.1.10' })))
      .toBe('range_start 192.168.1.50 comes after range_end 192.168.1.10; swap them');
    expect(refusal(() => Ipam.fromConfig({ type: 'static', addresses: [{ address: '192.168.1.0/24' }] })))
      .toMatch(/^addresses\[0\]\.address: 192\.168\.1\.0\/24 is the network address of its subnet/);
    expect(refusal(() => Ipam.fromConfig({ type: 'host-local', subnet: '192.168.1.0/24', rangeStart: '192.168.1.0' })))
      .toMatch(/^ipam\.rangeStart: 192\.168\.1\.0 is the network address of 192\.168\.1\.0\/24/);
  });

  test('says what is wrong with a shape, where the old mapping threw a raw TypeError', () => {
    expect(refusal(() => Ipam.fromConfig({ type: 'host-local', ranges: [[{ subnet: '10.0.0.0/24' }]], routes: [null] })))
      .toBe('routes[0]: must be an object with dst, got null');
    expect(refusal(() => Ipam.fromConfig({ type: 'host-local', ranges: [[{ subnet: 10 }]] }))).toBe('ranges[0][0].subnet: must be a string, got 10');
    expect(refusal(() => Ipam.fromConfig({ type: 'host-local', ranges: {} }))).toBe('ranges: must be a list, got {}');
    expect(refusal(() => Ipam.fromConfig('host-local'))).toBe('ipam: must be an object, got "host-local"');
  });

  test('takes what it does not judge as written: no IPAM, DHCP, static from each pod\'s request, other plugins', () => {
    for (const ipam of [undefined, { type: 'dhcp' }, { type: 'static' }, { type: 'whereabouts', ipRanges: [{ range: '10.0.0.0/24' }] }, { type: 'calico-ipam', assign_ipv4: 'true' }]) {
      expect(refusal(() => Ipam.fromConfig(ipam))).toBeUndefined();
    }
    expect(Ipam.fromConfig({ type: 'calico-ipam', assign_ipv4: 'true' }).toJson()).toEqual({ type: 'calico-ipam', assign_ipv4: 'true' });
  });

  test('accepts what the factory accepts and refuses what it refuses, on generated ranges', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const address = fc.tuple(octet, octet).map(([a, b]) => `192.168.${a}.${b}`);
    const range = fc.record({
      subnet: fc.tuple(octet, octet, fc.integer({ min: 16, max: 32 })).map(([a, b, p]) => `192.168.${a}.${b}/${p}`),
      rangeStart: fc.option(address, { nil: undefined }),
      rangeEnd: fc.option(address, { nil: undefined }),
      gateway: fc.option(address, { nil: undefined }),
    });
    fc.assert(fc.property(range, fc.option(fc.constantFrom('0.0.0.0/0', '10.0.0.1/8', '10.0.0.0/8'), { nil: undefined }), (r, dst) => {
      const routes = dst === undefined ? undefined : [{ dst }];
      const json = JSON.parse(JSON.stringify({ type: 'host-local', ranges: [[r]], routes }));
      const byFactory = refusal(() => Ipam.hostLocal({ rangeSets: [[r]], routes }));
      const byConfig = refusal(() => Ipam.fromConfig(json));
      // The same verdict, and the same reason with the manifest's name for the field.
      expect(byConfig === undefined).toBe(byFactory === undefined);
      if (byFactory !== undefined) {
        expect(byConfig!.replace(/ or static IPAM with the address \S+ for/, ' or Ipam.fixedAddress for'))
          .toBe(byFactory.replace(/^Ipam\.hostLocal: rangeSets\[0\]/, 'ranges[0]').replace(/^Ipam\.hostLocal: /, '').replace(/ or Ipam\.fixedAddress\("[^"]+"\) for/, ' or Ipam.fixedAddress for'));
      }
    }), { numRuns: 2000, seed: 4242 });
  });
});

describe('addresses a pod cannot use, refused with the field and the fix (by the factories and in manifests)', () => {
  const refusal = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  test.each([
    ['multicast', () => Ipam.fixedAddress('224.0.0.5/24'), /^Ipam\.staticAddresses: addresses\[0\]\.address: 224\.0\.0\.5\/24 is a multicast address \(224\.0\.0\.0\/4\)/],
    ['IPv6 multicast', () => Ipam.fixedAddress('ff02::5/64'), /is a multicast address \(ff00::\/8\)/],
    ['loopback', () => Ipam.fixedAddress('127.0.0.5/8'), /is a loopback address \(127\.0\.0\.0\/8\)/],
    ['IPv6 loopback', () => Ipam.fixedAddress('::1/128'), /is the loopback address \(::1\)/],
    ['a zone index', () => Ipam.fixedAddress('fe80::1%eth0/64'), /"fe80::1%eth0\/64" has a zone index \(%\.\.\.\), which CNI configs do not take; write the address without it/],
    ['the same address twice', () => Ipam.staticAddresses({ addresses: [{ address: '192.168.1.200/24' }, { address: '192.168.1.200/24' }] }),
      /addresses\[1\]\.address: 192\.168\.1\.200\/24 is also addresses\[0\].*list each address once/],
    ['a multicast range', () => Ipam.hostLocal({ ranges: [{ subnet: '239.1.0.0/16' }] }), /ranges\[0\]\.subnet: 239\.1\.0\.0\/16 is a multicast address/],
    ['a route gateway no subnet reaches', () => Ipam.fixedAddress('192.168.1.200/24', { routes: [{ dst: '10.0.0.0/8', gw: '192.168.2.1' }] }),
      /routes\[0\]\.gw 192\.168\.2\.1 is in no subnet of the network's addresses \(192\.168\.1\.0\/24\).*name a router inside one of them/],
    ['overlapping ranges in one set', () => Ipam.hostLocal({ rangeSets: [[{ subnet: '10.0.0.0/24', rangeStart: '10.0.0.10', rangeEnd: '10.0.0.20' }, { subnet: '10.0.0.0/24', rangeStart: '10.0.0.20' }]] }),
      /rangeSets\[0\]\[1\]: hands out 10\.0\.0\.20-10\.0\.0\.254, which overlaps .*rangeSets\[0\]\[0\] \(10\.0\.0\.10-10\.0\.0\.20\) in the same range set/],
  ])('%s', (_name, make, message) => {
    expect(refusal(make)).toMatch(message);
  });

  test('the same in a manifest: messages name its keys', () => {
    expect(refusal(() => Ipam.fromConfig({ type: 'static', addresses: [{ address: '10.0.0.5/24' }], routes: [{ dst: '0.0.0.0/0', gw: '10.1.0.1' }] })))
      .toMatch(/^routes\[0\]\.gw 10\.1\.0\.1 is in no subnet/);
    expect(refusal(() => Ipam.fromConfig({ type: 'host-local', ranges: [[{ subnet: '10.0.0.0/24' }, { subnet: '10.0.0.128/25' }]] })))
      .toMatch(/^ranges\[0\]\[1\]: hands out .* overlaps ranges\[0\]\[0\]/);
  });

  test('ranges of two range sets that overlap, as host-local refuses them ("range set 1 overlaps with 0")', () => {
    expect(refusal(() => Ipam.hostLocal({ ranges: [{ subnet: '10.0.0.0/24' }, { subnet: '10.0.0.0/24' }] })))
      .toMatch(/^Ipam\.hostLocal: ranges\[1\]: hands out 10\.0\.0\.1-10\.0\.0\.254, which overlaps Ipam\.hostLocal: ranges\[0\] .* of another range set/);
  });

  test('what is fine stays fine: disjoint ranges in a set and across sets, a gateway on the link, dual stack', () => {
    expect(refusal(() => Ipam.hostLocal({ rangeSets: [[{ subnet: '10.0.0.0/24', rangeStart: '10.0.0.10', rangeEnd: '10.0.0.19' }, { subnet: '10.0.0.0/24', rangeStart: '10.0.0.20' }]] }))).toBe('accepted');
    expect(refusal(() => Ipam.fixedAddress('192.168.1.200/24', { routes: [{ dst: '10.0.0.0/8', gw: '192.168.1.1' }] }))).toBe('accepted');
    expect(refusal(() => Ipam.hostLocal({ ranges: [{ subnet: '10.0.0.0/24' }, { subnet: '10.0.1.0/24' }] }))).toBe('accepted');
    expect(refusal(() => Ipam.hostLocal({ ranges: [{ subnet: '10.0.0.0/24' }, { subnet: 'fd00::/64' }] }))).toBe('accepted');
  });
});

test('fails when a host-local dataDir holds ".." or is given under /host, as pods see the node', () => {
  const ranges = [{ subnet: '10.0.0.0/24' }];
  expect(() => Ipam.hostLocal({ ranges, dataDir: '/var/lib/../cni' })).toThrow(/Ipam.hostLocal: dataDir "\/var\/lib\/..\/cni" contains ".."; write the host path it leads to/);
  expect(() => Ipam.hostLocal({ ranges, dataDir: '/host/var/lib/cni/networks' })).toThrow(
    /dataDir \/host\/var\/lib\/cni\/networks starts with \/host.*write \/var\/lib\/cni\/networks/);
  expect(() => Ipam.hostLocal({ ranges, dataDir: '/var/lib/cni/lan' })).not.toThrow();
});

