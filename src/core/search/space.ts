/**
 * The plan space: which parallel layouts and runtime knobs a search tries, how many there are, and
 * how a candidate's knobs become a scenario.
 *
 * A candidate is (structure × runtime knobs). Structures, in enumeration order:
 *   1. colocated: one instance shape (tp, attentionDp, ep, pp) × dp whole replicas of it;
 *   2. disaggregated (when allowed): a prefill pool and a decode pool, each `instances` copies of a
 *      shape, together on at most the cluster's GPUs.
 * Runtime knobs (KV strategy × KV dtype × maxNumSeqs × maxBatchedTokens) vary fastest, so candidate index =
 * structureIndex · knobCombos + knobIndex. Every consumer (count, enumerate, shard) walks the same
 * order, so `index % of` sharding and tie-breaks on index are stable.
 *
 * Rules a structure obeys:
 *   - tp divides the attention heads, ep and the expert split pass `shapeInstance` (the engine's own
 *     divisibility checks), pp ≤ layers (uneven layer splits are the engine's business);
 *   - tp tiles the NVLink domain (tp | domain) unless allowTpAcrossNodes, in which case a TP group
 *     larger than the domain must be whole domains (domain | tp);
 *   - attention-DP > 1 only for MoE or MLA models (for a dense GQA model it is plain DP);
 *   - dp·instance GPUs ≤ cluster GPUs; plans using fewer GPUs are whole DP replicas of a valid
 *     instance (options.replicas: every dp, or only the largest);
 *   - disaggregated pools use pp ≤ disaggMaxPp and at least `poolFloorGpus` GPUs per instance: fewer
 *     cannot hold one copy of the weights, and without that floor the pool × pool × instance-count
 *     product explodes on large clusters. Colocated shapes have no floor, so their infeasible
 *     layouts are reported in `rejected` with the reason.
 * KV strategies (issue 6): each of `kvStrategies` (presets or objects, core/kv/presets.ts) is a knob; a
 * strategy with a quant component sets the KV format, so it pairs with one KV dtype (bf16, its base)
 * instead of every `kvDtypes` entry. Approximate strategies stay in the space (counted, enumerated) and
 * are rejected at screening unless `allowLossy` ("KIVI-2 not allowed: lossy").
 *
 * Bounded work (issue 16): building a space lists only its factors — layout families (tp,
 * attentionDp, ep), pool shapes and knob combos — and counts candidates arithmetically (replicas
 * summed per shape, pool pairs through a GPU-size histogram), so a 131,072-GPU space is refused in
 * milliseconds. `enumerateKnobs` streams candidates; nothing holds the whole list. maxCandidates has a
 * hard ceiling (MAX_CANDIDATES_CEILING).
 */
import { wallBudgetError } from './budget.ts';
import { shapeGroup, type ShapeLike } from '../evaluate/plan-label.ts';
import { resolveGpu, resolveModel, shapeInstance, ScenarioError } from '../cost/deployment.ts';
import { bytesPerElement } from '../hardware/dtype.ts';
import { budgetCapacityGB } from '../hardware/gpus.ts';
import type { GpuSpec } from '../hardware/types.ts';
import { countParams } from '../model/params.ts';
import type { ModelSpec } from '../model/types.ts';
import type { KvStrategyInput } from '../kv/types.ts';
import { KV_DTYPES, type Plan, type PoolPlan, type Scenario } from '../scenario/schema.ts';
import { kvChoice, type NamedKvStrategy } from '../kv/presets.ts';
import { GB } from '../units.ts';
import { resolveRuntime } from '../engine/resolve.ts';
import { isObjective } from './objectives.ts';
import type { Candidate, CandidateCount, PlanKnobs, SearchOptions } from './types.ts';
import { checkSpeculativeOptions, specChoicesFor, withSpeculative, type SpecChoice } from './spec-choices.ts';

/** A search option is out of range; `field` is the option's name (e.g. "kvDtypes"). */
export class SearchOptionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'SearchOptionError';
  }
}

/**
 * Hard ceiling on maxCandidates: the first pass screens ~10⁵–10⁶ candidates per second per thread, so
 * a larger space cannot finish in minutes, and its count says the options are too broad anyway.
 */
export const MAX_CANDIDATES_CEILING = 10_000_000;

/** Hard ceiling on maxRejected: every listed rejection carries a candidate (its scenario) in the result. */
export const MAX_REJECTED_CEILING = 100_000;

export const DEFAULT_SEARCH_OPTIONS: SearchOptions = {
  objective: 'throughput-per-gpu',
  secondary: 'ttft-p99',
  allowTpAcrossNodes: false,
  allowDisaggregation: false,
  kvDtypes: [],
  kvStrategies: [],
  allowLossy: false,
  allowNearLossless: true,
  maxNumSeqs: [],
  maxBatchedTokens: [],
  maxCandidates: 200_000,
  simulateTop: 4,
  top: 10,
  replicas: 'all',
  disaggMaxPp: 1,
  maxRejected: 500,
  prune: true,
};

function intList(field: string, values: readonly number[], lo: number, hi: number): number[] {
  const out: number[] = [];
  for (const v of values) {
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new SearchOptionError(field, `${String(v)} is not a whole number in [${lo}, ${hi}]`);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

function boundedInt(field: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new SearchOptionError(field, `must be a whole number in [${lo}, ${hi}] (got ${String(v)})`);
  return v;
}

/** maxCandidates, checked against the hard ceiling with an error that says what to do instead. */
function maxCandidatesOption(v: number): number {
  if (Number.isInteger(v) && v > MAX_CANDIDATES_CEILING)
    throw new SearchOptionError(
      'maxCandidates',
      `${v.toLocaleString('en-US')} is over the hard ceiling of ${MAX_CANDIDATES_CEILING.toLocaleString('en-US')} candidates; narrow the space (fewer KV dtypes, strategies or runtime values, replicas "max", no disaggregation) instead`,
    );
  return boundedInt('maxCandidates', v, 1, MAX_CANDIDATES_CEILING);
}

/** Fill defaults (empty knob lists → the scenario's own value) and check every option. */
export function resolveOptions(scenario: Scenario, partial: Partial<SearchOptions> = {}): SearchOptions {
  const o: SearchOptions = { ...DEFAULT_SEARCH_OPTIONS, ...partial };
  if (!isObjective(o.objective)) throw new SearchOptionError('objective', `unknown objective "${String(o.objective)}"`);
  if (!isObjective(o.secondary)) throw new SearchOptionError('secondary', `unknown objective "${String(o.secondary)}"`);
  const kv: string[] = [];
  for (const d of o.kvDtypes.length > 0 ? o.kvDtypes : [scenario.precision.kvCache]) {
    if (!(KV_DTYPES as readonly string[]).includes(d))
      throw new SearchOptionError('kvDtypes', `"${d}" is not a KV dtype (${KV_DTYPES.join(', ')})`);
    if (!kv.includes(d)) kv.push(d);
  }
  if (o.replicas !== 'all' && o.replicas !== 'max') throw new SearchOptionError('replicas', 'must be "all" or "max"');
  if (!Array.isArray(o.kvStrategies))
    throw new SearchOptionError('kvStrategies', 'must be a list of preset names or strategies');
  const kvs: (string | KvStrategyInput)[] = [];
  const ids = new Set<string>();
  o.kvStrategies.forEach((x, i) => {
    let c: NamedKvStrategy;
    try {
      c = kvChoice(x, i);
    } catch (e) {
      throw new SearchOptionError('kvStrategies', (e as Error).message.replace(/^kvStrategies/, ''));
    }
    if (!ids.has(c.id)) {
      ids.add(c.id);
      kvs.push(x);
    }
  });
  const speculative = checkSpeculativeOptions(o.speculative ?? [], (m) => new SearchOptionError('speculative', m));
  return {
    ...o,
    kvStrategies: kvs,
    speculative,
    allowLossy: o.allowLossy === true,
    allowNearLossless: o.allowNearLossless !== false,
    allowTpAcrossNodes: o.allowTpAcrossNodes === true,
    allowDisaggregation: o.allowDisaggregation === true,
    prune: o.prune !== false,
    kvDtypes: kv,
    maxNumSeqs: intList(
      'maxNumSeqs',
      o.maxNumSeqs.length > 0 ? o.maxNumSeqs : [resolveRuntime(scenario).maxNumSeqs],
      1,
      65_536,
    ),
    maxBatchedTokens: intList(
      'maxBatchedTokens',
      o.maxBatchedTokens.length > 0 ? o.maxBatchedTokens : [resolveRuntime(scenario).maxBatchedTokens],
      16,
      1_048_576,
    ),
    maxCandidates: maxCandidatesOption(o.maxCandidates),
    simulateTop: boundedInt('simulateTop', o.simulateTop, 0, 1000),
    top: boundedInt('top', o.top, 1, 1000),
    disaggMaxPp: boundedInt('disaggMaxPp', o.disaggMaxPp, 1, 256),
    maxRejected: boundedInt('maxRejected', o.maxRejected, 0, MAX_REJECTED_CEILING),
    ...wallBudget(o.maxWallMs),
  };
}

function wallBudget(ms: unknown): { maxWallMs?: number } {
  const why = wallBudgetError(ms);
  if (why !== null) throw new SearchOptionError('maxWallMs', why);
  return ms === undefined ? {} : { maxWallMs: ms as number };
}

/** One instance layout. */
export interface Shape {
  tp: number;
  pp: number;
  ep: number;
  attentionDp: number;
  /** tp·attentionDp·pp. */
  gpus: number;
}

/** A valid (tp, attentionDp, ep) layout; stacking it pp = 1 … ppMax deep gives its shapes. */
export interface Family {
  tp: number;
  attentionDp: number;
  ep: number;
  /** tp·attentionDp: the GPUs of one pipeline stage. */
  group: number;
  /** Deepest pipeline (≥ 1): min(layers, ⌊GPUs / group⌋, the caller's cap). */
  ppMax: number;
}

export interface KnobCombo {
  kvDtype: PlanKnobs['kvDtype'];
  maxNumSeqs: number;
  maxBatchedTokens: number;
  kvStrategy?: NamedKvStrategy;
  speculative?: SpecChoice;
}

/** Everything enumeration needs, derived once per search; nothing here grows with the candidate count. */
export interface Space {
  model: ModelSpec;
  gpu: GpuSpec;
  clusterGpus: number;
  /** GPUs per NVLink domain, as the engine resolves it (capped by the cluster). */
  domainGpus: number;
  /** Colocated instance layouts in enumeration order (each stands for ppMax shapes). */
  families: Family[];
  /** Shapes allowed inside a disaggregated pool (empty when disaggregation is off). */
  poolShapes: Shape[];
  /** Smallest pool instance that can hold one copy of the weights. */
  poolFloorGpus: number;
  knobs: KnobCombo[];
  /** The KV strategies tried (resolved `kvStrategies`); empty = the scenario's own. */
  kvChoices: NamedKvStrategy[];
  options: SearchOptions;
  /** Structural counts (parallel layouts before the runtime knobs), computed arithmetically. */
  colocatedStructures: number;
  disaggStructures: number;
}

/** Divisors of n ≥ 1, ascending (trial division up to √n). */
export function divisors(n: number): number[] {
  const low: number[] = [];
  const high: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    low.push(d);
    if (d * d !== n) high.push(n / d);
  }
  return low.concat(high.reverse());
}

/** The NVLink domain the engine uses: the cluster's override or the GPU's own, capped by the cluster. */
export function domainGpusOf(scenario: Scenario, gpu: GpuSpec): number {
  const clusterGpus = scenario.cluster.nodes * scenario.cluster.gpusPerNode;
  return Math.max(1, Math.min(scenario.cluster.scaleUpDomainGpus ?? Math.max(gpu.scaleUpDomainGpus, 1), clusterGpus));
}

/**
 * TP groups must tile NVLink domains: inside one (tp | domain) so every all-reduce stays on NVLink,
 * or — only when allowed — as whole domains (domain | tp), which at least keeps groups aligned.
 */
export function tpAllowed(tp: number, domainGpus: number, allowAcross: boolean): boolean {
  if (tp <= domainGpus) return domainGpus % tp === 0;
  return allowAcross && tp % domainGpus === 0;
}

/** Attention-DP is a distinct layout only where attention and FFN shard differently: MoE or MLA. */
export function usesAttentionDp(model: ModelSpec): boolean {
  return model.moe !== null || model.attention.kind === 'mla';
}

/**
 * Stage sizes tp·attentionDp worth trying for `tp`, ascending. Dense GQA: tp alone. MoE: an expert
 * layer over `group` GPUs needs ep | experts and (group / ep) | expert width (shapeInstance), so
 * group = ep · moeTp divides experts · width — only those divisors can pass, which keeps a
 * 131,072-GPU cluster to a few dozen candidates instead of one per attention-DP value.
 */
function stageSizes(model: ModelSpec, tp: number, maxGpus: number): number[] {
  if (!usesAttentionDp(model)) return [tp];
  if (!model.moe) return Array.from({ length: Math.floor(maxGpus / tp) }, (_, i) => tp * (i + 1));
  return divisors(model.moe.numExperts * model.moe.expertIntermediateSize).filter((g) => g % tp === 0 && g <= maxGpus);
}

/** Every valid (tp, attentionDp, ep) on at most `maxGpus` GPUs, ordered by tp, attentionDp, ep. */
export function instanceFamilies(
  model: ModelSpec,
  maxGpus: number,
  domainGpus: number,
  allowTpAcross: boolean,
  maxPp = Infinity,
): Family[] {
  const out: Family[] = [];
  // tp divides the query heads of every attention shape (shapeInstance checks the sliding layers' too).
  for (const tp of divisors(model.attention.numHeads)) {
    if (tp > maxGpus || !tpAllowed(tp, domainGpus, allowTpAcross)) continue;
    for (const group of stageSizes(model, tp, maxGpus)) {
      const attentionDp = group / tp;
      for (const ep of model.moe ? divisors(group) : [1]) {
        try {
          shapeInstance(model, { tp, pp: 1, ep, attentionDp });
        } catch (e) {
          if (e instanceof ScenarioError) continue;
          throw e;
        }
        const ppMax = Math.min(model.layers.length, Math.floor(maxGpus / group), maxPp);
        if (ppMax >= 1) out.push({ tp, attentionDp, ep, group, ppMax });
      }
    }
  }
  return out;
}

/**
 * GPUs one pool instance needs at least: every parameter is stored once at ≥ the weight dtype's
 * width (embeddings stay 16-bit), and each GPU offers gpuMemoryUtilization · memory.
 */
export function weightFloorGpus(model: ModelSpec, gpu: GpuSpec, scenario: Scenario): number {
  const bytes = countParams(model).totalParams * bytesPerElement(scenario.precision.weights);
  const perGpu = budgetCapacityGB(gpu) * resolveRuntime(scenario).gpuMemoryUtilization * GB;
  return Math.max(1, Math.ceil(bytes / perGpu));
}

/** How many replica counts are tried for an instance of `gpus` GPUs (the length of replicaCounts). */
export function replicaCountSize(gpus: number, clusterGpus: number, mode: SearchOptions['replicas']): number {
  const max = Math.floor(clusterGpus / gpus);
  if (max < 1) return 0;
  return mode === 'max' ? 1 : max;
}

/** Replica counts tried for an instance of `gpus` GPUs. */
export function replicaCounts(gpus: number, clusterGpus: number, mode: SearchOptions['replicas']): number[] {
  const max = Math.floor(clusterGpus / gpus);
  if (max < 1) return [];
  return mode === 'max' ? [max] : Array.from({ length: max }, (_, i) => i + 1);
}

/** `dp` is one of replicaCounts(gpus, clusterGpus, mode) — by arithmetic, without listing them. */
export function isReplicaCount(
  dp: number,
  gpus: number,
  clusterGpus: number,
  mode: SearchOptions['replicas'],
): boolean {
  const max = Math.floor(clusterGpus / gpus);
  if (max < 1 || !Number.isInteger(dp)) return false;
  return mode === 'max' ? dp === max : dp >= 1 && dp <= max;
}

/** Number of (prefill instances, decode instances) ≥ 1 with p·a + d·b ≤ total. */
export function poolPairCount(a: number, b: number, total: number): number {
  let n = 0;
  for (let d = 1; d * b + a <= total; d++) n += Math.floor((total - d * b) / a);
  return n;
}

/** Colocated structures: Σ over shapes of the replica counts tried — arithmetic, never listing them. */
export function colocatedStructureCount(
  families: readonly Family[],
  clusterGpus: number,
  mode: SearchOptions['replicas'],
): number {
  let n = 0;
  for (const f of families)
    for (let pp = 1; pp <= f.ppMax; pp++) n += replicaCountSize(f.group * pp, clusterGpus, mode);
  return n;
}

/**
 * Disaggregated structures: ordered pool-shape pairs (p, d) × instance counts (P, D) ≥ 1 with
 * P·|p| + D·|d| ≤ total. With n_b pool shapes of b GPUs, F(x) = Σ_b n_b ⌊x / b⌋ counts the decode
 * choices that fit in x GPUs, so the total is Σ_a n_a Σ_{P ≥ 1} F(total − P·a): O(total · ln total)
 * however many shapes or pairs there are.
 */
export function disaggStructureCount(poolShapes: readonly Shape[], total: number): number {
  const bySize = new Map<number, number>();
  for (const s of poolShapes) bySize.set(s.gpus, (bySize.get(s.gpus) ?? 0) + 1);
  if (bySize.size === 0) return 0;
  // step[x] = Σ_{b | x} n_b, so F(x) = step[1] + … + step[x].
  const F = new Float64Array(total + 1);
  for (const [b, nb] of bySize) for (let x = b; x <= total; x += b) F[x]! += nb;
  for (let x = 1; x <= total; x++) F[x]! += F[x - 1]!;
  let n = 0;
  for (const [a, na] of bySize) {
    let sum = 0;
    for (let used = a; used < total; used += a) sum += F[total - used]!;
    n += na * sum;
  }
  return n;
}

/** Runtime knob combinations, KV strategy outermost, then KV dtype, maxNumSeqs, maxBatchedTokens, speculative. */
function knobCombos(
  options: SearchOptions,
  kvChoices: readonly NamedKvStrategy[],
  specs: readonly SpecChoice[] = [],
): KnobCombo[] {
  const knobs = knobCombosNoSpec(options, kvChoices);
  if (specs.length === 0) return knobs;
  return knobs.flatMap((c) => specs.map((speculative) => ({ ...c, speculative })));
}

function knobCombosNoSpec(options: SearchOptions, kvChoices: readonly NamedKvStrategy[]): KnobCombo[] {
  const knobs: KnobCombo[] = [];
  for (const kvStrategy of kvChoices.length > 0 ? kvChoices : [undefined]) {
    // A quant component sets the stored format: one combo over the bf16 base instead of one per KV dtype.
    const dtypes = kvStrategy?.strategy?.quant ? ['bf16'] : options.kvDtypes;
    for (const kvDtype of dtypes) {
      for (const maxNumSeqs of options.maxNumSeqs) {
        for (const maxBatchedTokens of options.maxBatchedTokens) {
          const c: KnobCombo = { kvDtype: kvDtype as KnobCombo['kvDtype'], maxNumSeqs, maxBatchedTokens };
          if (kvStrategy) c.kvStrategy = kvStrategy;
          knobs.push(c);
        }
      }
    }
  }
  return knobs;
}

/** The space's factors and its size; cost grows with the layouts, not with the candidates. */
export function buildSpace(scenario: Scenario, options: SearchOptions): Space {
  const model = resolveModel(scenario.model);
  const gpu = resolveGpu(scenario.cluster);
  const clusterGpus = scenario.cluster.nodes * scenario.cluster.gpusPerNode;
  const domainGpus = domainGpusOf(scenario, gpu);
  const families = instanceFamilies(model, clusterGpus, domainGpus, options.allowTpAcrossNodes);
  const poolFloorGpus = weightFloorGpus(model, gpu, scenario);
  // A pool needs at least one GPU left for the other pool.
  const poolShapes: Shape[] = [];
  if (options.allowDisaggregation) {
    for (const f of families) {
      for (let pp = 1; pp <= Math.min(f.ppMax, options.disaggMaxPp); pp++) {
        const gpus = f.group * pp;
        if (gpus >= poolFloorGpus && gpus < clusterGpus)
          poolShapes.push({ tp: f.tp, pp, ep: f.ep, attentionDp: f.attentionDp, gpus });
      }
    }
  }
  const kvChoices = options.kvStrategies.map((x, i) => kvChoice(x, i));
  return {
    model,
    gpu,
    clusterGpus,
    domainGpus,
    families,
    poolShapes,
    poolFloorGpus,
    knobs: knobCombos(
      options,
      kvChoices,
      specChoicesFor(model, options.speculative ?? [], (m) => new SearchOptionError('speculative', m)),
    ),
    kvChoices,
    options,
    colocatedStructures: colocatedStructureCount(families, clusterGpus, options.replicas),
    disaggStructures: disaggStructureCount(poolShapes, clusterGpus),
  };
}

export function countSpace(space: Space): CandidateCount {
  const k = space.knobs.length;
  const colocated = space.colocatedStructures * k;
  const disaggregated = space.disaggStructures * k;
  const total = colocated + disaggregated;
  return {
    total,
    colocated,
    disaggregated,
    knobCombos: k,
    structural: { colocated: space.colocatedStructures, disaggregated: space.disaggStructures },
    tooLarge: total > space.options.maxCandidates,
  };
}

/** The error for a space over maxCandidates: names the knob whose narrowing helps most. */
export function tooLargeError(count: CandidateCount, options: SearchOptions): SearchOptionError {
  const n = count.total.toLocaleString('en-US');
  const cap = options.maxCandidates.toLocaleString('en-US');
  let hint: string;
  let field: string;
  if (count.disaggregated > count.colocated) {
    field = 'allowDisaggregation';
    hint = `disaggregated P/D splits are ${count.disaggregated.toLocaleString('en-US')} of them: turn allowDisaggregation off${options.disaggMaxPp > 1 ? ' or lower disaggMaxPp' : ''}, or use a smaller cluster`;
  } else if (count.knobCombos > 1) {
    const widest = (
      [
        ['kvDtypes', options.kvDtypes.length],
        ['kvStrategies', options.kvStrategies.length],
        ['maxNumSeqs', options.maxNumSeqs.length],
        ['maxBatchedTokens', options.maxBatchedTokens.length],
        ['speculative', options.speculative?.length ?? 0],
      ] as const
    ).reduce((a, b) => (b[1] > a[1] ? b : a));
    field = widest[0];
    hint = `each layout is tried with ${count.knobCombos} runtime combinations: narrow ${widest[0]} (${widest[1]} values)`;
  } else if (options.replicas === 'all') {
    field = 'replicas';
    hint = 'set replicas to "max" to try only the largest replica count per layout';
  } else {
    field = 'cluster';
    hint = 'use fewer GPUs (cluster.nodes)';
  }
  return new SearchOptionError(
    field,
    `the search space has ${n} candidates, more than maxCandidates = ${cap}; ${hint}`,
  );
}

export interface Structure {
  kind: PlanKnobs['kind'];
  plan: Plan;
}

const poolOf = (s: Shape, instances: number): PoolPlan => ({
  instances,
  tp: s.tp,
  pp: s.pp,
  ep: s.ep,
  attentionDp: s.attentionDp,
});

/**
 * Structures in enumeration order with their position; `wanted(position)` false skips one without
 * building its plan (a shard of many only builds its own).
 */
function* structuresWhere(space: Space, wanted: (s: number) => boolean): Generator<[number, Structure]> {
  const { clusterGpus, options } = space;
  let s = 0;
  for (const f of space.families) {
    for (let pp = 1; pp <= f.ppMax; pp++) {
      const gpus = f.group * pp;
      const reps = replicaCountSize(gpus, clusterGpus, options.replicas);
      const first = options.replicas === 'max' ? Math.floor(clusterGpus / gpus) : 1;
      for (let r = 0; r < reps; r++, s++) {
        if (!wanted(s)) continue;
        const plan: Plan = { tp: f.tp, pp, dp: first + r, ep: f.ep, attentionDp: f.attentionDp };
        yield [s, { kind: 'colocated', plan }];
      }
    }
  }
  for (const p of space.poolShapes) {
    for (const d of space.poolShapes) {
      for (let pi = 1; pi * p.gpus + d.gpus <= clusterGpus; pi++) {
        for (let di = 1; pi * p.gpus + di * d.gpus <= clusterGpus; di++, s++) {
          if (!wanted(s)) continue;
          const plan: Plan = {
            tp: 1,
            pp: 1,
            dp: 1,
            ep: 1,
            attentionDp: 1,
            prefill: poolOf(p, pi),
            decode: poolOf(d, di),
          };
          yield [s, { kind: 'disaggregated', plan }];
        }
      }
    }
  }
}

/** Every structure in enumeration order. */
export function* structures(space: Space): Generator<Structure> {
  for (const [, st] of structuresWhere(space, () => true)) yield st;
}

/**
 * Every candidate's knobs with its index, in order (or only those with index % of === shard),
 * streamed: nothing is listed, so memory stays flat however large the space.
 */
export function* enumerateKnobs(space: Space, shard = 0, of = 1): Generator<{ index: number; knobs: PlanKnobs }> {
  const k = space.knobs.length;
  // First knob index j with (base + j) % of === shard; the structure has one in this shard when j < k.
  const firstJ = (s: number) => (((shard - s * k) % of) + of) % of;
  for (const [s, st] of structuresWhere(space, (s) => firstJ(s) < k)) {
    const base = s * k;
    for (let j = firstJ(s); j < k; j += of) {
      const c = space.knobs[j]!;
      const knobs: PlanKnobs = {
        kind: st.kind,
        plan: st.plan,
        kvDtype: c.kvDtype,
        maxNumSeqs: c.maxNumSeqs,
        maxBatchedTokens: c.maxBatchedTokens,
      };
      if (c.kvStrategy) knobs.kvStrategy = c.kvStrategy;
      if (c.speculative) knobs.speculative = c.speculative;
      yield { index: base + j, knobs };
    }
  }
}

/** The base scenario with a candidate's knobs applied; model, cluster, workload and SLO are shared. */
export function applyKnobs(base: Scenario, k: PlanKnobs): Scenario {
  const own = resolveRuntime(base);
  let runtime =
    k.maxNumSeqs === own.maxNumSeqs && k.maxBatchedTokens === own.maxBatchedTokens
      ? base.runtime
      : { ...base.runtime, maxNumSeqs: k.maxNumSeqs, maxBatchedTokens: k.maxBatchedTokens };
  if (k.kvStrategy) {
    const { kvStrategy: _own, ...rest } = runtime;
    void _own;
    runtime = k.kvStrategy.strategy ? { ...rest, kvStrategy: k.kvStrategy.strategy } : rest;
  }
  if (k.speculative) runtime = withSpeculative(runtime, k.speculative);
  return {
    ...base,
    plan: k.plan,
    precision: k.kvDtype === base.precision.kvCache ? base.precision : { ...base.precision, kvCache: k.kvDtype },
    runtime,
  };
}

/** Layout label without runtime knobs: "TP4 PP2 DP2" or "P 2×TP4·EP4 + D 1×TP8·ADP4". */
export function layoutLabel(k: Pick<PlanKnobs, 'kind' | 'plan'>): string {
  const p = k.plan;
  if (k.kind === 'disaggregated' && p.prefill && p.decode) {
    return `P ${p.prefill.instances}×${shapeGroup(p.prefill)} + D ${p.decode.instances}×${shapeGroup(p.decode)}`;
  }
  return `${shapeGroup(p).replace(/·/g, ' ')} DP${p.dp}`;
}

export function knobsId(k: PlanKnobs): string {
  const p = k.plan;
  const shape = (s: ShapeLike & { instances?: number; dp?: number }) =>
    `tp${s.tp}.pp${s.pp}.ep${s.ep}.adp${s.attentionDp}.n${s.instances ?? s.dp ?? 1}`;
  const layout =
    k.kind === 'disaggregated' && p.prefill && p.decode
      ? `pd:${shape(p.prefill)}+${shape(p.decode)}`
      : `c:${shape({ ...p, instances: p.dp })}`;
  return `${layout}|kv=${k.kvDtype}|seqs=${k.maxNumSeqs}|mbt=${k.maxBatchedTokens}${k.kvStrategy ? `|kvs=${k.kvStrategy.id}` : ''}${k.speculative ? `|spec=${k.speculative.id}` : ''}`;
}

/** How a candidate stores its KV: "fp8 KV", "KIVI-2", "bf16 KV + H2O 20%". */
export function kvKnobLabel(k: Pick<PlanKnobs, 'kvDtype' | 'kvStrategy'>): string {
  const s = k.kvStrategy;
  if (!s || !s.strategy) return `${k.kvDtype} KV`;
  return s.strategy.quant ? s.label : `${k.kvDtype} KV + ${s.label}`;
}

export function candidateLabel(k: PlanKnobs, options: SearchOptions): string {
  const parts = [layoutLabel(k), kvKnobLabel(k)];
  if (options.maxNumSeqs.length > 1) parts.push(`${k.maxNumSeqs} seqs`);
  if (options.maxBatchedTokens.length > 1) parts.push(`${k.maxBatchedTokens} tok chunks`);
  if ((options.speculative?.length ?? 0) > 1 && k.speculative) parts.push(k.speculative.label);
  return parts.join(' · ');
}

export function makeCandidate(base: Scenario, index: number, knobs: PlanKnobs, options: SearchOptions): Candidate {
  const p = knobs.plan;
  const group = knobs.kind === 'disaggregated' ? 'P/D' : shapeGroup(p);
  return {
    id: knobsId(knobs),
    index,
    label: candidateLabel(knobs, options),
    group,
    knobs,
    scenario: applyKnobs(base, knobs),
  };
}

/** A search's resolved options, its space and that space's size: built once, shared by every pass. */
export interface PreparedSearch {
  scenario: Scenario;
  options: SearchOptions;
  space: Space;
  count: CandidateCount;
}

/** Resolve the options and build and count the space (arithmetic: never lists a candidate). */
export function prepareSearch(scenario: Scenario, options: Partial<SearchOptions> = {}): PreparedSearch {
  const o = resolveOptions(scenario, options);
  const space = buildSpace(scenario, o);
  return { scenario, options: o, space, count: countSpace(space) };
}

/** Count the space for `scenario` (cheap: multiplies factor counts, never lists candidates). */
export function countCandidates(scenario: Scenario, options: Partial<SearchOptions> = {}): CandidateCount {
  return prepareSearch(scenario, options).count;
}

/** List every candidate (tests, small spaces). Refuses a space over maxCandidates. */
export function enumerateCandidates(scenario: Scenario, options: Partial<SearchOptions> = {}): Candidate[] {
  const { options: o, space, count } = prepareSearch(scenario, options);
  if (count.tooLarge) throw tooLargeError(count, o);
  const out: Candidate[] = [];
  for (const { index, knobs } of enumerateKnobs(space)) out.push(makeCandidate(scenario, index, knobs, o));
  return out;
}

/** Is `k` a member of the space (used to pick comparison siblings for reasons)? */
export function inSpace(space: Space, k: PlanKnobs): boolean {
  const has = (s: ShapeLike, list: Shape[]) =>
    list.some((x) => x.tp === s.tp && x.pp === s.pp && x.ep === s.ep && x.attentionDp === s.attentionDp);
  const knobOk = space.knobs.some(
    (c) =>
      c.kvDtype === k.kvDtype &&
      c.maxNumSeqs === k.maxNumSeqs &&
      c.maxBatchedTokens === k.maxBatchedTokens &&
      c.kvStrategy?.id === k.kvStrategy?.id &&
      c.speculative?.id === k.speculative?.id,
  );
  if (!knobOk) return false;
  const p = k.plan;
  if (k.kind === 'colocated') {
    const f = space.families.find((x) => x.tp === p.tp && x.ep === p.ep && x.attentionDp === p.attentionDp);
    if (!f || p.pp < 1 || p.pp > f.ppMax) return false;
    return isReplicaCount(p.dp, p.tp * p.attentionDp * p.pp, space.clusterGpus, space.options.replicas);
  }
  if (!p.prefill || !p.decode) return false;
  if (!has(p.prefill, space.poolShapes) || !has(p.decode, space.poolShapes)) return false;
  const g = (s: PoolPlan) => s.tp * s.attentionDp * s.pp * s.instances;
  return p.prefill.instances >= 1 && p.decode.instances >= 1 && g(p.prefill) + g(p.decode) <= space.clusterGpus;
}
