/**
 * Scenario (+ search settings) ⇄ shareable link (`#s2.<deflate+base64url>`), binding the generic
 * codec to the Scenario schema, the link's search part and their migrations. Used by the UI's URL
 * sync and Copy link, and by `parakv link` / `evaluate --link`.
 *
 * Link payload versions (the number after `s`; independent of Scenario's own `version` field):
 *  - v1: the Scenario itself.
 *  - v2: `{ scenario, search?, showTable? }`: the search options the sender's table was computed with
 *    (objective, secondary objective, P/D toggle, KV strategies to try, lossy flags, …) and whether
 *    the sender was looking at a search table. The selected plan is `scenario.plan` + its runtime
 *    knobs, as in v1. A v1 link opens as `{ scenario }` (no search part: the recipient keeps theirs).
 */
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { decodeLink, encodeLink, type DecodeResult, type Migrations } from './codec.ts';
import { parseLinkSearch, type LinkSearchOptions } from './search-link.ts';

export type { LinkSearchOptions } from './search-link.ts';

/** The link payload version this build writes. */
export const LINK_VERSION = 2;

/** What a link carries. */
export interface SharedState {
  scenario: Scenario;
  /** The sender's search options, or null for a link that carries none (v1, `parakv link`). */
  search: LinkSearchOptions | null;
  /** The sender was looking at a search table for exactly this scenario and these options. */
  showTable: boolean;
}

/** migrations[v] turns a version-v payload into version v+1. Takes unknown: links are untrusted. */
export const SCENARIO_MIGRATIONS: Migrations = {
  // v1 → v2: the payload was the bare scenario; it moves under `scenario` and carries no search part.
  1: (old) => ({ scenario: old }),
};

export function validateScenarioJson(json: unknown): { ok: true; value: Scenario } | { ok: false; error: string } {
  const r = parseScenario(json);
  return r.ok ? { ok: true, value: r.scenario } : { ok: false, error: r.errors.slice(0, 3).join('; ') };
}

/** Validate a v2 payload: the scenario by its schema, the search part by the link's search schema. */
export function validateSharedJson(json: unknown): { ok: true; value: SharedState } | { ok: false; error: string } {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return { ok: false, error: 'the link holds no scenario' };
  const o = json as Record<string, unknown>;
  const scenario = validateScenarioJson(o.scenario);
  if (!scenario.ok) return scenario;
  let search: LinkSearchOptions | null = null;
  if (o.search !== undefined) {
    const r = parseLinkSearch(o.search);
    if (!r.ok) return { ok: false, error: `its search settings are not valid (${r.error})` };
    search = r.value;
  }
  return { ok: true, value: { scenario: scenario.value, search, showTable: o.showTable === true && search !== null } };
}

/** Encode a scenario, and optionally the search settings it is shown with. */
export function sharedToLink(state: {
  scenario: Scenario;
  search?: LinkSearchOptions | null;
  showTable?: boolean;
}): Promise<string> {
  const payload: Record<string, unknown> = { scenario: state.scenario };
  if (state.search) {
    payload.search = state.search;
    if (state.showTable) payload.showTable = true;
  }
  return encodeLink(payload, LINK_VERSION);
}

export function sharedFromLink(fragmentOrUrl: string): Promise<DecodeResult<SharedState>> {
  return decodeLink(fragmentOrUrl, {
    currentVersion: LINK_VERSION,
    migrations: SCENARIO_MIGRATIONS,
    validate: validateSharedJson,
  });
}

/** A link with the scenario only (the CLI's `parakv link`). */
export function scenarioToLink(scenario: Scenario): Promise<string> {
  return sharedToLink({ scenario });
}

/** The scenario of any link version (the CLI's `evaluate --link`); search settings are dropped. */
export async function scenarioFromLink(fragmentOrUrl: string): Promise<DecodeResult<Scenario>> {
  const r = await sharedFromLink(fragmentOrUrl);
  return r.ok ? { ok: true, value: r.value.scenario, migratedFrom: r.migratedFrom } : r;
}
