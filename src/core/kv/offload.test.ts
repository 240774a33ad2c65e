import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  effectiveHitRate,
  exposedTransferS,
  multiTurnStoreBytes,
  placeInTiers,
  reloadBytes,
  ssdReadGBps,
  swapPreemptionS,
  transferS,
} from './offload.ts';
import { kvStrategySchema } from './types.ts';

describe('tiered offload', () => {
  it('layer-wise prefetch hides transfer behind compute: exposed = max(0, transfer − compute)', () => {
    expect(exposedTransferS(0.03, 0.02, true)).toBeCloseTo(0.01, 12);
    expect(exposedTransferS(0.01, 0.02, true)).toBe(0);
    expect(exposedTransferS(0.01, 0.02, false)).toBe(0.01);
    // 16 GiB of KV over PCIe Gen5 (64 GB/s): 0.268 s.
    expect(transferS(16 * 2 ** 30, 64)).toBeCloseTo(0.268435456, 9);
  });

  it('NVMe reads are bounded by the drive and by the host link', () => {
    const o = kvStrategySchema.parse({ offload: { ssdGB: 1000, ssdGBps: 14 } }).offload!;
    expect(ssdReadGBps(o, 64)).toBe(14);
    expect(ssdReadGBps(o, 8)).toBe(8);
  });

  it('placement fills HBM, then host, then NVMe; cold KV never lands in HBM', () => {
    const p = placeInTiers(100, 30, { hbmBytes: 60, hostBytes: 50, ssdBytes: 100 });
    expect(p).toMatchObject({
      hbmBytes: 60,
      hostHotBytes: 40,
      hostColdBytes: 10,
      ssdHotBytes: 0,
      ssdColdBytes: 20,
      unplacedBytes: 0,
      d2hBytes: 70,
      hostToSsdBytes: 20,
    });
    expect(placeInTiers(100, 0, { hbmBytes: 10, hostBytes: 20, ssdBytes: 30 }).unplacedBytes).toBe(40);
  });

  it('property: tier accounting conserves bytes — what left HBM is in host or NVMe, nothing is lost', () => {
    const nat = fc.double({ min: 0, max: 1e12, noNaN: true });
    fc.assert(
      fc.property(nat, nat, nat, nat, nat, (hot, cold, hbm, host, ssd) => {
        const p = placeInTiers(hot, cold, { hbmBytes: hbm, hostBytes: host, ssdBytes: ssd });
        const host_ = p.hostHotBytes + p.hostColdBytes;
        const ssd_ = p.ssdHotBytes + p.ssdColdBytes;
        const scale = Math.max(1, hot + cold);
        expect(Math.abs(p.hbmBytes + host_ + ssd_ + p.unplacedBytes - (hot + cold)) / scale).toBeLessThan(1e-9);
        expect(p.d2hBytes).toBeCloseTo(host_ + ssd_, 0);
        expect(Math.abs(p.d2hBytes - (hot - p.hbmBytes + cold - p.unplacedBytes)) / scale).toBeLessThan(1e-9);
        expect(p.hbmBytes).toBeLessThanOrEqual(hbm);
        expect(host_).toBeLessThanOrEqual(host * (1 + 1e-12));
        expect(ssd_).toBeLessThanOrEqual(ssd * (1 + 1e-12));
        for (const v of [p.hbmBytes, p.hostHotBytes, p.hostColdBytes, p.ssdHotBytes, p.ssdColdBytes, p.unplacedBytes])
          expect(v).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('multi-turn reuse: Little’s law sizes the TTL store; a smaller store scales the hit rate', () => {
    // 2 sessions/s kept 300 s, 1 GiB each → 600 GiB.
    expect(multiTurnStoreBytes(2, 300, 2 ** 30)).toBe(600 * 2 ** 30);
    expect(effectiveHitRate(0.8, 600, 300)).toBeCloseTo(0.4, 12);
    expect(effectiveHitRate(0.8, 600, 900)).toBe(0.8);
    expect(reloadBytes(8192, 0.5, 131_072)).toBe(4096 * 131_072);
  });

  it('swap-based preemption (FastSwitch) copies the KV out and back in', () => {
    expect(swapPreemptionS(32e9, 64)).toBeCloseTo(1, 12);
    expect(swapPreemptionS(32e9, 64, 0.5)).toBeCloseTo(2, 12);
  });
});
