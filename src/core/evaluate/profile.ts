/**
 * Per-instance facts the search reuses across candidates: memory fit (with the rejection reason in
 * words), KV-limited concurrency, and the cheapest possible decode step and prefill. They depend on
 * the instance shape and the runtime knobs, never on the replica count, so one profile serves every
 * dp of a colocated layout and every pairing of a disaggregated pool.
 */
import { estimatorWorkload } from './workload-view.ts';
import { resolveDeployment, type Deployment } from '../cost/deployment.ts';
import { decodeStepS, promptPrefillS, seqsFitting } from '../cost/estimator.ts';
import { memoryReport, type MemoryReport } from '../cost/memory.ts';
import type { PoolPlan, Scenario } from '../scenario/schema.ts';
import { shapeGroup } from './plan-label.ts';
import { resolveRuntime } from '../engine/resolve.ts';

export interface InstanceProfile {
  dep: Deployment;
  mem: MemoryReport;
  /** Null when the instance can serve; else why not, in words ("weights 141 GB > 72 GB per GPU at TP1"). */
  rejection: string | null;
  /** Sequences of the workload's mean length (input + output) one instance holds at once. */
  maxConcurrency: number;
  /** Decode step at one sequence of one token: every GPU still reads its weights once per step. */
  decodeFloorS: number;
  /** One prompt of the mean input length, alone on the instance. */
  prefillOneS: number;
  /** Memoised decode steps at concurrency c (context = input + output/2, as the estimator uses). */
  stepAt(c: number): number;
  /**
   * Prompts per second one instance prefills when kept busy: n = ⌊maxBatchedTokens / input⌋ prompts
   * per chunk, and pp chunks in flight along the pipeline (memoised).
   */
  prefillRate(): number;
}

/** Scenario that runs `pool` as a colocated plan of `instances` replicas (how each pool is costed). */
export function poolScenario(s: Scenario, pool: PoolPlan): Scenario {
  return { ...s, plan: { tp: pool.tp, pp: pool.pp, dp: pool.instances, ep: pool.ep, attentionDp: pool.attentionDp } };
}

/** The memory rejection in the words users search for: what takes the memory, per GPU, at which layout. */
export function memoryRejection(mem: MemoryReport, where: string): string | null {
  if (mem.fits) return null;
  let worst = mem.perGpu[0];
  for (const g of mem.perGpu)
    if (
      worst &&
      g.weightsGB + g.activationsGB + g.reservedGB - g.budgetGB >
        worst.weightsGB + worst.activationsGB + worst.reservedGB - worst.budgetGB
    )
      worst = g;
  if (!worst) return mem.explanation || `does not fit at ${where}`;
  const f = (x: number) => x.toFixed(1);
  const budget = `${f(worst.budgetGB)} GB per GPU at ${where} (${Math.round((worst.budgetGB / worst.capacityGB) * 100)}% of ${+worst.capacityGB.toFixed(1)} GB)`;
  const stage = mem.perGpu.length > 1 ? ` on pipeline stage ${worst.stage}` : '';
  if (worst.weightsGB > worst.budgetGB) return `weights ${f(worst.weightsGB)} GB${stage} > ${budget}`;
  const used = `weights ${f(worst.weightsGB)} GB + activations ${f(worst.activationsGB)} GB + reserve ${f(worst.reservedGB)} GB${stage}`;
  if (mem.shortfallGB > 0) return `${used} > ${budget}`;
  return `${used} leave no room for one KV block in ${budget}`;
}

export function buildProfile(scenario: Scenario, where: string): InstanceProfile {
  const dep = resolveDeployment(scenario);
  const mem = memoryReport(dep);
  const w = estimatorWorkload(scenario);
  const I = w.inputTokens;
  const O = w.outputTokens;
  let rejection = memoryRejection(mem, where);
  let maxConcurrency = 0;
  if (rejection === null) {
    const kvSeqs = seqsFitting(dep, mem, I + O);
    maxConcurrency = Math.min(kvSeqs, dep.runtime.maxNumSeqs * dep.instance.attentionDp);
    if (maxConcurrency < 1)
      rejection = `KV cache of ${mem.maxKvTokensPerGroup.toLocaleString('en-US')} tokens per attention group cannot hold one ${I + O}-token sequence at ${where}`;
  }
  const steps = new Map<number, number>();
  const ctx = I + O / 2;
  let rate: number | null = null;
  // Costed on first use: a rejected instance (most of a large space) never needs them.
  let floorS: number | null = null;
  let oneS: number | null = null;
  const profile: InstanceProfile = {
    dep,
    mem,
    rejection,
    maxConcurrency,
    get decodeFloorS(): number {
      return (floorS ??= decodeStepS(dep, 1, 1));
    },
    get prefillOneS(): number {
      return (oneS ??= promptPrefillS(dep, 1, I, w));
    },
    stepAt(c: number): number {
      const hit = steps.get(c);
      if (hit !== undefined) return hit;
      const t = decodeStepS(dep, c, ctx);
      if (steps.size < 4096) steps.set(c, t);
      return t;
    },
    prefillRate(): number {
      if (rate === null) {
        const n = I <= dep.runtime.maxBatchedTokens ? Math.max(1, Math.floor(dep.runtime.maxBatchedTokens / I)) : 1;
        const t = n === 1 ? profile.prefillOneS : promptPrefillS(dep, n, I, w);
        rate = t > 0 ? (n * dep.instance.pp) / t : Infinity;
      }
      return rate;
    },
  };
  return profile;
}

const strategyKeys = new WeakMap<object, string>();

/** A KV strategy's identity for cache keys (candidates share the parsed strategy object). */
function strategyKey(s: object): string {
  let k = strategyKeys.get(s);
  if (k === undefined) {
    k = JSON.stringify(s);
    strategyKeys.set(s, k);
  }
  return k;
}

/** Profiles keyed by role, shape, runtime knobs and KV strategy; valid for one base scenario (one search). */
export class ProfileCache {
  private readonly map = new Map<string, InstanceProfile>();

  get(
    scenario: Scenario,
    shape: { tp: number; pp: number; ep: number; attentionDp: number },
    role: 'colocated' | 'prefill' | 'decode',
  ): InstanceProfile {
    const kvs = scenario.runtime.kvStrategy;
    const rt = resolveRuntime(scenario);
    const key = `${role}|${shape.tp}.${shape.pp}.${shape.ep}.${shape.attentionDp}|${scenario.precision.kvCache}|${rt.maxNumSeqs}|${rt.maxBatchedTokens}${kvs ? `|${strategyKey(kvs)}` : ''}`;
    let p = this.map.get(key);
    if (!p) {
      const where = role === 'colocated' ? shapeGroup(shape).replace(/·/g, ' ') : `${role} pool ${shapeGroup(shape)}`;
      p = buildProfile(
        { ...scenario, plan: { tp: shape.tp, pp: shape.pp, dp: 1, ep: shape.ep, attentionDp: shape.attentionDp } },
        where,
      );
      this.map.set(key, p);
    }
    return p;
  }
}
