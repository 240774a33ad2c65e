/**
 * Rules that involve more than one field of a scenario. The scenario schema applies them
 * (`superRefine`), so the store, links, restore, files and the CLI accept exactly the same
 * scenarios: one home per rule.
 */
import type { KvStrategy } from '../kv/types.ts';
import type { Dtype } from '../hardware/types.ts';

/** The one precision field the KV rule reads (schema.ts's Precision has it). */
type Precision = { kvCache: Dtype };

/**
 * A quant component and precision.kvCache that disagree. precision.kvCache must be the unquantized base
 * (bf16/fp16) or the same dtype as the component. Null when consistent.
 */
export function kvStrategyConflict(
  precision: Precision,
  strategy: KvStrategy | undefined,
): { field: string; message: string } | null {
  const q = strategy?.quant;
  if (!q) return null;
  const kv = precision.kvCache;
  if (kv === 'bf16' || kv === 'fp16' || kv === q.dtype) return null;
  const same = (['fp8', 'int8', 'int4'] as const).includes(q.dtype as 'fp8' | 'int8' | 'int4') ? ` or ${q.dtype}` : '';
  return {
    field: 'runtime.kvStrategy.quant.dtype',
    message: `${q.dtype} conflicts with precision.kvCache = ${kv}: the quant component sets the stored KV format — set precision.kvCache to bf16 (the unquantized base)${same}, or remove runtime.kvStrategy.quant`,
  };
}
