/**
 * KV strategies for the UI (issue 6), pure: the presets the Runtime & KV editor offers and the search
 * may vary, recognising which preset a scenario's `runtime.kvStrategy` is, its label / fidelity / one-line
 * description (from core/kv on the plan's own deployment), default components per family, which search
 * choice a selected plan corresponds to, the capacity chart's lines and annotations, and the tier
 * occupancy the memory view draws. No cost arithmetic of its own: every byte comes from core/kv.
 */
import { resolvePools } from '../cost/pools.ts';
import { kvStrategyOf } from '../cost/kvformat.ts';
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import type { SimulationSummary } from '../evaluate/simulated.ts';
import { tierPlacement } from '../kvplan/capacity.ts';
import { kvEffect } from '../kvplan/effect.ts';
import { defaultEvictedTo } from '../kv/evict.ts';
import { freeKvBytesPerGpu, resolveKv, stageFootprints } from '../kvplan/footprint.ts';
import {
  KV_PRESET_LIST,
  kvChoice,
  kvPresetChoice,
  strategyFidelity,
  strategyLabel,
  type KvPresetGroup,
  type NamedKvStrategy,
} from '../kv/presets.ts';
import {
  kvStrategySchema,
  type EvictPolicy,
  type Fidelity,
  type KvFamily,
  type KvStrategy,
  type KvStrategyInput,
} from '../kv/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { kvKnobLabel, type PlanKnobs } from '../search/index.ts';
import { steadyView } from '../evaluate/workload-view.ts';
import type { KvCapacityChart, KvChartSeries } from './kv.ts';

// ---------------------------------------------------------------------------------------------
// Presets

export type { KvPresetGroup };

export interface KvPresetOption {
  /** Stable id: the preset's id in core/kv/presets.ts. */
  id: string;
  label: string;
  group: KvPresetGroup;
  /** The strategy (null = none: plain paged KV at precision.kvCache). Parsed, defaults filled, no label. */
  strategy: KvStrategy | null;
  /** What the search option `kvStrategies` takes for it: the preset name, or a labelled strategy object. */
  choice: string | KvStrategyInput;
  fidelity: Fidelity;
}

const GROUP_ORDER: readonly KvPresetGroup[] = [
  'Plain',
  'Quantization',
  'Eviction / sparse attention',
  'Tiered offload',
  'Sharing and reuse',
  'Memory management',
  'KV across devices',
  'Composed',
];

/** Every preset the editor offers (core/kv/presets.ts KV_PRESET_LIST), in menu order. */
export const KV_EDITOR_PRESETS: readonly KvPresetOption[] = KV_PRESET_LIST.map((p) => {
  const strategy = p.input === null ? null : kvStrategySchema.parse(p.input);
  return {
    id: p.id,
    label: p.label,
    group: p.group,
    strategy,
    choice: kvPresetChoice(p),
    fidelity: strategyFidelity(strategy),
  };
}).sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));

/** The presets the search knob offers by default (a plan's KV strategy is one of these). */
export const KV_SEARCH_PRESETS: readonly string[] = [
  'none',
  'fp8',
  'int8',
  'int4',
  'kivi2',
  'h2o',
  'sink-window',
  'topk-host',
  'host-offload',
  'prefix',
  'fp8-h2o',
  'vattention',
];

export function kvPresetOption(id: string): KvPresetOption | undefined {
  return KV_EDITOR_PRESETS.find((p) => p.id === id);
}

/** JSON with sorted keys, without `label` at the top level: two strategies that store the same KV compare equal. */
function canonical(s: KvStrategy | KvStrategyInput | null | undefined): string {
  if (!s) return 'null';
  const { label: _label, ...rest } = kvStrategySchema.parse(s);
  void _label;
  const families = Object.keys(rest);
  if (families.length === 0) return 'null';
  const sort = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as Record<string, unknown>)
            .sort()
            .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
        )
      : v;
  return JSON.stringify(sort(rest));
}

/** Do two strategies store and move the same KV (labels ignored; undefined, null and {} are "none")? */
export function sameKvStrategy(
  a: KvStrategy | KvStrategyInput | null | undefined,
  b: KvStrategy | KvStrategyInput | null | undefined,
): boolean {
  return canonical(a) === canonical(b);
}

/** The preset a strategy is (labels ignored), or null for a custom strategy; 'none' without one. */
export function kvPresetIdOf(s: KvStrategy | null | undefined): string | null {
  const c = canonical(s);
  for (const p of KV_EDITOR_PRESETS) if (canonical(p.strategy) === c) return p.id;
  return null;
}

/** Short name of a strategy: its label, its preset's label, else its families ("fp8 KV + H2O"). */
export function kvStrategyName(s: KvStrategy | null | undefined): string {
  if (!s || canonical(s) === 'null') return 'plain KV';
  if (s.label) return s.label;
  const id = kvPresetIdOf(s);
  if (id !== null) return kvPresetOption(id)!.label;
  return strategyLabel(s);
}

export const FIDELITY_TEXT: Record<Fidelity, string> = {
  exact: 'exact',
  'near-lossless': 'near-lossless',
  approximate: 'approximate (lossy)',
};

export interface KvStrategyInfo {
  name: string;
  fidelity: Fidelity;
  lossless: boolean;
  /** core/kv's one line for this strategy on the plan's deployment at the workload's context. */
  description: string;
}

/**
 * Name, fidelity and core/kv's one-line description of `strategy` applied to the scenario's plan (the
 * decode pool of a disaggregated plan) at the workload's mean context. A plan that does not resolve
 * still gets the name and fidelity.
 */
export function kvStrategyInfo(scenario: Scenario, strategy: KvStrategy | null | undefined): KvStrategyInfo {
  const name = kvStrategyName(strategy);
  const fidelity = strategyFidelity(strategy && canonical(strategy) !== 'null' ? strategy : null);
  if (!strategy || canonical(strategy) === 'null') {
    return {
      name,
      fidelity: 'exact',
      lossless: true,
      description: `Plain paged KV at precision.kvCache = ${scenario.precision.kvCache} (vLLM's default PagedAttention).`,
    };
  }
  try {
    const s = steadyView(scenario);
    const dep = resolvePools(s).pools.find((p) => p.role !== 'prefill')!.dep;
    const L = Math.max(1, Math.round(s.workload.inputTokens + s.workload.outputTokens));
    const e = kvEffect(dep, strategy, L);
    return { name, fidelity: e.fidelity, lossless: e.lossless, description: e.description };
  } catch {
    return { name, fidelity, lossless: fidelity === 'exact', description: `${name}: ${fidelity}.` };
  }
}

// ---------------------------------------------------------------------------------------------
// Editing

/** The component a family starts from when added in the editor (a paper's operating point). */
export function defaultComponent(family: KvFamily): KvStrategyInput[KvFamily] {
  switch (family) {
    case 'quant':
      return { dtype: 'fp8' };
    case 'evict':
      return evictDefaults('h2o');
    case 'offload':
      return { hostGB: 240 };
    case 'share':
      return { prefixTokens: 4096 };
    case 'paging':
      return { scheme: 'vattention', pageKiB: 2048 };
    case 'distributed':
      return { contextParallel: 2 };
  }
}

/** The knobs a policy starts from when picked (H2O 20 %, StreamingLLM 4 + 4092, RazorAttention 15 %, top-2K pages in host). */
export function evictDefaults(policy: EvictPolicy): NonNullable<KvStrategyInput['evict']> {
  switch (policy) {
    case 'h2o':
      return { policy, budgetFraction: 0.2 };
    case 'sink-window':
      return { policy, sinkTokens: 4, recentTokens: 4092 };
    case 'per-head':
      return { policy, fullHeadsFraction: 0.15, sinkTokens: 4, recentTokens: 1020 };
    case 'topk-pages':
      return { policy, budgetTokens: 2048, evictedTo: 'host' };
  }
}

/** Where an eviction policy sends out-of-budget tokens when `evictedTo` is left out. */
export const evictedToDefault = defaultEvictedTo;

// ---------------------------------------------------------------------------------------------
// Search

/** The id a search choice gets (candidate ids end in `|kvs=<id>`); null for an invalid choice. */
export function kvChoiceId(x: string | KvStrategyInput): string | null {
  try {
    return kvChoice(x).id;
  } catch {
    return null;
  }
}

/**
 * Which of the search's strategy choices the scenario runs (its runtime.kvStrategy, labels ignored);
 * undefined when none matches (a custom strategy is not a searched candidate).
 */
export function kvChoiceOfScenario(
  strategy: KvStrategy | undefined,
  choices: readonly (string | KvStrategyInput)[],
): NamedKvStrategy | undefined {
  for (let i = 0; i < choices.length; i++) {
    let c: NamedKvStrategy;
    try {
      c = kvChoice(choices[i]!, i);
    } catch {
      continue;
    }
    if (sameKvStrategy(c.strategy, strategy)) return c;
  }
  return undefined;
}

/** How a ranked plan stores its KV, and how faithful that is: the candidate's strategy knob, else the scenario's own. */
export function planKvOf(
  knobs: Pick<PlanKnobs, 'kvDtype' | 'kvStrategy'>,
  own: KvStrategyInput | undefined,
): { label: string; fidelity: Fidelity } {
  if (knobs.kvStrategy) return { label: kvKnobLabel(knobs), fidelity: strategyFidelity(knobs.kvStrategy.strategy) };
  const s = own ? kvStrategySchema.parse(own) : null;
  if (!s || canonical(s) === 'null') return { label: `${knobs.kvDtype} KV`, fidelity: 'exact' };
  const name = kvStrategyName(s);
  return { label: s.quant ? name : `${knobs.kvDtype} KV + ${name}`, fidelity: strategyFidelity(s) };
}

// ---------------------------------------------------------------------------------------------
// Capacity chart lines

export type KvChartMetric = 'seqs' | 'throughput';

export interface KvChartLine {
  id: string;
  label: string;
  fidelity: Fidelity;
  current: boolean;
  /** Dashed: approximate (lossy) strategies. */
  dashed: boolean;
  points: [number, number][];
}

export interface KvChartLines {
  lines: KvChartLine[];
  /** Vertical annotations (context, tokens). */
  markers: { x: number; label: string }[];
  /** Horizontal reference lines. */
  hLines: { y: number; label: string }[];
  /** Presets dropped because they equal the plan's own curve. */
  sameAsCurrent: string[];
}

const kTok = (n: number): string =>
  n >= 1024 * 1024
    ? `${+(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 2)}M`
    : n >= 1024
      ? `${Math.round(n / 1024)}K`
      : String(n);

/** "1K", "128K", "1M" for power-of-two contexts; otherwise rounded to whole K tokens. */
export const contextLabel = kTok;

function valueOf(p: KvChartSeries['points'][number], metric: KvChartMetric): number {
  return metric === 'seqs' ? p.maxSeqs : p.decodeTokPerS;
}

/**
 * The capacity chart as lines: y = sequences the plan holds (HBM + host/NVMe tiers) or decode tok/s at
 * that many, per strategy; presets whose curve equals the plan's own are left out (named in
 * `sameAsCurrent`). Annotations: the plan's HBM limit (the longest context one sequence fits), where
 * offload starts (the plan's own, else the first offload preset's), the workload's context, and the
 * engine's sequence cap.
 */
export function kvChartLines(chart: KvCapacityChart, metric: KvChartMetric): KvChartLines {
  const current = chart.series.find((s) => s.current) ?? chart.series[0];
  const key = (s: KvChartSeries) => JSON.stringify(s.points.map((p) => [p.maxSeqs, p.hbmSeqs, p.decodeTokPerS]));
  const curKey = current ? key(current) : '';
  const sameAsCurrent: string[] = [];
  const lines: KvChartLine[] = [];
  for (const s of chart.series) {
    if (!s.current && key(s) === curKey) {
      sameAsCurrent.push(s.label);
      continue;
    }
    const tag = s.fidelity === 'exact' ? '' : s.fidelity === 'near-lossless' ? ' (near-lossless)' : ' (lossy)';
    lines.push({
      id: s.id,
      label: `${s.current ? s.label.replace(/^current: /, 'this plan: ') : s.label}${tag}`,
      fidelity: s.fidelity,
      current: s.current,
      dashed: s.fidelity === 'approximate',
      points: s.points.map((p) => [p.contextTokens, valueOf(p, metric)] as [number, number]),
    });
  }
  const lo = chart.contexts[0] ?? 1024;
  const hi = chart.contexts[chart.contexts.length - 1] ?? 1024 * 1024;
  const inRange = (x: number | null): x is number => x !== null && x >= lo && x <= hi;
  const markers: { x: number; label: string }[] = [];
  if (current && inRange(current.hbmLimitTokens))
    markers.push({ x: current.hbmLimitTokens, label: `HBM limit: 1 seq at ${kTok(current.hbmLimitTokens)}` });
  const off =
    current && current.offloadStartsAtTokens !== null
      ? current
      : chart.series.find((s) => s.offloadStartsAtTokens !== null && !sameAsCurrent.includes(s.label));
  if (off && inRange(off.offloadStartsAtTokens))
    markers.push({
      x: off.offloadStartsAtTokens,
      label: `offload starts (${off.current ? 'this plan' : off.label}): ${kTok(off.offloadStartsAtTokens)}`,
    });
  if (inRange(chart.workloadContextTokens))
    markers.push({ x: chart.workloadContextTokens, label: `your context ${kTok(chart.workloadContextTokens)}` });
  const hLines =
    metric === 'seqs'
      ? [{ y: chart.maxNumSeqsCap, label: `engine cap: ${chart.maxNumSeqsCap} seqs (maxNumSeqs × groups)` }]
      : [];
  return { lines, markers, hLines, sameAsCurrent };
}

// ---------------------------------------------------------------------------------------------
// Tier occupancy (memory view)

export interface KvTierRow {
  label: string;
  usedGB: number;
  /** Infinity: an unsized store (evicted-to-host KV without an offload component). */
  capacityGB: number;
}

export interface KvTierOccupancy {
  /** Per GPU of the tightest pipeline stage at the plan's steady-state batch. */
  hbmKvGB: number;
  tiers: KvTierRow[];
  /** Sequences of the workload's context the deployment holds in HBM, and with the tiers. */
  hbmSeqs: number;
  seqsWithTiers: number;
  concurrency: number;
}

/**
 * Where the plan's KV sits per GPU (HBM, host DRAM, NVMe) at its steady-state batch, for a strategy that
 * offloads (an offload component, or pages evicted to host); null otherwise. Running sequences decode
 * from HBM; the host tier holds evicted pages, and — with an offload component — the swap space and
 * multi-turn store (empty at steady state unless HBM overflows).
 */
export function kvTierOccupancy(scenario: Scenario, result: EvaluationResult): KvTierOccupancy | null {
  const s = steadyView(scenario);
  const dep = resolvePools(s).pools.find((p) => p.role !== 'prefill')!.dep;
  const own = kvStrategyOf(dep);
  if (!own) return null;
  const r = resolveKv(dep, own);
  const evictHost = r.evict !== undefined && (r.evict.evictedTo ?? defaultEvictedTo(r.evict.policy)) === 'host';
  if (!r.offload && !evictHost) return null;
  const L = Math.max(1, Math.round(s.workload.inputTokens + s.workload.outputTokens));
  const stages = stageFootprints(r, L);
  const free = freeKvBytesPerGpu(dep);
  const concurrency = Math.max(0, result.metrics.concurrency);
  const { tiers } = tierPlacement(r, free, stages, concurrency * dep.dp);
  const GB = 1e9;
  const rows: KvTierRow[] = [
    {
      label: 'Host DRAM',
      usedGB: (tiers.hostHotBytes + tiers.hostColdBytes) / GB,
      capacityGB: r.offload ? r.hostBytesPerGpu / GB : Infinity,
    },
  ];
  if (r.ssdBytesPerGpu > 0)
    rows.push({
      label: 'NVMe',
      usedGB: (tiers.ssdHotBytes + tiers.ssdColdBytes) / GB,
      capacityGB: r.ssdBytesPerGpu / GB,
    });
  return {
    hbmKvGB: tiers.hbmBytes / GB,
    tiers: rows,
    hbmSeqs: result.kv?.hbmSeqs ?? 0,
    seqsWithTiers: result.kv?.maxSeqsWithTiers ?? 0,
    concurrency,
  };
}

/** The simulator's tier occupancy over time (whole deployment, GB) as line points; null without tiers. */
export function simTierLines(sim: SimulationSummary): {
  hbm: [number, number][];
  host: [number, number][];
  ssd: [number, number][];
  /** host absent: the swap space is unbounded (no offload component). */
  capacityGB: { hbm: number; host?: number; ssd: number };
} | null {
  const t = sim.kvTiers;
  if (!t) return null;
  const pts = (d: SimulationSummary['kvUsage']): [number, number][] => {
    const out: [number, number][] = [];
    for (let i = 0; i < d.tS.length; i++) if (Number.isFinite(d.max[i]!)) out.push([d.tS[i]!, d.max[i]!]);
    return out;
  };
  return { hbm: pts(t.hbmGB), host: pts(t.hostGB), ssd: pts(t.ssdGB), capacityGB: t.capacityGB };
}
