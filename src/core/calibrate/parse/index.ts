/**
 * Benchmark-result import: detect the format of a pasted/dropped file and read its runs as BenchPoints.
 * Never throws: bad input comes back as `{ ok: false, message }`, one line naming the place and field.
 */
import { BENCH_FORMATS, type BenchFormat, type BenchPoint, type ParseOutcome } from '../types.ts';
import { aiperfPoint } from './aiperf.ts';
import { BenchParseError, isObj, parseJsonObject, type Obj } from './fields.ts';
import { sglangPoint } from './sglang.ts';
import { looksLikeTrtllmReport, trtllmPoint } from './trtllm.ts';
import { looksLikeTrtllmJson, trtllmJsonPoint } from './trtllm-json.ts';
import { vllmPoint } from './vllm.ts';

/** Larger pastes are refused: a result file is kilobytes (`--save-detailed` per-request arrays: a few MB). */
export const MAX_BENCH_BYTES = 32 * 1024 * 1024;
/** Runs per file the fit takes at most. */
export const MAX_BENCH_POINTS = 1000;

/** Python's json.dumps writes inf/nan as bare Infinity/NaN (SGLang's request_rate=inf): read them as null. */
function pythonJson(text: string): string {
  return text.replace(/(:\s*)-?(Infinity|NaN)\b/g, '$1null');
}

function isAiperf(o: Obj): boolean {
  const root = isObj(o.records) ? o.records : o;
  return isObj(root.time_to_first_token) || isObj(root.output_token_throughput) || isObj(root.request_latency);
}

/** The format of a benchmark file, or null when it is none of the four. */
export function detectBenchFormat(text: string): BenchFormat | null {
  if (looksLikeTrtllmReport(text)) return 'trtllm-bench';
  const t = text.trim();
  if (!t.startsWith('{')) return null;
  const lines = t.split(/\r?\n/).filter((l) => l.trim() !== '');
  let first: unknown;
  try {
    first = JSON.parse(pythonJson(t));
  } catch {
    try {
      first = JSON.parse(pythonJson(lines[0]!));
      if (isObj(first) && lines.length > 1) return 'sglang-bench-serving';
    } catch {
      return null;
    }
  }
  if (!isObj(first)) return null;
  if (looksLikeTrtllmJson(first)) return 'trtllm-bench';
  if (isAiperf(first)) return 'aiperf';
  if ('mean_e2e_latency_ms' in first || 'server_info' in first || 'sharegpt_output_len' in first)
    return 'sglang-bench-serving';
  if ('mean_ttft_ms' in first || 'output_throughput' in first || 'model_id' in first) return 'vllm-bench-serve';
  return null;
}

function pointsOf(format: BenchFormat, text: string, name: string): BenchPoint[] {
  switch (format) {
    case 'trtllm-bench':
      // The printed report, or the same report as `--report_json` JSON.
      return text.trimStart().startsWith('{')
        ? [trtllmJsonPoint(parseJsonObject(pythonJson(text), name), name)]
        : [trtllmPoint(text, name)];
    case 'aiperf':
      return [aiperfPoint(parseJsonObject(pythonJson(text), name), name)];
    case 'vllm-bench-serve':
      return [vllmPoint(parseJsonObject(pythonJson(text), name), name)];
    case 'sglang-bench-serving': {
      const out: BenchPoint[] = [];
      const lines = text.split(/\r?\n/);
      for (let i = 0; i < lines.length; i++) {
        if (lines[i]!.trim() === '') continue;
        if (out.length >= MAX_BENCH_POINTS)
          throw new BenchParseError(`${name}: more than ${MAX_BENCH_POINTS} runs; split the file`);
        const where = `${name} line ${i + 1}`;
        out.push(sglangPoint(parseJsonObject(pythonJson(lines[i]!), where), where));
      }
      if (out.length === 0) throw new BenchParseError(`${name}: no result lines`);
      return out;
    }
  }
}

/**
 * Parse one benchmark file. `format` forces a parser (else it is detected); `name` labels errors.
 * A run that measured none of TTFT, TPOT or output throughput is refused.
 */
export function parseBenchmark(text: string, name = 'benchmark', format?: BenchFormat): ParseOutcome {
  if (typeof text !== 'string') return { ok: false, message: `${name}: expected the file's text` };
  if (text.length > MAX_BENCH_BYTES)
    return {
      ok: false,
      message: `${name}: ${(text.length / 1e6).toFixed(0)} MB is more than a benchmark result (32 MB at most)`,
    };
  if (format !== undefined && !BENCH_FORMATS.includes(format))
    return { ok: false, message: `format must be one of ${BENCH_FORMATS.join(', ')}` };
  const f = format ?? detectBenchFormat(text);
  if (!f)
    return {
      ok: false,
      message: `${name}: not a recognised benchmark result (expected vLLM bench serve JSON, SGLang bench_serving JSONL, aiperf/genai-perf profile export JSON or a trtllm-bench report, printed or --report_json)`,
    };
  try {
    const points = pointsOf(f, text, name);
    for (const p of points)
      if (Object.keys(p.measured).length === 0)
        throw new BenchParseError(`${p.where}: measures none of TTFT, TPOT or output throughput`);
    const warnings = points
      .filter((p) => p.model === undefined)
      .map((p) => `${p.where}: the file does not name the model; it is taken to be the scenario's`);
    return { ok: true, points, warnings };
  } catch (e) {
    if (e instanceof BenchParseError) return { ok: false, message: e.message };
    if (e instanceof RangeError) return { ok: false, message: `${name}: nested too deeply to be a benchmark result` };
    return { ok: false, message: `${name}: ${(e as Error).message}` };
  }
}
