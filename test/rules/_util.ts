import { ApiObject, Chart, JsonPatch } from 'cdk8s';

/** Patches the chart's DaemonSet through the escape hatch. */
export function daemonPatch(chart: Chart, ...patches: JsonPatch[]) {
  const ds = chart.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'DaemonSet') as ApiObject;
  ds.addJsonPatch(...patches);
}

/** The rule ids of synth errors, each once, sorted. */
export function ids(errors: string[]): string[] {
  return [...new Set(errors.map((e) => e.replace(/^(\[[^\]]*\] )+/, '').split(' ')[0]))].sort();
}
