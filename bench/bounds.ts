/**
 * Bounded-work bench (issues 10 and 16): the longest single call on each hostile-but-valid case of
 * src/core/evaluate/bounds-cases.ts, closed form (`evaluateFast`) and simulator (`evaluateSimulated`
 * with the CLI's 5 s wall budget; `--worker` for the worker's 1 s, `--no-budget` for none). Not a
 * timed test. `npm run bench:bounds`.
 */
import { BOUNDS_CASES, type BoundsCase } from '../src/core/evaluate/bounds-cases.ts';
import { evaluateSimulated } from '../src/core/evaluate/simulated.ts';
import { parseScenario } from '../src/core/scenario/validate.ts';
import { evaluateFast } from '../src/core/evaluate/fast.ts';
import { CLI_SIM_WALL_MS, WORKER_SIM_WALL_MS } from '../src/core/sim/budget.ts';

function timed<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

const wallMs = process.argv.includes('--no-budget')
  ? undefined
  : process.argv.includes('--worker')
    ? WORKER_SIM_WALL_MS
    : CLI_SIM_WALL_MS;
let longest = 0;
console.log(`case                  fast ms   sim ms  fits  simulated (budget: ${wallMs ?? 'none'} ms)`);
for (const name of Object.keys(BOUNDS_CASES) as BoundsCase[]) {
  const p = parseScenario(BOUNDS_CASES[name]);
  if (!p.ok) throw new Error(`${name}: ${p.errors.join('; ')}`);
  const fast = timed(() => evaluateFast(p.scenario));
  const sim = timed(() => evaluateSimulated(p.scenario, wallMs !== undefined ? { budget: { maxWallMs: wallMs } } : {}));
  longest = Math.max(longest, fast.ms, sim.ms);
  const s = sim.value.simulation;
  const what = s.partial ? `partial: ${s.partial.reason}` : `${s.finished}/${s.requests} finished`;
  console.log(
    `${name.padEnd(20)} ${fast.ms.toFixed(0).padStart(8)} ${sim.ms.toFixed(0).padStart(8)}  ${String(sim.value.memory.fits).padEnd(5)} ${what}`,
  );
}
console.log(`longest single call: ${longest.toFixed(0)} ms`);
