/**
 * The checks `validate` shares with `evaluate`, and how their findings are printed: one line per
 * scenario, one line for an array ("3 of 200,000 scenarios are invalid; the first: …").
 */
import { ScenarioError } from '../core/cost/deployment.ts';
import { resolvePools } from '../core/cost/pools.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import { parseTrace, type TraceFormat } from '../core/workload/traces.ts';

/** Issues shown for one scenario; the rest are counted. */
const MAX_ISSUES_SHOWN = 3;
/** Longest error text for one scenario (a field list from a hostile file can be megabytes). */
const MAX_ERROR_CHARS = 2000;

/** The first few issues joined by "; ", with a count of the others, capped in length. */
export function summariseIssues(issues: readonly string[]): string {
  const shown = issues.slice(0, MAX_ISSUES_SHOWN).join('; ');
  const more = issues.length > MAX_ISSUES_SHOWN ? ` (and ${issues.length - MAX_ISSUES_SHOWN} more)` : '';
  const text = shown + more;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}

/**
 * What evaluation resolves before it computes anything: the model and GPU ids, the plan against the
 * model and the cluster (both pools for a disaggregated plan), and the trace rows. Throws the
 * engine's ScenarioError naming the field.
 */
export function checkScenario(s: Scenario): void {
  resolvePools(s);
  const trace = s.workload.trace;
  if (trace?.data !== undefined) {
    const parsed = parseTrace(trace.format as TraceFormat, trace.data);
    if (!parsed.ok) throw new ScenarioError('workload.trace', parsed.message);
  }
}

/** Parse and check one untrusted scenario: null when it is valid, else its error text. */
export function scenarioProblem(input: unknown): string | null {
  const parsed = parseScenario(input);
  if (!parsed.ok) return summariseIssues(parsed.errors);
  try {
    checkScenario(parsed.scenario);
  } catch (e) {
    if (e instanceof ScenarioError) return summariseIssues([e.message]);
    throw e;
  }
  return null;
}

/**
 * One stderr line for the errors of a run: "scenario: …" for a single scenario, "scenario[i]: …"
 * when one element of an array is bad, and a count with the first error when several are.
 */
export function errorSummary(errors: readonly (string | null)[], many: boolean): string | null {
  let first = -1;
  let bad = 0;
  errors.forEach((e, i) => {
    if (e === null) return;
    bad += 1;
    if (first < 0) first = i;
  });
  if (bad === 0) return null;
  const line = `scenario${many ? `[${first}]` : ''}: ${errors[first]}`;
  if (bad === 1) return line;
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(bad)} of ${n(errors.length)} scenarios are invalid; the first: ${line}`;
}
