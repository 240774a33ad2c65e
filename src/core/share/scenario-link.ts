/**
 * Scenario ⇄ shareable link (`#s1.<deflate+base64url>`), binding the generic codec to the Scenario
 * schema and its migrations. Used by the UI's URL sync and by `parakv link` / `evaluate --link`.
 * One migration per version step lives in SCENARIO_MIGRATIONS (none yet: version 1 is the first).
 */
import { SCENARIO_VERSION, type Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { decodeLink, encodeLink, type DecodeResult, type Migrations } from './codec.ts';

/** migrations[v] turns a version-v payload into version v+1. Takes unknown: links are untrusted. */
export const SCENARIO_MIGRATIONS: Migrations = {};

export function validateScenarioJson(json: unknown): { ok: true; value: Scenario } | { ok: false; error: string } {
  const r = parseScenario(json);
  return r.ok ? { ok: true, value: r.scenario } : { ok: false, error: r.errors.slice(0, 3).join('; ') };
}

export function scenarioToLink(scenario: Scenario): Promise<string> {
  return encodeLink(scenario, SCENARIO_VERSION);
}

export function scenarioFromLink(fragmentOrUrl: string): Promise<DecodeResult<Scenario>> {
  return decodeLink(fragmentOrUrl, {
    currentVersion: SCENARIO_VERSION,
    migrations: SCENARIO_MIGRATIONS,
    validate: validateScenarioJson,
  });
}
