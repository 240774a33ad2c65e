/**
 * Evaluate one Scenario by simulating its workload (core/sim): the same EvaluationResult the
 * closed-form path returns, with measured wall-clock latencies (queueing included) and real
 * percentiles, plus a `simulation` section (stability verdict, KV usage over time, preemptions,
 * prefix hits, KV transfers, and an optional compact timeline for the UI).
 *
 * Never throws for a plan that does not fit memory (fits = false with the explanation); throws
 * ScenarioError for scenarios that cannot be resolved (unknown model, tp not dividing the heads,
 * a bad trace row — listed by line number).
 */
import { resolvePools, type Pool } from '../cost/pools.ts';
import { seqsFitting, sequenceMisfit, withMisfit } from '../cost/estimator.ts';
import { memoryReport, type MemoryReport } from '../cost/memory.ts';
import { countParams } from '../model/params.ts';
import type { Scenario } from '../scenario/schema.ts';
import {
  kvTransferLinkFor,
  simulate,
  STATUS_DONE,
  STATUS_REJECTED,
  TIER_TRANSFER_KINDS,
  type IterationTimeline,
  type SimBudget,
  type SimPoolInput,
  type SimRaw,
  type TierTransferTimeline,
} from '../sim/engine.ts';
import { kvEngineOf } from '../kvplan/engine.ts';
import { buildWorkload, DEFAULT_MAX_SIM_REQUESTS } from '../sim/requests.ts';
import { stabilityVerdict, type Stability } from '../sim/stability.ts';
import { downsampleSteps, statsOf, type DownsampledSeries } from '../sim/stats.ts';
import { describeBottleneck } from './bottleneck.ts';
import {
  kvSection,
  lengthsOf,
  memorySection,
  planWarnings,
  representativeDecodeOps,
  resultHead,
  round,
  servesNothing,
  type EvaluationResult,
} from './evaluate.ts';
import { costUsdPerMOutputTokens, dropNonFinite, gpuPowerW, type AbsentReasons, type Stats } from './metrics.ts';
import { steadyWindow, type SteadyWindowBasis } from '../sim/steady-window.ts';

export const DEFAULT_MAX_SIM_ITERATIONS = 5_000_000;
export const DEFAULT_TIMELINE_ITERATIONS = 5000;
export { CLI_SIM_WALL_MS, MAIN_THREAD_SIM_WALL_MS, WORKER_SIM_WALL_MS } from '../sim/budget.ts';

export interface SimulateOptions {
  /** Cap on simulated requests (default 20,000); the rest of a longer workload is left out with a warning. */
  maxRequests?: number;
  /** Cap on simulated iterations (default 5,000,000); the run stops early with a warning. */
  maxIterations?: number;
  /** Include the per-request / per-iteration timeline (typed arrays) for the UI. Default false. */
  timeline?: boolean;
  /** Iteration rows kept in the timeline (default 5,000). */
  timelineIterations?: number;
  /** Testing: simulate every decode step as its own event instead of merging identical runs. */
  disableLeaps?: boolean;
  /**
   * Work budget of the simulation (events, wall time; sim/engine.ts SimBudget). A run that spends it
   * returns the statistics of what it simulated, marked `simulation.partial`. The caller sets the wall
   * time (the worker 1 s, the CLI 5 s); without one only the deterministic event cap applies.
   */
  budget?: SimBudget;
}

export interface SimTimeline {
  requests: {
    arrivalS: Float64Array;
    /** First admission to a prefill (NaN if never started). */
    prefillStartS: Float64Array;
    firstTokenS: Float64Array;
    endS: Float64Array;
    /** Instance that finished the request (global index: pools in `simulation.pools` order). */
    instance: Int32Array;
    /** Instance that ran the prompt (differs from `instance` only with disaggregation). */
    prefillInstance: Int32Array;
  };
  iterations: IterationTimeline;
  /** HBM ↔ host / NVMe copies (swap preemption, multi-turn reloads): kinds index TIER_TRANSFER_KINDS. */
  tierTransfers: TierTransferTimeline;
}

/** KV bytes per memory tier over time, GB over the whole plan (present with swap preemption or an offload strategy). */
export interface SimTierSummary {
  /** Time-weighted mean and max per bin, GB. */
  hbmGB: DownsampledSeries;
  hostGB: DownsampledSeries;
  ssdGB: DownsampledSeries;
  /** Capacities, GB; host is absent without an offload component (the swap space is unbounded). */
  capacityGB: { hbm: number; host?: number; ssd: number };
  peakGB: { hbm: number; host: number; ssd: number };
  /** Bytes moved, GB: HBM → host and back, HBM → NVMe and back, multi-turn reloads from the host store. */
  movedGB: { d2h: number; h2d: number; toSsd: number; fromSsd: number; reload: number };
  /** Host-link / NVMe seconds spent on these copies (summed over instances). */
  transferS: number;
  /** Preemptions recomputed because the host and NVMe swap space was full. */
  swapFallbacks: number;
  /** Transfer kinds of `timeline.tierTransfers.kind`. */
  transferKinds: readonly string[];
}

export interface SimPoolSummary {
  role: Pool['role'];
  instances: number;
  tp: number;
  pp: number;
  ep: number;
  attentionDp: number;
  gpus: number;
  /** First global instance index of this pool in the timeline. */
  firstInstance: number;
  busyFraction: number;
  kvTokensPerGroup: number;
  fits: boolean;
}

export interface SimulationSummary {
  source: string;
  /** Measured requests (warm-up excluded). */
  requests: number;
  /** Warm-up requests simulated before them and left out of every statistic (workload.warmupRequests). */
  warmupRequests?: number;
  finished: number;
  rejected: number;
  unfinished: number;
  /** Why the run stopped before every request finished, or null. */
  truncated: string | null;
  /**
   * Present when the work budget (SimulateOptions.budget, or the iteration cap) stopped the run: every
   * statistic covers only what was simulated before `reason`.
   */
  partial?: { reason: string; events: number };
  /** Main-loop events processed (the budget's unit). */
  events: number;
  makespanS: number;
  /** Seconds the rates (throughput, goodput, requests/s) are measured over: sim/steady-window.ts. */
  steadyWindowS?: number;
  /** 'arrival-span' (open loop, stable: the offered rate's window) or 'makespan' (overloaded, closed loop, cut off). */
  steadyWindowBasis?: SteadyWindowBasis;
  iterations: number;
  /** Scheduler launches (a run of identical decode steps is one launch). */
  launches: number;
  /** iterationCost evaluations the run needed. */
  costEvaluations: number;
  preemptions: number;
  recomputedTokens: number;
  swappedOutTokens: number;
  prefillTokensComputed: number;
  decodeTokens: number;
  prefixHitTokens: number;
  /** Hit tokens / prompt tokens of first admissions; null without prefix caching. */
  prefixHitRate: number | null;
  /** Arrival → first scheduled (queueing before prefill), ms; absent when no request finished. */
  queueMs?: Stats;
  /** Gap between consecutive tokens of a request, over all tokens, ms (log-binned: ±0.14 %); absent without any. */
  itlMs?: Stats;
  /** Prefill end → KV on the decode instance (link queueing included), ms; null unless disaggregated (or none landed). */
  kvTransferMs: Stats | null;
  kvTransferLink: { scope: 'nvlink' | 'nic'; GBpsPerGpu: number; lanes: number } | null;
  peakKvFraction: number;
  kvUsage: DownsampledSeries;
  /** Per-tier KV occupancy (HBM, host, NVMe) and transfers; absent without swap preemption or offload. */
  kvTiers?: SimTierSummary;
  peakRunningPerGroup: number;
  meanRunningPerInstance: number;
  stability: Stability;
  pools: SimPoolSummary[];
  /** What this simulator does not model (stated so results are read correctly). */
  notModelled: string[];
  timeline?: SimTimeline;
}

export type SimulatedEvaluation = EvaluationResult & { method: 'simulation'; simulation: SimulationSummary };

export const NOT_MODELLED: readonly string[] = [
  'speculative decoding accepts drafts at one rate for every token (runtime.speculative.acceptanceRate or its cited default), chain drafts only (no tree / top-k > 1 drafting); structured-output overheads',
  'load imbalance between attention-DP groups inside one iteration (the combined batch is costed as evenly spread)',
  'prefix-cached blocks are not shared in KV accounting: a hit skips prefill compute but the request still allocates its own blocks',
  'host memory for swapped KV is unbounded unless runtime.kvStrategy.offload sizes it; running sequences always decode from HBM (no FlexGen-style streaming of live KV from host)',
  'KV strategies: eviction budgets apply at every step from the first token (the prefill transient is not checked), evicted-to-host pages are fetched each step but their host occupancy is not tracked, RAG chunk reuse is costed in the closed form only, and multi-turn reuse loads its hit share of every prompt (the TTL store bound scales the hit rate; the store’s occupancy is not tracked)',
  'async scheduling overlap: the host overhead sits on the critical path of every iteration',
  'network contention between KV transfers and collectives; each prefill instance sends one transfer at a time',
];

/** Rounded stats, or undefined when they have no value (no sample: statsOf gives NaN). */
function roundStats(s: Stats): Stats | undefined {
  if (![s.mean, s.p50, s.p90, s.p99].every(Number.isFinite)) return undefined;
  return { mean: round(s.mean), p50: round(s.p50), p90: round(s.p90), p99: round(s.p99) };
}

function mergeMemory(pools: Pool[], mems: MemoryReport[], maxSeqs: number): EvaluationResult['memory'] {
  if (pools.length === 1) return memorySection(mems[0]!, maxSeqs);
  const parts = pools.map((p, i) => ({ role: p.role, m: memorySection(mems[i]!, maxSeqs) }));
  return {
    perGpu: parts.flatMap(({ role, m }) => m.perGpu.map((g) => ({ ...g, label: `${role} · ${g.label}` }))),
    maxKvTokens: parts.find((x) => x.role === 'decode')!.m.maxKvTokens,
    maxConcurrentSeqs: Math.floor(maxSeqs),
    fits: parts.every((x) => x.m.fits),
    shortfallGB: Math.max(...parts.map((x) => x.m.shortfallGB)),
  };
}

/** Simulate the scenario's workload on its plan. */
export function evaluateSimulated(scenario: Scenario, opts: SimulateOptions = {}): SimulatedEvaluation {
  const rp = resolvePools(scenario);
  const serve = rp.pools.find((p) => p.role !== 'prefill')!;
  const dep = serve.dep;
  const params = countParams(dep.model);
  const mems = rp.pools.map((p) => memoryReport(p.dep));
  const serveMem = mems[rp.pools.indexOf(serve)]!;

  const warnings: string[] = [];
  if (!rp.disaggregated) warnings.push(...planWarnings(dep, scenario));
  else {
    // Per-pool plan warnings; one said by both pools is said once. GPU usage is reported for the plan as a whole.
    const per = rp.pools.map((p) => planWarnings(p.dep, scenario).filter((w) => !w.startsWith('The plan uses ')));
    const [a, b] = [per[0]!, per[1]!];
    for (const w of a) warnings.push(b.includes(w) ? w : `prefill pool: ${w}`);
    for (const w of b) if (!a.includes(w)) warnings.push(`decode pool: ${w}`);
    if (rp.gpusUsed < rp.clusterGpus)
      warnings.push(`The plan uses ${rp.gpusUsed} of the cluster's ${rp.clusterGpus} GPUs.`);
    warnings.push(
      'Prefill/decode split: memory and batch figures are per decode instance; the simulation ran both pools.',
    );
  }
  const workload = buildWorkload(scenario, opts.maxRequests ?? DEFAULT_MAX_SIM_REQUESTS, {
    contextTokens: dep.model.maxContextTokens,
    modelName: dep.model.name,
  });
  warnings.push(...workload.warnings);
  const reqs = workload.requests;
  let sumIn = 0;
  let sumOut = 0;
  let tooLong = 0;
  let longestReq = 0;
  for (const r of reqs) {
    sumIn += r.inputTokens;
    sumOut += r.outputTokens;
    longestReq = Math.max(longestReq, r.inputTokens + r.outputTokens);
    if (r.inputTokens + r.outputTokens > dep.model.maxContextTokens) tooLong++;
  }
  const meanIn = reqs.length > 0 ? sumIn / reqs.length : 0;
  const meanOut = reqs.length > 0 ? sumOut / reqs.length : 0;
  if (tooLong > 0 && (scenario.workload.trace || scenario.workload.input || scenario.workload.output)) {
    warnings.push(
      `${tooLong} request(s) exceed ${dep.model.name}'s context window of ${dep.model.maxContextTokens} tokens (simulated anyway).`,
    );
  }
  // `fits` means one sequence of the longest request fits (synthetic lengths: as the closed form sizes it,
  // workload/clamp.ts longestLength; a trace: its longest request). Longer sampled requests are rejected.
  const longest = scenario.workload.trace ? longestReq : lengthsOf(dep, scenario).longestTokens;
  const misfit = reqs.length > 0 ? sequenceMisfit(dep, serveMem, longest) : null;
  if (misfit !== null) mems[rp.pools.indexOf(serve)] = withMisfit(serveMem, dep, longest, misfit);
  const fits = mems.every((m) => m.fits);
  const kvSeqs = fits ? seqsFitting(dep, serveMem, Math.max(1, Math.round(meanIn + meanOut))) : 0;
  const maxSeqs = Math.min(kvSeqs, dep.runtime.maxNumSeqs * dep.instance.attentionDp);
  const memory = mergeMemory(rp.pools, mems, maxSeqs);
  const base = {
    ...resultHead('simulation', dep, params, serveMem.kvBytesPerToken, serve.instances, rp.gpusUsed),
    memory,
    ...kvSection(dep, meanIn + meanOut),
  };
  let firstInstance = 0;
  const poolSummary = (busy: (i: number) => number): SimPoolSummary[] =>
    rp.pools.map((p, i) => {
      const s: SimPoolSummary = {
        role: p.role,
        instances: p.instances,
        tp: p.dep.instance.tp,
        pp: p.dep.instance.pp,
        ep: p.dep.instance.ep,
        attentionDp: p.dep.instance.attentionDp,
        gpus: p.gpus,
        firstInstance,
        busyFraction: round(busy(i)),
        kvTokensPerGroup: mems[i]!.maxKvTokensPerGroup,
        fits: mems[i]!.fits,
      };
      firstInstance += p.instances;
      return s;
    });

  if (!fits) {
    const explanation = mems
      .map((m, i) => (m.fits ? '' : rp.disaggregated ? `${rp.pools[i]!.role} pool: ${m.explanation}` : m.explanation))
      .filter((x) => x)
      .join(' ');
    warnings.push(explanation);
    return {
      ...base,
      metrics: servesNothing(explanation),
      bottleneck: explanation,
      warnings,
      simulation: {
        source: workload.source,
        requests: reqs.length,
        finished: 0,
        rejected: 0,
        unfinished: reqs.length,
        truncated: 'the plan does not fit in GPU memory: nothing was simulated',
        events: 0,
        makespanS: 0,
        iterations: 0,
        launches: 0,
        costEvaluations: 0,
        preemptions: 0,
        recomputedTokens: 0,
        swappedOutTokens: 0,
        prefillTokensComputed: 0,
        decodeTokens: 0,
        prefixHitTokens: 0,
        prefixHitRate: null,
        kvTransferMs: null,
        kvTransferLink: null,
        peakKvFraction: 0,
        kvUsage: { tS: [], mean: [], max: [] },
        peakRunningPerGroup: 0,
        meanRunningPerInstance: 0,
        stability: {
          overloaded: false,
          reason: 'Not simulated: the plan does not fit.',
          offeredReqPerSec: null,
          servedReqPerSec: 0,
          queueGrowth: 0,
        },
        pools: poolSummary(() => 0),
        notModelled: [...NOT_MODELLED],
      },
    };
  }

  const link = kvTransferLinkFor(rp);
  const raw = simulate({
    pools: rp.pools.map((p, i) => {
      const pool: SimPoolInput = {
        role: p.role,
        dep: p.dep,
        instances: p.instances,
        kvTokensPerGroup: mems[i]!.maxKvTokensPerGroup,
      };
      // Multi-turn reuse: the hit rate the TTL store sustains at the offered rate (as the closed form).
      const kv = kvEngineOf(p.dep);
      const a = scenario.workload.arrival;
      if (kv?.r.offload?.multiTurnReuse)
        pool.multiTurnHitRate = kv.multiTurnHitRate(
          workload.openLoop && (a.kind === 'poisson' || a.kind === 'gamma') ? a.ratePerSec : 0,
          Math.max(1, Math.round(meanIn)),
        );
      return pool;
    }),
    requests: reqs,
    closedLoopUsers: workload.closedLoopUsers,
    warmupRequests: workload.warmup,
    prefix: workload.prefix,
    kvTransfer: link,
    maxIterations: Math.max(1, Math.floor(opts.maxIterations ?? DEFAULT_MAX_SIM_ITERATIONS)),
    timelineIterations:
      opts.timeline === true ? Math.max(0, Math.floor(opts.timelineIterations ?? DEFAULT_TIMELINE_ITERATIONS)) : 0,
    disableLeaps: opts.disableLeaps === true,
    ...(opts.budget ? { budget: opts.budget } : {}),
  });
  return summarize(scenario, raw, {
    base,
    warnings,
    workloadSource: workload.source,
    openLoop: workload.openLoop,
    rp,
    serve,
    poolSummary,
    link,
    opts,
    prefixOn: workload.prefix.kind !== 'none',
    meanCtx: meanIn + meanOut / 2,
    warmup: workload.warmup,
  });
}

interface SummaryCtx {
  base: Pick<EvaluationResult, 'method' | 'basis' | 'model' | 'gpu' | 'plan' | 'memory' | 'kv' | 'engine'> & {
    method: 'simulation';
  };
  warnings: string[];
  workloadSource: string;
  openLoop: boolean;
  rp: ReturnType<typeof resolvePools>;
  serve: Pool;
  poolSummary: (busy: (i: number) => number) => SimPoolSummary[];
  link: ReturnType<typeof kvTransferLinkFor>;
  opts: SimulateOptions;
  prefixOn: boolean;
  meanCtx: number;
  /** Requests 0..warmup−1 are warm-up: simulated, left out of every statistic. */
  warmup: number;
}

/** `{ [key]: v }` when v is defined, `{}` otherwise (for optional result fields). */
function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v !== undefined ? { [key]: v } : {}) as { [P in K]?: V };
}

function sliceTransfers(x: TierTransferTimeline): TierTransferTimeline {
  const n = x.count;
  return {
    count: n,
    total: x.total,
    startS: x.startS.slice(0, n),
    durationS: x.durationS.slice(0, n),
    instance: x.instance.slice(0, n),
    kind: x.kind.slice(0, n),
    bytes: x.bytes.slice(0, n),
    cause: x.cause.slice(0, n),
  };
}

function tierSummary(raw: SimRaw): SimTierSummary {
  const t = raw.tiers!;
  const end = Number.isFinite(raw.lastEndS) ? raw.lastEndS : (t.t[t.t.length - 1] ?? 0);
  const gb = (v: Float64Array) => v.map((x) => x / 1e9);
  const series = (v: Float64Array) => downsampleSteps(t.t, gb(v), end, 500);
  const peak = (v: Float64Array) => round(v.reduce((a, b) => Math.max(a, b), 0) / 1e9);
  return {
    hbmGB: series(t.hbmBytes),
    hostGB: series(t.hostBytes),
    ssdGB: series(t.ssdBytes),
    capacityGB: {
      hbm: round(t.capacity.hbmBytes / 1e9),
      ...(Number.isFinite(t.capacity.hostBytes) ? { host: round(t.capacity.hostBytes / 1e9) } : {}),
      ssd: round(t.capacity.ssdBytes / 1e9),
    },
    peakGB: { hbm: peak(t.hbmBytes), host: peak(t.hostBytes), ssd: peak(t.ssdBytes) },
    movedGB: {
      d2h: round(t.d2hBytes / 1e9),
      h2d: round(t.h2dBytes / 1e9),
      toSsd: round(t.toSsdBytes / 1e9),
      fromSsd: round(t.fromSsdBytes / 1e9),
      reload: round(t.reloadBytes / 1e9),
    },
    transferS: round(t.transferS),
    swapFallbacks: t.swapFallbacks,
    transferKinds: TIER_TRANSFER_KINDS,
  };
}

function summarize(scenario: Scenario, raw: SimRaw, c: SummaryCtx): SimulatedEvaluation {
  const n = raw.n;
  const ttft = new Float64Array(n).fill(NaN);
  const tpot = new Float64Array(n).fill(NaN);
  const e2e = new Float64Array(n).fill(NaN);
  const queue = new Float64Array(n).fill(NaN);
  let finished = 0;
  let rejected = 0;
  let outTok = 0;
  let inTok = 0;
  let meets = 0;
  let runningS = 0;
  const slo = scenario.slo;
  // The measured window: first measured arrival to last measured end (warm-up requests excluded).
  let firstS = Infinity;
  let lastS = -Infinity;
  let firstArrivalS = Infinity;
  let lastArrivalS = -Infinity;
  for (let i = c.warmup; i < n; i++) {
    const st = raw.status[i]!;
    if (raw.arrivalS[i]! < firstArrivalS) firstArrivalS = raw.arrivalS[i]!;
    if (raw.arrivalS[i]! > lastArrivalS) lastArrivalS = raw.arrivalS[i]!;
    if (st === STATUS_REJECTED) rejected++;
    if (st !== STATUS_DONE) continue;
    finished++;
    const a = raw.arrivalS[i]!;
    const f = raw.firstTokenS[i]!;
    const e = raw.endS[i]!;
    if (a < firstS) firstS = a;
    if (e > lastS) lastS = e;
    const o = raw.outputTokens[i]!;
    outTok += o;
    inTok += raw.inputTokens[i]!;
    ttft[i] = f - a;
    e2e[i] = e - a;
    queue[i] = raw.prefillStartS[i]! - a;
    runningS += e - raw.prefillStartS[i]!;
    // TPOT per request: (E2E − TTFT) / (output − 1), vLLM benchmark_serving's definition.
    if (o > 1) tpot[i] = (e - f) / (o - 1);
    if (ttft[i]! * 1e3 <= slo.ttftMs && (o <= 1 || tpot[i]! * 1e3 <= slo.tpotMs)) meets++;
  }
  const makespan = finished > 0 ? (c.warmup > 0 ? lastS - firstS : raw.lastEndS - raw.firstArrivalS) : 0;
  const rp = c.rp;
  const busyOf = (i: number) => {
    const p = raw.pools[i]!;
    return makespan > 0 ? Math.min(1, p.busyStageS / (p.instances * p.pp * makespan)) : 0;
  };
  let busyNum = 0;
  let busyDen = 0;
  let powerW = 0;
  rp.pools.forEach((p, i) => {
    const b = busyOf(i);
    busyNum += b * p.gpus;
    busyDen += p.gpus;
    powerW += p.gpus * gpuPowerW(p.dep.gpu, b);
  });
  const busyFraction = busyDen > 0 ? busyNum / busyDen : 0;
  const stability = stabilityVerdict({
    openLoop: c.openLoop,
    arrivalS: raw.arrivalS,
    ttftS: ttft,
    queueT: raw.queueT,
    queueLen: raw.queueLen,
    finished,
    makespanS: makespan,
  });
  // Rates over the steady window (sim/steady-window.ts), not the drain: the closed form's definition.
  const window = steadyWindow({
    openLoop: c.openLoop,
    overloaded: stability.overloaded,
    truncated: raw.truncated !== null || finished + rejected < n - c.warmup,
    requests: n - c.warmup,
    firstArrivalS,
    lastArrivalS,
    makespanS: makespan,
  });
  const perS = (x: number) => (finished > 0 && window.seconds > 0 ? x / window.seconds : 0);
  const out = perS(outTok);
  const dep = c.serve.dep;
  const meanRunning = makespan > 0 ? runningS / makespan / c.serve.instances : 0;

  const warnings = [...c.warnings];
  if (rejected > 0) warnings.push(`${rejected} request(s) rejected: ${raw.rejectReason ?? 'too large'}.`);
  if (raw.truncated !== null)
    warnings.push(`Simulation incomplete: ${raw.truncated}; metrics cover the ${finished} finished requests.`);
  if (raw.preemptions > 0)
    warnings.push(
      `${raw.preemptions} preemption(s) (${dep.runtime.preemption}): the KV cache ran out; ${dep.runtime.preemption !== 'swap' ? `${raw.recomputedTokens} tokens were recomputed` : `${raw.swapOutTokens} tokens were swapped to host memory`}.`,
    );

  let limitedBy: 'kv-cache' | 'max-num-seqs' | 'offered-load' = 'offered-load';
  if (raw.preemptions > 0 || (raw.blockedByKv > 0 && raw.blockedByKv >= raw.blockedBySeqs)) limitedBy = 'kv-cache';
  else if (raw.blockedBySeqs > 0) limitedBy = 'max-num-seqs';
  const conc = limitedBy === 'offered-load' ? meanRunning : raw.peakRunningPerGroup * dep.instance.attentionDp;
  const ops = representativeDecodeOps(dep, scenario, Math.max(1, conc), c.meanCtx);
  const computeBound = ops.filter((o) => o.kind === 'gemm').some((o) => o.bound === 'compute');
  let bottleneck = describeBottleneck(ops, limitedBy, Math.max(1, conc), computeBound);
  const kvTransferMs = c.link !== null ? statsOf(raw.kvTransferS, 1e3) : null;
  if (kvTransferMs !== null && Number.isFinite(kvTransferMs.mean)) {
    bottleneck += ` Prefill→decode KV transfer over ${c.link!.scope === 'nvlink' ? 'NVLink' : 'the NIC'} adds ${kvTransferMs.mean.toFixed(1)} ms to TTFT on average.`;
  }
  if (stability.overloaded) {
    bottleneck = `${stability.reason} ` + bottleneck;
    warnings.push('Overloaded: latencies grow with the run length; add replicas or lower the arrival rate.');
  }
  const ttftMs = statsOf(ttft, 1e3);
  const tpotMs = statsOf(tpot, 1e3);
  const e2eMs = statsOf(e2e, 1e3);

  const simulation: SimulationSummary = {
    source: c.workloadSource,
    requests: n - c.warmup,
    ...(c.warmup > 0 ? { warmupRequests: c.warmup } : {}),
    finished,
    rejected,
    unfinished: n - c.warmup - finished - rejected,
    truncated: raw.truncated,
    ...(raw.partial ? { partial: raw.partial } : {}),
    events: raw.events,
    makespanS: round(makespan),
    steadyWindowS: round(window.seconds),
    steadyWindowBasis: window.basis,
    iterations: raw.iterations,
    launches: raw.launches,
    costEvaluations: raw.costCalls,
    preemptions: raw.preemptions,
    recomputedTokens: raw.recomputedTokens,
    swappedOutTokens: raw.swapOutTokens,
    prefillTokensComputed: raw.prefillTokens,
    decodeTokens: raw.decodeTokens,
    prefixHitTokens: raw.prefixHitTokens,
    prefixHitRate:
      c.prefixOn && raw.promptTokensAdmitted > 0 ? round(raw.prefixHitTokens / raw.promptTokensAdmitted) : null,
    ...optional('queueMs', roundStats(statsOf(queue, 1e3))),
    ...optional('itlMs', roundStats(raw.itl.stats(1e3))),
    kvTransferMs: kvTransferMs !== null ? (roundStats(kvTransferMs) ?? null) : null,
    kvTransferLink:
      c.link !== null ? { scope: c.link.scope, GBpsPerGpu: c.link.GBpsPerGpu, lanes: c.link.lanes } : null,
    peakKvFraction: round(raw.peakKvFraction),
    kvUsage: downsampleSteps(
      raw.kvT,
      raw.kvFrac,
      Number.isFinite(raw.lastEndS) ? raw.lastEndS : (raw.kvT[raw.kvT.length - 1] ?? 0),
      500,
    ),
    ...(raw.tiers ? { kvTiers: tierSummary(raw) } : {}),
    peakRunningPerGroup: raw.peakRunningPerGroup,
    meanRunningPerInstance: round(meanRunning),
    stability,
    pools: c.poolSummary(busyOf),
    notModelled: [...NOT_MODELLED],
  };
  if (c.opts.timeline === true) {
    const tl = raw.timeline;
    simulation.timeline = {
      requests: {
        arrivalS: raw.arrivalS,
        prefillStartS: raw.prefillStartS,
        firstTokenS: raw.firstTokenS,
        endS: raw.endS,
        instance: raw.instance,
        prefillInstance: raw.prefillInstance,
      },
      iterations: {
        count: tl.count,
        total: tl.total,
        startS: tl.startS.slice(0, tl.count),
        durationS: tl.durationS.slice(0, tl.count),
        instance: tl.instance.slice(0, tl.count),
        prefillTokens: tl.prefillTokens.slice(0, tl.count),
        decodeSeqs: tl.decodeSeqs.slice(0, tl.count),
        steps: tl.steps.slice(0, tl.count),
      },
      tierTransfers: sliceTransfers(raw.tierTransfers),
    };
  }
  const noneFinished = raw.truncated !== null ? `no request finished: ${raw.truncated}` : 'no request finished';
  const reasons: AbsentReasons = {
    ttftMs: noneFinished,
    e2eMs: noneFinished,
    tpotMs:
      finished > 0 ? 'every finished request generated one token: there is no gap between output tokens' : noneFinished,
    energyJPerOutputToken: `no output token was produced (${noneFinished})`,
    costUsdPerMOutputTokens: `no output token was produced (${noneFinished})`,
  };
  const metrics = dropNonFinite(
    {
      outputTokPerSec: round(out),
      outputTokPerSecPerGpu: round(out / rp.gpusUsed),
      totalTokPerSec: round(perS(inTok + outTok)),
      requestsPerSec: round(perS(finished)),
      ...optional('ttftMs', roundStats(ttftMs)),
      ...optional('tpotMs', roundStats(tpotMs)),
      ...optional('e2eMs', roundStats(e2eMs)),
      goodputReqPerSec: round(perS(meets)),
      sloAttainment: n > 0 ? round(meets / n) : 0,
      // Energy per token is all the energy over all the tokens: mean power × makespan / tokens.
      ...(out > 0 ? { energyJPerOutputToken: round((powerW * makespan) / outTok) } : {}),
      ...(out > 0 ? { costUsdPerMOutputTokens: round(costUsdPerMOutputTokens(dep.gpu, rp.gpusUsed, out)) } : {}),
      concurrency: round(meanRunning),
      busyFraction: round(busyFraction),
      overloaded: stability.overloaded,
    },
    reasons,
    noneFinished,
  );
  return {
    ...c.base,
    metrics,
    bottleneck,
    warnings,
    simulation,
  };
}
