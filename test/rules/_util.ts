import { ApiObject, Chart, JsonPatch, Yaml } from 'cdk8s';
import { libraryObjects, tempFile } from '../_util';

/** Patches the chart's DaemonSet through the escape hatch. */
export function daemonPatch(chart: Chart, ...patches: JsonPatch[]) {
  const ds = chart.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'DaemonSet') as ApiObject;
  ds.addJsonPatch(...patches);
}

/** The rule ids of synth errors, each once, sorted. */
export function ids(errors: string[]): string[] {
  return [...new Set(errors.map((e) => e.replace(/^(\[[^\]]*\] )+/, '').split(' ')[0]))].sort();
}

/** The library's own output with one mistake written into it, as a file for the lint command. */
export function withMistake(edit: (objects: any[]) => void): string {
  const objects = libraryObjects();
  edit(objects);
  return tempFile('app.yaml', Yaml.stringify(...objects));
}

/** The pod spec of the DaemonSet among synthesized objects. */
export const ds = (o: any[]) => o.find((x) => x.kind === 'DaemonSet').spec.template.spec;

/** Edits daemon-config.json in the ConfigMap among synthesized objects. */
export const config = (o: any[], edit: (c: any) => void) => {
  const cm = o.find((x) => x.kind === 'ConfigMap');
  const c = JSON.parse(cm.data['daemon-config.json']);
  edit(c);
  cm.data['daemon-config.json'] = JSON.stringify(c);
};
