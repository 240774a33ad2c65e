/**
 * Memory tiers in the simulator (issue 6): HBM, host DRAM, NVMe. Swap preemption and an offload
 * strategy's swap space move KV between them; the byte counters must conserve — what left HBM for a
 * tier is still there or came back — occupancy never exceeds a tier's capacity, and every move is a
 * timeline row the Gantt can draw.
 */
import { describe, expect, it } from 'vitest';
import { resolvePools } from '../cost/pools.ts';
import { memoryReport } from '../cost/memory.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { simulate, XFER_D2H, XFER_FROM_NVME, XFER_H2D, XFER_TO_NVME, type SimRaw } from './engine.ts';
import { buildWorkload } from './requests.ts';

function scenario(runtime: Record<string, unknown>, workload: Record<string, unknown> = {}): Scenario {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 2 },
    plan: { dp: 2 },
    runtime,
    workload: {
      inputTokens: 12_000,
      outputTokens: 600,
      requests: 160,
      arrival: { kind: 'poisson', ratePerSec: 20 },
      input: { kind: 'uniform', min: 4000, max: 20_000 },
      ...workload,
    },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

function run(s: Scenario, timelineIterations = 100_000): SimRaw {
  const rp = resolvePools(s);
  const w = buildWorkload(s, 10_000);
  return simulate({
    pools: rp.pools.map((p) => ({
      role: p.role,
      dep: p.dep,
      instances: p.instances,
      kvTokensPerGroup: memoryReport(p.dep).maxKvTokensPerGroup,
    })),
    requests: w.requests,
    closedLoopUsers: w.closedLoopUsers,
    prefix: w.prefix,
    kvTransfer: null,
    maxIterations: 5_000_000,
    timelineIterations,
  });
}

function checkConservation(raw: SimRaw): void {
  const t = raw.tiers!;
  expect(t).not.toBeNull();
  const eps = 1e-6 * Math.max(1, t.d2hBytes + t.toSsdBytes);
  for (let i = 0; i < t.t.length; i++) {
    expect(t.hostBytes[i]!).toBeGreaterThanOrEqual(-eps);
    expect(t.ssdBytes[i]!).toBeGreaterThanOrEqual(-eps);
    expect(t.hostBytes[i]!).toBeLessThanOrEqual(t.capacity.hostBytes + eps);
    expect(t.ssdBytes[i]!).toBeLessThanOrEqual(t.capacity.ssdBytes + eps);
    expect(t.hbmBytes[i]!).toBeLessThanOrEqual(t.capacity.hbmBytes + eps);
  }
  // Everything finished: every swapped byte came back from the tier it went to.
  expect(raw.status.every((x) => x === 1)).toBe(true);
  expect(t.h2dBytes).toBeCloseTo(t.d2hBytes, -2);
  expect(t.fromSsdBytes).toBeCloseTo(t.toSsdBytes, -2);
  expect(Math.abs(t.hostBytes[t.hostBytes.length - 1]!)).toBeLessThanOrEqual(eps);
  expect(Math.abs(t.ssdBytes[t.ssdBytes.length - 1]!)).toBeLessThanOrEqual(eps);
  // Timeline rows add up to the counters, per kind.
  const x = raw.tierTransfers;
  expect(x.total).toBe(x.count);
  const sum = (kind: number, cause?: number) => {
    let s = 0;
    for (let i = 0; i < x.count; i++)
      if (x.kind[i] === kind && (cause === undefined || x.cause[i] === cause)) s += x.bytes[i]!;
    return s;
  };
  expect(sum(XFER_D2H)).toBeCloseTo(t.d2hBytes, -2);
  expect(sum(XFER_H2D, 0)).toBeCloseTo(t.h2dBytes, -2);
  expect(sum(XFER_H2D, 1)).toBeCloseTo(t.reloadBytes, -2);
  expect(sum(XFER_TO_NVME)).toBeCloseTo(t.toSsdBytes, -2);
  expect(sum(XFER_FROM_NVME)).toBeCloseTo(t.fromSsdBytes, -2);
  let seconds = 0;
  for (let i = 0; i < x.count; i++) seconds += x.durationS[i]!;
  expect(seconds).toBeCloseTo(t.transferS, 9);
}

describe('tier accounting', () => {
  it('runtime swap preemption without a strategy: host unbounded, bytes conserved', () => {
    const raw = run(scenario({ preemption: 'swap' }));
    expect(raw.preemptions).toBeGreaterThan(0);
    expect(raw.tiers!.capacity.hostBytes).toBe(Infinity);
    expect(raw.tiers!.d2hBytes).toBeGreaterThan(0);
    checkConservation(raw);
  });

  it('an offload strategy is the swap space: small host, then NVMe, then recompute — conserved and bounded', () => {
    const raw = run(scenario({ kvStrategy: { offload: { hostGB: 1, ssdGB: 2, ssdGBps: 7 } } }));
    const t = raw.tiers!;
    expect(t.capacity.hostBytes).toBe(2 * 1e9 * 1);
    expect(t.capacity.ssdBytes).toBe(2 * 2e9);
    expect(t.d2hBytes).toBeGreaterThan(0);
    expect(t.toSsdBytes).toBeGreaterThan(0);
    expect(t.swapFallbacks).toBeGreaterThan(0);
    expect(raw.recomputedTokens).toBeGreaterThan(0);
    checkConservation(raw);
  });

  it('quantized + evicting strategy with offload and multi-turn reloads: conserved', () => {
    const raw = run(
      scenario(
        {
          kvStrategy: {
            quant: { dtype: 'fp8' },
            evict: { policy: 'h2o', budgetFraction: 0.5 },
            offload: { hostGB: 4, multiTurnReuse: { ttlS: 300, hitRate: 0.5 } },
          },
        },
        { requests: 200, arrival: { kind: 'poisson', ratePerSec: 40 } },
      ),
    );
    expect(raw.tiers!.reloadBytes).toBeGreaterThan(0);
    checkConservation(raw);
  });

  it('offload swap beats recompute when KV runs out (no prompt is prefilled twice)', () => {
    const rec = run(scenario({}), 0);
    const swp = run(scenario({ kvStrategy: { offload: { hostGB: 64 } } }), 0);
    expect(rec.preemptions).toBeGreaterThan(0);
    expect(swp.recomputedTokens).toBe(0);
    expect(swp.prefillTokens).toBeLessThan(rec.prefillTokens);
    expect(swp.tiers!.h2dBytes).toBeGreaterThan(0);
  });

  it('no swap and no strategy: no tier tracking (results unchanged)', () => {
    const raw = run(scenario({}), 0);
    expect(raw.tiers).toBeNull();
    expect(raw.tierTransfers.total).toBe(0);
  });
});
