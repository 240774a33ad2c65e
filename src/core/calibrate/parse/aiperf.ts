/**
 * NVIDIA aiperf `profile_export_aiperf.json` and genai-perf `profile_export_genai_perf.json`: one object per
 * metric with `unit` and `avg` (aiperf ≤ 0.1 nests them under `records`). Metrics read (avg):
 * time_to_first_token, inter_token_latency (= (latency − TTFT)/(OSL − 1), vLLM's TPOT), output_token_throughput,
 * input_sequence_length, output_sequence_length, request_count. Setup from input_config: model names
 * (endpoint.model_names | model_names | model), concurrency (loadgen.concurrency | concurrency |
 * perf_analyzer.stimulus.concurrency), request rate likewise; gpu / gpus / tp / version stated in
 * input_config.metadata or a top-level `metadata` object.
 */
import type { BenchPoint } from '../types.ts';
import { BenchParseError, defined, isObj, optInt, optNum, optStr, statedSetup, type Obj } from './fields.ts';

function avg(root: Obj, metric: string, where: string, required: boolean): number | undefined {
  const m = root[metric];
  if (m === undefined || m === null) {
    if (required) throw new BenchParseError(`${where}: missing ${metric}.avg`);
    return undefined;
  }
  if (!isObj(m)) throw new BenchParseError(`${where}: ${metric} must be an object with "avg"`);
  const x = optNum(m, 'avg', `${where} ${metric}`, false);
  if (x === undefined && required) throw new BenchParseError(`${where}: missing ${metric}.avg`);
  return x;
}

const sub = (o: Obj, k: string): Obj => (isObj(o[k]) ? o[k] : {});

function firstModel(v: unknown): string | undefined {
  if (typeof v === 'string') return v.slice(0, 200);
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0].slice(0, 200);
  return undefined;
}

export function aiperfPoint(o: Obj, where: string): BenchPoint {
  const root = isObj(o.records) ? o.records : o;
  const cfg = sub(o, 'input_config');
  const endpoint = sub(cfg, 'endpoint');
  const loadgen = sub(cfg, 'loadgen');
  const stimulus = sub(sub(cfg, 'perf_analyzer'), 'stimulus');
  const meta = { ...sub(o, 'metadata'), ...sub(cfg, 'metadata') };
  const w = `${where} input_config`;
  const concurrency =
    optInt(loadgen, 'concurrency', w) ?? optInt(cfg, 'concurrency', w) ?? optInt(stimulus, 'concurrency', w);
  const requestRate =
    optNum(loadgen, 'request_rate', w) ?? optNum(cfg, 'request_rate', w) ?? optNum(stimulus, 'request_rate', w);
  const requests = avg(root, 'request_count', where, false) ?? optNum(loadgen, 'request_count', w) ?? 1;
  return defined({
    format: 'aiperf',
    where,
    model:
      firstModel(endpoint.model_names) ??
      firstModel(cfg.model_names) ??
      firstModel(cfg.model) ??
      optStr(meta, 'model', where),
    ...statedSetup(meta, `${where} metadata`),
    engine: undefined,
    concurrency,
    requestRate,
    requests,
    inputTokens: avg(root, 'input_sequence_length', where, true)!,
    outputTokens: avg(root, 'output_sequence_length', where, true)!,
    measured: defined({
      ttftMs: avg(root, 'time_to_first_token', where, false),
      tpotMs: avg(root, 'inter_token_latency', where, false),
      outputTokPerSec: avg(root, 'output_token_throughput', where, false),
    }),
  });
}
