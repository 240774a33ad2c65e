import { describe, expect, it } from 'vitest';
import { evaluateSteadyState } from '../evaluate/evaluate.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { aggregateOps, planRoofline, scaleUpName } from './roofline.ts';
import type { OpCost } from '../cost/roofline.ts';

function scenario(input: Record<string, unknown>): Scenario {
  const r = parseScenario({ version: 1, ...input });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const op = (
  name: string,
  flops: number,
  bytes: number,
  timeS: number,
  count = 1,
  kind: OpCost['kind'] = 'gemm',
): OpCost => ({
  name,
  kind,
  flops,
  bytes,
  timeS,
  computeS: 0,
  memoryS: 0,
  bound: flops / bytes > 100 ? 'compute' : 'memory',
  shape: '',
  count,
  stage: 0,
});

describe('aggregateOps', () => {
  it('sums an op over its executions and keeps FLOP-less ops off the roof', () => {
    const { points, offRoof } = aggregateOps(
      [
        op('qkv', 1e12, 1e9, 1e-3, 10),
        op('qkv', 1e12, 1e9, 1e-3, 10),
        op('all-reduce', 0, 1e8, 2e-3, 20, 'collective'),
      ],
      'decode',
    );
    expect(points).toHaveLength(1);
    const p = points[0]!;
    expect(p.intensityFlopPerByte).toBeCloseTo(1000);
    expect(p.achievedTflops).toBeCloseTo(1000); // 20e12 FLOPs in 20 ms
    expect(p.timeShare).toBeCloseTo(20 / 60);
    expect(offRoof).toHaveLength(1);
    expect(offRoof[0]!.name).toBe('all-reduce');
    expect(offRoof[0]!.timeShare).toBeCloseTo(40 / 60, 12);
  });
});

describe('planRoofline', () => {
  it('places prefill GEMMs right of decode GEMMs and shares sum to one per phase', () => {
    const s = scenario({ model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm', nodes: 1 }, plan: { tp: 8 } });
    const ev = evaluateSteadyState(s);
    const r = planRoofline(s, ev.metrics.concurrency);
    const qkv = (phase: string) => r.points.find((p) => p.phase === phase && p.label === 'qkv proj')!;
    expect(qkv('prefill').intensityFlopPerByte).toBeGreaterThan(qkv('decode').intensityFlopPerByte);
    expect(qkv('prefill').bound).toBe('compute');
    for (const phase of ['prefill', 'decode'] as const) {
      const share = [...r.points, ...r.offRoof].filter((p) => p.phase === phase).reduce((a, p) => a + p.timeShare, 0);
      expect(share).toBeCloseTo(1, 6);
    }
    expect(r.ceilings.some((c) => c.label === 'BF16 peak (GEMMs)' && c.tflops === 989)).toBe(true);
    expect(r.memoryGBps).toBe(3350);
    expect(r.links[0]!.label).toMatch(/^NVLink 4/);
  });

  it('uses GPU overrides and marks the FP8 roof for fp8 GEMMs', () => {
    const s = scenario({
      model: 'llama-3.1-8b',
      precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
      cluster: { gpu: 'h100-sxm', nodes: 1, gpuOverrides: { memoryBandwidthGBps: 3000 } },
      plan: { tp: 1, dp: 8 },
    });
    const r = planRoofline(s, evaluateSteadyState(s).metrics.concurrency);
    expect(r.memoryGBps).toBe(3000);
    expect(r.gemmMathDtype).toBe('fp8');
    expect(r.ceilings.find((c) => c.label.includes('(GEMMs)'))!.label).toBe('FP8 peak (GEMMs)');
  });

  it('names scale-up links briefly', () => {
    expect(scaleUpName('NVLink 4 (18 links) via NVSwitch')).toBe('NVLink 4');
    expect(scaleUpName('none (no NVLink); PCIe Gen4 x16')).toBe('PCIe (GPU to GPU)');
    expect(scaleUpName('ICI, 4 ports/chip, 2D torus, 256-chip pod')).toBe('ICI');
    expect(scaleUpName(undefined)).toBe('Scale-up link');
  });
});
