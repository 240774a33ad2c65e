/**
 * HF config import: `parseHfConfigText` then `fromHfConfig` on mutations of the real configs in
 * data/reference/hf-configs (structural and textual) and on random text. Refusal is a
 * ModelImportError; an imported model must have finite, positive sizes.
 */
import { fromHfConfig, ModelImportError, parseHfConfigText } from '../../core/model/hf.ts';
import { countParams, kvBytesPerToken } from '../../core/model/params.ts';
import { readCorpus } from '../corpus.ts';
import { mutateJson, mutateText, PROTOTYPE_NAMES, randomJson, randomText, toJsonText } from '../mutate.ts';
import { FuzzInvariantError, preview, type FuzzSurface } from '../types.ts';

interface Ctx {
  texts: string[];
  configs: Record<string, unknown>[];
}

export const hfSurface: FuzzSurface<string, Ctx> = {
  name: 'hf-import',
  description: 'parseHfConfigText + fromHfConfig on mutated data/reference/hf-configs and random text',
  expectedErrors: [ModelImportError],
  setup() {
    const texts = readCorpus('data/reference/hf-configs', ['.json']).map((f) => f.text);
    return { texts, configs: texts.map((t) => parseHfConfigText(t) as Record<string, unknown>) };
  },
  generate(rng, ctx) {
    const kind = rng.int(0, 9);
    if (kind <= 5) {
      const c = mutateJson(rng, rng.pick(ctx.configs));
      if (rng.chance(0.2)) c['architectures'] = [rng.pick(PROTOTYPE_NAMES)];
      if (rng.chance(0.1) && typeof c['text_config'] === 'object') c['text_config'] = randomJson(rng, 2);
      return toJsonText(c);
    }
    if (kind <= 8) return mutateText(rng, rng.pick(ctx.texts));
    return rng.chance(0.5) ? randomText(rng) : toJsonText(randomJson(rng));
  },
  run(text) {
    const spec = fromHfConfig(parseHfConfigText(text), { id: 'fuzz' });
    const p = countParams(spec);
    const kv = kvBytesPerToken(spec, 2);
    for (const [what, v] of [
      ['totalParams', p.totalParams],
      ['activeParams', p.activeParams],
      ['kvBytesPerToken', kv],
    ] as const) {
      if (!Number.isFinite(v) || v <= 0) throw new FuzzInvariantError(`imported model has ${what} = ${v}`);
    }
    return spec;
  },
  describe: (text) => preview(text),
};
