// Suppressions: the annotation honoured by synth and lint alike, and suppression-valid firing on
// an annotation that names no rule or gives no reason.
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { MultusRules, MultusThick } from '../../src';
import { json, lint, synthErrors, thickChart } from '../_util';
import { daemonPatch, ds, ids, withMistake } from './_util';

const MOVING = 'ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot-thick';
const KEY = 'cdk8s-multus.io/ignore';

/** The library's output with a moving tag on the daemon, and `annotate` applied to the objects. */
function movingTag(annotate: (objects: any[]) => void): string {
  return withMistake((o) => {
    ds(o).containers[0].image = MOVING;
    annotate(o);
  });
}
const daemonSet = (o: any[]) => o.find((x) => x.kind === 'DaemonSet');

describe('synth', () => {
  test('a suppressed error no longer fails synth', () => {
    const { chart, multus } = thickChart();
    daemonPatch(chart, JsonPatch.replace('/spec/template/spec/containers/0/image', MOVING));
    expect(ids(synthErrors(chart))).toEqual(['image-pinned']);
    MultusRules.suppress(multus, 'image-pinned', 'the snapshot is mirrored and pinned by the registry');
    expect(synthErrors(chart)).toEqual([]);
    const daemon = Testing.synth(chart).find((o) => o.kind === 'DaemonSet');
    expect(daemon.metadata.annotations[KEY]).toBe('image-pinned=the snapshot is mirrored and pinned by the registry');
  });

  test('a suppression on another object does not hide the finding', () => {
    const { chart } = thickChart();
    daemonPatch(chart, JsonPatch.replace('/spec/template/spec/containers/0/image', MOVING));
    const configMap = chart.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'ConfigMap') as ApiObject;
    MultusRules.suppress(configMap, 'image-pinned', 'not this object');
    expect(ids(synthErrors(chart))).toEqual(['image-pinned']);
  });

  test('suppress refuses an unknown rule, an empty reason and a reason with a comma, naming the fix', () => {
    const chart = Testing.chart();
    const multus = new MultusThick(chart, 'multus');
    expect(() => MultusRules.suppress(multus, 'image-pined', 'typo')).toThrow(/ruleId "image-pined" is not a rule that can be suppressed; give the id as findings print it/);
    expect(() => MultusRules.suppress(multus, 'suppression-valid', 'no')).toThrow(/is not a rule that can be suppressed/);
    expect(() => MultusRules.suppress(multus, 'image-pinned', '  ')).toThrow(/reason "  " must be a non-empty text/);
    expect(() => MultusRules.suppress(multus, 'image-pinned', 'a, b')).toThrow(/without commas/);
    expect(() => MultusRules.suppress(Testing.chart(), 'image-pinned', 'nothing there')).toThrow(/holds no ApiObject/);
  });

  test('suppress adds to an annotation already there, and replaces the reason of the same rule', () => {
    const { chart, multus } = thickChart();
    MultusRules.suppress(multus, 'image-pinned', 'first');
    MultusRules.suppress(multus, 'log-file', 'logs go to stderr');
    MultusRules.suppress(multus, 'image-pinned', 'second');
    const daemon = Testing.synth(chart).find((o) => o.kind === 'DaemonSet');
    expect(daemon.metadata.annotations[KEY]).toBe('log-file=logs go to stderr,image-pinned=second');
  });
});

describe('lint', () => {
  test('a suppressed error no longer fails lint and is listed, with its reason, in text, json and sarif', () => {
    const file = movingTag((o) => (daemonSet(o).metadata.annotations = { [KEY]: 'image-pinned=mirrored and pinned by digest in our registry' }));
    const { code, report } = json([file]);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toEqual([expect.objectContaining({ ruleId: 'image-pinned', kind: 'DaemonSet', reason: 'mirrored and pinned by digest in our registry' })]);
    expect(report.summary).toMatchObject({ errors: 0, suppressed: 1 });
    const text = lint([file]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/suppressed:\n {2}\S+: error image-pinned: DaemonSet kube-system\/kube-multus-ds \S+: .*\n {4}reason: mirrored and pinned by digest in our registry\n/);
    expect(text.out).toContain('0 errors, 0 warnings, 1 suppressed in ');
    const sarif = JSON.parse(lint([file, '--format', 'sarif']).out);
    expect(sarif.runs[0].results).toEqual([expect.objectContaining({
      ruleId: 'image-pinned',
      suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'mirrored and pinned by digest in our registry' }],
    })]);
  });

  test('several entries, separated by commas or line breaks, each with its reason', () => {
    const file = movingTag((o) => (daemonSet(o).metadata.annotations = { [KEY]: 'log-file=stderr is collected\nimage-pinned=mirrored, socket-dir=unused' }));
    const { code, report } = json([file]);
    expect(code).toBe(0);
    expect(report.suppressed.map((s: any) => s.reason)).toEqual(['mirrored']);
  });

  test('a suppression on another object does not hide the finding', () => {
    const file = movingTag((o) => (o.find((x) => x.kind === 'ConfigMap').metadata.annotations = { [KEY]: 'image-pinned=meant for the daemon' }));
    const { code, report } = json([file]);
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => f.ruleId)).toEqual(['image-pinned']);
    expect(report.suppressed).toEqual([]);
  });
});

test('suppression-valid: an entry without a reason, or naming no rule, is reported and hides nothing', () => {
  for (const [value, problem] of [
    ['image-pinned', '"image-pinned" gives no reason'],
    ['image-pinned=  ', '"image-pinned=" gives no reason'],
    ['image-pined=typo in the id', '"image-pined=typo in the id" names no rule of cdk8s-multus that can be suppressed ("image-pined")'],
  ]) {
    const file = movingTag((o) => (daemonSet(o).metadata.annotations = { [KEY]: value }));
    const { code, report } = json([file]);
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => f.ruleId).sort()).toEqual(['image-pinned', 'suppression-valid']);
    const bad = report.findings.find((f: any) => f.ruleId === 'suppression-valid');
    expect(bad).toMatchObject({ kind: 'DaemonSet', field: `metadata.annotations["${KEY}"]`, found: problem });
    expect(bad.fix).toContain('write the rule id as the findings print it');
  }
  // At synth too: an annotation written through the escape hatch.
  const { chart } = thickChart();
  const daemon = chart.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'DaemonSet') as ApiObject;
  daemon.metadata.addAnnotation(KEY, 'image-pinned');
  expect(ids(synthErrors(chart))).toEqual(['suppression-valid']);
  // suppression-valid cannot be suppressed, so a bad suppression cannot hide itself.
  daemon.metadata.addAnnotation(KEY, 'suppression-valid=hide this');
  expect(synthErrors(chart)).toEqual([expect.stringContaining('"suppression-valid=hide this" names no rule of cdk8s-multus that can be suppressed')]);
});
