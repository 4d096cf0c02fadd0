// The rules on attachments of pods and KubeVirt VMs to networks.
import { attachmentProblem, JOB_PODS, networkFacts, rolloutSurge } from '../_attachment';
import { asArray, asText, parseJson } from '../_json';
import { defineRule, Report } from './_define';
import { parsedConfig } from './_helpers';
import { Model, Obj } from './_model';
import { Finding, Severity } from './finding';
import * as facts from '../cni/facts';
import { attachmentInterfaceProblem } from '../cni/interfaces';
import { bindingNetworkKind, KUBEVIRT_BINDING_REGISTRATION, KUBEVIRT_DISCONTINUED_BINDINGS, kubevirtBindingProblem } from '../cni/kubevirt';
import { segmentOf } from '../cni/plugins';

/** How many pods a manifest's workload runs: a number, or words for "more than one". */
function manifestPods(o: Obj): number | string {
  const spec = o.manifest.spec ?? {};
  switch (o.kind) {
    case 'Pod': return 1;
    case 'Deployment': case 'StatefulSet': case 'ReplicaSet': return typeof spec.replicas === 'number' ? spec.replicas : 1;
    case 'DaemonSet': return 'one pod per node';
    // One pod at a time only when a replacement waits for the old pod to be gone: podReplacementPolicy
    // Failed (the default with a podFailurePolicy; TerminatingOrFailed otherwise, kubernetes v1.37
    // pkg/apis/batch/v1/defaults.go), and no parallelism.
    case 'Job': return (spec.parallelism ?? 1) === 1 && (spec.podReplacementPolicy ?? (spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed')) === 'Failed'
      ? 1 : JOB_PODS;
    default: return 'pods of successive runs';
  }
}

/** The entries of a networks annotation: JSON list, or `a,ns/b,c@ifname`; a string when it does not parse. */
function networkEntries(value: string): { 'name'?: unknown; 'namespace'?: unknown; 'interface'?: unknown; 'ips'?: unknown; 'mac'?: unknown; 'default-route'?: unknown; 'portMappings'?: unknown }[] | string {
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const list = parseJson(text);
      return Array.isArray(list) ? list.map((e) => (typeof e === 'object' && e !== null ? e : {})) : 'not a JSON list';
    } catch (e) {
      return `not valid JSON (${(e as Error).message})`;
    }
  }
  return text.split(',').map((item) => item.trim()).filter(Boolean).map((item) => {
    const [ref, iface] = item.split('@');
    const [ns, name] = ref.includes('/') ? ref.split('/') : [undefined, ref];
    return { name, namespace: ns, interface: iface };
  });
}

export const attachment = defineRule({
  id: 'attachment',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'Each entry of a pod\'s networks annotation names a valid interface once, requests only what its network declares, inside its subnets, and a fixed address only for one pod, never two at once during a rollout; with namespaceIsolation, only networks of the pod\'s namespace or a global one.',
  catches: 'a requested IP ignored, doubled or failing (no capabilities.ips), the same "fixed" IP on several pods (of one workload or of two), and on two pods during a Deployment\'s rolling update.',
  check: (m, report) => {
    const nads = new Map<string, Obj>(m.nads.map((n) => [`${n.namespace ?? 'default'}/${n.name}`, n]));
    // A daemon with namespaceIsolation refuses networks of other namespaces than the pod's, save the
    // global ones ("default" unless globalNamespaces says otherwise; multus pkg/types/conf.go and
    // pkg/k8sclient/k8sclient.go GetNetworkDelegates, v4.3.0).
    const isolation = m.daemons.map((d) => d.config).find((c) => c?.namespaceIsolation === true);
    const globals = typeof isolation?.globalNamespaces === 'string' && isolation.globalNamespaces !== ''
      ? isolation.globalNamespaces.split(',').map((n: string) => n.trim())
      : [facts.MULTUS_DEFAULT_GLOBAL_NAMESPACE];
    const out: Finding[] = [];
    /** Who holds each fixed address or requested IP, by segment and address. */
    const holders = new Map<string, string>();
    for (const { owner: o, metadata, metadataField } of m.podMakers) {
      const value = metadata?.annotations?.[facts.NETWORKS_ANNOTATION];
      if (typeof value !== 'string') continue;
      const bad = (found: string, message: string, fix: string) => out.push(report(o, {
        field: `${metadataField}.annotations["${facts.NETWORKS_ANNOTATION}"]`, found, expected: 'attachments Multus can honour', message, fix,
      }));
      const entries = networkEntries(value);
      if (typeof entries === 'string') {
        bad(value.slice(0, 120), `the networks annotation is ${entries}`, 'write a JSON list of {name, namespace, interface, ips, mac}');
        continue;
      }
      const seen = new Set<string>();
      entries.forEach((e, i) => {
        if (e.interface !== undefined) {
          const iface = asText(e.interface);
          const problem = attachmentInterfaceProblem(iface);
          if (problem) bad(iface, `entry ${i}: interface ${problem}`, 'use a name such as net1 or lan0, of at most 15 characters');
          if (seen.has(iface)) bad(iface, `entry ${i}: interface "${iface}" is used twice in this pod`, 'give each attachment its own interface name');
          seen.add(iface);
        }
        const podNamespace = o.namespace ?? 'default';
        const netNamespace = typeof e.namespace === 'string' && e.namespace !== '' ? e.namespace : podNamespace;
        if (isolation && netNamespace !== podNamespace && !globals.includes(netNamespace)) {
          bad(JSON.stringify(e), `entry ${i}: network ${netNamespace}/${asText(e.name)} is in namespace ${netNamespace}, but the pod is in ${podNamespace} ` +
            `and Multus runs with namespaceIsolation (global namespaces: ${globals.join(', ')}): the ADD fails with "namespace isolation enabled, annotation violates permission"`,
          `create the network in namespace ${podNamespace}, or add ${netNamespace} to MultusThick's globalNamespaces`);
        }
        const nad = nads.get(`${netNamespace}/${e.name}`);
        const config = nad && parsedConfig(nad);
        if (!config) return;
        const netFacts = networkFacts(config);
        const pods = manifestPods(o);
        const problem = attachmentProblem({
          ips: Array.isArray(e.ips) ? e.ips.map(asText) : undefined,
          mac: typeof e.mac === 'string' ? e.mac : undefined,
          defaultRoute: Array.isArray(e['default-route']) ? e['default-route'].map(asText) : undefined,
          portMappings: e.portMappings === undefined ? undefined : asArray(e.portMappings),
        },
        netFacts, pods, `${o.kind} ${o.name}`,
        o.kind === 'Deployment' && typeof pods === 'number' ? rolloutSurge(o.manifest.spec?.strategy, pods) : 0);
        if (problem) bad(JSON.stringify(e), `entry ${i} (network ${nad.namespace ?? 'default'}/${nad.name}): ${problem}`, 'request only what the network declares, or change the workload or the network as the message says');
        // One address, one pod in the whole app: a fixed address or a requested IP held by two
        // workloads is on the LAN twice (static IPAM keeps no leases to refuse it).
        const requested = Array.isArray(e.ips) ? e.ips.map(asText) : [];
        const netKey = `${nad.namespace ?? 'default'}/${nad.name}`;
        const held = requested.length > 0
          ? requested.map((ip) => ({ key: `${segmentOf(config)}|${ip.split('/')[0]}`, what: `the requested IP ${ip}` }))
          : netFacts.fixedAddress ? [{ key: `network|${netKey}`, what: `the fixed address of network ${netKey}` }] : [];
        for (const h of held) {
          const first = holders.get(h.key);
          if (!first) {
            holders.set(h.key, `${o.kind} ${o.namespace ?? 'default'}/${o.name}`);
          } else if (first !== `${o.kind} ${o.namespace ?? 'default'}/${o.name}`) {
            bad(JSON.stringify(e), `entry ${i}: ${h.what} is already held by ${first}: two pods would carry the same address on the LAN, and nothing on the node refuses it`,
              requested.length > 0 ? 'request a different address for each workload' : 'give each workload a network of its own address (Ipam.fixedAddress per workload), or use a range');
          }
        }
      });
    }
    return out;
  },
});

export const kubevirtNetworks = defineRule({
  id: 'kubevirt-networks',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'A KubeVirt VM takes its pod network as pod: {} and secondary networks through multus.networkName, with no hand-written Multus annotation, a binding that carries traffic on its network (macvtap only on a macvtap NAD, bridge not on macvlan other than passthru), registered in the KubeVirt CR when one is among the manifests, and no binding discontinued since v1.3.',
  catches: 'a VM stuck in Starting (a NAD for the default network, a manual annotation, the macvtap binding on a macvlan NAD, the core macvtap binding), and a VM with no inbound traffic on macvlan.',
  check: (m, report) => {
    // A KubeVirt CR among the manifests must register the binding plugins the VMs name.
    const crs = m.objects.filter((o) => o.kind === 'KubeVirt' && String(o.manifest.apiVersion ?? '').startsWith('kubevirt.io/'));
    return m.objects.filter((o) => o.kind === 'VirtualMachine' || o.kind === 'VirtualMachineInstance').flatMap((o) => judgeVm(m, report, o, crs));
  },
});

/** The findings of kubevirt-networks on one VM or VMI, judged against the NADs and KubeVirt CRs of the model. */
function judgeVm(m: Model, report: Report, o: Obj, kubevirtCrs: Obj[]): Finding[] {
  const vmi = o.kind === 'VirtualMachine' ? o.manifest.spec?.template : o.manifest;
  const base = o.kind === 'VirtualMachine' ? 'spec.template.' : '';
  const out: Finding[] = [];
  const bad = (field: string, found: string, expected: string, message: string, fix: string) =>
    out.push(report(o, { field: base + field, found, expected, message, fix }));
  if (vmi?.metadata?.annotations?.[facts.NETWORKS_ANNOTATION] !== undefined) {
    bad(`metadata.annotations["${facts.NETWORKS_ANNOTATION}"]`, asText(vmi.metadata.annotations[facts.NETWORKS_ANNOTATION]).slice(0, 80), 'no such annotation',
      'KubeVirt writes the Multus annotation on the launcher pod itself; a hand-written one conflicts with it',
      'remove it and list the network in spec.networks with multus.networkName');
  }
  const interfaces = new Map<string, any>(asArray(vmi?.spec?.domain?.devices?.interfaces).map((i) => [i?.name, i]));
  asArray(vmi?.spec?.networks).forEach((n, i) => {
    const ref = n?.multus?.networkName;
    if (typeof ref !== 'string') return;
    const [ns, name] = ref.includes('/') ? ref.split('/') : [o.namespace ?? 'default', ref];
    const nad = m.nads.find((x) => (x.namespace ?? 'default') === ns && x.name === name);
    if (n.multus.default === true) {
      bad(`spec.networks[${i}].multus.default`, 'true', 'pod: {} for the pod network',
        'the pod network comes from the cluster\'s primary CNI; a NetworkAttachmentDefinition standing in for it leaves the VM stuck in Starting',
        `replace it with { name: "${n.name}", pod: {} }`);
    }
    const config: any = nad && parsedConfig(nad);
    const iface = interfaces.get(n?.name);
    // The bindings whose network matters; a binding plugin other than macvtap is not judged.
    const binding = iface?.bridge !== undefined ? 'bridge' : iface?.binding?.name === 'macvtap' ? 'macvtap' : undefined;
    const refused = binding && config ? kubevirtBindingProblem(binding, config, `${ns}/${name}`) : undefined;
    if (refused) {
      bad(`spec.domain.devices.interfaces[name=${n.name}].${binding === 'bridge' ? 'bridge' : 'binding'}`, `${binding} binding on network type ${bindingNetworkKind(config)}`,
        'a binding that carries traffic on its network', refused.problem, refused.fix);
    }
  });
  asArray(vmi?.spec?.domain?.devices?.interfaces).forEach((iface) => {
    const plugin = iface?.binding?.name;
    const needed = typeof plugin === 'string' ? KUBEVIRT_BINDING_REGISTRATION[plugin] : undefined;
    for (const cr of needed ? kubevirtCrs : []) {
      const registered = cr.manifest.spec?.configuration?.network?.binding?.[plugin];
      if (registered?.domainAttachmentType === needed!.domainAttachmentType) continue;
      bad(`spec.domain.devices.interfaces[name=${iface.name}].binding`, `binding ${plugin}; KubeVirt ${cr.name} registers ${registered ? JSON.stringify(registered) : 'no such binding'}`,
        `spec.configuration.network.binding.${plugin}.domainAttachmentType: ${needed!.domainAttachmentType} in KubeVirt ${cr.name}`,
        `the VM names the network binding plugin "${plugin}", which KubeVirt ${cr.name} does not register as a ${needed!.domainAttachmentType} attachment: the VM is refused or starts without the device`,
        `add spec.configuration.network.binding.${plugin}: { domainAttachmentType: ${needed!.domainAttachmentType} } to KubeVirt ${cr.name}`);
    }
    for (const [key, instead] of Object.entries(KUBEVIRT_DISCONTINUED_BINDINGS)) {
      if (iface?.[key] === undefined) continue;
      bad(`spec.domain.devices.interfaces[name=${iface.name}].${key}`, `${key}: ${JSON.stringify(iface[key])}`, instead,
        `KubeVirt rejects the core ${key} binding at admission since v1.3 (kubevirt pkg/network/admitter/discontinued.go)`, `use ${instead}`);
    }
  });
  return out;
}
