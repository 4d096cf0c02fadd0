// The lint command on 10,000 seeded mutations of real manifests per run: every input ends in a
// verdict (exit 0, 1 or 2), never an internal error (exit 3) or a thrown exception, and none takes
// long. The seed changes every day and is printed; FUZZ_SEED=<n> repeats a run.
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { mutate, random, seeds } from './_mutate';
import { main } from '../../src/lint/cli';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Date.now() / 86_400_000));

test(`lint gives a verdict on ${RUNS} mutated manifests (seed ${SEED})`, () => {
  const base = seeds(path.join(__dirname, '..', '..'));
  const next = random(SEED);
  const codes = new Map<number, number>();
  const failures: string[] = [];
  let slowest = 0;
  for (let i = 0; i < RUNS; i++) {
    const docs = mutate(base[Math.floor(next() * base.length)], next);
    // One in ten as YAML (with its own scalars), the rest as JSON, which is YAML too.
    const input = i % 10 === 0 ? docs.map((d) => Yaml.stringify(d)).join('---\n') : docs.map((d) => JSON.stringify(d) ?? 'null').join('\n---\n');
    let err = '';
    const started = Date.now();
    let code: number;
    try {
      code = main(['lint', '-', '--format', 'json'], { stdout: () => {}, stderr: (t) => (err += t), stdin: () => Buffer.from(input) });
    } catch (e) {
      code = -1;
      err = String((e as Error).stack);
    }
    slowest = Math.max(slowest, Date.now() - started);
    codes.set(code, (codes.get(code) ?? 0) + 1);
    if (![0, 1, 2].includes(code) && failures.length < 5) failures.push(`input ${i} (FUZZ_SEED=${SEED}): exit ${code}: ${err.slice(0, 300)}`);
  }
  console.log(`lint fuzz: seed ${SEED}, ${RUNS} inputs, exit codes ${JSON.stringify(Object.fromEntries([...codes].sort()))}, slowest ${slowest} ms`);
  expect(failures).toEqual([]);
  expect(slowest).toBeLessThan(10_000);
});
