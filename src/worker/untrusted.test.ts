import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateFast } from '../core/evaluate/fast.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import { encodeLink } from '../core/share/codec.ts';
import { scenarioToLink } from '../core/share/scenario-link.ts';
import { GuardedWorker, type Timers } from './guarded.ts';
import { untrustedApi, type UntrustedApi } from './untrusted.api.ts';
import { workerUntrustedOps } from './untrusted.ts';

const LLAMA_8B = readFileSync(
  new URL('../../data/reference/hf-configs/meta-llama--Meta-Llama-3.1-8B.json', import.meta.url),
  'utf8',
);

function scenario() {
  const r = parseScenario({ version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm', gpusPerNode: 1 } });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

describe('untrusted-input API (what the worker runs)', () => {
  it('decodes a real link and refuses a zip bomb with the codec’s reason', async () => {
    const s = scenario();
    const ok = await untrustedApi.decodeLink(await scenarioToLink(s));
    expect(ok).toEqual({ ok: true, value: { scenario: s, search: null, showTable: false }, migratedFrom: null });
    const bomb = await encodeLink(' '.repeat(30_000_000), 1);
    const r = await untrustedApi.decodeLink(bomb);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/too large \(over 2 MiB when decompressed\)/);
  });

  it('imports Llama-3.1-8B’s config.json (32 layers, 32 heads) and names the field of a hostile one', () => {
    const r = untrustedApi.importConfig(LLAMA_8B, 'Llama 8B');
    expect(r.ok && { name: r.value.name, layers: r.value.layers, heads: r.value.heads }).toEqual({
      name: 'Llama 8B',
      layers: 32,
      heads: 32,
    });
    const hostile = JSON.stringify({ ...JSON.parse(LLAMA_8B), num_hidden_layers: 1_000_000_000 });
    const bad = untrustedApi.importConfig(hostile, 'x');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatchObject({ name: 'ModelImportError', field: 'num_hidden_layers' });
    expect(!bad.ok && bad.error.message).toMatch(/1,000,000,000 exceeds/);
    expect(untrustedApi.importConfig('[1, 2]', 'x')).toMatchObject({ ok: false, error: { field: 'config' } });
  });

  it('evaluates as the page did (evaluateFast) and returns engine errors with their field', async () => {
    const s = scenario();
    expect(await untrustedApi.evaluate(s)).toEqual({ ok: true, value: evaluateFast(s) });
    const bad = { ...s, plan: { ...s.plan, tp: 3 } };
    const r = await untrustedApi.evaluate(bad);
    expect(r).toMatchObject({ ok: false, error: { name: 'ScenarioError', field: 'plan.tp' } });
  });
});

describe('worker-backed ops: a timeout becomes a reason in words', () => {
  const never = <T>() => new Promise<T>(() => undefined);
  const hanging = {
    decodeLink: () => never(),
    importConfig: () => never(),
    evaluate: () => never(),
  } as unknown as UntrustedApi;
  /** Fires each timer as soon as it is set: every call times out. */
  const instant: Timers = { set: (cb) => (queueMicrotask(cb), 0), clear: () => undefined };

  it('says how long the evaluation took, raises it once, and restarts the worker', async () => {
    let terminated = 0;
    const guard = new GuardedWorker<UntrustedApi>(
      () => ({ api: hanging, terminate: () => void terminated++ }),
      untrustedApi,
      instant,
    );
    const raised: string[] = [];
    const ops = workerUntrustedOps(guard, { decodeMs: 2000, configMs: 2000, evaluateMs: 2500 }, (m) => raised.push(m));
    const message =
      'This scenario took over 2.5 s to evaluate, so it was stopped to keep the page responsive: shorten the workload (fewer requests, shorter prompts, narrower length distributions) or simplify the plan and KV strategy';
    expect(await ops.evaluate(scenario())).toEqual({
      ok: false,
      error: { name: 'WorkerTimeout', field: null, message },
    });
    expect(raised).toEqual([message]);
    expect(await ops.decodeLink('s1.x')).toEqual({
      ok: false,
      error: 'decoding this link took over 2 s, so it was stopped to keep the page responsive',
    });
    expect(await ops.importConfig(LLAMA_8B, 'x')).toMatchObject({
      ok: false,
      error: {
        name: 'WorkerTimeout',
        message: 'reading this config.json took over 2 s, so it was stopped to keep the page responsive',
      },
    });
    expect(terminated).toBe(3);
  });
});
