import { describe, expect, it } from 'vitest';
import { workloadSchema } from '../scenario/schema.ts';
import { getWorkloadPreset, matchWorkloadPreset, WORKLOAD_PRESETS } from './workloadPresets.ts';

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
});
