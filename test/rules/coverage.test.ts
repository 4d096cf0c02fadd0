// The rule tests mirror the rule files: each src/rules/<subject>.ts has test/rules/<subject>.test.ts,
// with a test titled '<rule id>: ...' that shows each of its rules firing. A new rule without such
// a test fails here.
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../src/rules/index';
import { synthErrors, thickChart } from '../_util';

const RULES_DIR = path.join(__dirname, '..', '..', 'src', 'rules');
/** Files in src/rules/ that define no rules of a subject: the list, the finding type, the runner. */
const NOT_SUBJECTS = ['index.ts', 'finding.ts', 'multus-rules.ts'];

/** The subject files: every src/rules/*.ts but the helpers (starting with '_') and NOT_SUBJECTS. */
const subjects = fs.readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_') && !NOT_SUBJECTS.includes(f))
  .map((f) => path.basename(f, '.ts'))
  .sort();

/** The ids of the rules that a subject file defines with `defineRule({ id: '...'`. */
function definedIds(subject: string): string[] {
  const source = fs.readFileSync(path.join(RULES_DIR, `${subject}.ts`), 'utf8');
  return [...source.matchAll(/defineRule\(\s*\{\s*id:\s*(['"`])([^'"`]+)\1/g)].map((m) => m[2]);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each rule with its subject and the test file that must show it firing, in file order. */
const rules = subjects.flatMap((subject) => definedIds(subject).map((id) => ({ id, subject, file: `test/rules/${subject}.test.ts` })));

describe('a valid app', () => {
  test('synthesizes with no findings', () => {
    const { chart } = thickChart();
    expect(synthErrors(chart)).toEqual([]);
  });
});

describe('every rule is shown firing by the test file of its subject', () => {
  test('src/rules/ has subject files, and each defines at least one rule', () => {
    expect(subjects.length).toBeGreaterThan(0);
    expect(subjects.filter((subject) => definedIds(subject).length === 0)).toEqual([]);
  });

  test('RULES lists exactly the rules that the subject files define, each once', () => {
    const listed = RULES.map((r) => r.id);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(rules.map((r) => r.id).sort());
  });

  test('each test file in test/rules/ mirrors a subject file', () => {
    const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts');
    expect(files.map((f) => path.basename(f, '.test.ts')).sort()).toEqual(subjects);
  });

  test.each(rules)('$id: $file has a test titled \'$id: ...\'', ({ id, subject, file }) => {
    const full = path.join(__dirname, `${subject}.test.ts`);
    expect(fs.existsSync(full) ? file : `no ${file}`).toBe(file);
    const title = new RegExp(`(?<![\\w.$])test\\((['"\`])${escape(id)}:`);
    expect(title.test(fs.readFileSync(full, 'utf8')) ? id : `no test('${id}: ...') in ${file}`).toBe(id);
  });
});
