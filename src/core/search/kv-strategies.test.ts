/**
 * The search varies KV strategies with parallelism (issue 6): lossy ones never rank unless allowed and
 * are rejected in words; the winner's reason says which strategy won and why; the count includes the
 * strategy dimension; sharding does not change the result.
 */
import { describe, expect, it } from 'vitest';
import { kvChoice } from '../kv/presets.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { mergeShards, search, searchShard } from './search.ts';
import {
  applyKnobs,
  countCandidates,
  enumerateCandidates,
  knobsId,
  resolveOptions,
  SearchOptionError,
} from './space.ts';

/** KV-bound: Llama-3.1-8B, 31K + 1K tokens, offline, on 2 H100s — bf16 holds 13 sequences per GPU. */
function kvBound(): Scenario {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 2 },
    workload: { inputTokens: 30_000, outputTokens: 1000, requests: 500 },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

const STRATS = ['bf16', 'fp8', 'kivi2', 'h2o'];

describe('search over KV strategies', () => {
  it('picks fp8 KV over bf16 for a KV-bound workload, with the reason; refuses KIVI-2 and H2O unless allowLossy', () => {
    const r = search(kvBound(), { kvStrategies: STRATS, simulateTop: 0, top: 20 });
    const best = r.ranked[0]!;
    expect(best.candidate.knobs.kvStrategy?.id).toBe('fp8');
    expect(best.candidate.label).toMatch(/· fp8 KV$/);
    expect(best.reason).toMatch(
      /^fp8 KV \(near-lossless\) doubles concurrency \(\d+ vs \d+ seqs\): 1\.\d+× throughput\/GPU vs bf16 KV; KIVI-2, H2O 20% not allowed: lossy$/,
    );
    for (const p of r.ranked) expect(['bf16', 'fp8']).toContain(p.candidate.knobs.kvStrategy?.id);
    const bf16 = r.ranked.find(
      (p) =>
        p.candidate.knobs.kvStrategy?.id === 'bf16' &&
        p.candidate.knobs.plan.tp === best.candidate.knobs.plan.tp &&
        p.candidate.knobs.plan.dp === best.candidate.knobs.plan.dp,
    );
    if (bf16) expect(best.value).toBeGreaterThan(bf16.value);
    const refused = r.rejected.filter((x) => x.candidate.knobs.kvStrategy?.id === 'kivi2');
    expect(refused.length).toBeGreaterThan(0);
    for (const x of refused)
      expect(x.reason).toBe('KIVI-2 not allowed: lossy (approximate; allow lossy strategies to rank it)');
    expect(r.rejected.some((x) => /^H2O 20% not allowed: lossy/.test(x.reason))).toBe(true);
    expect(r.pareto.every((p) => ['bf16', 'fp8'].includes(p.candidate.knobs.kvStrategy!.id))).toBe(true);
  });

  it('with allowLossy, KIVI-2 ranks first and says why; nothing is rejected as lossy', () => {
    const r = search(kvBound(), { kvStrategies: STRATS, allowLossy: true, simulateTop: 0 });
    expect(r.ranked[0]!.candidate.knobs.kvStrategy?.id).toBe('kivi2');
    expect(r.ranked[0]!.reason).toMatch(/^KIVI-2 \(approximate\) /);
    expect(r.rejected.some((x) => /not allowed/.test(x.reason))).toBe(false);
  });

  it('allowNearLossless: false keeps only exact strategies', () => {
    const r = search(kvBound(), { kvStrategies: STRATS, allowNearLossless: false, simulateTop: 0 });
    expect(r.ranked.every((p) => p.candidate.knobs.kvStrategy?.id === 'bf16')).toBe(true);
    expect(r.rejected.some((x) => /^fp8 KV not allowed: lossy \(near-lossless/.test(x.reason))).toBe(true);
  });

  it('the count includes the strategy dimension; a quant strategy pairs with one KV dtype', () => {
    const s = kvBound();
    const base = countCandidates(s);
    const c = countCandidates(s, { kvStrategies: STRATS });
    expect(c.knobCombos).toBe(4);
    expect(c.total).toBe(4 * base.total);
    // Two KV dtypes: the three quant presets (bf16, fp8, KIVI-2) once each, H2O (no quant) once per dtype.
    expect(countCandidates(s, { kvStrategies: STRATS, kvDtypes: ['bf16', 'fp8'] }).knobCombos).toBe(3 + 2);
    expect(() => countCandidates(s, { kvStrategies: ['kivi3'] })).toThrowError(SearchOptionError);
    expect(() => resolveOptions(s, { kvStrategies: [{ quant: { dtype: 'int3' } } as never] })).toThrow(
      /^kvStrategies: \[0\]: quant\.dtype must be one of/,
    );
    expect(() => countCandidates(s, { kvStrategies: STRATS, maxCandidates: 10 })).not.toThrow();
  });

  it('the size guard names kvStrategies when it is the widest knob', () => {
    expect(() =>
      search(kvBound(), {
        kvStrategies: ['bf16', 'fp8', 'int8', 'int4', 'kivi2', 'h2o'],
        maxCandidates: 5,
        simulateTop: 0,
      }),
    ).toThrow(/^kvStrategies: the search space has 24 candidates/);
  });

  it('candidates carry the strategy: applyKnobs replaces runtime.kvStrategy ("none" removes it); ids stay unchanged without strategies', () => {
    const s = kvBound();
    const plainIds = enumerateCandidates(s).map((c) => c.id);
    expect(plainIds.every((id) => !id.includes('kvs='))).toBe(true);
    const cands = enumerateCandidates(s, { kvStrategies: ['none', 'kivi2'] });
    const kivi = cands.find((c) => c.knobs.kvStrategy?.id === 'kivi2')!;
    expect(kivi.id).toBe(`${knobsId({ ...kivi.knobs, kvStrategy: undefined })}|kvs=kivi2`);
    expect(applyKnobs(s, kivi.knobs).runtime.kvStrategy?.quant?.dtype).toBe('kivi2');
    const withOwn: Scenario = { ...s, runtime: { ...s.runtime, kvStrategy: kvChoice('h2o').strategy! } };
    const none = cands.find((c) => c.knobs.kvStrategy?.id === 'none')!;
    expect('kvStrategy' in applyKnobs(withOwn, none.knobs).runtime).toBe(false);
  });

  it('the scenario’s own lossy strategy is the user’s choice: searched without kvStrategies, it is not refused', () => {
    const s = kvBound();
    const own: Scenario = { ...s, runtime: { ...s.runtime, kvStrategy: kvChoice('kivi2').strategy! } };
    const r = search(own, { simulateTop: 0 });
    expect(r.ranked.length).toBeGreaterThan(0);
    expect(r.rejected.some((x) => /not allowed/.test(x.reason))).toBe(false);
    expect(r.ranked[0]!.result.kv?.label).toBe('KIVI-2');
  });

  it('sharding gives the same result as one shard', () => {
    const s = kvBound();
    const o = { kvStrategies: STRATS, simulateTop: 0, top: 6 };
    const one = mergeShards([searchShard(s, o, 0, 1)], o);
    const three = mergeShards(
      [0, 1, 2].map((i) => searchShard(s, o, i, 3)),
      o,
    );
    const row = (p: (typeof one.ranked)[number]) => [p.candidate.id, p.value, p.reason];
    expect(three.ranked.map(row)).toEqual(one.ranked.map(row));
    expect(three.rejected.map((x) => [x.candidate.id, x.reason])).toEqual(
      one.rejected.map((x) => [x.candidate.id, x.reason]),
    );
  });
});
