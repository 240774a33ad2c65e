/** Memory per GPU (weights, KV cache, activations, reserve) against capacity, with the KV facts in words. */
import { MemoryBars } from '../../charts/index.ts';
import type { EvaluationResult } from '../../core/evaluate/evaluate.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { fmtBytes, fmtGB, fmtInt, fmtPct } from '../format.ts';

export function MemoryTab({ result, scenario }: { result: EvaluationResult; scenario: Scenario }) {
  const mem = result.memory;
  const cap = mem.perGpu[0]?.capacityGB ?? 0;
  const pp = result.plan.pp;
  const perStageGpus = result.plan.tp * result.plan.attentionDp;
  const disagg = Boolean(scenario.plan.prefill && scenario.plan.decode);
  const gpus = mem.perGpu.map((g, i) => ({
    label: disagg ? g.label : pp > 1 ? `Stage ${i} (${perStageGpus} GPU${perStageGpus === 1 ? '' : 's'} × ${result.plan.dp})` : `Every GPU (×${result.plan.gpusUsed})`,
    weightsGB: g.weightsGB,
    kvCacheGB: g.kvCacheGB,
    activationsGB: g.activationsGB,
    reservedGB: g.reservedGB,
  }));
  const util = scenario.runtime.gpuMemoryUtilization;
  return (
    <>
      <div data-testid="memory-chart">
        <MemoryBars title={`Memory per GPU · ${result.gpu.name}`} capacityGB={cap} gpus={gpus} />
      </div>
      <p className="caption">
        {mem.fits ? (
          <>
            The engine may use <strong>{fmtPct(util)}</strong> of {fmtGB(cap)}; after weights, activations and the runtime reserve, the KV cache gets{' '}
            <strong>{fmtGB(mem.perGpu[0]?.kvCacheGB)}</strong> per GPU: <strong>{fmtInt(mem.maxKvTokens)}</strong> tokens per instance at{' '}
            {fmtBytes(result.model.kvBytesPerToken)}/token ({scenario.precision.kvCache}), enough for <strong>{fmtInt(mem.maxConcurrentSeqs)}</strong> sequences of{' '}
            {fmtInt(scenario.workload.inputTokens + scenario.workload.outputTokens)} tokens.
          </>
        ) : (
          <>
            The plan does not fit: it needs <strong>{fmtGB(mem.shortfallGB)}</strong> more per GPU. Raise TP/PP/EP, use smaller weights (fp8/int4), or give the engine a larger share of memory.
          </>
        )}
      </p>
    </>
  );
}
