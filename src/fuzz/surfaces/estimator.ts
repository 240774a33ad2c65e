/**
 * Closed-form estimator (issue 16): `evaluateFast` (the search's estimator, colocated and P/D) on
 * extreme-but-valid scenarios (valid-scenarios.ts). Refusals: the schema (SchemaRefusal) and
 * resolveDeployment (ScenarioError, e.g. a plan larger than the cluster). Every result must pass
 * checkEvaluation (finite numbers, fits: false with a reason).
 */
import { ScenarioError } from '../../core/cost/deployment.ts';
import { evaluateFast } from '../../core/evaluate/fast.ts';
import { checkEvaluation } from '../result-checks.ts';
import type { FuzzSurface } from '../types.ts';
import {
  describeScenario,
  engineSeeds,
  ESTIMATOR_LIMITS,
  extremeScenario,
  parseOrRefuse,
  SchemaRefusal,
} from '../valid-scenarios.ts';

type Obj = Record<string, unknown>;

export const estimatorSurface: FuzzSurface<Obj, Obj[]> = {
  name: 'estimator',
  description: 'parseScenario + evaluateFast (closed form, colocated and P/D) on extreme-but-valid scenarios',
  expectedErrors: [SchemaRefusal, ScenarioError],
  setup: engineSeeds,
  generate: (rng, seeds) => extremeScenario(rng, seeds, ESTIMATOR_LIMITS),
  run(raw) {
    const r = evaluateFast(parseOrRefuse(raw));
    checkEvaluation(r, 'evaluateFast');
    return r;
  },
  describe: describeScenario,
};
