import { afterEach, describe, expect, it } from 'vitest';
import type { KeyValueStorage } from '../core/share/saved.ts';
import { evaluateLive } from './live-evaluation.ts';
import { DEFAULT_SCENARIO } from './defaults.ts';
import { unavailableBackend } from './search-backend.ts';
import { createAppStore } from './store.ts';
import { setUntrustedOps, type UntrustedOps } from './untrusted.ts';
import { applyHash } from './url-sync.ts';

const mem = (): KeyValueStorage => {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
};

const TIMED_OUT = 'decoding this link took over 2 s, so it was stopped to keep the page responsive';

function ops(over: Partial<UntrustedOps> = {}): UntrustedOps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    decodeLink: (f) => (calls.push(`decode ${f}`), Promise.resolve({ ok: false, error: TIMED_OUT })),
    importConfig: () => Promise.resolve({ ok: false, error: { name: 'Error', field: null, message: 'unused' } }),
    evaluate: () => (
      calls.push('evaluate'),
      Promise.resolve({
        ok: false,
        error: { name: 'ModelImportError', field: 'num_hidden_layers', message: 'num_hidden_layers: too many' },
      })
    ),
    ...over,
  };
}

afterEach(() => setUntrustedOps(null));

describe('untrusted input through the installed ops (the worker in the app)', () => {
  it('a link is decoded by the ops; a timeout keeps the scenario and says why in the banner', async () => {
    const store = createAppStore({ storage: mem(), search: unavailableBackend('none') });
    const o = ops();
    setUntrustedOps(o);
    expect(await applyHash(store, '#s1.abc')).toBe('error');
    expect(o.calls).toEqual(['decode s1.abc']);
    expect(store.getState().scenario).toEqual(DEFAULT_SCENARIO);
    expect(store.getState().banner).toEqual({
      kind: 'link-error',
      message: `This link could not be opened: ${TIMED_OUT}. You are looking at your previous scenario instead.`,
    });
  });

  it('the live evaluation runs once per scenario object and maps a worker error to its field', async () => {
    const o = ops();
    const s = { ...DEFAULT_SCENARIO };
    const [a, b] = await Promise.all([evaluateLive(o, s), evaluateLive(o, s)]);
    expect(a).toEqual({ ok: false, field: 'model.hf.num_hidden_layers', message: 'num_hidden_layers: too many' });
    expect(b).toBe(a);
    expect(await evaluateLive(o, s)).toBe(a);
    expect(o.calls).toEqual(['evaluate']);
  });
});
