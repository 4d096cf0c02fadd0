import { Address4, Address6 } from 'ip-address';

/** A parsed address or prefix, of either family. */
export interface Ip {
  readonly family: 4 | 6;
  readonly text: string;
  /** The address itself (without prefix). */
  readonly address: string;
  readonly prefix: number;
  readonly value: bigint;
  readonly network: bigint;
  readonly broadcast: bigint;
  readonly bits: number;
}

/**
 * Parsed addresses by text: construction, the synth-time rules and lint parse the same addresses,
 * and an Ip is immutable, so one parse serves them all. Cleared when it grows large.
 */
const PARSED = new Map<string, Ip>();
const MAX_PARSED = 100_000;

/**
 * Parses an address (`192.168.1.10`, `fd00::10`) or a prefix (`192.168.1.0/24`).
 * @param field the field name, for the message
 */
export function parseIp(field: string, text: string, requirePrefix: boolean): Ip {
  if (typeof text !== 'string' || text.trim() !== text || text === '') {
    throw new Error(`${field}: ${JSON.stringify(text)} is not an IP address; write one such as ${requirePrefix ? '192.168.1.0/24 or fd00::/64' : '192.168.1.10 or fd00::10'}, without spaces`);
  }
  if (text.includes('%')) {
    throw new Error(`${field}: ${JSON.stringify(text)} has a zone index (%...), which CNI configs do not take; write the address without it`);
  }
  const hasPrefix = text.includes('/');
  if (requirePrefix && !hasPrefix) {
    throw new Error(`${field}: ${JSON.stringify(text)} has no prefix length; write it as a CIDR such as 192.168.1.0/24`);
  }
  if (!requirePrefix && hasPrefix) {
    throw new Error(`${field}: ${JSON.stringify(text)} must be a plain address, without a prefix length`);
  }
  const known = PARSED.get(text);
  if (known) return known;
  const v6 = text.includes(':');
  let parsed: Address4 | Address6;
  try {
    parsed = v6 ? new Address6(text) : new Address4(text);
  } catch {
    const example = hasPrefix ? (v6 ? 'fd00::/64' : '192.168.1.0/24') : (v6 ? 'fd00::10' : '192.168.1.10');
    throw new Error(`${field}: ${JSON.stringify(text)} is not a valid IPv${v6 ? 6 : 4} ${hasPrefix ? 'CIDR' : 'address'}; write it like ${example}`);
  }
  const bits = v6 ? 128 : 32;
  const prefix = hasPrefix ? Number(text.slice(text.indexOf('/') + 1)) : bits;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    throw new Error(`${field}: ${JSON.stringify(text)} has an invalid prefix length; IPv${v6 ? 6 : 4} prefixes are 0 to ${bits}`);
  }
  let value: bigint;
  let network: bigint;
  let broadcast: bigint;
  if (v6) {
    value = parsed.bigInt();
    // Prefix arithmetic on bigints: 2^(host bits) is the block size.
    const block = 2n ** BigInt(bits - prefix);
    network = value - (value % block);
    broadcast = network + block - 1n;
  } else {
    // IPv4 fits a double: the same arithmetic on the four octets ip-address parsed, then bigints.
    const octets = (parsed as Address4).parsedAddress.map(Number);
    const n = ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3];
    const block = 2 ** (bits - prefix);
    const start = n - (n % block);
    value = BigInt(n);
    network = BigInt(start);
    broadcast = BigInt(start + block - 1);
  }
  const ip: Ip = {
    family: v6 ? 6 : 4,
    text,
    address: v6 ? (parsed as Address6).correctForm() : (parsed as Address4).correctForm(),
    prefix,
    value,
    network,
    broadcast,
    bits,
  };
  if (PARSED.size >= MAX_PARSED) PARSED.clear();
  PARSED.set(text, ip);
  return ip;
}

/** The textual form of an address value of a family. */
export function formatIp(family: 4 | 6, value: bigint): string {
  // IPv4 by hand: the dotted quad that ip-address's correctForm() gives, at a fraction of its cost.
  if (family === 4) return `${value / 16777216n}.${(value / 65536n) % 256n}.${(value / 256n) % 256n}.${value % 256n}`;
  return Address6.fromBigInt(value).correctForm();
}

/** Whether an address lies in a subnet. */
export function contains(subnet: Ip, address: Ip): boolean {
  return subnet.family === address.family && address.value >= subnet.network && address.value <= subnet.broadcast;
}

/**
 * Why an address (or a subnet) cannot be a pod's address on a LAN: multicast, loopback or
 * unspecified. The plugins accept some of these (static assigns 224.0.0.5/24 or 127.0.0.5/8).
 */
export function specialUse(ip: Ip): string | undefined {
  if (ip.family === 4) {
    const first = Number(ip.network / 16777216n);
    if (first >= 224 && first <= 239) return 'a multicast address (224.0.0.0/4)';
    if (first === 127) return 'a loopback address (127.0.0.0/8)';
    if (first === 0) return 'an address of "this network" (0.0.0.0/8)';
    return undefined;
  }
  if (ip.network / 2n ** 120n === 0xffn) return 'a multicast address (ff00::/8)';
  if (ip.value === 1n && ip.prefix === 128) return 'the loopback address (::1)';
  if (ip.value === 0n) return 'the unspecified address (::)';
  return undefined;
}
