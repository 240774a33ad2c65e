/**
 * Regression tests for issues 10 and 16: clamp-then-compute, `fits` means one sequence fits, every
 * number in a result is finite (absent with a reason otherwise), and the simulator's work budget.
 * No timing assertions (speed is measured in bench/bounds.ts); a regression to the old minutes-long
 * calls fails these tests by their time limit.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import { evaluateFast } from './fast.ts';
import { buildWorkload } from '../sim/requests.ts';
import type { Scenario } from '../scenario/schema.ts';
import { BOUNDS_CASES, type BoundsCase } from './bounds-cases.ts';
import type { EvaluationResult } from './evaluate.ts';
import { OPTIONAL_METRICS } from './metrics.ts';
import { evaluateSimulated } from './simulated.ts';

function scenarioOf(name: BoundsCase, patch: (s: Scenario) => Scenario = (s) => s): Scenario {
  const p = parseScenario(BOUNDS_CASES[name]);
  if (!p.ok) throw new Error(p.errors.join('; '));
  return patch(p.scenario);
}

/** Paths of every number in `x` that is NaN or ±Infinity (typed-array timelines excluded). */
function nonFinitePaths(x: unknown, path = '$', out: string[] = []): string[] {
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) out.push(path);
  } else if (Array.isArray(x)) {
    x.forEach((v, i) => nonFinitePaths(v, `${path}[${i}]`, out));
  } else if (x !== null && typeof x === 'object' && !ArrayBuffer.isView(x)) {
    for (const [k, v] of Object.entries(x)) nonFinitePaths(v, `${path}.${k}`, out);
  }
  return out;
}

/** Every absent optional metric has a reason, and every reason belongs to an absent metric. */
function expectAbsentExplained(r: EvaluationResult) {
  const m = r.metrics;
  for (const k of OPTIONAL_METRICS) {
    if (m[k] === undefined) expect(m.absent?.[k], k).toMatch(/\w/);
    else expect(m.absent?.[k], k).toBeUndefined();
  }
}

describe('clamp, then compute: a lognormal with a 5.6e11-token mean', () => {
  it('the P/D closed form uses the clamped mean and says so', () => {
    const r = evaluateFast(scenarioOf('lognormalPd'));
    expect(nonFinitePaths(r)).toEqual([]);
    expect(r.warnings).toContain(
      "lognormal input truncated at 131,072 tokens (Llama 3.1 8B's context window): 71 % of its mass lay beyond",
    );
    expectAbsentExplained(r);
  });

  it('the colocated closed form and the simulator sample the clamped distribution', () => {
    const s = scenarioOf('lognormalColocated');
    const fast = evaluateFast(s);
    expect(fast.warnings.filter((w) => w.includes('truncated at 131,072'))).toHaveLength(1);
    const sim = evaluateSimulated({ ...s, workload: { ...s.workload, requests: 40 } });
    expect(sim.warnings.filter((w) => w.includes('truncated at 131,072'))).toHaveLength(1);
    // No sampled prompt exceeds the context window.
    const reqs = buildWorkload(s, 2000, { contextTokens: 131_072, modelName: 'Llama 3.1 8B' }).requests;
    expect(Math.max(...reqs.map((q) => q.inputTokens))).toBe(131_072);
    expect(nonFinitePaths(fast)).toEqual([]);
    expect(nonFinitePaths(sim)).toEqual([]);
  });
});

describe('`fits` means at least one sequence of the longest request fits', () => {
  const reason = /^Does not fit: one 2,097,168-token sequence needs 275 GB of KV; 4\.1 GB free\./;

  it('Llama-3.1-8B on one L4 with a 2,097,152-token prompt: closed form', () => {
    const r = evaluateFast(scenarioOf('l4LongPrompt'));
    expect(r.memory.fits).toBe(false);
    expect(r.memory.maxConcurrentSeqs).toBe(0);
    expect(r.bottleneck).toMatch(reason);
    expect(r.bottleneck).not.toMatch(/Overloaded/);
    expect(r.metrics.overloaded).toBe(false);
    expect(r.metrics.outputTokPerSec).toBe(0);
    for (const k of OPTIONAL_METRICS) expect(r.metrics[k], k).toBeUndefined();
    expect(r.metrics.absent?.ttftMs).toMatch(reason);
    expect(nonFinitePaths(r)).toEqual([]);
  });

  it('the same plan in the simulator: fits false with the same reason, no NaN', () => {
    const r = evaluateSimulated(scenarioOf('l4LongPrompt'));
    expect(r.memory.fits).toBe(false);
    expect(r.bottleneck).toMatch(reason);
    expect(r.metrics.overloaded).toBe(false);
    expectAbsentExplained(r);
    expect(r.simulation.stability.ttftFirstQuarterS).toBeUndefined();
    expect(nonFinitePaths(r)).toEqual([]);
  });

  it('a plan whose weights fit but whose KV holds no mean request does not fit (closed form)', () => {
    const s = scenarioOf('l4LongPrompt', (x) => ({ ...x, workload: { ...x.workload, inputTokens: 200_000 } }));
    const r = evaluateFast(s);
    expect(r.memory.fits).toBe(false);
    expect(r.bottleneck).toMatch(/^Does not fit: one 200,016-token sequence needs 26\.2 GB of KV; 4\.1 GB free\./);
  });
});

describe('TPOT over zero inter-token gaps is absent in both engines', () => {
  it('one output token per request', () => {
    const s = scenarioOf('oneTokenOutput');
    for (const r of [evaluateFast(s), evaluateSimulated(s)]) {
      expect(r.metrics.tpotMs, r.method).toBeUndefined();
      expect(r.metrics.absent?.tpotMs, r.method).toMatch(/one token/);
      expect(r.metrics.ttftMs?.mean, r.method).toBeGreaterThan(0);
      expect(r.metrics.sloAttainment, r.method).toBe(1);
      expect(nonFinitePaths(r), r.method).toEqual([]);
    }
  });
});

describe('the simulator stops within its work budget and says so', () => {
  it('KIVI-2 + H2O with maxNumSeqs 1 and 262,144 output tokens: partial after the event budget', () => {
    const r = evaluateSimulated(scenarioOf('kiviH2oLongOutput'), { budget: { maxEvents: 10 } });
    const sim = r.simulation;
    expect(sim.partial?.reason).toBe(
      'stopped after 10 events (the 10-event budget): the workload does not drain within the budget',
    );
    expect(sim.events).toBe(10);
    expect(sim.truncated).toBe(sim.partial?.reason);
    expect(sim.finished).toBe(0);
    expectAbsentExplained(r);
    expect(r.metrics.absent?.ttftMs).toMatch(/^no request finished: stopped after 10 events/);
    expect(nonFinitePaths(r)).toEqual([]);
  });

  it('a wall-time budget stops the same run too', () => {
    const r = evaluateSimulated(scenarioOf('kiviH2oLongOutput'), { budget: { maxWallMs: 50 } });
    expect(r.simulation.partial?.reason).toMatch(/^stopped after \d+ events \(the 50 ms budget\)/);
    expect(nonFinitePaths(r)).toEqual([]);
  });

  it('DeepSeek-V3 TP8 · EP16 · ADP2, swap, shared prefix, 4,000 Poisson requests: partial, finite', () => {
    const r = evaluateSimulated(scenarioOf('deepseekSwapShare'), { budget: { maxEvents: 3000 } });
    const sim = r.simulation;
    expect(sim.partial?.events).toBe(3000);
    expect(sim.finished).toBeLessThan(sim.requests);
    // Swap space without an offload component is unbounded: no host capacity rather than Infinity.
    expect(sim.kvTiers).toBeDefined();
    expect(sim.kvTiers?.capacityGB.host).toBeUndefined();
    expectAbsentExplained(r);
    expect(nonFinitePaths(r)).toEqual([]);
  });

  it('a run that drains within the budget is not partial', () => {
    const r = evaluateSimulated(scenarioOf('oneTokenOutput'), { budget: { maxEvents: 1_000_000 } });
    expect(r.simulation.partial).toBeUndefined();
    expect(r.simulation.finished).toBe(50);
  });
});

describe('merged decode runs under KV strategies match step-by-step simulation', () => {
  const strategies = {
    'KIVI-2 + H2O': { quant: { dtype: 'kivi2' }, evict: { policy: 'h2o', budgetFraction: 0.2 } },
    'shared prefix': { share: { prefixTokens: 512 } },
    'KIVI-2': { quant: { dtype: 'kivi2' } },
  } as const;
  for (const [name, kvStrategy] of Object.entries(strategies)) {
    it(name, () => {
      const p = parseScenario({
        version: 1,
        model: 'llama-3.1-8b',
        cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
        runtime: { maxNumSeqs: 4, kvStrategy },
        workload: {
          requests: 12,
          inputTokens: 700,
          output: { kind: 'uniform', min: 200, max: 3000 },
          arrival: { kind: 'poisson', ratePerSec: 2 },
        },
      });
      if (!p.ok) throw new Error(p.errors.join('; '));
      const merged = evaluateSimulated(p.scenario);
      const steps = evaluateSimulated(p.scenario, { disableLeaps: true });
      expect(merged.simulation.finished).toBe(12);
      expect(merged.simulation.iterations).toBe(steps.simulation.iterations);
      expect(merged.simulation.decodeTokens).toBe(steps.simulation.decodeTokens);
      expect(merged.simulation.events).toBeLessThan(steps.simulation.events / 5);
      for (const k of ['ttftMs', 'tpotMs', 'e2eMs'] as const)
        for (const q of ['mean', 'p50', 'p99'] as const)
          expect(merged.metrics[k]![q] / steps.metrics[k]![q], `${k}.${q}`).toBeCloseTo(1, 9);
      expect(merged.metrics.outputTokPerSec).toBe(steps.metrics.outputTokPerSec);
    });
  }
});
