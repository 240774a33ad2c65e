/**
 * restateReason: a reason written from the closed form keeps its sibling comparison, but what it
 * says about the plan's own outcome (no goodput, overloaded) follows the second-pass result.
 * Llama-3.1-70B on 2 × 8 H100, TP4 DP2: at 1 req/s it meets the SLOs; at 200 req/s it has no goodput.
 */
import { describe, expect, it } from 'vitest';
import { evaluateFast } from '../evaluate/fast.ts';
import { parseScenario } from '../scenario/validate.ts';
import { restateReason } from './explain.ts';

function at(ratePerSec: number) {
  const r = parseScenario({
    version: 1,
    model: 'llama-3.1-70b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    plan: { tp: 4, dp: 2 },
    workload: { inputTokens: 1024, outputTokens: 256, requests: 1000, arrival: { kind: 'poisson', ratePerSec } },
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return evaluateFast(r.scenario);
}

describe('restateReason', () => {
  const good = at(1);
  const bad = at(200);
  const body = 'TP4 DP2 beats TP8 DP1: 1.9x goodput';

  it('the fixtures are what they claim', () => {
    expect(good.metrics.goodputReqPerSec).toBeGreaterThan(0);
    expect(bad.metrics.goodputReqPerSec).toBe(0);
  });

  it('drops the SLO-miss prefix when the second pass finds goodput, and adds it when it finds none', () => {
    const missed = restateReason(body, good, bad, 'goodput');
    expect(missed).not.toBe(body);
    expect(missed.endsWith(`; ${body}`)).toBe(true);
    expect(restateReason(missed, bad, good, 'goodput')).toBe(body);
  });

  it('leaves the reason alone when the outcome does not change, or the objective is not goodput', () => {
    expect(restateReason(body, good, good, 'goodput')).toBe(body);
    expect(restateReason(body, good, bad, 'throughput-per-gpu')).toBe(body);
  });

  it('an "overloaded" reason becomes the plan\'s bottleneck once the second pass keeps up', () => {
    const r = restateReason('overloaded: the offered load exceeds what this plan serves', bad, good, 'goodput');
    expect(r).toBe((good.bottleneck.split('. ')[0] ?? '').replace(/\.$/, ''));
  });
});
