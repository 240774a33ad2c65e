/**
 * Immutable updates by field path, and the schema check every edit goes through. An edit that the
 * schema rejects is not committed: the scenario keeps its last valid value and the message (from
 * the zod issue for that path) is shown next to the field.
 */
import { scenarioSchema, type Scenario } from '../core/scenario/schema.ts';

export type FieldPath = readonly (string | number)[];

export const pathKey = (path: FieldPath): string => path.map(String).join('.');

/** Copy `obj` with `value` at `path` (objects created along the way; `undefined` deletes the key). */
export function setIn(obj: unknown, path: FieldPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const key = String(head);
  const base: Record<string, unknown> =
    obj !== null && typeof obj === 'object' && !Array.isArray(obj) ? { ...(obj as Record<string, unknown>) } : {};
  const next = setIn(base[key], rest, value);
  if (next === undefined) delete base[key];
  else base[key] = next;
  return base;
}

export function getIn(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(p)];
  }
  return cur;
}

export type EditResult = { ok: true; scenario: Scenario } | { ok: false; message: string };

/** Apply one field edit and validate the whole scenario; the message names the edited field when it is the culprit. */
export function editScenario(scenario: Scenario, path: FieldPath, value: unknown): EditResult {
  const candidate = setIn(scenario, path, value);
  const r = scenarioSchema.safeParse(candidate);
  if (r.success) return { ok: true, scenario: r.data };
  const key = pathKey(path);
  const mine = r.error.issues.find((i) => pathKey(i.path as (string | number)[]).startsWith(key)) ?? r.error.issues[0];
  const msg = mine?.message ?? 'invalid value';
  // Messages already start with the field name ("runtime.maxNumSeqs must be at least 1"); drop the prefix for display next to the field.
  const short = msg.replace(/^[\w.[\]]+:\s*/, '');
  return { ok: false, message: short };
}
