/**
 * Plan search, first pass only (issue 16): `search(scenario, { top: 5, maxWallMs: 500 })` (closed form, no
 * simulation) on extreme-but-valid scenarios over clusters from 1 GPU to 1024 × 128 — among them
 * DeepSeek-V3 on 1024 × 128 H200, whose space must be refused by counting, fast. Refusals: the
 * schema, ScenarioError, and SearchOptionError (an option out of range, or the space too large:
 * space.ts tooLargeError). Ranked and Pareto plans must pass checkEvaluation and rank by a finite value;
 * a search its budget stopped must say how many of its candidates it searched.
 */
import { ScenarioError } from '../../core/cost/deployment.ts';
import { search } from '../../core/search/search.ts';
import { SearchOptionError } from '../../core/search/space.ts';
import { objectiveValue } from '../../core/search/objectives.ts';
import { checkEvaluation } from '../result-checks.ts';
import { FuzzInvariantError, type FuzzSurface } from '../types.ts';
import {
  describeScenario,
  engineSeeds,
  extremeScenario,
  parseOrRefuse,
  SchemaRefusal,
  type ScenarioLimits,
} from '../valid-scenarios.ts';

type Obj = Record<string, unknown>;

const SEARCH_LIMITS: ScenarioLimits = { maxRequests: 1_000_000, maxEmpiricalValues: 20_000 };

/** The space issue 16 saw refused only after 70–200 s. */
const DEEPSEEK_HUGE: Obj = {
  version: 1,
  model: 'deepseek-v3',
  cluster: { gpu: 'h200', nodes: 1024, gpusPerNode: 128 },
  workload: { inputTokens: 4096, outputTokens: 512, arrival: { kind: 'poisson', ratePerSec: 10 } },
};

const CLUSTERS: readonly Obj[] = [
  { nodes: 1, gpusPerNode: 1 },
  { nodes: 1, gpusPerNode: 8 },
  { nodes: 2, gpusPerNode: 8 },
  { nodes: 16, gpusPerNode: 8 },
  { nodes: 1, gpusPerNode: 72 },
  { nodes: 128, gpusPerNode: 8 },
  { nodes: 1024, gpusPerNode: 128 },
];

/**
 * The first pass's time budget here (core/search/budget.ts): half the harness's 1 s kill limit, so
 * the overshoot (one candidate, detailing the kept plans) still ends inside it on a loaded machine.
 */
export const SURFACE_SEARCH_WALL_MS = 500;

export const searchSurface: FuzzSurface<Obj, Obj[]> = {
  name: 'search',
  description:
    'parseScenario + search({ top: 5, maxWallMs: 500 }) (closed form) on extreme-but-valid scenarios, 1 to 131,072 GPUs',
  expectedErrors: [SchemaRefusal, ScenarioError, SearchOptionError],
  // up to 0.5 s per accepted call (its budget): 1,500 calls ≈ 5 min.
  fullRuns: 1500,
  setup: () => [...engineSeeds(), DEEPSEEK_HUGE],
  generate(rng, seeds) {
    const s = extremeScenario(rng, seeds, SEARCH_LIMITS);
    if (rng.chance(0.5)) {
      const c = (typeof s.cluster === 'object' && s.cluster !== null ? s.cluster : {}) as Obj;
      s.cluster = { gpu: 'h100-sxm', ...c, ...rng.pick(CLUSTERS) };
    }
    return s;
  },
  run(raw) {
    const res = search(parseOrRefuse(raw), { top: 5, maxWallMs: SURFACE_SEARCH_WALL_MS });
    // A stopped search says so, with counts that add up.
    const st = res.stopped;
    if (st && !(st.searched < st.total && st.total === res.counts.enumerated && st.message.startsWith('searched ')))
      throw new FuzzInvariantError(`stopped ${JSON.stringify(st)} does not match ${res.counts.enumerated} candidates`);
    for (const [list, plans] of [
      ['ranked', res.ranked],
      ['pareto', res.pareto],
    ] as const) {
      plans.forEach((p, i) => {
        if (!Number.isFinite(p.value)) throw new FuzzInvariantError(`${list}[${i}] ranks by value ${p.value}`);
        // A secondary objective with no value is Infinity by design (objectives.ts: "absent: ranks
        // last"); it must then be the metric that is absent, never NaN.
        if (Number.isNaN(p.secondaryValue) || p.secondaryValue !== objectiveValue(p.result, res.secondary))
          throw new FuzzInvariantError(`${list}[${i}] has secondaryValue ${p.secondaryValue}`);
        if (!Number.isFinite(p.secondaryValue) && Object.keys(p.result.metrics.absent ?? {}).length === 0)
          throw new FuzzInvariantError(`${list}[${i}] has secondaryValue ${p.secondaryValue} but no absent metric`);
        checkEvaluation(p.result, `${list}[${i}].result`);
      });
    }
    return res;
  },
  describe: describeScenario,
};
