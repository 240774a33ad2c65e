import { describe, expect, it } from 'vitest';
import { GIGA, TERA, attainable, ridgeIntensity, roofSegments, rooflineLayout } from './layout';
import { H100 } from './fixtures';

describe('roofline maths', () => {
  it('ridge point = peak / bandwidth', () => {
    expect(ridgeIntensity(989 * TERA, 3350 * GIGA)).toBeCloseTo(295.22, 2);
    expect(ridgeIntensity(100, 10)).toBe(10);
  });

  it('roof segments: slope to the ridge then flat', () => {
    const segs = roofSegments(100, 10, [1, 100]);
    expect(segs).toEqual([
      { x1: 1, y1: 10, x2: 10, y2: 100, kind: 'slope' },
      { x1: 10, y1: 100, x2: 100, y2: 100, kind: 'flat' },
    ]);
    // Ridge left of the domain: flat only; right of it: slope only.
    expect(roofSegments(100, 10, [20, 100]).map((s) => s.kind)).toEqual(['flat']);
    expect(roofSegments(100, 10, [1, 5]).map((s) => s.kind)).toEqual(['slope']);
    expect(roofSegments(0, 10, [1, 5])).toEqual([]);
  });

  it('attainable = min(peak, bw · I)', () => {
    expect(attainable(100, 10, 2)).toBe(20);
    expect(attainable(100, 10, 50)).toBe(100);
  });
});

describe('rooflineLayout', () => {
  const L = rooflineLayout(H100, 640, 420);

  it('filters points with non-positive or non-finite values', () => {
    expect(L.points.map((p) => p.id).sort()).toEqual(['a', 'b', 'c']);
    expect(L.dropped).toBe(3);
  });

  it('covers points and ridges with decade domains', () => {
    expect(L.xDomain[0]).toBeLessThanOrEqual(1.1);
    expect(L.xDomain[1]).toBeGreaterThanOrEqual(2600);
    for (const d of L.xDomain) expect(Math.log10(d) % 1).toBeCloseTo(0);
    expect(L.yDomain[1]).toBeGreaterThan(1979 * TERA);
  });

  it('labels x decades and y in FLOP/s SI units', () => {
    const xl = L.xTicks.filter((t) => t.label).map((t) => t.label);
    expect(xl).toContain('1');
    expect(xl).toContain('10');
    expect(xl).toContain('100');
    expect(xl).toContain('1k');
    const yl = L.yTicks.filter((t) => t.label).map((t) => t.label);
    expect(yl).toEqual(expect.arrayContaining(['1T', '10T', '100T', '1P']));
  });

  it('places one ridge per compute roof at peak / HBM bandwidth', () => {
    expect(L.ridges.map((r) => r.label)).toEqual(['FP8', 'BF16']);
    expect(L.ridges[1]?.intensity).toBeCloseTo(295.22, 1);
    expect(L.ridges[1]?.x).toBeCloseTo(L.x(295.22), 0);
    expect(L.ridges[1]?.y).toBeCloseTo(L.y(989 * TERA), 3);
  });

  it('draws the ceilings from their ridge to the right edge and a roof per link', () => {
    const bf16 = L.ceilings.find((c) => c.label === 'BF16');
    expect(bf16?.xStart).toBeCloseTo(L.x(295.22), 0);
    expect(bf16?.xEnd).toBe(640 - L.margin.right);
    expect(L.links).toHaveLength(2);
    for (const l of L.links) expect(l.path.startsWith('M')).toBe(true);
    expect(L.memoryPath.startsWith('M')).toBe(true);
    expect(L.memoryLabel?.text).toBe('HBM 3.35 TB/s');
  });

  it('sizes dots by time share (area) and draws big dots first', () => {
    const rs = L.points.map((p) => p.r);
    expect(rs).toEqual([...rs].sort((a, b) => b - a));
    const a = L.points.find((p) => p.id === 'a');
    const c = L.points.find((p) => p.id === 'c');
    expect((a?.r ?? 0) ** 2 / (c?.r ?? 1) ** 2).toBeCloseTo(2, 1);
  });

  it('survives empty input', () => {
    const E = rooflineLayout({ gpuLabel: 'x', ceilings: [], memoryGBps: 0, links: [], points: [] }, 400, 300);
    expect(E.points).toEqual([]);
    expect(E.memoryPath).toBe('');
    expect(E.xTicks.length).toBeGreaterThan(0);
  });
});

describe('rooflineLayout label de-collision', () => {
  // B200 dense peaks (NVIDIA DGX B200 datasheet: FP4 9 PF, FP8/INT8 4.5 PF, BF16 2.25 PF per GPU at
  // 8 TB/s HBM3e): FP8 and INT8 share a roof, so their labels and ridges would print on top of each other.
  const B200 = {
    ...H100,
    gpuLabel: 'B200',
    ceilings: [
      { label: 'FP4', tflops: 9000 },
      { label: 'FP8', tflops: 4500 },
      { label: 'INT8', tflops: 4500 },
      { label: 'BF16', tflops: 2250 },
      { label: 'TF32', tflops: 1100 },
    ],
    memoryGBps: 8000,
  };
  const overlap = (a: { lo: number; hi: number }, b: { lo: number; hi: number }) => a.lo < b.hi && b.lo < a.hi;

  for (const [w, h] of [
    [640, 420],
    [360, 260],
  ] as const) {
    const L = rooflineLayout(B200, w, h);
    it(`no two ceiling label boxes overlap (${w}×${h})`, () => {
      const boxes = L.ceilings.map((c) => ({ lo: c.textY - 11, hi: c.textY + 2 }));
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false);
      for (const b of boxes) expect(b.lo).toBeGreaterThanOrEqual(L.margin.top);
    });
    it(`no two ridge label boxes overlap (${w}×${h})`, () => {
      const boxes = L.ridges.map((r) => ({ lo: r.textX - 11, hi: r.textX + 2 }));
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false);
    });
  }

  it('leaves well-separated ceiling labels just above their roof', () => {
    const L = rooflineLayout(H100, 640, 420);
    for (const c of L.ceilings) expect(c.textY).toBeCloseTo(c.y - 5, 6);
  });
});
