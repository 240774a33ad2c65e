/**
 * The search's first pass over one candidate: screen it (valid? fits? → rejection in words), bound
 * it (the best each objective could possibly be, for pruning), and evaluate it with the closed-form
 * estimator — the engine's `evaluateSteadyState` for colocated plans, the P/D composition in
 * disagg.ts for disaggregated ones.
 */
import { ScenarioError } from '../cost/deployment.ts';
import { evaluateSteadyState, finiteResult, round, type EvaluationResult } from '../evaluate/evaluate.ts';
import { gpuPowerW } from '../evaluate/metrics.ts';
import type { Scenario } from '../scenario/schema.ts';
import { checkPools, evaluateDisaggregatedSteadyState, kvTransfer, poolsOf } from '../evaluate/disagg.ts';
import { ProfileCache, type InstanceProfile } from '../evaluate/profile.ts';
import { applyKnobs } from './space.ts';
import type { Objective, PlanKnobs } from './types.ts';
import { estimatorWorkload, steadyView } from '../evaluate/workload-view.ts';

/** Natural-unit optimistic values: no plan evaluation can beat these. */
export type Bounds = Record<Objective, number>;

export type Screen = { ok: false; reason: string } | { ok: true; bounds: Bounds };

export type Outcome = { ok: true; result: EvaluationResult } | { ok: false; reason: string };

/**
 * Rounding slack: EvaluationResult metrics are rounded to 4 significant digits, so a bound is
 * loosened by 0.1 % in the optimistic direction before it is compared with rounded values.
 */
const SLACK = 1e-3;

/** Upper bound on the rounded report of an exactly known rate (reports go through evaluate.ts `round`, 4 digits). */
function capAbove(x: number): number {
  return Math.max(x, round(x));
}

interface ThroughputBound {
  /** Output tokens/s over the whole plan, upper bound (from the cost model; loosened by SLACK). */
  outTokPerS: number;
  /** Requests/s the workload offers at most (open arrivals), exact; Infinity for closed loops. */
  offeredReqPerS: number;
  gpus: number;
  ttftFloorS: number;
  tpotFloorS: number;
  /** Lowest busy fraction the plan can run at (1 for closed loops that keep it saturated). */
  minBusy: number;
}

/**
 * Turn a throughput ceiling and latency floors into per-objective optimistic values.
 * Why it holds: every objective is monotone in (throughput, TTFT, TPOT, GPUs); goodput is zero
 * whenever a latency floor already breaks its SLO.
 */
function boundsFrom(t: ThroughputBound, s: Scenario, O: number, price: number, powerW: number): Bounds {
  // Open arrivals cap throughput at exactly λ·O; the model ceiling gets rounding slack.
  const reqPerS = Math.min((t.outTokPerS * (1 + SLACK)) / O, capAbove(t.offeredReqPerS));
  const out = reqPerS * O;
  const ttftMs = t.ttftFloorS * 1e3 * (1 - SLACK);
  const tpotMs = t.tpotFloorS * 1e3 * (1 - SLACK);
  const meets = ttftMs <= s.slo.ttftMs && tpotMs <= s.slo.tpotMs;
  const costLb = out > 0 ? ((t.gpus * price) / 3600 / out) * 1e6 * (1 - SLACK) : 0;
  const energyLb = out > 0 ? ((t.gpus * powerW) / out) * (1 - SLACK) : 0;
  // Reports are rounded to 4 digits after these divisions, so round each bound the optimistic way too.
  const up = (x: number) => Math.max(x, round(x));
  const down = (x: number) => Math.min(x, round(x));
  return {
    'throughput-per-gpu': up(out / t.gpus),
    goodput: meets ? up(reqPerS) : 0,
    'ttft-p50': down(ttftMs),
    'ttft-p99': down(ttftMs),
    'tpot-p50': down(tpotMs),
    'tpot-p99': down(tpotMs),
    cost: down(costLb),
    energy: down(energyLb),
  };
}

/**
 * Colocated ceiling: a decode step can never be cheaper than one sequence decoding one token
 * (every GPU still reads its weights once per step — the weights-read limit), every cycle of the
 * estimator (O decode steps plus the prefill of the batch's prompts) prefills at least one prompt,
 * and a replica never runs more than its KV-limited concurrency c ≤ min(maxC, offered), so
 * output ≤ dp · c · O / (O · t_step(1) + t_prefill(1 prompt)) — the prefill term is what keeps
 * the bound tight for long prompts (a 2M-token prompt takes seconds, a decode step milliseconds).
 */
export function colocatedBound(prof: InstanceProfile, view: Scenario, dp: number): ThroughputBound {
  const w = estimatorWorkload(view);
  const a = w.arrival;
  const closed = a.kind === 'offline' || a.kind === 'concurrency';
  const offered = closed ? Math.ceil((a.kind === 'offline' ? w.requests : a.users) / dp) : Infinity;
  const O = w.outputTokens;
  const perInstance = (Math.min(prof.maxConcurrency, offered) * O) / (O * prof.decodeFloorS + prof.prefillOneS);
  return {
    outTokPerS: perInstance * dp,
    offeredReqPerS: closed ? Infinity : a.ratePerSec,
    gpus: prof.dep.instance.gpus * dp,
    ttftFloorS: prof.prefillOneS,
    tpotFloorS: prof.decodeFloorS,
    minBusy: closed ? 1 : 0,
  };
}

/** Per-candidate screening and evaluation, with profile caches shared across one search. */
export class PlanEvaluator {
  readonly profiles = new ProfileCache();
  /** The base scenario as the estimator sees it (trace summarised). */
  readonly view: Scenario;
  /** Sibling outcomes by knobs (see outcome). */
  private readonly outcomes = new Map<string, Outcome>();

  constructor(base: Scenario) {
    this.view = steadyView(base);
  }

  private profilesOf(
    k: PlanKnobs,
  ): { ok: false; reason: string } | { ok: true; s: Scenario; profs: InstanceProfile[] } {
    const s = applyKnobs(this.view, k);
    try {
      const pools = poolsOf(s);
      if (!pools) {
        const p = this.profiles.get(s, s.plan, 'colocated');
        if (p.rejection !== null) return { ok: false, reason: p.rejection };
        return { ok: true, s, profs: [p] };
      }
      const p = this.profiles.get(s, pools.prefill, 'prefill');
      const d = this.profiles.get(s, pools.decode, 'decode');
      checkPools(s, d.dep.model);
      const why = [p.rejection, d.rejection].filter((x): x is string => x !== null);
      if (why.length > 0) return { ok: false, reason: why.join('; ') };
      return { ok: true, s, profs: [p, d] };
    } catch (e) {
      if (e instanceof ScenarioError) return { ok: false, reason: e.message };
      throw e;
    }
  }

  /** Feasibility and optimistic bounds, without evaluating the plan. */
  screen(k: PlanKnobs): Screen {
    const r = this.profilesOf(k);
    if (!r.ok) return r;
    const { s, profs } = r;
    const w = estimatorWorkload(s);
    const gpu = profs[0]!.dep.gpu;
    let t: ThroughputBound;
    if (profs.length === 1) {
      t = colocatedBound(profs[0]!, s, s.plan.dp);
    } else {
      const pools = poolsOf(s)!;
      const [p, d] = profs as [InstanceProfile, InstanceProfile];
      const tx = kvTransfer(p, d, pools, w.inputTokens);
      const P = pools.prefill.instances;
      const D = pools.decode.instances;
      const req = Math.min(
        P * p.prefillRate(),
        (D * d.maxConcurrency) / (w.outputTokens * d.decodeFloorS),
        tx.capacityReqPerSec,
      );
      const a = w.arrival;
      t = {
        outTokPerS: req * w.outputTokens,
        offeredReqPerS: a.kind === 'poisson' || a.kind === 'gamma' ? a.ratePerSec : Infinity,
        gpus: P * p.dep.instance.gpus + D * d.dep.instance.gpus,
        ttftFloorS: p.prefillOneS + tx.seconds,
        tpotFloorS: d.decodeFloorS,
        minBusy: 0,
      };
    }
    return { ok: true, bounds: boundsFrom(t, s, w.outputTokens, gpu.priceUsdPerHour, gpuPowerW(gpu, t.minBusy)) };
  }

  /**
   * Closed-form evaluation of a screened-feasible candidate. `detail: false` may leave out the
   * memory rows, bottleneck text and warnings (metrics are identical): the search scores with it and
   * details only the plans it keeps.
   */
  evaluate(k: PlanKnobs, detail = true): EvaluationResult {
    const s = applyKnobs(this.view, k);
    return poolsOf(s)
      ? finiteResult(evaluateDisaggregatedSteadyState(s, this.profiles, { detail, checked: true }))
      : evaluateSteadyState(s);
  }

  /**
   * Screen + evaluate, as one outcome (used for the comparison siblings behind reasons). Memoised per knobs: the
   * kept plans share most of their siblings (Llama-3.1-70B × 8 H100: 78 sibling outcomes, 26 distinct), and
   * the evaluation is a pure function of the knobs for this evaluator's fixed base scenario.
   */
  outcome(k: PlanKnobs): Outcome {
    const key = JSON.stringify(k);
    const hit = this.outcomes.get(key);
    if (hit) return hit;
    const out = this.outcomeOf(k);
    this.outcomes.set(key, out);
    return out;
  }

  private outcomeOf(k: PlanKnobs): Outcome {
    const sc = this.screen(k);
    if (!sc.ok) return sc;
    const result = this.evaluate(k);
    if (!result.memory.fits) return { ok: false, reason: result.bottleneck };
    return { ok: true, result };
  }
}
