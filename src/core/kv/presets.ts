/**
 * Named KV strategies, one list (`KV_PRESET_LIST`): what `parakv search --kv-strategies bf16,fp8,kivi2,h2o`
 * and the search's `kvStrategies` option accept by name, the Runtime & KV editor's preset menu, the
 * search knob's choices and the KV capacity chart's presets (issue 6). Each preset is a paper's
 * operating point (see the family modules for the sources). `none` is plain paged KV at the scenario's
 * precision.kvCache (no strategy).
 */
import { distributedFidelity } from './distributed.ts';
import { quantFidelity } from './quant.ts';
import { shareFidelity } from './share.ts';
import { kvStrategySchema, worstFidelity, type Fidelity, type KvStrategy, type KvStrategyInput } from './types.ts';

/** A strategy with a stable id and a short label; `strategy: null` = no strategy (plain paged KV). */
export interface NamedKvStrategy {
  id: string;
  label: string;
  strategy: KvStrategy | null;
}

/** Where a preset sits in the editor's menu. */
export type KvPresetGroup =
  | 'Plain'
  | 'Quantization'
  | 'Eviction / sparse attention'
  | 'Tiered offload'
  | 'Sharing and reuse'
  | 'Memory management'
  | 'KV across devices'
  | 'Composed';

/** A named preset: stable id, short label, menu group, and the strategy input (null = plain paged KV). */
export interface KvPresetDef {
  id: string;
  label: string;
  group: KvPresetGroup;
  input: KvStrategyInput | null;
  aliases?: readonly string[];
  /**
   * The search identifies this preset by its label (candidate ids end in `|kvs=<label>`, the strategy
   * carries the label), as it did when these operating points were labelled strategy objects of the
   * editor: saved searches and candidate ids keep working.
   */
  byLabel?: true;
}

/**
 * Every named preset, one list. Budgets are the papers' operating points (H2O 20 %, StreamingLLM 4 sinks +
 * 4K window, RazorAttention 15 % heads, ShadowKV-style top-k pages, vAttention pages, CacheGen 4×; see
 * the family modules for the sources).
 */
export const KV_PRESET_LIST: readonly KvPresetDef[] = [
  { id: 'none', label: 'plain KV', group: 'Plain', input: null, aliases: ['plain', 'as-configured'] },
  { id: 'bf16', label: 'bf16 KV', group: 'Quantization', input: { quant: { dtype: 'bf16' } } },
  { id: 'fp8', label: 'fp8 KV', group: 'Quantization', input: { quant: { dtype: 'fp8' } } },
  { id: 'int8', label: 'int8 KV', group: 'Quantization', input: { quant: { dtype: 'int8' } } },
  { id: 'int4', label: 'int4 KV', group: 'Quantization', input: { quant: { dtype: 'int4' } } },
  {
    id: 'kivi2',
    label: 'KIVI-2',
    group: 'Quantization',
    input: { quant: { dtype: 'kivi2' } },
    aliases: ['kivi', 'kivi-2'],
  },
  {
    id: 'gear',
    label: 'GEAR int4 r4',
    group: 'Quantization',
    input: { quant: { dtype: 'int4', gear: { rank: 4, sparsityPct: 2 } } },
  },
  {
    id: 'h2o',
    label: 'H2O 20%',
    group: 'Eviction / sparse attention',
    input: { evict: { policy: 'h2o', budgetFraction: 0.2 } },
  },
  {
    id: 'sink-window',
    label: 'sink+window 4K',
    group: 'Eviction / sparse attention',
    input: { evict: { policy: 'sink-window', sinkTokens: 4, recentTokens: 4092 } },
    aliases: ['streamingllm', 'streaming', 'sink'],
  },
  {
    id: 'razor',
    label: 'RazorAttention 15%',
    group: 'Eviction / sparse attention',
    input: { evict: { policy: 'per-head', fullHeadsFraction: 0.15, sinkTokens: 4, recentTokens: 1020 } },
    aliases: ['per-head', 'razorattention'],
  },
  {
    id: 'topk-host',
    label: 'top-2K pages, rest in host',
    group: 'Eviction / sparse attention',
    input: { evict: { policy: 'topk-pages', budgetTokens: 2048, evictedTo: 'host' } },
    aliases: ['shadowkv', 'topk'],
  },
  {
    id: 'host-offload',
    label: 'host offload 240 GB',
    group: 'Tiered offload',
    input: { offload: { hostGB: 240 } },
    aliases: ['offload', 'host'],
  },
  {
    id: 'fp8-h2o',
    label: 'fp8 + H2O 20%',
    group: 'Composed',
    input: { quant: { dtype: 'fp8' }, evict: { policy: 'h2o', budgetFraction: 0.2 } },
  },
  {
    id: 'prefix',
    label: 'prefix sharing 4K',
    group: 'Sharing and reuse',
    input: { share: { prefixTokens: 4096 } },
    aliases: ['share'],
  },
  {
    id: 'topk-hbm',
    label: 'top-2K pages, all in HBM',
    group: 'Eviction / sparse attention',
    input: { evict: { policy: 'topk-pages', budgetTokens: 2048, evictedTo: 'hbm' } },
    byLabel: true,
  },
  {
    id: 'host-nvme',
    label: 'host 240 GB + NVMe 2 TB',
    group: 'Tiered offload',
    input: { offload: { hostGB: 240, ssdGB: 2000, ssdGBps: 7 } },
    byLabel: true,
  },
  {
    id: 'multi-turn',
    label: 'multi-turn reuse 70%, TTL 600 s',
    group: 'Tiered offload',
    input: { offload: { hostGB: 240, multiTurnReuse: { ttlS: 600, hitRate: 0.7 } } },
    byLabel: true,
  },
  {
    id: 'rag-reuse',
    label: 'RAG chunk reuse 8K (15% recompute)',
    group: 'Sharing and reuse',
    input: { share: { ragChunkReuse: { chunkTokens: 8192, recomputeFraction: 0.15 } } },
    byLabel: true,
  },
  {
    id: 'paged-64',
    label: 'PagedAttention block 64',
    group: 'Memory management',
    input: { paging: { scheme: 'paged', blockSize: 64 } },
    byLabel: true,
  },
  {
    id: 'vattention',
    label: 'vAttention 2 MiB pages',
    group: 'Memory management',
    input: { paging: { scheme: 'vattention', pageKiB: 2048 } },
    byLabel: true,
  },
  {
    id: 'vattention-64k',
    label: 'vAttention 64 KiB pages',
    group: 'Memory management',
    input: { paging: { scheme: 'vattention', pageKiB: 64 } },
    byLabel: true,
  },
  {
    id: 'cp2',
    label: 'context parallel ×2',
    group: 'KV across devices',
    input: { distributed: { contextParallel: 2 } },
    byLabel: true,
  },
  {
    id: 'cachegen',
    label: 'CacheGen 4× transfers',
    group: 'KV across devices',
    input: { distributed: { transferCompression: 4 } },
    byLabel: true,
  },
];

/** A preset of the list by id (no aliases). */
export function kvPresetDef(id: string): KvPresetDef | undefined {
  return KV_PRESET_LIST.find((p) => p.id === id);
}

/** What the search option `kvStrategies` takes for a preset: its id, or (byLabel) the labelled strategy object. */
export function kvPresetChoice(p: KvPresetDef): string | KvStrategyInput {
  return p.byLabel && p.input !== null ? { label: p.label, ...p.input } : p.id;
}

/** The presets the KV capacity chart draws, in legend order. */
export const KV_CHART_PRESETS: readonly string[] = [
  'bf16',
  'fp8',
  'int4',
  'kivi2',
  'h2o',
  'sink-window',
  'host-offload',
];

/** Preset ids and aliases, for help texts. */
export const KV_PRESET_NAMES: readonly string[] = KV_PRESET_LIST.map((p) => p.id);

function presetId(name: string): string | null {
  const n = name.trim().toLowerCase();
  if (kvPresetDef(n)) return n;
  return KV_PRESET_LIST.find((p) => p.aliases?.includes(n))?.id ?? null;
}

/**
 * A preset by name (or alias), parsed; null for an unknown name. A byLabel preset is the same choice as
 * its labelled strategy object (id = label, the strategy carries the label).
 */
export function kvPreset(name: string): NamedKvStrategy | null {
  const id = presetId(name);
  if (id === null) return null;
  const p = kvPresetDef(id)!;
  if (p.byLabel && p.input !== null)
    return { id: p.label, label: p.label, strategy: kvStrategySchema.parse({ label: p.label, ...p.input }) };
  return { id, label: p.label, strategy: p.input === null ? null : kvStrategySchema.parse(p.input) };
}

/** Short label of a strategy object without a deployment ("fp8 + H2O 20%"): its label, or its families. */
export function strategyLabel(s: KvStrategy): string {
  if (s.label) return s.label;
  for (const p of KV_PRESET_LIST) {
    if (!p.byLabel && p.input !== null && JSON.stringify(kvStrategySchema.parse(p.input)) === JSON.stringify(s))
      return p.label;
  }
  const parts: string[] = [];
  if (s.quant)
    parts.push(s.quant.gear ? `GEAR ${s.quant.dtype}` : s.quant.dtype === 'kivi2' ? 'KIVI-2' : `${s.quant.dtype} KV`);
  if (s.evict) parts.push(s.evict.policy === 'h2o' ? 'H2O' : s.evict.policy);
  if (s.offload) parts.push(s.offload.ssdGB > 0 ? 'host+NVMe offload' : 'host offload');
  if (s.share) parts.push(s.share.ragChunkReuse ? 'RAG reuse' : 'prefix sharing');
  if (s.paging) parts.push(s.paging.scheme === 'vattention' ? 'vAttention' : 'PagedAttention');
  if (s.distributed) parts.push('distributed KV');
  return parts.length > 0 ? parts.join(' + ') : 'plain KV';
}

/**
 * A search choice: a preset name or a strategy object (parsed; errors name `kvStrategies[i].<field>`).
 * Objects are identified by their label, else by their JSON.
 */
export function kvChoice(x: string | KvStrategyInput, index = 0): NamedKvStrategy {
  if (typeof x === 'string') {
    const p = kvPreset(x);
    if (!p)
      throw new Error(`kvStrategies[${index}]: unknown KV strategy "${x}" (presets: ${KV_PRESET_NAMES.join(', ')})`);
    return p;
  }
  const r = kvStrategySchema.safeParse(x);
  if (!r.success)
    throw new Error(
      `kvStrategies[${index}]: ${r.error.issues[0]?.message.replace(/^runtime\.kvStrategy\.?/, '') ?? 'invalid strategy'}`,
    );
  const s = r.data;
  return { id: s.label ?? JSON.stringify(s), label: strategyLabel(s), strategy: s };
}

/**
 * Fidelity of the strategy's own components (the scenario's precision.kvCache is not counted): exact,
 * near-lossless (fp8/int8 KV) or approximate (2-4 bit KV, GEAR, eviction, lossy RAG reuse, CacheGen).
 */
export function strategyFidelity(s: KvStrategy | null): Fidelity {
  if (!s) return 'exact';
  let f: Fidelity = s.quant ? quantFidelity(s.quant.dtype, s.quant.gear !== undefined) : 'exact';
  if (s.evict) f = worstFidelity(f, 'approximate');
  if (s.share) f = worstFidelity(f, shareFidelity(s.share));
  if (s.distributed) f = worstFidelity(f, distributedFidelity(s.distributed));
  return f;
}

/** Is a strategy of this fidelity allowed? Exact always; near-lossless unless refused; approximate only with allowLossy. */
export function fidelityAllowed(f: Fidelity, allowLossy: boolean, allowNearLossless = true): boolean {
  if (f === 'exact') return true;
  if (f === 'near-lossless') return allowNearLossless || allowLossy;
  return allowLossy;
}

/** "KIVI-2 not allowed: lossy (approximate)"; null when allowed. */
export function notAllowedReason(c: NamedKvStrategy, allowLossy: boolean, allowNearLossless = true): string | null {
  const f = strategyFidelity(c.strategy);
  if (fidelityAllowed(f, allowLossy, allowNearLossless)) return null;
  return `${c.label} not allowed: lossy (${f}; allow lossy strategies to rank it)`;
}
