/**
 * Boot, in this order (see src/state/store.ts and url-sync.ts):
 *  1. create the store (browser storage, Web Worker search pool, which also runs "Simulate this plan"),
 *     and install the untrusted-input worker (links, config.json, live evaluation; state/untrusted.ts);
 *  2. rehydrate the last session from localStorage and load the saved-scenarios list;
 *  3. apply a valid #s2.… (or older) link over it: scenario, search settings, and the table rerun when
 *     the sender had one (a bad link raises the banner; the app keeps the session);
 *  4. start URL sync (edits → hash, back/forward → store);
 *  5. render.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { KeyValueStorage } from './core/share/saved.ts';
import { PlannerPool } from './worker/pool.ts';
import { StoreProvider } from './state/react.tsx';
import { createAppStore } from './state/store.ts';
import { applyHash, startUrlSync } from './state/url-sync.ts';
import { setUntrustedOps } from './state/untrusted.ts';
import { UNTRUSTED_LIMITS, workerUntrustedOps, type UntrustedLimits } from './worker/untrusted.ts';
import { App } from './ui/App.tsx';

/** localStorage, or an in-memory stand-in where storage is disabled (private modes, sandboxed frames). */
function browserStorage(): KeyValueStorage {
  try {
    const ls = window.localStorage;
    ls.getItem('parakv.probe');
    return ls;
  } catch {
    const m = new Map<string, string>();
    return {
      getItem: (k) => m.get(k) ?? null,
      setItem: (k, v) => void m.set(k, v),
      removeItem: (k) => void m.delete(k),
    };
  }
}

/**
 * The untrusted-input time limits; an end-to-end test may lower them before boot
 * (`window.__PARAKV_UNTRUSTED_LIMITS__`, e2e/hostile-input.spec.ts) to reach a timeout in seconds.
 */
function untrustedLimits(): UntrustedLimits {
  const o = (window as { __PARAKV_UNTRUSTED_LIMITS__?: Partial<UntrustedLimits> }).__PARAKV_UNTRUSTED_LIMITS__;
  const pick = (k: keyof UntrustedLimits) => (typeof o?.[k] === 'number' && o[k] > 0 ? o[k] : UNTRUSTED_LIMITS[k]);
  return { decodeMs: pick('decodeMs'), configMs: pick('configMs'), evaluateMs: pick('evaluateMs') };
}

async function boot(): Promise<void> {
  const pool = new PlannerPool();
  const store = createAppStore({
    storage: browserStorage(),
    search: pool,
    simulate: (s) => pool.simulate(s, { timeline: true }),
  });
  // Untrusted input (links, config.json, the live evaluation) runs in its own worker with a time limit.
  setUntrustedOps(
    workerUntrustedOps(undefined, untrustedLimits(), (message) =>
      store.getState().setBanner({ kind: 'info', message }),
    ),
  );
  await store.persist.rehydrate();
  store.getState().reloadSaved();
  const hash = window.location.hash;
  const linked = hash.length > 1 ? await applyHash(store, hash) : 'empty';
  startUrlSync(store, undefined, {
    writeInitial: linked !== 'error',
    onTooLong: (chars) =>
      store.getState().setBanner({
        kind: 'info',
        message: `This scenario is too large for a link (${chars.toLocaleString('en-US')} characters, e.g. an embedded trace). Save it or export it instead; the address bar keeps the last shareable state.`,
      }),
  });
  const el = document.getElementById('root');
  if (!el) throw new Error('index.html has no #root element');
  createRoot(el).render(
    <StrictMode>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </StrictMode>,
  );
}

void boot();
