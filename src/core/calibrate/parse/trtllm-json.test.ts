import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectBenchFormat, parseBenchmark } from './index.ts';

const SAMPLE = resolve(import.meta.dirname, '../../../../data/samples/bench/trtllm-bench-report.json');
const text = readFileSync(SAMPLE, 'utf8');
const report = () => JSON.parse(text) as Record<string, Record<string, unknown>>;

describe('trtllm-bench --report_json', () => {
  it('is detected as trtllm-bench and read field by field', () => {
    expect(detectBenchFormat(text)).toBe('trtllm-bench');
    const r = parseBenchmark(text, 'r.json');
    expect(r).toEqual({
      ok: true,
      warnings: [],
      points: [
        {
          format: 'trtllm-bench',
          where: 'r.json',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          gpu: 'h100-sxm',
          tp: 1,
          gpus: 1,
          engine: 'trtllm',
          engineVersion: '1.3.0',
          concurrency: 64,
          requests: 640,
          inputTokens: 1024,
          outputTokens: 256,
          measured: { ttftMs: 182.4, tpotMs: 9.81, outputTokPerSec: 6104.4356 },
        },
      ],
    });
  });

  it('a non-streaming run has throughput only; percentile averages stand in for missing avg_* keys', () => {
    const noStream = report();
    delete noStream.streaming_metrics;
    delete noStream.concurrency;
    const r = parseBenchmark(JSON.stringify(noStream), 'r.json');
    expect(r.ok && r.points[0]!.measured).toEqual({ outputTokPerSec: 6104.4356 });
    expect(r.ok && r.points[0]!.concurrency).toBeUndefined();
    const pct = report();
    delete pct.streaming_metrics!.avg_ttft_ms;
    const p = parseBenchmark(JSON.stringify(pct), 'r.json');
    expect(p.ok && p.points[0]!.measured.ttftMs).toBe(182.4);
  });

  it('refuses a broken report with one line naming the section and field', () => {
    const cases: [(o: Record<string, Record<string, unknown>>) => void, string][] = [
      [
        (o) => delete o.request_info,
        'r.json: missing the "request_info" section of a trtllm-bench --report_json report',
      ],
      [
        (o) => delete o.request_info!.avg_input_length,
        'r.json request_info: missing avg_input_length (a positive number)',
      ],
      [
        (o) => delete o.performance!.system_output_throughput_tok_s,
        'r.json performance: missing system_output_throughput_tok_s (a positive number)',
      ],
      [
        (o) => (o.streaming_metrics!.avg_tpot_ms = 'fast'),
        'r.json streaming_metrics: avg_tpot_ms must be a positive number, got "fast"',
      ],
      [(o) => (o.world_info = 'tp8' as never), 'r.json: world_info must be an object (a trtllm-bench report section)'],
    ];
    for (const [edit, message] of cases) {
      const o = report();
      edit(o);
      expect(parseBenchmark(JSON.stringify(o), 'r.json')).toEqual({ ok: false, message });
    }
  });

  it('forcing the format on another tool’s JSON says what is missing', () => {
    const vllm = readFileSync(resolve(SAMPLE, '../vllm-bench-serve.json'), 'utf8');
    expect(parseBenchmark(vllm, 'v.json', 'trtllm-bench')).toEqual({
      ok: false,
      message: 'v.json: missing the "request_info" section of a trtllm-bench --report_json report',
    });
  });
});
