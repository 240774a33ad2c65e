/**
 * The scenario slice: the scenario being edited (always valid, defaults filled) and the messages of
 * edits the schema refused. A model or cluster change that breaks the plan starts from one that works.
 */
import type { Scenario } from '../../core/scenario/schema.ts';
import { parseScenario } from '../../core/scenario/validate.ts';
import { evaluateFast } from '../../core/evaluate/fast.ts';
import { planResolves, startingPlan } from '../../core/views/startPlan.ts';
import { DEFAULT_SCENARIO } from '../defaults.ts';
import { editScenario, pathKey } from '../paths.ts';
import type { AppSlice } from '../types.ts';

/**
 * The scenario, with its plan replaced by a starting plan when it no longer resolves or no longer
 * fits in memory (and a note saying so). Used when the model or cluster changes under a plan.
 */
export function withValidPlan(next: Scenario, what: 'model' | 'cluster'): { scenario: Scenario; toast: string | null } {
  let verdict: 'ok' | 'broken' | 'no-fit';
  try {
    verdict = !planResolves(next) ? 'broken' : evaluateFast(next).memory.fits ? 'ok' : 'no-fit';
  } catch {
    return { scenario: next, toast: null }; // model/GPU errors are shown by the evaluation, not fixed here
  }
  if (verdict === 'ok') return { scenario: next, toast: null };
  const plan = startingPlan(next);
  if (!plan) return { scenario: next, toast: null };
  const candidate = { ...next, plan };
  if (verdict === 'no-fit') {
    let fits: boolean;
    try {
      fits = evaluateFast(candidate).memory.fits;
    } catch {
      fits = false;
    }
    if (!fits) return { scenario: next, toast: null };
  }
  const label = `TP${plan.tp}${plan.pp > 1 ? ` PP${plan.pp}` : ''} DP${plan.dp}${plan.ep > 1 ? ` EP${plan.ep}` : ''}`;
  const why = verdict === 'broken' ? 'does not work with' : 'does not fit in memory with';
  return {
    scenario: candidate,
    toast: `The previous plan ${why} this ${what}: starting from ${label}. Run a search for the best plan.`,
  };
}

export const createScenarioSlice: AppSlice<
  'scenario' | 'fieldErrors' | 'setScenario' | 'setField' | 'clearFieldError' | 'setModelOrCluster'
> = (set, get) => ({
  scenario: DEFAULT_SCENARIO,
  fieldErrors: {},

  setScenario: (scenario) => set({ scenario, fieldErrors: {} }),
  setField: (path, value, opts) => {
    const r = editScenario(get().scenario, path, value);
    const key = pathKey(path);
    if (!r.ok) {
      set((s) => ({ fieldErrors: { ...s.fieldErrors, [key]: r.message } }));
      return false;
    }
    const fixed = opts?.keepPlanValid
      ? withValidPlan(r.scenario, opts.keepPlanValid)
      : { scenario: r.scenario, toast: null };
    set((s) => {
      const fieldErrors = { ...s.fieldErrors };
      delete fieldErrors[key];
      return {
        scenario: fixed.scenario,
        fieldErrors,
        view: fixed.toast ? { ...s.view, toast: fixed.toast } : s.view,
      };
    });
    return true;
  },
  clearFieldError: (path) =>
    set((s) => {
      const key = pathKey(path);
      if (!(key in s.fieldErrors)) return {};
      const fieldErrors = { ...s.fieldErrors };
      delete fieldErrors[key];
      return { fieldErrors };
    }),
  setModelOrCluster: (patch) => {
    const cur = get().scenario;
    const parsed = parseScenario({ ...cur, ...patch });
    const what = patch.model !== undefined ? 'model' : 'cluster';
    if (!parsed.ok) {
      set((s) => ({ fieldErrors: { ...s.fieldErrors, [what]: parsed.errors[0] ?? 'invalid value' } }));
      return;
    }
    const fixed = withValidPlan(parsed.scenario, what);
    set((s) => ({
      scenario: fixed.scenario,
      fieldErrors: {},
      view: fixed.toast ? { ...s.view, toast: fixed.toast } : s.view,
    }));
  },
});
