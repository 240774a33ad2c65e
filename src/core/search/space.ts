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
 */
import { resolveGpu, resolveModel, shapeInstance, ScenarioError } from '../cost/deployment.ts';
import { bytesPerElement } from '../hardware/dtype.ts';
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
  return {
    ...o,
    kvStrategies: kvs,
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
    maxCandidates: boundedInt('maxCandidates', o.maxCandidates, 1, 50_000_000),
    simulateTop: boundedInt('simulateTop', o.simulateTop, 0, 1000),
    top: boundedInt('top', o.top, 1, 1000),
    disaggMaxPp: boundedInt('disaggMaxPp', o.disaggMaxPp, 1, 256),
    maxRejected: boundedInt('maxRejected', o.maxRejected, 0, 1_000_000),
  };
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

export interface KnobCombo {
  kvDtype: PlanKnobs['kvDtype'];
  maxNumSeqs: number;
  maxBatchedTokens: number;
  kvStrategy?: NamedKvStrategy;
}

/** Everything enumeration needs, derived once per search. */
export interface Space {
  model: ModelSpec;
  gpu: GpuSpec;
  clusterGpus: number;
  /** GPUs per NVLink domain, as the engine resolves it (capped by the cluster). */
  domainGpus: number;
  shapes: Shape[];
  /** Shapes allowed inside a disaggregated pool (empty when disaggregation is off). */
  poolShapes: Shape[];
  /** Smallest pool instance that can hold one copy of the weights. */
  poolFloorGpus: number;
  knobs: KnobCombo[];
  /** The KV strategies tried (resolved `kvStrategies`); empty = the scenario's own. */
  kvChoices: NamedKvStrategy[];
  options: SearchOptions;
  /** Structural counts, and pool-pair counts grouped by GPU size (for counting without listing). */
  colocatedStructures: number;
  disaggStructures: number;
}

export function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
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

/** Every valid instance shape on at most `maxGpus` GPUs, ordered by tp, attentionDp, ep, pp. */
export function instanceShapes(
  model: ModelSpec,
  maxGpus: number,
  domainGpus: number,
  allowTpAcross: boolean,
  maxPp = Infinity,
): Shape[] {
  const shapes: Shape[] = [];
  const heads = model.attention.numHeads;
  for (const tp of divisors(heads)) {
    if (tp > maxGpus || !tpAllowed(tp, domainGpus, allowTpAcross)) continue;
    const adps = usesAttentionDp(model) ? Array.from({ length: Math.floor(maxGpus / tp) }, (_, i) => i + 1) : [1];
    for (const attentionDp of adps) {
      const group = tp * attentionDp;
      for (const ep of model.moe ? divisors(group) : [1]) {
        try {
          shapeInstance(model, { tp, pp: 1, ep, attentionDp });
        } catch (e) {
          if (e instanceof ScenarioError) continue;
          throw e;
        }
        const ppMax = Math.min(model.layers.length, Math.floor(maxGpus / group), maxPp);
        for (let pp = 1; pp <= ppMax; pp++) shapes.push({ tp, pp, ep, attentionDp, gpus: group * pp });
      }
    }
  }
  return shapes;
}

/**
 * GPUs one pool instance needs at least: every parameter is stored once at ≥ the weight dtype's
 * width (embeddings stay 16-bit), and each GPU offers gpuMemoryUtilization · memory.
 */
export function weightFloorGpus(model: ModelSpec, gpu: GpuSpec, scenario: Scenario): number {
  const bytes = countParams(model).totalParams * bytesPerElement(scenario.precision.weights);
  const perGpu = gpu.memoryGB * resolveRuntime(scenario).gpuMemoryUtilization * GB;
  return Math.max(1, Math.ceil(bytes / perGpu));
}

/** Replica counts tried for an instance of `gpus` GPUs. */
export function replicaCounts(gpus: number, clusterGpus: number, mode: SearchOptions['replicas']): number[] {
  const max = Math.floor(clusterGpus / gpus);
  if (max < 1) return [];
  return mode === 'max' ? [max] : Array.from({ length: max }, (_, i) => i + 1);
}

/** Number of (prefill instances, decode instances) ≥ 1 with p·a + d·b ≤ total. */
export function poolPairCount(a: number, b: number, total: number): number {
  let n = 0;
  for (let d = 1; d * b + a <= total; d++) n += Math.floor((total - d * b) / a);
  return n;
}

export function buildSpace(scenario: Scenario, options: SearchOptions): Space {
  const model = resolveModel(scenario.model);
  const gpu = resolveGpu(scenario.cluster);
  const clusterGpus = scenario.cluster.nodes * scenario.cluster.gpusPerNode;
  const domainGpus = domainGpusOf(scenario, gpu);
  const shapes = instanceShapes(model, clusterGpus, domainGpus, options.allowTpAcrossNodes);
  const poolFloorGpus = weightFloorGpus(model, gpu, scenario);
  // A pool needs at least one GPU left for the other pool.
  const poolShapes = options.allowDisaggregation
    ? shapes.filter((s) => s.pp <= options.disaggMaxPp && s.gpus >= poolFloorGpus && s.gpus < clusterGpus)
    : [];
  const knobs: KnobCombo[] = [];
  const kvChoices = options.kvStrategies.map((x, i) => kvChoice(x, i));
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
  let colocatedStructures = 0;
  for (const s of shapes) colocatedStructures += replicaCounts(s.gpus, clusterGpus, options.replicas).length;
  // Pool pairs only depend on the two GPU counts: count shapes per size, then multiply.
  const bySize = new Map<number, number>();
  for (const s of poolShapes) bySize.set(s.gpus, (bySize.get(s.gpus) ?? 0) + 1);
  let disaggStructures = 0;
  for (const [a, na] of bySize)
    for (const [b, nb] of bySize) disaggStructures += na * nb * poolPairCount(a, b, clusterGpus);
  return {
    model,
    gpu,
    clusterGpus,
    domainGpus,
    shapes,
    poolShapes,
    poolFloorGpus,
    knobs,
    kvChoices,
    options,
    colocatedStructures,
    disaggStructures,
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

/** Every structure in enumeration order. */
export function* structures(space: Space): Generator<Structure> {
  const { clusterGpus, options } = space;
  for (const s of space.shapes) {
    for (const dp of replicaCounts(s.gpus, clusterGpus, options.replicas)) {
      yield { kind: 'colocated', plan: { tp: s.tp, pp: s.pp, dp, ep: s.ep, attentionDp: s.attentionDp } };
    }
  }
  for (const p of space.poolShapes) {
    for (const d of space.poolShapes) {
      for (let pi = 1; pi * p.gpus + d.gpus <= clusterGpus; pi++) {
        for (let di = 1; pi * p.gpus + di * d.gpus <= clusterGpus; di++) {
          yield {
            kind: 'disaggregated',
            plan: { tp: 1, pp: 1, dp: 1, ep: 1, attentionDp: 1, prefill: poolOf(p, pi), decode: poolOf(d, di) },
          };
        }
      }
    }
  }
}

/** Every candidate's knobs with its index, in order (or only those with index % of === shard). */
export function* enumerateKnobs(space: Space, shard = 0, of = 1): Generator<{ index: number; knobs: PlanKnobs }> {
  const k = space.knobs.length;
  let s = 0;
  for (const st of structures(space)) {
    const base = s * k;
    s++;
    // First knob index j with (base + j) % of === shard.
    for (let j = (((shard - base) % of) + of) % of; j < k; j += of) {
      const c = space.knobs[j]!;
      const knobs: PlanKnobs = {
        kind: st.kind,
        plan: st.plan,
        kvDtype: c.kvDtype,
        maxNumSeqs: c.maxNumSeqs,
        maxBatchedTokens: c.maxBatchedTokens,
      };
      if (c.kvStrategy) knobs.kvStrategy = c.kvStrategy;
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
  return {
    ...base,
    plan: k.plan,
    precision: k.kvDtype === base.precision.kvCache ? base.precision : { ...base.precision, kvCache: k.kvDtype },
    runtime,
  };
}

interface ShapeLike {
  tp: number;
  pp: number;
  ep: number;
  attentionDp: number;
}

/** "TP4·PP2·EP8·ADP2": the parallel family, without replica counts. */
export function shapeGroup(s: ShapeLike): string {
  const parts = [`TP${s.tp}`];
  if (s.pp > 1) parts.push(`PP${s.pp}`);
  if (s.ep > 1) parts.push(`EP${s.ep}`);
  if (s.attentionDp > 1) parts.push(`ADP${s.attentionDp}`);
  return parts.join('·');
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
  return `${layout}|kv=${k.kvDtype}|seqs=${k.maxNumSeqs}|mbt=${k.maxBatchedTokens}${k.kvStrategy ? `|kvs=${k.kvStrategy.id}` : ''}`;
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

/** Count the space for `scenario` (cheap: walks shapes, never lists candidates). */
export function countCandidates(scenario: Scenario, options: Partial<SearchOptions> = {}): CandidateCount {
  const o = resolveOptions(scenario, options);
  return countSpace(buildSpace(scenario, o));
}

/** List every candidate (tests, small spaces). Refuses a space over maxCandidates. */
export function enumerateCandidates(scenario: Scenario, options: Partial<SearchOptions> = {}): Candidate[] {
  const o = resolveOptions(scenario, options);
  const space = buildSpace(scenario, o);
  const count = countSpace(space);
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
      c.kvStrategy?.id === k.kvStrategy?.id,
  );
  if (!knobOk) return false;
  const p = k.plan;
  if (k.kind === 'colocated') {
    if (!has(p, space.shapes)) return false;
    return replicaCounts(p.tp * p.attentionDp * p.pp, space.clusterGpus, space.options.replicas).includes(p.dp);
  }
  if (!p.prefill || !p.decode) return false;
  if (!has(p.prefill, space.poolShapes) || !has(p.decode, space.poolShapes)) return false;
  const g = (s: PoolPlan) => s.tp * s.attentionDp * s.pp * s.instances;
  return p.prefill.instances >= 1 && p.decode.instances >= 1 && g(p.prefill) + g(p.decode) <= space.clusterGpus;
}
