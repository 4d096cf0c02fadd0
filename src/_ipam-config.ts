// The checks behind every Ipam, shared by the factories and by Ipam.fromConfig (and through it
// the nad-ipam rule): one code path, with fields named as the caller knows them.
import { contains, formatIp, Ip, parseIp, specialUse } from './_ip';
import { HOST_MOUNT_PREFIX } from './cni/facts';
import type { IpamAddress, IpamRoute, IpRange, WhereaboutsIpamProps } from './ipam';

/** What a builder checked and made: the Ipam's type, its config section and the subnets it assigns from. */
export interface BuiltIpam {
  readonly type: string;
  readonly config: { [k: string]: any };
  readonly subnets: string[];
}

export function checkedSubnet(field: string, text: string, naming: Naming): Ip {
  const ip = parseIp(field, text, true);
  if (ip.value !== ip.network) {
    const network = `${formatIp(ip.family, ip.network)}/${ip.prefix}`;
    const fixed = naming.manifest ? `static IPAM with the address ${text}` : `Ipam.fixedAddress("${text}")`;
    throw new Error(`${field}: ${text} has host bits set (host-local fails with "Network has host bits set"); ` +
      `the subnet is ${network}: use rangeStart/rangeEnd for a part of it, or ${fixed} for one fixed address`);
  }
  if (ip.prefix >= ip.bits - 1) {
    throw new Error(`${field}: ${text} is too small for host-local, which needs at least a /${ip.bits - 2}`);
  }
  const special = specialUse(ip);
  if (special) throw new Error(`${field}: ${text} is ${special}, not a subnet pods can take addresses from on a LAN`);
  return ip;
}

export function checkedInRange(field: string, text: string, subnet: Ip): Ip {
  const ip = parseIp(field, text, false);
  const cidr = `${formatIp(subnet.family, subnet.network)}/${subnet.prefix}`;
  if (!contains(subnet, ip)) throw new Error(`${field}: ${text} is outside the subnet ${cidr}`);
  if (ip.value === subnet.network) throw new Error(`${field}: ${text} is the network address of ${cidr}; start at ${formatIp(ip.family, ip.value + 1n)} or later`);
  if (subnet.family === 4 && ip.value === subnet.broadcast) throw new Error(`${field}: ${text} is the broadcast address of ${cidr}; end at ${formatIp(4, ip.value - 1n)} or earlier`);
  return ip;
}

export function checkGateway(field: string, text: string, subnet: Ip): void {
  const gw = parseIp(field, text, false);
  const cidr = `${formatIp(subnet.family, subnet.network)}/${subnet.prefix}`;
  if (!contains(subnet, gw)) throw new Error(`${field}: ${text} is outside the subnet ${cidr}; a gateway must be reachable on the link`);
  if (subnet.prefix < subnet.bits - 1 && (gw.value === subnet.network || (subnet.family === 4 && gw.value === subnet.broadcast))) {
    throw new Error(`${field}: ${text} is the ${gw.value === subnet.network ? 'network' : 'broadcast'} address of ${cidr}, not a router`);
  }
}

/**
 * The routes, each with a prefix for dst and a gw of its family that one of `onLink` (the subnets of
 * the interface's addresses) reaches: the kernel refuses any other gw ("network is unreachable").
 */
export function checkedRoutes(naming: Naming, routes: IpamRoute[] | undefined, onLink: Ip[]): { [k: string]: string }[] | undefined {
  if (!routes?.length) return undefined;
  return routes.map((r, i) => {
    const dst = parseIp(naming.field(`routes[${i}].dst`), r.dst, true);
    if (dst.value !== dst.network) {
      throw new Error(`${naming.field(`routes[${i}].dst`)} ${r.dst} has host bits set; the prefix is ${formatIp(dst.family, dst.network)}/${dst.prefix}`);
    }
    const out: { [k: string]: string } = { dst: r.dst };
    if (r.gw !== undefined) {
      const gw = parseIp(naming.field(`routes[${i}].gw`), r.gw, false);
      if (gw.family !== dst.family) throw new Error(`${naming.field(`routes[${i}]`)}: gw ${r.gw} and dst ${r.dst} are of different address families`);
      const reach = onLink.filter((s) => s.family === gw.family);
      if (reach.length > 0 && !reach.some((s) => contains(s, gw))) {
        throw new Error(`${naming.field(`routes[${i}].gw`)} ${r.gw} is in no subnet of the network's addresses ` +
          `(${reach.map((s) => `${formatIp(s.family, s.network)}/${s.prefix}`).join(', ')}): the plugin fails with "network is unreachable"; ` +
          'name a router inside one of them');
      }
      out.gw = r.gw;
    }
    return out;
  });
}

/** How a message names a field: as an option of the factory called, or as a key of a manifest's ipam section. */
export interface Naming {
  /** `Ipam.hostLocal: ranges[0].subnet` for a factory, `ranges[0][0].subnet` for a manifest. */
  readonly field: (path: string) => string;
  /** Whether the fields are a manifest's JSON keys (`range_start`, not `rangeStart`). */
  readonly manifest: boolean;
}

export function factory(name: string): Naming {
  return { field: (path) => `Ipam.${name}: ${path}`, manifest: false };
}

export const MANIFEST: Naming = { field: (path) => path, manifest: true };

export function buildStatic(input: IpamAddress[], inputRoutes: IpamRoute[] | undefined, naming: Naming): BuiltIpam {
  const subnets: string[] = [];
  const parsed: Ip[] = [];
  const addresses = input.map((a, i) => {
    const field = naming.field(`addresses[${i}].address`);
    const ip = parseIp(field, a.address, true);
    const special = specialUse(ip);
    if (special) throw new Error(`${field}: ${a.address} is ${special}, not an address a pod can hold on a LAN`);
    const twin = parsed.findIndex((p) => p.family === ip.family && p.value === ip.value);
    if (twin >= 0) {
      throw new Error(`${field}: ${a.address} is also addresses[${twin}]; the plugin fails adding it twice ("file exists"): list each address once`);
    }
    parsed.push(ip);
    if (ip.family === 4 && ip.prefix < 31 && (ip.value === ip.network || ip.value === ip.broadcast)) {
      throw new Error(`${field}: ${a.address} is the ${ip.value === ip.network ? 'network' : 'broadcast'} address of its subnet; ` +
        'write the address to assign, such as 192.168.1.200/24');
    }
    subnets.push(`${formatIp(ip.family, ip.network)}/${ip.prefix}`);
    const out: { [k: string]: string } = { address: a.address };
    if (a.gateway !== undefined) {
      checkGateway(naming.field(`addresses[${i}].gateway`), a.gateway, ip);
      if (parseIp('gateway', a.gateway, false).value === ip.value) {
        throw new Error(`${naming.field(`addresses[${i}].gateway`)} ${a.gateway} is the address itself; name the router of ${subnets[i]}`);
      }
      out.gateway = a.gateway;
    }
    return out;
  });
  const config: { [k: string]: any } = { type: 'static', addresses };
  const routes = checkedRoutes(naming, inputRoutes, parsed);
  if (routes) config.routes = routes;
  return { type: 'static', config, subnets };
}

export function buildHostLocal(sets: IpRange[][], label: (i: number, j: number) => string, inputRoutes: IpamRoute[] | undefined,
  dataDir: unknown, naming: Naming): BuiltIpam {
  const subnets: string[] = [];
  const onLink: Ip[] = [];
  const spans: { set: number; family: number; first: bigint; last: bigint; field: string }[] = [];
  const ranges = sets.map((set, i) => {
    let family: number | undefined;
    return set.map((r, j) => {
      const field = naming.field(label(i, j));
      const subnet = checkedSubnet(`${field}.subnet`, r.subnet, naming);
      if (family !== undefined && subnet.family !== family) {
        throw new Error(`${field}.subnet: ${r.subnet} mixes address families within one range set; put IPv4 and IPv6 ranges in separate sets`);
      }
      family = subnet.family;
      subnets.push(r.subnet);
      onLink.push(subnet);
      const out: { [k: string]: string } = { subnet: r.subnet };
      const start = r.rangeStart === undefined ? undefined : checkedInRange(`${field}.rangeStart`, r.rangeStart, subnet);
      const end = r.rangeEnd === undefined ? undefined : checkedInRange(`${field}.rangeEnd`, r.rangeEnd, subnet);
      if (start && end && start.value > end.value) {
        throw new Error(`${field}: rangeStart ${r.rangeStart} comes after rangeEnd ${r.rangeEnd}; swap them`);
      }
      // host-local never hands out the gateway (by default the subnet's first address).
      const gateway = r.gateway === undefined ? subnet.network + 1n : parseIp(`${field}.gateway`, r.gateway, false).value;
      const first = start?.value ?? subnet.network + 1n;
      const last = end?.value ?? (subnet.family === 4 ? subnet.broadcast - 1n : subnet.broadcast);
      if (first === last && first === gateway) {
        throw new Error(`${field}: the range holds only ${formatIp(subnet.family, first)}, which is the gateway${r.gateway === undefined ? ' (by default the subnet\'s first address)' : ''}; ` +
          'host-local never hands out the gateway, so every ADD would fail with "no IP addresses available"; widen the range or set another gateway');
      }
      // host-local refuses ranges that overlap, in one set ("invalid range set") or across sets
      // ("range set 1 overlaps with 0"; plugins/ipam/host-local/backend/allocator/config.go).
      const other = spans.find((s) => s.family === subnet.family && first <= s.last && s.first <= last);
      if (other) {
        throw new Error(`${field}: hands out ${formatIp(subnet.family, first)}-${formatIp(subnet.family, last)}, which overlaps ${other.field} ` +
          `(${formatIp(subnet.family, other.first)}-${formatIp(subnet.family, other.last)}) ${other.set === i ? 'in the same range set' : 'of another range set'}; ` +
          'host-local refuses the config: make the ranges disjoint');
      }
      spans.push({ set: i, family: subnet.family, first, last, field });
      if (r.rangeStart !== undefined) out.rangeStart = r.rangeStart;
      if (r.rangeEnd !== undefined) out.rangeEnd = r.rangeEnd;
      if (r.gateway !== undefined) {
        checkGateway(`${field}.gateway`, r.gateway, subnet);
        out.gateway = r.gateway;
      }
      return out;
    });
  });
  const config: { [k: string]: any } = { type: 'host-local', ranges };
  const routes = checkedRoutes(naming, inputRoutes, onLink);
  if (routes) config.routes = routes;
  if (dataDir !== undefined) {
    if (typeof dataDir !== 'string' || !dataDir.startsWith('/')) {
      throw new Error(`${naming.field('dataDir')} must be an absolute host path, got ${JSON.stringify(dataDir)}`);
    }
    // host-local runs on the node, exec'd by the runtime: the path is the node's, as the node sees it.
    if (dataDir.split('/').includes('..')) {
      throw new Error(`${naming.field('dataDir')} ${JSON.stringify(dataDir)} contains ".."; write the host path it leads to`);
    }
    if (dataDir === HOST_MOUNT_PREFIX || dataDir.startsWith(`${HOST_MOUNT_PREFIX}/`)) {
      throw new Error(`${naming.field('dataDir')} ${dataDir} starts with ${HOST_MOUNT_PREFIX}, where pods see the node's dirs; ` +
        `host-local runs on the node and reads it as the node's own path: write ${dataDir.slice(HOST_MOUNT_PREFIX.length) || '/'}`);
    }
    config.dataDir = dataDir;
  }
  return { type: 'host-local', config, subnets };
}

/** With `asWritten`, the section of a manifest is kept as it is (it may carry keys this library does not write). */
export function buildWhereabouts(props: WhereaboutsIpamProps, naming: Naming, asWritten?: any): BuiltIpam {
  const key = (option: string, json: string) => naming.field(naming.manifest ? json : option);
  const range = checkedSubnet(naming.field('range'), props.range, naming);
  const start = props.rangeStart === undefined ? undefined : checkedInRange(key('rangeStart', 'range_start'), props.rangeStart, range);
  const end = props.rangeEnd === undefined ? undefined : checkedInRange(key('rangeEnd', 'range_end'), props.rangeEnd, range);
  if (start && end && start.value > end.value) {
    throw new Error(`${key('rangeStart', 'range_start')} ${props.rangeStart} comes after ${naming.manifest ? 'range_end' : 'rangeEnd'} ${props.rangeEnd}; swap them`);
  }
  for (const [i, ex] of (props.exclude ?? []).entries()) {
    const e = parseIp(naming.field(`exclude[${i}]`), ex, true);
    if (!contains(range, e) || e.prefix < range.prefix) throw new Error(`${naming.field(`exclude[${i}]`)} ${ex} is not inside the range ${props.range}`);
  }
  if (props.gateway !== undefined) checkGateway(naming.field('gateway'), props.gateway, range);
  const path = props.configurationPath;
  if ((path !== undefined || !naming.manifest) && (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('/host/'))) {
    throw new Error(`${key('configurationPath', 'configuration_path')} must be the host path of whereabouts.conf (the plugin runs on the host), got ${JSON.stringify(path)}`);
  }
  const config: { [k: string]: any } = { type: 'whereabouts', range: props.range };
  if (props.rangeStart !== undefined) config.range_start = props.rangeStart;
  if (props.rangeEnd !== undefined) config.range_end = props.rangeEnd;
  if (props.exclude?.length) config.exclude = [...props.exclude];
  if (props.gateway !== undefined) config.gateway = props.gateway;
  const routes = checkedRoutes(naming, props.routes, [range]);
  if (routes) config.routes = routes;
  if (path !== undefined) config.configuration_path = path;
  return { type: 'whereabouts', config: asWritten ?? config, subnets: [props.range] };
}

/** A manifest's value that must be a list. */
export function listOf(field: string, value: unknown): any[] {
  if (!Array.isArray(value)) throw new Error(`${field}: must be a list, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

export function stringField(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new Error(`${field}: must be a string, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

export function optionalString(field: string, value: unknown): string | undefined {
  return value === undefined ? undefined : stringField(field, value);
}

export function manifestRange(at: string, r: any): IpRange {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error(`${at}: must be an object with a subnet, got ${JSON.stringify(r)}`);
  return {
    subnet: stringField(`${at}.subnet`, r.subnet),
    rangeStart: optionalString(`${at}.rangeStart`, r.rangeStart),
    rangeEnd: optionalString(`${at}.rangeEnd`, r.rangeEnd),
    gateway: optionalString(`${at}.gateway`, r.gateway),
  };
}

export function manifestRoutes(routes: unknown): IpamRoute[] | undefined {
  if (routes === undefined) return undefined;
  return listOf('routes', routes).map((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error(`routes[${i}]: must be an object with dst, got ${JSON.stringify(r)}`);
    return { dst: stringField(`routes[${i}].dst`, r.dst), gw: optionalString(`routes[${i}].gw`, r.gw) };
  });
}
