// The rules on NetworkAttachmentDefinitions: the CRD, their CNI configs, the plugins they need, their IPAM, names and overlaps.
import { networkFacts } from '../_attachment';
import { parseIp } from '../_ip';
import { asArray, asText } from '../_json';
import { CHAINED_ONLY, macProblem, sysctlKeyProblem } from '../cni/chain';
import { IPV6_MIN_MTU, isInterfaceName, MIN_MTU, mtuProblem, mtuRangeProblem } from '../cni/interfaces';
import { mainPlugin, pluginTypes, segmentOf } from '../cni/plugins';
import { cniVersionProblem } from '../cni/versions';
import { Ipam } from '../ipam';
import { defineRule } from './_define';
import { nadKey, parsedConfig, readConfig, pluginEntries } from './_helpers';
import { Obj, truncate } from './_model';
import { Finding, Severity } from './finding';
import * as facts from '../cni/facts';
import { MACVTAP_CNI_TYPE, MACVTAP_CONFIG_ENV, MACVTAP_RESOURCE_PREFIX, RESOURCE_NAME_ANNOTATION } from '../cni/macvtap';
import { vlanIdProblem } from '../cni/vlan';

export const nadCrd = defineRule({
  id: 'nad-crd',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'The NetworkAttachmentDefinition CRD has its one correct name, and NADs use its group and version.',
  catches: 'a controller that cannot find the CRD (`networkattachmentdefinitions...` misspelt).',
  check: (m, report) => [
    ...m.objects.filter((o) => o.kind === 'CustomResourceDefinition' && o.manifest.spec?.names?.kind === facts.NAD_KIND)
      .filter((o) => o.name !== facts.NAD_CRD_NAME || o.manifest.spec?.group !== facts.NAD_GROUP)
      .map((o) => report(o, {
        field: 'metadata.name',
        found: `${o.name} (group ${o.manifest.spec?.group})`,
        expected: `${facts.NAD_CRD_NAME} (group ${facts.NAD_GROUP})`,
        message: 'Multus and the NAD client look the CRD up as network-attachment-definitions in group k8s.cni.cncf.io',
        fix: `name it ${facts.NAD_CRD_NAME}, with plural network-attachment-definitions and group ${facts.NAD_GROUP}`,
      })),
    ...m.nads.filter((o) => o.manifest.apiVersion !== `${facts.NAD_GROUP}/v1`).map((o) => report(o, {
      field: 'apiVersion',
      found: asText(o.manifest.apiVersion),
      expected: `${facts.NAD_GROUP}/v1`,
      message: 'the NetworkAttachmentDefinition API is served only as k8s.cni.cncf.io/v1',
      fix: `set apiVersion to ${facts.NAD_GROUP}/v1`,
    })),
  ],
});

export const nadConfig = defineRule({
  id: 'nad-config',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'A NetworkAttachmentDefinition\'s spec.config is a JSON CNI config or conflist with a cniVersion the plugins know and a plugin type; each plugin\'s master can name a NIC and its mtu is one the kernel takes.',
  catches: 'pods stuck in ContainerCreating with a parse error from Multus, or an ADD that fails on a master or MTU patched into the config.',
  check: (m, report) => m.nads.flatMap((nad) => {
    const text = nad.manifest.spec?.config;
    if (text === undefined || text === '') return [];
    const bad = (found: string, message: string) => [report(nad, {
      field: 'spec.config', found, expected: 'a JSON CNI config with cniVersion and type (or plugins)', message, fix: 'write the CNI config as a JSON string',
    })];
    if (typeof text !== 'string') return bad(typeof text, 'spec.config must be a string holding JSON');
    const { value, error } = readConfig(nad);
    const config: any = value;
    if (error !== undefined) return bad(text.slice(0, 80), `spec.config is not valid JSON (${error})`);
    if (typeof config?.cniVersion !== 'string') return bad(text.slice(0, 80), 'spec.config has no cniVersion');
    const versionProblem = cniVersionProblem(config.cniVersion);
    if (versionProblem) return bad(config.cniVersion, versionProblem);
    if (pluginTypes(config).length === 0) return bad(text.slice(0, 80), 'spec.config names no plugin type');
    // The link a plugin makes: a master that can be a NIC, an MTU the kernel takes.
    return pluginEntries(config).flatMap(({ plugin: p, field }) => {
      const out = [];
      if (p?.master !== undefined && (typeof p.master !== 'string' || !isInterfaceName(p.master))) {
        out.push(report(nad, {
          field: `${field}.master`,
          found: asText(p.master),
          expected: 'a Linux interface name of the nodes (1 to 15 characters, no \'/\' or spaces)',
          message: `master ${JSON.stringify(p.master)} cannot name a network interface: the ${asText(p.type)} plugin's ADD fails looking it up`,
          fix: 'set master to the NIC\'s name on the nodes, such as eth0 or enp3s0',
        }));
      }
      const mtu = mtuRangeProblem(p?.mtu);
      if (mtu) {
        out.push(report(nad, {
          field: `${field}.mtu`,
          found: asText(p.mtu),
          expected: `an integer from ${MIN_MTU} to the master's MTU`,
          message: `${mtu}: the kernel refuses the link and the ADD fails`,
          fix: 'set mtu within the master\'s MTU, or leave it out to take the master\'s',
        }));
      }
      return out;
    });
  }),
});

export const pluginAvailable = defineRule({
  id: 'plugin-available',
  severity: Severity.ERROR,
  summary: 'Every plugin type used by a network (and multus-shim for the daemon) is bundled by the node or installed into its bin dir.',
  catches: '`failed to find plugin "macvlan" in path [/var/lib/rancher/k3s/data/cni]`: k3s bundles no macvlan.',
  check: (m, report, cannotJudge) => {
    const available = new Set(m.layout.bundledPlugins);
    // A NAD linted without anything that installs plugins: the nodes may carry plugins that
    // something outside the input installed, and nothing says which.
    const nodesUnknown = m.partialInput && !m.nodePluginsDeclared && !m.installsPlugins;
    for (const i of m.installers) {
      if (i.mounts.toHost(i.target)?.isSame(m.layout.binDir)) i.plugins.forEach((p) => available.add(p));
    }
    const out: Finding[] = [];
    const missing = (o: Obj, field: string, plugin: string, usedBy: string) => report(o, {
      field,
      found: plugin,
      expected: `one of the plugins in ${m.layout.binDir}: ${[...available].sort().join(', ')}`,
      message: `${usedBy} uses plugin "${plugin}", which is neither bundled by ${m.layout.layoutName} nor installed into ${m.layout.binDir}: ` +
        `ADD fails with 'failed to find plugin "${plugin}" in path [${m.layout.binDir}]'`,
      fix: plugin === 'multus-shim'
        ? `add an init container that runs install_multus -t thick into ${m.layout.binDir}`
        : plugin === MACVTAP_CNI_TYPE
          ? `deploy the macvtap device plugin (MacvtapDevicePlugin), whose init container installs the macvtap CNI into ${m.layout.binDir}`
          : `install it into ${m.layout.binDir} (MultusThick installs the reference plugins the app's networks use; add "${plugin}" to its extraPlugins), or, if something else installs it on every node, declare it (K3sLayout extraAvailablePlugins, StandardLayout availablePlugins; lint --node-plugins ${plugin})`,
    });
    for (const d of m.dhcpDaemons) {
      if (!available.has('dhcp')) out.push(missing(d.owner, d.field, 'dhcp', `the DHCP daemon "${d.container}"`));
    }
    for (const d of m.thinDaemons) {
      if (!available.has('multus')) out.push(missing(d.owner, d.field, 'multus', `the thin plugin's generated config (container "${d.container}")`));
    }
    for (const d of m.daemons) {
      if (!available.has('multus-shim')) out.push(missing(d.owner, `spec.template.spec.containers[${d.containerIndex}]`, 'multus-shim', 'the generated 00-multus.conf'));
    }
    for (const nad of m.nads) {
      const config = parsedConfig(nad); // an unparsable config is reported by nad-config
      if (!config) continue;
      for (const t of new Set(pluginTypes(config))) {
        if (available.has(t)) continue;
        if (nodesUnknown) {
          cannotJudge(nad, {
            field: 'spec.config',
            missing: `plugin "${t}" is not bundled by ${m.layout.layoutName}, and nothing in the input installs plugins or deploys Multus: ` +
              `whether the nodes carry it in ${m.layout.binDir} is not known; lint with the installer, or declare the nodes' plugins (lint --node-plugins)`,
          });
        } else {
          out.push(missing(nad, 'spec.config', t, `NetworkAttachmentDefinition ${nad.namespace ?? 'default'}/${nad.name}`));
        }
      }
    }
    return out;
  },
});

export const networkNameUnique = defineRule({
  id: 'network-name-unique',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'No two NetworkAttachmentDefinitions share a name in one namespace.',
  catches: 'one network silently replacing another when the manifests are applied.',
  check: (m, report) => {
    const seen = new Map<string, Obj>();
    const out: Finding[] = [];
    for (const nad of m.nads) {
      const first = seen.get(nadKey(nad));
      if (first) {
        out.push(report(nad, {
          field: 'metadata.name',
          found: nadKey(nad),
          expected: 'a name used once per namespace',
          message: `NetworkAttachmentDefinition ${nadKey(nad)} is defined twice${first.source ? ` (also at ${first.source})` : ''}; the one applied last wins`,
          fix: 'give each network its own name',
        }));
      } else {
        seen.set(nadKey(nad), nad);
      }
    }
    return out;
  },
});

/** The address intervals a plugin config hands out: static addresses and host-local ranges. */
function addressIntervals(config: any): { family: number; start: bigint; end: bigint; text: string; pool?: string }[] {
  const ipam = config?.ipam;
  const out: { family: number; start: bigint; end: bigint; text: string; pool?: string }[] = [];
  const parse = (text: unknown, prefix: boolean) => {
    try {
      return typeof text === 'string' ? parseIp('', text, prefix) : undefined;
    } catch {
      return undefined;
    }
  };
  if (ipam?.type === 'static') {
    for (const a of asArray(ipam.addresses)) {
      const ip = parse(a?.address, true);
      if (ip) out.push({ family: ip.family, start: ip.value, end: ip.value, text: asText(a.address) });
    }
  }
  if (ipam?.type === 'host-local') {
    for (const r of asArray(ipam.ranges).flatMap((set) => asArray(set))) {
      const subnet = parse(r?.subnet, true);
      if (!subnet) continue;
      const start = parse(r.rangeStart, false)?.value ?? subnet.network + 1n;
      const end = parse(r.rangeEnd, false)?.value ?? (subnet.family === 4 ? subnet.broadcast - 1n : subnet.broadcast);
      out.push({ family: subnet.family, start, end, text: `${r.subnet}${r.rangeStart || r.rangeEnd ? ` ${r.rangeStart ?? ''}-${r.rangeEnd ?? ''}` : ''}` });
    }
  }
  if (ipam?.type === 'whereabouts') {
    // Whereabouts allocates cluster-wide from one IPPool per range (and network_name): networks that
    // name the same pool share its allocations, any other overlap hands one address out twice.
    for (const r of [ipam, ...asArray(ipam.ipRanges)]) {
      const range = parse(r?.range, true);
      if (!range) continue;
      const start = parse(r.range_start, false)?.value ?? range.network + 1n;
      const end = parse(r.range_end, false)?.value ?? (range.family === 4 ? range.broadcast - 1n : range.broadcast);
      const pool = `whereabouts ${range.network}/${range.prefix} ${typeof ipam.network_name === 'string' ? ipam.network_name : ''}`;
      out.push({ family: range.family, start, end, text: `${r.range} (whereabouts)`, pool });
    }
  }
  return out;
}

export const networkOverlap = defineRule({
  id: 'network-overlap',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'Networks on the same master (or, for bridge networks, the same bridge), whatever their plugin, hand out disjoint fixed addresses and ranges (host-local, static and Whereabouts; Whereabouts networks of one pool share it).',
  catches: 'two pods with the same address on one LAN, each network\'s IPAM unaware of the other.',
  check: (m, report) => {
    // One sweep per segment (master or bridge) and family over intervals sorted by start: O(n log n).
    const groups = new Map<string, { nad: Obj; family: number; start: bigint; end: bigint; text: string; pool?: string }[]>();
    for (const nad of m.nads) {
      const config = mainPlugin(parsedConfig(nad));
      if (!config) continue;
      const segment = segmentOf(config);
      for (const iv of addressIntervals(config)) {
        // Every plugin on one segment shares its LAN: macvlan and ipvlan on one master are compared.
        const key = `${segment}|${iv.family}`;
        const list = groups.get(key) ?? [];
        list.push({ nad, ...iv });
        groups.set(key, list);
      }
    }
    const out: Finding[] = [];
    for (const [key, list] of groups) {
      list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      let widest = list[0];
      for (const iv of list.slice(1)) {
        if (iv.start <= widest.end && iv.nad !== widest.nad && !(iv.pool !== undefined && iv.pool === widest.pool)) {
          out.push(report(iv.nad, {
            field: 'spec.config.ipam',
            found: iv.text,
            expected: `no overlap with ${nadKey(widest.nad)} (${widest.text})`,
            message: `on ${key.split('|')[0]}, ${nadKey(iv.nad)} hands out ${iv.text}, which overlaps ${widest.text} of ${nadKey(widest.nad)}: two pods can get the same address on one LAN`,
            fix: 'give each network on a master or bridge its own addresses, or use one network with one IPAM',
          }));
        }
        if (iv.end > widest.end) widest = iv;
      }
    }
    return out;
  },
});

export const nadIpam = defineRule({
  id: 'nad-ipam',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'The IPAM of every NetworkAttachmentDefinition passes the same checks as the library\'s Ipam (host bits, ranges, gateways, families), and its interface can carry it (IPv6 needs an MTU of 1280 or more).',
  catches: '`Network has host bits set` (an address used as a subnet), and configs the plugins accept that hand out a network or gateway address.',
  // Ipam.fromConfig is the code that builds the library's own IPAM, naming the manifest's keys.
  check: (m, report) => m.nads.flatMap((nad) => {
    const config = parsedConfig(nad);
    return pluginEntries(config).map(({ plugin, field }): [string, any] => [`${field}.ipam`, plugin]).flatMap(([field, p]) => {
      try {
        const problem = mtuProblem(p?.mtu, Ipam.fromConfig(p?.ipam).subnets);
        return problem ? [report(nad, {
          field: field.replace(/\.ipam$/, '.mtu'),
          found: asText(p.mtu),
          expected: `${IPV6_MIN_MTU} or more with IPv6 addresses`,
          message: problem,
          fix: `set mtu to ${IPV6_MIN_MTU} or more, or assign IPv4 only`,
        })] : [];
      } catch (e) {
        return [report(nad, {
          field,
          found: truncate(JSON.stringify(p.ipam) ?? asText(p.ipam), 160),
          expected: 'an IPAM config that host-local or static accepts and that hands out only host addresses',
          message: (e as Error).message,
          // The checks' messages end with their fix after "; " where they have one.
          fix: (e as Error).message.includes('; ') ? (e as Error).message.slice((e as Error).message.indexOf('; ') + 2) : 'correct the field the message names',
        })];
      }
    });
  }),
});


export const macvtapResource = defineRule({
  id: 'macvtap-resource',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'A macvtap NetworkAttachmentDefinition requests a resource of the macvtap device plugin through k8s.v1.cni.cncf.io/resourceName, and a device plugin config in the manifests offers it.',
  catches: 'a macvtap ADD that fails to find its device: without the annotation Multus passes the plugin no deviceID, and a resource no device plugin offers leaves the pod Pending.',
  check: (m, report) => {
    // The device plugin's resource lists (kubevirt/macvtap-cni pkg/deviceplugin/lister.go); an empty
    // list names one resource per NIC, which cannot be judged from manifests.
    const offered = new Set<string>();
    let judged = false;
    let perNic = false;
    for (const o of m.objects.filter((x) => x.kind === 'ConfigMap' && typeof x.manifest.data?.[MACVTAP_CONFIG_ENV] === 'string')) {
      try {
        const list = JSON.parse(o.manifest.data[MACVTAP_CONFIG_ENV]);
        if (Array.isArray(list) && list.length === 0) perNic = true;
        asArray(list).forEach((r) => offered.add(asText(r?.name)));
        judged = true;
      } catch {
        judged = true; // an unparsable list offers nothing: the device plugin exits on it
      }
    }
    const out: Finding[] = [];
    for (const nad of m.nads) {
      const config: any = parsedConfig(nad);
      const main = Array.isArray(config?.plugins) ? config.plugins[0] : config;
      if (main?.type !== MACVTAP_CNI_TYPE) continue;
      const field = `metadata.annotations["${RESOURCE_NAME_ANNOTATION}"]`;
      const value = nad.manifest.metadata?.annotations?.[RESOURCE_NAME_ANNOTATION];
      if (typeof value !== 'string' || !value.startsWith(MACVTAP_RESOURCE_PREFIX)) {
        out.push(report(nad, {
          field,
          found: value === undefined ? 'absent' : asText(value),
          expected: `${MACVTAP_RESOURCE_PREFIX}<resource>`,
          message: `macvtap network ${nadKey(nad)} names no macvtap device plugin resource: Multus then passes the plugin no deviceID, and ADD fails to find the device`,
          fix: `annotate it ${RESOURCE_NAME_ANNOTATION}: ${MACVTAP_RESOURCE_PREFIX}<resource> (MacvtapNetwork does), with the resource listed in the device plugin's ${MACVTAP_CONFIG_ENV}`,
        }));
      } else if (judged && !perNic && !offered.has(value.slice(MACVTAP_RESOURCE_PREFIX.length))) {
        out.push(report(nad, {
          field,
          found: value,
          expected: `one of ${[...offered].sort().map((r) => MACVTAP_RESOURCE_PREFIX + r).join(', ') || 'the resources the device plugin offers'}`,
          message: `macvtap network ${nadKey(nad)} requests ${value}, which no macvtap device plugin config (${MACVTAP_CONFIG_ENV}) in these manifests offers: its pods stay Pending`,
          fix: `add {"name": "${value.slice(MACVTAP_RESOURCE_PREFIX.length)}", "lowerDevice": "<NIC>"} to ${MACVTAP_CONFIG_ENV}, or request a resource it lists`,
        }));
      }
    }
    return out;
  },
});

export const pluginConfig = defineRule({
  id: 'plugin-config',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'The keys of the vlan, host-device, tuning and sbr plugins are ones the plugins take, and chained-only plugins (tuning, portmap, sbr) come after a plugin that makes the interface.',
  catches: 'an ADD failing on the plugin\'s own config check: `invalid VLAN ID`, `specify either "device", "hwaddr", "kernelpath" or "pciBusID"`, `invalid net sysctl key`, `No IP addresses supplied`, `must be called as chained plugin`.',
  // Each check is the plugin's own (containernetworking/plugins v1.9.1): vlan.go loadConf,
  // host-device.go loadConf and getLink, tuning.go getSysctlFilename, sbr cmdAdd, and the
  // prevResult every meta plugin requires.
  check: (m, report) => m.nads.flatMap((nad) => {
    const config = parsedConfig(nad);
    if (!config) return [];
    const entries = pluginEntries(config);
    const plugins: any[] = entries.map((e) => e.plugin);
    const out: Finding[] = [];
    entries.forEach(({ plugin: p, field: at, index: i }) => {
      const bad = (key: string, found: unknown, expected: string, message: string, fix: string) => out.push(report(nad, {
        field: key ? `${at}.${key}` : at, found: asText(found), expected, message, fix,
      }));
      if (p?.type === 'vlan') {
        if (typeof p.master !== 'string' || p.master === '') bad('master', p.master ?? 'absent', 'the node NIC that carries the VLAN', 'the vlan plugin has no default master: ADD fails with \'"master" field is required\'', 'set master to the trunk NIC, such as eth0');
        const problem = vlanIdProblem(p.vlanId);
        if (problem) bad('vlanId', p.vlanId ?? 'absent', 'a VLAN id from 1 to 4094', problem, 'set vlanId to the VLAN\'s id, 1 to 4094');
      }
      if (p?.type === 'host-device') {
        const named = ['device', 'hwaddr', 'kernelpath', 'pciBusID'].filter((k) => typeof p[k] === 'string' && p[k] !== '');
        if (named.length === 0) {
          bad('', 'no device, hwaddr, kernelpath or pciBusID', 'exactly one of them', 'the host-device plugin fails the ADD: specify either "device", "hwaddr", "kernelpath" or "pciBusID"', 'name the device to move, such as "device": "enp3s0"');
        }
        if (typeof p.kernelpath === 'string' && p.kernelpath !== '' && !p.kernelpath.startsWith('/sys/devices/')) {
          bad('kernelpath', p.kernelpath, 'an absolute path under /sys/devices/', 'the host-device plugin fails the ADD: the kernel device path must be absolute and begin with /sys/devices/', 'give the device\'s path under /sys/devices/ (readlink -f /sys/class/net/<nic>/device)');
        }
        const macIssue = typeof p.hwaddr === 'string' && p.hwaddr !== '' ? macProblem(p.hwaddr) : undefined;
        if (macIssue) bad('hwaddr', p.hwaddr, 'the device\'s MAC address', `hwaddr ${macIssue}`, 'write the device\'s MAC as six octets');
      }
      if (p?.type === 'tuning') {
        const sysctl = typeof p.sysctl === 'object' && p.sysctl !== null ? p.sysctl : {};
        for (const key of Object.keys(sysctl)) {
          const problem = sysctlKeyProblem(key);
          if (problem) bad(`sysctl["${key}"]`, key, 'a sysctl under net.', problem, 'write only net.* sysctls, such as net.ipv4.conf.IFNAME.arp_filter');
        }
        const macIssue = typeof p.mac === 'string' ? macProblem(p.mac) : undefined;
        if (macIssue) bad('mac', p.mac, 'a unicast MAC address', `mac ${macIssue}`, 'give a unicast MAC such as 02:00:00:00:00:01, or leave mac out');
      }
      if (CHAINED_ONLY.includes(p?.type) && i === 0) {
        bad('type', p.type, 'a plugin that makes the interface first (macvlan, bridge, ...), this one after it', `${p.type} only changes what an earlier plugin of a conflist made, and fails the ADD without one ("must be called as chained plugin" or "Required prevResult missing")`,
          `put ${p.type} after the network's own plugin in "plugins"`);
      }
      if (p?.type === 'sbr' && i > 0 && !(typeof plugins[0]?.ipam?.type === 'string' && plugins[0].ipam.type !== '')) {
        bad('type', 'sbr', 'a network plugin with an IPAM before it', 'sbr routes by the interface\'s addresses, and the network assigns none: ADD fails with "No IP addresses supplied on interface"', 'give the network\'s plugin an ipam, or remove sbr');
      }
    });
    return out;
  }),
});

export const bridgeGateway = defineRule({
  id: 'bridge-gateway',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'Bridge networks with isGateway on one bridge give it one IPv4 gateway address.',
  catches: 'ADD failing with `"<bridge>" already has an IP address different from <gateway>` on the second network that makes the bridge its gateway.',
  check: (m, report) => {
    // The bridge plugin puts the IPAM's gateway on the bridge and refuses a second IPv4 one unless
    // forceAddress (which takes the first away) is set: containernetworking/plugins v1.9.1 ensureAddr.
    const first = new Map<string, { nad: Obj; gateway: string }>();
    const out: Finding[] = [];
    for (const nad of m.nads) {
      const whole: any = parsedConfig(nad);
      const config: any = mainPlugin(whole);
      if (config?.type !== 'bridge' || !(config.isGateway || config.isDefaultGateway) || config.forceAddress) continue;
      const { gateways } = networkFacts(config);
      const gateway = gateways.find((g) => !g.includes(':'));
      if (!gateway) continue;
      const segment = segmentOf(config);
      const seen = first.get(segment);
      if (!seen) {
        first.set(segment, { nad, gateway });
      } else if (seen.gateway !== gateway) {
        out.push(report(nad, {
          field: Array.isArray(whole?.plugins) ? 'spec.config.plugins[0].isGateway' : 'spec.config.isGateway',
          found: `gateway ${gateway} on ${segment}`,
          expected: `gateway ${seen.gateway}, as ${nadKey(seen.nad)} gives it`,
          message: `${nadKey(nad)} and ${nadKey(seen.nad)} both make ${segment} their gateway, with ${gateway} and ${seen.gateway}: ` +
            'the plugin keeps one IPv4 address on a bridge, and ADD on the second fails with "already has an IP address different from"',
          fix: 'give the networks on one bridge the same gateway, set isGateway on one of them only, or put them on bridges of their own',
        }));
      }
    }
    return out;
  },
});
