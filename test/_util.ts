import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { MultusThick, MultusThickProps } from '../src';

/** A chart with a MultusThick, as a user would write it. */
export function thickChart(props: MultusThickProps = {}): { chart: Chart; multus: MultusThick } {
  const chart = Testing.chart();
  const multus = new MultusThick(chart, 'multus', props);
  return { chart, multus };
}

/** Rewrites daemon-config.json with an escape-hatch patch, as a user could. */
export function patchDaemonConfig(multus: MultusThick, edit: (config: any) => void): void {
  const config = JSON.parse(JSON.stringify(multus.daemonConfig));
  edit(config);
  ApiObject.of(multus.configMap).addJsonPatch(JsonPatch.replace('/data/daemon-config.json', JSON.stringify(config)));
}

/** The errors that synth reports, one per line (empty when synth succeeds). */
export function synthErrors(chart: Chart): string[] {
  try {
    Testing.synth(chart);
    return [];
  } catch (e) {
    const text = (e as Error).message;
    if (!text.startsWith('Validation failed')) throw e;
    return text.split('\n').slice(1).map((l) => l.trim());
  }
}

/** The synthesized object of a kind (and name). */
export function objectOf(objects: any[], kind: string, name?: string): any {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} in the output`);
  return found;
}
