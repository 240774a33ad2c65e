import { describe, expect, it } from 'vitest';
import { groupGpus, memoryLayout, stackGpu, tierText } from './layout';
import type { GpuMemory } from './layout';

const gpu = (label: string, w = 17.5, kv = 46, act = 4, res = 5.5, other?: number): GpuMemory => ({
  label,
  weightsGB: w,
  kvCacheGB: kv,
  activationsGB: act,
  reservedGB: res,
  ...(other !== undefined ? { otherGB: other } : {}),
});

describe('memory stacks', () => {
  it('stacks parts cumulatively and sums to the total', () => {
    const s = stackGpu(gpu('g', 17.5, 46, 4, 5.5, 1.2));
    expect(s.totalGB).toBeCloseTo(74.2);
    expect(s.segments.map((x) => x.key)).toEqual(['weightsGB', 'kvCacheGB', 'activationsGB', 'reservedGB', 'otherGB']);
    expect(s.segments[0]?.x0).toBe(0);
    for (let i = 1; i < s.segments.length; i++) expect(s.segments[i]?.x0).toBe(s.segments[i - 1]?.x1);
    expect(s.segments.at(-1)?.x1).toBeCloseTo(s.totalGB);
  });

  it('treats missing, negative and NaN parts as zero and omits them', () => {
    const s = stackGpu({ label: 'g', weightsGB: 10, kvCacheGB: -3, activationsGB: Number.NaN, reservedGB: 2 });
    expect(s.totalGB).toBe(12);
    expect(s.segments.map((x) => x.key)).toEqual(['weightsGB', 'reservedGB']);
  });
});

describe('grouping', () => {
  it('keeps one bar per GPU up to 16', () => {
    const g = groupGpus(Array.from({ length: 16 }, (_, i) => gpu(`GPU ${i}`)));
    expect(g).toHaveLength(16);
    expect(g.every((x) => x.count === 1)).toBe(true);
  });

  it('groups identical GPUs beyond 16 with a ×N label, in first-appearance order', () => {
    const gpus = Array.from({ length: 32 }, (_, i) => gpu(`GPU ${i}`, i < 8 ? 42 : 38));
    const g = groupGpus(gpus);
    expect(g.map((x) => [x.label, x.count])).toEqual([
      ['GPU 0 ×8', 8],
      ['GPU 8 ×24', 24],
    ]);
    expect(g[1]?.members[0]).toBe('GPU 8');
    expect(g.reduce((a, x) => a + x.count, 0)).toBe(32);
  });
});

describe('memoryLayout', () => {
  it('marks bars over capacity with the excess and px extents', () => {
    const L = memoryLayout(80, [gpu('ok'), gpu('over', 35, 44.2, 3.5, 5.5)], undefined, 640);
    const [ok, over] = L.rows;
    expect(ok?.over).toBe(false);
    expect(ok?.freeGB).toBeCloseTo(7);
    expect(ok?.freePx?.[1]).toBeCloseTo(L.capacityX);
    expect(over?.over).toBe(true);
    expect(over?.overGB).toBeCloseTo(8.2);
    expect(over?.endText).toBe('+8.2 GB over');
    expect(over?.excessPx?.[0]).toBeCloseTo(L.capacityX);
    expect(L.overCount).toBe(1);
    expect(L.legend.map((l) => l.label)).toContain('Over capacity');
    // Segments are monotone in px and the capacity line lies inside the plot.
    expect(L.capacityX).toBeGreaterThan(L.plotX0);
    expect(L.capacityX).toBeLessThanOrEqual(L.plotX1);
  });

  it('lays out tiers against their own capacity', () => {
    const L = memoryLayout(
      80,
      [gpu('a')],
      [
        { label: 'Host DRAM', usedGB: 512, capacityGB: 2048 },
        { label: 'Peer', usedGB: 90, capacityGB: 64 },
      ],
      640,
    );
    expect(L.tiers).toHaveLength(2);
    expect(L.tiers[0]?.usedPx).toBeCloseTo(L.plotX0 + 0.25 * (L.plotX1 - L.plotX0));
    expect(L.tiers[1]?.over).toBe(true);
    expect(L.tiers[1]?.usedPx).toBeCloseTo(L.plotX1);
    expect(L.height).toBeGreaterThan(L.tiers[1]?.y ?? 0);
  });

  it('formats tier text', () => {
    expect(tierText(412, 2048)).toBe('412 GB / 2,048 GB (20%)');
    expect(tierText(90, 64)).toBe('+26 GB over');
  });
});
