import { describe, expect, it } from 'vitest';
import { evaluateSimulated } from '../evaluate/simulated.ts';
import { parseScenario } from '../scenario/validate.ts';
import { empiricalCdf, kvUsageSeries, latencyCdfs } from './latency.ts';

describe('empiricalCdf', () => {
  it('sorts, drops non-finite values and ends at 1', () => {
    expect(empiricalCdf([3, NaN, 1, 2, Infinity])).toEqual([
      [1, 1 / 3],
      [2, 2 / 3],
      [3, 1],
    ]);
    expect(empiricalCdf([])).toEqual([]);
  });

  it('thins long inputs but keeps the maximum', () => {
    const cdf = empiricalCdf(
      Array.from({ length: 1001 }, (_, i) => i),
      100,
    );
    expect(cdf.length).toBeLessThanOrEqual(101);
    expect(cdf[cdf.length - 1]).toEqual([1000, 1]);
  });
});

describe('latencyCdfs', () => {
  const r = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1 },
    plan: { tp: 1, dp: 8 },
    workload: { inputTokens: 512, outputTokens: 64, requests: 300, arrival: { kind: 'poisson', ratePerSec: 20 } },
  });
  if (!r.ok) throw new Error(r.errors.join());
  const ev = evaluateSimulated(r.scenario, { timeline: true });

  it('agrees with the simulator’s own percentiles', () => {
    const c = latencyCdfs(ev.simulation, 10_000)!;
    expect(c.finished).toBe(ev.simulation.finished);
    const p50 = c.ttftMs.find(([, f]) => f >= 0.5)![0];
    expect(p50).toBeCloseTo(ev.metrics.ttftMs!.p50, -1);
    expect(c.e2eMs[c.e2eMs.length - 1]![1]).toBe(1);
  });

  it('is null without a timeline and gives KV usage in percent', () => {
    const plain = evaluateSimulated(r.scenario);
    expect(latencyCdfs(plain.simulation)).toBeNull();
    const kv = kvUsageSeries(plain.simulation);
    expect(kv.mean.length).toBeGreaterThan(0);
    expect(Math.max(...kv.max.map((p) => p[1]))).toBeLessThanOrEqual(100);
  });
});
