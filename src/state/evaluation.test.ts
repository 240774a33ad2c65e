import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from './defaults.ts';
import { kvChartCached, kvChartInSteps, kvChartOf } from './evaluation.ts';

describe('kvChartInSteps', () => {
  it('builds the same chart as kvChartOf, one strategy per step, and caches it', async () => {
    // Two distinct objects: the caches are keyed by scenario identity.
    const a = { ...DEFAULT_SCENARIO, cluster: { ...DEFAULT_SCENARIO.cluster, nodes: 8 } };
    const b = { ...a };
    const whole = kvChartOf(a);
    expect(kvChartCached(b)).toBeUndefined();
    const stepped = await kvChartInSteps(b, () => false);
    expect(whole.ok).toBe(true);
    expect(stepped).toEqual(whole);
    expect(kvChartCached(b)).toBe(stepped);
  });

  it('stops, caching nothing, when the scenario goes stale between steps', async () => {
    const c = { ...DEFAULT_SCENARIO };
    let steps = 0;
    const out = await kvChartInSteps(c, () => ++steps > 2);
    expect(out).toBeNull();
    expect(kvChartCached(c)).toBeUndefined();
  });

  it('returns a plan that does not resolve as a failed outcome', async () => {
    const bad = { ...DEFAULT_SCENARIO, plan: { ...DEFAULT_SCENARIO.plan, tp: 3 } };
    const out = await kvChartInSteps(bad, () => false);
    expect(out?.ok).toBe(false);
  });
});
