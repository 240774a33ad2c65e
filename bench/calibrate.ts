/**
 * `npm run bench:calibrate`: time the calibration fit (core/calibrate/fit.ts) on 100 benchmark points
 * generated from a perturbed profile (Llama-3.1-8B, 2× H100, vLLM), median of 7 warm runs, and check that
 * it recovers the perturbation. Not a timed test: the target is < 200 ms for 100 points.
 */
import { parseScenario } from '../src/core/scenario/validate.ts';
import { matchPoints, parseBenchmark } from '../src/core/calibrate/index.ts';
import { fitCalibration } from '../src/core/calibrate/fit.ts';
import { perturbedVllmFiles, runGrid } from '../src/core/calibrate/testing.ts';
import type { BenchPoint } from '../src/core/calibrate/types.ts';

const p = parseScenario({
  version: 1,
  model: 'llama-3.1-8b',
  cluster: { gpu: 'h100-sxm' },
  plan: { tp: 2 },
  runtime: { engine: { name: 'vllm' }, overlapScheduling: false },
});
if (!p.ok) throw new Error(p.errors.join('; '));
const truth = { gemm: 1.18, attention: 0.85, host: 1.4, collective: 1.3 };
const files = perturbedVllmFiles(p.scenario, runGrid(100), truth, 'meta-llama/Llama-3.1-8B-Instruct', 2);
const points: BenchPoint[] = files.flatMap((f) => {
  const r = parseBenchmark(f.text, f.name);
  return r.ok ? r.points : [];
});
const { accepted } = matchPoints(p.scenario, points);
const times: number[] = [];
let last;
for (let i = 0; i < 8; i++) {
  const t = performance.now();
  last = fitCalibration(accepted);
  if (i > 0) times.push(performance.now() - t); // the first run warms the JIT
}
times.sort((a, b) => a - b);
const median = times[times.length >> 1]!;
console.log(
  `fit on ${accepted.length} points: median ${median.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times.at(-1)!.toFixed(1)}) over ${times.length} warm runs`,
);
for (const [k, v] of Object.entries(truth))
  console.log(`  ${k.padEnd(10)} truth ×${v.toFixed(3)}  fitted ×${last!.factors[k as keyof typeof truth].toFixed(3)}`);
console.log(`  median error before/after: ${JSON.stringify(last!.beforePct)} → ${JSON.stringify(last!.afterPct)}`);
