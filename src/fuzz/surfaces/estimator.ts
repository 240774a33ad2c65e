/**
 * Closed-form estimator (issue 16): `evaluateFast` (the search's estimator, colocated and P/D) on
 * extreme-but-valid scenarios (valid-scenarios.ts). Refusals: the schema (SchemaRefusal) and
 * resolveDeployment (ScenarioError, e.g. a plan larger than the cluster). Every result must pass
 * checkEvaluation (finite numbers, fits: false with a reason).
 */
import { ScenarioError } from '../../core/cost/deployment.ts';
import { evaluateFast } from '../../core/search/evaluate-plan.ts';
import { checkEvaluation } from '../result-checks.ts';
import type { FuzzSurface } from '../types.ts';
import {
  describeScenario,
  engineSeeds,
  ESTIMATOR_LIMITS,
  extremeScenario,
  parseOrRefuse,
  prefillChunkPasses,
  SchemaRefusal,
} from '../valid-scenarios.ts';

type Obj = Record<string, unknown>;

/** More chunks than this can take ~0.5 s per call (measured: 8,192 chunks 118 ms): a known defect. */
const SLOW_CHUNKS = 32_768;

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
  knownDefect(raw) {
    const chunks = prefillChunkPasses(raw);
    return chunks > SLOW_CHUNKS
      ? `core/cost (issue 16): prefillTimeS costs the ${chunks.toLocaleString('en-US')} prefill chunks of the longest prompt one by one (~14 µs each; 131,072 chunks of 16 tokens take ~2 s)`
      : null;
  },
  describe: describeScenario,
};
