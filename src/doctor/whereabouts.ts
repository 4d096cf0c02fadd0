// Whereabouts IPAM on the node: the config file the plugin finds (the NAD's configuration_path,
// else its built-in search list, which has only standard paths) and the kubeconfig it names.
import * as path from 'path';
import { parseJson } from '../_json';
import { DoctorFinding, findingsOf } from './finding';
import { NodeFacts } from './node';
import * as facts from '../cni/facts';
import { Severity } from '../rules/finding';

const finding = findingsOf('whereabouts');

/** One use of whereabouts IPAM and what the plugin would read for it on this node. */
export interface WhereaboutsUse {
  readonly user: string;
  /** The whereabouts.conf the plugin reads, when it finds one. */
  readonly configFile?: string;
  /** Where the plugin looked. */
  readonly searched: string[];
  /** A kubeconfig given in the NAD itself (ipam.kubernetes.kubeconfig). */
  readonly inlineKubeconfig?: string;
}

/** Every NAD (or, without NADs, the installed config) that uses whereabouts, resolved as the plugin does (whereabouts pkg/config). */
export function whereaboutsUses(node: NodeFacts): WhereaboutsUse[] {
  const out: WhereaboutsUse[] = [];
  for (const nad of node.nads ?? []) {
    const plugins = Array.isArray(nad.config?.plugins) ? nad.config.plugins : [nad.config];
    for (const ipam of plugins.map((p: any) => p?.ipam).filter((i: any) => i?.type === 'whereabouts')) {
      const inline = typeof ipam.kubernetes?.kubeconfig === 'string' ? ipam.kubernetes.kubeconfig : undefined;
      const searched = typeof ipam.configuration_path === 'string' ? [ipam.configuration_path] : [...facts.WHEREABOUTS_SEARCH_PATHS];
      const configFile = searched.find((p) => node.root.stat(p));
      out.push({ user: `NAD ${nad.name}`, configFile, searched, inlineKubeconfig: inline });
    }
  }
  if (node.nads === undefined) {
    const installed = path.posix.join(node.runtime.confDir, facts.WHEREABOUTS_CONF_UNDER_CONF_DIR);
    if (node.root.stat(installed)) out.push({ user: 'the installed Whereabouts', configFile: installed, searched: [installed] });
  }
  return out;
}

/** The kubeconfig a whereabouts.conf names, or why it names none. */
export function whereaboutsKubeconfig(node: NodeFacts, file: string): { kubeconfig?: string; problem?: string } {
  const text = node.root.readText(file);
  if (text === undefined) return { problem: 'cannot be read' };
  let config: any;
  try {
    config = parseJson(text);
  } catch (e) {
    return { problem: `not JSON (${(e as Error).message})` };
  }
  const kubeconfig = config?.kubernetes?.kubeconfig ?? config?.kubeconfig;
  return typeof kubeconfig === 'string' ? { kubeconfig } : { problem: 'names no kubernetes.kubeconfig' };
}

export function checkWhereabouts(node: NodeFacts): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const installed = path.posix.join(node.runtime.confDir, facts.WHEREABOUTS_CONF_UNDER_CONF_DIR);
  for (const use of whereaboutsUses(node)) {
    if (use.inlineKubeconfig) continue;
    if (!use.configFile) {
      const there = node.root.stat(installed) !== undefined;
      out.push(finding('whereabouts-config-missing', Severity.ERROR, {
        path: use.searched[0],
        message: `${use.user} uses whereabouts IPAM, and the plugin finds no whereabouts.conf (it looked in ${use.searched.join(', ')}): ADD fails with "config file not found"`,
        fix: there
          ? `set ipam.configuration_path to ${installed} in the NAD (on ${node.layout.layoutName} the plugin's search list misses the node's config dir)`
          : `deploy Whereabouts with the node's layout (the Whereabouts construct writes ${installed}) and set ipam.configuration_path to it`,
      }));
      continue;
    }
    const { problem } = whereaboutsKubeconfig(node, use.configFile);
    if (problem) {
      out.push(finding('whereabouts-config-invalid', Severity.ERROR, {
        path: use.configFile,
        message: `${use.configFile}, which ${use.user} reads, ${problem}: the plugin cannot reach the API server`,
        fix: 'restart the Whereabouts pod on this node, which writes the file again',
      }));
    }
  }
  return out;
}
