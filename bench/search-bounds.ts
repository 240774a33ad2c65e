/**
 * Search bounds (issue 16 §4). Printed figures, not a timed test: `npm run bench:search-bounds`.
 *
 * 1. Refusal: DeepSeek-V3 on 1024 × 128 H200 (colocated, then with P/D splits and two KV dtypes) is
 *    counted and refused — goal ≤ 100 ms, no candidate listed.
 * 2. A large accepted search: DeepSeek-V3 on 48 × 8 H200 with P/D splits (~1.5 M candidates), closed
 *    form, one thread: wall time and peak resident memory (sampled at every progress callback, and
 *    the process's own high-water mark when the platform reports it).
 * Run it under `/usr/bin/time -v` for the kernel's view of the peak as well.
 */
import os from 'node:os';
import type { Scenario, ScenarioInput } from '../src/core/scenario/schema.ts';
import { parseScenario } from '../src/core/scenario/validate.ts';
import { search } from '../src/core/search/search.ts';
import { countCandidates } from '../src/core/search/space.ts';
import type { SearchOptions } from '../src/core/search/types.ts';

function parse(input: ScenarioInput): Scenario {
  const r = parseScenario(input);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const n = (x: number) => x.toLocaleString('en-US');
const mb = (bytes: number) => `${n(Math.round(bytes / 2 ** 20))} MiB`;

const deepseek = (nodes: number, gpusPerNode: number): Scenario =>
  parse({
    version: 1,
    model: 'deepseek-v3',
    precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
    cluster: { gpu: 'h200', nodes, gpusPerNode },
    workload: { inputTokens: 2048, outputTokens: 512, requests: 20000, arrival: { kind: 'poisson', ratePerSec: 40 } },
    slo: { ttftMs: 2000, tpotMs: 60 },
  });

function refusal(s: Scenario, o: Partial<SearchOptions>, label: string): void {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let message = 'accepted';
  try {
    // What a caller does first: count, and refuse when over maxCandidates (search() throws the same).
    const c = countCandidates(s, o);
    if (c.tooLarge) message = `refused: ${n(c.total)} candidates`;
  } catch (e) {
    message = `error: ${(e as Error).message}`;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `   ${label}: ${ms.toFixed(1)} ms wall, ${((cpu.user + cpu.system) / 1e3).toFixed(1)} ms CPU — ${message} (goal ≤ 100 ms)`,
  );
}

function main(): void {
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}`);
  console.log('');
  console.log('1) DeepSeek-V3 on 1024 × 128 H200 (131,072 GPUs): count and refuse');
  const huge = deepseek(1024, 128);
  refusal(huge, {}, 'colocated, first call');
  refusal(huge, {}, 'colocated, second call');
  refusal(huge, { allowDisaggregation: true, kvDtypes: ['fp8', 'bf16'] }, 'P/D splits, KV fp8/bf16');
  console.log('');

  const s = deepseek(48, 8);
  const o: Partial<SearchOptions> = { allowDisaggregation: true, maxCandidates: 2_000_000, simulateTop: 0 };
  const count = countCandidates(s, o);
  console.log(`2) DeepSeek-V3 on 48 × 8 H200, P/D splits, KV fp8: ${n(count.total)} candidates, closed form, 1 thread`);
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  let peakHeap = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = search(s, o, undefined, () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const c = r.counts;
  console.log(
    `   ${n(Math.round(ms))} ms wall, ${n(Math.round((cpu.user + cpu.system) / 1e3))} ms CPU; ${n(c.enumerated)} enumerated, ${n(c.infeasible)} rejected, ${n(c.pruned)} pruned, ${n(c.evaluated ?? 0)} evaluated; best ${r.ranked[0]?.candidate.label ?? 'none'} = ${r.ranked[0]?.value ?? '—'}`,
  );
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    `   peak RSS during the search ${mb(peakRss)} (start ${mb(rss0)}), peak heap used ${mb(peakHeap)}; process high-water RSS ${mb(maxRss)}`,
  );
}

main();
