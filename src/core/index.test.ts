import { describe, expect, it } from 'vitest';
import { evaluate, InvalidScenarioError, search, simulate, toScenario } from './index.ts';
import { evaluateFast } from './evaluate/fast.ts';

const scenario = { version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm', gpusPerNode: 1 } };

describe('the library entry point', () => {
  it('evaluate is the closed form on the validated scenario', () => {
    expect(evaluate(scenario)).toEqual(evaluateFast(toScenario(scenario)));
  });

  it('simulate and search run on the same validated scenario', () => {
    expect(simulate(scenario, { maxRequests: 64 }).method).toBe('simulation');
    const s = search(scenario, { top: 3 });
    expect(s.ranked[0]!.result.gpu.id).toBe('h100-sxm');
  });

  it('refuses bad input with InvalidScenarioError naming the field, from the schema or the engine', () => {
    const schema = (() => {
      try {
        evaluate({ ...scenario, cluster: { gpu: 'h100-sxm', gpusPerNode: 0 } });
      } catch (e) {
        return e;
      }
    })();
    expect(schema).toBeInstanceOf(InvalidScenarioError);
    expect((schema as InvalidScenarioError).errors.join()).toContain('cluster.gpusPerNode');
    expect(() => evaluate({ ...scenario, model: 'no-such-model' })).toThrow(/model: unknown model "no-such-model"/);
  });
});
