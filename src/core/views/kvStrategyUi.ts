/**
 * KV strategies for the UI (issue 6), pure: the presets the Runtime & KV editor offers and the search
 * may vary, recognising which preset a scenario's `runtime.kvStrategy` is, its label / fidelity / one-line
 * description (from core/kv on the plan's own deployment), default components per family, which search
 * choice a selected plan corresponds to. The capacity chart's lines are views/kvChart.ts, the memory
 * view's tier occupancy views/kvTiers.ts. No cost arithmetic of its own: every byte comes from core/kv.
 */
import { resolvePools } from '../cost/pools.ts';
import { kvEffect } from '../kvplan/effect.ts';
import { defaultEvictedTo } from '../kv/evict.ts';
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
