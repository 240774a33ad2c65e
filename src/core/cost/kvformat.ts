/**
 * The KV-cache format a deployment stores, as the engine's cost formulas see it (issue 6).
 *
 * A scenario's `runtime.kvStrategy` (core/kv) is the one place a KV strategy lives. What every cost
 * formula needs from it — the stored bytes per KV element (quantization payload + scale/zero metadata +
 * GEAR extras, core/kv/quant.ts) and the dtype attention math runs in — is read here; the per-sequence
 * effects (eviction budgets, full-precision residual windows, sharing, selection reads, tier transfers)
 * come from core/kvplan/engine.ts. No strategy, or one with no component, leaves every number exactly as
 * `precision.kvCache` gives it.
 *
 * precision.kvCache vs a `quant` component — one source of truth: the component wins (it says how the
 * KV is stored, with group sizes and residual windows precision.kvCache cannot express), and
 * precision.kvCache must then be the unquantized base (bf16/fp16) or name the same dtype; anything else
 * is rejected by the scenario schema, naming `runtime.kvStrategy.quant.dtype` (scenario/rules.ts).
 */
import { bytesPerElement } from '../hardware/dtype.ts';
import type { Dtype } from '../hardware/types.ts';
import { resolveQuant, type ResolvedQuant } from '../kv/quant.ts';
import { FAMILY_SLOTS, type KvStrategy } from '../kv/types.ts';
import type { ModelSpec } from '../model/types.ts';
import type { Deployment } from './deployment.ts';

/** True when the strategy sets at least one family (a label alone changes nothing). */
export function hasKvComponents(s: KvStrategy | undefined | null): s is KvStrategy {
  if (!s) return false;
  return FAMILY_SLOTS.some((k) => s[k] !== undefined);
}

/** The deployment's KV strategy, or null for plain paged KV at precision.kvCache. */
export function kvStrategyOf(dep: Deployment): KvStrategy | null {
  const s = dep.runtime.kvStrategy;
  return hasKvComponents(s) ? s : null;
}

/** Width of one cached head vector: headDim, or the MLA latent (kvLoraRank + rope dims). */
export function kvVectorDim(model: ModelSpec): number {
  const a = model.attention;
  return a.kind === 'mla' ? a.kvLoraRank + a.qkRopeHeadDim : a.headDim;
}

const quantCache = new WeakMap<Deployment, ResolvedQuant>();

/** The stored KV format with its defaults filled in (core/kv/quant.ts `resolveQuant`). */
export function kvQuantOf(dep: Deployment): ResolvedQuant {
  const hit = quantCache.get(dep);
  if (hit) return hit;
  const q = resolveQuant(kvStrategyOf(dep)?.quant, dep.precision.kvCache, kvVectorDim(dep.model));
  quantCache.set(dep, q);
  return q;
}

/**
 * Bytes one KV element occupies in HBM: bytesPerElement(precision.kvCache) without a strategy; with
 * one, the quant component's payload + scale/zero + GEAR bytes (KIVI-2: 0.25 + 4/32 = 0.375 B).
 */
export function kvStoredBytesPerElement(dep: Deployment): number {
  if (!kvStrategyOf(dep)) return bytesPerElement(dep.precision.kvCache);
  return kvQuantOf(dep).bytesPerElement;
}

/**
 * The KV dtype attention math sees: fp8 KV can feed fp8 FMHA (TRT-LLM), every other quantized format
 * is dequantized to bf16 inside the kernel. Without a quant component: precision.kvCache.
 */
export function kvMathDtype(dep: Deployment): Dtype {
  const q = kvStrategyOf(dep)?.quant;
  if (!q) return dep.precision.kvCache;
  return q.dtype === 'fp8' ? 'fp8' : 'bf16';
}

const stripped = new WeakMap<Deployment, Deployment>();

/** The same deployment with no KV strategy (the base core/kv applies a strategy to). */
export function withoutKvStrategy(dep: Deployment): Deployment {
  if (dep.runtime.kvStrategy === undefined) return dep;
  const hit = stripped.get(dep);
  if (hit) return hit;
  const { kvStrategy: _drop, ...runtime } = dep.runtime;
  void _drop;
  const d: Deployment = { ...dep, runtime };
  stripped.set(dep, d);
  return d;
}
