/**
 * Search speed (issue 3 §4). Printed figures, not a timed test: `npx tsx bench/search-speed.ts`.
 *
 * 1. Llama-3.1-70B on 1×8 H100 over the APEX lmsys trace (1,024 requests), every plan × every KV
 *    dtype, single-threaded: the closed-form first pass (target ≤ 1 s), then the same search with
 *    the simulator's second pass over the top 8.
 * 2. DeepSeek-V3 on 8×8 H200 with prefill/decode disaggregation (≥ 10,000 candidates): the real
 *    PlannerPool (src/worker/pool.ts) over 4 worker_threads running the browser worker's API, warm
 *    and cold (worker start and module load included), next to one thread (target ≤ 5 s, 4 workers).
 * The machine is printed first: worker speed-ups cannot exceed the core count.
 */
import * as Comlink from 'comlink';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Scenario, ScenarioInput } from '../src/core/scenario/schema.ts';
import { KV_DTYPES } from '../src/core/scenario/schema.ts';
import { parseScenario } from '../src/core/scenario/validate.ts';
import { search } from '../src/core/search/search.ts';
import { loadSimulator } from '../src/core/search/simulator.ts';
import { countCandidates } from '../src/core/search/space.ts';
import type { SearchOptions, SearchResult } from '../src/core/search/types.ts';
import type { PlannerApi } from '../src/worker/planner.api.ts';
import { PlannerPool, type WorkerHandle } from '../src/worker/pool.ts';
import { nodeEndpoint } from './node-endpoint.ts';
import { loadAllKernelProfiles } from '../src/core/kernels/registry.ts';

const TRACE = new URL('../data/reference/traces/apex/llama_lmsys_05.jsonl', import.meta.url);

function parse(input: ScenarioInput): Scenario {
  const r = parseScenario(input);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const ms = (x: number) => `${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1)} ms`;
const n = (x: number) => x.toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

function time<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

async function timeAsync<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

function summary(r: SearchResult): string {
  const c = r.counts;
  const best = r.ranked[0];
  return `${n(c.enumerated)} candidates: ${n(c.infeasible)} rejected, ${n(c.pruned)} pruned, ${n(c.evaluated ?? 0)} evaluated, ${c.simulated} simulated; best ${best ? `${best.candidate.label} = ${best.value}` : 'none'}`;
}

/** A worker_thread running bench/search-worker.ts through tsx (a data-URL bootstrap registers the loader). */
function nodeWorker(): WorkerHandle {
  const entry = new URL('./search-worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(entry)});`;
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
  return { api: Comlink.wrap<PlannerApi>(nodeEndpoint(w)), terminate: () => void w.terminate() };
}

async function main(): Promise<void> {
  // Profiles loaded (the worker threads load their own through plannerApi).
  await loadAllKernelProfiles();
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  );
  console.log('');

  // 1. Llama-3.1-70B, 1×8 H100, APEX lmsys trace, all plans × all KV dtypes.
  const llama = parse({
    version: 1,
    model: 'llama-3.1-70b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    workload: { trace: { format: 'apex-jsonl', data: readFileSync(TRACE, 'utf8') } },
    slo: { ttftMs: 2000, tpotMs: 100 },
  } as ScenarioInput);
  const llamaOpts: Partial<SearchOptions> = {
    kvDtypes: [...KV_DTYPES],
    objective: 'goodput',
    secondary: 'ttft-p99',
    simulateTop: 0,
  };
  const count1 = countCandidates(llama, llamaOpts);
  console.log(
    `1) Llama-3.1-70B on 1×8 H100, APEX llama_lmsys_05 trace (1,024 requests), ${count1.structural.colocated} layouts × ${KV_DTYPES.length} KV dtypes (${KV_DTYPES.join(', ')})`,
  );
  const cold = time(() => search(llama, llamaOpts));
  const warm = Array.from({ length: 7 }, () => time(() => search(llama, llamaOpts)).ms);
  console.log(
    `   closed-form pass, 1 thread: cold ${ms(cold.ms)}, warm median ${ms(median(warm))} (min ${ms(Math.min(...warm))}) — target ≤ 1 s`,
  );
  console.log(`   ${summary(cold.value)}`);
  const sim = await loadSimulator();
  if (sim) {
    const withSim = time(() => search(llama, { ...llamaOpts, simulateTop: 8 }, sim));
    console.log(`   + simulator second pass over the top 8 (1,024 requests each), 1 thread: ${ms(withSim.ms)} total`);
    console.log(`   ${summary(withSim.value)}`);
  } else {
    console.log('   (no simulator in this build: second pass skipped)');
  }
  console.log('');

  // 2. DeepSeek-V3, 8×8 H200, with P/D disaggregation.
  const ds: ScenarioInput = {
    version: 1,
    model: 'deepseek-v3',
    precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
    cluster: { gpu: 'h200', nodes: 8, gpusPerNode: 8 },
    workload: { inputTokens: 2048, outputTokens: 512, requests: 20000, arrival: { kind: 'poisson', ratePerSec: 40 } },
    slo: { ttftMs: 2000, tpotMs: 60 },
  };
  const dsScenario = parse(ds);
  const base: Partial<SearchOptions> = { allowDisaggregation: true, kvDtypes: ['fp8', 'bf16'], simulateTop: 0 };
  const count2 = countCandidates(dsScenario, base);
  console.log(
    `2) DeepSeek-V3 on 8×8 H200, P/D disaggregation allowed, KV fp8/bf16, Poisson 40 req/s of 2,048→512 tokens`,
  );
  console.log(
    `   space: ${n(count2.total)} candidates = ${n(count2.colocated)} colocated + ${n(count2.disaggregated)} disaggregated (${count2.knobCombos} runtime combos); counted in ${ms(time(() => countCandidates(dsScenario, base)).ms)}`,
  );
  if (count2.total < 10_000) throw new Error('the DeepSeek space should have at least 10,000 candidates');
  const pool = new PlannerPool({ size: 4, createWorker: nodeWorker });
  let events = 0;
  const coldPool = await timeAsync(
    () => pool.run(ds, { ...base, objective: 'goodput', secondary: 'cost' }, () => events++).promise,
  );
  console.log(
    `   PlannerPool cold start (4 worker_threads spawned, tsx module load, first search): ${ms(coldPool.ms)}, ${events} progress events`,
  );
  const cases: [string, Partial<SearchOptions>][] = [
    ['goodput × $/Mtok', { objective: 'goodput', secondary: 'cost' }],
    ['throughput/GPU × TPOT p99', { objective: 'throughput-per-gpu', secondary: 'tpot-p99' }],
    ['TTFT p99 × J/token', { objective: 'ttft-p99', secondary: 'energy' }],
    [
      'goodput × $/Mtok, pruning off (every feasible plan evaluated)',
      { objective: 'goodput', secondary: 'cost', prune: false },
    ],
  ];
  for (const [name, o] of cases) {
    const opts = { ...base, ...o };
    const single = time(() => search(dsScenario, opts));
    const warm: number[] = [];
    let last: SearchResult | null = null;
    for (let i = 0; i < 2; i++) {
      const r = await timeAsync(() => pool.run(ds, opts).promise);
      warm.push(r.ms);
      last = r.value;
    }
    const same =
      JSON.stringify(last!.ranked.map((p) => [p.candidate.id, p.value])) ===
      JSON.stringify(single.value.ranked.map((p) => [p.candidate.id, p.value]));
    console.log(
      `   ${name}: 1 thread ${ms(single.ms)}; 4 workers (warm) ${ms(median(warm))}${same ? '' : ' — RANKING DIFFERS'} — target ≤ 5 s`,
    );
    console.log(`     ${summary(single.value)}`);
  }
  if (sim) {
    const withSim = await timeAsync(
      () => pool.run(ds, { ...base, objective: 'goodput', secondary: 'cost', simulateTop: 8 }).promise,
    );
    console.log(
      `   + simulator second pass over the top 8 (20,000 requests each) on the workers: ${ms(withSim.ms)} total (${withSim.value.counts.simulated} simulated)`,
    );
  }
  pool.dispose();
}

await main();
