/**
 * `trtllm-bench … throughput --report_json FILE`: the same report as the printed text (trtllm.ts), as JSON
 * sections. No captured report was at hand (none in data/reference or the repository): the section and key
 * names below follow tensorrt_llm/bench/dataclasses/reporting.py (`get_statistics_dict`, unpinned, read from
 * memory) and each maps one-to-one onto a label the text parser reads:
 *   engine.model | engine.model_path                  ↔ Model            engine.version ↔ TensorRT-LLM Version
 *   world_info.tp_size / pp_size                      ↔ TP Size / PP Size
 *   request_info.num_requests                         ↔ Number of requests
 *   request_info.avg_input_length / avg_output_length ↔ Average Input / Output Length (tokens)
 *   performance.system_output_throughput_tok_s        ↔ Total Output Throughput (tokens/sec)
 *   streaming_metrics.avg_ttft_ms / avg_tpot_ms       ↔ Average TTFT / TPOT (ms) (streaming runs only;
 *     else the `average` of ttft_percentiles / tpot_percentiles)
 * Top-level `concurrency`, `gpu`, `gpus`, `tp`, `version` are read as the setup the user states alongside
 * (the text report's `Concurrency:` / `GPU:` lines; absent concurrency = offline max-throughput).
 */
import type { BenchPoint } from '../types.ts';
import { BenchParseError, defined, isObj, optInt, optNum, optStr, reqNum, statedSetup, type Obj } from './fields.ts';

type Section = 'engine' | 'world_info' | 'request_info' | 'performance' | 'streaming_metrics';

/** A trtllm-bench JSON report: a `performance` section and at least one other report section. */
export function looksLikeTrtllmJson(o: Obj): boolean {
  return isObj(o.performance) && (isObj(o.request_info) || isObj(o.engine) || isObj(o.world_info));
}

function section(o: Obj, key: Section, where: string, required: boolean): Obj {
  const v = o[key];
  if (isObj(v)) return v;
  if (v === undefined && !required) return {};
  throw new BenchParseError(
    v === undefined
      ? `${where}: missing the "${key}" section of a trtllm-bench --report_json report`
      : `${where}: ${key} must be an object (a trtllm-bench report section)`,
  );
}

/** The mean of a percentile block ({ average, p50, … }) when the report has no avg_* key. */
function average(o: Obj, key: string, where: string): number | undefined {
  return isObj(o[key]) ? optNum(o[key], 'average', `${where} ${key}`) : undefined;
}

export function trtllmJsonPoint(o: Obj, where: string): BenchPoint {
  const engine = section(o, 'engine', where, false);
  const world = section(o, 'world_info', where, false);
  const req = section(o, 'request_info', where, true);
  const perf = section(o, 'performance', where, true);
  const stream = section(o, 'streaming_metrics', where, false);
  const at = (s: string) => `${where} ${s}`;
  const stated = statedSetup(o, where);
  const tp = optInt(world, 'tp_size', at('world_info')) ?? stated.tp;
  const pp = optInt(world, 'pp_size', at('world_info'));
  return defined({
    format: 'trtllm-bench',
    where,
    model: optStr(engine, 'model', at('engine')) ?? optStr(engine, 'model_path', at('engine')),
    gpu: stated.gpu,
    tp,
    gpus: stated.gpus ?? (tp !== undefined ? tp * (pp ?? 1) : undefined),
    engine: 'trtllm',
    engineVersion: optStr(engine, 'version', at('engine')) ?? stated.engineVersion,
    concurrency: optInt(o, 'concurrency', where),
    requests: optInt(req, 'num_requests', at('request_info')) ?? 1,
    inputTokens: reqNum(req, 'avg_input_length', at('request_info')),
    outputTokens: reqNum(req, 'avg_output_length', at('request_info')),
    measured: defined({
      ttftMs:
        optNum(stream, 'avg_ttft_ms', at('streaming_metrics')) ??
        average(stream, 'ttft_percentiles', at('streaming_metrics')),
      tpotMs:
        optNum(stream, 'avg_tpot_ms', at('streaming_metrics')) ??
        average(stream, 'tpot_percentiles', at('streaming_metrics')),
      outputTokPerSec: reqNum(perf, 'system_output_throughput_tok_s', at('performance')),
    }),
  });
}
