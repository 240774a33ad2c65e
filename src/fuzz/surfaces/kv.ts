/**
 * KV strategies: a strategy object (mutations of every preset in KV_PRESET_LIST, or random JSON)
 * parsed by the scenario's `runtime.kvStrategy` schema, then `kvCapacityCurve` on three real
 * deployments at generated context lengths. The schema refuses with `{ success: false }`; an
 * accepted strategy must give finite, non-negative capacity figures.
 */
import { resolveDeployment, type Deployment } from '../../core/cost/deployment.ts';
import { kvCapacityCurve } from '../../core/kvplan/capacity.ts';
import { KV_PRESET_LIST } from '../../core/kv/presets.ts';
import { MAX_KV_TOKENS } from '../../core/kv/types.ts';
import { runtimeSchema } from '../../core/scenario/schema.ts';
import { parseScenario } from '../../core/scenario/validate.ts';
import { mutateJson, randomJson } from '../mutate.ts';
import { FuzzInvariantError, preview, type FuzzSurface } from '../types.ts';
import { seedScenarios } from './scenario.ts';

export interface KvInput {
  strategy: unknown;
  deployment: number;
  contexts: number[];
}

interface Ctx {
  presets: unknown[];
  deployments: Deployment[];
}

const kvStrategyField = runtimeSchema.shape.kvStrategy;

/** Numeric fields of a capacity point that must be finite and >= 0. */
const POINT_FIELDS = [
  'hbmBytesPerSeq',
  'hbmSeqs',
  'maxSeqs',
  'servableSeqs',
  'offloadedSeqs',
  'decodeStepS',
  'decodeTokPerS',
  'hbmOnlyDecodeTokPerS',
] as const;

export const kvSurface: FuzzSurface<KvInput, Ctx> = {
  name: 'kv-strategies',
  description: 'runtime.kvStrategy schema + kvCapacityCurve on mutated presets and random JSON, 3 deployments',
  expectedErrors: [],
  setup() {
    const deployments = seedScenarios()
      .slice(0, 3)
      .map((s) => {
        const p = parseScenario(s);
        if (!p.ok) throw new Error(`seed scenario is invalid: ${p.errors.join('; ')}`);
        return resolveDeployment(p.scenario);
      });
    return { presets: KV_PRESET_LIST.flatMap((p) => (p.input === null ? [] : [p.input])), deployments };
  },
  generate(rng, ctx) {
    const strategy = rng.chance(0.85) ? mutateJson(rng, rng.pick(ctx.presets)) : randomJson(rng, 3);
    const contexts = Array.from({ length: rng.int(1, 4) }, () =>
      rng.pick([1, 2, 1024, MAX_KV_TOKENS, rng.int(1, MAX_KV_TOKENS)]),
    );
    return { strategy, deployment: rng.int(0, ctx.deployments.length - 1), contexts };
  },
  run(input, ctx) {
    const parsed = kvStrategyField.safeParse(input.strategy);
    if (!parsed.success || parsed.data === undefined) return parsed;
    const curve = kvCapacityCurve(ctx.deployments[input.deployment]!, parsed.data, input.contexts);
    for (const p of curve.points) {
      for (const f of POINT_FIELDS) {
        const v = p[f];
        if (!Number.isFinite(v) || v < 0) {
          throw new FuzzInvariantError(`capacity point at ${p.contextTokens} tokens has ${f} = ${v}`);
        }
      }
    }
    return curve;
  },
  describe: (input) =>
    `deployment ${input.deployment}, contexts ${input.contexts.join('/')}: ${preview(JSON.stringify(input.strategy) ?? 'undefined')}`,
};
