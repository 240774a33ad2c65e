import { describe, expect, it } from 'vitest';
import { evaluateSimulated } from '../evaluate/simulated.ts';
import { parseScenario } from '../scenario/validate.ts';
import { requestTimeline } from './requestTimeline.ts';

describe('requestTimeline', () => {
  const r = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1 },
    plan: { tp: 2, dp: 4 },
    workload: { inputTokens: 512, outputTokens: 64, requests: 200, arrival: { kind: 'poisson', ratePerSec: 30 } },
  });
  if (!r.ok) throw new Error(r.errors.join());
  const ev = evaluateSimulated(r.scenario, { timeline: true });

  it('gives each request queued → prefill → decode spans that end at its completion', () => {
    const t = requestTimeline(ev.simulation.timeline!, 50);
    expect(t.shown).toBe(50);
    expect(t.total).toBe(ev.simulation.finished);
    expect(new Set(t.lanes.map((l) => l.group)).size).toBeGreaterThan(1);
    for (let lane = 0; lane < t.lanes.length; lane++) {
      const mine = [...t.spans.lane.keys()].filter((i) => t.spans.lane[i] === lane);
      const kinds = mine.map((i) => t.spans.kind[i]);
      expect(kinds[kinds.length - 1]).toBe(2); // ends decoding
      for (let k = 1; k < mine.length; k++)
        expect(t.spans.startUs[mine[k]!]).toBeCloseTo(t.spans.endUs[mine[k - 1]!]!, 6);
    }
  });
});
