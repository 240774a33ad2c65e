/**
 * Named KV strategies: what `parakv search --kv-strategies bf16,fp8,kivi2,h2o` and the search's
 * `kvStrategies` option accept by name, and the preset list of the KV capacity chart (issue 6). Each
 * preset is a paper's operating point (see the family modules for the sources). `none` is plain paged
 * KV at the scenario's precision.kvCache (no strategy).
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

interface Preset {
  label: string;
  input: KvStrategyInput | null;
  aliases?: readonly string[];
}

/** Presets by id. Budgets are the papers' operating points (H2O 20 %, StreamingLLM 4 sinks + 4K window, RazorAttention 15 % heads). */
export const KV_PRESETS: Readonly<Record<string, Preset>> = {
  none: { label: 'plain KV', input: null, aliases: ['plain', 'as-configured'] },
  bf16: { label: 'bf16 KV', input: { quant: { dtype: 'bf16' } } },
  fp8: { label: 'fp8 KV', input: { quant: { dtype: 'fp8' } } },
  int8: { label: 'int8 KV', input: { quant: { dtype: 'int8' } } },
  int4: { label: 'int4 KV', input: { quant: { dtype: 'int4' } } },
  kivi2: { label: 'KIVI-2', input: { quant: { dtype: 'kivi2' } }, aliases: ['kivi', 'kivi-2'] },
  gear: { label: 'GEAR int4 r4', input: { quant: { dtype: 'int4', gear: { rank: 4, sparsityPct: 2 } } } },
  h2o: { label: 'H2O 20%', input: { evict: { policy: 'h2o', budgetFraction: 0.2 } } },
  'sink-window': { label: 'sink+window 4K', input: { evict: { policy: 'sink-window', sinkTokens: 4, recentTokens: 4092 } }, aliases: ['streamingllm', 'streaming', 'sink'] },
  razor: { label: 'RazorAttention 15%', input: { evict: { policy: 'per-head', fullHeadsFraction: 0.15, sinkTokens: 4, recentTokens: 1020 } }, aliases: ['per-head', 'razorattention'] },
  'topk-host': { label: 'top-2K pages, rest in host', input: { evict: { policy: 'topk-pages', budgetTokens: 2048, evictedTo: 'host' } }, aliases: ['shadowkv', 'topk'] },
  'host-offload': { label: 'host offload 240 GB', input: { offload: { hostGB: 240 } }, aliases: ['offload', 'host'] },
  'fp8-h2o': { label: 'fp8 + H2O 20%', input: { quant: { dtype: 'fp8' }, evict: { policy: 'h2o', budgetFraction: 0.2 } } },
  prefix: { label: 'prefix sharing 4K', input: { share: { prefixTokens: 4096 } }, aliases: ['share'] },
};

/** The presets the KV capacity chart draws, in legend order. */
export const KV_CHART_PRESETS: readonly string[] = ['bf16', 'fp8', 'int4', 'kivi2', 'h2o', 'sink-window', 'host-offload'];

/** Preset ids and aliases, for help texts. */
export const KV_PRESET_NAMES: readonly string[] = Object.keys(KV_PRESETS);

function presetId(name: string): string | null {
  const n = name.trim().toLowerCase();
  if (KV_PRESETS[n]) return n;
  for (const [id, p] of Object.entries(KV_PRESETS)) if (p.aliases?.includes(n)) return id;
  return null;
}

/** A preset by name (or alias), parsed; null for an unknown name. */
export function kvPreset(name: string): NamedKvStrategy | null {
  const id = presetId(name);
  if (id === null) return null;
  const p = KV_PRESETS[id]!;
  return { id, label: p.label, strategy: p.input === null ? null : kvStrategySchema.parse(p.input) };
}

/** Short label of a strategy object without a deployment ("fp8 + H2O 20%"): its label, or its families. */
export function strategyLabel(s: KvStrategy): string {
  if (s.label) return s.label;
  for (const [id, p] of Object.entries(KV_PRESETS)) {
    if (p.input !== null && JSON.stringify(kvStrategySchema.parse(p.input)) === JSON.stringify(s)) return KV_PRESETS[id]!.label;
  }
  const parts: string[] = [];
  if (s.quant) parts.push(s.quant.gear ? `GEAR ${s.quant.dtype}` : s.quant.dtype === 'kivi2' ? 'KIVI-2' : `${s.quant.dtype} KV`);
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
    if (!p) throw new Error(`kvStrategies[${index}]: unknown KV strategy "${x}" (presets: ${KV_PRESET_NAMES.join(', ')})`);
    return p;
  }
  const r = kvStrategySchema.safeParse(x);
  if (!r.success) throw new Error(`kvStrategies[${index}]: ${r.error.issues[0]?.message.replace(/^runtime\.kvStrategy\.?/, '') ?? 'invalid strategy'}`);
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
