/**
 * Rank KV strategies for one deployment and workload, with the reason in words
 * ("fp8 KV doubles concurrency: 2.1× throughput", "KIVI-2 not allowed: lossy").
 *
 * Each strategy is costed like the closed-form estimator (cost/estimator) at saturation: every request
 * has the mean prompt I and output O; concurrency C = sequences of I + O tokens the KV holds (with
 * offload tiers when present), capped by runtime.maxNumSeqs and by the offered load (closed-loop users,
 * or the offline batch); a request's life is O decode steps at context I + O/2 plus its share of prefill:
 *   cycle = O · step(C, I + O/2) + prefill(C prompts of the tokens left to compute) + exposed reloads
 *   throughput = C · O / cycle, ranked per GPU (context parallelism uses more GPUs).
 * Prefill shrinks with prefix sharing, RAG chunk reuse and multi-turn reuse; eviction and quantization
 * leave it unchanged (prefill still computes every token). Reloads (multi-turn KV, RAG chunks) cross the
 * host link, CacheGen-compressed, overlapped with the prefill compute layer by layer when prefetching.
 */
import type { Deployment } from '../cost/deployment.ts';
import { prefillTimeS } from '../cost/estimator.ts';
import type { Workload } from '../scenario/schema.ts';
import { capacityPoint, tierPlacement } from './capacity.ts';
import { strategyDecodeStep, type DecodeStep } from './decode.ts';
import { effectOf, type KvEffect } from './effect.ts';
import { freeKvBytesPerGpu, resolveKv, stageFootprints, type ResolvedKv } from './footprint.ts';
import { promptWork } from './engine.ts';
import { exposedTransferS, transferS } from '../kv/offload.ts';
import { kvStrategySchema, type Fidelity, type KvStrategy, type KvStrategyInput } from '../kv/types.ts';
import { GB } from '../units.ts';

export interface CompareOptions {
  /** Allow approximate strategies (2-4 bit KV, eviction, sparse attention, lossy compression). */
  allowLossy: boolean;
  /** Allow near-lossless ones (fp8/int8 KV). Defaults to allowLossy: with both false only exact strategies run. */
  allowNearLossless?: boolean;
  /** Compare against this strategy; default: the deployment as configured (no strategy). */
  baseline?: KvStrategy;
}

export interface StrategyScore {
  /** 1-based among allowed, fitting strategies; null otherwise. */
  rank: number | null;
  label: string;
  strategy: KvStrategy;
  allowed: boolean;
  fits: boolean;
  lossless: boolean;
  fidelity: Fidelity;
  /** Concurrent sequences over the deployment. */
  concurrency: number;
  decodeStepS: number;
  tpotS: number;
  prefillPerWaveS: number;
  outputTokPerS: number;
  outputTokPerSPerGpu: number;
  gpusUsed: number;
  /** Ratios to the baseline (NaN when the baseline serves nothing). */
  vsBaseline: { concurrency: number; throughput: number };
  reason: string;
  effect: KvEffect;
}

export interface StrategyComparison {
  baseline: StrategyScore;
  /** Allowed and fitting first (best first), then those that do not fit, then those not allowed. */
  ranked: StrategyScore[];
  contextTokens: number;
}

function allowedBy(f: Fidelity, o: CompareOptions): boolean {
  if (f === 'exact') return true;
  if (f === 'near-lossless') return o.allowNearLossless ?? o.allowLossy;
  return o.allowLossy;
}

interface Raw {
  r: ResolvedKv;
  effect: KvEffect;
  fits: boolean;
  concurrency: number;
  decodeStepS: number;
  tpotS: number;
  prefillPerWaveS: number;
  outputTokPerS: number;
  gpusUsed: number;
  exposedTransferShare: number;
  hbmSeqs: number;
  /** Set when running the offloaded sequences too would have been slower (it is not chosen). */
  spilledAlternative: Cycle | null;
  /** Prompt tokens still prefilled ÷ prompt tokens (sharing, RAG and multi-turn reuse lower it). */
  promptComputedFraction: number;
}

interface Cycle {
  concurrency: number;
  step: DecodeStep;
  prefillS: number;
  cycleS: number;
  outputTokPerS: number;
}

/** One request lifetime at concurrency C (deployment-wide): O decode steps + the wave's prefill and exposed loads. */
function cycleAt(r: ResolvedKv, w: Workload, free: number[], C: number, storedBytesPerToken: number): Cycle {
  const { dep } = r;
  const I = w.inputTokens;
  const O = w.outputTokens;
  const perInstance = C / dep.dp;
  // Decode at the mean context; KV beyond HBM (offload) streams from host each step.
  const { spill } = tierPlacement(r, free, stageFootprints(r, I + O / 2), C);
  const step = strategyDecodeStep(r, perInstance, I + O / 2, spill);
  const work = promptWork(r, w, storedBytesPerToken);
  const compute = prefillTimeS(dep, perInstance / r.distributed.contextParallel, work.computed);
  const load = transferS(perInstance * work.loadBytesPerGpu, r.hostGBps);
  const prefillS = compute + exposedTransferS(load, compute, r.offload?.prefetch ?? true);
  const cycleS = O * step.stepS + prefillS;
  return { concurrency: C, step, prefillS, cycleS, outputTokPerS: (C * O) / cycleS };
}

function score(dep: Deployment, strategy: KvStrategy, w: Workload): Raw {
  const r = resolveKv(dep, strategy);
  const I = w.inputTokens;
  const O = w.outputTokens;
  const free = freeKvBytesPerGpu(dep);
  const sizing = capacityPoint(r, I + O, free);
  const effect = effectOf(r, I + O);
  const gpusUsed = dep.gpusUsed * r.distributed.contextParallel;
  const offered =
    w.arrival.kind === 'concurrency' ? w.arrival.users : w.arrival.kind === 'offline' ? w.requests : Infinity;
  const C = Math.min(sizing.servableSeqs, offered);
  const promptComputedFraction = promptWork(r, w, effect.storedBytesPerToken).computed / I;
  const none = {
    r,
    effect,
    fits: false,
    concurrency: 0,
    decodeStepS: 0,
    tpotS: Infinity,
    prefillPerWaveS: 0,
    outputTokPerS: 0,
    gpusUsed,
    exposedTransferShare: 0,
    hbmSeqs: sizing.hbmSeqs,
    spilledAlternative: null,
    promptComputedFraction,
  };
  if (C < 1) return none;
  let best = cycleAt(r, w, free, C, effect.storedBytesPerToken);
  let spilledAlternative: Cycle | null = null;
  // An engine with offload tiers may still stay within HBM when streaming the overflow does not pay.
  const inHbm = Math.min(sizing.hbmSeqs, C);
  if (inHbm >= 1 && inHbm < C) {
    const alt = cycleAt(r, w, free, inHbm, effect.storedBytesPerToken);
    if (alt.outputTokPerS > best.outputTokPerS) {
      spilledAlternative = best;
      best = alt;
    }
  }
  return {
    r,
    effect,
    fits: true,
    concurrency: best.concurrency,
    decodeStepS: best.step.stepS,
    tpotS: best.cycleS / O,
    prefillPerWaveS: best.prefillS,
    outputTokPerS: best.outputTokPerS,
    gpusUsed,
    exposedTransferShare: best.step.stepS > 0 ? best.step.exposedTransferS / best.step.stepS : 0,
    hbmSeqs: sizing.hbmSeqs,
    spilledAlternative,
    promptComputedFraction,
  };
}

const x = (v: number) => `${v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2)}×`;

/** "doubles concurrency", "raises concurrency 5.3×", "keeps concurrency", "cuts concurrency to 0.50×". */
export function concurrencyPhrase(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'fits where the baseline does not';
  if (Math.abs(ratio - 1) < 0.05) return 'keeps concurrency';
  if (Math.abs(ratio - 2) < 0.1) return 'doubles concurrency';
  if (Math.abs(ratio - 3) < 0.15) return 'triples concurrency';
  if (ratio > 1) return `raises concurrency ${x(ratio)}`;
  return `cuts concurrency to ${ratio.toFixed(2)}×`;
}

function reasonFor(s: Raw, base: Raw, o: CompareOptions, isBaseline: boolean): string {
  const label = s.r.label;
  if (!allowedBy(s.r.fidelity, o))
    return `${label} not allowed: ${s.r.fidelity === 'near-lossless' ? 'near-lossless (lossy)' : 'lossy'}`;
  if (!s.fits) {
    const perGpu = stageFootprints(s.r, s.effect.contextTokens).reduce(
      (a, f) => Math.max(a, f.hbmBytes + f.sharedBytes),
      0,
    );
    return `${label} does not fit: one ${fmtTokens(s.effect.contextTokens)}-token sequence needs ${(s.effect.hbmBytesPerSeq / GB).toFixed(1)} GB of KV (${(perGpu / GB).toFixed(1)} GB per GPU), ${(s.effect.freeHbmBytesPerGpu / GB).toFixed(1)} GB free per GPU`;
  }
  const seqs = `${fmtCount(s.concurrency)} sequences, ${fmtCount(s.outputTokPerS)} tok/s`;
  if (isBaseline) return `${label}: baseline, ${seqs}`;
  const cRatio = base.concurrency > 0 ? s.concurrency / base.concurrency : Infinity;
  const perGpu = (v: Raw) => v.outputTokPerS / v.gpusUsed;
  const tRatio = perGpu(base) > 0 ? perGpu(s) / perGpu(base) : Infinity;
  let reason = `${label} ${concurrencyPhrase(cRatio)}: ${Number.isFinite(tRatio) ? x(tRatio) : 'n/a'} throughput${s.gpusUsed !== base.gpusUsed ? ' per GPU' : ''}`;
  const notes: string[] = [];
  if (s.exposedTransferShare > 0.2)
    notes.push(`host-link bound: ${Math.round(s.exposedTransferShare * 100)}% of each decode step waits for transfers`);
  else if (s.concurrency > s.hbmSeqs && s.r.offload)
    notes.push(`${fmtCount(s.concurrency - s.hbmSeqs)} sequences partly in host memory`);
  if (s.promptComputedFraction < 0.995)
    notes.push(`prefill skips ${Math.round((1 - s.promptComputedFraction) * 100)}% of prompt tokens`);
  if (s.spilledAlternative) {
    const alt = s.spilledAlternative.outputTokPerS / s.gpusUsed / perGpu(base);
    notes.push(
      `stays within HBM: streaming ${fmtCount(s.spilledAlternative.concurrency)} sequences from host would give ${x(alt)}`,
    );
  }
  if (notes.length > 0) reason += ` (${notes.join('; ')})`;
  if (s.r.fidelity !== 'exact') reason += ` — ${s.r.fidelity}`;
  return reason;
}

const fmtTokens = (t: number) => (t >= 1024 ? `${+(t / 1024).toFixed(1)}K` : String(t));
const fmtCount = (v: number) =>
  Number.isInteger(v) || v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);

function toScore(s: Raw, base: Raw, o: CompareOptions, isBaseline: boolean): StrategyScore {
  const perGpu = (v: Raw) => (v.gpusUsed > 0 ? v.outputTokPerS / v.gpusUsed : 0);
  return {
    rank: null,
    label: s.r.label,
    strategy: s.r.strategy,
    allowed: allowedBy(s.r.fidelity, o),
    fits: s.fits,
    lossless: s.r.lossless,
    fidelity: s.r.fidelity,
    concurrency: s.concurrency,
    decodeStepS: s.decodeStepS,
    tpotS: s.tpotS,
    prefillPerWaveS: s.prefillPerWaveS,
    outputTokPerS: s.outputTokPerS,
    outputTokPerSPerGpu: perGpu(s),
    gpusUsed: s.gpusUsed,
    vsBaseline: {
      concurrency: base.concurrency > 0 ? s.concurrency / base.concurrency : NaN,
      throughput: perGpu(base) > 0 ? perGpu(s) / perGpu(base) : NaN,
    },
    reason: reasonFor(s, base, o, isBaseline),
    effect: s.effect,
  };
}

/**
 * Rank strategies for this deployment and workload. Strategies the options forbid are listed last with
 * "not allowed: lossy" and never ranked; those that cannot hold one sequence are listed before them.
 */
export function compareStrategies(
  dep: Deployment,
  workload: Workload,
  strategies: readonly (KvStrategy | KvStrategyInput)[],
  options: CompareOptions = { allowLossy: false },
): StrategyComparison {
  const baseStrategy = options.baseline ?? kvStrategySchema.parse({});
  const base = score(dep, baseStrategy, workload);
  const raws = strategies.map((s) => score(dep, kvStrategySchema.parse(s), workload));
  const scores = raws.map((s) => toScore(s, base, options, false));
  const order = (s: StrategyScore) => (s.allowed && s.fits ? 0 : s.allowed ? 1 : 2);
  const ranked = scores
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        order(a.s) - order(b.s) ||
        b.s.outputTokPerSPerGpu - a.s.outputTokPerSPerGpu ||
        Number(b.s.lossless) - Number(a.s.lossless) ||
        a.i - b.i,
    )
    .map(({ s }) => s);
  let n = 0;
  for (const s of ranked) if (order(s) === 0) s.rank = ++n;
  return {
    baseline: toScore(base, base, { ...options, allowLossy: true, allowNearLossless: true }, true),
    ranked,
    contextTokens: workload.inputTokens + workload.outputTokens,
  };
}
