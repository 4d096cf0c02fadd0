import { contains, formatIp, parseIp } from './_ip';
import { asText } from './_json';

/** What an attachment asks of a network. */
export interface AttachmentRequest {
  readonly ips?: string[];
  readonly mac?: string;
  /** Gateways to make the pod's default route through this interface (`default-route`). */
  readonly defaultRoute?: string[];
  /** Node ports to forward to the pod on this network (`portMappings`), as Multus passes them to portmap. */
  readonly portMappings?: { readonly hostPort?: unknown; readonly containerPort?: unknown; readonly protocol?: unknown; readonly hostIP?: unknown }[];
}

/** What a Job runs unless it waits for a pod to be gone before replacing it. */
export const JOB_PODS = 'a replacement pod that may start while the old one terminates (podReplacementPolicy TerminatingOrFailed, the default), or parallel pods';

/** What the checks need to know of a network. */
export interface NetworkFacts {
  readonly capabilities: { ips?: boolean; mac?: boolean; portMappings?: boolean };
  /** The subnets its IPAM assigns from (CIDR). */
  readonly subnets: string[];
  readonly ipamType?: string;
  /** Whether its IPAM gives every pod the same address (static with addresses, a one-address range). */
  readonly fixedAddress: boolean;
  /** The gateways its IPAM names (a host-local range's is its first address unless set). */
  readonly gateways: string[];
  /** Whether a chained tuning plugin gives every pod the same MAC (its `mac`). */
  readonly fixedMac?: boolean;
}

/**
 * How many pods a Deployment's rollout starts before it stops old ones, from its `spec.strategy` as
 * the API server defaults it (RollingUpdate, maxSurge 25%) and as the deployment controller scales
 * it (`ResolveFenceposts` in kubernetes pkg/controller/deployment/util/deployment_util.go: maxSurge
 * rounds up against the replicas). 0 for Recreate. A value it cannot read counts as the default.
 */
export function rolloutSurge(strategy: any, replicas: number): number {
  if (strategy?.type === 'Recreate') return 0;
  const maxSurge = strategy?.rollingUpdate?.maxSurge ?? '25%';
  if (typeof maxSurge === 'number' && Number.isInteger(maxSurge) && maxSurge >= 0) return maxSurge;
  const percent = typeof maxSurge === 'string' ? /^(\d+)%$/.exec(maxSurge) : null;
  return Math.ceil((Number(percent?.[1] ?? 25) * replicas) / 100);
}

/**
 * The checks every attachment passes, whether it is made with `attachTo` or found in a manifest:
 * the first problem, or undefined. `pods` is how many pods the workload runs (a number, or words);
 * `surge`, for a Deployment, how many pods its rollout starts before it stops old ones.
 */
export function attachmentProblem(request: AttachmentRequest, net: NetworkFacts, pods: number | string, workload: string,
  surge = 0): string | undefined {
  const ips = request.ips ?? [];
  if (ips.length > 0) {
    if (!net.capabilities.ips) {
      return `ips are requested, but the network does not declare capabilities.ips, so Multus passes them only as CNI_ARGS, which ${net.ipamType ?? 'the plugin'} handles in its own way; set capabilities: { ips: true } on the network`;
    }
    if (net.subnets.length === 0) return `ips are requested, but the network's IPAM (${net.ipamType ?? 'none'}) assigns from no subnet that this library knows`;
    const subnets = net.subnets.map((sn) => parseIp('subnet', sn, true));
    for (const [i, ip] of ips.entries()) {
      let parsed;
      try {
        parsed = parseIp(`ips[${i}]`, ip, true);
      } catch (e) {
        return (e as Error).message;
      }
      if (!subnets.some((sn) => contains(sn, parsed) && sn.prefix === parsed.prefix)) {
        return `ips[${i}] ${ip} is not inside the network's subnets (${net.subnets.join(', ')}) with the same prefix length`;
      }
      if (parsed.family === 4 && parsed.prefix < 31 && (parsed.value === parsed.network || parsed.value === parsed.broadcast)) {
        return `ips[${i}] ${ip} is the ${parsed.value === parsed.network ? 'network' : 'broadcast'} address of its subnet; request an address of a host`;
      }
      if (net.gateways.some((gw) => parseIp('gateway', gw, false).value === parsed.value && gw.includes(':') === ip.includes(':'))) {
        return `ips[${i}] ${ip} is the network's gateway; request another address`;
      }
    }
  }
  if (request.mac !== undefined) {
    if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(request.mac)) return `mac ${JSON.stringify(request.mac)} is not a MAC address like 02:00:00:00:00:01`;
    if (parseInt(request.mac.slice(0, 2), 16) % 2 === 1) return `mac ${request.mac} is a multicast address; the first octet must be even`;
    if (!net.capabilities.mac) return 'a mac is requested, but the network does not declare capabilities.mac; set capabilities: { mac: true }';
  }
  for (const [i, pm] of (request.portMappings ?? []).entries()) {
    // portmap v1.9.1 parseConfig refuses ports of 0 or less; the packet filters take 1 to 65535 and
    // the protocols named here, which the plugin writes into its rules as given.
    for (const key of ['hostPort', 'containerPort'] as const) {
      const port = pm?.[key];
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return `portMappings[${i}].${key} must be a port from 1 to 65535, got ${JSON.stringify(port)}`;
    }
    if (!['tcp', 'udp', 'sctp'].includes(pm.protocol as string)) {
      return `portMappings[${i}].protocol must be tcp, udp or sctp (lower case: the portmap plugin writes it into its rules as given), got ${JSON.stringify(pm.protocol)}`;
    }
    if (pm.hostIP !== undefined) {
      try {
        parseIp(`portMappings[${i}].hostIP`, asText(pm.hostIP), false);
      } catch (e) {
        return (e as Error).message;
      }
    }
  }
  if ((request.portMappings ?? []).length > 0 && !net.capabilities.portMappings) {
    return 'portMappings are requested, but no plugin of the network declares the portMappings capability, so Multus passes them to none and no port is forwarded; chain Chain.portMap() after the network';
  }
  for (const [i, gw] of (request.defaultRoute ?? []).entries()) {
    let parsed;
    try {
      parsed = parseIp(`defaultRoute[${i}]`, gw, false);
    } catch (e) {
      return (e as Error).message;
    }
    const subnets = net.subnets.map((sn) => parseIp('subnet', sn, true));
    if (subnets.length > 0 && !subnets.some((sn) => contains(sn, parsed))) {
      return `defaultRoute[${i}] ${gw} is outside the network's subnets (${net.subnets.join(', ')}): the pod's default route would point at a gateway this interface cannot reach; name a router inside them`;
    }
  }
  const requested = ips.length > 0 || request.mac !== undefined;
  const fixed = requested ? 'a requested address or MAC' : net.fixedAddress ? 'the network\'s fixed address'
    : net.fixedMac ? 'the MAC the network\'s chained tuning plugin sets' : undefined;
  const macOnly = !requested && !net.fixedAddress && net.fixedMac;
  if (fixed && pods !== 1) {
    return `${fixed} gives every pod the same ${macOnly ? 'MAC' : 'address'}, but ${workload} runs ${typeof pods === 'number' ? `${pods} pods` : pods}; ` +
      `use a workload with exactly one pod (replicas: 1), or ${macOnly ? 'leave mac out of Chain.tuning' : 'a host-local range'}`;
  }
  if (fixed && surge > 0) {
    return `${fixed} is held by one pod, but ${workload} is a Deployment whose RollingUpdate starts ${surge} new pod${surge === 1 ? '' : 's'} ` +
      'before it stops the old one (maxSurge, 25% by default, rounds up): during every rollout two pods carry the same address or MAC ' +
      '(static IPAM does not refuse it; the LAN sees a duplicate). Set the Deployment\'s strategy to Recreate ' +
      '(DeploymentStrategy.recreate()), or RollingUpdate with maxSurge 0, or use a StatefulSet, which replaces its pod only after the old one is gone';
  }
  return undefined;
}

/** The facts of a network from its CNI config, as found in a manifest. */
export function networkFacts(config: any): NetworkFacts {
  const plugin = Array.isArray(config?.plugins) ? config.plugins.find((p: any) => p?.ipam) ?? config.plugins[0] : config;
  const ipam = plugin?.ipam;
  const declared = Array.isArray(config?.plugins) ? config.plugins.map((p: any) => p?.capabilities ?? {}) : [config?.capabilities ?? {}];
  const capabilities = Object.assign({}, ...declared);
  const subnets: string[] = [];
  const gateways: string[] = [];
  let fixedAddress = false;
  const network = (cidr: unknown): string | undefined => {
    try {
      const ip = parseIp('', asText(cidr), true);
      // A prefix without host bits is its own network (the usual case): no need to format it again.
      return ip.value === ip.network ? ip.text : `${formatIp(ip.family, ip.network)}/${ip.prefix}`;
    } catch {
      return undefined;
    }
  };
  if (ipam?.type === 'static') {
    for (const a of Array.isArray(ipam.addresses) ? ipam.addresses : []) {
      const sn = network(a?.address);
      if (sn) subnets.push(sn);
      if (typeof a?.gateway === 'string') gateways.push(a.gateway);
      fixedAddress = true;
    }
  } else if (ipam?.type === 'host-local') {
    for (const set of Array.isArray(ipam.ranges) ? ipam.ranges : []) {
      for (const r of Array.isArray(set) ? set : []) {
        const sn = network(r?.subnet);
        if (sn) subnets.push(sn);
        const gw = typeof r?.gateway === 'string' ? r.gateway : sn && firstHost(sn);
        if (gw) gateways.push(gw);
        // A one-address range hands that address to a pod on every node (leases are per node).
        if (r?.rangeStart !== undefined && r.rangeStart === r.rangeEnd) fixedAddress = true;
      }
    }
  }
  const fixedMac = Array.isArray(config?.plugins) && config.plugins.some((p: any) => p?.type === 'tuning' && typeof p.mac === 'string' && p.mac !== '');
  return { capabilities, subnets, ipamType: ipam?.type, fixedAddress, gateways, ...(fixedMac ? { fixedMac } : {}) };
}

/** The first address after a subnet's network address: host-local's gateway unless one is set. */
function firstHost(subnet: string): string {
  const ip = parseIp('subnet', subnet, true);
  return formatIp(ip.family, ip.network + 1n);
}
