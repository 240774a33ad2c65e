/**
 * SGLang `python -m sglang.bench_serving --output-file` JSONL: one result object per line, appended run
 * after run (python/sglang/bench_serving.py). Fields read: backend, max_concurrency, request_rate,
 * completed, total_input_tokens, total_output_tokens, mean_ttft_ms, mean_tpot_ms, output_throughput, and
 * when present server_info.{model_path, tp_size, dp_size, version} and model_id; gpu / gpus / tp / version
 * stated by the user on the line override them.
 */
import type { BenchPoint } from '../types.ts';
import { defined, engineOf, isObj, optInt, optNum, optStr, reqNum, statedSetup, type Obj } from './fields.ts';

export function sglangPoint(o: Obj, where: string): BenchPoint {
  const completed = reqNum(o, 'completed', where);
  const info: Obj = isObj(o.server_info) ? o.server_info : {};
  const tp = optInt(info, 'tp_size', `${where} server_info`);
  const dp = optInt(info, 'dp_size', `${where} server_info`);
  const stated = statedSetup(o, where);
  return defined({
    format: 'sglang-bench-serving',
    where,
    model: optStr(o, 'model_id', where) ?? optStr(info, 'model_path', `${where} server_info`),
    gpu: stated.gpu,
    tp: stated.tp ?? tp,
    gpus: stated.gpus ?? (tp !== undefined ? tp * (dp ?? 1) : undefined),
    engine: engineOf(optStr(o, 'backend', where)) ?? 'sglang',
    engineVersion: stated.engineVersion ?? optStr(info, 'version', `${where} server_info`),
    concurrency: optInt(o, 'max_concurrency', where),
    requestRate: optNum(o, 'request_rate', where),
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
