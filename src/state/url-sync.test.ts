import { describe, expect, it, vi } from 'vitest';
import { scenarioToLink } from '../core/share/scenario-link.ts';
import type { KeyValueStorage } from '../core/share/saved.ts';
import { DEFAULT_SCENARIO } from './defaults.ts';
import { unavailableBackend } from './search-backend.ts';
import { createAppStore } from './store.ts';
import { applyHash, startUrlSync, type UrlEnv } from './url-sync.ts';

const mem = (): KeyValueStorage => {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
};

/** A fake browser: a history stack with a cursor, manual timers and clock. */
function fakeEnv(initial = '') {
  const stack = [initial];
  let at = 0;
  let clock = 0;
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  let listener: (() => void) | null = null;
  const env: UrlEnv = {
    getHash: () => stack[at]!,
    pushHash: (h) => {
      stack.splice(at + 1);
      stack.push(h);
      at++;
    },
    replaceHash: (h) => {
      stack[at] = h;
    },
    onNavigate: (cb) => {
      listener = cb;
      return () => (listener = null);
    },
    now: () => clock,
    setTimer: (cb) => {
      timers.set(nextTimer, cb);
      return nextTimer++;
    },
    clearTimer: (t) => void timers.delete(t as number),
  };
  return {
    env,
    stack,
    cursor: () => at,
    advance: (ms: number) => {
      clock += ms;
    },
    fireTimers: () => {
      const all = [...timers.values()];
      timers.clear();
      for (const f of all) f();
    },
    back: () => {
      at--;
      listener?.();
    },
    forward: () => {
      at++;
      listener?.();
    },
    /** A person pastes a link into the address bar. */
    navigate: (h: string) => {
      stack.splice(at + 1);
      stack.push(h);
      at++;
      listener?.();
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
/** Link encoding is asynchronous (CompressionStream): wait for the effect, not for a fixed time. */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 5000, interval: 10 });

describe('URL sync', () => {
  it('writes the scenario to the hash, one history entry per burst of edits, and back/forward restore states', async () => {
    const f = fakeEnv('');
    const store = createAppStore({ storage: mem(), search: unavailableBackend('none') });
    startUrlSync(store, f.env);
    const initial = `#${await scenarioToLink(DEFAULT_SCENARIO)}`;
    await eventually(() => expect(f.stack[0]).toBe(initial));
    expect(f.stack).toHaveLength(1);

    // A burst: three edits within the debounce → one write.
    f.advance(5000);
    store.getState().setField(['workload', 'inputTokens'], 100);
    store.getState().setField(['workload', 'inputTokens'], 200);
    store.getState().setField(['workload', 'inputTokens'], 300);
    f.fireTimers();
    await eventually(() => expect(f.stack).toHaveLength(2));
    // Another edit 0.5 s later coalesces into the same entry (its link replaces the entry's hash).
    const first = f.stack[1];
    f.advance(500);
    store.getState().setField(['workload', 'outputTokens'], 50);
    f.fireTimers();
    await eventually(() => expect(f.stack[1]).not.toBe(first));
    expect(f.stack).toHaveLength(2);
    const edited = store.getState().scenario;

    f.back();
    await eventually(() => expect(store.getState().scenario).toEqual(DEFAULT_SCENARIO));
    f.fireTimers();
    await settle();
    expect(f.stack).toHaveLength(2); // applying a link does not push

    f.forward();
    await eventually(() => expect(store.getState().scenario).toEqual(edited));
  });

  it('shows a banner for a bad link and keeps the app on its scenario', async () => {
    const f = fakeEnv('');
    const store = createAppStore({ storage: mem(), search: unavailableBackend('none') });
    startUrlSync(store, f.env);
    await settle();
    const good = f.stack[0]!;
    f.navigate('#s1.AAAA');
    await settle();
    expect(store.getState().banner?.kind).toBe('link-error');
    expect(store.getState().banner?.message).toMatch(/corrupt|truncated/);
    expect(store.getState().scenario).toEqual(DEFAULT_SCENARIO);
    f.navigate(good);
    await settle();
    expect(store.getState().banner).toBeNull();
  });

  it('applyHash reports garbage, newer versions and invalid scenarios in words', async () => {
    const store = createAppStore({ storage: mem(), search: unavailableBackend('none') });
    expect(await applyHash(store, '')).toBe('empty');
    expect(await applyHash(store, '#hello')).toBe('error');
    expect(store.getState().banner?.message).toMatch(/not a ParaKV link/);
    expect(await applyHash(store, '#s9.abc')).toBe('error');
    expect(store.getState().banner?.message).toMatch(/newer ParaKV/);
    const { encodeLink } = await import('../core/share/codec.ts');
    const bad = await encodeLink({ ...DEFAULT_SCENARIO, cluster: { gpu: 'h100-sxm', nodes: 5000 } }, 1);
    expect(await applyHash(store, `#${bad}`)).toBe('error');
    expect(store.getState().banner?.message).toMatch(/cluster\.nodes must be at most 1024/);
    const other = await scenarioToLink({
      ...DEFAULT_SCENARIO,
      workload: { ...DEFAULT_SCENARIO.workload, inputTokens: 77 },
    });
    expect(await applyHash(store, `#${other}`)).toBe('applied');
    expect(store.getState().scenario.workload.inputTokens).toBe(77);
    expect(store.getState().banner).toBeNull();
  });
});
