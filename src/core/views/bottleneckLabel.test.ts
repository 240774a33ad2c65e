import { describe, expect, it } from 'vitest';
import { evaluateSteadyState } from '../evaluate/evaluate.ts';
import { parseScenario } from '../scenario/validate.ts';
import { bottleneckLabel } from './bottleneckLabel.ts';

const ev = (input: Record<string, unknown>) => {
  const r = parseScenario({ version: 1, ...input });
  if (!r.ok) throw new Error(r.errors.join());
  return evaluateSteadyState(r.scenario);
};

describe('bottleneckLabel', () => {
  it('names the dominant part of a decode step and the batch limit', () => {
    const r = ev({
      model: 'llama-3.1-70b',
      cluster: { gpu: 'h100-sxm' },
      plan: { tp: 8 },
      workload: { arrival: { kind: 'offline' }, requests: 5000 },
    });
    expect(r.bottleneck).toMatch(/dominated by/);
    expect(bottleneckLabel(r)).toMatch(/^(Weights|KV reads|GEMM compute|Comms|Launch\/host) \d+%( · (KV|seq) cap)?$/);
  });

  it('says when the plan does not fit or is overloaded', () => {
    expect(bottleneckLabel(ev({ model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm' }, plan: { tp: 1 } }))).toBe(
      'Does not fit',
    );
    expect(
      bottleneckLabel(
        ev({
          model: 'llama-3.1-70b',
          cluster: { gpu: 'h100-sxm' },
          plan: { tp: 8 },
          workload: { arrival: { kind: 'poisson', ratePerSec: 5000 } },
        }),
      ),
    ).toBe('Overloaded');
  });
});
