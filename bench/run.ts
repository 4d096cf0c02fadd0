/**
 * `npm run bench`: synthesizes the bench app for N = 100, 1,000 and 10,000 with this library and
 * with the hand-written floor, each in a fresh process, and prints time, peak memory and ratios.
 * A script that prints figures, never a test that asserts timings.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const once = (mode: string, n: number) => JSON.parse(execFileSync(process.execPath,
  ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(__dirname, 'synth.ts'), mode, String(n)],
  { encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'examples', 'tsconfig.json') }, maxBuffer: 1 << 30 }));

/** The median run of RUNS, each in a fresh process (timings on a shared 2-core machine vary). */
const measure = (mode: string, n: number) => {
  const runs = Array.from({ length: RUNS }, () => once(mode, n)).sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
};

console.log(`bench on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
console.log(`median of ${RUNS} runs per cell`);
console.log('N\tlibrary ms\tfloor ms\tratio\tlibrary MiB\tfloor MiB');
const rows: { n: number; lib: number }[] = [];
for (const n of sizes) {
  const floor = measure('floor', n);
  const lib = measure('library', n);
  rows.push({ n, lib: lib.ms });
  console.log(`${n}\t${lib.ms}\t${floor.ms}\t${(lib.ms / floor.ms).toFixed(2)}\t${lib.maxRssMiB}\t${floor.maxRssMiB}`);
}
const at = (n: number) => rows.find((r) => r.n === n)?.lib;
if (at(1000) && at(10000)) console.log(`library time growth 1,000 -> 10,000: ${(at(10000)! / at(1000)!).toFixed(2)}x`);
