import { describe, expect, it, vi } from 'vitest';
import { scenarioToLink, sharedToLink } from '../core/share/scenario-link.ts';
import { evaluateSteadyState } from '../core/evaluate/evaluate.ts';
import { applyKnobs, knobsId } from '../core/search/space.ts';
import type { PlanKnobs, SearchResult } from '../core/search/types.ts';
import type { KeyValueStorage } from '../core/share/saved.ts';
import { DEFAULT_SCENARIO } from './defaults.ts';
import { unavailableBackend } from './search-backend.ts';
import { createAppStore, DEFAULT_SEARCH_DRAFT, type SearchOptionsDraft } from './store.ts';
import { applyHash, sharedOf, startUrlSync, type UrlEnv } from './url-sync.ts';
import type { SearchBackend } from './search-backend.ts';

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
const eventually = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 5000, interval: 10 });

describe('URL sync', () => {
  it('writes the scenario to the hash, one history entry per burst of edits, and back/forward restore states', async () => {
    const f = fakeEnv('');
    const store = createAppStore({ storage: mem(), search: unavailableBackend('none') });
    startUrlSync(store, f.env);
    const initial = `#${await sharedToLink(sharedOf(store.getState()))}`;
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

/** A search backend that answers at once with TP8 DP2 ranked first, and records the options it ran with. */
function answeringBackend() {
  const calls: unknown[] = [];
  const knobs: PlanKnobs = {
    kind: 'colocated',
    plan: { tp: 8, pp: 1, dp: 2, ep: 1, attentionDp: 1 },
    kvDtype: 'bf16',
    maxNumSeqs: 256,
    maxBatchedTokens: 8192,
  };
  const backend: SearchBackend = {
    label: 'test',
    run: (scenario, options) => {
      calls.push(options);
      const result = evaluateSteadyState(applyKnobs(scenario, knobs));
      const row = {
        candidate: {
          id: knobsId(knobs),
          index: 0,
          label: 'TP8 DP2',
          group: 'TP8',
          knobs,
          scenario: applyKnobs(scenario, knobs),
        },
        result,
        method: 'steady-state' as const,
        onPareto: true,
        reason: '',
        value: result.metrics.goodputReqPerSec,
        secondaryValue: result.metrics.costUsdPerMOutputTokens ?? 0,
      };
      const r: SearchResult = {
        objective: 'goodput',
        secondary: 'cost',
        ranked: [row],
        pareto: [],
        rejected: [],
        counts: { enumerated: 1, infeasible: 0, pruned: 0, simulated: 0 },
        elapsedMs: 1,
      };
      return { promise: Promise.resolve(r), cancel: () => undefined };
    },
  };
  return { backend, calls };
}

describe('links carry the search settings and the table (issue 14)', () => {
  const SENDER: SearchOptionsDraft = {
    ...DEFAULT_SEARCH_DRAFT,
    objective: 'cost',
    secondary: 'ttft-p99',
    allowDisaggregation: true,
    kvStrategies: ['fp8', 'kivi2'],
    allowLossy: true,
  };
  const SENDER_PLAN = { tp: 4, pp: 1, dp: 2, ep: 1, attentionDp: 1 };

  it("opening a link with a table restores the options, reruns the same search and keeps the sender's plan", async () => {
    const { backend, calls } = answeringBackend();
    const store = createAppStore({ storage: mem(), search: backend });
    const scenario = { ...DEFAULT_SCENARIO, plan: SENDER_PLAN };
    const link = await sharedToLink({ scenario, search: SENDER, showTable: true });
    expect(await applyHash(store, `#${link}`)).toBe('applied');
    const st = store.getState();
    expect(st.searchOptions).toEqual(SENDER);
    expect(calls).toEqual([SENDER]);
    await eventually(() => expect(store.getState().search.status).toBe('done'));
    // Rank 1 is TP8 DP2, but the sender had TP4 DP2 selected: the selection is the sender's.
    expect(store.getState().scenario.plan).toEqual(SENDER_PLAN);
    // The recipient's own link is now the same link.
    expect(await sharedToLink(sharedOf(store.getState()))).toBe(link);
    // Their next search of their own selects rank 1 as usual.
    store.getState().runSearch();
    await eventually(() => expect(store.getState().scenario.plan.tp).toBe(8));
  });

  it("a link without a table restores the options but runs nothing; a v1 link keeps the recipient's options", async () => {
    const { backend, calls } = answeringBackend();
    const store = createAppStore({ storage: mem(), search: backend });
    const link = await sharedToLink({ scenario: DEFAULT_SCENARIO, search: SENDER, showTable: false });
    expect(await applyHash(store, `#${link}`)).toBe('applied');
    expect(store.getState().searchOptions).toEqual(SENDER);
    expect(calls).toEqual([]);
    const { encodeLink } = await import('../core/share/codec.ts');
    const v1 = await encodeLink(
      { ...DEFAULT_SCENARIO, workload: { ...DEFAULT_SCENARIO.workload, inputTokens: 500 } },
      1,
    );
    expect(await applyHash(store, `#${v1}`)).toBe('applied');
    expect(store.getState().scenario.workload.inputTokens).toBe(500);
    expect(store.getState().searchOptions).toEqual(SENDER);
  });

  it('the hash follows search-option edits and the table appearing', async () => {
    const f = fakeEnv('');
    const { backend } = answeringBackend();
    const store = createAppStore({ storage: mem(), search: backend });
    startUrlSync(store, f.env);
    await eventually(() => expect(f.stack[0]).toMatch(/^#s2\./));
    store.getState().setSearchOptions({ objective: 'cost', allowDisaggregation: true });
    f.fireTimers();
    const { sharedFromLink } = await import('../core/share/scenario-link.ts');
    await eventually(async () => {
      const r = await sharedFromLink(f.env.getHash());
      expect(r.ok && r.value.search?.objective).toBe('cost');
    });
    store.getState().runSearch();
    await eventually(() => expect(store.getState().search.status).toBe('done'));
    f.fireTimers();
    await eventually(async () => {
      const r = await sharedFromLink(f.env.getHash());
      expect(r.ok && r.value.showTable && r.value.search?.allowDisaggregation).toBe(true);
    });
  });
});
