import { describe, expect, it } from 'vitest';
import { evaluateSteadyState } from '../core/evaluate/evaluate.ts';
import { applyKnobs, knobsId } from '../core/search/space.ts';
import type { Candidate, PlanKnobs, RankedPlan, SearchProgress, SearchResult } from '../core/search/types.ts';
import type { KeyValueStorage } from '../core/share/saved.ts';
import { DEFAULT_SCENARIO } from './defaults.ts';
import { SearchCancelled, type SearchBackend } from './search-backend.ts';
import {
  createAppStore,
  currentKnobsId,
  sanitizeSearchDraft,
  searchKey,
  SESSION_KEY,
  DEFAULT_SEARCH_DRAFT,
} from './store.ts';

class MemStorage implements KeyValueStorage {
  map = new Map<string, string>();
  failWrites = false;
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.failWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

function ranked(plan: PlanKnobs['plan'], kvDtype: PlanKnobs['kvDtype'] = 'bf16'): RankedPlan {
  const knobs: PlanKnobs = { kind: 'colocated', plan, kvDtype, maxNumSeqs: 256, maxBatchedTokens: 8192 };
  const scenario = applyKnobs(DEFAULT_SCENARIO, knobs);
  const candidate: Candidate = {
    id: knobsId(knobs),
    index: 0,
    label: `TP${plan.tp} DP${plan.dp}`,
    group: `TP${plan.tp}`,
    knobs,
    scenario,
  };
  const result = evaluateSteadyState(scenario);
  return {
    candidate,
    result,
    method: 'steady-state',
    onPareto: true,
    reason: '',
    value: result.metrics.outputTokPerSecPerGpu,
    secondaryValue: result.metrics.ttftMs!.p99,
  };
}

const RESULT: SearchResult = {
  objective: 'throughput-per-gpu',
  secondary: 'ttft-p99',
  ranked: [
    ranked({ tp: 4, pp: 1, dp: 4, ep: 1, attentionDp: 1 }, 'fp8'),
    ranked({ tp: 8, pp: 1, dp: 2, ep: 1, attentionDp: 1 }),
  ],
  pareto: [],
  rejected: [],
  counts: { enumerated: 2, infeasible: 0, pruned: 0, simulated: 0 },
  elapsedMs: 5,
};

/** A backend whose runs the test settles by hand. */
function manualBackend() {
  const runs: {
    resolve: (r: SearchResult) => void;
    reject: (e: unknown) => void;
    progress: (p: SearchProgress) => void;
    cancelled: boolean;
  }[] = [];
  const backend: SearchBackend = {
    label: 'test',
    run: (_s, _o, onProgress) => {
      let resolve!: (r: SearchResult) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<SearchResult>((a, b) => {
        resolve = a;
        reject = b;
      });
      const entry = { resolve, reject, progress: onProgress, cancelled: false };
      runs.push(entry);
      return {
        promise,
        cancel: () => {
          entry.cancelled = true;
          reject(new SearchCancelled());
        },
      };
    },
  };
  return { backend, runs };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('scenario slice', () => {
  it('commits valid edits and keeps the last valid value with a message for invalid ones', () => {
    const store = createAppStore({ storage: new MemStorage(), search: manualBackend().backend });
    const st = store.getState();
    expect(st.setField(['runtime', 'maxNumSeqs'], 64)).toBe(true);
    expect(store.getState().scenario.runtime.maxNumSeqs).toBe(64);
    expect(st.setField(['runtime', 'maxNumSeqs'], 0)).toBe(false);
    expect(store.getState().scenario.runtime.maxNumSeqs).toBe(64);
    expect(store.getState().fieldErrors['runtime.maxNumSeqs']).toBe('runtime.maxNumSeqs must be at least 1');
    st.setField(['runtime', 'maxNumSeqs'], 32);
    expect(store.getState().fieldErrors).toEqual({});
  });

  it('resets the plan to one that resolves when the model changes under it', () => {
    const store = createAppStore({ storage: new MemStorage(), search: manualBackend().backend });
    store.getState().setModelOrCluster({ model: 'qwen2.5-72b' }); // 64 heads: TP8 DP2 still resolves, kept
    expect(store.getState().scenario.plan.tp).toBe(8);
    store.getState().setField(['plan', 'tp'], 16);
    store.getState().setField(['plan', 'dp'], 1);
    store.getState().setModelOrCluster({ cluster: { ...store.getState().scenario.cluster, nodes: 1 } }); // 8 GPUs < TP16: reset
    const s = store.getState();
    expect(s.scenario.cluster.nodes).toBe(1);
    expect(s.scenario.plan.tp * s.scenario.plan.pp * s.scenario.plan.dp).toBeLessThanOrEqual(8);
    expect(s.view.toast).toMatch(/previous plan does not work with this cluster/);
  });
});

describe('plan reset on model change', () => {
  it('starts from a plan that fits when the new model does not fit the old plan', () => {
    const store = createAppStore({ storage: new MemStorage(), search: manualBackend().backend });
    store.getState().setModelOrCluster({ model: 'llama-3.1-405b' }); // TP8 DP2: 810 GB of bf16 weights over 8 GPUs does not fit
    const s = store.getState();
    expect(s.scenario.plan).toMatchObject({ tp: 8, pp: 2, dp: 1 });
    expect(s.view.toast).toMatch(/does not fit in memory with this model: starting from TP8 PP2 DP1/);
  });
});

describe('simulation on demand', () => {
  it('runs the injected simulator for the current scenario and drops superseded runs', async () => {
    const calls: string[] = [];
    let finish: (() => void) | null = null;
    const store = createAppStore({
      storage: new MemStorage(),
      search: manualBackend().backend,
      simulate: (sc) => {
        calls.push(sc.model as string);
        return new Promise((resolve) => {
          finish = () => resolve({ ...evaluateSteadyState(sc), method: 'simulation' } as never);
        });
      },
    });
    store.getState().simulateSelected();
    expect(store.getState().sim.status).toBe('running');
    expect(store.getState().sim.key).toBe(JSON.stringify(store.getState().scenario));
    finish!();
    await flush();
    expect(store.getState().sim.status).toBe('done');
    expect(calls).toEqual(['llama-3.1-70b']);
  });

  it('cancels a running simulation on request or when the scenario changes, and drops its late result', async () => {
    const runs: { finish: () => void; cancelled: boolean }[] = [];
    const store = createAppStore({
      storage: new MemStorage(),
      search: manualBackend().backend,
      now: () => 5000,
      simulate: (sc) => {
        let finish!: () => void;
        let fail!: (e: unknown) => void;
        const promise = new Promise<never>((resolve, reject) => {
          finish = () => resolve({ ...evaluateSteadyState(sc), method: 'simulation' } as never);
          fail = reject;
        });
        const entry = { finish, cancelled: false };
        runs.push(entry);
        return {
          promise,
          where: 'worker',
          cancel: () => {
            entry.cancelled = true;
            fail(new SearchCancelled());
          },
        };
      },
    });
    store.getState().simulateSelected();
    expect(store.getState().sim).toMatchObject({ status: 'running', startedAt: 5000, where: 'worker' });
    store.getState().cancelSimulation();
    expect(runs[0]!.cancelled).toBe(true);
    expect(store.getState().sim.status).toBe('idle');
    runs[0]!.finish();
    await flush();
    expect(store.getState().sim.status).toBe('idle');

    // A scenario edit stops the run for the old scenario; its result never lands.
    store.getState().simulateSelected();
    expect(store.getState().setField(['workload', 'requests'], 500)).toBe(true);
    expect(runs[1]!.cancelled).toBe(true);
    expect(store.getState().sim.status).toBe('idle');
    runs[1]!.finish();
    await flush();
    expect(store.getState().sim.result).toBeNull();

    // A new simulation supersedes a running one; only the newest result is kept.
    store.getState().simulateSelected();
    store.getState().simulateSelected();
    expect(runs[2]!.cancelled).toBe(true);
    runs[3]!.finish();
    await flush();
    expect(store.getState().sim.status).toBe('done');
    expect(store.getState().sim.key).toBe(JSON.stringify(store.getState().scenario));
    expect(runs).toHaveLength(4);
  });
});

describe('search slice', () => {
  it('runs, reports progress, and marks results stale when inputs change but not when a plan is selected', async () => {
    const { backend, runs } = manualBackend();
    const store = createAppStore({ storage: new MemStorage(), search: backend, now: () => 1000 });
    store.getState().setSearchOptions({ kvDtypes: ['bf16', 'fp8'] });
    store.getState().runSearch();
    expect(store.getState().search.status).toBe('running');
    runs[0]!.progress({ done: 10, total: 10, bestLabel: 'TP4 DP4', bestValue: 100 });
    expect(store.getState().search.progress?.done).toBe(10);
    runs[0]!.resolve(RESULT);
    await flush();
    const s = store.getState();
    expect(s.search.status).toBe('done');
    expect(s.search.key).toBe(searchKey(s.scenario, s.searchOptions));
    // The winner is selected right away.
    expect(currentKnobsId(s.scenario)).toBe(RESULT.ranked[0]!.candidate.id);
    expect(s.view.toast).toMatch(/Selected the best plan: TP4 DP4/);
    s.selectCandidate(RESULT.ranked[1]!.candidate.id);
    expect(store.getState().scenario.plan).toMatchObject({ tp: 8, dp: 2 });

    // Selecting a searched plan changes plan + varied knobs only: still fresh.
    s.selectCandidate(RESULT.ranked[0]!.candidate.id);
    const after = store.getState();
    expect(after.scenario.plan).toMatchObject({ tp: 4, dp: 4 });
    expect(after.scenario.precision.kvCache).toBe('fp8');
    expect(currentKnobsId(after.scenario)).toBe(RESULT.ranked[0]!.candidate.id);
    expect(searchKey(after.scenario, after.searchOptions)).toBe(after.search.key);

    // Editing the workload makes them stale.
    after.setField(['workload', 'inputTokens'], 2000);
    const edited = store.getState();
    expect(searchKey(edited.scenario, edited.searchOptions)).not.toBe(edited.search.key);
  });

  it('cancels a running search and ignores a superseded one', async () => {
    const { backend, runs } = manualBackend();
    const store = createAppStore({ storage: new MemStorage(), search: backend });
    store.getState().runSearch();
    store.getState().cancelSearch();
    await flush();
    expect(runs[0]!.cancelled).toBe(true);
    expect(store.getState().search.status).toBe('cancelled');

    store.getState().runSearch();
    store.getState().runSearch(); // supersedes the first
    expect(runs[1]!.cancelled).toBe(true);
    runs[2]!.reject(new Error('kv dtype int2 is not supported'));
    await flush();
    expect(store.getState().search.status).toBe('error');
    expect(store.getState().search.error).toBe('kv dtype int2 is not supported');
  });

  it('keeps two plans for comparison at most', () => {
    const store = createAppStore({ storage: new MemStorage(), search: manualBackend().backend });
    const st = store.getState();
    st.toggleCompare('a');
    st.toggleCompare('b');
    st.toggleCompare('c');
    expect(store.getState().view.compare).toEqual(['b', 'c']);
    st.toggleCompare('b');
    expect(store.getState().view.compare).toEqual(['c']);
  });

  it('sanitizes persisted search options', () => {
    expect(
      sanitizeSearchDraft({ objective: 'rm -rf', maxNumSeqs: [64, -1, 1.5, 128], kvDtypes: ['fp8', '<script>'] }),
    ).toEqual({ ...DEFAULT_SEARCH_DRAFT, maxNumSeqs: [64, 128], kvDtypes: ['fp8'] });
  });
});

function fakeStorageWith(session: string): MemStorage {
  const storage = new MemStorage();
  storage.setItem(SESSION_KEY, session);
  return storage;
}

describe('persistence', () => {
  it('writes the session only when the scenario, the draft or a view pref changes', async () => {
    const storage = new MemStorage();
    let writes = 0;
    const setItem = storage.setItem.bind(storage);
    storage.setItem = (k: string, v: string) => {
      if (k === SESSION_KEY) writes++;
      setItem(k, v);
    };
    const store = createAppStore({ storage, search: manualBackend().backend });
    await store.persist.rehydrate();
    store.getState().setToast('ready'); // the first change after start writes the session once
    const before = writes;
    // Store changes that are not part of the session (a toast; search progress is the same kind).
    for (let i = 0; i < 20; i++) store.getState().setToast(`progress ${i}`);
    expect(writes).toBe(before);
    store.getState().setTheme('dark');
    expect(writes).toBe(before + 1);
    store.getState().setField(['workload', 'outputTokens'], 777);
    expect(writes).toBe(before + 2);
    expect(storage.getItem(SESSION_KEY)).toContain('777');
  });

  it('restores the last session, validating it', async () => {
    const storage = new MemStorage();
    const a = createAppStore({ storage, search: manualBackend().backend });
    await a.persist.rehydrate();
    a.getState().setField(['workload', 'outputTokens'], 999);
    a.getState().setTheme('dark');
    const b = createAppStore({ storage, search: manualBackend().backend });
    expect(b.getState().scenario.workload.outputTokens).toBe(DEFAULT_SCENARIO.workload.outputTokens); // skipHydration
    await b.persist.rehydrate();
    expect(b.getState().scenario.workload.outputTokens).toBe(999);
    expect(b.getState().view.theme).toBe('dark');
  });

  it('starts from the default with a banner when the stored session is invalid', async () => {
    const storage = new MemStorage();
    storage.setItem(
      SESSION_KEY,
      JSON.stringify({
        state: { scenario: { version: 1, model: 'x', cluster: { gpu: 'h100-sxm', nodes: 0 } } },
        version: 1,
      }),
    );
    const s = createAppStore({ storage, search: manualBackend().backend });
    await s.persist.rehydrate();
    expect(s.getState().scenario).toEqual(DEFAULT_SCENARIO);
    expect(s.getState().banner?.kind).toBe('session-error');
    expect(s.getState().banner?.message).toMatch(/cluster\.nodes must be at least 1/);
  });

  it('reads the stored session as untrusted JSON: too deep is refused, prototype keys are dropped', async () => {
    const deep = fakeStorageWith(`{"state":{"scenario":${'['.repeat(100_000)}${']'.repeat(100_000)}},"version":1}`);
    const s = createAppStore({ storage: deep, search: manualBackend().backend });
    await s.persist.rehydrate();
    expect(s.getState().scenario).toEqual(DEFAULT_SCENARIO);
    expect(s.getState().banner).toEqual({
      kind: 'storage-error',
      message: 'Your last session could not be read, so ParaKV started from the default scenario.',
    });

    const proto = fakeStorageWith(
      JSON.stringify({ state: { view: { theme: 'dark' } }, version: 1 }).replace(
        '{"view"',
        '{"__proto__":{"polluted":1},"view"',
      ),
    );
    const p = createAppStore({ storage: proto, search: manualBackend().backend });
    await p.persist.rehydrate();
    expect(p.getState().view.theme).toBe('dark');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((p.getState() as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports a storage quota failure once and keeps working', async () => {
    const storage = new MemStorage();
    const s = createAppStore({ storage, search: manualBackend().backend });
    await s.persist.rehydrate();
    storage.failWrites = true;
    s.getState().setField(['workload', 'outputTokens'], 500);
    expect(s.getState().scenario.workload.outputTokens).toBe(500);
    expect(s.getState().banner?.kind).toBe('storage-error');
    expect(s.getState().banner?.message).toMatch(/quota/);
  });
});

describe('saved scenarios', () => {
  it('saves, renames, duplicates, opens, deletes, exports and imports', () => {
    const storage = new MemStorage();
    const store = createAppStore({ storage, search: manualBackend().backend });
    const st = store.getState();
    expect(st.saveCurrent('70B chat')).toBe(true);
    const id = store.getState().saved.items[0]!.id;
    expect(st.renameSaved(id, '70B chat on 2 nodes')).toBe(true);
    expect(st.duplicateSaved(id)).toBe(true);
    expect(store.getState().saved.items.map((i) => i.name)).toEqual([
      '70B chat on 2 nodes',
      '70B chat on 2 nodes (copy)',
    ]);
    st.setField(['workload', 'inputTokens'], 4000);
    expect(st.openSaved(id)).toBe(true);
    expect(store.getState().scenario.workload.inputTokens).toBe(DEFAULT_SCENARIO.workload.inputTokens);
    const exported = st.exportSaved();
    expect(st.deleteSaved(id)).toBe(true);
    expect(store.getState().saved.items).toHaveLength(1);
    const r = st.importSaved(exported);
    expect(r.added).toBe(2);
    expect(store.getState().saved.items).toHaveLength(3);
    const bad = st.importSaved('{"items":[{"name":"x","scenario":{"version":1}}]}');
    expect(bad.added).toBe(0);
    expect(bad.errors[0]).toMatch(/Item 1 \("x"\): invalid scenario/);
  });

  it('reports a failed save without losing the list', () => {
    const storage = new MemStorage();
    const store = createAppStore({ storage, search: manualBackend().backend });
    store.getState().saveCurrent('one');
    storage.failWrites = true;
    expect(store.getState().saveCurrent('two')).toBe(false);
    expect(store.getState().saved.items.map((i) => i.name)).toEqual(['one']);
    expect(store.getState().saved.messages.join(' ')).toMatch(/two/);
  });
});

describe('KV strategies in the search options (issue 6)', () => {
  it('sanitises persisted strategy choices: known preset names and strategies the schema accepts', () => {
    const d = sanitizeSearchDraft({
      kvStrategies: [
        'fp8',
        'kivi9',
        42,
        { label: 'vAttention', paging: { scheme: 'vattention' } },
        { quant: { dtype: 'int3' } },
      ],
      allowLossy: true,
      allowNearLossless: 'yes',
    });
    expect(d.kvStrategies).toEqual(['fp8', { label: 'vAttention', paging: { scheme: 'vattention' } }]);
    expect(d.allowLossy).toBe(true);
    expect(d.allowNearLossless).toBe(true);
    expect(DEFAULT_SEARCH_DRAFT.allowLossy).toBe(false);
  });

  it('with strategies varied, the selected plan’s strategy names its candidate, and results stay fresh when the winner is applied', () => {
    const o = { ...DEFAULT_SEARCH_DRAFT, kvStrategies: ['none', 'fp8', 'kivi2'] };
    const fp8 = applyKnobs(DEFAULT_SCENARIO, {
      kind: 'colocated',
      plan: DEFAULT_SCENARIO.plan,
      kvDtype: 'bf16',
      maxNumSeqs: 256,
      maxBatchedTokens: 8192,
      kvStrategy: { id: 'fp8', label: 'fp8 KV', strategy: { quant: { kind: 'quant', dtype: 'fp8' } } },
    });
    expect(currentKnobsId(fp8, o)).toMatch(/\|kvs=fp8$/);
    expect(currentKnobsId(DEFAULT_SCENARIO, o)).toMatch(/\|kvs=none$/);
    // A strategy that is none of the choices matches no candidate.
    const int4 = {
      ...DEFAULT_SCENARIO,
      runtime: {
        ...DEFAULT_SCENARIO.runtime,
        kvStrategy: { quant: { kind: 'quant' as const, dtype: 'int4' as const } },
      },
    };
    expect(currentKnobsId(int4, o)).toMatch(/\|kvs=\(custom\)$/);
    // Without strategies in the options, ids are as before.
    expect(currentKnobsId(fp8)).not.toContain('kvs=');
    // Applying a candidate's strategy does not make the search stale; other edits do.
    expect(searchKey(fp8, o)).toBe(searchKey(DEFAULT_SCENARIO, o));
    expect(searchKey(fp8, DEFAULT_SEARCH_DRAFT)).not.toBe(searchKey(DEFAULT_SCENARIO, DEFAULT_SEARCH_DRAFT));
    expect(searchKey(DEFAULT_SCENARIO, { ...o, allowLossy: true })).not.toBe(searchKey(DEFAULT_SCENARIO, o));
  });
});
