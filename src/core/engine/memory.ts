/**
 * What an engine's memory fraction buys (ENGINE-FACTS.md §0 "Memory knob semantics", §5.1 [AIC-VLLM],
 * [AIC-SGL], [AIC-TRT]): the GB left for the KV pool on one GPU, and the budget line it is checked against.
 */
import type { MemorySemantics } from './profiles.ts';

export interface KvBudget {
  /** The memory the fraction grants (what the plan must fit in), GB. */
  budgetGB: number;
  /** GB left for the KV pool after weights, activations and the fixed reserve (negative = does not fit). */
  freeGB: number;
}

/**
 * share-of-total (vLLM gpu_memory_utilization): weights + activations + reserve + KV ≤ f · capacity.
 * weights-and-kv (SGLang mem_fraction_static): weights + KV = f · capacity; activations, graphs and the
 *   reserve live in the remaining (1 − f) · capacity, so the pool also shrinks if they overflow it.
 * share-of-free (TRT-LLM free_gpu_memory_fraction): KV = f · (capacity − weights − activations − reserve).
 */
export function kvBudgetGB(
  semantics: MemorySemantics,
  capacityGB: number,
  fraction: number,
  weightsGB: number,
  activationsGB: number,
  reservedGB: number,
): KvBudget {
  if (semantics === 'share-of-total') {
    const budgetGB = capacityGB * fraction;
    return { budgetGB, freeGB: budgetGB - weightsGB - activationsGB - reservedGB };
  }
  if (semantics === 'weights-and-kv') {
    const staticGB = capacityGB * fraction;
    const freeGB = Math.min(staticGB - weightsGB, capacityGB - weightsGB - activationsGB - reservedGB);
    return { budgetGB: capacityGB, freeGB };
  }
  const free = capacityGB - weightsGB - activationsGB - reservedGB;
  return { budgetGB: capacityGB, freeGB: free > 0 ? free * fraction : free };
}
