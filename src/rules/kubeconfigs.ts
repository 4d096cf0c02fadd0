// The rules on kubeconfig files that host-side plugins read.
import { asText } from '../_json';
import { defineRule } from './_define';
import { parsedConfig } from './_helpers';
import { tryHost } from './_model';
import { Severity } from './finding';

/** Kubeconfig references in a CNI config, read by host-side plugins: [where, path]. */
function kubeconfigReferences(config: any): [string, unknown][] {
  const plugins = Array.isArray(config?.plugins) ? config.plugins.map((p: any, i: number) => [`plugins[${i}].`, p]) : [['', config]];
  return plugins.flatMap(([prefix, p]: [string, any]) => [
    ...(p?.kubeconfig !== undefined ? [[`${prefix}kubeconfig`, p.kubeconfig]] : []),
    ...(p?.ipam?.kubernetes?.kubeconfig !== undefined ? [[`${prefix}ipam.kubernetes.kubeconfig`, p.ipam.kubernetes.kubeconfig]] : []),
  ]) as [string, unknown][];
}

export const kubeconfigWriter = defineRule({
  id: 'kubeconfig-writer',
  severity: Severity.ERROR,
  summary: 'Every kubeconfig a host-side CNI plugin reads is a host path that a writer in the app writes.',
  catches: '`error getting k8s client` / `context deadline exceeded`: a kubeconfig written under one path and referenced under another, or a pod path where a host path belongs.',
  check: (m, report, cannotJudge) => m.nads.flatMap((nad) => kubeconfigReferences(parsedConfig(nad)).flatMap(([where, value]) => {
    const host = tryHost(value);
    if (host && m.hostFileWriters.some((w) => w.host.isSame(host))) return [];
    const writers = m.hostFileWriters.map((w) => `${w.writer} writes ${w.host}`);
    const podPrefix = typeof value === 'string' && /^\/host(\/|$)/.test(value) ? '; it starts with /host, a pod mount prefix, but the plugin runs on the host' : '';
    if (host && !podPrefix && writers.length === 0 && m.partialInput) {
      cannotJudge(nad, {
        field: `spec.config.${where}`,
        missing: `nothing in the input writes host files, so whether something outside it writes ${host} is not known; lint with the installer that writes it`,
      });
      return [];
    }
    return [report(nad, {
      field: `spec.config.${where}`,
      found: asText(value),
      expected: writers.length ? `one of the files written: ${writers.join('; ')}` : 'a host file that a writer in the app writes',
      message: `the plugin reads the kubeconfig ${asText(value)} on the host, and nothing in the app writes it there${podPrefix}`,
      fix: writers.length ? `reference ${m.hostFileWriters[0].host}` : 'add a MultusKubeconfigJob and reference its hostPath',
    })];
  })),
});
