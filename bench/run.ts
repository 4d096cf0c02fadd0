/**
 * `npm run bench`: synthesizes the bench app for N = 100, 1,000 and 10,000 with this library and
 * with the hand-written floor, each in a fresh process, and prints time, peak memory and ratios.
 * A script that prints figures, never a test that asserts timings.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const once = (mode: string, n: number) => JSON.parse(execFileSync(process.execPath,
  ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(__dirname, 'synth.ts'), mode, String(n)],
  { encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'examples', 'tsconfig.json') }, maxBuffer: 1 << 30 }));

/** The median of a list of numbers. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * RUNS pairs of runs, each run in a fresh process, the floor and the library one right after the
 * other (which goes first alternates), so that a slow spell of a shared machine weighs on both
 * sides alike. Reports the median of each side and the median of the pairs' ratios, of wall time and
 * of the process's CPU time over the same span (which other load on the machine barely moves).
 */
const measure = (n: number) => {
  const pairs = Array.from({ length: RUNS }, (_, i) => {
    if (i % 2 === 1) {
      const lib = once('library', n);
      return { lib, floor: once('floor', n) };
    }
    const floor = once('floor', n);
    return { floor, lib: once('library', n) };
  });
  if (process.env.BENCH_VERBOSE) console.log(`  N=${n} pairs (library/floor ms, wall and CPU): ${pairs.map((p) => `${p.lib.ms}/${p.floor.ms} ${p.lib.cpuMs}/${p.floor.cpuMs}`).join('  ')}`);
  return {
    lib: { ms: median(pairs.map((p) => p.lib.ms)), cpuMs: median(pairs.map((p) => p.lib.cpuMs)), maxRssMiB: median(pairs.map((p) => p.lib.maxRssMiB)) },
    floor: { ms: median(pairs.map((p) => p.floor.ms)), cpuMs: median(pairs.map((p) => p.floor.cpuMs)), maxRssMiB: median(pairs.map((p) => p.floor.maxRssMiB)) },
    ratio: median(pairs.map((p) => p.lib.ms / p.floor.ms)),
    cpuRatio: median(pairs.map((p) => p.lib.cpuMs / p.floor.cpuMs)),
  };
};

console.log(`bench on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
console.log(`${RUNS} pairs of runs per N; medians, and the median of the pairs' ratios`);
console.log('N\tlibrary ms\tfloor ms\tratio\tlibrary CPU ms\tfloor CPU ms\tCPU ratio\tlibrary MiB\tfloor MiB');
const rows: { n: number; lib: number }[] = [];
for (const n of sizes) {
  const { lib, floor, ratio, cpuRatio } = measure(n);
  rows.push({ n, lib: lib.ms });
  console.log(`${n}\t${lib.ms}\t${floor.ms}\t${ratio.toFixed(2)}\t${lib.cpuMs}\t${floor.cpuMs}\t${cpuRatio.toFixed(2)}\t${lib.maxRssMiB}\t${floor.maxRssMiB}`);
}
const at = (n: number) => rows.find((r) => r.n === n)?.lib;
if (at(1000) && at(10000)) console.log(`library time growth 1,000 -> 10,000: ${(at(10000)! / at(1000)!).toFixed(2)}x`);
