import { describe, expect, it } from 'vitest';
import { clusterGpus, instanceGpus, planGpus, stageGpus } from './planGpus.ts';

describe('plan GPU counts', () => {
  it('TP4 PP2 DP3 with attention-DP 2: 8 GPUs per stage, 16 per replica, 48 in all', () => {
    const p = { tp: 4, pp: 2, dp: 3, attentionDp: 2 };
    expect(stageGpus(p)).toBe(8);
    expect(instanceGpus(p)).toBe(16);
    expect(planGpus(p)).toBe(48);
  });

  it('a single GPU plan uses one GPU', () => {
    expect(planGpus({ tp: 1, pp: 1, dp: 1, attentionDp: 1 })).toBe(1);
  });

  it('a cluster of 2 nodes × 8 GPUs has 16 GPUs', () => {
    expect(clusterGpus({ nodes: 2, gpusPerNode: 8 })).toBe(16);
  });
});
