// Lint's reading of YAML held against kubectl's, the API server's and kustomize's, built from their
// published modules (k8s.io/apimachinery v0.37.2 with sigs.k8s.io/yaml v1.6.0, sigs.k8s.io/kustomize
// api v0.21.1; scripts/yaml-referee): a key defined twice is reported by lint exactly where the API
// server's strict decoding and kustomize refuse the document, and lint judges the value kubectl sends.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { json, tempFile } from '../_util';

const ROOT = path.join(__dirname, '..', '..');
let referee: string;

beforeAll(() => {
  execFileSync(path.join(ROOT, 'scripts', 'build-yaml-referee.sh'), { stdio: 'pipe' });
  referee = path.join(ROOT, '.cache', 'yaml-referee', 'v0.37.2', 'yaml-referee');
}, 600_000);

/** Each document as kubectl sends it and as the strict API server judges it. */
function referees(file: string): { kubectl?: any; strictError?: string; kustomizeError?: string }[] {
  return execFileSync(referee, [file], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
}

const daemon = (labels: string, container: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-multus-ds
  namespace: kube-system
  labels:
${labels}
spec:
  selector: {matchLabels: {app: multus}}
  template:
    metadata: {labels: {app: multus}}
    spec:
      containers:
        - name: kube-multus
${container}
          command: [/usr/src/multus-cni/bin/multus-daemon]
`;

/**
 * Name, manifest, how many keys the API server names (checked, so that no case passes vacuously),
 * and whether kustomize refuses the document with the key twice: it does, except under
 * metadata.annotations, which it rewrites (the last value stays).
 */
const CASES: [string, string, number, boolean][] = [
  ['no key twice', daemon('    app: multus', '          image: ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick'), 0, false],
  ['a label twice', daemon('    app: multus\n    app: multus-thick', '          image: ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick'), 1, true],
  ['an image twice: the moving tag last', daemon('    app: multus', '          image: ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick\n          image: ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot-thick'), 1, true],
  ['an image twice: the pinned tag last', daemon('    app: multus', '          image: ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot-thick\n          image: ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick'), 1, true],
  ['an annotation three times in a flow mapping, in the second document', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n' +
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, annotations: {note: one, note: two, note: three}}\n', 2, false],
];

test.each(CASES)('%s: lint reports duplicate-key where the API server refuses, and judges what kubectl sends', (_name, text, refusedKeys, kustomizeRefuses) => {
  const file = tempFile('m.yaml', text);
  const docs = referees(file);
  const { report } = json([file, '--distro', 'standard']);
  // The API server counts lines from each document's start: the line after each '---'.
  const lines = text.split('\n');
  const docStarts = [1, ...lines.flatMap((l, i) => (l === '---' ? [i + 2] : []))];
  const refused = docs.flatMap((d, i) => [...(d.strictError ?? '').matchAll(/line (\d+): key "?[^"\s]+"? already set in map/g)]
    .map((m) => docStarts[i] + Number(m[1]) - 1));
  expect(refused).toHaveLength(refusedKeys);
  // kustomize build (kubectl apply -k), with yaml.v3's wording.
  expect(docs.map((d) => /mapping key "[^"]+" already defined at line \d+/.test(d.kustomizeError ?? ''))).toEqual(docs.map((d) => d.strictError !== undefined && kustomizeRefuses));
  const reported = report.findings.filter((f: any) => f.ruleId === 'duplicate-key');
  // Lint reports a document exactly when the API server refuses it, and lists every line it names.
  expect(reported.length > 0).toBe(refused.length > 0);
  const listed = reported.flatMap((f: any) => f.found.match(/lines ([\d, ]+)\)$/)[1].split(', ').map(Number));
  for (const line of refused) expect(listed).toContain(line);
  // The image lint judges is the one kubectl sends.
  const sent = docs[0].kubectl?.spec?.template?.spec?.containers?.[0]?.image;
  if (sent) {
    const pinned = report.findings.find((f: any) => f.ruleId === 'image-pinned');
    expect(pinned === undefined).toBe(/:v4\.3\.0-thick$/.test(sent));
    if (pinned) expect(pinned.found).toContain(sent);
  }
});
