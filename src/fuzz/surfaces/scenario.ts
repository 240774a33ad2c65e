/**
 * Scenario schema: untrusted JSON text → parseUntrustedJson → parseScenario → resolveDeployment, on
 * mutations of examples/*.json (plus one with a pasted HF config and one with a KV strategy) and on
 * random JSON. parseScenario reports problems as `{ ok: false }`; resolveDeployment refuses with
 * ScenarioError; the text reader refuses with UntrustedJsonError.
 */
import { resolveDeployment, ScenarioError } from '../../core/cost/deployment.ts';
import { parseUntrustedJson, UntrustedJsonError } from '../../core/json/untrusted.ts';
import { kvPresetDef } from '../../core/kv/presets.ts';
import { parseHfConfigText } from '../../core/model/hf.ts';
import { parseScenario } from '../../core/scenario/validate.ts';
import { readCorpus } from '../corpus.ts';
import { mutateJson, mutateText, randomJson, randomText, toJsonText } from '../mutate.ts';
import { FuzzInvariantError, preview, type FuzzSurface } from '../types.ts';

interface Ctx {
  scenarios: Record<string, unknown>[];
  texts: string[];
}

/** Longest scenario text read here (a scenario may embed a 64 MB trace; generated inputs stay far below). */
const MAX_SCENARIO_CHARS = 80 * 1024 * 1024;

export function seedScenarios(): Record<string, unknown>[] {
  const examples = readCorpus('examples', ['.json']).map((f) => JSON.parse(f.text) as Record<string, unknown>);
  const llama = readCorpus('data/reference/hf-configs', ['Meta-Llama-3.1-8B.json'])[0]!;
  const first = examples[0]!;
  return [
    ...examples,
    { ...first, model: { name: 'pasted Llama-3.1-8B', hf: parseHfConfigText(llama.text) }, plan: { tp: 1 } },
    { ...first, runtime: { kvStrategy: kvPresetDef('fp8-h2o')!.input } },
    { ...first, runtime: { kvStrategy: kvPresetDef('host-nvme')!.input } },
  ];
}

export const scenarioSurface: FuzzSurface<string, Ctx> = {
  name: 'scenario',
  description: 'parseUntrustedJson + parseScenario + resolveDeployment on mutated examples/ and random JSON',
  expectedErrors: [UntrustedJsonError, ScenarioError],
  setup() {
    const scenarios = seedScenarios();
    return { scenarios, texts: scenarios.map((s) => JSON.stringify(s, null, 2)) };
  },
  generate(rng, ctx) {
    const kind = rng.int(0, 9);
    if (kind <= 5) return toJsonText(mutateJson(rng, rng.pick(ctx.scenarios)));
    if (kind <= 8) return mutateText(rng, rng.pick(ctx.texts));
    return rng.chance(0.5) ? randomText(rng) : toJsonText(randomJson(rng));
  },
  run(text) {
    const parsed = parseScenario(parseUntrustedJson(text, { what: 'the scenario', maxChars: MAX_SCENARIO_CHARS }));
    if (!parsed.ok) {
      if (parsed.errors.length === 0 || parsed.errors.some((e) => typeof e !== 'string' || e.length === 0)) {
        throw new FuzzInvariantError('parseScenario refused without an error message');
      }
      return parsed;
    }
    return resolveDeployment(parsed.scenario);
  },
  describe: (text) => preview(text),
};
