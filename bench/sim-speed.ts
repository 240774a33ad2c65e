/**
 * Simulator speed on the APEX traces (data/reference/traces/apex): Llama-3.1-70B on 8× H100 SXM,
 * TP8, bf16, default runtime. Prints ms per plan (median of N timed runs after warm-up) and
 * requests simulated per second. APEX reports ~2,600 ms per plan for 1,024 lmsys requests (Python).
 *
 *   npx tsx bench/sim-speed.ts [--runs N]
 *
 * "evaluate" is the whole evaluateSimulated call a plan search makes per candidate (the trace text is
 * parsed once and memoised, as in a search); "parse" is the one-off trace parse. The tables run twice: on the
 * roofline cost model, then with the measured kernel profiles loaded (H100 · vLLM, the default engine), which is
 * what the app and the CLI price an H100 plan with.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { evaluateSimulated } from '../src/core/evaluate/simulated.ts';
import { loadAllKernelProfiles } from '../src/core/kernels/registry.ts';
import { parseScenario } from '../src/core/scenario/validate.ts';
import { parseTrace } from '../src/core/workload/traces.ts';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1]) || 30) : 30;
const WARMUP = 10;

const dir = new URL('../data/reference/traces/apex/', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, dir), 'utf8');

const traces: [string, string][] = [
  ['llama lmsys_05 (0.5 req/s)', read('llama_lmsys_05.jsonl')],
  ['llama lmsys_025 (0.25 req/s)', read('llama_lmsys_025.jsonl')],
  ['llama creation_05', read('llama_creation_05.jsonl')],
  ['llama creation_025', read('llama_creation_025.jsonl')],
  [
    'llama summarization_05 (4 splits)',
    [0, 1, 2, 3].map((i) => read(`llama_summarization_05_4DP2TP_${i}.jsonl`).trim()).join('\n'),
  ],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `Simulator speed — Llama-3.1-70B, 8× H100 SXM, TP8, bf16 · ${cpu} (${os.cpus().length} logical CPUs) · Node ${process.version}`,
);
console.log(`${RUNS} timed runs after ${WARMUP} warm-up runs per trace`);
function printTable(heading: string): void {
  console.log(`\n${heading}\n`);
  console.log(
    '| trace | requests | iterations | launches | cost evals | parse ms | evaluate ms (median) | p90 ms | requests/s simulated |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [name, data] of traces) {
    const p = parseScenario({
      version: 1,
      model: 'llama-3.1-70b',
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
      plan: { tp: 8 },
      workload: { trace: { format: 'apex-jsonl', data } },
    });
    if (!p.ok) throw new Error(p.errors.join('; '));
    const parseTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      parseTrace('apex-jsonl', data);
      parseTimes.push(performance.now() - t0);
    }
    let last = evaluateSimulated(p.scenario);
    for (let i = 0; i < WARMUP; i++) last = evaluateSimulated(p.scenario);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      last = evaluateSimulated(p.scenario);
      times.push(performance.now() - t0);
    }
    const s = last.simulation;
    const med = median(times);
    console.log(
      `| ${name} | ${s.requests} | ${s.iterations} | ${s.launches} | ${s.costEvaluations} | ${median(parseTimes).toFixed(2)} | ${med.toFixed(2)} | ${pct(times, 90).toFixed(2)} | ${Math.round(s.requests / (med / 1e3)).toLocaleString('en-US')} |`,
    );
  }
}

printTable('Roofline cost model (no kernel profiles loaded)');
await loadAllKernelProfiles();
printTable('Measured kernel profiles loaded (H100 SXM · vLLM 0.19)');
