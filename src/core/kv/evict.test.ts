import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  h2oScoreBytesPerLayer,
  keptTokensPerHead,
  retention,
  selectionFlopsPerLayer,
  selectionReadFraction,
  summaryTokensBf16,
} from './evict.ts';
import { kvStrategySchema, type KvEvict } from './types.ts';

const e = (input: Record<string, unknown>): KvEvict => kvStrategySchema.parse({ evict: input }).evict!;
const L = 131_072;

describe('eviction and sparse budgets', () => {
  it('H2O at a 20 % budget keeps ⌈0.2·L⌉ tokens and drops the rest', () => {
    const h2o = e({ policy: 'h2o', budgetFraction: 0.2 });
    const r = retention(h2o, L);
    expect(r.keptPerHead).toBe(26_215); // ⌈26,214.4⌉
    expect(r).toMatchObject({
      hbmTokens: 26_215,
      droppedTokens: L - 26_215,
      hostTokens: 0,
      attendedTokens: 26_215,
      evictedTo: 'drop',
    });
    // fp32 score per kept token per KV head: 4 · 8 · 26,215 bytes per layer.
    expect(h2oScoreBytesPerLayer(h2o, r.keptPerHead, 8)).toBe(4 * 8 * 26_215);
    expect(selectionReadFraction(h2o)).toBe(0);
    // With budgetTokens too, the smaller budget wins.
    expect(keptTokensPerHead(e({ policy: 'h2o', budgetFraction: 0.2, budgetTokens: 4096 }), L)).toBe(4096);
  });

  it('StreamingLLM keeps sinks + window, constant in L, and everything below it', () => {
    const s = e({ policy: 'sink-window', sinkTokens: 4, recentTokens: 4092 });
    expect(keptTokensPerHead(s, L)).toBe(4096);
    expect(keptTokensPerHead(s, 1_000_000)).toBe(4096);
    expect(keptTokensPerHead(s, 1000)).toBe(1000);
  });

  it('per-head (RazorAttention): 15 % of heads keep all, the rest sink + window', () => {
    const p = e({ policy: 'per-head', fullHeadsFraction: 0.15, sinkTokens: 4, recentTokens: 1020 });
    const r = retention(p, L);
    expect(r.keptPerHead).toBe(1024);
    expect(r.hbmTokens).toBeCloseTo(0.15 * L + 0.85 * 1024, 9);
    expect(r.droppedTokens).toBeCloseTo(0.85 * (L - 1024), 9);
  });

  it('top-k pages: budget rounded to whole pages, min/max summaries 1 bf16 token per page, rest in host by default', () => {
    const t = e({ policy: 'topk-pages', budgetTokens: 2001, pageSize: 16 });
    expect(keptTokensPerHead(t, L)).toBe(2016);
    expect(summaryTokensBf16(t, L)).toBe(L / 16);
    expect(selectionReadFraction(t)).toBe(1 / 16);
    // Quest-style scoring: 4·d FLOPs per query head per page.
    expect(selectionFlopsPerLayer(t, L, 2016, 32, 128)).toBe(4 * 32 * 128 * (L / 16));
    const r = retention(t, L);
    expect(r).toMatchObject({ evictedTo: 'host', hbmTokens: 2016, hostTokens: L - 2016, droppedTokens: 0 });
    expect(r.refetchTokensPerStep).toBeCloseTo(0.02 * 2016, 12);
    // TokenSelect/LServe style: everything stays in HBM, only reads shrink.
    expect(retention({ ...t, evictedTo: 'hbm' }, L)).toMatchObject({
      hbmTokens: L,
      attendedTokens: 2016,
      hostTokens: 0,
      droppedTokens: 0,
    });
  });

  it('property: tokens are conserved (hbm + host + dropped = L) and never exceed L', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('h2o', 'sink-window', 'per-head', 'topk-pages'),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 1, max: 8192 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.constantFrom('drop', 'host'),
        fc.integer({ min: 1, max: 2_000_000 }),
        (policy, frac, sink, recent, full, evictedTo, ctx) => {
          const ev = e({
            policy,
            budgetFraction: frac,
            sinkTokens: sink,
            recentTokens: recent,
            fullHeadsFraction: full,
            evictedTo,
          });
          const r = retention(ev, ctx);
          expect(r.hbmTokens + r.hostTokens + r.droppedTokens).toBeCloseTo(ctx, 6);
          expect(r.hbmTokens).toBeLessThanOrEqual(ctx + 1e-9);
          expect(r.attendedTokens).toBeLessThanOrEqual(ctx + 1e-9);
        },
      ),
    );
  });
});
