/**
 * Closed-form steady state of a prefill/decode-disaggregated plan (DistServe, Zhong et al. OSDI'24;
 * Splitwise, Patel et al. ISCA'24): `plan.prefill` and `plan.decode` pools, each `instances` copies
 * of its own shape. The engine's colocated estimator does not cover this, so the search costs each
 * pool with the engine's own pieces (memoryReport, prefillTimeS, decodeStepS) and composes them:
 *
 *   prefill capacity  R_P = P · n·pp / t_prefill(n prompts)     (n = prompts per maxBatchedTokens chunk)
 *   decode capacity   R_D(c) = D · c / (O · t_step(c))          (c ≤ KV-limited concurrency per instance)
 *   KV transfer       R_T = lanes · link / KV bytes(prompt)     (lanes = GPUs on the narrower side)
 *   served rate       R = min(R_P, R_D, R_T, offered)
 *   TTFT = prefill queue + t_prefill(1) + KV transfer;  TPOT = t_step(c): no prefill ever stalls decode.
 * The transfer uses NVLink when both pools sit in one NVLink domain, else the per-GPU NIC.
 * Percentiles equal the mean here, as in the colocated estimator.
 */
import { dampedFixedPoint, kingmanWaitS, MAX_UTILISATION } from '../cost/queueing.ts';
import { handoffCapacityReqPerSec, handoffLink, handoffSeconds, type HandoffLink } from '../cost/handoff.ts';
import { ScenarioError, shapeInstance } from '../cost/deployment.ts';
import type { EvaluationResult } from './evaluate.ts';
import { describeBottleneck } from './bottleneck.ts';
import { kvSection, representativeDecodeOps, resultHead, round } from './evaluate.ts';
import { constantStats, costUsdPerMOutputTokens, gpuPowerW } from './metrics.ts';
import { kvEngineOf, promptHandoffBytes } from '../kvplan/engine.ts';
import { countParams } from '../model/params.ts';
import type { PoolPlan, Scenario } from '../scenario/schema.ts';
import { ProfileCache, poolScenario, type InstanceProfile } from './profile.ts';
import { shapeGroup } from './plan-label.ts';
import { workloadLengths } from '../workload/clamp.ts';
import { estimatorWorkload } from './workload-view.ts';

const poolGpus = (p: PoolPlan) => p.tp * p.attentionDp * p.pp;

/** Both pools of a disaggregated plan, or null for a colocated one. */
export function poolsOf(s: Scenario): { prefill: PoolPlan; decode: PoolPlan } | null {
  const { prefill, decode } = s.plan;
  return prefill && decode ? { prefill, decode } : null;
}

/** Check the pools against the model and the cluster; throws ScenarioError naming the field. */
export function checkPools(s: Scenario, model: Parameters<typeof shapeInstance>[0]): void {
  const pools = poolsOf(s);
  if (!pools) throw new ScenarioError('plan', 'a disaggregated plan needs both plan.prefill and plan.decode');
  shapeInstance(model, pools.prefill, 'plan.prefill');
  shapeInstance(model, pools.decode, 'plan.decode');
  const used = pools.prefill.instances * poolGpus(pools.prefill) + pools.decode.instances * poolGpus(pools.decode);
  const cluster = s.cluster.nodes * s.cluster.gpusPerNode;
  if (used > cluster)
    throw new ScenarioError(
      'plan',
      `prefill ${pools.prefill.instances}×${poolGpus(pools.prefill)} + decode ${pools.decode.instances}×${poolGpus(pools.decode)} = ${used} GPUs, but the cluster has ${cluster}`,
    );
}

export interface KvTransfer {
  /** Seconds to move one prompt's KV cache from a prefill to a decode instance (cost/handoff.ts). */
  seconds: number;
  /** Prompts per second the pools' links can move in total. */
  capacityReqPerSec: number;
  scope: HandoffLink['scope'];
  bytesPerPrompt: number;
}

/** The P/D hand-off of one prompt between the pools, timed by the shared hand-off model (cost/handoff.ts). */
export function kvTransfer(
  prefill: InstanceProfile,
  decode: InstanceProfile,
  pools: { prefill: PoolPlan; decode: PoolPlan },
  inputTokens: number,
): KvTransfer {
  const dep = decode.dep;
  // Under a KV strategy: what the prompt holds in HBM at its stored format, CacheGen-compressed (core/kvplan/engine.ts).
  const bytes = promptHandoffBytes(dep, kvEngineOf(dep), inputTokens);
  const total = pools.prefill.instances * poolGpus(pools.prefill) + pools.decode.instances * poolGpus(pools.decode);
  const lanes = Math.min(prefill.dep.instance.gpus, decode.dep.instance.gpus);
  const link = handoffLink(dep.gpu, lanes, total <= dep.links.scaleUpDomainGpus);
  const allLanes = Math.min(
    pools.prefill.instances * prefill.dep.instance.gpus,
    pools.decode.instances * decode.dep.instance.gpus,
  );
  return {
    seconds: handoffSeconds(bytes, link),
    capacityReqPerSec: handoffCapacityReqPerSec(bytes, link, allLanes),
    scope: link.scope,
    bytesPerPrompt: bytes,
  };
}

/** Mean over k = 0..n−1 of max(k/a, (k − c)/b): start time of the k-th of n requests released at t = 0. */
export function meanStartS(n: number, a: number, c: number, b: number): number {
  if (n <= 1) return 0;
  const samples = Math.min(n, 256);
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    const k = ((i + 0.5) * n) / samples;
    sum += Math.max(k / a, (k - c) / b);
  }
  return sum / samples;
}

interface DisaggState {
  reqPerSec: number;
  ttftS: number;
  tpotS: number;
  concurrency: number;
  busyPrefill: number;
  busyDecode: number;
  overloaded: boolean;
  limiter: 'prefill' | 'decode' | 'kv-transfer' | 'offered-load';
}

/** Decode concurrency c with c = (rate per instance) · O · t_step(c), capped at `cap`. */
function decodeConcurrency(
  d: InstanceProfile,
  ratePerInstance: number,
  O: number,
  cap: number,
): { c: number; raw: number } {
  const c0 = Math.max(1e-3, Math.min(cap, ratePerInstance * O * d.decodeFloorS));
  // Little's law on the decode pool, c = rate · O · t_step(c), solved by the shared fixed point.
  const c = dampedFixedPoint((x) => Math.min(cap, ratePerInstance * O * d.stepAt(Math.max(1, x))), c0);
  return { c: Math.max(1, c), raw: c };
}

function steady(
  s: Scenario,
  p: InstanceProfile,
  d: InstanceProfile,
  pools: { prefill: PoolPlan; decode: PoolPlan },
  tx: KvTransfer,
): DisaggState {
  const w = estimatorWorkload(s);
  const O = w.outputTokens;
  const P = pools.prefill.instances;
  const D = pools.decode.instances;
  const RP = P * p.prefillRate();
  const RT = tx.capacityReqPerSec;
  const cMax = d.maxConcurrency;
  const RD = (c: number) => (D * c) / (O * d.stepAt(c));
  const limiterOf = (r: number, rd: number): DisaggState['limiter'] =>
    r === RP ? 'prefill' : r === rd ? 'decode' : r === RT ? 'kv-transfer' : 'offered-load';
  const own = p.prefillOneS + tx.seconds;
  const a = w.arrival;
  if (a.kind === 'offline' || a.kind === 'concurrency') {
    const inFlight = a.kind === 'offline' ? w.requests : Math.min(a.users, w.requests);
    const cTarget = Math.max(1, Math.min(cMax, Math.ceil(inFlight / D)));
    const rd = RD(cTarget);
    const R = Math.min(RP, rd, RT);
    // When prefill or the links limit, decode runs below its slots: c = (R/D)·O·t_step(c).
    const { c } = R < rd ? decodeConcurrency(d, R / D, O, cTarget) : { c: cTarget };
    const tpot = d.stepAt(c);
    let wait: number;
    if (a.kind === 'offline') {
      wait = meanStartS(w.requests, RP, D * cTarget, R);
    } else {
      // Closed loop, zero think time: Little's law E2E = users / R; the first wave also queues at prefill.
      const total = Math.max(w.requests, a.users);
      const firstWave = ((a.users - 1) / 2 / RP) * (a.users / total);
      wait = Math.max(firstWave, a.users / R - (O - 1) * tpot - own);
    }
    return {
      reqPerSec: R,
      ttftS: wait + own,
      tpotS: tpot,
      concurrency: c,
      busyPrefill: Math.min(1, R / RP),
      busyDecode: 1,
      overloaded: false,
      limiter: limiterOf(R, rd),
    };
  }
  const lambda = a.ratePerSec;
  const rdMax = RD(cMax);
  const capacity = Math.min(RP, rdMax, RT);
  if (lambda >= capacity) {
    return {
      reqPerSec: capacity,
      ttftS: Infinity,
      tpotS: d.stepAt(cMax),
      concurrency: cMax,
      busyPrefill: Math.min(1, capacity / RP),
      busyDecode: 1,
      overloaded: true,
      limiter: limiterOf(capacity, rdMax),
    };
  }
  const { c, raw } = decodeConcurrency(d, lambda / D, O, cMax);
  const cv2 = a.kind === 'gamma' ? a.cv * a.cv : 1;
  // Prefill queue: M/D/1-style wait (Kingman with deterministic service), as the colocated estimator.
  const rho = Math.min(MAX_UTILISATION, lambda / RP);
  const waitQ = kingmanWaitS(cv2, 0, rho, p.prefillOneS);
  return {
    reqPerSec: lambda,
    ttftS: waitQ + own,
    tpotS: d.stepAt(c),
    concurrency: c,
    busyPrefill: rho,
    busyDecode: Math.min(1, raw),
    overloaded: false,
    limiter: 'offered-load',
  };
}

const emptyMetrics = (): EvaluationResult['metrics'] => ({
  outputTokPerSec: 0,
  outputTokPerSecPerGpu: 0,
  totalTokPerSec: 0,
  requestsPerSec: 0,
  ttftMs: constantStats(Infinity),
  tpotMs: constantStats(Infinity),
  e2eMs: constantStats(Infinity),
  goodputReqPerSec: 0,
  sloAttainment: 0,
  energyJPerOutputToken: Infinity,
  costUsdPerMOutputTokens: Infinity,
  concurrency: 0,
  busyFraction: 0,
  overloaded: true,
});

/**
 * Evaluate a disaggregated scenario with the closed-form composition above. `cache` lets a search
 * reuse pool profiles across the many pool pairings of one base scenario.
 */
export interface DisaggEvalOptions {
  /**
   * false: metrics only — no per-GPU memory rows, bottleneck text or warnings (the search scores
   * tens of thousands of pool pairings this way and details only the plans it keeps). Default true.
   */
  detail?: boolean;
  /** The pools were already checked against the model and the cluster (skip checkPools). */
  checked?: boolean;
}

const paramsCache = new WeakMap<object, ReturnType<typeof countParams>>();
function paramsOf(model: Parameters<typeof countParams>[0]): ReturnType<typeof countParams> {
  let p = paramsCache.get(model);
  if (!p) {
    p = countParams(model);
    paramsCache.set(model, p);
  }
  return p;
}

export function evaluateDisaggregatedSteadyState(
  s: Scenario,
  cache: ProfileCache = new ProfileCache(),
  opts: DisaggEvalOptions = {},
): EvaluationResult {
  const detail = opts.detail !== false;
  const pools = poolsOf(s);
  if (!pools) throw new ScenarioError('plan', 'a disaggregated plan needs both plan.prefill and plan.decode');
  const p = cache.get(s, pools.prefill, 'prefill');
  const d = cache.get(s, pools.decode, 'decode');
  if (opts.checked !== true) checkPools(s, d.dep.model);
  const w = estimatorWorkload(s);
  const P = pools.prefill.instances;
  const D = pools.decode.instances;
  const gpusP = P * p.dep.instance.gpus;
  const gpusD = D * d.dep.instance.gpus;
  const gpus = gpusP + gpusD;
  const clusterGpus = s.cluster.nodes * s.cluster.gpusPerNode;
  const params = paramsOf(d.dep.model);
  const dep = d.dep;
  const memEntries = detail
    ? [
        ...p.mem.perGpu.map((g) => ({ ...g, label: `prefill · ${g.label}` })),
        ...d.mem.perGpu.map((g) => ({ ...g, label: `decode · ${g.label}` })),
      ].map((g) => ({
        label: g.label,
        weightsGB: round(g.weightsGB),
        kvCacheGB: round(g.kvCacheGB),
        activationsGB: round(g.activationsGB),
        reservedGB: round(g.reservedGB),
        totalGB: round(g.totalGB),
        capacityGB: g.capacityGB,
      }))
    : [];
  const fits = p.rejection === null && d.rejection === null;
  const warnings: string[] = [];
  if (detail) {
    for (const [name, prof] of [
      ['prefill', p],
      ['decode', d],
    ] as const) {
      if (prof.dep.instance.tp > prof.dep.links.scaleUpDomainGpus)
        warnings.push(
          `${name} pool tp=${prof.dep.instance.tp} spans more than one NVLink domain (${prof.dep.links.scaleUpDomainGpus} GPUs).`,
        );
    }
    if (gpus < clusterGpus) warnings.push(`The plan uses ${gpus} of the cluster's ${clusterGpus} GPUs.`);
    // Length distributions truncated at the context window (the estimator used their clamped means).
    warnings.push(...workloadLengths(s.workload, d.dep.model.maxContextTokens, d.dep.model.name).warnings);
    warnings.push(
      `Prefill/decode split: memory and batch figures are per decode instance (${D}× ${shapeGroup(pools.decode)}); the prefill pool is ${P}× ${shapeGroup(pools.prefill)}.`,
    );
  }
  const base = resultHead('steady-state', dep, params, d.mem.kvBytesPerToken, D, gpus);
  const memory = {
    perGpu: memEntries,
    maxKvTokens: d.mem.maxKvTokens,
    maxConcurrentSeqs: Math.floor(d.maxConcurrency),
    fits,
    shortfallGB: round(Math.max(p.mem.shortfallGB, d.mem.shortfallGB)),
  };
  if (!fits) {
    const why = [p.rejection, d.rejection].filter((x): x is string => x !== null).join('; ');
    return { ...base, memory, metrics: emptyMetrics(), bottleneck: why, warnings: [...warnings, why] };
  }
  const tx = kvTransfer(p, d, pools, w.inputTokens);
  const st = steady(s, p, d, pools, tx);
  const O = w.outputTokens;
  const out = st.reqPerSec * O;
  const ttftMs = st.ttftS * 1e3;
  const tpotMs = st.tpotS * 1e3;
  const meets = !st.overloaded && ttftMs <= s.slo.ttftMs && tpotMs <= s.slo.tpotMs;
  const powerW = gpusP * gpuPowerW(dep.gpu, st.busyPrefill) + gpusD * gpuPowerW(dep.gpu, st.busyDecode);
  const metrics: EvaluationResult['metrics'] = {
    outputTokPerSec: round(out),
    outputTokPerSecPerGpu: round(out / gpus),
    totalTokPerSec: round(st.reqPerSec * (w.inputTokens + O)),
    requestsPerSec: round(st.reqPerSec),
    ttftMs: constantStats(round(ttftMs)),
    tpotMs: constantStats(round(tpotMs)),
    e2eMs: constantStats(round(ttftMs + (O - 1) * tpotMs)),
    goodputReqPerSec: meets ? round(st.reqPerSec) : 0,
    sloAttainment: meets ? 1 : 0,
    energyJPerOutputToken: round(out > 0 ? powerW / out : Infinity),
    costUsdPerMOutputTokens: round(costUsdPerMOutputTokens(dep.gpu, gpus, out)),
    concurrency: round(st.concurrency),
    busyFraction: round((gpusP * st.busyPrefill + gpusD * st.busyDecode) / gpus),
    overloaded: st.overloaded,
  };
  if (!detail) return { ...base, memory, metrics, bottleneck: '', warnings };
  const ops = representativeDecodeOps(dep, poolScenario(s, pools.decode), st.concurrency);
  const computeBound = ops.filter((o) => o.kind === 'gemm').some((o) => o.bound === 'compute');
  const rp = P * p.prefillRate();
  const rd = (D * d.maxConcurrency) / (O * d.stepAt(d.maxConcurrency));
  const f = (x: number) =>
    Number.isFinite(x) ? (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3)) : '∞';
  const sides = `prefill pool ${f(rp)} req/s, decode pool ${f(rd)} req/s, KV transfer ${f(tx.capacityReqPerSec)} req/s over ${tx.scope === 'nvlink' ? 'NVLink' : 'the NIC'} (${f(tx.seconds * 1e3)} ms per prompt)`;
  let bottleneck =
    st.limiter === 'offered-load'
      ? `Disaggregated P/D: the offered load sets the rate; capacity is ${sides}. `
      : `Disaggregated P/D: the ${st.limiter === 'kv-transfer' ? 'KV transfer' : `${st.limiter} pool`} limits throughput (${sides}). `;
  bottleneck +=
    'Decode pool: ' +
    describeBottleneck(
      ops,
      d.maxConcurrency <= dep.runtime.maxNumSeqs * dep.instance.attentionDp && st.concurrency >= d.maxConcurrency
        ? 'kv-cache'
        : 'offered-load',
      st.concurrency,
      computeBound,
    );
  if (st.overloaded) {
    bottleneck = `Overloaded: arrivals outpace the ${f(st.reqPerSec)} req/s this plan can serve. ` + bottleneck;
    warnings.push('Overloaded: latencies are unbounded; add instances or lower the arrival rate.');
  }
  return {
    ...base,
    memory,
    metrics,
    bottleneck,
    warnings,
    ...kvSection(dep, w.inputTokens + O),
  };
}
