import { describe, expect, it } from 'vitest';
import { workloadSchema } from '../scenario/schema.ts';
import { getWorkloadPreset, matchWorkloadPreset, WORKLOAD_PRESETS } from './workloadPresets.ts';
import { maxModelLen } from '../export/commands.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { LengthDist } from '../workload/types.ts';

describe('workload presets', () => {
  it('are valid scenario workloads and each cites a trace', () => {
    expect(WORKLOAD_PRESETS.map((p) => p.id)).toEqual(['chat', 'code', 'long-context', 'agentic']);
    for (const p of WORKLOAD_PRESETS) {
      expect(workloadSchema.safeParse(p.workload).success, p.id).toBe(true);
      expect(p.source).toMatch(/trace/i);
    }
  });

  it('match the FORMATS.md statistics of the traces they cite', () => {
    expect(getWorkloadPreset('chat')!.workload).toMatchObject({
      inputTokens: 1155,
      outputTokens: 211,
      arrival: { kind: 'poisson', ratePerSec: 5.53 },
    });
    expect(getWorkloadPreset('code')!.workload).toMatchObject({
      inputTokens: 2048,
      outputTokens: 28,
      arrival: { ratePerSec: 2.57 },
    });
  });

  it('recognises a workload built from a preset', () => {
    const w = workloadSchema.parse(getWorkloadPreset('agentic')!.workload);
    expect(matchWorkloadPreset(w)?.id).toBe('agentic');
    expect(matchWorkloadPreset({ ...w, inputTokens: 1 })).toBeUndefined();
  });

  it('chat and code carry lognormal lengths whose quantiles follow the full traces (FORMATS.md)', () => {
    // Full-trace p50 / p90 / p99 (data/reference/traces/FORMATS.md, computed statistics).
    const q = (d: LengthDist, z: number) => (d.kind === 'lognormal' ? d.median * Math.exp(d.sigma * z) : NaN);
    const traces = {
      chat: { input: [1020, 2735, 4142], output: [129, 424, 601] },
      code: { input: [1469, 5188, 7436], output: [13, 55, 251] },
    } as const;
    for (const id of ['chat', 'code'] as const) {
      const w = getWorkloadPreset(id)!.workload;
      for (const part of ['input', 'output'] as const) {
        const d = w[part]!;
        expect(d.kind).toBe('lognormal');
        const [p50, p90, p99] = traces[id][part];
        expect(q(d, 0)).toBe(p50);
        // A two-parameter fit of three quantiles: each within 35 % of the trace's (|ln error| < 0.3; the
        // worst is code's prompt p90, 3,912 vs 5,188 — its p99 sits at the 7,437-token maximum).
        expect(Math.abs(Math.log(q(d, 1.2816) / p90))).toBeLessThan(0.3);
        expect(Math.abs(Math.log(q(d, 2.3263) / p99))).toBeLessThan(0.3);
      }
    }
  });

  it("the chat preset's launch command covers its p99 prompt, not its mean (issue 14: was 1,366)", () => {
    const w = getWorkloadPreset('chat')!.workload;
    const parsed = parseScenario({
      version: 1,
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
      workload: { ...w },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    // p99.9: 1020·e^(3.0902·0.6413) = 7,401 prompt + min(129·e^(3.0902·0.7236), 1,000) = 1,000 output.
    const len = maxModelLen(parsed.scenario);
    expect(len).toBeGreaterThan(4142 + 601);
    expect(len).toBe(8416); // 8,401 rounded up to 16-token blocks
    expect(matchWorkloadPreset(parsed.scenario.workload)?.id).toBe('chat');
  });
});
