import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../cost/deployment.ts';
import { parseScenario } from '../scenario/validate.ts';
import { buildWorkload, MOONCAKE_HASH_BLOCK_TOKENS } from './requests.ts';

function sc(workload: Record<string, unknown>, runtime: Record<string, unknown> = {}) {
  const p = parseScenario({ version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm' }, runtime, workload });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

describe('buildWorkload', () => {
  it('fixed lengths by default, distributions when given, seeded', () => {
    const fixed = buildWorkload(sc({ requests: 5, inputTokens: 100, outputTokens: 7 }));
    expect(fixed.requests.map((r) => [r.inputTokens, r.outputTokens, r.arrivalS])).toEqual(Array(5).fill([100, 7, 0]));
    expect(fixed.openLoop).toBe(false);
    const dist = sc({
      requests: 50,
      input: { kind: 'uniform', min: 10, max: 20 },
      output: { kind: 'lognormal', median: 50, sigma: 0.5 },
      arrival: { kind: 'poisson', ratePerSec: 3 },
      seed: 9,
    });
    const a = buildWorkload(dist);
    expect(a.requests.every((r) => r.inputTokens >= 10 && r.inputTokens <= 20)).toBe(true);
    expect(a.openLoop).toBe(true);
    expect(buildWorkload(dist).requests).toEqual(a.requests);
  });

  it('caps the request count with a warning', () => {
    const w = buildWorkload(sc({ requests: 500 }), 100);
    expect(w.requests.length).toBe(100);
    expect(w.warnings[0]).toMatch(/first 100/);
  });

  it('closed loop keeps the users; trace replay is open loop', () => {
    expect(buildWorkload(sc({ requests: 10, arrival: { kind: 'concurrency', users: 4 } })).closedLoopUsers).toBe(4);
    const data =
      '{"timestamp": 5000, "input_length": 1000, "output_length": 3, "hash_ids": [1, 2]}\n{"timestamp": 7000, "input_length": 600, "output_length": 4, "hash_ids": [1, 3]}';
    const t = buildWorkload(
      sc(
        { arrival: { kind: 'concurrency', users: 4 }, trace: { format: 'mooncake-jsonl', data } },
        { prefixCaching: true },
      ),
    );
    expect(t.closedLoopUsers).toBeNull();
    expect(t.requests.map((r) => r.arrivalS)).toEqual([0, 2]);
    expect(t.prefix).toEqual({ kind: 'hashes', blockTokens: MOONCAKE_HASH_BLOCK_TOKENS });
  });

  it('turns the shared-prefix knob into common leading block hashes', () => {
    const w = buildWorkload(
      sc(
        { requests: 3, inputTokens: 100, prefix: { sharedPrefixTokens: 64 } },
        { prefixCaching: true, kvBlockSize: 16 },
      ),
    );
    expect(w.prefix).toEqual({ kind: 'hashes', blockTokens: 16 });
    for (const r of w.requests) expect(r.hashIds).toEqual([0, 1, 2, 3]);
    expect(buildWorkload(sc({ requests: 3, prefix: { hitRate: 0.3 } }, { prefixCaching: true })).prefix).toEqual({
      kind: 'hit-rate',
      fraction: 0.3,
    });
  });

  it('throws a ScenarioError listing every bad line', () => {
    const data =
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0319600,-5,8\n2023-11-16 18:17:04.0781490,110,abc\n';
    try {
      buildWorkload(sc({ trace: { format: 'azure-csv', data } }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as Error).message).toMatch(/2 bad row\(s\)/);
      expect((e as Error).message).toMatch(/line 3/);
      expect((e as Error).message).toMatch(/line 4/);
    }
  });
});
