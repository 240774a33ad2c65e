/**
 * `trtllm-bench … throughput` report: the text it prints (TensorRT-LLM docs, "TensorRT-LLM Benchmarking",
 * sections ENGINE DETAILS / WORLD + RUNTIME INFORMATION / PERFORMANCE OVERVIEW), one `Label: value` per line.
 * Lines read: Model, TensorRT-LLM Version, TP Size, PP Size, EP Size, Number of requests | Number of Sequences,
 * Average Input Length (tokens), Average Output Length (tokens) (1.x: the AVG row of the dataset's percentile
 * table, Input and Output columns), Total Output Throughput (tokens/sec) (older
 * releases: Token Throughput (tokens/sec)), Average time-to-first-token [TTFT] (ms), Average
 * time-per-output-token [TPOT] (ms) (streaming runs), Concurrency (`--concurrency`; absent = every request
 * queued at once, the offline max-throughput mode); GPU: / GPUs: lines the user adds.
 */
import type { BenchPoint } from '../types.ts';
import { BenchParseError, defined, optInt, optNum, optStr, type Obj } from './fields.ts';

const LABELS: [RegExp, string][] = [
  [/^model$/i, 'model'],
  [/^tensorrt-llm version$/i, 'version'],
  [/^tp size$/i, 'tp'],
  [/^pp size$/i, 'pp'],
  [/^ep size$/i, 'ep'],
  [/^number of (requests|sequences)$/i, 'requests'],
  [/^average input length \(tokens\)$/i, 'isl'],
  [/^average output length \(tokens\)$/i, 'osl'],
  [/^(total output throughput|token throughput) \(tokens\/sec\)$/i, 'outTps'],
  [/^average time-to-first-token \[ttft\] \(ms\)$/i, 'ttft'],
  [/^average time-per-output-token \[tpot\] \(ms\)$/i, 'tpot'],
  [/^(max )?concurrency$/i, 'concurrency'],
  [/^gpu$/i, 'gpu'],
  [/^gpus$/i, 'gpus'],
];

export function looksLikeTrtllmReport(text: string): boolean {
  return /PERFORMANCE OVERVIEW/.test(text) && /(Output|Token) Throughput \(tokens\/sec\)/i.test(text);
}

export function trtllmPoint(text: string, where: string): BenchPoint {
  const f: Obj = {};
  const lineOf: Record<string, number> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && i < 100_000; i++) {
    // Report lines are short; a longer one is not a `Label: value` line (and would cost regex time).
    if (lines[i]!.length > 400) continue;
    const m = /^\s*([^:=][^:]{0,80}?)\s*:\s*(\S.*)$/.exec(lines[i]!);
    if (!m) continue;
    m[2] = m[2]!.trimEnd();
    const hit = LABELS.find(([re]) => re.test(m[1]!));
    if (!hit || hit[1] in f) continue; // the first occurrence wins (percentile tables repeat labels)
    f[hit[1]] = m[2]!.replace(/%$/, '');
    lineOf[hit[1]] = i + 1;
  }
  // 1.x reports give the mean lengths only in the dataset's percentile table: "AVG:  1024.0000  256.0000  1280.0000".
  for (let i = 0; i < lines.length && i < 100_000 && f.isl === undefined; i++) {
    const m = lines[i]!.length > 400 ? null : /^\s*(AVG|AVERAGE):\s+(\S+)\s+(\S+)/i.exec(lines[i]!);
    if (m) {
      f.isl = m[2];
      f.osl = m[3];
      lineOf.isl = lineOf.osl = i + 1;
    }
  }
  const at = (k: string) => (lineOf[k] ? `${where} line ${lineOf[k]}` : where);
  const need = (k: string, label: string) => {
    if (f[k] === undefined) throw new BenchParseError(`${where}: missing the "${label}" line`);
    return optNum(f, k, at(k))!;
  };
  const requests = f.requests === undefined ? 1 : optInt(f, 'requests', at('requests'))!;
  const tp = optInt(f, 'tp', at('tp'));
  const pp = optInt(f, 'pp', at('pp'));
  return defined({
    format: 'trtllm-bench',
    where,
    model: optStr(f, 'model', at('model')),
    gpu: optStr(f, 'gpu', at('gpu')),
    tp,
    gpus: optInt(f, 'gpus', at('gpus')) ?? (tp !== undefined ? tp * (pp ?? 1) : undefined),
    engine: 'trtllm',
    engineVersion: optStr(f, 'version', at('version')),
    concurrency: optInt(f, 'concurrency', at('concurrency')),
    requests,
    inputTokens: need('isl', 'Average Input Length (tokens)'),
    outputTokens: need('osl', 'Average Output Length (tokens)'),
    measured: defined({
      ttftMs: optNum(f, 'ttft', at('ttft')),
      tpotMs: optNum(f, 'tpot', at('tpot')),
      outputTokPerSec: need('outTps', 'Total Output Throughput (tokens/sec)'),
    }),
  });
}
