/**
 * Scenario + search settings ⇄ URL hash (`#s2.<deflate+base64url>`, core/share/scenario-link.ts).
 *
 * Store → URL: after an edit settles (debounce), the scenario, the search options and whether a
 * fresh search table is showing are encoded and written to the hash (sharedOf), so a link opens on
 * the sender's table with the sender's selected plan.
 * A burst of edits (slider drags, typing) becomes ONE history entry: the first write of a burst
 * pushes, later writes within `coalesceMs` replace it. So back/forward step between settled states.
 *
 * URL → store: on popstate/hashchange (back/forward, a pasted link), the hash is decoded; a valid
 * link replaces the store's scenario and search options (AppState.applyShared), a bad one leaves the app on its current scenario and raises the
 * link banner with the decoder's reason. Links are untrusted: the codec caps length and
 * decompressed size and the schema validates before anything is applied; in the app all of it runs
 * in a worker with a time limit (state/untrusted.ts), so a hostile link never freezes the tab.
 *
 * The environment (location, history, events, clock) is injected so tests run without a DOM.
 */
import { MAX_FRAGMENT_LENGTH } from '../core/share/codec.ts';
import { sharedFromLink, sharedToLink, type SharedState } from '../core/share/scenario-link.ts';
import { searchKey, type AppState, type AppStore } from './store.ts';
import { untrustedOps } from './untrusted.ts';

export interface UrlEnv {
  getHash(): string;
  pushHash(hash: string): void;
  replaceHash(hash: string): void;
  /** Subscribe to back/forward and manual hash edits; returns an unsubscribe. */
  onNavigate(cb: () => void): () => void;
  now(): number;
  setTimer(cb: () => void, ms: number): unknown;
  clearTimer(t: unknown): void;
}

export function browserUrlEnv(): UrlEnv {
  return {
    getHash: () => window.location.hash,
    pushHash: (hash) => window.history.pushState(null, '', hash),
    replaceHash: (hash) => window.history.replaceState(null, '', hash),
    onNavigate: (cb) => {
      window.addEventListener('popstate', cb);
      window.addEventListener('hashchange', cb);
      return () => {
        window.removeEventListener('popstate', cb);
        window.removeEventListener('hashchange', cb);
      };
    },
    now: () => Date.now(),
    setTimer: (cb, ms) => setTimeout(cb, ms),
    clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
  };
}

/** What a link of the current state carries: the scenario, the search options and whether their table is showing. */
export function sharedOf(s: Pick<AppState, 'scenario' | 'searchOptions' | 'search'>): SharedState {
  return {
    scenario: s.scenario,
    search: s.searchOptions,
    showTable: s.search.status === 'done' && s.search.key === searchKey(s.scenario, s.searchOptions),
  };
}

const sameShared = (a: SharedState, b: SharedState) =>
  a.showTable === b.showTable && JSON.stringify([a.scenario, a.search]) === JSON.stringify([b.scenario, b.search]);

export type ApplyHashResult = 'applied' | 'empty' | 'unchanged' | 'error';

/** Decode `hash` and load it into the store; on failure raise the link banner and keep the current scenario. */
export async function applyHash(store: AppStore, hash: string): Promise<ApplyHashResult> {
  const frag = hash.startsWith('#') ? hash.slice(1) : hash;
  if (frag.length === 0) return 'empty';
  // In the app the link is decoded in a worker with a time limit (state/untrusted.ts).
  const r = await (untrustedOps()?.decodeLink(frag) ?? sharedFromLink(frag));
  if (!r.ok) {
    store.getState().setBanner({
      kind: 'link-error',
      message: `This link could not be opened: ${r.error}. You are looking at your previous scenario instead.`,
    });
    return 'error';
  }
  const st = store.getState();
  if (st.banner?.kind === 'link-error') st.setBanner(null);
  const incoming: SharedState = r.value.search ? r.value : { ...r.value, search: st.searchOptions, showTable: false };
  if (sameShared(sharedOf(st), incoming)) return 'unchanged';
  st.applyShared(r.value);
  if (r.migratedFrom !== null)
    st.setToast(`Opened a link from ParaKV v${r.migratedFrom}; it was upgraded to the current format.`);
  return 'applied';
}

export interface UrlSyncOptions {
  debounceMs?: number;
  coalesceMs?: number;
  /** Write the current scenario to the hash right away (replace) — skipped when the boot link was bad. */
  writeInitial?: boolean;
  /** Called when the scenario is too large for a link (e.g. an embedded trace). */
  onTooLong?: (chars: number) => void;
}

export function startUrlSync(store: AppStore, env: UrlEnv = browserUrlEnv(), opts: UrlSyncOptions = {}): () => void {
  const debounceMs = opts.debounceMs ?? 250;
  const coalesceMs = opts.coalesceMs ?? 1500;
  let timer: unknown = null;
  let seq = 0;
  let lastWriteAt = -Infinity;
  /** The hash we last wrote or applied; navigation to it is ours, not the user's. */
  let current = env.getHash();
  /** The next write replaces instead of pushing (after applying a link, to normalise it). */
  let replaceNext = false;
  let stopped = false;

  const write = async (shared: SharedState, mode: 'auto' | 'replace') => {
    const mySeq = ++seq;
    const frag = await sharedToLink(shared);
    if (stopped || mySeq !== seq) return;
    if (frag.length > MAX_FRAGMENT_LENGTH) {
      opts.onTooLong?.(frag.length);
      return;
    }
    const hash = `#${frag}`;
    if (hash === env.getHash()) {
      current = hash;
      return;
    }
    const t = env.now();
    if (mode === 'replace' || t - lastWriteAt < coalesceMs) env.replaceHash(hash);
    else env.pushHash(hash);
    lastWriteAt = t;
    current = hash;
  };

  const unsub = store.subscribe((s, prev) => {
    if (s.scenario === prev.scenario && s.searchOptions === prev.searchOptions && s.search === prev.search) return;
    if (sameShared(sharedOf(s), sharedOf(prev))) return;
    if (timer !== null) env.clearTimer(timer);
    const mode = replaceNext ? 'replace' : 'auto';
    replaceNext = false;
    timer = env.setTimer(() => {
      timer = null;
      void write(sharedOf(store.getState()), mode);
    }, debounceMs);
  });

  const onNav = () => {
    const hash = env.getHash();
    if (hash === current) return;
    current = hash;
    // A pending write belongs to the state we are leaving.
    if (timer !== null) {
      env.clearTimer(timer);
      timer = null;
    }
    seq++;
    replaceNext = true;
    // The next edit after moving through history starts a new entry instead of overwriting this one.
    lastWriteAt = -Infinity;
    void applyHash(store, hash).then((r) => {
      if (r !== 'applied') replaceNext = false;
    });
  };
  const offNav = env.onNavigate(onNav);

  if (opts.writeInitial ?? true) void write(sharedOf(store.getState()), 'replace');

  return () => {
    stopped = true;
    unsub();
    offNav();
    if (timer !== null) env.clearTimer(timer);
  };
}
