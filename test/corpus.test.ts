// Lint's verdict on each manifest of test/corpus/ against the recorded baseline (test/corpus/baseline.json):
// a change of verdict fails here until baseline.json and the README's table say why.
import * as fs from 'fs';
import * as path from 'path';
import { json } from './_util';

const CORPUS = path.join(__dirname, 'corpus');
const baseline: Record<string, any> = JSON.parse(fs.readFileSync(path.join(CORPUS, 'baseline.json'), 'utf8')).files;

/** Rule ids as baseline.json lists them: "id", "id xN", with " (warning)" for warnings. */
function tally(items: { ruleId: string; severity?: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const f of items) {
    const key = f.ruleId + (f.severity === 'warning' ? ' (warning)' : '');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => (n > 1 ? k.replace(/( \(warning\))?$/, ` x${n}$1`) : k)).sort();
}

test('every corpus file has a baseline entry, and every entry a file', () => {
  const files = fs.readdirSync(CORPUS).filter((f) => /\.ya?ml$/.test(f)).sort();
  expect(Object.keys(baseline).sort()).toEqual(files);
});

describe.each(Object.entries(baseline))('%s', (file, expected) => {
  test(`lint --distro ${expected.lintDistro} gives the baseline verdict`, () => {
    const { code, report } = json(['--distro', expected.lintDistro, path.join(CORPUS, file)]);
    expect(code).toBe(expected.exit);
    if (code === 2) return;
    expect({
      errors: report.summary.errors,
      warnings: report.summary.warnings,
      objects: report.summary.objects,
      rules: tally(report.findings),
      notJudged: tally(report.notJudged),
    }).toEqual({
      errors: expected.errors,
      warnings: expected.warnings,
      objects: expected.objects,
      rules: [...expected.rules].sort(),
      notJudged: expected.notJudged,
    });
  });
});
