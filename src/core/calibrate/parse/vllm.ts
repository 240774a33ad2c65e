/**
 * `vllm bench serve --save-result` JSON (vllm/benchmarks/serve.py; `benchmarks/benchmark_serving.py` before
 * 0.10). Fields read: model_id, backend | endpoint_type, max_concurrency, request_rate ("inf" = all at once),
 * completed, total_input_tokens, total_output_tokens, mean_ttft_ms, mean_tpot_ms, output_throughput; and the
 * `--metadata key=value` pairs vLLM merges into the same object: gpu, gpus | num_gpus, tp | tp_size, version.
 */
import type { BenchPoint } from '../types.ts';
import { defined, engineOf, optInt, optNum, optStr, reqNum, statedSetup, type Obj } from './fields.ts';

export function vllmPoint(o: Obj, where: string): BenchPoint {
  const completed = reqNum(o, 'completed', where);
  const rate = o.request_rate === 'inf' || o.request_rate === Infinity ? undefined : optNum(o, 'request_rate', where);
  const stated = statedSetup(o, where);
  return defined({
    format: 'vllm-bench-serve',
    where,
    model: optStr(o, 'model_id', where) ?? optStr(o, 'model', where),
    ...stated,
    engine: engineOf(optStr(o, 'backend', where)) ?? 'vllm',
    concurrency: optInt(o, 'max_concurrency', where),
    requestRate: rate,
    requests: completed,
    inputTokens: reqNum(o, 'total_input_tokens', where) / completed,
    outputTokens: reqNum(o, 'total_output_tokens', where) / completed,
    measured: defined({
      ttftMs: optNum(o, 'mean_ttft_ms', where),
      tpotMs: optNum(o, 'mean_tpot_ms', where),
      outputTokPerSec: optNum(o, 'output_throughput', where),
    }),
  });
}
