/**
 * The 2026 example scenarios (issue 13): `parakv search` on Qwen3.5-397B-A17B (Gated DeltaNet hybrid),
 * DeepSeek-V3.2 (DSA) and Nemotron-3-Super (Mamba-2 hybrid) on one 8× B200 node returns ranked,
 * feasible plans, each with a reason. Closed form only (--fast) so the test stays quick.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeIo } from './fake-io.ts';
import { runSearch } from './search.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

interface Ranked {
  label: string;
  value: number;
  tier: 1 | 2 | 3;
  reason: string;
  knobs: { plan: { tp: number; ep: number; attentionDp: number } };
  result: { memory: { fits: boolean } };
}

describe('parakv search on the 2026 examples (8× B200)', () => {
  for (const [file, model] of [
    ['qwen3.5-397b-b200.json', 'Qwen3.5 397B-A17B'],
    ['deepseek-v3.2-b200.json', 'DeepSeek-V3.2'],
    ['nemotron-3-super-b200.json', 'Nemotron 3 Super 120B-A12B'],
  ] as const) {
    it(`${file}: ranked plans with reasons across TP / EP / attention-DP`, async () => {
      const f = fakeIo({ 's.json': readFileSync(`${EXAMPLES}${file}`, 'utf8') });
      expect(await runSearch(['s.json', '--fast', '--json'], f.io)).toBe(0);
      expect(f.err()).toBe('');
      const j = JSON.parse(f.out()) as { ranked: Ranked[]; rejected: { reason: string }[] };
      expect(j.ranked.length).toBeGreaterThanOrEqual(3);
      // Ranked by the ranking rule (search/ranking.ts): tier 1 (meets the SLO at the load) first, then 2, then 3.
      const tiers = j.ranked.map((p) => p.tier);
      for (const t of tiers) expect([1, 2, 3]).toContain(t);
      expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
      for (const p of j.ranked) {
        expect(p.result.memory.fits).toBe(true);
        expect(p.reason.length).toBeGreaterThan(10);
      }
      // The space spans the three axes: some ranked plan uses attention-DP, and an MoE model also EP.
      expect(j.ranked.some((p) => p.knobs.plan.attentionDp > 1)).toBe(true);
      if (model !== 'Nemotron 3 Super 120B-A12B') expect(j.ranked.some((p) => p.knobs.plan.ep > 1)).toBe(true);
      // The text report names the model and carries a "why" per ranked row.
      const t = fakeIo({ 's.json': readFileSync(`${EXAMPLES}${file}`, 'utf8') });
      expect(await runSearch(['s.json', '--fast', '--top', '3'], t.io)).toBe(0);
      expect(t.out()).toContain(`${model} on 1×8 NVIDIA B200`);
      expect(t.out()).toMatch(/why:\n +1\. .+\n +2\. .+\n +3\. .+/);
    });
  }
});

describe('parakv evaluate table with recurrent state', () => {
  it('Qwen3.5 on 8× B200: a state GB column, and the columns add up to the total', async () => {
    const { formatResultTable } = await import('./evaluate.ts');
    const { evaluateSteadyState } = await import('../core/evaluate/evaluate.ts');
    const { parseScenario } = await import('../core/scenario/validate.ts');
    const p = parseScenario(JSON.parse(readFileSync(`${EXAMPLES}qwen3.5-397b-b200.json`, 'utf8')));
    if (!p.ok) throw new Error(p.errors.join('; '));
    const r = evaluateSteadyState(p.scenario);
    const table = formatResultTable(r);
    expect(table).toMatch(/KV GB +state GB +activations GB/);
    const g = r.memory.perGpu[0]!;
    expect(g.stateGB).toBeGreaterThan(0);
    // Each column is rounded to 0.1 GB in the result: five of them sum to within 5 × 0.05 GB of the rounded total.
    const sum = g.weightsGB + g.kvCacheGB + g.stateGB! + g.activationsGB + g.reservedGB;
    expect(Math.abs(sum - g.totalGB)).toBeLessThanOrEqual(0.25 + 1e-9);
    // A model without state layers keeps the old columns.
    const d = parseScenario(JSON.parse(readFileSync(`${EXAMPLES}deepseek-v3.2-b200.json`, 'utf8')));
    if (!d.ok) throw new Error(d.errors.join('; '));
    expect(formatResultTable(evaluateSteadyState(d.scenario))).not.toMatch(/state GB/);
  });
});

/**
 * Models whose layers differ in attention shape (issue 13, "Models of 2026"): Gemma-4 31B (sliding
 * 16 KV × 256, full 4 KV × 512 with K = V), MiMo-V2-Flash (sliding 8 KV heads + sinks, full 4) and
 * DeepSeek-V4-Flash (KV pooled 4:1 / 128:1 beside a window, hyper-connections) — once refused, now
 * planned with each layer's own shape. Their example scenarios embed the reference config.json.
 */
describe('parakv search on per-layer attention shapes (8× B200)', () => {
  for (const [file, model, moe] of [
    ['gemma-4-31b-b200.json', 'Gemma-4-31B-IT-NVFP4', false],
    ['mimo-v2-flash-b200.json', 'MiMo-V2-Flash', true],
    ['deepseek-v4-flash-b200.json', 'DeepSeek-V4-Flash', true],
  ] as const) {
    it(`${file}: ranked, feasible plans with reasons`, async () => {
      const f = fakeIo({ 's.json': readFileSync(`${EXAMPLES}${file}`, 'utf8') });
      expect(await runSearch(['s.json', '--fast', '--json'], f.io)).toBe(0);
      expect(f.err()).toBe('');
      const j = JSON.parse(f.out()) as { ranked: Ranked[] };
      expect(j.ranked.length).toBeGreaterThanOrEqual(3);
      const tiers = j.ranked.map((p) => p.tier);
      expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
      expect(tiers[0]).toBe(1); // some plan carries the example's 8 req/s within its SLO
      for (const p of j.ranked) {
        expect(p.result.memory.fits).toBe(true);
        expect(p.reason.length).toBeGreaterThan(10);
      }
      // The space spans tp for every shape (the full layers' KV heads replicate past tp = 4), and EP
      // plus attention-DP for the MoE models.
      expect(j.ranked.some((p) => p.knobs.plan.tp > 1)).toBe(true);
      if (moe) {
        expect(j.ranked.some((p) => p.knobs.plan.ep > 1)).toBe(true);
        expect(j.ranked.some((p) => p.knobs.plan.attentionDp > 1)).toBe(true);
      }
      const t = fakeIo({ 's.json': readFileSync(`${EXAMPLES}${file}`, 'utf8') });
      expect(await runSearch(['s.json', '--fast', '--top', '3'], t.io)).toBe(0);
      expect(t.out()).toContain(`${model} on 1×8 NVIDIA B200`);
      expect(t.out()).toMatch(/why:\n +1\. .+\n +2\. .+\n +3\. .+/);
    });
  }
});
