import { describe, expect, it } from 'vitest';
import BANDS from './error-bands.json';
import {
  BAND_FLOOR_PCT,
  bandTextsOf,
  bandsOf,
  formatBand,
  publicBand,
  withBandFields,
  type BandsFile,
} from './bands.ts';

const file = BANDS as BandsFile;
const measuredH100 = { basis: 'measured kernels · H100 SXM · vLLM 0.19.0', gpu: { id: 'h100-sxm', name: 'H100' } };

describe('error bands from the public fidelity residuals', () => {
  it('takes the most specific group with enough rows, else falls back', () => {
    const k = 'tpotMs|measured|vllm|h100-sxm';
    expect(file.bands[k]!.n).toBeGreaterThanOrEqual(3);
    expect(publicBand('tpotMs', 'measured', 'vllm', 'h100-sxm').pct).toBe(
      Math.max(BAND_FLOOR_PCT, file.bands[k]!.medianPct),
    );
    // No public row for vLLM on an MI300X: the pooled measured-or-roofline vLLM band answers.
    const b = publicBand('tpotMs', 'roofline', 'vllm', 'mi300x');
    expect(b.source).toMatch(/tpotMs\|roofline\|vllm \(n=/);
  });
  it('narrows with the scenario’s own residuals, never below the floor, never wider than the public band', () => {
    const plain = bandsOf(measuredH100, { runtime: { engine: { name: 'vllm' } } } as never);
    const cal = bandsOf(measuredH100, {
      runtime: {
        engine: {
          name: 'vllm',
          calibration: { v: 1, points: 16, factors: {}, residualPct: { tpotMs: 0.5, ttftMs: 900 } },
        },
      },
    } as never);
    expect(cal.tpotMs.pct).toBe(BAND_FLOOR_PCT);
    expect(cal.tpotMs.source).toBe('your 16 benchmark points');
    expect(cal.ttftMs.pct).toBe(plain.ttftMs.pct); // a worse own residual does not widen it
    expect(formatBand({ pct: 12.3, source: '' })).toBe('± 12 %');
    expect(formatBand({ pct: 2, source: '' })).toBe('± 2.0 %');
  });
  it('puts the band next to each number in the JSON', () => {
    const r = withBandFields(
      { ...measuredH100, metrics: { tpotMs: { mean: 18, p50: 18, p90: 19, p99: 20 }, outputTokPerSec: 900 } } as never,
      { runtime: {} } as never,
    ) as unknown as { metrics: Record<string, unknown> };
    expect(Object.keys(r.metrics)).toEqual(['tpotMs', 'tpotMsBandPct', 'outputTokPerSec', 'outputTokPerSecBandPct']);
  });
  it('gives the plan table its band texts: the band of each number and where it comes from', () => {
    const s = { runtime: { engine: { name: 'vllm' } } } as never;
    const t = bandTextsOf(measuredH100, s);
    const b = bandsOf(measuredH100, s);
    expect(t.ttftMs.text).toBe(formatBand(b.ttftMs));
    expect(t.tpotMs.title).toBe(`Expected error ${formatBand(b.tpotMs)}: ${b.tpotMs.source}`);
    // tok/s/GPU carries the output-throughput band (BANDED_METRICS).
    expect(t.outputTokPerSecPerGpu.text).toBe(formatBand(b.outputTokPerSec));
    expect(t.outputTokPerSecPerGpu.text).toMatch(/^± \d+(\.\d)? %$/);
  });
});
