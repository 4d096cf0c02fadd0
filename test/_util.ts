import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { Ipam, MacvlanNetwork, MultusThick, MultusThickProps, MultusThin, Whereabouts } from '../src';
import { main } from '../src/lint/cli';

/** A chart with a MultusThick, as a user would write it. */
export function thickChart(props: MultusThickProps = {}): { chart: Chart; multus: MultusThick } {
  const chart = Testing.chart();
  const multus = new MultusThick(chart, 'multus', props);
  return { chart, multus };
}

/** A chart with a MultusThin and a macvlan network, synthesized once. */
export function thinChart() {
  const chart = Testing.chart();
  const thin = new MultusThin(chart, 'Multus');
  new MacvlanNetwork(chart, 'Lan', { ipam: Ipam.fixedAddress('192.168.1.200/24') });
  return { chart, thin, objects: Testing.synth(chart) };
}

/** A chart with a MultusThick and Whereabouts. */
export function whereaboutsChart() {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  const wb = new Whereabouts(chart, 'Whereabouts');
  return { chart, wb };
}

/** A fixed address on the 192.168.1.0/24 LAN. */
export const lanIpam = () => Ipam.fixedAddress('192.168.1.200/24', { gateway: '192.168.1.1' });

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

/** Runs `cdk8s-multus lint` with these arguments and stdin, in process. */
export function lint(args: string[], stdin = ''): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(['lint', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), stdin: () => Buffer.from(stdin) });
  return { code, out, err };
}

/** Runs `cdk8s-multus lint --format json`, with its report parsed. */
export function json(args: string[], stdin = '') {
  const r = lint([...args, '--format', 'json'], stdin);
  return { ...r, report: r.code === 2 ? undefined : JSON.parse(r.out) };
}

/** The rule ids of a JSON lint report's findings, each once, sorted. */
export const ruleIds = (report: any): string[] => [...new Set<string>(report.findings.map((f: any) => f.ruleId))].sort();

/** A new file in a new temporary dir. */
export function tempFile(name: string, content: string | Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lint-')), name);
  fs.writeFileSync(file, content);
  return file;
}

/** What this library synthesizes for a default k3s node with a macvlan network, as YAML objects. */
export function libraryObjects(): any[] {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24') });
  return Testing.synth(chart);
}
