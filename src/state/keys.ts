/**
 * Cache keys for results: a search is stale when `searchKey` changes, a simulation when
 * `scenarioKey` does. They run inside store selectors on every update (search-progress ticks
 * included), so both are memoised per (immutable) scenario object, and long strings — an embedded
 * 20 MB trace — enter the key as a fingerprint computed once per holding object, not as a copy.
 */
import type { Scenario } from '../core/scenario/schema.ts';

/** The parts of the search draft the key reads (the store's SearchOptionsDraft has them). */
interface SearchOptionsDraft {
  kvDtypes: readonly unknown[];
  kvStrategies: readonly unknown[];
  maxNumSeqs: readonly unknown[];
  maxBatchedTokens: readonly unknown[];
}

/** Strings longer than this are keyed by length + hash instead of their text. */
const LONG_STRING_CHARS = 4096;

/** FNV-1a over UTF-16 code units, 32-bit (Fowler–Noll–Vo; collisions only make a stale check miss). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const fingerprints = new WeakMap<object, Map<string, string>>();

/** JSON.stringify replacer: a long string becomes "#<length>:<hash>", computed once per holder object. */
function fingerprintLongStrings(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== 'string' || value.length <= LONG_STRING_CHARS || this === null || typeof this !== 'object')
    return value;
  let byKey = fingerprints.get(this);
  if (!byKey) fingerprints.set(this, (byKey = new Map()));
  let fp = byKey.get(key);
  if (fp === undefined) byKey.set(key, (fp = `#${value.length}:${fnv1a(value).toString(16)}`));
  return fp;
}

const keyJson = (value: unknown): string => JSON.stringify(value, fingerprintLongStrings);

const scenarioKeys = new WeakMap<Scenario, string>();

/** Everything in the scenario: a simulation result belongs to exactly this scenario. */
export function scenarioKey(s: Scenario): string {
  let k = scenarioKeys.get(s);
  if (k === undefined) scenarioKeys.set(s, (k = keyJson(s)));
  return k;
}

const searchKeys = new WeakMap<Scenario, WeakMap<object, string>>();

/** Inputs that, when changed, invalidate search results: everything but the selection (plan + the knobs the search varies). */
export function searchKey<O extends SearchOptionsDraft>(s: Scenario, o: O): string {
  let byOptions = searchKeys.get(s);
  if (!byOptions) searchKeys.set(s, (byOptions = new WeakMap()));
  let k = byOptions.get(o);
  if (k === undefined) byOptions.set(o, (k = computeSearchKey(s, o)));
  return k;
}

function computeSearchKey(s: Scenario, o: SearchOptionsDraft): string {
  // A strategy with a quant component runs over a bf16 base, so varying strategies varies the KV dtype too.
  const kvVaried = o.kvDtypes.length > 0 || o.kvStrategies.length > 0;
  const precision = kvVaried ? { ...s.precision, kvCache: '*' } : s.precision;
  const runtime = {
    ...s.runtime,
    kvStrategy: o.kvStrategies.length > 0 ? '*' : s.runtime.kvStrategy,
    maxNumSeqs: o.maxNumSeqs.length > 0 ? '*' : s.runtime.maxNumSeqs,
    maxBatchedTokens: o.maxBatchedTokens.length > 0 ? '*' : s.runtime.maxBatchedTokens,
  };
  return keyJson({
    model: s.model,
    cluster: s.cluster,
    workload: s.workload,
    slo: s.slo,
    precision,
    runtime,
    options: o,
  });
}
