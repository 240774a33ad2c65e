/**
 * `parakv search <scenario.json> [options]`: the same search the app runs, single-threaded in Node.
 * Closed-form first pass over every plan, then the simulator over the top `--simulate-top`
 * (unless --fast). Prints a ranked table with a reason per plan, the Pareto front and the first
 * rejected plans — or all of it as JSON. Exit 0 on success, 2 on bad input (one line naming the
 * field or flag), 1 on an internal error.
 */
import { ScenarioError } from '../core/cost/deployment.ts';
import { KV_DTYPES, type Scenario } from '../core/scenario/schema.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import { withBandFields } from '../core/calibrate/bands.ts';
import { calibrateFlags, calibrateFromFiles, withoutCalibrateFlags } from './calibrate.ts';
import { OBJECTIVES, OBJECTIVE_INFO, isObjective } from '../core/search/objectives.ts';
import { searchPrepared } from '../core/search/search.ts';
import { parseSpeculativeToken } from '../core/search/spec-choices.ts';
import { CLI_SEARCH_WALL_MS } from '../core/search/budget.ts';
import { preloadKernelsFor } from '../core/kernels/registry.ts';
import { loadSimulator } from '../core/search/simulator.ts';
import { MAX_CANDIDATES_CEILING, SearchOptionError, prepareSearch, tooLargeError } from '../core/search/space.ts';
import type { Objective, RankedPlan, SearchOptions, SearchResult } from '../core/search/types.ts';
import { KV_PRESET_NAMES, kvChoice, kvPreset, notAllowedReason } from '../core/kv/presets.ts';
import { summariseIssues } from './check.ts';
import { inlineTraces, readJsonFile } from './input.ts';
import { UsageError, type CliIo } from './io.ts';
import { fmtNum, renderTable } from './table.ts';

export const SEARCH_HELP = `usage: parakv search <scenario.json|-> [options]

  --objective O           rank by O (default throughput-per-gpu); with an offered rate, plans meeting
                          the SLO rank first (README: "How plans are ranked")
  --secondary O           second axis of the Pareto front (default ttft-p99)
                          O: ${OBJECTIVES.join(', ')}
  --top N                 rows in the ranked table (default 10)
  --calibrate a.json,…    fit runtime.engine.calibration to your benchmark results first
  --kv a,b                KV-cache dtypes to try (default: the scenario's)
  --kv-strategies a,b     KV strategies to try (default: the scenario's runtime.kvStrategy):
                          ${KV_PRESET_NAMES.join(', ')}
  --allow-lossy           let approximate strategies (KIVI-2, int4, GEAR, H2O, windows, top-k) rank;
                          without it they are listed as rejected ("KIVI-2 not allowed: lossy")
  --exact-only            refuse near-lossless strategies too (fp8 / int8 KV)
  --speculative a,b       speculative decoding settings to try (default: the scenario's runtime.speculative):
                          off, or method:k[@acceptance] with method mtp, eagle, eagle3, ngram (e.g. off,mtp:1,mtp:3@0.8)
  --max-num-seqs a,b      maxNumSeqs values to try (default: the scenario's)
  --max-batched-tokens a,b  chunk sizes to try (default: the scenario's)
  --allow-disagg          also try prefill/decode-disaggregated splits
  --allow-tp-across-nodes let tensor parallel groups span NVLink domains
  --replicas all|max      partial-cluster plans: every replica count (default) or only the largest
  --simulate-top N        simulate the best N plans after the closed-form pass (default 8)
  --fast                  closed form only (no simulation)
  --max-candidates N      refuse larger spaces (default 200000, at most ${MAX_CANDIDATES_CEILING})
  --budget-ms N           stop the closed-form pass after N ms and rank what it searched, saying so
                          (default ${CLI_SEARCH_WALL_MS})
  --json                  machine-readable output
`;

const VALUE_FLAGS = [
  '--objective',
  '--secondary',
  '--top',
  '--kv',
  '--kv-strategies',
  '--speculative',
  '--max-num-seqs',
  '--max-batched-tokens',
  '--replicas',
  '--simulate-top',
  '--max-candidates',
  '--budget-ms',
] as const;
const BOOL_FLAGS = [
  '--json',
  '--allow-lossy',
  '--exact-only',
  '--allow-disagg',
  '--allow-tp-across-nodes',
  '--fast',
  '--help',
  '-h',
] as const;

interface Parsed {
  path: string | null;
  values: Map<string, string>;
  flags: Set<string>;
}

function parseArgs(args: string[]): Parsed {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if ((VALUE_FLAGS as readonly string[]).includes(name)) {
      const v = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : args[++i];
      if (v === undefined || (v.startsWith('--') && eq < 0)) throw new UsageError(`${name} needs a value`);
      values.set(name, v);
    } else if ((BOOL_FLAGS as readonly string[]).includes(a)) {
      flags.add(a);
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a} (see parakv search --help)`);
    } else {
      positional.push(a);
    }
  }
  if (positional.length > 1) throw new UsageError(`one scenario file at a time (got ${positional.join(', ')})`);
  return { path: positional[0] ?? null, values, flags };
}

function intFlag(name: string, v: string | undefined, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi)
    throw new UsageError(`${name} must be a whole number in [${lo}, ${hi}] (got "${v}")`);
  return n;
}

function listFlag(name: string, v: string | undefined, lo: number, hi: number): number[] | undefined {
  if (v === undefined) return undefined;
  return v.split(',').map((x) => intFlag(name, x.trim(), lo, hi)!);
}

/** --max-candidates, with its hard ceiling named when it is exceeded. */
function maxCandidatesFlag(v: string | undefined): number | undefined {
  const n = Number(v);
  if (v !== undefined && Number.isInteger(n) && n > MAX_CANDIDATES_CEILING)
    throw new UsageError(
      `--max-candidates: ${n.toLocaleString('en-US')} is over the hard ceiling of ${MAX_CANDIDATES_CEILING.toLocaleString('en-US')}; narrow the space instead (--kv, --kv-strategies, --max-num-seqs, --replicas max)`,
    );
  return intFlag('--max-candidates', v, 1, MAX_CANDIDATES_CEILING);
}

function objectiveFlag(name: string, v: string | undefined): Objective | undefined {
  if (v === undefined) return undefined;
  if (!isObjective(v)) throw new UsageError(`${name} must be one of ${OBJECTIVES.join(', ')} (got "${v}")`);
  return v;
}

/** Search options from the flags (only those given; the rest default in core). */
export function optionsFromArgs(p: Parsed): Partial<SearchOptions> {
  const o: Partial<SearchOptions> = {};
  const objective = objectiveFlag('--objective', p.values.get('--objective'));
  if (objective) o.objective = objective;
  const secondary = objectiveFlag('--secondary', p.values.get('--secondary'));
  if (secondary) o.secondary = secondary;
  const top = intFlag('--top', p.values.get('--top'), 1, 1000);
  if (top !== undefined) o.top = top;
  const kv = p.values.get('--kv');
  if (kv !== undefined) {
    o.kvDtypes = kv.split(',').map((x) => x.trim());
    for (const d of o.kvDtypes)
      if (!(KV_DTYPES as readonly string[]).includes(d))
        throw new UsageError(`--kv: "${d}" is not a KV dtype (${KV_DTYPES.join(', ')})`);
  }
  const kvs = p.values.get('--kv-strategies');
  if (kvs !== undefined) {
    o.kvStrategies = kvs
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0);
    for (const name of o.kvStrategies)
      if (!kvPreset(name as string))
        throw new UsageError(
          `--kv-strategies: "${String(name)}" is not a KV strategy preset (${KV_PRESET_NAMES.join(', ')})`,
        );
  }
  const spec = p.values.get('--speculative');
  if (spec !== undefined) {
    o.speculative = spec
      .split(',')
      .filter((x) => x.trim().length > 0)
      .map((x) => {
        const v = parseSpeculativeToken(x);
        if (v === null)
          throw new UsageError(
            `--speculative: "${x.trim()}" is not off or method:k[@acceptance] (methods mtp, eagle, eagle3, ngram; e.g. mtp:1)`,
          );
        return v;
      });
  }
  if (p.flags.has('--allow-lossy')) o.allowLossy = true;
  if (p.flags.has('--exact-only')) o.allowNearLossless = false;
  const seqs = listFlag('--max-num-seqs', p.values.get('--max-num-seqs'), 1, 65_536);
  if (seqs) o.maxNumSeqs = seqs;
  const mbt = listFlag('--max-batched-tokens', p.values.get('--max-batched-tokens'), 16, 1_048_576);
  if (mbt) o.maxBatchedTokens = mbt;
  const replicas = p.values.get('--replicas');
  if (replicas !== undefined) {
    if (replicas !== 'all' && replicas !== 'max')
      throw new UsageError(`--replicas must be all or max (got "${replicas}")`);
    o.replicas = replicas;
  }
  const simTop = intFlag('--simulate-top', p.values.get('--simulate-top'), 0, 1000);
  if (simTop !== undefined) o.simulateTop = simTop;
  if (p.flags.has('--fast')) o.simulateTop = 0;
  const maxC = maxCandidatesFlag(p.values.get('--max-candidates'));
  if (maxC !== undefined) o.maxCandidates = maxC;
  if (p.flags.has('--allow-disagg')) o.allowDisaggregation = true;
  if (p.flags.has('--allow-tp-across-nodes')) o.allowTpAcrossNodes = true;
  o.maxWallMs = intFlag('--budget-ms', p.values.get('--budget-ms'), 1, 86_400_000) ?? CLI_SEARCH_WALL_MS;
  return o;
}

/** Read, inline the trace path, validate: a Scenario or a UsageError naming the field. */
function loadScenario(path: string | null, io: CliIo): Scenario {
  const raw = readJsonFile(path, io);
  if (Array.isArray(raw)) throw new UsageError('search takes one scenario, not an array: search them one at a time');
  const parsed = parseScenario(inlineTraces(raw, path, io));
  if (!parsed.ok) throw new UsageError(summariseIssues(parsed.errors));
  return parsed.scenario;
}

const f = (x: number | undefined) => (x === undefined ? '—' : fmtNum(x));

interface Column {
  header: string;
  cell(p: RankedPlan, rank: number): string | number;
  /** Hidden when it repeats one of the two objective columns. */
  same?: Objective;
}

function columns(o: Objective, o2: Objective): Column[] {
  const h = (x: Objective) => `${OBJECTIVE_INFO[x].label} (${OBJECTIVE_INFO[x].unit})`;
  const all: Column[] = [
    { header: '#', cell: (_, r) => r },
    { header: 'plan', cell: (p) => p.candidate.label },
    { header: h(o), cell: (p) => f(p.value) },
    { header: h(o2), cell: (p) => f(p.secondaryValue) },
    { header: 'tok/s/GPU', cell: (p) => f(p.result.metrics.outputTokPerSecPerGpu), same: 'throughput-per-gpu' },
    { header: 'TTFT p99 ms', cell: (p) => f(p.result.metrics.ttftMs?.p99), same: 'ttft-p99' },
    { header: 'TPOT p99 ms', cell: (p) => f(p.result.metrics.tpotMs?.p99), same: 'tpot-p99' },
    { header: 'goodput req/s', cell: (p) => f(p.result.metrics.goodputReqPerSec), same: 'goodput' },
    { header: 'GPUs', cell: (p) => p.result.plan.gpusUsed },
    { header: 'tier', cell: (p) => p.tier ?? '' },
    { header: 'method', cell: (p) => (p.method === 'simulation' ? 'sim' : 'closed') },
    { header: 'Pareto', cell: (p) => (p.onPareto ? '*' : '') },
  ];
  return all.filter((c) => c.same !== o && c.same !== o2);
}

/** "KV strategies tried: bf16 KV, fp8 KV; not allowed (lossy): KIVI-2, H2O 20% — --allow-lossy to rank them". */
function strategyLine(options: Partial<SearchOptions>): string | null {
  const list = options.kvStrategies ?? [];
  if (list.length === 0) return null;
  const choices = list.map((x, i) => kvChoice(x, i));
  const refused = choices.filter(
    (c) => notAllowedReason(c, options.allowLossy === true, options.allowNearLossless !== false) !== null,
  );
  const tried = choices.filter((c) => !refused.includes(c));
  const parts = [`KV strategies ranked: ${tried.map((c) => c.label).join(', ') || 'none'}`];
  if (refused.length > 0)
    parts.push(`not allowed (lossy): ${refused.map((c) => c.label).join(', ')} — --allow-lossy to rank them`);
  return parts.join('; ');
}

export function formatSearchTable(
  s: Scenario,
  r: SearchResult,
  simulated: boolean,
  options: Partial<SearchOptions> = {},
): string {
  const o = r.objective;
  const o2 = r.secondary;
  const c = r.counts;
  const first = r.ranked[0]?.result;
  const name = first
    ? `${first.model.name} on ${s.cluster.nodes}×${s.cluster.gpusPerNode} ${first.gpu.name}`
    : `${typeof s.model === 'string' ? s.model : s.model.name} on ${s.cluster.nodes}×${s.cluster.gpusPerNode} ${s.cluster.gpu}`;
  const dir = (x: Objective) => (OBJECTIVE_INFO[x].maximize ? 'higher is better' : 'lower is better');
  const lines = [
    `${name}: ${c.enumerated.toLocaleString('en-US')} candidate plans — ${c.infeasible.toLocaleString('en-US')} rejected, ${c.pruned.toLocaleString('en-US')} pruned by bounds, ${(c.evaluated ?? 0).toLocaleString('en-US')} evaluated in closed form, ${c.simulated} simulated (${Math.round(r.elapsedMs)} ms)`,
    `ranked by ${OBJECTIVE_INFO[o].label} (${dir(o)}); Pareto front over ${OBJECTIVE_INFO[o].label} × ${OBJECTIVE_INFO[o2].label} (${dir(o2)})${simulated ? '' : ' — closed form only'}`,
  ];
  const kvLine = strategyLine(options);
  if (kvLine) lines.push(kvLine);
  if (r.stopped) lines.push(`stopped early: ${r.stopped.message} (--budget-ms)`);
  // The ranking rule (core/search/ranking.ts) and what the load needs, or the overload verdict.
  if (r.verdict) lines.push(`${r.verdict.kind === 'meets-slo' ? 'this load needs' : 'overload'}: ${r.verdict.message}`);
  lines.push('');
  if (r.ranked.length === 0) {
    lines.push('No plan fits this cluster. Why the first plans were rejected:');
  } else {
    const cols = columns(o, o2);
    lines.push(
      renderTable(
        cols.map((c) => c.header),
        r.ranked.map((p, i) => cols.map((c) => c.cell(p, i + 1))),
      ),
    );
    if (simulated && r.ranked.some((p) => p.method !== 'simulation'))
      lines.push(
        'note: "sim" rows were simulated (queueing and p99 tails included), "closed" rows are closed-form means; both rank by the same rule over the steady window.',
      );
    const folded = r.ranked.filter((p) => (p.variants ?? []).length > 0);
    for (const p of folded)
      lines.push(
        `same numbers as ${p.candidate.label}: ${p.variants!.map((v) => v.label).join('; ')} (the knob does not bind)`,
      );
    lines.push('', 'why:');
    r.ranked.forEach((p, i) => lines.push(`${String(i + 1).padStart(3)}. ${p.reason}`));
    const off = r.pareto.filter((p) => !r.ranked.some((q) => q.candidate.id === p.candidate.id));
    lines.push(
      '',
      `Pareto front: ${r.pareto.length} plan${r.pareto.length === 1 ? '' : 's'}${off.length > 0 ? ` (${off.length} not in the table above)` : ''}`,
    );
    for (const p of r.pareto.slice(0, 12))
      lines.push(
        `  ${p.candidate.label}: ${f(p.value)} ${OBJECTIVE_INFO[o].unit}, ${f(p.secondaryValue)} ${OBJECTIVE_INFO[o2].unit}`,
      );
    if (r.pareto.length > 12) lines.push(`  … and ${r.pareto.length - 12} more (--json for all)`);
    if (r.ranked[0]) lines.push('', `best plan bottleneck: ${r.ranked[0].result.bottleneck}`);
  }
  if (r.rejected.length > 0) {
    lines.push('', `rejected: ${c.infeasible.toLocaleString('en-US')} plans${c.infeasible > 5 ? ', first 5' : ''}`);
    for (const x of r.rejected.slice(0, 5)) lines.push(`  ${x.candidate.label}: ${x.reason}`);
  }
  return lines.join('\n') + '\n';
}

/** JSON output: candidates without their (large, repeated) scenario copies. */
export function searchJson(r: SearchResult, scenario?: Scenario): unknown {
  const plan = (p: RankedPlan, i?: number) => ({
    ...(i !== undefined ? { rank: i + 1 } : {}),
    id: p.candidate.id,
    label: p.candidate.label,
    group: p.candidate.group,
    knobs: p.candidate.knobs,
    value: p.value,
    secondaryValue: p.secondaryValue,
    method: p.method,
    ...(p.tier !== undefined ? { tier: p.tier } : {}),
    ...(p.variants ? { variants: p.variants } : {}),
    onPareto: p.onPareto,
    reason: p.reason,
    result: p.result && scenario ? withBandFields(p.result, scenario) : p.result,
  });
  return {
    objective: r.objective,
    secondary: r.secondary,
    counts: r.counts,
    elapsedMs: Math.round(r.elapsedMs),
    ...(r.stopped ? { stopped: r.stopped } : {}),
    ...(r.verdict ? { verdict: r.verdict } : {}),
    ranked: r.ranked.map((p, i) => plan(p, i)),
    pareto: r.pareto.map((p) => plan(p)),
    rejected: r.rejected.map((x) => ({
      id: x.candidate.id,
      label: x.candidate.label,
      knobs: x.candidate.knobs,
      reason: x.reason,
    })),
  };
}

export async function runSearch(args: string[], io: CliIo): Promise<number> {
  try {
    const benchFiles = calibrateFlags(args);
    const p = parseArgs(withoutCalibrateFlags(args));
    if (p.flags.has('--help') || p.flags.has('-h')) {
      io.stdout(SEARCH_HELP);
      return 0;
    }
    const options = optionsFromArgs(p);
    const loaded = loadScenario(p.path, io);
    await preloadKernelsFor(loaded);
    const scenario = benchFiles.length ? calibrateFromFiles(loaded, benchFiles, io) : loaded;
    // Built and counted once: the refusal, the progress line and the search share this space.
    const prepared = prepareSearch(scenario, options);
    const { count } = prepared;
    if (count.tooLarge) throw tooLargeError(count, prepared.options);
    if (count.total > 2000 && !p.flags.has('--json'))
      io.stderr(`searching ${count.total.toLocaleString('en-US')} candidate plans…\n`);
    const sim = (options.simulateTop ?? 8) > 0 ? await loadSimulator() : null;
    const result = searchPrepared(prepared, sim ?? undefined);
    if (result.stopped && p.flags.has('--json')) io.stderr(`parakv search: stopped early: ${result.stopped.message}\n`);
    if (p.flags.has('--json')) io.stdout(JSON.stringify(searchJson(result, scenario), null, 2) + '\n');
    else io.stdout(formatSearchTable(scenario, result, sim !== null && result.counts.simulated > 0, options));
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof SearchOptionError || e instanceof ScenarioError) {
      io.stderr(`parakv search: ${e.message.split('\n')[0]}\n`);
      return 2;
    }
    io.stderr(`parakv search: internal error: ${(e as Error).message}\n`);
    return 1;
  }
}
